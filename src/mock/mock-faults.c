/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-faults.c — injected faults for the next N matching requests.
 *
 * The JSON form is a test-facing interface: unknown members and
 * contradictory combinations are rejected so that a typo in a test does not
 * silently inject nothing. */
#include "mock-faults.h"

#include <string.h>

#include "mock-response.h"

#define MAX_DELAY_MS 600000

MockFault *
mock_fault_ref (MockFault *fault)
{
  g_ref_count_inc (&fault->ref);
  return fault;
}

void
mock_fault_unref (MockFault *fault)
{
  if (fault == NULL || !g_ref_count_dec (&fault->ref))
    return;
  g_free (fault->name);
  g_free (fault->method);
  g_free (fault->path_contains);
  g_free (fault->retry_after);
  g_clear_pointer (&fault->body, json_node_unref);
  g_free (fault->body_raw);
  g_free (fault->content_type);
  g_strfreev (fault->headers);
  g_free (fault);
}

static gboolean
fail (GError **error, const char *member, const char *rule)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "fault member '%s' %s", member, rule);
  return FALSE;
}

static gboolean
get_string (JsonNode *node, const char *member, char **out, GError **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return fail (error, member, "must be a non-empty string");
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_uint (JsonNode *node, const char *member, gint64 min, gint64 max, guint *out, GError **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_autofree char *rule = g_strdup_printf ("must be an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, min, max);
      return fail (error, member, rule);
    }
  *out = (guint) json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_member (MockFault *f, const char *name, JsonNode *node, GError **error)
{
  if (strcmp (name, "name") == 0)
    return get_string (node, name, &f->name, error);
  if (strcmp (name, "count") == 0)
    return get_uint (node, name, 1, G_MAXINT32, &f->count, error);
  if (strcmp (name, "method") == 0)
    return get_string (node, name, &f->method, error);
  if (strcmp (name, "path_contains") == 0)
    return get_string (node, name, &f->path_contains, error);
  if (strcmp (name, "status") == 0)
    return get_uint (node, name, 200, 599, &f->status, error);
  if (strcmp (name, "delay_ms") == 0)
    return get_uint (node, name, 0, MAX_DELAY_MS, &f->delay_ms, error);
  if (strcmp (name, "content_type") == 0)
    return get_string (node, name, &f->content_type, error);
  if (strcmp (name, "body_raw") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return fail (error, name, "must be a string");
      f->body_raw = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  if (strcmp (name, "retry_after") == 0)
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
          json_node_get_int (node) >= 0)
        {
          f->retry_after = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          return TRUE;
        }
      return get_string (node, name, &f->retry_after, error);
    }
  if (strcmp (name, "body") == 0)
    {
      f->body = json_node_copy (node);
      return TRUE;
    }
  if (strcmp (name, "drop") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return fail (error, name, "must be true or false");
      f->drop = json_node_get_boolean (node);
      return TRUE;
    }
  if (strcmp (name, "phase") == 0)
    {
      const char *v = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

      if (g_strcmp0 (v, "before") == 0)
        f->phase = MOCK_FAULT_BEFORE;
      else if (g_strcmp0 (v, "after") == 0)
        f->phase = MOCK_FAULT_AFTER;
      else
        return fail (error, name, "must be \"before\" or \"after\"");
      return TRUE;
    }
  if (strcmp (name, "headers") == 0)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr (GList) members = NULL;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, name, "must be an object of strings");
      obj = json_node_get_object (node);
      members = json_object_get_members (obj);
      for (GList *l = members; l; l = l->next)
        {
          JsonNode *v = json_object_get_member (obj, l->data);

          if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
            return fail (error, name, "must be an object of strings");
          g_strv_builder_add (builder, l->data);
          g_strv_builder_add (builder, json_node_get_string (v));
        }
      f->headers = g_strv_builder_end (builder);
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown fault member '%s'", name);
  return FALSE;
}

static char *
default_name (const MockFault *f)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (f->drop)
    g_ptr_array_add (parts, g_strdup ("drop"));
  if (f->status)
    g_ptr_array_add (parts, g_strdup_printf ("status-%u", f->status));
  if (f->delay_ms)
    g_ptr_array_add (parts, g_strdup_printf ("delay-%ums", f->delay_ms));
  if (f->phase == MOCK_FAULT_AFTER)
    g_ptr_array_add (parts, g_strdup ("after"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("+", (char **) parts->pdata);
}

MockFault *
mock_fault_parse (JsonNode *node, GError **error)
{
  g_autoptr (MockFault) f = g_new0 (MockFault, 1);
  g_autoptr (GList) members = NULL;
  JsonObject *obj;

  g_ref_count_init (&f->ref);
  f->count = 1;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a fault must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    if (!parse_member (f, l->data, json_object_get_member (obj, l->data), error))
      return NULL;

  if (f->body && f->body_raw)
    {
      fail (error, "body", "and body_raw exclude each other");
      return NULL;
    }
  if (f->drop && (f->status || f->body || f->body_raw || f->retry_after || f->headers || f->content_type))
    {
      fail (error, "drop", "sends no response, so it takes no status, body or headers");
      return NULL;
    }
  if (!f->drop && f->status == 0 && (f->body || f->body_raw || f->retry_after || f->headers || f->content_type))
    f->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  if (!f->drop && f->status == 0 && f->delay_ms == 0)
    {
      fail (error, "status", "is needed unless the fault drops or delays");
      return NULL;
    }
  if (f->method)
    for (char *p = f->method; *p; p++)
      *p = g_ascii_toupper (*p);
  if (f->name == NULL)
    f->name = default_name (f);
  return g_steal_pointer (&f);
}

JsonNode *
mock_fault_to_json (const MockFault *f)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, f->name);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, f->count);
  json_builder_set_member_name (b, "method");
  f->method ? json_builder_add_string_value (b, f->method) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "path_contains");
  f->path_contains ? json_builder_add_string_value (b, f->path_contains) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, f->status);
  json_builder_set_member_name (b, "delay_ms");
  json_builder_add_int_value (b, f->delay_ms);
  json_builder_set_member_name (b, "drop");
  json_builder_add_boolean_value (b, f->drop);
  json_builder_set_member_name (b, "phase");
  json_builder_add_string_value (b, f->phase == MOCK_FAULT_AFTER ? "after" : "before");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
