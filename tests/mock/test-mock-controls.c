/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-controls.c — the /_mock/ controls, the request log and seeds. */
#include <string.h>

#include "mock-test-util.h"
#include "mock-util.h"

static JsonObject *
element (Reply *r, guint i)
{
  return json_array_get_object_element (reply_array (r, NULL), i);
}

static void
test_log_keeps_no_secrets (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autofree char *uri = g_strdup_printf ("%s/%s/oauth2/v2.0/token?client_secret=%s&x=1", f->url, SEED_TENANT, SEED_SECRET);
  g_autoptr (Reply) log = NULL, with_query = NULL, contacts = NULL;
  g_autoptr (JsonNode) api_log = NULL;
  g_autofree char *text = NULL, *api_text = NULL;
  JsonObject *entry;

  fixture_get_token (f);
  {
    SoupMessage *msg = fixture_api_message (f, "GET", "contacts?$select=fullname");

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Prefer", "odata.maxpagesize=10");
    contacts = fixture_send (f, msg);
  }
  g_assert_cmpuint (contacts->status, ==, 200);
  {
    SoupMessage *msg = soup_message_new ("POST", uri);
    g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));

    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    with_query = fixture_send (f, msg);
  }
  g_assert_cmpuint (with_query->status, ==, 200);

  log = fixture_control (f, "GET", "requests", NULL);
  g_assert_cmpuint (log->status, ==, 200);
  text = reply_text (log);
  api_log = mock_server_dup_request_log (f->server);
  api_text = json_to_string (api_log, FALSE);
  g_assert_null (strstr (text, SEED_SECRET));
  g_assert_null (strstr (text, f->token));
  g_assert_null (strstr (text, reply_string (with_query, "access_token")));
  g_assert_null (strstr (api_text, SEED_SECRET));
  g_assert_null (strstr (api_text, f->token));

  g_assert_cmpuint (json_array_get_length (reply_array (log, NULL)), ==, 3);
  entry = element (log, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "seq"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, "/" SEED_TENANT "/oauth2/v2.0/token");
  g_assert_cmpint (json_object_get_int_member (entry, "status"), ==, 200);
  g_assert_false (json_object_get_boolean_member (entry, "has_bearer"));
  g_assert_cmpstr (reply_string (log, "0.body.client_id"), ==, SEED_CLIENT);
  g_assert_cmpstr (reply_string (log, "0.body.grant_type"), ==, "client_credentials");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (entry, "body"), "has_client_secret"));
  g_assert_false (json_object_has_member (json_object_get_object_member (entry, "body"), "client_secret"));

  entry = element (log, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, "/api/data/v9.2/contacts");
  g_assert_cmpstr (json_object_get_string_member (entry, "query"), ==, "$select=fullname");
  g_assert_true (json_object_get_boolean_member (entry, "has_bearer"));
  g_assert_cmpstr (json_object_get_string_member (entry, "prefer"), ==, "odata.maxpagesize=10");
  g_assert_true (json_object_get_null_member (entry, "body"));
  g_assert_true (json_object_get_null_member (entry, "fault"));

  entry = element (log, 2);
  g_assert_cmpstr (json_object_get_string_member (entry, "query"), ==, "client_secret=***&x=1");
}

static void
test_counters (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) counters = NULL, cleared = NULL, after = NULL;

  fixture_get_token (f);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

      g_assert_cmpuint (r->status, ==, 200);
    }
  {
    g_autoptr (Reply) r = fixture_api_get (f, "contacts?$top=1");

    g_assert_cmpuint (r->status, ==, 200);
  }
  counters = fixture_control (f, "GET", "counters", NULL);
  g_assert_cmpint (reply_int (counters, "token_requests"), ==, 1);
  g_assert_cmpint (reply_int (counters, "api_requests"), ==, 4);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (json_node_get_object (counters->json), "by_path")), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (counters->json), "by_path"),
                                               "/api/data/v9.2/WhoAmI"), ==, 3);
  g_assert_cmpuint (mock_server_count_requests (f->server, NULL, NULL), ==, 5);
  g_assert_cmpuint (mock_server_count_requests (f->server, "GET", "WhoAmI"), ==, 3);
  g_assert_cmpuint (mock_server_count_requests (f->server, "POST", NULL), ==, 1);
  g_assert_cmpuint (mock_server_count_requests (f->server, "POST", "WhoAmI"), ==, 0);

  cleared = fixture_control (f, "DELETE", "requests", NULL);
  g_assert_cmpuint (cleared->status, ==, 204);
  after = fixture_control (f, "GET", "counters", NULL);
  g_assert_cmpint (reply_int (after, "api_requests"), ==, 0);
  g_assert_cmpuint (mock_server_count_requests (f->server, NULL, NULL), ==, 0);
}

