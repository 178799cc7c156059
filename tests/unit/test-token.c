/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Token provider: caching, single flight, renewal ahead of expiry, the
 * precise error for every documented Entra ID failure. */
#include <string.h>

#include "oc-error.h"
#include "oc-http.h"
#include "oc-token.h"
#include "test-server.h"

typedef struct {
  TestServer      *server;
  SoupSession     *session;
  OcSettings      *settings;
  OcTokenProvider *tokens;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->server = test_server_new ();
  f->session = oc_http_session_new (30);
  f->settings = test_server_settings (f->server);
  g_assert_true (oc_settings_validate (f->settings, NULL));
  f->tokens = oc_token_provider_new (f->session, f->settings);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  oc_token_provider_shutdown (f->tokens);
  g_object_unref (f->tokens);
  g_object_unref (f->session);
  oc_settings_free (f->settings);
  test_server_free (f->server);
}

typedef struct {
  guint   done;
  char   *tokens[64];
  GError *errors[64];
} Results;

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Results *results = user_data;
  guint i = results->done++;
  results->tokens[i] = oc_token_provider_get_finish (OC_TOKEN_PROVIDER (source), result, &results->errors[i]);
}

static void
results_clear (Results *results)
{
  for (guint i = 0; i < results->done; i++)
    {
      g_free (results->tokens[i]);
      g_clear_error (&results->errors[i]);
    }
  results->done = 0;
}

static void
test_single_flight (Fixture *f, gconstpointer data)
{
  Results results = { 0 };

  for (guint i = 0; i < 50; i++)
    oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 50);

  g_assert_cmpuint (f->server->token_requests, ==, 1);
  for (guint i = 0; i < 50; i++)
    {
      g_assert_no_error (results.errors[i]);
      g_assert_cmpstr (results.tokens[i], ==, f->server->current_token);
    }

  /* the form carried exactly what Entra expects */
  GHashTable *form = f->server->token_forms->pdata[0];
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "client_credentials");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, TEST_CLIENT);
  g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, TEST_SECRET);
  g_autofree char *scope = g_strdup_printf ("%s/.default", f->server->url);
  g_assert_cmpstr (g_hash_table_lookup (form, "scope"), ==, scope);
  results_clear (&results);
}

static void
test_cached (Fixture *f, gconstpointer data)
{
  Results results = { 0 };

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 1);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 3);

  g_assert_cmpuint (f->server->token_requests, ==, 1);
  g_assert_cmpuint (oc_token_provider_get_fetch_count (f->tokens), ==, 1);
  g_assert_cmpstr (results.tokens[2], ==, results.tokens[0]);
  results_clear (&results);
}

static void
test_invalidate_once (Fixture *f, gconstpointer data)
{
  Results results = { 0 };

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 1);
  g_autofree char *stale = g_strdup (results.tokens[0]);

  /* ten requests saw a 401 with the same token: one renewal */
  for (guint i = 0; i < 10; i++)
    {
      oc_token_provider_invalidate (f->tokens, stale);
      oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
    }
  test_wait_until_count (&results.done, 11);
  g_assert_cmpuint (f->server->token_requests, ==, 2);
  g_assert_cmpstr (results.tokens[10], !=, stale);

  /* invalidating a token that is no longer current changes nothing */
  oc_token_provider_invalidate (f->tokens, stale);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 12);
  g_assert_cmpuint (f->server->token_requests, ==, 2);
  results_clear (&results);
}

static void
test_renewed_before_expiry (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  f->server->token_lifetime = 2;

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 1);
  g_assert_cmpuint (f->server->token_requests, ==, 1);

  /* the renewal timer fires by itself, with no caller waiting */
  test_wait_until_count (&f->server->token_requests, 2);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 2);
  g_assert_cmpstr (results.tokens[1], ==, f->server->current_token);
  g_assert_cmpstr (results.tokens[1], !=, results.tokens[0]);
  results_clear (&results);
}

static void
on_renewal_failed (OcTokenProvider *tokens, GError *error, gpointer user_data)
{
  GError **out = user_data;
  *out = g_error_copy (error);
}

static void
test_renewal_failure_reported (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  GError *failure = NULL;
  f->server->token_lifetime = 2;
  g_signal_connect (f->tokens, "renewal-failed", G_CALLBACK (on_renewal_failed), &failure);

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 1);

  /* the secret expires while online */
  f->server->token_status = 401;
  f->server->token_error_body = g_strdup ("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: expired\","
                                          "\"error_codes\":[7000222]}");
  while (failure == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (failure, OC_ERROR, OC_ERROR_SECRET_EXPIRED);
  g_assert_nonnull (strstr (failure->message, "expired"));
  g_clear_error (&failure);
  results_clear (&results);
}

