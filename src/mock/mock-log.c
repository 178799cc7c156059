/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-log.c — the request log and counters behind /_mock/requests and /_mock/counters.
 *
 * The log is what tests assert on, so it must never become a place where
 * secrets end up: no Authorization value, no token, no client secret, and
 * secret-looking query parameters are redacted. */
#include "mock-private.h"

#include <string.h>

#include "mock-util.h"

static void
log_entry_clear (MockLogEntry *entry)
{
  g_free (entry->method);
  g_free (entry->path);
  g_free (entry->query);
  g_free (entry->prefer);
  g_clear_pointer (&entry->body, json_node_unref);
  g_free (entry->fault);
}

void
mock_log_entry_unref (MockLogEntry *entry)
{
  g_rc_box_release_full (entry, (GDestroyNotify) log_entry_clear);
}

void
mock_server_clear_log (MockServer *self)
{
  g_ptr_array_set_size (self->log, 0);
  g_hash_table_remove_all (self->by_path);
  self->token_requests = 0;
  self->api_requests = 0;
}

guint
mock_server_count_requests (MockServer *self, const char *method, const char *path_contains)
{
  guint n = 0;

  g_return_val_if_fail (MOCK_IS_SERVER (self), 0);
  for (guint i = 0; i < self->log->len; i++)
    {
      MockLogEntry *e = g_ptr_array_index (self->log, i);

      if ((method == NULL || g_ascii_strcasecmp (method, e->method) == 0) &&
          (path_contains == NULL || strstr (e->path, path_contains) != NULL))
        n++;
    }
  return n;
}

static JsonNode *
log_entry_to_json (const MockLogEntry *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) e->seq);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, e->method);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, e->path);
  json_builder_set_member_name (b, "query");
  e->query ? json_builder_add_string_value (b, e->query) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, e->status);
  json_builder_set_member_name (b, "handled_status");
  e->handled >= 0 ? json_builder_add_int_value (b, e->handled) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "has_bearer");
  json_builder_add_boolean_value (b, e->has_bearer);
  json_builder_set_member_name (b, "prefer");
  e->prefer ? json_builder_add_string_value (b, e->prefer) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "body");
  e->body ? json_builder_add_value (b, json_node_copy (e->body)) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fault");
  e->fault ? json_builder_add_string_value (b, e->fault) : json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
mock_server_dup_request_log (MockServer *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  for (guint i = 0; i < self->log->len; i++)
    json_array_add_element (array, log_entry_to_json (g_ptr_array_index (self->log, i)));
  json_node_take_array (node, array);
  return node;
}

JsonNode *
mock_server_counters_to_json (MockServer *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GList) paths = g_hash_table_get_keys (self->by_path);

  paths = g_list_sort (paths, (GCompareFunc) strcmp);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token_requests");
  json_builder_add_int_value (b, self->token_requests);
  json_builder_set_member_name (b, "api_requests");
  json_builder_add_int_value (b, self->api_requests);
  json_builder_set_member_name (b, "by_path");
  json_builder_begin_object (b);
  for (GList *l = paths; l; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (self->by_path, l->data)));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static const char *const secret_params[] = {
  "client_secret", "client_assertion", "access_token", "password", "code", "refresh_token",
};

static char *
redact_query (const char *raw)
{
  g_auto (GStrv) parts = NULL;

  if (raw == NULL)
    return NULL;
  parts = g_strsplit (raw, "&", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *eq = strchr (parts[i], '=');
      g_autofree char *name = g_uri_unescape_segment (parts[i], eq, NULL);

      for (guint j = 0; eq && name && j < G_N_ELEMENTS (secret_params); j++)
        if (g_ascii_strcasecmp (name, secret_params[j]) == 0)
          {
            g_autofree char *redacted = g_strdup_printf ("%.*s=***", (int) (eq - parts[i]), parts[i]);

            g_free (parts[i]);
            parts[i] = g_steal_pointer (&redacted);
            break;
          }
    }
  return g_strjoinv ("&", parts);
}

MockLogEntry *
mock_log_entry_new (MockServer *self, SoupServerMessage *msg, const char *path, gboolean token_endpoint)
{
  MockLogEntry *e = g_rc_box_new0 (MockLogEntry);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  e->seq = ++self->next_seq;
  e->handled = -1;
  e->method = g_strdup (soup_server_message_get_method (msg));
  e->path = g_strdup (path);
  e->query = redact_query (g_uri_get_query (soup_server_message_get_uri (msg)));
  e->has_bearer = auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0;
  e->prefer = g_strdup (soup_message_headers_get_list (headers, "Prefer"));
  if (length > 0 && token_endpoint)
    e->body = mock_token_form_for_log (data, length);
  else if (length > 0)
    e->body = mock_json_parse (data, length, NULL);
  g_ptr_array_add (self->log, g_rc_box_acquire (e));
  return e;
}

void
mock_log_entry_finish (MockServer *self, MockLogEntry *e, guint status)
{
  e->status = status;
  if (self->verbose)
    g_printerr ("dynamics-mock: %s %s -> %u%s%s\n", e->method, e->path, status,
                e->fault ? " fault=" : "", e->fault ? e->fault : "");
}
