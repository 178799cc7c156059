/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "Show" views, retention, a token renewal while watching, and a hostile
 * email matched literally (SPEC §5.3, §6.1, §6.2). */
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"

#define ALEX SEED_REP1
#define OTHER_SYSTEM_USER "5e7a0003-0000-4000-8000-00000000a003"

static PurpleAccount *account;

static void
setup (const char *show, int retention_hours)
{
  harness_mock_post ("/_mock/reset", NULL);
  account = harness_account_new ();
  if (show)
    purple_account_set_string (account, "show", show);
  if (retention_hours >= 0)
    purple_account_set_int (account, "closed_retention_hours", retention_hours);
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
}

static void
teardown (void)
{
  harness_account_finish (account);
  account = NULL;
}

static void
wait_for (const char *name, const char *status)
{
  harness_wait_buddy (account, name, status, NULL);
}

static gboolean
buddy_gone (gpointer name)
{
  return purple_find_buddy (account, name) == NULL;
}

static void
set_state (const char *id, int statecode, int statuscode, int reason, const char *agent)
{
  g_autofree char *body = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":%d,"
                                           "\"statuscode\":%d,\"reason\":%d%s%s%s}", id, statecode, statuscode, reason,
                                           agent ? ",\"agent\":\"" : "", agent ? agent : "", agent ? "\"" : "");
  harness_mock_post ("/_mock/state", body);
}

static JsonArray *
bulk (guint count, const char *createdby)
{
  static JsonNode *answer;
  g_clear_pointer (&answer, json_node_unref);
  g_autofree char *body = g_strdup_printf ("{\"count\":%u,\"createdby\":\"%s\",\"workstream\":\"%s\"}",
                                           count, createdby, MOCK_WORKSTREAM);
  answer = harness_mock_control ("POST", "/_mock/bulk-conversations", body);
  return json_object_get_array_member (json_node_get_object (answer), "ids");
}

static void
test_retention_zero (void)
{
  setup (NULL, 0);
  harness_drop_document ("r.json", "{\"id\":\"ret_1\",\"channel\":\"web\",\"summary\":\"short-lived\"}");
  wait_for ("ret_1", "open");
  set_state (harness_record_id ("ret_1"), 1, 4, 192350008, ALEX);
  harness_run_until (buddy_gone, "ret_1", 40);
  /* the buddy left; the audit record and the Dynamics record stay */
  g_autoptr(JsonNode) stored = harness_stored_session ("ret_1");
  g_assert_nonnull (stored);
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, 1);
  teardown ();
}

static void
test_mine_hides_others (void)
{
  setup ("mine", -1);
  JsonArray *others = bulk (3, MOCK_APP_USER);   /* same app, another client */
  harness_drop_document ("m.json", "{\"id\":\"mine_1\",\"channel\":\"web\",\"summary\":\"mine\"}");
  wait_for ("mine_1", "open");
  harness_run_for (6000);
  for (guint i = 0; i < json_array_get_length (others); i++)
    g_assert_null (purple_find_buddy (account, json_array_get_string_element (others, i)));
  teardown ();
}

static void
test_integration_shows_app_records (void)
{
  setup ("integration", -1);
  JsonArray *others = bulk (2, MOCK_APP_USER);
  purple_account_disconnect (account);
  harness_run_for (50);
  harness_connect (account);
  const char *first = json_array_get_string_element (others, 0);
  wait_for (first, "open");
  g_assert_nonnull (purple_find_buddy (account, json_array_get_string_element (others, 1)));
  teardown ();
}

static void
test_workstream_shows_other_systems (void)
{
  setup ("workstream", -1);
  /* created by another system user in our workstream */
  JsonArray *others = bulk (2, OTHER_SYSTEM_USER);
  purple_account_disconnect (account);
  harness_run_for (50);
  harness_connect (account);
  wait_for (json_array_get_string_element (others, 0), "open");
  wait_for (json_array_get_string_element (others, 1), "open");
  teardown ();
}

