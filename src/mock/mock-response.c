/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-response.c — response bodies in the shapes Dataverse and Entra ID use. */
#include "mock-response.h"

#include <stdarg.h>
#include <string.h>

#include "mock-util.h"

static void
set_body (SoupServerMessage *msg, guint status, const char *content_type, JsonNode *body)
{
  g_autofree char *text = body ? mock_json_to_string (body) : NULL;

  /* set_response appends; a fault may replace a response already made. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  if (text)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
  else
    soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

void
mock_respond_json (SoupServerMessage *msg, guint status, JsonNode *body)
{
  set_body (msg, status, "application/json; charset=utf-8", body);
}

void
mock_respond_odata (SoupServerMessage *msg, guint status, JsonNode *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "OData-Version", "4.0");
  set_body (msg, status,
            "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8",
            body);
}

void
mock_respond_odata_object (SoupServerMessage *msg, guint status, JsonObject *body)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, body);
  mock_respond_odata (msg, status, node);
}

void
mock_respond_empty (SoupServerMessage *msg, guint status)
{
  set_body (msg, status, NULL, NULL);
}

JsonNode *
mock_dataverse_error_new (const char *code, const char *message)
{
  g_autoptr (JsonObject) inner = json_object_new ();
  g_autoptr (JsonObject) outer = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (inner, "code", code ? code : "");
  json_object_set_string_member (inner, "message", message);
  json_object_set_object_member (outer, "error", g_steal_pointer (&inner));
  json_node_set_object (node, outer);
  return node;
}

void
mock_respond_dataverse_error (SoupServerMessage *msg, guint status, const char *code,
                              const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autoptr (JsonNode) body = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  body = mock_dataverse_error_new (code, message);
  mock_respond_odata (msg, status, body);
}

JsonNode *
mock_aad_error_new (const char *error, guint code, const char *text)
{
  g_autoptr (JsonObject) obj = json_object_new ();
  g_autoptr (JsonArray) codes = json_array_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%SZ");
  g_autofree char *trace = mock_guid_new ();
  g_autofree char *correlation = mock_guid_new ();
  g_autofree char *description = g_strdup_printf ("AADSTS%u: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
                                                  code, text, trace, correlation, stamp);
  g_autofree char *uri = g_strdup_printf ("https://login.microsoftonline.com/error?code=%u", code);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_array_add_int_element (codes, code);
  json_object_set_string_member (obj, "error", error);
  json_object_set_string_member (obj, "error_description", description);
  json_object_set_array_member (obj, "error_codes", g_steal_pointer (&codes));
  json_object_set_string_member (obj, "timestamp", stamp);
  json_object_set_string_member (obj, "trace_id", trace);
  json_object_set_string_member (obj, "correlation_id", correlation);
  json_object_set_string_member (obj, "error_uri", uri);
  json_node_set_object (node, obj);
  return node;
}

void
mock_respond_aad_error (SoupServerMessage *msg, guint status, const char *error, guint code,
                        const char *format, ...)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) body = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  body = mock_aad_error_new (error, code, text);
  soup_message_headers_replace (headers, "Cache-Control", "no-store, no-cache");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  mock_respond_json (msg, status, body);
}
