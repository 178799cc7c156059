/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hostile-server.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define API_PREFIX "/api/data/v9.2/"
#define TOKEN_PATH "/" HOSTILE_TENANT "/oauth2/v2.0/token"
#define DEEP_BYTES (200 * 1024)
#define FORMATTED "@OData.Community.Display.V1.FormattedValue"

static void
reply (SoupServerMessage *msg, guint status, const char *body, gsize length)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json; odata.metadata=minimal",
                                      SOUP_MEMORY_COPY, body, length);
}

static void
reply_text (SoupServerMessage *msg, guint status, const char *body)
{
  reply (msg, status, body, body ? strlen (body) : 0);
}

static void
reply_token (HostileServer *self, SoupServerMessage *msg, const char *expires_in)
{
  char *token = g_strdup_printf ("eyJ0eXAiOiJKV1Qi.%s-%u.c2ln", HOSTILE_TOKEN_MARK, self->tokens->len + 1);
  g_ptr_array_add (self->tokens, token);
  g_autofree char *body = g_strdup_printf ("{\"token_type\":\"Bearer\",\"expires_in\":%s,"
                                           "\"ext_expires_in\":3599,\"access_token\":\"%s\"}",
                                           expires_in ? expires_in : "3599", token);
  reply_text (msg, 200, body);
}

static const HostileRule *
find_rule (HostileServer *self, const char *request)
{
  for (const HostileRule *rule = self->rules; rule && rule->match; rule++)
    if (g_str_has_prefix (request, rule->match))
      return rule;
  return NULL;
}

static void
apply_rule (HostileServer *self, SoupServerMessage *msg, const HostileRule *rule, const char *url)
{
  if (rule->location)
    {
      g_autofree char *location = NULL;
      if (g_str_has_prefix (rule->location, "@ELSEWHERE@"))
        location = g_strconcat (self->elsewhere_base, rule->location + strlen ("@ELSEWHERE@"), NULL);
      else
        location = g_strdup (rule->location);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
    }
  switch (rule->kind)
    {
    case HOSTILE_BODY_TOKEN:
      reply_token (self, msg, rule->body);
      soup_server_message_set_status (msg, rule->status, NULL);
      return;
    case HOSTILE_BODY_DEEP:
      {
        GString *body = g_string_new (rule->body);
        for (gsize i = 0; i < DEEP_BYTES; i++)
          g_string_append_c (body, '[');
        reply (msg, rule->status, body->str, body->len);
        g_string_free (body, TRUE);
        return;
      }
    case HOSTILE_BODY_SELF_LINK:
      {
        g_autofree char *body = g_strdup_printf ("{\"value\":[],\"@odata.nextLink\":\"%s\"}", url);
        reply_text (msg, rule->status, body);
        return;
      }
    case HOSTILE_BODY_TEXT:
    default:
      reply_text (msg, rule->status, rule->body);
      return;
    }
}

/* The id our client chose for a record it creates (it is deterministic). */
static char *
request_member (SoupServerMessage *msg, const char *member)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  if (data == NULL || !json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  JsonNode *node = json_object_get_member (json_node_get_object (root), member);
  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? g_strdup (json_node_get_string (node)) : NULL;
}

