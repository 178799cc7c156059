/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-faults.c — injected faults, scenarios and token expiry. */
#include <string.h>

#include "mock-test-util.h"

static void
add_fault (Fixture *f, const char *json)
{
  g_autoptr (Reply) r = fixture_control (f, "POST", "faults", json);

  g_assert_cmpuint (r->status, ==, 201);
}

/* The log entry of the @n-th logged request (1-based). */
static JsonObject *
log_entry (Fixture *f, JsonNode **holder, guint n)
{
  JsonArray *log;

  g_clear_pointer (holder, json_node_unref);
  *holder = mock_server_dup_request_log (f->server);
  log = json_node_get_array (*holder);
  g_assert_cmpuint (json_array_get_length (log), >=, n);
  return json_array_get_object_element (log, n - 1);
}

static void
test_fault_status (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  g_autoptr (Reply) listed = NULL;

  fixture_get_token (f);
  {
    g_autoptr (Reply) r = fixture_control (f, "POST", "faults",
                                           "{\"count\":2,\"path_contains\":\"WhoAmI\",\"status\":503,\"retry_after\":\"2\"}");

    g_assert_cmpuint (r->status, ==, 201);
    g_assert_cmpstr (reply_string (r, "0.name"), ==, "status-503");
    g_assert_cmpint (reply_int (r, "0.count"), ==, 2);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (Reply) other = fixture_api_get (f, "contacts?$select=fullname");
      g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

      g_assert_cmpuint (other->status, ==, 200);
      assert_dataverse_error (r, 503, "0x80040216", NULL);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "2");
    }
  {
    g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_null (soup_message_headers_get_one (r->headers, "Retry-After"));
  }
  g_assert_cmpstr (json_object_get_string_member (log_entry (f, &holder, 3), "fault"), ==, "status-503");
  g_assert_cmpint (json_object_get_int_member (log_entry (f, &holder, 3), "status"), ==, 503);
  g_assert_true (json_object_get_null_member (log_entry (f, &holder, 3), "handled_status"));
  g_assert_true (json_object_get_null_member (log_entry (f, &holder, 6), "fault"));
  listed = fixture_control (f, "GET", "faults", NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (listed, NULL)), ==, 0);
}

static void
test_fault_token_endpoint (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  const char *date = "Wed, 21 Oct 2026 07:28:00 GMT";
  g_autofree char *json = g_strdup_printf ("{\"path_contains\":\"/oauth2/\",\"status\":429,\"retry_after\":\"%s\"}", date);
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  g_autoptr (Reply) r = NULL;

  add_fault (f, json);
  r = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);
  assert_aad_error (r, 429, "temporarily_unavailable", 90033);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, date);
  fixture_get_token (f);
}

static void
test_fault_bodies (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) custom = NULL, raw = NULL, headers = NULL;
  g_autofree char *raw_text = NULL;

  fixture_get_token (f);
  add_fault (f, "{\"status\":412,\"body\":{\"error\":{\"code\":\"0x80040237\",\"message\":\"dup\"}}}");
  add_fault (f, "{\"status\":200,\"body_raw\":\"{\\\"value\\\":[\",\"content_type\":\"application/json\"}");
  add_fault (f, "{\"status\":500,\"headers\":{\"x-ms-service-request-id\":\"abc\"}}");
  custom = fixture_api_get (f, "WhoAmI");
  assert_dataverse_error (custom, 412, "0x80040237", "dup");
  raw = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (raw->status, ==, 200);
  g_assert_null (raw->json);
  raw_text = reply_text (raw);
  g_assert_cmpstr (raw_text, ==, "{\"value\":[");
  headers = fixture_api_get (f, "WhoAmI");
  assert_dataverse_error (headers, 500, "0x80040216", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (headers->headers, "x-ms-service-request-id"), ==, "abc");
}

static void
test_fault_order (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) listed = NULL;
  const guint expected[] = { 502, 504, 200 };

  fixture_get_token (f);
  add_fault (f, "[{\"method\":\"post\",\"status\":500},"
                "{\"method\":\"GET\",\"path_contains\":\"WhoAmI\",\"status\":502}]");
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"status\":504}");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

      g_assert_cmpuint (r->status, ==, expected[i]);
    }
  listed = fixture_control (f, "GET", "faults", NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (listed, NULL)), ==, 1);
  g_assert_cmpstr (reply_string (listed, "0.method"), ==, "POST");
}

