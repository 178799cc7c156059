/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-roster.c — the pure parts of the supervisor's view: presence and
 * queue status rules, the request budget, and the answers' parser. */
#include "oc-budget.h"
#include "oc-error.h"
#include "oc-json.h"
#include "oc-roster.h"
#include "oc-roster-rows.h"

static void
test_agent_status (void)
{
  g_assert_cmpstr (oc_roster_agent_status_to_id (oc_roster_agent_status_from_base (192360000)), ==, "agent-available");
  g_assert_cmpstr (oc_roster_agent_status_to_id (oc_roster_agent_status_from_base (192360001)), ==, "agent-busy");
  g_assert_cmpstr (oc_roster_agent_status_to_id (oc_roster_agent_status_from_base (192360002)), ==, "agent-dnd");
  g_assert_cmpstr (oc_roster_agent_status_to_id (oc_roster_agent_status_from_base (192360003)), ==, "agent-away");
  g_assert_cmpstr (oc_roster_agent_status_to_id (oc_roster_agent_status_from_base (192360004)), ==, "agent-offline");
  /* a value the option set does not have, or none */
  g_assert_cmpint (oc_roster_agent_status_from_base (192360005), ==, OC_ROSTER_AGENT_OFFLINE);
  g_assert_cmpint (oc_roster_agent_status_from_base (-1), ==, OC_ROSTER_AGENT_OFFLINE);
  g_assert_cmpint (oc_roster_agent_status_from_base (G_MAXINT64), ==, OC_ROSTER_AGENT_OFFLINE);
}

static void
test_queue_status (void)
{
  g_assert_cmpint (oc_roster_queue_status_for (0, -1, 5), ==, OC_ROSTER_QUEUE_IDLE);
  g_assert_cmpint (oc_roster_queue_status_for (2, 4 * 60, 5), ==, OC_ROSTER_QUEUE_WAITING);
  g_assert_cmpint (oc_roster_queue_status_for (2, 5 * 60, 5), ==, OC_ROSTER_QUEUE_OVERDUE);
  g_assert_cmpint (oc_roster_queue_status_for (2, 90, 1.5), ==, OC_ROSTER_QUEUE_OVERDUE);
  /* the threshold off: never overdue */
  g_assert_cmpint (oc_roster_queue_status_for (2, 24 * 3600, 0), ==, OC_ROSTER_QUEUE_WAITING);
  g_assert_cmpstr (oc_roster_queue_status_to_id (OC_ROSTER_QUEUE_IDLE), ==, "queue-available");
  g_assert_cmpstr (oc_roster_queue_status_to_id (OC_ROSTER_QUEUE_WAITING), ==, "queue-away");
  g_assert_cmpstr (oc_roster_queue_status_to_id (OC_ROSTER_QUEUE_OVERDUE), ==, "queue-dnd");
}

static void
test_budget (void)
{
  g_assert_cmpuint (oc_roster_requests_per_poll (FALSE, FALSE, FALSE), ==, 0);
  g_assert_cmpuint (oc_roster_requests_per_poll (TRUE, FALSE, FALSE), ==, 1);
  g_assert_cmpuint (oc_roster_requests_per_poll (TRUE, TRUE, FALSE), ==, 2);
  g_assert_cmpuint (oc_roster_requests_per_poll (TRUE, TRUE, TRUE), ==, 1);
  g_assert_cmpuint (oc_roster_requests_per_poll (FALSE, TRUE, TRUE), ==, 0);
}

