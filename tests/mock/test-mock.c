/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock.c — the mock Dynamics server over real HTTP: Entra token endpoint
 * and Dataverse strictness. Other groups live in the test-mock-*.c files. */
#include <string.h>

#include "mock-test-util.h"

/* ---- token endpoint ------------------------------------------------------ */

static void
test_token_success (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autoptr (Reply) r1 = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);
  g_autoptr (Reply) r2 = fixture_token_raw (f, SEED_DOMAIN, "application/x-www-form-urlencoded; charset=utf-8", form);

  g_assert_no_error (r1->error);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpstr (reply_string (r1, "token_type"), ==, "Bearer");
  g_assert_cmpint (reply_int (r1, "expires_in"), ==, 3599);
  g_assert_cmpint (reply_int (r1, "ext_expires_in"), ==, 3599);
  g_assert_cmpuint (strlen (reply_string (r1, "access_token")), >=, 32);
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "Cache-Control"), ==, "no-store, no-cache");
  /* The domain form of the tenant works too, and each token is new. */
  g_assert_cmpuint (r2->status, ==, 200);
  g_assert_cmpstr (reply_string (r1, "access_token"), !=, reply_string (r2, "access_token"));
}

static void
test_token_lifetime (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  mock_server_set_token_lifetime (f->server, 120);
  {
    g_autofree char *scope = fixture_scope (f);
    g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                          "client_secret", SEED_SECRET, "scope", scope, NULL);
    g_autoptr (Reply) r = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);

    g_assert_cmpint (reply_int (r, "expires_in"), ==, 120);
  }
}

typedef struct {
  const char *tenant;
  const char *grant, *client, *secret, *scope;   /* "@" in scope: the mock's own URL */
  const char *extra;                              /* appended raw to the form */
  guint       status;
  const char *error;
  guint       code;
} TokenCase;

static void
test_token_errors (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const TokenCase cases[] = {
    { "not_a_tenant", "client_credentials", SEED_CLIENT, SEED_SECRET, "@", NULL, 400, "invalid_request", 900023 },
    { "11111111-2222-4333-8444-555555555555", "client_credentials", SEED_CLIENT, SEED_SECRET, "@", NULL, 400, "invalid_request", 90002 },
    { "fabrikam.onmicrosoft.com", "client_credentials", SEED_CLIENT, SEED_SECRET, "@", NULL, 400, "invalid_request", 90002 },
    { SEED_TENANT, "password", SEED_CLIENT, SEED_SECRET, "@", NULL, 400, "unsupported_grant_type", 70003 },
    { SEED_TENANT, NULL, SEED_CLIENT, SEED_SECRET, "@", NULL, 400, "invalid_request", 900144 },
    { SEED_TENANT, "client_credentials", NULL, SEED_SECRET, "@", NULL, 400, "invalid_request", 900144 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, NULL, NULL, 400, "invalid_request", 900144 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, NULL, "@", NULL, 401, "invalid_client", 7000218 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, "", "@", NULL, 401, "invalid_client", 7000218 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "@", "&foo=bar", 400, "invalid_request", 9002313 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "@", "&client_id=" SEED_CLIENT, 400, "invalid_request", 9002313 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "@", "&resource=x", 400, "invalid_request", 901002 },
    { SEED_TENANT, "client_credentials", "99999999-2222-4333-8444-555555555555", SEED_SECRET, "@", NULL, 400, "unauthorized_client", 700016 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "openid", NULL, 400, "invalid_scope", 70011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "/.default", NULL, 400, "invalid_scope", 70011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "@ offline_access", NULL, 400, "invalid_scope", 70011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "https://contoso.crm.dynamics.com/.default", NULL, 400, "invalid_resource", 500011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "localhost", NULL, 400, "invalid_resource", 500011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET, "slash", NULL, 400, "invalid_resource", 500011 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, "wrong-secret", "@", NULL, 401, "invalid_client", 7000215 },
    { SEED_TENANT, "client_credentials", SEED_CLIENT, SEED_SECRET_ID, "@", NULL, 401, "invalid_client", 7000215 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TokenCase *c = &cases[i];
      g_autofree char *scope = NULL;
      g_autofree char *form = NULL;
      g_autofree char *body = NULL;
      g_autoptr (Reply) r = NULL;

      if (g_strcmp0 (c->scope, "@") == 0)
        scope = fixture_scope (f);
      else if (g_strcmp0 (c->scope, "@ offline_access") == 0)
        scope = g_strdup_printf ("%s/.default offline_access", f->url);
      else if (g_strcmp0 (c->scope, "localhost") == 0)
        scope = g_strdup_printf ("http://localhost:%u/.default", mock_server_get_port (f->server));
      else if (g_strcmp0 (c->scope, "slash") == 0)
        scope = g_strdup_printf ("%s//.default", f->url);
      else
        scope = g_strdup (c->scope);
      form = fixture_form ("grant_type", c->grant, "client_id", c->client, "client_secret", c->secret,
                           "scope", scope, NULL);
      body = g_strconcat (form, c->extra, NULL);
      g_test_message ("case %u: %s", i, body);
      r = fixture_token_raw (f, c->tenant, "application/x-www-form-urlencoded", body);
      assert_aad_error (r, c->status, c->error, c->code);
    }
}

static void
test_token_request_shape (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autofree char *json = g_strdup_printf ("{\"grant_type\":\"client_credentials\",\"client_id\":\"%s\","
                                           "\"client_secret\":\"%s\",\"scope\":\"%s\"}",
                                           SEED_CLIENT, SEED_SECRET, scope);
  g_autofree char *uri = g_strdup_printf ("%s/%s/oauth2/v2.0/token", f->url, SEED_TENANT);
  g_autoptr (Reply) as_json = fixture_token_raw (f, SEED_TENANT, "application/json", json);
  g_autoptr (Reply) no_type = fixture_token_raw (f, SEED_TENANT, NULL, form);
  g_autoptr (Reply) get = fixture_send (f, soup_message_new ("GET", uri));

  assert_aad_error (as_json, 400, "invalid_request", 900144);
  assert_aad_error (no_type, 400, "invalid_request", 900144);
  assert_aad_error (get, 400, "invalid_request", 900561);
}

static void
test_token_secret_encoding (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  /* A secret with every character a form must escape. */
  const char *secret = "a+b&c=d%e f~Q.";
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *escaped_scope = g_uri_escape_string (scope, NULL, FALSE);
  g_autofree char *good = NULL;
  g_autofree char *raw_plus = NULL;
  g_autoptr (Reply) ok = NULL;
  g_autoptr (Reply) bad = NULL;

  mock_server_set_client (f->server, SEED_CLIENT, secret);
  good = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                       "client_secret", secret, "scope", scope, NULL);
  ok = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", good);
  g_assert_cmpuint (ok->status, ==, 200);

  /* The same secret with '+' left unescaped arrives as a space. */
  raw_plus = g_strdup_printf ("grant_type=client_credentials&client_id=%s&client_secret=a+b%%26c%%3Dd%%25e%%20f~Q.&scope=%s",
                              SEED_CLIENT, escaped_scope);
  bad = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", raw_plus);
  assert_aad_error (bad, 401, "invalid_client", 7000215);
}

