/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-test-util.c — an in-process MockServer and a real HTTP client for tests.
 *
 * Server and client share the default main context: each request runs the
 * context until its reply is complete, so the server handles it in between. */
#include "mock-test-util.h"

#include <stdarg.h>
#include <string.h>

void
reply_free (Reply *reply)
{
  if (reply == NULL)
    return;
  g_clear_error (&reply->error);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

void
fixture_setup (Fixture *f, gconstpointer seed_path)
{
  g_autoptr (GError) error = NULL;

  f->server = mock_server_new ();
  g_assert_true (mock_server_load_seed (f->server, seed_path ? seed_path : MOCK_TEST_SEED, &error));
  g_assert_no_error (error);
  g_assert_true (mock_server_listen (f->server, 0, &error));
  g_assert_no_error (error);
  f->url = mock_server_get_url (f->server);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->token = NULL;
}

void
fixture_teardown (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  g_clear_pointer (&f->token, g_free);
  /* Let closed connections finish their teardown before LSan looks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct {
  Reply   *reply;
  gboolean done;
} Pending;

static void
sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *p = user_data;

  p->reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &p->reply->error);
  p->done = TRUE;
}

Reply *
fixture_send (Fixture *f, SoupMessage *msg)
{
  Reply *reply = g_new0 (Reply, 1);
  Pending p = { reply, FALSE };
  gint64 start = g_get_monotonic_time ();
  gsize length = 0;
  const char *data;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  reply->elapsed_us = g_get_monotonic_time () - start;
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (reply->body)
    {
      data = g_bytes_get_data (reply->body, &length);
      if (length > 0)
        {
          g_autoptr (JsonParser) parser = json_parser_new ();

          if (json_parser_load_from_data (parser, data, (gssize) length, NULL) && json_parser_get_root (parser))
            reply->json = json_node_ref (json_parser_get_root (parser));
        }
    }
  g_object_unref (msg);
  return reply;
}

Reply *
fixture_token_raw (Fixture *f, const char *tenant, const char *content_type, const char *body)
{
  g_autofree char *uri = g_strdup_printf ("%s/%s/oauth2/v2.0/token", f->url, tenant);
  SoupMessage *msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

  g_assert_nonnull (msg);
  if (content_type)
    soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  else
    {
      soup_message_set_request_body_from_bytes (msg, NULL, bytes);
      soup_message_headers_remove (soup_message_get_request_headers (msg), "Content-Type");
    }
  return fixture_send (f, msg);
}

char *
fixture_form (const char *first_name, ...)
{
  GString *s = g_string_new (NULL);
  const char *name = first_name;
  va_list ap;

  va_start (ap, first_name);
  while (name)
    {
      const char *value = va_arg (ap, const char *);

      if (value)
        {
          g_autofree char *ev = g_uri_escape_string (value, NULL, FALSE);

          g_string_append_printf (s, "%s%s=%s", s->len ? "&" : "", name, ev);
        }
      name = va_arg (ap, const char *);
    }
  va_end (ap);
  return g_string_free (s, FALSE);
}

char *
fixture_scope (Fixture *f)
{
  return g_strdup_printf ("%s/.default", f->url);
}

void
fixture_get_token (Fixture *f)
{
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autoptr (Reply) r = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_free (f->token);
  f->token = g_strdup (reply_string (r, "access_token"));
  g_assert_nonnull (f->token);
}

void
fixture_get_token_unrouted (Fixture *f)
{
  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0, 0, 0);
}

SoupMessage *
fixture_api_message (Fixture *f, const char *method, const char *path_and_query)
{
  g_autoptr (GUri) base = g_uri_parse (f->url, SOUP_HTTP_URI_FLAGS, NULL);
  const char *q = strchr (path_and_query, '?');
  g_autofree char *path = g_strdup_printf ("/api/data/v9.2/%.*s",
                                           (int) (q ? (gsize) (q - path_and_query) : strlen (path_and_query)),
                                           path_and_query);
  /* Built, not parsed: tests send malformed escapes on purpose. */
  g_autoptr (GUri) uri = g_uri_build (SOUP_HTTP_URI_FLAGS, "http", NULL, g_uri_get_host (base),
                                      g_uri_get_port (base), path, q ? q + 1 : NULL, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token ? f->token : "");
  SoupMessage *msg = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *h;

  g_assert_nonnull (msg);
  h = soup_message_get_request_headers (msg);
  soup_message_headers_replace (h, "Authorization", auth);
  soup_message_headers_replace (h, "Accept", "application/json");
  soup_message_headers_replace (h, "OData-MaxVersion", "4.0");
  soup_message_headers_replace (h, "OData-Version", "4.0");
  return msg;
}

Reply *
fixture_api_get (Fixture *f, const char *path_and_query)
{
  return fixture_send (f, fixture_api_message (f, "GET", path_and_query));
}

Reply *
fixture_control (Fixture *f, const char *method, const char *name, const char *json)
{
  g_autofree char *uri = g_strdup_printf ("%s/_mock/%s", f->url, name);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (json)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return fixture_send (f, msg);
}

Reply *
fixture_api_send (Fixture *f, const char *method, const char *path_and_query, const char *json,
                  const char *prefer, const char *if_match)
{
  SoupMessage *msg = fixture_api_message (f, method, path_and_query);

  if (json)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json; charset=utf-8", bytes);
    }
  if (prefer)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Prefer", prefer);
  if (if_match)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  return fixture_send (f, msg);
}

Reply *
fixture_api_post (Fixture *f, const char *path_and_query, const char *json, const char *prefer)
{
  return fixture_api_send (f, "POST", path_and_query, json, prefer, NULL);
}