static void
test_shutdown_cancels_waiters (Fixture *f, gconstpointer data)
{
  Results results = { 0 };

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  oc_token_provider_shutdown (f->tokens);
  test_wait_until_count (&results.done, 2);
  g_assert_error (results.errors[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (results.errors[1], G_IO_ERROR, G_IO_ERROR_CANCELLED);

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 3);
  g_assert_error (results.errors[2], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  results_clear (&results);
}

static void
test_error_mapping (void)
{
  static const struct {
    guint status; const char *body; OcErrorCode code; OcErrorKind kind; const char *needle;
  } cases[] = {
    { 401, "{\"error\":\"invalid_client\",\"error_codes\":[7000215]}", OC_ERROR_SECRET_INVALID, OC_ERROR_KIND_AUTH, "Value, not its Secret ID" },
    { 400, "{\"error\":\"invalid_client\",\"error_codes\":[7000215]}", OC_ERROR_SECRET_INVALID, OC_ERROR_KIND_AUTH, "secret is wrong" },
    { 401, "{\"error\":\"invalid_client\",\"error_codes\":[7000222]}", OC_ERROR_SECRET_EXPIRED, OC_ERROR_KIND_AUTH, "has expired" },
    { 400, "{\"error\":\"unauthorized_client\",\"error_codes\":[700016]}", OC_ERROR_CLIENT_NOT_FOUND, OC_ERROR_KIND_SETTINGS, "No app with client ID" },
    { 400, "{\"error\":\"unauthorized_client\"}", OC_ERROR_CLIENT_NOT_FOUND, OC_ERROR_KIND_SETTINGS, "No app with client ID" },
    { 400, "{\"error\":\"invalid_request\",\"error_codes\":[90002]}", OC_ERROR_TENANT_NOT_FOUND, OC_ERROR_KIND_SETTINGS, "Directory (tenant) ID" },
    { 400, "{\"error\":\"invalid_request\",\"error_codes\":[900023]}", OC_ERROR_TENANT_NOT_FOUND, OC_ERROR_KIND_SETTINGS, "was not found" },
    { 400, "{\"error\":\"invalid_resource\",\"error_codes\":[500011]}", OC_ERROR_RESOURCE_NOT_FOUND, OC_ERROR_KIND_SETTINGS, "is not a resource in tenant" },
    { 400, "{\"error\":\"invalid_scope\",\"error_codes\":[70011]}", OC_ERROR_TOKEN_REJECTED, OC_ERROR_KIND_AUTH, "AADSTS70011" },
    { 503, "{\"error\":\"temporarily_unavailable\"}", OC_ERROR_SERVER, OC_ERROR_KIND_TRANSIENT, "temporarily unavailable" },
    { 400, "{\"error\":\"temporarily_unavailable\"}", OC_ERROR_SERVER, OC_ERROR_KIND_TRANSIENT, "temporarily unavailable" },
    { 429, NULL, OC_ERROR_THROTTLED, OC_ERROR_KIND_TRANSIENT, "HTTP 429" },
    { 502, "<html>bad gateway</html>", OC_ERROR_SERVER, OC_ERROR_KIND_TRANSIENT, "HTTP 502" },
    { 404, "<html>nope</html>", OC_ERROR_INVALID_SETTINGS, OC_ERROR_KIND_SETTINGS, "Authority" },
  };
  g_autoptr(OcSettings) settings = oc_settings_new ();
  settings->environment = g_strdup ("https://contoso.crm.dynamics.com");
  settings->tenant_id = g_strdup (TEST_TENANT);
  settings->client_id = g_strdup (TEST_CLIENT);
  settings->client_secret = g_strdup (TEST_SECRET);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = cases[i].body ? g_bytes_new_static (cases[i].body, strlen (cases[i].body)) : NULL;
      g_autoptr(GError) error = oc_token_error_from_response (cases[i].status, body, settings, 7);
      g_assert_error (error, OC_ERROR, (gint) cases[i].code);
      g_assert_cmpint (oc_error_get_kind (error), ==, cases[i].kind);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, error->message, cases[i].needle);
      g_assert_null (strstr (error->message, TEST_SECRET));
    }

  /* a Secret ID pasted where the Value belongs gets a hint */
  g_free (settings->client_secret);
  settings->client_secret = g_strdup ("7d2f4b1a-9c3e-4f5a-8b6c-1d2e3f4a5b6c");
  const char *body_text = "{\"error\":\"invalid_client\",\"error_codes\":[7000215]}";
  g_autoptr(GBytes) body = g_bytes_new_static (body_text, strlen (body_text));
  g_autoptr(GError) error = oc_token_error_from_response (401, body, settings, -1);
  g_assert_nonnull (strstr (error->message, "looks like a Secret ID"));
  g_assert_null (strstr (error->message, "7d2f4b1a"));
}