static void
test_store (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) contacts = NULL, users = NULL, unknown = NULL;
  g_autoptr (JsonNode) direct = NULL;
  gboolean found_app_user = FALSE;
  JsonArray *array;

  contacts = fixture_control (f, "GET", "store/contacts", NULL);
  g_assert_cmpuint (contacts->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (contacts, NULL)), ==, 4);
  g_assert_cmpstr (reply_string (contacts, "0.fullname"), ==, "Ada Lovelace");
  g_assert_cmpstr (reply_string (contacts, "0.emailaddress1"), ==, "ada@example.com");
  g_assert_cmpint (reply_int (contacts, "0.statuscode"), ==, 1);

  users = fixture_control (f, "GET", "store/systemusers", NULL);
  array = reply_array (users, NULL);
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *u = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (u, "systemuserid"), SEED_APP_USER) == 0)
        {
          found_app_user = TRUE;
          g_assert_cmpstr (json_object_get_string_member (u, "applicationid"), ==, SEED_CLIENT);
        }
    }
  g_assert_true (found_app_user);

  unknown = fixture_control (f, "GET", "store/nothings", NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_null (mock_server_dup_records (f->server, "nothings"));
  direct = mock_server_dup_records (f->server, "queues");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (direct)), ==, 2);
}

static void
test_reset (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) reset = NULL, r = NULL, faults = NULL, scenario = NULL;

  fixture_get_token (f);
  mock_server_add_fault (f->server, "{\"status\":500,\"path_contains\":\"nothing-matches\"}");
  mock_server_set_scenario (f->server, "{\"secret_expired\":true,\"application_user\":false}");
  reset = fixture_control (f, "POST", "reset", NULL);
  g_assert_cmpuint (reset->status, ==, 204);
  g_assert_cmpuint (mock_server_count_requests (f->server, NULL, NULL), ==, 0);
  faults = fixture_control (f, "GET", "faults", NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (faults, NULL)), ==, 0);
  scenario = fixture_control (f, "GET", "scenario", NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (scenario->json), "application_user"));
  g_assert_false (json_object_get_boolean_member (json_node_get_object (scenario->json), "secret_expired"));
  /* Tokens issued before the reset are forgotten. */
  r = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (r->status, ==, 401);
  fixture_get_token (f);
}

static void
test_controls_misc (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) unknown = NULL, root = NULL, wrong = NULL, faults_put = NULL, empty = NULL;
  g_autoptr (GInetAddress) lan = g_inet_address_new_from_string ("10.1.2.3");
  g_autoptr (GInetAddress) lo4 = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr (GInetAddress) lo6 = g_inet_address_new_from_string ("::1");
  g_autoptr (GSocketAddress) a_lan = g_inet_socket_address_new (lan, 1234);
  g_autoptr (GSocketAddress) a_lo4 = g_inet_socket_address_new (lo4, 1234);
  g_autoptr (GSocketAddress) a_lo6 = g_inet_socket_address_new (lo6, 1234);

  unknown = fixture_control (f, "GET", "frobnicate", NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  {
    g_autofree char *uri = g_strdup_printf ("%s/_mock", f->url);

    root = fixture_send (f, soup_message_new ("GET", uri));
  }
  g_assert_cmpuint (root->status, ==, 404);
  wrong = fixture_control (f, "GET", "reset", NULL);
  g_assert_cmpuint (wrong->status, ==, 405);
  faults_put = fixture_control (f, "PUT", "faults", "{}");
  g_assert_cmpuint (faults_put->status, ==, 405);
  empty = fixture_control (f, "POST", "faults", NULL);
  g_assert_cmpuint (empty->status, ==, 400);
  /* Controls are not requests of the client under test. */
  g_assert_cmpuint (mock_server_count_requests (f->server, NULL, NULL), ==, 0);

  g_assert_false (mock_address_is_loopback (a_lan));
  g_assert_true (mock_address_is_loopback (a_lo4));
  g_assert_true (mock_address_is_loopback (a_lo6));
  g_assert_false (mock_address_is_loopback (NULL));
}