static void
test_projection (void)
{
  g_autoptr(OcSettings) settings = oc_settings_new ();
  OcBudget b;
  oc_budget_compute (settings, &b);
  /* two tables every 5 s: 120 a window, 34,560 a day (research/dataverse.md §10.3) */
  g_assert_cmpfloat_with_epsilon (b.busy_5min, 120, 1e-9);
  g_assert_cmpfloat_with_epsilon (b.busy_day, 34560, 1e-9);
  g_assert_cmpfloat_with_epsilon (b.idle_5min, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (b.limit_share, 0.02, 1e-9);

  settings->show_agents = settings->show_queues = TRUE;
  oc_budget_compute (settings, &b);
  g_assert_cmpuint (b.roster_per_poll, ==, 2);
  /* + 2 a minute, + the members' read every OC_ROSTER_MEMBERS_EVERY minutes */
  g_assert_cmpfloat_with_epsilon (b.busy_5min, 120 + 10 + 5.0 / OC_ROSTER_MEMBERS_EVERY, 1e-9);
  settings->show = OC_SHOW_WORKSTREAM;
  oc_budget_compute (settings, &b);
  g_assert_cmpuint (b.roster_per_poll, ==, 1);
}

static OcRosterPage *
parse (const char *text, OcRosterRowsKind kind, GError **error)
{
  g_autoptr(JsonNode) node = oc_json_parse (text, -1, 0, NULL, NULL);
  g_assert_nonnull (node);
  return oc_roster_page_parse (node, kind, error);
}

static void
test_parse_statuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcRosterPage) page = parse (
      "{\"value\":[{\"_msdyn_agentid_value\":\"5E7A0001-0000-4000-8000-00000000A001\","
      "\"_msdyn_currentpresenceid_value\":\"9e1f0000-0000-4000-8000-000000000001\",\"msdyn_isagentloggedin\":true,"
      "\"msdyn_availableunitscapacity\":40,\"modifiedon\":\"2026-12-02T10:00:00Z\"},"
      "{\"_msdyn_agentid_value\":\"5e7a0002-0000-4000-8000-00000000a002\",\"msdyn_availableunitscapacity\":\"40\"},"
      "{\"_msdyn_agentid_value\":\"5e7a0003-0000-4000-8000-00000000a003\",\"modifiedon\":\"soon\"},"
      "{\"_msdyn_agentid_value\":\"5e7a0004-0000-4000-8000-00000000a004\"}],"
      "\"@odata.nextLink\":\"https://x/next\"}", OC_ROSTER_ROWS_STATUSES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 2);
  g_assert_cmpuint (page->skipped, ==, 2);
  g_assert_cmpstr (page->skip_reason, ==, "value[1].msdyn_availableunitscapacity: must be a number, not a string");
  g_assert_cmpstr (page->next_link, ==, "https://x/next");
  OcRosterRow *row = page->rows->pdata[0];
  g_assert_cmpstr (row->id, ==, "5e7a0001-0000-4000-8000-00000000a001");
  g_assert_cmpstr (row->ref, ==, "9e1f0000-0000-4000-8000-000000000001");
  g_assert_cmpint (row->number, ==, 40);
  g_assert_true (row->flag);
  g_assert_cmpint (row->time, >, 0);
  /* absent values read as unknown */
  row = page->rows->pdata[1];
  g_assert_null (row->ref);
  g_assert_cmpint (row->number, ==, -1);
}

static void
test_parse_queues_and_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcRosterPage) queues = parse (
      "{\"value\":[{\"queueid\":\"c0ffee00-3333-4333-8333-333333333333\",\"name\":\"<b>Tier</b>\","
      "\"queuemembership_association\":[{\"systemuserid\":\"5e7a0001-0000-4000-8000-00000000a001\",\"fullname\":\"A\","
      "\"msdyn_capacity\":100}]},"
      "{\"queueid\":\"c0ffee00-4444-4444-8444-444444444444\",\"queuemembership_association\":[{\"fullname\":\"no id\"}]}]}",
      OC_ROSTER_ROWS_QUEUES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queues->rows->len, ==, 1);
  g_assert_cmpuint (queues->skipped, ==, 1);
  OcRosterRow *queue = queues->rows->pdata[0];
  g_assert_cmpstr (queue->name, ==, "<b>Tier</b>");
  g_assert_cmpuint (queue->members->len, ==, 1);
  g_assert_cmpint (((OcRosterRow *) queue->members->pdata[0])->number, ==, 100);

  g_autoptr(OcRosterPage) groups = parse (
      "{\"value\":[{\"_msdyn_cdsqueueid_value\":\"c0ffee00-3333-4333-8333-333333333333\",\"statuscode\":1,\"n\":3,"
      "\"oldest\":\"2026-12-02T09:54:00Z\"},{\"_msdyn_cdsqueueid_value\":null,\"statuscode\":1,\"n\":1}]}",
      OC_ROSTER_ROWS_GROUPS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->rows->len, ==, 1);
  g_assert_cmpint (((OcRosterRow *) groups->rows->pdata[0])->number, ==, 3);
}

static void
test_parse_refused (void)
{
  static const char *const bad[] = { "[]", "{}", "{\"value\":{}}", "{\"value\":[],\"@odata.nextLink\":3}" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (int kind = 0; kind < OC_ROSTER_ROWS_N_KINDS; kind++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(OcRosterPage) page = parse (bad[i], kind, &error);
        g_assert_null (page);
        g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/roster/agent-status", test_agent_status);
  g_test_add_func ("/roster/queue-status", test_queue_status);
  g_test_add_func ("/roster/budget", test_budget);
  g_test_add_func ("/roster/projection", test_projection);
  g_test_add_func ("/roster/parse-statuses", test_parse_statuses);
  g_test_add_func ("/roster/parse-queues-and-groups", test_parse_queues_and_groups);
  g_test_add_func ("/roster/parse-refused", test_parse_refused);
  return g_test_run ();
}
