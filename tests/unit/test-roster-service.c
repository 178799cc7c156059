/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-roster-service.c — the supervisor's view through OcService against
 * the in-process mock (real HTTP on 127.0.0.1): a rep's presence change
 * reaches ::agent-changed through the watermark query, a queue turns
 * overdue past the waiting threshold, and stopping with a request in
 * flight leaves nothing behind. No libpurple. */
#include <string.h>

#include "mock-server.h"
#include "oc-roster.h"
#include "oc-service.h"
#include "oc-test-fs.h"
#include "oc-test-seed.h"

typedef struct {
  MockServer   *mock;
  OcSettings   *settings;
  OcConnection *connection;
  char         *root;
  OcService    *service;
  GHashTable   *agents;    /* id → "status-id\tconversations\tcapacity" last seen */
  GHashTable   *queues;    /* id → "status-id\twaiting\twith reps" */
  guint         emitted;
} Fixture;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (oc_connection_sign_in_finish (OC_CONNECTION (source), result, &error));
  *(gboolean *) user_data = TRUE;
}

static void
on_agent (OcService *service, const OcRosterAgent *agent, gpointer user_data)
{
  Fixture *f = user_data;
  f->emitted++;
  g_hash_table_insert (f->agents, g_strdup (agent->id),
                       g_strdup_printf ("%s\t%u\t%d", agent->status_id, agent->conversations, agent->capacity_free));
}

static void
on_queue (OcService *service, const OcRosterQueue *queue, gpointer user_data)
{
  Fixture *f = user_data;
  f->emitted++;
  g_hash_table_insert (f->queues, g_strdup (queue->id),
                       g_strdup_printf ("%s\t%u\t%u", queue->status_id, queue->waiting, queue->with_reps));
}

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->mock = mock_server_new ();
  g_assert_true (mock_server_load_seed (f->mock, g_getenv ("MOCK_SEED"), &error));
  mock_server_set_routing_delays (f->mock, 0, 0, 0);
  g_assert_true (mock_server_listen (f->mock, 0, &error));

  f->settings = oc_settings_new ();
  g_free (f->settings->authority);
  f->settings->environment = g_strdup (mock_server_get_url (f->mock));
  f->settings->authority = g_strdup (mock_server_get_url (f->mock));
  f->settings->tenant_id = g_strdup (SEED_TENANT);
  f->settings->client_id = g_strdup (SEED_CLIENT);
  f->settings->client_secret = g_strdup (SEED_SECRET);
  f->settings->workstream_id = g_strdup (SEED_WORKSTREAM);
  f->settings->show = OC_SHOW_INTEGRATION;
  f->settings->show_agents = f->settings->show_queues = TRUE;
  f->connection = oc_connection_new (f->settings, &error);
  g_assert_no_error (error);
  gboolean signed_in = FALSE;
  oc_connection_sign_in_async (f->connection, NULL, on_signed_in, &signed_in);
  while (!signed_in)
    g_main_context_iteration (NULL, TRUE);

  f->root = g_dir_make_tmp ("oc-roster-XXXXXX", &error);
  g_assert_no_error (error);
  f->agents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->service = oc_service_new (f->connection, f->root, &error);
  g_assert_no_error (error);
  g_signal_connect (f->service, "agent-changed", G_CALLBACK (on_agent), f);
  g_signal_connect (f->service, "queue-changed", G_CALLBACK (on_queue), f);
  g_assert_nonnull (oc_service_get_roster (f->service));
  oc_roster_set_interval (oc_service_get_roster (f->service), 1);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  oc_service_stop (f->service);
  oc_connection_close (f->connection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->service);
  g_clear_object (&f->connection);
  oc_settings_free (f->settings);
  g_clear_object (&f->mock);
  oc_test_remove_tree (f->root);
  g_free (f->root);
  g_hash_table_unref (f->agents);
  g_hash_table_unref (f->queues);
}

static void
wait_value (Fixture *f, GHashTable *table, const char *id, const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_strcmp0 (g_hash_table_lookup (table, id), expected) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_presence_follows (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  oc_service_start (f->service, OC_SERVICE_WATCH, NULL);
  wait_value (f, f->agents, SEED_REP1, "agent-available\t0\t100");
  wait_value (f, f->agents, SEED_REP3, "agent-away\t0\t100");
  wait_value (f, f->queues, SEED_QUEUE, "queue-available\t0\t0");

  g_autoptr(JsonNode) row = mock_server_set_presence (f->mock, "{\"agent\":\"" SEED_REP1 "\",\"presence\":\"busy\","
                                                               "\"capacity\":40}", &error);
  g_assert_no_error (error);
  wait_value (f, f->agents, SEED_REP1, "agent-busy\t0\t40");
  /* signed out: offline whatever the presence */
  g_autoptr(JsonNode) out = mock_server_set_presence (f->mock, "{\"agent\":\"" SEED_REP1 "\",\"logged_in\":false}", &error);
  wait_value (f, f->agents, SEED_REP1, "agent-offline\t0\t40");

  /* one agent-status query per roster poll: polls × 1, never × reps */
  OcRoster *roster = oc_service_get_roster (f->service);
  guint polls = oc_roster_get_polls_done (roster);
  guint queries = mock_server_count_requests (f->mock, "GET", "/msdyn_agentstatuses");
  g_assert_cmpuint (queries, >=, polls);
  g_assert_cmpuint (queries, <=, polls + 1);   /* + the poll in flight */
}

static void
test_queue_overdue (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  oc_roster_set_waiting_alert (oc_service_get_roster (f->service), 1.0 / 60);   /* one second */
  g_autoptr(JsonNode) made = mock_server_bulk_conversations (f->mock, "{\"count\":2,\"createdby\":\"" SEED_REP3 "\","
                                                                       "\"workstream\":\"" SEED_WORKSTREAM "\"}", &error);
  g_assert_no_error (error);
  oc_service_start (f->service, OC_SERVICE_WATCH, NULL);
  /* someone waits; a second later the oldest wait passes the threshold */
  wait_value (f, f->queues, SEED_QUEUE, "queue-dnd\t2\t0");
}

static void
test_stop_in_flight (Fixture *f, gconstpointer data)
{
  oc_service_start (f->service, OC_SERVICE_WATCH, NULL);
  /* the roster's first request is sent from an idle: let it go out, then stop */
  OcRoster *roster = oc_service_get_roster (f->service);
  while (oc_roster_get_requests (roster) == 0)
    g_main_context_iteration (NULL, TRUE);
  oc_service_stop (f->service);
  guint before = f->emitted;
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->emitted, ==, before);
  g_assert_null (oc_service_get_roster (f->service));
  /* a started service makes a new one, which works */
  oc_service_start (f->service, OC_SERVICE_WATCH, NULL);
  g_assert_nonnull (oc_service_get_roster (f->service));
  oc_roster_set_interval (oc_service_get_roster (f->service), 1);
  wait_value (f, f->agents, SEED_REP2, "agent-available\t0\t100");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("MOCK_SEED") == NULL)
    g_setenv ("MOCK_SEED", OC_TEST_MOCK_SEED, TRUE);
  g_test_add ("/roster-service/presence-follows", Fixture, NULL, set_up, test_presence_follows, tear_down);
  g_test_add ("/roster-service/queue-overdue", Fixture, NULL, set_up, test_queue_overdue, tear_down);
  g_test_add ("/roster-service/stop-in-flight", Fixture, NULL, set_up, test_stop_in_flight, tear_down);
  return g_test_run ();
}
