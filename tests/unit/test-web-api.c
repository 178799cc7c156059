/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Web API layer: headers, 401 refresh-and-replay, retries honouring
 * Retry-After, bounded backoff, in-flight cap, error bodies, size cap,
 * links outside the environment, cancellation, redirects never followed. */
#include <string.h>

#include "oc-error.h"
#include "oc-http.h"
#include "oc-web-api.h"
#include "test-server.h"

typedef struct {
  TestServer      *server;
  SoupSession     *session;
  OcSettings      *settings;
  OcTokenProvider *tokens;
  OcWebApi        *api;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->server = test_server_new ();
  f->session = oc_http_session_new (30);
  f->settings = test_server_settings (f->server);
  g_assert_true (oc_settings_validate (f->settings, NULL));
  f->tokens = oc_token_provider_new (f->session, f->settings);
  f->api = oc_web_api_new (f->session, f->tokens, f->settings->environment);
  OcBackoff fast = { 20, 80 };
  oc_web_api_set_backoff (f->api, &fast);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  oc_web_api_shutdown (f->api);
  oc_token_provider_shutdown (f->tokens);
  /* let cancelled callbacks run before the server goes */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (f->api);
  g_object_unref (f->tokens);
  g_object_unref (f->session);
  oc_settings_free (f->settings);
  test_server_free (f->server);
}

typedef struct {
  guint       done;
  OcResponse *responses[64];
  GError     *errors[64];
} Results;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Results *results = user_data;
  guint i = results->done++;
  results->responses[i] = oc_web_api_send_finish (OC_WEB_API (source), result, &results->errors[i]);
}

static void
results_clear (Results *results)
{
  for (guint i = 0; i < results->done; i++)
    {
      g_clear_pointer (&results->responses[i], oc_response_free);
      g_clear_error (&results->errors[i]);
    }
  results->done = 0;
}

static void
send (Fixture *f, OcRequest *request, Results *results)
{
  oc_web_api_send_async (f->api, request, NULL, on_sent, results);
}

static void
send_path (Fixture *f, const char *path, Results *results)
{
  g_autoptr(OcRequest) request = oc_request_new ("GET", path);
  send (f, request, results);
}

static void
test_headers (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  g_autoptr(OcRequest) request = oc_request_new ("POST", "contacts");
  g_autoptr(JsonNode) body = json_from_string ("{\"firstname\":\"Ada\"}", NULL);
  oc_request_set_body (request, body);
  oc_request_add_header (request, "Prefer", "return=representation");
  test_server_script (f->server, 201, "{\"contactid\":\"c0a7ac70-0001-4000-8000-000000000001\"}", NULL, 0);

  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_no_error (results.errors[0]);
  g_assert_cmpuint (results.responses[0]->status, ==, 201);

  SoupMessageHeaders *headers = f->server->api_headers->pdata[0];
  g_autofree char *bearer = g_strconcat ("Bearer ", f->server->current_token, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), ==, bearer);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Accept"), ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "OData-MaxVersion"), ==, "4.0");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "OData-Version"), ==, "4.0");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Prefer"), ==, "return=representation");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==, "application/json; charset=utf-8");
  g_assert_cmpstr (f->server->api_paths->pdata[0], ==, "POST /api/data/v9.2/contacts");
  results_clear (&results);
}

static void
test_401_refresh_and_replay_once (Fixture *f, gconstpointer data)
{
  Results results = { 0 };

  send_path (f, "WhoAmI", &results);
  test_wait_until_count (&results.done, 1);
  g_assert_no_error (results.errors[0]);
  g_assert_cmpuint (f->server->token_requests, ==, 1);

  /* the token is revoked: twenty concurrent requests see 401, one refresh, each replayed once */
  test_server_revoke_tokens (f->server);
  for (guint i = 0; i < 20; i++)
    send_path (f, "msdyn_ocliveworkitems?$top=1", &results);
  test_wait_until_count (&results.done, 21);
  for (guint i = 1; i < 21; i++)
    {
      g_assert_no_error (results.errors[i]);
      g_assert_cmpuint (results.responses[i]->status, ==, 200);
    }
  g_assert_cmpuint (f->server->token_requests, ==, 2);
  /* only the eight on the wire held the stale token: 1 + 20 + 8 replays */
  g_assert_cmpuint (f->server->api_requests, ==, 1 + 20 + OC_WEB_API_MAX_IN_FLIGHT);
  results_clear (&results);
}