static void
test_token_renewal_while_watching (void)
{
  setup (NULL, -1);
  harness_drop_document ("t.json", "{\"id\":\"tok_1\",\"channel\":\"web\",\"summary\":\"token\"}");
  wait_for ("tok_1", "open");
  guint tokens_before = harness_mock_count ("POST", "/oauth2/v2.0/token");

  /* the server forgets every token: the next poll gets 401, renews once, replays */
  harness_mock_post ("/_mock/expire-tokens", NULL);
  set_state (harness_record_id ("tok_1"), 0, 2, 192350003, ALEX);
  wait_for ("tok_1", "active");
  g_assert_cmpuint (harness_mock_count ("POST", "/oauth2/v2.0/token"), ==, tokens_before + 1);
  g_assert_cmpuint (harness_events.errored, ==, FALSE);
  teardown ();
}

static void
test_hostile_email_literal (void)
{
  setup (NULL, -1);
  /* quote, plus and percent: the filter must match this exact address only */
  const char *email = "o'hara+vip%41@example.com";
  harness_drop_document ("h1.json", "{\"id\":\"hostile_1\",\"channel\":\"web\",\"summary\":\"x\","
                            "\"customer\":{\"email\":\"o'hara+vip%41@example.com\",\"email_verified\":true}}");
  wait_for ("hostile_1", "open");
  JsonObject *first = json_array_get_object_element (harness_mock_records ("msdyn_ocliveworkitems"), 0);
  g_assert_true (json_object_get_null_member (first, "_msdyn_customer_value"));

  /* now a contact with exactly that address exists: the next session links to it */
  harness_mock_post ("/_mock/seed", "{\"contacts\":[{\"contactid\":\"c0a7ac70-0099-4000-8000-000000000099\","
                                    "\"firstname\":\"Maureen\",\"lastname\":\"O'Hara\","
                                    "\"emailaddress1\":\"o'hara+vip%41@example.com\",\"statecode\":0}]}");
  harness_drop_document ("h2.json", "{\"id\":\"hostile_2\",\"channel\":\"web\",\"summary\":\"y\","
                            "\"customer\":{\"email\":\"o'hara+vip%41@example.com\",\"email_verified\":true}}");
  wait_for ("hostile_2", "open");
  g_autoptr(JsonNode) stored = harness_stored_session ("hostile_2");
  const char *chat_id = json_object_get_string_member (json_object_get_object_member (json_node_get_object (stored), "meta"),
                                                       "dynamics365_chat_id");
  JsonArray *records = harness_mock_records ("msdyn_ocliveworkitems");
  gboolean linked = FALSE;
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      if (g_strcmp0 (json_object_get_string_member (record, "activityid"), chat_id) == 0)
        linked = g_strcmp0 (json_object_get_string_member (record, "_msdyn_customer_value"),
                            "c0a7ac70-0099-4000-8000-000000000099") == 0;
    }
  g_assert_true (linked);
  /* two chats with a verified email: two lookups and two creates, nothing else */
  g_assert_cmpuint (harness_mock_count ("GET", "/contacts"), ==, 2);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 2);
  (void) email;
  teardown ();
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  const char *manual[] = { "--assign-after", "0", "--wrap-up-after", "0", "--close-after", "0", NULL };
  harness_mock_start (manual);
  g_test_add_func ("/modes/retention-zero", test_retention_zero);
  g_test_add_func ("/modes/mine-hides-others", test_mine_hides_others);
  g_test_add_func ("/modes/integration-shows-app-records", test_integration_shows_app_records);
  g_test_add_func ("/modes/workstream-shows-other-systems", test_workstream_shows_other_systems);
  g_test_add_func ("/modes/token-renewal-while-watching", test_token_renewal_while_watching);
  g_test_add_func ("/modes/hostile-email-literal", test_hostile_email_literal);
  int status = g_test_run ();
  harness_quit ();
  return status;
}