static void
test_seed_validation (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *json, *error_part; } cases[] = {
    { "[]", "object" },
    { "{\"widgets\":[]}", "widgets" },
    { "{\"contacts\":[{\"contactid\":\"c0a7ac70-0009-4000-8000-000000000009\",\"emial\":\"x@y\"}]}", "emial" },
    { "{\"contacts\":[{\"contactid\":\"not-a-guid\"}]}", "contactid" },
    { "{\"contacts\":[{\"firstname\":\"No\"}]}", "contactid" },
    { "{\"contacts\":[{\"contactid\":\"c0a7ac70-0009-4000-8000-000000000009\",\"statecode\":\"0\"}]}", "statecode" },
    { "{\"contacts\":[{\"contactid\":\"c0a7ac70-0009-4000-8000-000000000009\"},"
      "{\"contactid\":\"C0A7AC70-0009-4000-8000-000000000009\"}]}", "already exists" },
    { "{\"tenant\":{\"id\":\"contoso\"}}", "tenant.id" },
    { "{\"tenant\":{\"domain\":\"no spaces.com\"}}", "tenant.domain" },
    { "{\"application\":{\"client_secret\":\"\"}}", "client_secret" },
    { "{\"application\":{\"client_id\":\"x\"}}", "client_id" },
    { "{\"organization\":{\"colour\":\"red\"}}", "colour" },
    { "{\"workstreams\":[{\"msdyn_liveworkstreamid\":\"e5f6a7b8-1111-4111-8111-111111111119\",\"queue\":\"nope\"}]}", "_msdyn_defaultqueue_value" },
    { "{\"contacts\":{}}", "array" },
  };
  g_autoptr (GError) missing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_false (mock_server_load_seed_data (f->server, cases[i].json, -1, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].error_part) == NULL)
        g_error ("seed error \"%s\" lacks \"%s\"", error->message, cases[i].error_part);
    }
  g_assert_false (mock_server_load_seed (f->server, "/nonexistent/seed.json", &missing));
  g_assert_error (missing, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  /* Nothing of the rejected seeds was applied. */
  fixture_get_token (f);
  {
    g_autoptr (Reply) r = fixture_api_get (f, "contacts?$select=contactid");

    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 4);
  }
  g_assert_cmpstr (mock_server_get_tenant_id (f->server), ==, SEED_TENANT);
}

static void
test_no_seed (void)
{
  g_autoptr (MockServer) server = mock_server_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) contacts = NULL;

  g_assert_null (mock_server_get_tenant_id (server));
  g_assert_null (mock_server_get_url (server));
  g_assert_true (mock_server_listen (server, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mock_server_get_port (server), >, 0);
  contacts = mock_server_dup_records (server, "contacts");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (contacts)), ==, 0);
  mock_server_reset (server);
}

void
mock_test_add_control_tests (void)
{
  FIXTURE_ADD ("/mock/controls/log-keeps-no-secrets", test_log_keeps_no_secrets);
  FIXTURE_ADD ("/mock/controls/counters", test_counters);
  FIXTURE_ADD ("/mock/controls/store", test_store);
  FIXTURE_ADD ("/mock/controls/reset", test_reset);
  FIXTURE_ADD ("/mock/controls/misc", test_controls_misc);
  FIXTURE_ADD ("/mock/seed/validation", test_seed_validation);
  g_test_add_func ("/mock/seed/none", test_no_seed);
}