static void
test_401_after_fresh_token (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  test_server_script (f->server, 401, NULL, NULL, 0);
  test_server_script (f->server, 401, NULL, NULL, 0);

  send_path (f, "WhoAmI", &results);
  test_wait_until_count (&results.done, 1);
  g_assert_error (results.errors[0], OC_ERROR, OC_ERROR_NO_APPLICATION_USER);
  g_assert_nonnull (strstr (results.errors[0]->message, "Application User"));
  g_assert_cmpint (oc_error_get_kind (results.errors[0]), ==, OC_ERROR_KIND_AUTH);
  g_assert_cmpuint (f->server->api_requests, ==, 2);   /* one replay, not more */
  g_assert_cmpuint (f->server->token_requests, ==, 2);
  results_clear (&results);
}

typedef struct {
  guint   count;
  guint64 delays[16];
} RetryLog;

static void
on_retry (OcRequest *request, guint attempt, guint64 delay_ms, const GError *error, gpointer user_data)
{
  RetryLog *log = user_data;
  log->delays[log->count++] = delay_ms;
}

static void
test_retry_after_honoured (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  RetryLog log = { 0 };
  g_autoptr(OcRequest) request = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (request, OC_RETRY_BOUNDED, 3);
  oc_request_set_retry_notify (request, on_retry, &log, NULL);
  test_server_script (f->server, 429, "{\"error\":{\"code\":\"0x80072322\",\"message\":\"Number of requests exceeded\"}}", "1", 0);
  test_server_script (f->server, 503, NULL, NULL, 0);

  gint64 start = g_get_monotonic_time ();
  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_assert_no_error (results.errors[0]);
  g_assert_cmpuint (f->server->api_requests, ==, 3);
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpuint (log.delays[0], >=, 1000);      /* what the server asked for */
  g_assert_cmpuint (log.delays[1], <=, 80);        /* then plain bounded backoff */
  g_assert_cmpint (elapsed_ms, >=, 1000);          /* it really waited, never earlier */
  results_clear (&results);
}

static void
test_retry_bounded_then_error (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  RetryLog log = { 0 };
  g_autoptr(OcRequest) request = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (request, OC_RETRY_BOUNDED, 4);
  oc_request_set_retry_notify (request, on_retry, &log, NULL);
  for (guint i = 0; i < 4; i++)
    test_server_script (f->server, 500, "{\"error\":{\"code\":\"0x80040216\",\"message\":\"Unexpected\"}}", NULL, 0);

  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_error (results.errors[0], OC_ERROR, OC_ERROR_SERVER);
  g_assert_cmpuint (oc_error_get_http_status (results.errors[0]), ==, 500);
  g_assert_cmpstr (oc_error_get_service_code (results.errors[0]), ==, "0x80040216");
  g_assert_cmpuint (f->server->api_requests, ==, 4);
  g_assert_cmpuint (log.count, ==, 3);
  for (guint i = 0; i < log.count; i++)
    g_assert_cmpuint (log.delays[i], <=, 80);

  /* permanent errors are never retried */
  g_autoptr(OcRequest) bad = oc_request_new ("GET", "contacts");
  oc_request_set_retry (bad, OC_RETRY_FOREVER, 0);
  test_server_script (f->server, 400, "{\"error\":{\"code\":\"0x80060888\",\"message\":\"Could not find a property named 'x'\"}}", NULL, 0);
  send (f, bad, &results);
  test_wait_until_count (&results.done, 2);
  g_assert_error (results.errors[1], OC_ERROR, OC_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (results.errors[1]->message, "Could not find a property named 'x'"));
  g_assert_cmpuint (f->server->api_requests, ==, 5);
  results_clear (&results);
}