static void
test_token_secret_expired (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *right = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                         "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autofree char *wrong = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                         "client_secret", "nope", "scope", scope, NULL);
  g_autoptr (Reply) expired = NULL;
  g_autoptr (Reply) still_wrong = NULL;

  mock_server_set_scenario (f->server, "{\"secret_expired\":true}");
  expired = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", right);
  assert_aad_error (expired, 401, "invalid_client", 7000222);
  /* An expired secret is only reported to whoever knows it. */
  still_wrong = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", wrong);
  assert_aad_error (still_wrong, 401, "invalid_client", 7000215);
}

static void
test_token_overrides (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  const char *tenant = "22222222-3333-4444-8555-666666666666";
  const char *client = "33333333-4444-4555-8666-777777777777";
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", client,
                                        "client_secret", "s3cret", "scope", scope, NULL);
  g_autoptr (Reply) old_tenant = NULL;
  g_autoptr (Reply) ok = NULL;

  mock_server_set_tenant (f->server, tenant);
  mock_server_set_client (f->server, client, "s3cret");
  old_tenant = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);
  assert_aad_error (old_tenant, 400, "invalid_request", 90002);
  ok = fixture_token_raw (f, tenant, "application/x-www-form-urlencoded", form);
  g_assert_cmpuint (ok->status, ==, 200);
}

/* ---- Dataverse strictness ------------------------------------------------ */

static void
test_api_bearer (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *challenge = g_strdup_printf ("Bearer authorization_uri=%s/%s/oauth2/authorize, resource_id=%s",
                                                f->url, SEED_TENANT, f->url);
  const char *variants[] = { NULL, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer " };

  fixture_get_token (f);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      SoupMessage *msg = fixture_api_message (f, "GET", "WhoAmI");
      g_autoptr (Reply) r = NULL;

      if (variants[i])
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", variants[i]);
      else
        soup_message_headers_remove (soup_message_get_request_headers (msg), "Authorization");
      r = fixture_send (f, msg);
      g_assert_cmpuint (r->status, ==, 401);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "WWW-Authenticate"), ==, challenge);
      g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
    }
}