/* What a healthy org answers. */
static void
reply_default (HostileServer *self, SoupServerMessage *msg, const char *method, const char *path)
{
  if (g_str_equal (method, "GET") && g_str_has_prefix (path, "WhoAmI"))
    reply_text (msg, 200, "{\"BusinessUnitId\":\"11111111-0000-4000-8000-000000000001\","
                          "\"UserId\":\"" HOSTILE_USER "\",\"OrganizationId\":\"11111111-0000-4000-8000-000000000002\"}");
  else if (g_str_equal (method, "GET") && g_str_has_prefix (path, "msdyn_liveworkstreams("))
    reply_text (msg, 200, "{\"msdyn_name\":\"Live chat\",\"statecode\":0,\"statecode" FORMATTED "\":\"Active\","
                          "\"msdyn_streamsource\":192360000}");
  else if (g_str_equal (method, "GET") && (g_str_has_prefix (path, "msdyn_ocliveworkitems?")
                                           || g_str_has_prefix (path, "incidents?")
                                           || g_str_has_prefix (path, "contacts?")))
    reply_text (msg, 200, "{\"value\":[]}");
  else if (g_str_equal (method, "GET") && g_str_has_prefix (path, "msdyn_ocliveworkitems("))
    {
      g_autofree char *id = g_strndup (path + strlen ("msdyn_ocliveworkitems("), 36);
      g_autofree char *body = g_strdup_printf ("{\"activityid\":\"%s\"}", id);
      reply_text (msg, 200, body);
    }
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "msdyn_ocliveworkitems"))
    {
      g_autofree char *id = request_member (msg, "activityid");
      g_autofree char *body = g_strdup_printf ("{\"activityid\":\"%s\"}", id ? id : "");
      reply_text (msg, 201, body);
    }
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "incidents"))
    {
      g_autofree char *id = request_member (msg, "incidentid");
      g_autofree char *body = g_strdup_printf ("{\"incidentid\":\"%s\",\"ticketnumber\":\"CAS-01001-H0S7L3\"}",
                                               id ? id : "");
      reply_text (msg, 201, body);
    }
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "contacts"))
    {
      g_autofree char *id = request_member (msg, "contactid");
      g_autofree char *body = g_strdup_printf ("{\"contactid\":\"%s\"}", id ? id : "");
      reply_text (msg, 201, body);
    }
  else
    reply_text (msg, 404, "{\"error\":{\"code\":\"0x80060888\",\"message\":\"Resource not found for the segment.\"}}");
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  HostileServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw_query = g_uri_get_query (uri);
  g_autofree char *url = g_uri_to_string (uri);
  g_autofree char *relative = NULL;

  if (g_str_equal (path, TOKEN_PATH))
    {
      self->token_requests++;
      relative = g_strdup ("token");
    }
  else if (g_str_has_prefix (path, API_PREFIX))
    {
      self->api_requests++;
      relative = g_strconcat (path + strlen (API_PREFIX), raw_query ? "?" : "", raw_query ? raw_query : "", NULL);
    }
  else
    relative = g_strdup (path);

  g_autofree char *request = g_strdup_printf ("%s %s", method, relative);
  gboolean api = g_str_has_prefix (path, API_PREFIX);
  if (api && g_str_has_prefix (relative, "WhoAmI"))
    self->whoami_requests++;
  if (api && g_str_equal (method, "GET") && (g_str_has_prefix (relative, "msdyn_ocliveworkitems?$select")
                                             || g_str_has_prefix (relative, "incidents?$select")))
    self->page_gets++;
  if (api && g_str_equal (method, "POST") && (g_str_has_prefix (relative, "msdyn_ocliveworkitems")
                                              || g_str_has_prefix (relative, "incidents")))
    self->creates++;

  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  const char *latest = self->tokens->len ? self->tokens->pdata[self->tokens->len - 1] : NULL;
  const HostileRule *rule = find_rule (self, request);
  if (rule)
    apply_rule (self, msg, rule, url);
  else if (g_str_equal (relative, "token"))
    reply_token (self, msg, NULL);
  else if (!api)
    reply_text (msg, 404, NULL);
  else if (latest == NULL || authorization == NULL || !g_str_has_prefix (authorization, "Bearer ")
           || !g_str_equal (authorization + 7, latest))
    {
      self->unauthorized++;
      reply_text (msg, 401, "{\"error\":{\"code\":\"0x80048306\",\"message\":\"The token is not valid.\"}}");
    }
  else
    reply_default (self, msg, method, relative);

  g_ptr_array_add (self->log, g_strdup_printf ("%s → %u", request, soup_server_message_get_status (msg)));
}

static void
on_elsewhere (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  HostileServer *self = user_data;
  self->elsewhere_requests++;
  g_ptr_array_add (self->log, g_strdup_printf ("ELSEWHERE %s %s", soup_server_message_get_method (msg), path));
  /* Answers as a healthy WhoAmI and token endpoint would, so following a
   * redirect here looks like success: the test must see the difference. */
  if (strstr (path, "/token"))
    reply_token (self, msg, NULL);
  else
    reply_text (msg, 200, "{\"UserId\":\"" HOSTILE_USER "\"}");
}

static SoupServer *
listen_on (const char *address, SoupServerCallback callback, gpointer user_data, char **base)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  if (!soup_server_listen (server, socket_address, 0, &error))
    g_error ("cannot listen on %s: %s", address, error->message);
  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  GSList *uris = soup_server_get_uris (server);
  *base = g_strdup_printf ("http://%s:%d", address, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

HostileServer *
hostile_server_new (const HostileRule *rules)
{
  HostileServer *self = g_new0 (HostileServer, 1);
  self->rules = rules;
  self->tokens = g_ptr_array_new_with_free_func (g_free);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->server = listen_on ("127.0.0.1", on_request, self, &self->base);
  self->elsewhere = listen_on ("127.0.0.2", on_elsewhere, self, &self->elsewhere_base);
  return self;
}

void
hostile_server_free (HostileServer *self)
{
  soup_server_disconnect (self->server);
  soup_server_disconnect (self->elsewhere);
  g_object_unref (self->server);
  g_object_unref (self->elsewhere);
  g_free (self->base);
  g_free (self->elsewhere_base);
  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->log);
  g_free (self);
}