static void
test_max_retry_delay_gives_up (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  g_autoptr(OcRequest) request = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (request, OC_RETRY_FOREVER, 0);
  oc_request_set_max_retry_delay (request, 5000);
  test_server_script (f->server, 429, NULL, "120", 0);

  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_error (results.errors[0], OC_ERROR, OC_ERROR_THROTTLED);
  g_assert_cmpint (oc_error_get_retry_after (results.errors[0]), ==, 120);
  g_assert_cmpuint (f->server->api_requests, ==, 1);
  results_clear (&results);
}

static void
test_in_flight_cap (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  for (guint i = 0; i < 30; i++)
    test_server_script (f->server, 200, "{\"value\":[]}", NULL, 50);

  for (guint i = 0; i < 30; i++)
    send_path (f, "msdyn_ocliveworkitems", &results);
  test_wait_until_count (&results.done, 30);

  for (guint i = 0; i < 30; i++)
    g_assert_no_error (results.errors[i]);
  /* The server sees at most the cap (how many arrive together depends on
   * scheduling); the client's own count reaches it, as 30 calls were queued
   * at once. */
  g_assert_cmpuint (f->server->peak_in_flight, >=, 1);
  g_assert_cmpuint (f->server->peak_in_flight, <=, OC_WEB_API_MAX_IN_FLIGHT);
  g_assert_cmpuint (oc_web_api_get_peak_in_flight (f->api), ==, OC_WEB_API_MAX_IN_FLIGHT);
  g_assert_cmpuint (oc_web_api_get_in_flight (f->api), ==, 0);
  results_clear (&results);
}

static void
test_error_bodies (void)
{
  static const struct { guint status; const char *body; OcErrorCode code; const char *needle; } cases[] = {
    { 403, "{\"error\":{\"code\":\"0x80042f09\",\"message\":\"Principal user (Id=1, type=8) is missing prvReadmsdyn_ocliveworkitem privilege (Id=2)\"}}",
      OC_ERROR_FORBIDDEN, "lacks the privilege prvReadmsdyn_ocliveworkitem" },
    { 403, "{\"error\":{\"code\":\"0x80040220\",\"message\":\"SecLib::AccessCheckEx failed\"}}",
      OC_ERROR_FORBIDDEN, "lacks a security role or privilege" },
    { 412, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}",
      OC_ERROR_DUPLICATE, "already exists" },
    { 400, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}",
      OC_ERROR_DUPLICATE, "already exists" },
    /* seen from Dataverse: a duplicate key carried by HTTP 500 is no server trouble */
    { 500, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}",
      OC_ERROR_DUPLICATE, "already exists" },
    { 503, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}",
      OC_ERROR_DUPLICATE, "HTTP 503" },
    { 404, "{\"error\":{\"code\":\"0x80040217\",\"message\":\"msdyn_liveworkstream With Id = 1 Does Not Exist\"}}",
      OC_ERROR_NOT_FOUND, "Does Not Exist" },
    { 400, "{\"error\":{\"code\":\"\",\"message\":\"\"}}", OC_ERROR_BAD_REQUEST, "Bad Request" },
    { 400, "[1,2,3]", OC_ERROR_BAD_REQUEST, "HTTP 400" },
    { 405, NULL, OC_ERROR_HTTP, "HTTP 405" },
    { 429, NULL, OC_ERROR_THROTTLED, "throttling" },
    { 504, NULL, OC_ERROR_SERVER, "HTTP 504" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) body = cases[i].body ? json_from_string (cases[i].body, NULL) : NULL;
      g_autoptr(GError) error = oc_web_api_error_from_response ("GET things", cases[i].status, body, -1);
      g_assert_error (error, OC_ERROR, (gint) cases[i].code);
      g_assert_cmpuint (oc_error_get_http_status (error), ==, cases[i].status);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, error->message, cases[i].needle);
    }
}