static void
test_fault_delay (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) slow = NULL, slow_error = NULL, fast = NULL;

  fixture_get_token (f);
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"delay_ms\":400}");
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"delay_ms\":300,\"status\":503}");
  slow = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (slow->status, ==, 200);
  g_assert_cmpstr (reply_string (slow, "UserId"), ==, SEED_APP_USER);
  g_assert_cmpint (slow->elapsed_us, >=, 400 * 1000);
  slow_error = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (slow_error->status, ==, 503);
  g_assert_cmpint (slow_error->elapsed_us, >=, 300 * 1000);
  fast = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (fast->status, ==, 200);
  g_assert_cmpint (fast->elapsed_us, <, 300 * 1000);
}

typedef struct {
  gboolean done;
  GError  *error;
} Async;

static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Async *a = user_data;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &a->error);

  a->done = TRUE;
}

static void
test_fault_delay_server_gone (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  Async a = { FALSE, NULL };
  gint64 deadline;

  fixture_get_token (f);
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"delay_ms\":60000}");
  soup_session_send_and_read_async (f->session, fixture_api_message (f, "GET", "WhoAmI"), G_PRIORITY_DEFAULT,
                                    NULL, async_done, &a);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (mock_server_count_requests (f->server, "GET", "WhoAmI") == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (mock_server_count_requests (f->server, "GET", "WhoAmI"), ==, 1);
  /* The held response must not outlive the server, nor keep the client waiting. */
  g_clear_object (&f->server);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (a.error);
  g_clear_error (&a.error);
}

static void
test_fault_delay_client_gone (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (SoupSession) impatient = soup_session_new_with_options ("timeout", 1, NULL);
  SoupSession *patient = f->session;
  g_autoptr (Reply) gave_up = NULL, later = NULL;
  gint64 until;

  fixture_get_token (f);
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"delay_ms\":1500}");
  f->session = impatient;
  gave_up = fixture_api_get (f, "WhoAmI");
  f->session = patient;
  g_assert_error (gave_up->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* Let the held response fire at a client that has gone. */
  until = g_get_monotonic_time () + 700 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  later = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (later->status, ==, 200);
}

static void
test_fault_drop (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  g_autoptr (Reply) token = NULL, dropped = NULL, next = NULL;
  g_autofree char *scope = fixture_scope (f);
  g_autofree char *form = fixture_form ("grant_type", "client_credentials", "client_id", SEED_CLIENT,
                                        "client_secret", SEED_SECRET, "scope", scope, NULL);
  JsonObject *entry;

  /* A POST is never re-sent by libsoup: the client sees the drop. */
  add_fault (f, "{\"path_contains\":\"/oauth2/\",\"drop\":true}");
  token = fixture_token_raw (f, SEED_TENANT, "application/x-www-form-urlencoded", form);
  g_assert_nonnull (token->error);
  g_assert_null (token->body);
  entry = log_entry (f, &holder, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "fault"), ==, "drop");
  g_assert_cmpint (json_object_get_int_member (entry, "status"), ==, 0);
  g_assert_true (json_object_get_null_member (entry, "handled_status"));
  fixture_get_token (f);

  /* libsoup re-sends an idempotent request once when a reused keep-alive
   * connection closes before any response byte; the retry goes out on a new
   * connection, so dropping two requests makes the client see the error. */
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"drop\":true,\"count\":2}");
  dropped = fixture_api_get (f, "WhoAmI");
  g_assert_nonnull (dropped->error);
  g_assert_null (dropped->body);
  g_assert_cmpuint (mock_server_count_requests (f->server, "GET", "WhoAmI"), ==, 2);
  next = fixture_api_get (f, "WhoAmI");
  g_assert_no_error (next->error);
  g_assert_cmpuint (next->status, ==, 200);
  g_assert_cmpuint (mock_server_count_requests (f->server, "GET", "WhoAmI"), ==, 3);
}