static void
test_api_headers (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *name, *value; guint status; } cases[] = {
    { "Accept", NULL, 400 },
    { "Accept", "text/html", 400 },
    { "Accept", "application/xml", 400 },
    { "Accept", "application/json;odata.metadata=minimal", 200 },
    { "Accept", "text/plain, */*;q=0.1", 200 },
    { "OData-MaxVersion", NULL, 400 },
    { "OData-MaxVersion", "3.0", 400 },
    { "OData-Version", NULL, 400 },
    { "OData-Version", "4.01", 400 },
    { "OData-Version", "4.0", 200 },
  };

  fixture_get_token (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SoupMessage *msg = fixture_api_message (f, "GET", "WhoAmI");
      SoupMessageHeaders *h = soup_message_get_request_headers (msg);
      g_autoptr (Reply) r = NULL;

      if (cases[i].value)
        soup_message_headers_replace (h, cases[i].name, cases[i].value);
      else
        soup_message_headers_remove (h, cases[i].name);
      r = fixture_send (f, msg);
      g_test_message ("case %u: %s: %s", i, cases[i].name, cases[i].value ? cases[i].value : "(none)");
      if (cases[i].status == 200)
        g_assert_cmpuint (r->status, ==, 200);
      else
        assert_dataverse_error (r, cases[i].status, "0x80060888", cases[i].name);
    }
}

static void
test_api_whoami (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *context = g_strdup_printf ("%s/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse", f->url);
  g_autoptr (Reply) r = NULL;

  fixture_get_token (f);
  r = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "OData-Version"), ==, "4.0");
  g_assert_cmpstr (reply_string (r, "@odata.context"), ==, context);
  g_assert_cmpstr (reply_string (r, "UserId"), ==, SEED_APP_USER);
  g_assert_cmpstr (reply_string (r, "BusinessUnitId"), ==, SEED_BU);
  g_assert_cmpstr (reply_string (r, "OrganizationId"), ==, SEED_ORG);
}

static void
test_api_workstream (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *context = g_strdup_printf ("%s/api/data/v9.2/$metadata#msdyn_liveworkstreams(msdyn_name,statecode,msdyn_streamsource)/$entity", f->url);
  g_autoptr (Reply) ok = NULL, upper = NULL, keyed = NULL, missing = NULL, bad_select = NULL, bad_key = NULL;
  g_autoptr (Reply) quoted_key = NULL, top = NULL;
  JsonObject *obj;

  fixture_get_token (f);
  ok = fixture_api_get (f, "msdyn_liveworkstreams(" SEED_WORKSTREAM ")?$select=msdyn_name,statecode,msdyn_streamsource");
  g_assert_cmpuint (ok->status, ==, 200);
  obj = json_node_get_object (ok->json);
  g_assert_cmpstr (reply_string (ok, "@odata.context"), ==, context);
  g_assert_true (g_str_has_prefix (reply_string (ok, "@odata.etag"), "W/\""));
  g_assert_cmpstr (reply_string (ok, "msdyn_name"), ==, "Live chat workstream");
  g_assert_cmpint (reply_int (ok, "statecode"), ==, 0);
  g_assert_cmpint (reply_int (ok, "msdyn_streamsource"), ==, 192360000);
  g_assert_cmpstr (reply_string (ok, "msdyn_liveworkstreamid"), ==, SEED_WORKSTREAM);
  g_assert_false (json_object_has_member (obj, "_msdyn_defaultqueue_value"));
  g_assert_cmpuint (json_object_get_size (obj), ==, 6);

  upper = fixture_api_get (f, "msdyn_liveworkstreams(E5F6A7B8-1111-4111-8111-111111111111)?$select=statecode");
  g_assert_cmpuint (upper->status, ==, 200);
  g_assert_cmpstr (reply_string (upper, "msdyn_liveworkstreamid"), ==, SEED_WORKSTREAM);
  keyed = fixture_api_get (f, "msdyn_liveworkstreams(msdyn_liveworkstreamid=" SEED_WORKSTREAM ")");
  g_assert_cmpuint (keyed->status, ==, 200);
  g_assert_cmpstr (reply_string (keyed, "_msdyn_defaultqueue_value"), ==, SEED_QUEUE);

  missing = fixture_api_get (f, "msdyn_liveworkstreams(e5f6a7b8-9999-4111-8111-111111111111)?$select=msdyn_name");
  assert_dataverse_error (missing, 404, "0x80040217",
                          "msdyn_liveworkstream With Id = e5f6a7b8-9999-4111-8111-111111111111 Does Not Exist");
  bad_select = fixture_api_get (f, "msdyn_liveworkstreams(" SEED_WORKSTREAM ")?$select=msdyn_name,msdyn_workstreamid");
  assert_dataverse_error (bad_select, 400, "0x80060888",
                          "Could not find a property named 'msdyn_workstreamid' on type 'Microsoft.Dynamics.CRM.msdyn_liveworkstream'.");
  bad_key = fixture_api_get (f, "msdyn_liveworkstreams(e5f6a7b8-1111)?$select=msdyn_name");
  assert_dataverse_error (bad_key, 400, "0x80060888", NULL);
  quoted_key = fixture_api_get (f, "msdyn_liveworkstreams('" SEED_WORKSTREAM "')");
  assert_dataverse_error (quoted_key, 400, "0x80060888", NULL);
  top = fixture_api_get (f, "msdyn_liveworkstreams(" SEED_WORKSTREAM ")?$top=1");
  assert_dataverse_error (top, 400, "0x80060888", "$top");
}