Reply *
fixture_api_get_prefer (Fixture *f, const char *path_or_url, const char *prefer)
{
  SoupMessage *msg;

  if (g_str_has_prefix (path_or_url, "http://"))
    {
      g_autoptr (GUri) uri = g_uri_parse (path_or_url, SOUP_HTTP_URI_FLAGS, NULL);

      g_assert_nonnull (uri);
      msg = fixture_api_message (f, "GET", "WhoAmI");
      soup_message_set_uri (msg, uri);
    }
  else
    msg = fixture_api_message (f, "GET", path_or_url);
  if (prefer)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Prefer", prefer);
  return fixture_send (f, msg);
}

static gboolean
spin_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
fixture_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, spin_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

guint
fixture_store_count (Fixture *f, const char *entity_set)
{
  g_autoptr (JsonNode) records = mock_server_dup_records (f->server, entity_set);

  g_assert_nonnull (records);
  return json_array_get_length (json_node_get_array (records));
}

JsonObject *
fixture_dup_record (Fixture *f, JsonNode **holder, const char *entity_set, const char *id)
{
  g_clear_pointer (holder, json_node_unref);
  *holder = mock_server_dup_record (f->server, entity_set, id);
  g_assert_nonnull (*holder);
  return json_node_get_object (*holder);
}

char *
fixture_odata_string (const char *value)
{
  g_autoptr (GString) quoted = g_string_new ("'");

  for (const char *p = value; *p; p++)
    g_string_append (quoted, *p == '\'' ? "''" : (char[]) { *p, 0 });
  g_string_append_c (quoted, '\'');
  return g_uri_escape_string (quoted->str, NULL, FALSE);
}

/* Dotted paths ("error.code", "value.0.contactid"); a member whose own name
 * has dots ("@odata.context") is found as a whole first. */
static JsonNode *
lookup (Reply *reply, const char *path)
{
  JsonNode *node = reply->json;
  const char *rest = path;

  while (node && rest && *rest)
    {
      const char *dot = strchr (rest, '.');
      g_autofree char *part = dot ? g_strndup (rest, (gsize) (dot - rest)) : g_strdup (rest);
      guint64 index;

      if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), rest))
        return json_object_get_member (json_node_get_object (node), rest);
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), part);
      else if (JSON_NODE_HOLDS_ARRAY (node) && g_ascii_string_to_unsigned (part, 10, 0, G_MAXUINT, &index, NULL) &&
               index < json_array_get_length (json_node_get_array (node)))
        node = json_array_get_element (json_node_get_array (node), (guint) index);
      else
        node = NULL;
      rest = dot ? dot + 1 : NULL;
    }
  return node;
}

const char *
reply_string (Reply *reply, const char *path)
{
  JsonNode *node = lookup (reply, path);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

gint64
reply_int (Reply *reply, const char *path)
{
  JsonNode *node = lookup (reply, path);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64);
  return json_node_get_int (node);
}

JsonArray *
reply_array (Reply *reply, const char *path)
{
  JsonNode *node = path ? lookup (reply, path) : reply->json;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

char *
reply_text (Reply *reply)
{
  gsize length = 0;
  const char *data = reply->body ? g_bytes_get_data (reply->body, &length) : NULL;

  return g_strndup (data ? data : "", length);
}

void
assert_aad_error (Reply *reply, guint status, const char *error, guint code)
{
  g_autofree char *prefix = g_strdup_printf ("AADSTS%u: ", code);
  g_autofree char *uri = g_strdup_printf ("https://login.microsoftonline.com/error?code=%u", code);
  const char *description;
  JsonArray *codes;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/json");
  g_assert_cmpstr (reply_string (reply, "error"), ==, error);
  codes = reply_array (reply, "error_codes");
  g_assert_cmpuint (json_array_get_length (codes), ==, 1);
  g_assert_cmpint (json_array_get_int_element (codes, 0), ==, code);
  description = reply_string (reply, "error_description");
  g_assert_nonnull (description);
  g_assert_true (g_str_has_prefix (description, prefix));
  g_assert_nonnull (strstr (description, "\r\nTrace ID: "));
  g_assert_nonnull (strstr (description, "\r\nCorrelation ID: "));
  g_assert_nonnull (strstr (description, "\r\nTimestamp: "));
  g_assert_nonnull (reply_string (reply, "timestamp"));
  g_assert_nonnull (reply_string (reply, "trace_id"));
  g_assert_nonnull (strstr (description, reply_string (reply, "trace_id")));
  g_assert_nonnull (reply_string (reply, "correlation_id"));
  g_assert_cmpstr (reply_string (reply, "error_uri"), ==, uri);
  g_assert_null (reply_string (reply, "access_token"));
}

void
assert_dataverse_error (Reply *reply, guint status, const char *code, const char *message_part)
{
  const char *message;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (reply->json)), ==, 1);
  g_assert_cmpstr (reply_string (reply, "error.code"), ==, code);
  message = reply_string (reply, "error.message");
  g_assert_nonnull (message);
  if (message_part && strstr (message, message_part) == NULL)
    g_error ("error message \"%s\" lacks \"%s\"", message, message_part);
}

void
assert_bad_posts (Fixture *f, const char *path, const BadPost *cases, guint n, const char *entity_set)
{
  guint before = fixture_store_count (f, entity_set);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (Reply) r = fixture_api_post (f, path, cases[i].body, REPRESENTATION);

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_dataverse_error (r, cases[i].status, cases[i].code, cases[i].message);
      /* Atomic: nothing of a refused create is stored, children included. */
      g_assert_cmpuint (fixture_store_count (f, entity_set), ==, before);
      g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 0);
      g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 0);
    }
}
