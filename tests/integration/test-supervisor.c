/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The supervisor's buddies (issue 10): reps of the workstream's queues as
 * agent:<systemuserid> with their presence and load, queues as
 * queue:<queueid> with their depth — from the watcher's rows in the
 * workstream view, from one $apply query otherwise. */
#include <string.h>

#include "harness.h"

#define ALEX  SEED_REP1
#define PRIYA SEED_REP2
#define JONAS SEED_REP3
#define EVE   "5e7a0009-0000-4000-8000-00000000a009"
#define NO_SUCH_PRESENCE "99999999-9999-4999-8999-999999999999"

static PurpleAccount *account;

static void
setup (const char *show)
{
  harness_mock_post ("/_mock/reset", NULL);
  /* a rep whose name is markup, in the workstream's queue */
  harness_mock_post ("/_mock/seed",
                     "{\"systemusers\":[{\"systemuserid\":\"" EVE "\",\"fullname\":\"<b>Eve</b> & co\",\"msdyn_capacity\":50}],"
                     "\"queuememberships\":[{\"queuemembershipid\":\"9c0e0000-0000-4000-8000-000000000009\","
                     "\"queueid\":\"" MOCK_QUEUE "\",\"systemuserid\":\"" EVE "\"}]}");
  harness_mock_post ("/_mock/presence", "{\"agent\":\"" EVE "\",\"presence\":\"dnd\",\"capacity\":20}");
  /* a status row pointing at a presence the org does not have */
  harness_mock_post ("/_mock/presence", "{\"agent\":\"" PRIYA "\",\"presence\":\"" NO_SUCH_PRESENCE "\"}");
  account = harness_account_new ();
  if (show)
    purple_account_set_string (account, "show", show);
  purple_account_set_bool (account, "show_agents", TRUE);
  purple_account_set_bool (account, "show_queues", TRUE);
}

static void
bulk (guint count, const char *createdby)
{
  g_autofree char *body = g_strdup_printf ("{\"count\":%u,\"createdby\":\"%s\",\"workstream\":\"%s\"}",
                                           count, createdby, MOCK_WORKSTREAM);
  g_autoptr(JsonNode) answer = harness_mock_control ("POST", "/_mock/bulk-conversations", body);
  g_assert_nonnull (answer);
}

/* Requests whose query string holds @needle (the harness counts by path). */
static guint
count_queries (const char *needle)
{
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  guint count = 0;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      const char *query = json_object_get_string_member_with_default (json_array_get_object_element (requests, i),
                                                                       "query", NULL);
      if (query && strstr (query, needle))
        count++;
    }
  return count;
}

static const char *
alias_of (const char *name)
{
  PurpleBuddy *buddy = purple_find_buddy (account, name);
  g_assert_nonnull (buddy);
  return purple_buddy_get_alias (buddy);
}

static void
test_workstream_view (void)
{
  setup ("workstream");
  bulk (2, JONAS);   /* another system's conversations, waiting in Tier 1 Chat */
  harness_connect (account);
  g_assert_true (harness_events.signed_on);

  harness_wait_buddy (account, "agent:" ALEX, "agent-available", "0 conversations · 100 % capacity free");
  g_assert_cmpstr (alias_of ("agent:" ALEX), ==, "Alex Smith");
  PurpleBuddy *alex = purple_find_buddy (account, "agent:" ALEX);
  g_assert_true (g_str_has_suffix (purple_group_get_name (purple_buddy_get_group (alex)), " · Reps"));
  harness_wait_buddy (account, "agent:" JONAS, "agent-away", NULL);
  harness_wait_buddy (account, "agent:" PRIYA, "agent-offline", "unknown presence");
  /* markup in a name: the alias is the text, the message never carries tags */
  const char *message = NULL;
  harness_wait_buddy (account, "agent:" EVE, "agent-dnd", "40 % capacity free");
  g_assert_cmpstr (alias_of ("agent:" EVE), ==, "<b>Eve</b> & co");
  harness_buddy_status (account, "agent:" EVE, &message);
  g_assert_null (strstr (message, "<b>"));

  /* the queue, computed from the rows the watcher already reads */
  harness_wait_buddy (account, "queue:" MOCK_QUEUE, "queue-away", "2 waiting · oldest 0 min · 0 with reps");
  g_assert_cmpstr (alias_of ("queue:" MOCK_QUEUE), ==, "Tier 1 Chat");

  /* one is taken by Alex: his load and the queue follow the watcher's rows */
  JsonArray *records = harness_mock_records ("msdyn_ocliveworkitems");
  const char *first = json_object_get_string_member (json_array_get_object_element (records, 0), "activityid");
  g_autofree char *body = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,"
                                           "\"statuscode\":2,\"reason\":192350003,\"agent\":\"" ALEX "\"}", first);
  harness_mock_post ("/_mock/state", body);
  harness_wait_buddy (account, "agent:" ALEX, "agent-available", "1 conversation · 100 % capacity free");
  harness_wait_buddy (account, "queue:" MOCK_QUEUE, "queue-away", "1 waiting · oldest 0 min · 1 with a rep");
  /* the workstream view asks no $apply: the rows are enough */
  g_assert_cmpuint (count_queries ("apply="), ==, 0);
  /* one agent-status query per roster poll, never one per rep */
  g_assert_cmpuint (harness_mock_count ("GET", "/msdyn_agentstatuses"), ==, 1);
  harness_account_finish (account);
  account = NULL;
}

static void
test_apply_view (void)
{
  setup (NULL);
  bulk (3, JONAS);   /* not this client's: the integration view does not track them */
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
  harness_wait_buddy (account, "queue:" MOCK_QUEUE, "queue-away", "3 waiting");
  PurpleBuddy *queue = purple_find_buddy (account, "queue:" MOCK_QUEUE);
  g_assert_true (g_str_has_suffix (purple_group_get_name (purple_buddy_get_group (queue)), " · Queues"));
  g_assert_cmpuint (count_queries ("apply="), ==, 1);
  harness_account_finish (account);
  account = NULL;
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  const char *manual[] = { "--assign-after", "0", "--wrap-up-after", "0", "--close-after", "0", NULL };
  harness_mock_start (manual);
  g_test_add_func ("/supervisor/workstream-view", test_workstream_view);
  g_test_add_func ("/supervisor/apply-view", test_apply_view);
  int status = g_test_run ();
  harness_quit ();
  return status;
}
