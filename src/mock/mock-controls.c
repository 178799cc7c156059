/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-controls.c — test controls under /_mock/, for loopback clients only.
 *
 * Control requests are not logged, counted or subject to faults: they are
 * the test's hands, not the client under test. */
#include "mock-private.h"

#include <string.h>

#include "mock-options.h"
#include "mock-response.h"
#include "mock-util.h"

static void
respond_error (SoupServerMessage *msg, guint status, const char *message)
{
  g_autoptr (JsonObject) obj = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (obj, "error", message);
  json_node_set_object (node, obj);
  mock_respond_json (msg, status, node);
}

static void
respond_take (SoupServerMessage *msg, guint status, JsonNode *node)
{
  mock_respond_json (msg, status, node);
  json_node_unref (node);
}

/* An empty body is allowed where it means "no arguments". */
static JsonNode *
request_json (SoupServerMessage *msg, gboolean allow_empty, GError **error)
{
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (g_bytes_get_size (body) == 0)
    {
      if (allow_empty)
        return json_node_init_object (json_node_alloc (), json_object_new ());
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a JSON body is required");
      return NULL;
    }
  return mock_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), error);
}

static void
handle_faults (MockServer *self, SoupServerMessage *msg, const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) parsed = NULL;

  if (strcmp (method, "GET") == 0)
    {
      respond_take (msg, SOUP_STATUS_OK, mock_fault_queue_to_json (&self->faults));
      return;
    }
  if (strcmp (method, "DELETE") == 0)
    {
      mock_fault_queue_clear (&self->faults);
      mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
      return;
    }
  if (strcmp (method, "POST") != 0)
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET, POST or DELETE");
      return;
    }
  node = request_json (msg, FALSE, &error);
  if (node == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  /* One fault or an array of them; all are checked before any is queued. */
  parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) mock_fault_unref);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          MockFault *f = mock_fault_parse (json_array_get_element (array, i), &error);

          if (f == NULL)
            {
              g_prefix_error (&error, "fault %u: ", i);
              respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
              return;
            }
          g_ptr_array_add (parsed, f);
        }
    }
  else
    {
      MockFault *f = mock_fault_parse (node, &error);

      if (f == NULL)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
      g_ptr_array_add (parsed, f);
    }
  for (guint i = 0; i < parsed->len; i++)
    mock_fault_queue_push (&self->faults, g_ptr_array_index (parsed, i));
  respond_take (msg, SOUP_STATUS_CREATED, mock_fault_queue_to_json (&self->faults));
}

static void
handle_scenario (MockServer *self, SoupServerMessage *msg, const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (strcmp (method, "POST") == 0)
    {
      node = request_json (msg, FALSE, &error);
      if (node == NULL || !mock_scenario_update (&self->scenario, node, &error))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
    }
  else if (strcmp (method, "GET") != 0)
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET or POST");
      return;
    }
  respond_take (msg, SOUP_STATUS_OK, mock_scenario_to_json (&self->scenario));
}

static void
handle_seed (MockServer *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = request_json (msg, FALSE, &error);
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (JsonNode) answer = NULL;
  guint added = 0;

  if (node == NULL || !mock_seed_add (self, node, &added, &error))
    {
      respond_error (msg, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) ? SOUP_STATUS_CONFLICT
                                                                                  : SOUP_STATUS_BAD_REQUEST,
                     error->message);
      return;
    }
  obj = json_object_new ();
  json_object_set_int_member (obj, "added", added);
  answer = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (answer, obj);
  mock_respond_json (msg, SOUP_STATUS_CREATED, answer);
}

static void
handle_state (MockServer *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = request_json (msg, FALSE, &error);
  JsonNode *record = node ? mock_routing_set_state (self, node, &error) : NULL;

  if (record == NULL)
    respond_error (msg, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? SOUP_STATUS_NOT_FOUND
                                                                                   : SOUP_STATUS_BAD_REQUEST,
                   error->message);
  else
    respond_take (msg, SOUP_STATUS_OK, record);
}

static void
handle_bulk (MockServer *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = request_json (msg, FALSE, &error);
  JsonNode *answer = node ? mock_routing_bulk_conversations (self, node, &error) : NULL;

  if (answer == NULL)
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
  else
    respond_take (msg, SOUP_STATUS_CREATED, answer);
}