static void
test_fault_after (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  g_autoptr (Reply) replaced = NULL, dropped = NULL;
  JsonObject *entry;

  fixture_get_token (f);
  add_fault (f, "{\"path_contains\":\"WhoAmI\",\"status\":504,\"phase\":\"after\"}");
  add_fault (f, "{\"path_contains\":\"contacts\",\"drop\":true,\"phase\":\"after\",\"delay_ms\":50,\"count\":2}");
  replaced = fixture_api_get (f, "WhoAmI");
  assert_dataverse_error (replaced, 504, "0x80040216", NULL);
  entry = log_entry (f, &holder, 2);
  g_assert_cmpint (json_object_get_int_member (entry, "handled_status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (entry, "status"), ==, 504);
  g_assert_cmpstr (json_object_get_string_member (entry, "fault"), ==, "status-504+after");

  dropped = fixture_api_get (f, "contacts?$select=fullname");
  g_assert_nonnull (dropped->error);
  for (guint n = 3; n <= 4; n++)
    {
      entry = log_entry (f, &holder, n);
      g_assert_cmpint (json_object_get_int_member (entry, "handled_status"), ==, 200);
      g_assert_cmpint (json_object_get_int_member (entry, "status"), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (entry, "fault"), ==, "drop+delay-50ms+after");
    }
}

static void
test_fault_invalid (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const char *const bad[] = {
    "{\"statuss\":503}", "{\"drop\":true,\"status\":500}", "{}", "{\"status\":99}", "{\"count\":0,\"status\":500}",
    "{\"phase\":\"later\",\"status\":500}", "{\"delay_ms\":-1}", "[{\"status\":500},{\"nope\":1}]", "[1]", "not json",
    "{\"body\":{},\"body_raw\":\"x\"}",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (Reply) listed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_control (f, "POST", "faults", bad[i]);

      g_test_message ("case %u: %s", i, bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
      g_assert_nonnull (reply_string (r, "error"));
    }
  {
    g_autoptr (Reply) r = fixture_control (f, "POST", "faults", bad[0]);

    g_assert_nonnull (strstr (reply_string (r, "error"), "statuss"));
  }
  listed = fixture_control (f, "GET", "faults", NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (listed, NULL)), ==, 0);
  g_assert_false (mock_server_add_fault_full (f->server, "{\"drop\":1}", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_expire_tokens (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *old = NULL;
  g_autoptr (Reply) before = NULL, after = NULL, fresh = NULL, expired_control = NULL;

  fixture_get_token (f);
  before = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (before->status, ==, 200);
  expired_control = fixture_control (f, "POST", "expire-tokens", NULL);
  g_assert_cmpuint (expired_control->status, ==, 204);
  after = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (after->status, ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (after->headers, "WWW-Authenticate"));
  old = g_strdup (f->token);
  fixture_get_token (f);
  g_assert_cmpstr (old, !=, f->token);
  fresh = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (fresh->status, ==, 200);

  /* A zero lifetime issues tokens that are already expired. */
  mock_server_set_token_lifetime (f->server, 0);
  fixture_get_token (f);
  {
    g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

    g_assert_cmpuint (r->status, ==, 401);
  }
  mock_server_set_token_lifetime (f->server, 60);
  fixture_get_token (f);
  mock_server_expire_tokens (f->server);
  {
    g_autoptr (Reply) r = fixture_api_get (f, "WhoAmI");

    g_assert_cmpuint (r->status, ==, 401);
  }
}

static void
test_scenario_application_user (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) set = NULL, r = NULL, back = NULL, ok = NULL;

  fixture_get_token (f);
  set = fixture_control (f, "POST", "scenario", "{\"application_user\":false}");
  g_assert_cmpuint (set->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (set->json), "application_user"));
  g_assert_true (json_object_get_null_member (json_node_get_object (set->json), "missing_privilege"));
  r = fixture_api_get (f, "WhoAmI");
  assert_dataverse_error (r, 401, "0x80072560", "The user is not a member of the organization.");
  /* The token endpoint is unaffected: the app exists in the tenant. */
  fixture_get_token (f);
  back = fixture_control (f, "POST", "scenario", "{\"application_user\":true}");
  g_assert_cmpuint (back->status, ==, 200);
  ok = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
test_scenario_privilege (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) items = NULL, one = NULL, contacts = NULL, whoami = NULL, denied_contacts = NULL;
  g_autoptr (Reply) create_ok = NULL, create_denied = NULL;
  const char *message;

  fixture_get_token (f);
  mock_server_set_scenario (f->server, "{\"missing_privilege\":\"prvReadmsdyn_ocliveworkitem\"}");
  items = fixture_api_get (f, "msdyn_ocliveworkitems?$top=1&$select=activityid");
  assert_dataverse_error (items, 403, "0x80042f09", "is missing prvReadmsdyn_ocliveworkitem privilege (Id=");
  message = reply_string (items, "error.message");
  g_assert_true (g_str_has_prefix (message, "Principal user (Id=" SEED_APP_USER ", type=8"));
  g_assert_nonnull (strstr (message, "on OTC=10717 for entity 'msdyn_ocliveworkitem'"));
  one = fixture_api_get (f, "msdyn_ocliveworkitems(11111111-2222-4333-8444-555555555555)");
  assert_dataverse_error (one, 403, "0x80042f09", NULL);
  contacts = fixture_api_get (f, "contacts?$select=fullname");
  g_assert_cmpuint (contacts->status, ==, 200);
  whoami = fixture_api_get (f, "WhoAmI");
  g_assert_cmpuint (whoami->status, ==, 200);

  mock_server_set_scenario (f->server, "{\"missing_privilege\":\"prvReadContact\"}");
  denied_contacts = fixture_api_get (f, "contacts?$select=fullname");
  assert_dataverse_error (denied_contacts, 403, "0x80042f09", "OTC=2 for entity 'contact'");

  mock_server_set_scenario (f->server, "{\"missing_privilege\":\"prvCreatemsdyn_ocliveworkitem\"}");
  create_ok = fixture_api_get (f, "msdyn_ocliveworkitems?$select=activityid");
  g_assert_cmpuint (create_ok->status, ==, 200);
  {
    SoupMessage *msg = fixture_api_message (f, "POST", "msdyn_ocliveworkitems");
    g_autoptr (GBytes) body = g_bytes_new_static ("{\"subject\":\"x\"}", 15);

    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    create_denied = fixture_send (f, msg);
  }
  assert_dataverse_error (create_denied, 403, "0x80042f09", "prvCreatemsdyn_ocliveworkitem");
}

static void
test_scenario_invalid (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const char *const bad[] = {
    "{\"missing_privilege\":\"prvFrobcontact\"}", "{\"missing_privilege\":\"prvReadnosuchtable\"}",
    "{\"missing_privilege\":7}", "{\"application_user\":\"no\"}", "{\"secret_expired\":true,\"missing_privilege\":\"bogus\"}",
    "{\"colour\":\"red\"}", "[]",
  };
  g_autoptr (Reply) current = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_control (f, "POST", "scenario", bad[i]);

      g_test_message ("case %u: %s", i, bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
    }
  /* All or nothing: the valid member of a rejected update did not apply. */
  current = fixture_control (f, "GET", "scenario", NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (current->json), "secret_expired"));
  g_assert_true (json_object_get_boolean_member (json_node_get_object (current->json), "application_user"));
}

void
mock_test_add_fault_tests (void)
{
  FIXTURE_ADD ("/mock/faults/status", test_fault_status);
  FIXTURE_ADD ("/mock/faults/token-endpoint", test_fault_token_endpoint);
  FIXTURE_ADD ("/mock/faults/bodies", test_fault_bodies);
  FIXTURE_ADD ("/mock/faults/order", test_fault_order);
  FIXTURE_ADD ("/mock/faults/delay", test_fault_delay);
  FIXTURE_ADD ("/mock/faults/delay-server-gone", test_fault_delay_server_gone);
  FIXTURE_ADD ("/mock/faults/delay-client-gone", test_fault_delay_client_gone);
  FIXTURE_ADD ("/mock/faults/drop", test_fault_drop);
  FIXTURE_ADD ("/mock/faults/after", test_fault_after);
  FIXTURE_ADD ("/mock/faults/invalid", test_fault_invalid);
  FIXTURE_ADD ("/mock/tokens/expire", test_expire_tokens);
  FIXTURE_ADD ("/mock/scenario/application-user", test_scenario_application_user);
  FIXTURE_ADD ("/mock/scenario/privilege", test_scenario_privilege);
  FIXTURE_ADD ("/mock/scenario/invalid", test_scenario_invalid);
}