static void
test_malformed_and_oversized (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  oc_web_api_set_max_response_size (f->api, 64 * 1024);

  g_autoptr(OcRequest) request = oc_request_new ("GET", "contacts");
  oc_request_set_retry (request, OC_RETRY_NONE, 1);
  test_server_script (f->server, 200, "{\"value\": [", NULL, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_error (results.errors[0], OC_ERROR, OC_ERROR_BAD_RESPONSE);

  test_server_script (f->server, 200, NULL, NULL, 0);
  ((TestReply *) g_queue_peek_tail (&f->server->script))->filler_bytes = 200 * 1024;
  send (f, request, &results);
  test_wait_until_count (&results.done, 2);
  g_assert_error (results.errors[1], OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (results.errors[1]->message, "refused"));

  test_server_script (f->server, 204, NULL, NULL, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 3);
  g_assert_no_error (results.errors[2]);
  g_assert_null (results.responses[2]->body);

  /* ~200 KB of nested '[' crashed json-glib (stack overflow): success and
   * error bodies alike are parsed within bounds now */
  GString *deep = g_string_new ("{\"UserId\":");
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  g_string_append_c (deep, '}');
  oc_web_api_set_max_response_size (f->api, 1024 * 1024);
  test_server_script (f->server, 200, deep->str, NULL, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 4);
  g_assert_error (results.errors[3], OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (results.errors[3]->message, "Malformed answer from Dynamics 365 to GET contacts"));
  g_assert_nonnull (strstr (results.errors[3]->message, "deeper than 64 levels"));

  test_server_script (f->server, 400, deep->str, NULL, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 5);
  g_assert_error (results.errors[4], OC_ERROR, OC_ERROR_BAD_REQUEST);
  g_string_free (deep, TRUE);

  /* an error body whose members have the wrong types is ignored, never read */
  test_server_script (f->server, 400, "{\"error\":{\"code\":{\"x\":1},\"message\":[\"m\"]}}", NULL, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 6);
  g_assert_error (results.errors[5], OC_ERROR, OC_ERROR_BAD_REQUEST);
  g_assert_null (oc_error_get_service_code (results.errors[5]));
  results_clear (&results);
}

static void
test_link_outside_environment_refused (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  send_path (f, "https://evil.example.com/api/data/v9.2/contacts?$skiptoken=1", &results);
  g_autofree char *inside = g_strdup_printf ("%s/api/data/v9.2/contacts?$skiptoken=2", f->server->url);
  send_path (f, inside, &results);
  test_wait_until_count (&results.done, 2);

  gboolean first_refused = results.errors[0] != NULL;
  GError *refusal = first_refused ? results.errors[0] : results.errors[1];
  g_assert_error (refusal, OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (refusal->message, "outside"));
  g_assert_cmpuint (f->server->api_requests, ==, 1);   /* the token never went to evil.example.com */
  results_clear (&results);
}

static void
test_entity_id (void)
{
  OcResponse response = { 204, NULL, soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE) };
  soup_message_headers_replace (response.headers, "OData-EntityId",
      "https://contoso.crm.dynamics.com/api/data/v9.2/incidents(7EB682F1-CA75-E511-80D4-00155D2A68D1)");
  g_autofree char *id = oc_response_dup_entity_id (&response);
  g_assert_cmpstr (id, ==, "7eb682f1-ca75-e511-80d4-00155d2a68d1");
  soup_message_headers_replace (response.headers, "OData-EntityId", "https://x/incidents(nope)");
  g_autofree char *bad = oc_response_dup_entity_id (&response);
  g_assert_null (bad);
  soup_message_headers_unref (response.headers);
}