static void
handle_presence (MockServer *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = request_json (msg, FALSE, &error);
  g_autoptr (JsonNode) answer = node ? mock_presence_control (self, node, &error) : NULL;

  if (answer == NULL)
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
  else
    mock_respond_json (msg, SOUP_STATUS_OK, answer);
}

/* POST adds custom choice options (mock-options.h); GET lists them. */
static void
handle_option_sets (MockServer *self, SoupServerMessage *msg, const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonObject) out = json_object_new ();
  g_autoptr (JsonNode) answer = json_node_new (JSON_NODE_OBJECT);
  GHashTableIter iter;
  gpointer key, value;

  if (strcmp (method, "POST") == 0)
    {
      node = request_json (msg, FALSE, &error);
      if (node == NULL || !mock_options_load (self->store, node, &error))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
    }
  else if (strcmp (method, "GET") != 0)
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET or POST");
      return;
    }
  g_hash_table_iter_init (&iter, mock_store_get_options (self->store));
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *options = value;
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < options->len; i++)
        {
          const MockOption *o = g_ptr_array_index (options, i);
          JsonObject *item = json_object_new ();

          json_object_set_int_member (item, "value", o->value);
          json_object_set_string_member (item, "label", o->label);
          json_array_add_object_element (list, item);
        }
      json_object_set_array_member (out, key, list);
    }
  json_node_set_object (answer, out);
  mock_respond_json (msg, strcmp (method, "POST") == 0 ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, answer);
}

static gboolean
want_method (SoupServerMessage *msg, const char *method, const char *wanted)
{
  if (strcmp (method, wanted) == 0)
    return TRUE;
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, wanted);
  return FALSE;
}

void
mock_controls_handle (MockServer *self, SoupServerMessage *msg, const char *path)
{
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen ("/_mock/");

  if (!mock_address_is_loopback (soup_server_message_get_remote_address (msg)))
    {
      respond_error (msg, SOUP_STATUS_FORBIDDEN, "/_mock/ is only served to loopback clients");
      return;
    }
  if (strcmp (path, "/_mock") == 0)
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "unknown control");
  else if (strcmp (name, "reset") == 0)
    {
      if (want_method (msg, method, "POST"))
        {
          mock_server_reset (self);
          mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
        }
    }
  else if (strcmp (name, "expire-tokens") == 0)
    {
      if (want_method (msg, method, "POST"))
        {
          mock_server_expire_tokens (self);
          mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
        }
    }
  else if (strcmp (name, "faults") == 0)
    handle_faults (self, msg, method);
  else if (strcmp (name, "seed") == 0)
    {
      if (want_method (msg, method, "POST"))
        handle_seed (self, msg);
    }
  else if (strcmp (name, "state") == 0)
    {
      if (want_method (msg, method, "POST"))
        handle_state (self, msg);
    }
  else if (strcmp (name, "bulk-conversations") == 0)
    {
      if (want_method (msg, method, "POST"))
        handle_bulk (self, msg);
    }
  else if (strcmp (name, "presence") == 0)
    {
      if (want_method (msg, method, "POST"))
        handle_presence (self, msg);
    }
  else if (strcmp (name, "scenario") == 0)
    handle_scenario (self, msg, method);
  else if (strcmp (name, "option-sets") == 0)
    handle_option_sets (self, msg, method);
  else if (strcmp (name, "requests") == 0)
    {
      if (strcmp (method, "DELETE") == 0)
        {
          mock_server_clear_log (self);
          mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
        }
      else if (want_method (msg, method, "GET"))
        respond_take (msg, SOUP_STATUS_OK, mock_server_dup_request_log (self));
    }
  else if (strcmp (name, "counters") == 0)
    {
      if (want_method (msg, method, "GET"))
        respond_take (msg, SOUP_STATUS_OK, mock_server_counters_to_json (self));
    }
  else if (g_str_has_prefix (name, "store/"))
    {
      JsonNode *records;

      if (!want_method (msg, method, "GET"))
        return;
      records = mock_server_dup_records (self, name + strlen ("store/"));
      if (records == NULL)
        respond_error (msg, SOUP_STATUS_NOT_FOUND, "unknown entity set");
      else
        respond_take (msg, SOUP_STATUS_OK, records);
    }
  else
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "unknown control");
}