static void
test_api_probe (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *context = g_strdup_printf ("%s/api/data/v9.2/$metadata#msdyn_ocliveworkitems(activityid)", f->url);
  g_autoptr (Reply) r = NULL;

  fixture_get_token (f);
  r = fixture_api_get (f, "msdyn_ocliveworkitems?$top=1&$select=activityid");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_string (r, "@odata.context"), ==, context);
  g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 0);
}

static void
test_api_not_found (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) set = NULL, version = NULL, nested = NULL, other = NULL;

  fixture_get_token (f);
  set = fixture_api_get (f, "msdyn_workstreams?$select=msdyn_name");
  assert_dataverse_error (set, 404, "0x8006088a", "Resource not found for the segment 'msdyn_workstreams'.");
  nested = fixture_api_get (f, "contacts(c0a7ac70-0001-4000-8000-000000000001)/nothing");
  assert_dataverse_error (nested, 404, "0x8006088a", "'nothing'");
  {
    g_autofree char *text = g_strdup_printf ("%s/api/data/v9.1/WhoAmI", f->url);
    g_autoptr (GUri) uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, NULL);
    SoupMessage *msg = fixture_api_message (f, "GET", "WhoAmI");

    soup_message_set_uri (msg, uri);
    version = fixture_send (f, msg);
  }
  assert_dataverse_error (version, 404, "0x8006088a", "'v9.1'");
  {
    g_autofree char *uri = g_strdup_printf ("%s/favicon.ico", f->url);

    other = fixture_send (f, soup_message_new ("GET", uri));
  }
  g_assert_cmpuint (other->status, ==, 404);
}

void
mock_test_add_token_tests (void)
{
  FIXTURE_ADD ("/mock/token/success", test_token_success);
  FIXTURE_ADD ("/mock/token/lifetime", test_token_lifetime);
  FIXTURE_ADD ("/mock/token/errors", test_token_errors);
  FIXTURE_ADD ("/mock/token/request-shape", test_token_request_shape);
  FIXTURE_ADD ("/mock/token/secret-encoding", test_token_secret_encoding);
  FIXTURE_ADD ("/mock/token/secret-expired", test_token_secret_expired);
  FIXTURE_ADD ("/mock/token/overrides", test_token_overrides);
}

void
mock_test_add_api_tests (void)
{
  FIXTURE_ADD ("/mock/api/bearer", test_api_bearer);
  FIXTURE_ADD ("/mock/api/headers", test_api_headers);
  FIXTURE_ADD ("/mock/api/whoami", test_api_whoami);
  FIXTURE_ADD ("/mock/api/workstream", test_api_workstream);
  FIXTURE_ADD ("/mock/api/probe", test_api_probe);
  FIXTURE_ADD ("/mock/api/not-found", test_api_not_found);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mock_test_add_token_tests ();
  mock_test_add_api_tests ();
  mock_test_add_query_tests ();
  mock_test_add_fault_tests ();
  mock_test_add_control_tests ();
  mock_test_add_program_tests ();
  mock_test_add_create_tests ();
  mock_test_add_service_tests ();
  mock_test_add_routing_tests ();
  mock_test_add_watch_tests ();
  mock_test_add_update_tests ();
  mock_test_add_expand_tests ();
  mock_test_add_metadata_tests ();
  mock_test_add_supervisor_tests ();
  return g_test_run ();
}
