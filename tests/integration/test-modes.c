/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "Show" views, retention, a token renewal while watching, and a hostile
 * email matched literally (SPEC §5.3, §6.1, §6.2). */
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"

#define ALEX SEED_REP1
#define OTHER_SYSTEM_USER "5e7a0003-0000-4000-8000-00000000a003"

static const HarnessOptions show_default = { 0 };
static const HarnessOptions show_mine = { .show = "mine" };
static const HarnessOptions show_integration = { .show = "integration" };
static const HarnessOptions show_workstream = { .show = "workstream" };

/* Closed handoffs leave the list at once. */
static void
retention_zero_set_up (HarnessFixture *f, gconstpointer data)
{
  static const HarnessOptions offline = { .offline = TRUE };
  harness_fixture_set_up (f, &offline);
  purple_account_set_int (f->account, "closed_retention_hours", 0);
  harness_fixture_sign_in (f);
}

static void
set_state (const char *id, int statecode, int statuscode, int reason, const char *agent)
{
  harness_mock_set_state ("msdyn_ocliveworkitems", id, statecode, statuscode, reason, agent, NULL);
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
test_retention_zero (HarnessFixture *f, gconstpointer data)
{
  harness_drop_document ("r.json", "{\"id\":\"ret_1\",\"channel\":\"web\",\"summary\":\"short-lived\"}");
  harness_wait_buddy (f->account, "ret_1", "open", NULL);
  set_state (harness_record_id ("ret_1"), 1, 4, 192350008, ALEX);
  harness_wait_buddy_present (f->account, "ret_1", FALSE, 40);
  /* the buddy left; the audit record and the Dynamics record stay */
  g_autoptr(JsonNode) stored = harness_stored_session ("ret_1");
  g_assert_nonnull (stored);
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, 1);
}

static void
test_mine_hides_others (HarnessFixture *f, gconstpointer data)
{
  JsonArray *others = bulk (3, MOCK_APP_USER);   /* same app, another client */
  harness_drop_document ("m.json", "{\"id\":\"mine_1\",\"channel\":\"web\",\"summary\":\"mine\"}");
  harness_wait_buddy (f->account, "mine_1", "open", NULL);
  harness_run_for (6000);
  for (guint i = 0; i < json_array_get_length (others); i++)
    g_assert_null (purple_find_buddy (f->account, json_array_get_string_element (others, i)));
}

static void
test_integration_shows_app_records (HarnessFixture *f, gconstpointer data)
{
  JsonArray *others = bulk (2, MOCK_APP_USER);
  harness_reconnect (f->account);
  const char *first = json_array_get_string_element (others, 0);
  harness_wait_buddy (f->account, first, "open", NULL);
  g_assert_nonnull (purple_find_buddy (f->account, json_array_get_string_element (others, 1)));
}

static void
test_workstream_shows_other_systems (HarnessFixture *f, gconstpointer data)
{
  /* created by another system user in our workstream */
  JsonArray *others = bulk (2, OTHER_SYSTEM_USER);
  harness_reconnect (f->account);
  harness_wait_buddy (f->account, json_array_get_string_element (others, 0), "open", NULL);
  harness_wait_buddy (f->account, json_array_get_string_element (others, 1), "open", NULL);
}

static void
test_token_renewal_while_watching (HarnessFixture *f, gconstpointer data)
{
  harness_drop_document ("t.json", "{\"id\":\"tok_1\",\"channel\":\"web\",\"summary\":\"token\"}");
  harness_wait_buddy (f->account, "tok_1", "open", NULL);
  guint tokens_before = harness_mock_count ("POST", "/oauth2/v2.0/token");

  /* the server forgets every token: the next poll gets 401, renews once, replays */
  harness_mock_post ("/_mock/expire-tokens", NULL);
  set_state (harness_record_id ("tok_1"), 0, 2, 192350003, ALEX);
  harness_wait_buddy (f->account, "tok_1", "active", NULL);
  g_assert_cmpuint (harness_mock_count ("POST", "/oauth2/v2.0/token"), ==, tokens_before + 1);
  g_assert_cmpuint (harness_events.errored, ==, FALSE);
}

static void
test_hostile_email_literal (HarnessFixture *f, gconstpointer data)
{
  /* quote, plus and percent: the filter must match this exact address only */
  const char *email = "o'hara+vip%41@example.com";
  harness_drop_document ("h1.json", "{\"id\":\"hostile_1\",\"channel\":\"web\",\"summary\":\"x\","
                            "\"customer\":{\"email\":\"o'hara+vip%41@example.com\",\"email_verified\":true}}");
  harness_wait_buddy (f->account, "hostile_1", "open", NULL);
  JsonObject *first = json_array_get_object_element (harness_mock_records ("msdyn_ocliveworkitems"), 0);
  g_assert_true (json_object_get_null_member (first, "_msdyn_customer_value"));

  /* now a contact with exactly that address exists: the next session links to it */
  harness_mock_post ("/_mock/seed", "{\"contacts\":[{\"contactid\":\"c0a7ac70-0099-4000-8000-000000000099\","
                                    "\"firstname\":\"Maureen\",\"lastname\":\"O'Hara\","
                                    "\"emailaddress1\":\"o'hara+vip%41@example.com\",\"statecode\":0}]}");
  harness_drop_document ("h2.json", "{\"id\":\"hostile_2\",\"channel\":\"web\",\"summary\":\"y\","
                            "\"customer\":{\"email\":\"o'hara+vip%41@example.com\",\"email_verified\":true}}");
  harness_wait_buddy (f->account, "hostile_2", "open", NULL);
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
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (harness_manual_routing);
  g_test_add ("/modes/retention-zero", HarnessFixture, NULL, retention_zero_set_up, test_retention_zero,
              harness_fixture_tear_down);
  HARNESS_ADD ("/modes/mine-hides-others", &show_mine, test_mine_hides_others);
  HARNESS_ADD ("/modes/integration-shows-app-records", &show_integration, test_integration_shows_app_records);
  HARNESS_ADD ("/modes/workstream-shows-other-systems", &show_workstream, test_workstream_shows_other_systems);
  HARNESS_ADD ("/modes/token-renewal-while-watching", &show_default, test_token_renewal_while_watching);
  HARNESS_ADD ("/modes/hostile-email-literal", &show_default, test_hostile_email_literal);
  return harness_run_tests ();
}
