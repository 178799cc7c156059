/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-amqp — the queue intake (issue 11): sessions per second through 1,
 * 2 and 4 competing consumers against the mock, and the broker's own
 * ceiling as the floor to compare with.
 *
 * A real RabbitMQ with rabbitmq_amqp1_0 (tests/amqp/broker.sh starts one on
 * its own ports and directory; ~10 s) and the mock in a thread of its own.
 * Each round fills a queue with S session documents (tests/amqp/amqp-tool
 * send), then starts N consumers — OcService instances in this process,
 * each with its own store (fsync'd) and its own signed-in connection, each
 * taking from the queue through oc_service_add_queue — and times from the
 * start until every message is settled `accepted`, which the intake says
 * only once the record exists. Web API requests per session come from the
 * mock's log; the record count proves one record per session.
 *
 * The floor: the same S messages taken by a bare Proton consumer that only
 * settles (amqp-tool drain, its idle wait subtracted): what the broker
 * gives on this machine with no work per message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"
#include "oc-service.h"

#define S 1000           /* sessions per round */
#define FLOOR_S 5000     /* messages for the floor (it is fast: more for a stable figure) */
#define ROUNDS 3         /* per consumer count: the median and the range are printed */
#define IDLE_MS 300

static char *broker_dir;
static char *amqp_host;

static gboolean
spawn (const char *const *argv, char **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s %s: %s\n", argv[0], argv[1], error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
broker_start (void)
{
  broker_dir = bench_make_tmpdir ("bench-amqp-broker");
  const char *argv[] = { BENCH_BROKER_SH, "start", broker_dir, NULL };
  g_autofree char *out = NULL;
  if (!spawn (argv, &out) || !g_str_has_prefix (out, "AMQP_PORT="))
    return FALSE;
  amqp_host = g_strdup_printf ("127.0.0.1:%d", atoi (out + strlen ("AMQP_PORT=")));
  return TRUE;
}

static void
broker_stop (void)
{
  const char *argv[] = { BENCH_BROKER_SH, "stop", broker_dir, NULL };
  g_autofree char *out = NULL;
  spawn (argv, &out);
  bench_remove_tree (broker_dir);
}

/* @count documents "bench-<round>-<i>" written to files, sent in one go. */
static gboolean
fill_queue (const char *round, const char *address, guint count)
{
  g_autofree char *dir = bench_make_tmpdir ("bench-amqp-msgs");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (BENCH_AMQP_TOOL));
  g_ptr_array_add (argv, g_strdup ("send"));
  g_ptr_array_add (argv, g_strdup (amqp_host));
  g_ptr_array_add (argv, g_strdup (address));
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"id\":\"bench-%s-%04u\",\"channel\":\"web\",\"summary\":\"Refund for order 1182 has not arrived\","
        "\"transcript\":[{\"role\":\"customer\",\"text\":\"Hello, my refund has not arrived.\","
        "\"time\":\"2026-11-23T10:02:11Z\"},{\"role\":\"customer\",\"text\":\"Please pass me to a person.\","
        "\"time\":\"2026-11-23T10:02:40Z\"}]}", round, i);
      char *path = g_strdup_printf ("%s/%04u.json", dir, i);
      g_file_set_contents (path, json, -1, NULL);
      g_ptr_array_add (argv, path);
    }
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL;
  gboolean sent = spawn ((const char *const *) argv->pdata, &out);
  bench_remove_tree (dir);
  return sent;
}

/* ---- the floor: a bare consumer that only settles ---- */

static void
measure_floor (void)
{
  if (!fill_queue ("floor", "/queue/bench-floor", FLOOR_S))
    return;
  const char *argv[] = { BENCH_AMQP_TOOL, "drain", amqp_host, "/queue/bench-floor", G_STRINGIFY (IDLE_MS), NULL };
  g_autofree char *out = NULL;
  double t0 = bench_now_s ();
  if (!spawn (argv, &out))
    return;
  double wall = bench_now_s () - t0 - IDLE_MS / 1000.0;
  const char *count = strstr (out, "count ");
  guint taken = count ? (guint) atoi (count + strlen ("count ")) : 0;
  printf ("%-34s %8u %8.0f %9.2f %8s %8s\n", "bare Proton consumer (settles only)", taken, taken / wall, wall,
          "-", "-");
  fflush (stdout);
}

/* ---- N consumers ---- */

typedef struct {
  guint accepted;
  guint other;
} Settled;

static void
on_settled (OcService *service, const char *session_id, const char *outcome, const char *reason, gpointer user_data)
{
  Settled *settled = user_data;
  if (g_strcmp0 (outcome, "accepted") == 0)
    settled->accepted++;
  else if (settled->other++ == 0)
    g_printerr ("%s %s: %s\n", outcome, session_id ? session_id : "?", reason ? reason : "");
}

static gboolean
all_settled (gpointer data)
{
  Settled *settled = data;
  return settled->accepted + settled->other >= S;
}

typedef struct {
  guint api;
  guint records;
} MockFigures;

static void
reset_mock (MockServer *mock, gpointer data)
{
  mock_server_reset (mock);
}

