/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test-server.h"

#include <string.h>

static void
reply_free (TestReply *reply)
{
  g_free (reply->body);
  g_free (reply->retry_after);
  g_free (reply);
}

static void
respond (SoupServerMessage *message, guint status, const char *body, const char *retry_after, gsize filler)
{
  if (retry_after)
    soup_message_headers_replace (soup_server_message_get_response_headers (message), "Retry-After", retry_after);
  if (filler > 0)
    {
      GString *big = g_string_new ("{\"value\":\"");
      for (gsize i = 0; i < filler; i++)
        g_string_append_c (big, 'x');
      g_string_append (big, "\"}");
      gsize len = big->len;
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        g_string_free (big, FALSE), len);
    }
  else if (body)
    soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
  soup_server_message_set_status (message, status, NULL);
}

typedef struct {
  TestServer        *server;
  SoupServerMessage *message;
  TestReply         *reply;
} Delayed;

static gboolean
on_delay_done (gpointer user_data)
{
  Delayed *delayed = user_data;
  respond (delayed->message, delayed->reply->status, delayed->reply->body,
           delayed->reply->retry_after, delayed->reply->filler_bytes);
  delayed->server->in_flight--;
  soup_server_message_unpause (delayed->message);
  g_object_unref (delayed->message);
  reply_free (delayed->reply);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
handle_token (TestServer *self, SoupServerMessage *message, GHashTable *form)
{
  self->token_requests++;
  g_ptr_array_add (self->token_forms, form ? g_hash_table_ref (form) : g_hash_table_new (g_str_hash, g_str_equal));

  TestReply *scripted = g_queue_pop_head (&self->token_script);
  if (scripted)
    {
      respond (message, scripted->status, scripted->body, scripted->retry_after, 0);
      reply_free (scripted);
      return;
    }
  if (self->token_status != 200)
    {
      respond (message, self->token_status, self->token_error_body, NULL, 0);
      return;
    }

  g_free (self->current_token);
  self->current_token = g_strdup_printf ("tok-%u-eyJ0eXAiOiJKV1QiLCJ-SENSITIVE", ++self->token_serial);
  g_autofree char *body = g_strdup_printf ("{\"token_type\":\"Bearer\",\"expires_in\":%d,\"access_token\":\"%s\"}",
                                           self->token_lifetime, self->current_token);
  respond (message, 200, body, NULL, 0);
}

static void
handle_api (TestServer *self, SoupServerMessage *message, const char *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  GUri *uri = soup_server_message_get_uri (message);
  self->api_requests++;
  g_ptr_array_add (self->api_paths, g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (message), path,
                                                     g_uri_get_query (uri) ? "?" : "",
                                                     g_uri_get_query (uri) ? g_uri_get_query (uri) : ""));
  g_ptr_array_add (self->api_headers, soup_message_headers_ref (headers));

  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", self->current_token ? self->current_token : "-", NULL);
  if (g_strcmp0 (authorization, expected) != 0)
    {
      respond (message, 401, NULL, NULL, 0);
      return;
    }

  TestReply *reply = g_queue_pop_head (&self->script);
  if (reply == NULL)
    {
      if (g_str_has_suffix (path, "/WhoAmI"))
        respond (message, 200, "{\"UserId\":\"" TEST_USER "\",\"BusinessUnitId\":\"" TEST_USER "\"}", NULL, 0);
      else
        respond (message, 200, "{\"value\":[]}", NULL, 0);
      return;
    }
  if (reply->delay_ms == 0)
    {
      respond (message, reply->status, reply->body, reply->retry_after, reply->filler_bytes);
      reply_free (reply);
      return;
    }

  Delayed *delayed = g_new0 (Delayed, 1);
  delayed->server = self;
  delayed->message = g_object_ref (message);
  delayed->reply = reply;
  self->in_flight++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);
  soup_server_message_pause (message);
  g_timeout_add (reply->delay_ms, on_delay_done, delayed);
}

static void
handle (SoupServer *server, SoupServerMessage *message, const char *path, GHashTable *query, gpointer user_data)
{
  TestServer *self = user_data;

  if (g_str_has_suffix (path, "/oauth2/v2.0/token"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (message);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autoptr(GHashTable) form = soup_form_decode (text);
      handle_token (self, message, form);
    }
  else if (g_str_has_prefix (path, "/api/data/v9.2/"))
    handle_api (self, message, path);
  else
    respond (message, 404, "{\"error\":{\"code\":\"0x8006088a\",\"message\":\"not found\"}}", NULL, 0);
}

TestServer *
test_server_new (void)
{
  TestServer *self = g_new0 (TestServer, 1);
  self->token_lifetime = 3599;
  self->token_status = 200;
  self->api_paths = g_ptr_array_new_with_free_func (g_free);
  self->api_headers = g_ptr_array_new_with_free_func ((GDestroyNotify) soup_message_headers_unref);
  self->token_forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_queue_init (&self->script);
  g_queue_init (&self->token_script);

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);

  GSList *uris = soup_server_get_uris (self->server);
  GUri *uri = uris->data;
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

void
test_server_free (TestServer *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_queue_clear_full (&self->script, (GDestroyNotify) reply_free);
  g_queue_clear_full (&self->token_script, (GDestroyNotify) reply_free);
  g_ptr_array_unref (self->api_paths);
  g_ptr_array_unref (self->api_headers);
  g_ptr_array_unref (self->token_forms);
  g_free (self->token_error_body);
  g_free (self->current_token);
  g_free (self->url);
  g_free (self);
}

static TestReply *
reply_new (guint status, const char *body, const char *retry_after, guint delay_ms)
{
  TestReply *reply = g_new0 (TestReply, 1);
  reply->status = status;
  reply->body = g_strdup (body);
  reply->retry_after = g_strdup (retry_after);
  reply->delay_ms = delay_ms;
  return reply;
}

void
test_server_script (TestServer *self, guint status, const char *body, const char *retry_after, guint delay_ms)
{
  g_queue_push_tail (&self->script, reply_new (status, body, retry_after, delay_ms));
}

void
test_server_script_token (TestServer *self, guint status, const char *body, const char *retry_after)
{
  g_queue_push_tail (&self->token_script, reply_new (status, body, retry_after, 0));
}

void
test_server_revoke_tokens (TestServer *self)
{
  g_clear_pointer (&self->current_token, g_free);
}

OcSettings *
test_server_settings (TestServer *self)
{
  OcSettings *settings = oc_settings_new ();
  settings->environment = g_strdup (self->url);
  g_free (settings->authority);
  settings->authority = g_strdup (self->url);
  settings->tenant_id = g_strdup (TEST_TENANT);
  settings->client_id = g_strdup (TEST_CLIENT);
  settings->client_secret = g_strdup (TEST_SECRET);
  return settings;
}

static gboolean
on_test_timeout (gpointer user_data)
{
  g_error ("test timed out waiting for the main loop");
  return G_SOURCE_REMOVE;
}

void
test_wait_for (gboolean *flag)
{
  guint guard = g_timeout_add_seconds (20, on_test_timeout, NULL);
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

void
test_wait_until_count (guint *counter, guint target)
{
  guint guard = g_timeout_add_seconds (20, on_test_timeout, NULL);
  while (*counter < target)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}