static void
test_error_over_http (Fixture *f, gconstpointer data)
{
  Results results = { 0 };
  test_server_script_token (f->server, 400,
      "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: Tenant not found\",\"error_codes\":[90002]}", NULL);

  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 2);
  g_assert_cmpuint (f->server->token_requests, ==, 1);
  g_assert_error (results.errors[0], OC_ERROR, OC_ERROR_TENANT_NOT_FOUND);
  g_assert_error (results.errors[1], OC_ERROR, OC_ERROR_TENANT_NOT_FOUND);
  g_assert_cmpuint (oc_error_get_http_status (results.errors[0]), ==, 400);
  g_assert_cmpstr (oc_error_get_service_code (results.errors[0]), ==, "AADSTS90002");

  /* a malformed success answer is a bad response, not a crash */
  test_server_script_token (f->server, 200, "{\"access_token\":42}", NULL);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 3);
  g_assert_error (results.errors[2], OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (results.errors[2]->message, "access_token: must be a string"));

  /* ~200 KB of nested '[' in a success or an error answer: an error, no crash */
  GString *deep = g_string_new ("{\"access_token\":");
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  test_server_script_token (f->server, 200, deep->str, NULL);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 4);
  g_assert_error (results.errors[3], OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (results.errors[3]->message, "deeper than 64 levels"));
  test_server_script_token (f->server, 400, deep->str, NULL);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 5);
  g_assert_error (results.errors[4], OC_ERROR, OC_ERROR_TOKEN_REJECTED);
  g_string_free (deep, TRUE);

  /* members of the wrong type are not read (once a Json-CRITICAL) */
  test_server_script_token (f->server, 400, "{\"error\":{\"x\":1},\"error_codes\":\"7000215\"}", NULL);
  oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
  test_wait_until_count (&results.done, 6);
  g_assert_error (results.errors[5], OC_ERROR, OC_ERROR_TOKEN_REJECTED);
  results_clear (&results);
}

/* expires_in 9223372036854775807 overflowed the expiry sum (UBSan) and made
 * every call fetch a token; 4295268 wrapped the renewal delay to 704 ms. */
static void
test_lifetime_clamped (Fixture *f, gconstpointer data)
{
  static const struct { const char *expires_in; gint64 believed; } cases[] = {
    { "9223372036854775807", 86400 },
    { "4295268", 86400 },
    { "\"4295268\"", 86400 },
    { "3599", 3599 },
  };
  Results results = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"token_type\":\"Bearer\",\"expires_in\":%s,"
                                               "\"access_token\":\"%s\"}", cases[i].expires_in,
                                               f->server->current_token);
      test_server_script_token (f->server, 200, body, NULL);
      oc_token_provider_invalidate (f->tokens, results.done ? results.tokens[results.done - 1] : NULL);
      guint before = f->server->token_requests;
      oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
      test_wait_until_count (&results.done, results.done + 1);
      g_assert_no_error (results.errors[results.done - 1]);
      g_assert_cmpint (oc_token_provider_get_lifetime (f->tokens), ==, cases[i].believed);
      /* renewed ahead of expiry, never within the next minutes */
      gint64 renewal = oc_token_provider_get_renewal_in (f->tokens);
      g_assert_cmpint (renewal, <=, cases[i].believed);
      g_assert_cmpint (renewal, >=, cases[i].believed - 301);
      /* the token is cached: more calls cost no request */
      for (guint k = 0; k < 5; k++)
        oc_token_provider_get_async (f->tokens, NULL, on_token, &results);
      test_wait_until_count (&results.done, results.done + 5);
      g_assert_cmpuint (f->server->token_requests, ==, before + 1);
    }
  results_clear (&results);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/token/single-flight", test_single_flight);
  ADD ("/token/cached", test_cached);
  ADD ("/token/invalidate-once", test_invalidate_once);
  ADD ("/token/renewed-before-expiry", test_renewed_before_expiry);
  ADD ("/token/renewal-failure-reported", test_renewal_failure_reported);
  ADD ("/token/shutdown-cancels-waiters", test_shutdown_cancels_waiters);
  ADD ("/token/error-over-http", test_error_over_http);
  ADD ("/token/lifetime-clamped", test_lifetime_clamped);
#undef ADD
  g_test_add_func ("/token/error-mapping", test_error_mapping);
  return g_test_run ();
}