static void
read_mock (MockServer *mock, gpointer data)
{
  MockFigures *figures = data;
  figures->api = mock_server_count_requests (mock, NULL, "/api/data/");
  g_autoptr(JsonNode) records = mock_server_dup_records (mock, "msdyn_ocliveworkitems");
  figures->records = records ? json_array_get_length (json_node_get_array (records)) : 0;
}

typedef struct {
  double per_s;
  double wall_s;
  double requests;   /* Web API requests per session */
  guint  accepted;
  guint  records;
  gboolean done;
} Round;

/* One round of @n consumers; FALSE if it could not run. */
static gboolean
measure_consumers (BenchMockThread *mock, const char *seed, guint n, guint k, Round *result)
{
  g_autofree char *round = g_strdup_printf ("n%u-%u", n, k);
  g_autofree char *address = g_strdup_printf ("/queue/bench-%s", round);
  bench_mock_thread_call (mock, reset_mock, NULL);
  if (!fill_queue (round, address, S))
    return FALSE;

  g_autofree char *base = bench_make_tmpdir ("bench-amqp-stores");
  g_autofree char *url = g_strdup_printf ("amqp://%s", amqp_host);
  OcAmqpIntakeOptions options = { .url = url, .queue = address };
  Settled settled = { 0 };
  OcConnection *connections[4] = { NULL };
  OcService *services[4] = { NULL };
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *root = g_strdup_printf ("%s/consumer-%u", base, i);
      connections[i] = bench_connect (bench_mock_thread_get_url (mock), seed, &error);
      services[i] = connections[i] ? oc_service_new (connections[i], root, &error) : NULL;
      if (services[i] == NULL || !oc_service_add_queue (services[i], &options, &error))
        {
          g_printerr ("consumer %u: %s\n", i, error->message);
          return FALSE;
        }
      g_signal_connect (services[i], "queue-settled", G_CALLBACK (on_settled), &settled);
    }
  MockFigures before = { 0 };
  bench_mock_thread_call (mock, read_mock, &before);

  double t0 = bench_now_s ();
  for (guint i = 0; i < n; i++)
    oc_service_start (services[i], 0, NULL);
  gboolean done = bench_run_until (all_settled, &settled, 90000);
  double wall = bench_now_s () - t0;

  MockFigures after = { 0 };
  bench_mock_thread_call (mock, read_mock, &after);
  *result = (Round) { settled.accepted / wall, wall, (double) (after.api - before.api) / S, settled.accepted,
                      after.records, done };

  for (guint i = 0; i < n; i++)
    {
      g_signal_handlers_disconnect_by_data (services[i], &settled);
      oc_service_stop (services[i]);
      g_object_unref (services[i]);
      oc_connection_close (connections[i]);
      g_object_unref (connections[i]);
    }
  bench_remove_tree (base);
  return TRUE;
}

static int
by_rate (gconstpointer a, gconstpointer b)
{
  double x = ((const Round *) a)->per_s, y = ((const Round *) b)->per_s;
  return x < y ? -1 : x > y;
}

static void
report_consumers (BenchMockThread *mock, const char *seed, guint n)
{
  Round rounds[ROUNDS];
  for (guint k = 0; k < ROUNDS; k++)
    if (!measure_consumers (mock, seed, n, k, &rounds[k]))
      return;
  qsort (rounds, ROUNDS, sizeof rounds[0], by_rate);
  const Round *median = &rounds[ROUNDS / 2];
  gboolean exact = TRUE;
  for (guint k = 0; k < ROUNDS; k++)
    exact = exact && rounds[k].done && rounds[k].accepted == S && rounds[k].records == S;
  g_autofree char *label = g_strdup_printf ("%u consumer%s", n, n == 1 ? "" : "s");
  printf ("%-34s %8u %8.0f %9.2f %8.2f %8u   %.0f–%.0f%s\n", label, median->accepted, median->per_s,
          median->wall_s, median->requests, median->records, rounds[0].per_s, rounds[ROUNDS - 1].per_s,
          exact ? "" : "  (!) not every round settled each session once with one record");
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  const char *seed = bench_seed_path (argc, argv);
  g_autofree char *host = bench_describe_host ();
  printf ("# bench-amqp: %d sessions per round, median of %d rounds, through a real RabbitMQ (AMQP 1.0) "
          "into the mock\n# %s\n", S, ROUNDS, host);
  double began = bench_now_s ();
  if (!broker_start ())
    {
      g_printerr ("no broker: rabbitmq-server with rabbitmq_amqp1_0 is needed (scripts/deps.sh)\n");
      return 1;
    }
  g_autoptr(GError) error = NULL;
  BenchMockThread *mock = bench_mock_thread_start (seed, &error);
  if (mock == NULL)
    {
      g_printerr ("mock: %s\n", error->message);
      broker_stop ();
      return 1;
    }
  printf ("# broker up after %.1f s\n", bench_now_s () - began);
  printf ("%-34s %8s %8s %9s %8s %8s   %s\n", "consumers", "settled", "per s", "wall s", "req/sess", "records",
          "range per s");
  measure_floor ();
  static const guint counts[] = { 1, 2, 4 };
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    report_consumers (mock, seed, counts[i]);
  bench_mock_thread_stop (mock);
  broker_stop ();
  printf ("# total %.1f s\n", bench_now_s () - began);
  return 0;
}