mock_fault_replaces_response (const MockFault *fault)
{
  return fault->drop || fault->status != 0;
}

static JsonNode *
default_body (guint status, gboolean token_endpoint)
{
  if (token_endpoint)
    {
      if (status >= 500 || status == 429)
        return mock_aad_error_new ("temporarily_unavailable", 90033,
                                   "A transient error has occurred. Please try again.");
      return mock_aad_error_new ("invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
    }
  switch (status)
    {
    case 429:
      return mock_dataverse_error_new ("0x80072322",
                                       "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
    case SOUP_STATUS_PRECONDITION_FAILED:
      return mock_dataverse_error_new ("0x80040237", "A record with matching key values already exists.");
    case SOUP_STATUS_NOT_FOUND:
      return mock_dataverse_error_new ("0x80040217", "The requested record was not found or you do not have sufficient permissions to view it.");
    case SOUP_STATUS_UNAUTHORIZED:
      return NULL;
    case SOUP_STATUS_FORBIDDEN:
      return mock_dataverse_error_new ("0x80040220", "SecLib::AccessCheckEx failed.");
    default:
      if (status >= 500)
        return mock_dataverse_error_new ("0x80040216", "An unexpected error occurred.");
      return mock_dataverse_error_new ("0x80040203", "Invalid argument.");
    }
}

void
mock_fault_respond (const MockFault *f, SoupServerMessage *msg, gboolean token_endpoint)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (f->status != 0);

  /* Nothing of a replaced response may leak through. */
  static const char *const handled[] = {
    "OData-EntityId", "OData-Version", "Location", "Preference-Applied", "WWW-Authenticate",
    "Cache-Control", "Pragma", "ETag",
  };

  for (guint i = 0; i < G_N_ELEMENTS (handled); i++)
    soup_message_headers_remove (headers, handled[i]);
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  if (f->body_raw)
    {
      soup_server_message_set_status (msg, f->status, NULL);
      soup_server_message_set_response (msg, f->content_type ? f->content_type : "application/json",
                                        SOUP_MEMORY_COPY, f->body_raw, strlen (f->body_raw));
    }
  else
    {
      body = f->body ? json_node_ref (f->body) : default_body (f->status, token_endpoint);
      if (f->content_type && body)
        {
          g_autoptr (JsonGenerator) gen = json_generator_new ();
          g_autofree char *text = NULL;

          json_generator_set_root (gen, body);
          text = json_generator_to_data (gen, NULL);
          soup_server_message_set_status (msg, f->status, NULL);
          soup_server_message_set_response (msg, f->content_type, SOUP_MEMORY_COPY, text, strlen (text));
        }
      else if (token_endpoint)
        mock_respond_json (msg, f->status, body);
      else
        mock_respond_odata (msg, f->status, body);
    }
  if (f->retry_after)
    soup_message_headers_replace (headers, "Retry-After", f->retry_after);
  for (guint i = 0; f->headers && f->headers[i] && f->headers[i + 1]; i += 2)
    soup_message_headers_replace (headers, f->headers[i], f->headers[i + 1]);
}

void
mock_fault_queue_push (GQueue *queue, MockFault *fault)
{
  g_queue_push_tail (queue, mock_fault_ref (fault));
}

MockFault *
mock_fault_queue_take (GQueue *queue, const char *method, const char *path)
{
  for (GList *l = queue->head; l; l = l->next)
    {
      MockFault *f = l->data;

      if (f->method && g_ascii_strcasecmp (f->method, method) != 0)
        continue;
      if (f->path_contains && strstr (path, f->path_contains) == NULL)
        continue;
      mock_fault_ref (f);
      if (--f->count == 0)
        {
          g_queue_delete_link (queue, l);
          mock_fault_unref (f);
        }
      return f;
    }
  return NULL;
}

void
mock_fault_queue_clear (GQueue *queue)
{
  g_queue_clear_full (queue, (GDestroyNotify) mock_fault_unref);
}

JsonNode *
mock_fault_queue_to_json (GQueue *queue)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (GList *l = queue->head; l; l = l->next)
    json_array_add_element (array, mock_fault_to_json (l->data));
  json_node_take_array (node, array);
  return node;
}