static void
test_shutdown_cancels_everything (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  for (guint i = 0; i < 12; i++)
    test_server_script (f->server, 200, "{\"value\":[]}", NULL, 2000);
  g_autoptr(OcRequest) retrying = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (retrying, OC_RETRY_FOREVER, 0);

  for (guint i = 0; i < 12; i++)
    send_path (f, "msdyn_ocliveworkitems", &results);   /* 8 hold a slot, 4 queued */
  g_assert_cmpuint (oc_web_api_get_in_flight (f->api), ==, OC_WEB_API_MAX_IN_FLIGHT);
  /* how many reach the server before the shutdown is scheduling; one is enough
   * to prove that a request on the wire is cancelled too */
  test_wait_until_count (&f->server->in_flight, 1);

  oc_web_api_shutdown (f->api);
  test_wait_until_count (&results.done, 12);
  for (guint i = 0; i < 12; i++)
    g_assert_error (results.errors[i], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (oc_web_api_get_in_flight (f->api), ==, 0);

  send (f, retrying, &results);
  test_wait_until_count (&results.done, 13);
  g_assert_error (results.errors[12], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  results_clear (&results);
}

static void
test_caller_cancel_while_backing_off (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OcRequest) request = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (request, OC_RETRY_FOREVER, 0);
  test_server_script (f->server, 503, NULL, "3600", 0);

  oc_web_api_send_async (f->api, request, cancellable, on_sent, &results);
  test_wait_until_count (&f->server->api_requests, 1);
  /* let the 503 arrive and the hour-long wait begin */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (50000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_cancellable_cancel (cancellable);
  test_wait_until_count (&results.done, 1);
  g_assert_error (results.errors[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  results_clear (&results);
}

/* ---- redirects: never followed, on Dataverse calls or token requests ----
 * A 3xx is a permanent error naming the Location's host (never its path or
 * query), sent once, and the other host never hears from us. */

typedef struct {
  Fixture    *f;
  SoupServer *target;          /* where the redirects point */
  guint       target_hits;
  guint       sent;
  char       *location;
  guint       status;
} Redirect;

static void
on_target (SoupServer *server, SoupServerMessage *message, const char *path, GHashTable *query, gpointer user_data)
{
  Redirect *r = user_data;
  r->target_hits++;
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"UserId\":\"" TEST_USER "\"}", strlen ("{\"UserId\":\"" TEST_USER "\"}"));
}

static void
on_redirect (SoupServer *server, SoupServerMessage *message, const char *path, GHashTable *query, gpointer user_data)
{
  Redirect *r = user_data;
  r->sent++;
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Location", r->location);
  soup_server_message_set_status (message, r->status, NULL);
}

/* Serves @status with Location @location (NULL: a URL on another loopback
 * server whose query stands for anything a Location may carry) at @path. */
static void
redirect_init (Redirect *r, Fixture *f, const char *path, guint status, const char *location)
{
  g_autoptr(GError) error = NULL;
  *r = (Redirect) { .f = f, .status = status };
  r->target = soup_server_new (NULL, NULL);
  soup_server_add_handler (r->target, NULL, on_target, r, NULL);
  g_assert_true (soup_server_listen_local (r->target, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  GSList *uris = soup_server_get_uris (r->target);
  int port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  r->location = location ? g_strdup (location)
                         : g_strdup_printf ("http://localhost:%d/api/data/v9.2/WhoAmI?code=SECRET-CODE-42", port);
  soup_server_add_handler (f->server->server, path, on_redirect, r, NULL);
}

static void
redirect_clear (Redirect *r)
{
  soup_server_disconnect (r->target);
  g_object_unref (r->target);
  g_free (r->location);
}

static void
assert_redirect_error (const GError *error, guint status, const char *host)
{
  g_assert_error (error, OC_ERROR, OC_ERROR_HTTP);
  g_assert_cmpint (oc_error_get_kind (error), ==, OC_ERROR_KIND_PERMANENT);
  g_assert_cmpuint (oc_error_get_http_status (error), ==, status);
  g_autofree char *needle = g_strdup_printf ("redirect (HTTP %u) to %s;", status, host);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” lacks “%s”", error->message, needle);
  g_assert_null (strstr (error->message, "SECRET-CODE"));
  g_assert_null (strstr (error->message, "/api/data"));
}

/* One WhoAmI answered with a redirect; returns the error. */
static GError *
who_am_i_redirected (Fixture *f, Redirect *r)
{
  Results results = { 0 };
  g_autoptr(OcRequest) request = oc_request_new ("GET", "WhoAmI");
  oc_request_set_retry (request, OC_RETRY_FOREVER, 0);
  send (f, request, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_null (results.responses[0]);
  g_assert_cmpuint (r->sent, ==, 1);          /* permanent: never retried */
  g_assert_cmpuint (r->target_hits, ==, 0);   /* never followed */
  return results.errors[0];
}

static void
check_dataverse_redirect (Fixture *f, guint status, const char *location, const char *host)
{
  Redirect r;
  redirect_init (&r, f, "/api/data/v9.2/WhoAmI", status, location);
  g_autoptr(GError) error = who_am_i_redirected (f, &r);
  assert_redirect_error (error, status, host);
  redirect_clear (&r);
}

static void test_redirect_302 (Fixture *f, gconstpointer data) { check_dataverse_redirect (f, 302, NULL, "localhost"); }
static void test_redirect_307 (Fixture *f, gconstpointer data) { check_dataverse_redirect (f, 307, NULL, "localhost"); }
/* even to our own host: the answer is not the one we asked for */
static void test_redirect_relative (Fixture *f, gconstpointer data) { check_dataverse_redirect (f, 301, "/x?t=SECRET-CODE-42", "127.0.0.1"); }
static void test_redirect_no_location (Fixture *f, gconstpointer data) { check_dataverse_redirect (f, 303, "", "nowhere (no Location header)"); }

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  g_autofree char *token = oc_token_provider_get_finish (OC_TOKEN_PROVIDER (source), result, error);
  g_assert_null (token);
}

static void
test_redirect_token (Fixture *f, gconstpointer data)
{
  Redirect r;
  redirect_init (&r, f, "/" TEST_TENANT "/oauth2/v2.0/token", 302, NULL);
  g_autoptr(GError) error = NULL;
  oc_token_provider_get_async (f->tokens, NULL, on_token, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  assert_redirect_error (error, 302, "localhost");
  g_assert_null (strstr (error->message, TEST_SECRET));
  g_assert_cmpuint (r.sent, ==, 1);
  g_assert_cmpuint (r.target_hits, ==, 0);
  redirect_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/web-api/headers", test_headers);
  ADD ("/web-api/401-refresh-and-replay-once", test_401_refresh_and_replay_once);
  ADD ("/web-api/401-after-fresh-token", test_401_after_fresh_token);
  ADD ("/web-api/retry-after-honoured", test_retry_after_honoured);
  ADD ("/web-api/retry-bounded-then-error", test_retry_bounded_then_error);
  ADD ("/web-api/max-retry-delay-gives-up", test_max_retry_delay_gives_up);
  ADD ("/web-api/in-flight-cap", test_in_flight_cap);
  ADD ("/web-api/malformed-and-oversized", test_malformed_and_oversized);
  ADD ("/web-api/link-outside-environment-refused", test_link_outside_environment_refused);
  ADD ("/web-api/shutdown-cancels-everything", test_shutdown_cancels_everything);
  ADD ("/web-api/caller-cancel-while-backing-off", test_caller_cancel_while_backing_off);
  ADD ("/web-api/redirect/302", test_redirect_302);
  ADD ("/web-api/redirect/307", test_redirect_307);
  ADD ("/web-api/redirect/relative", test_redirect_relative);
  ADD ("/web-api/redirect/no-location", test_redirect_no_location);
  ADD ("/web-api/redirect/token", test_redirect_token);
#undef ADD
  g_test_add_func ("/web-api/error-bodies", test_error_bodies);
  g_test_add_func ("/web-api/entity-id", test_entity_id);
  return g_test_run ();
}
