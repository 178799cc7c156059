/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-poll — what status mirroring costs (SPEC §6.2, §9 "Cost").
 *
 * For N conversations created by the application user (mock bulk), a fresh
 * connection signs in and a watcher (show=integration, page size 500, 1 s
 * intervals) discovers them, then polls three more times. Printed: handoffs
 * tracked, polls, requests, requests per poll after discovery, the discovery
 * walk's pages and wall time, and the memory the tracked handoffs take.
 *
 * Then the supervisor's view (issue 10): the same N conversations (in the
 * workstream's queue) and 200 reps seeded through the mock's API, once with
 * show_agents and show_queues off and once on (show=integration, so the
 * queues take their $apply query), both polls every second: requests per
 * watcher poll and per roster ("slow") poll at steady state, and what the
 * roster's first poll costs. */
#include <stdio.h>

#include "bench-common.h"
#include "oc-roster.h"
#include "oc-service.h"

#define PAGE_SIZE 500
#define STEADY_POLLS 3
#define REPS 200
#define WORKSTREAM "e5f6a7b8-1111-4111-8111-111111111111"   /* data/mock-org.json */
#define QUEUE "c0ffee00-3333-4333-8333-333333333333"

typedef struct {
  guint   n;
  guint   tracked;
  guint   polls;
  guint   requests;
  guint   discovery_requests;
  guint   steady_requests;          /* the STEADY_POLLS after discovery */
  guint   mock_requests;            /* what the mock saw under /api/data/ during the run */
  double  discovery_ms;
  double  discovery_client_cpu_ms;  /* this (the client's) thread */
  double  discovery_mock_cpu_ms;    /* the mock's thread */
  gssize  heap_delta;               /* after discovery − before start */
  gssize  heap_growth;              /* after the steady polls − after discovery */
  gssize  rss_delta;
} Row;

static OcWatcher *current_watcher;
static guint      wanted_polls;

/* Poll k is over once k polls started and the next one is scheduled. */
static gboolean
polls_done (gpointer data)
{
  return oc_watcher_get_polls (current_watcher) >= wanted_polls
      && oc_watcher_get_next_poll (current_watcher) >= 0;
}

/* ---- in the mock's thread ---- */

typedef struct {
  guint   n;
  GError *error;
} Bulk;

static void
reset_and_bulk (MockServer *mock, gpointer data)
{
  Bulk *bulk = data;
  mock_server_reset (mock);
  g_autofree char *request = g_strdup_printf ("{\"count\":%u}", bulk->n);
  g_autoptr(JsonNode) created = mock_server_bulk_conversations (mock, request, &bulk->error);
}

static void
count_api_requests (MockServer *mock, gpointer data)
{
  *(guint *) data = mock_server_count_requests (mock, NULL, "/api/data/");
}

static guint
mock_api_requests (BenchMockThread *mock)
{
  guint count = 0;
  bench_mock_thread_call (mock, count_api_requests, &count);
  return count;
}

/* A signed-in connection (settings changed by @adjust, may be NULL) and a
 * service on a fresh store; NULL after printing why. The caller owns all three. */
static OcService *
open_service (BenchMockThread *mock, const char *seed, BenchSettingsFunc adjust, gpointer data,
              OcConnection **connection, char **root)
{
  g_autoptr(GError) error = NULL;
  *root = NULL;
  *connection = bench_connect_adjusted (bench_mock_thread_get_url (mock), seed, adjust, data, &error);
  if (*connection == NULL)
    {
      g_printerr ("sign-in: %s\n", error->message);
      return NULL;
    }
  *root = bench_make_tmpdir ("bench-poll");
  OcService *service = oc_service_new (*connection, *root, &error);
  if (service == NULL)
    g_printerr ("store: %s\n", error->message);
  return service;
}

/* ---- one N ---- */

static gboolean
measure (BenchMockThread *mock, const char *seed, guint n, Row *row)
{
  g_autoptr(GError) error = NULL;
  row->n = n;

  Bulk bulk = { .n = n };
  bench_mock_thread_call (mock, reset_and_bulk, &bulk);
  if (bulk.error)
    {
      g_printerr ("bulk-conversations: %s\n", bulk.error->message);
      g_error_free (bulk.error);
      return FALSE;
    }
  gint64 created_at = g_get_real_time () / G_USEC_PER_SEC;

  g_autoptr(OcConnection) connection = NULL;
  g_autofree char *root = NULL;
  g_autoptr(OcService) service = open_service (mock, seed, NULL, NULL, &connection, &root);
  if (service == NULL)
    return FALSE;

  /* The watermark overlap (OC_WATCHER_OVERLAP_S) re-reads rows changed in
   * the last seconds before the previous poll. Rows created just now would
   * come back in full on every poll for that long; a deployment's steady
   * state has rows older than that, so start once they are. */
  while (g_get_real_time () / G_USEC_PER_SEC <= created_at + OC_WATCHER_OVERLAP_S)
    bench_run_for (100);

  OcWatcher *watcher = oc_service_get_watcher (service);
  oc_watcher_set_intervals (watcher, 1, 1);
  oc_watcher_set_page_size (watcher, PAGE_SIZE);
  current_watcher = watcher;

  guint mock_before = mock_api_requests (mock);
  gsize heap_before = bench_heap_bytes ();
  gsize rss_before = bench_rss_bytes ();
  double mock_cpu0 = bench_mock_thread_cpu_s (mock);
  double cpu0 = bench_thread_cpu_s ();
  double t0 = bench_now_s ();

  oc_service_start (service, OC_SERVICE_WATCH, NULL);
  wanted_polls = 1;
  if (!bench_run_until (polls_done, NULL, 60000))
    {
      g_printerr ("N=%u: the discovery poll did not finish\n", n);
      return FALSE;
    }
  row->discovery_ms = (bench_now_s () - t0) * 1000.0;
  row->discovery_client_cpu_ms = (bench_thread_cpu_s () - cpu0) * 1000.0;
  row->discovery_mock_cpu_ms = (bench_mock_thread_cpu_s (mock) - mock_cpu0) * 1000.0;
  gsize heap_discovered = bench_heap_bytes ();
  row->heap_delta = (gssize) heap_discovered - (gssize) heap_before;
  row->rss_delta = (gssize) bench_rss_bytes () - (gssize) rss_before;
  row->discovery_requests = oc_watcher_get_requests (watcher);
  row->tracked = oc_service_list (service)->len;   /* the engine's own array */

  wanted_polls = 1 + STEADY_POLLS;
  if (!bench_run_until (polls_done, NULL, 60000))
    {
      g_printerr ("N=%u: the steady polls did not finish\n", n);
      return FALSE;
    }
  row->heap_growth = (gssize) bench_heap_bytes () - (gssize) heap_discovered;
  row->polls = oc_watcher_get_polls (watcher);
  row->requests = oc_watcher_get_requests (watcher);
  row->steady_requests = row->requests - row->discovery_requests;
  row->mock_requests = mock_api_requests (mock) - mock_before;

  current_watcher = NULL;
  oc_service_stop (service);
  oc_connection_close (connection);
  g_clear_object (&service);
  g_clear_object (&connection);
  bench_run_for (50);   /* let cancelled callbacks run */
  bench_remove_tree (root);
  return TRUE;
}

/* ---- the supervisor's view ---- */

typedef struct {
  guint  n;
  gboolean on;
  double watcher_per_poll;   /* steady */
  double roster_per_poll;    /* steady */
  guint  roster_first;       /* requests of the roster's first poll */
  guint  agents_shown, queues_shown;
  guint  mock_requests, client_requests;
} SupRow;

static void
reset_bulk_reps (MockServer *mock, gpointer data)
{
  Bulk *bulk = data;
  mock_server_reset (mock);
  g_autofree char *request = g_strdup_printf ("{\"count\":%u,\"workstream\":\"" WORKSTREAM "\"}", bulk->n);
  g_autoptr(JsonNode) created = mock_server_bulk_conversations (mock, request, &bulk->error);
  if (bulk->error)
    return;
  /* 200 reps in the workstream's queue, each with an agent status */
  GString *seed = g_string_new ("{\"systemusers\":[");
  for (guint i = 0; i < REPS; i++)
    g_string_append_printf (seed, "%s{\"systemuserid\":\"5e7ab000-0000-4000-8000-%012x\",\"fullname\":\"Rep %u\","
                            "\"msdyn_capacity\":100}", i ? "," : "", i, i);
  g_string_append (seed, "],\"msdyn_agentstatuses\":[");
  for (guint i = 0; i < REPS; i++)
    g_string_append_printf (seed, "%s{\"msdyn_agentstatusid\":\"a9e7b000-0000-4000-8000-%012x\","
                            "\"_msdyn_agentid_value\":\"5e7ab000-0000-4000-8000-%012x\","
                            "\"_msdyn_currentpresenceid_value\":\"9e1f0000-0000-4000-8000-00000000000%u\","
                            "\"msdyn_isagentloggedin\":true,\"msdyn_availableunitscapacity\":%u}",
                            i ? "," : "", i, i, 1 + i % 5, (i * 7) % 101);
  g_string_append (seed, "],\"queuememberships\":[");
  for (guint i = 0; i < REPS; i++)
    g_string_append_printf (seed, "%s{\"queuemembershipid\":\"9c0eb000-0000-4000-8000-%012x\",\"queueid\":\"" QUEUE "\","
                            "\"systemuserid\":\"5e7ab000-0000-4000-8000-%012x\"}", i ? "," : "", i, i);
  g_string_append (seed, "]}");
  mock_server_add_records (mock, seed->str, &bulk->error);
  g_string_free (seed, TRUE);
}

static void
supervisor_settings (OcSettings *settings, gpointer data)
{
  gboolean on = GPOINTER_TO_INT (data);
  g_free (settings->workstream_id);
  settings->workstream_id = g_strdup (WORKSTREAM);
  settings->show_agents = settings->show_queues = on;
}

typedef struct {
  OcWatcher *watcher;
  OcRoster  *roster;
  guint      watcher_polls, roster_polls;
} Until;

static gboolean
both_polled (gpointer data)
{
  Until *u = data;
  return oc_watcher_get_polls (u->watcher) >= u->watcher_polls && oc_watcher_get_next_poll (u->watcher) >= 0;
}

static gboolean
roster_polled (gpointer data)
{
  Until *u = data;
  return oc_roster_get_polls_done (u->roster) >= u->roster_polls;
}

static void
count_shown (OcService *service, gconstpointer item, gpointer data)
{
  (*(guint *) data)++;
}

static gboolean
measure_supervisor (BenchMockThread *mock, const char *seed, guint n, gboolean on, SupRow *row)
{
  g_autoptr(GError) error = NULL;
  row->n = n;
  row->on = on;
  Bulk bulk = { .n = n };
  bench_mock_thread_call (mock, reset_bulk_reps, &bulk);
  if (bulk.error)
    {
      g_printerr ("seeding: %s\n", bulk.error->message);
      g_error_free (bulk.error);
      return FALSE;
    }
  gint64 created_at = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OcConnection) connection = NULL;
  g_autofree char *root = NULL;
  g_autoptr(OcService) service = open_service (mock, seed, supervisor_settings, GINT_TO_POINTER (on), &connection, &root);
  if (service == NULL)
    return FALSE;
  g_signal_connect (service, "agent-changed", G_CALLBACK (count_shown), &row->agents_shown);
  g_signal_connect (service, "queue-changed", G_CALLBACK (count_shown), &row->queues_shown);
  while (g_get_real_time () / G_USEC_PER_SEC <= created_at + OC_WATCHER_OVERLAP_S)
    bench_run_for (100);

  Until until = { oc_service_get_watcher (service), oc_service_get_roster (service), 2, 1 };
  oc_watcher_set_intervals (until.watcher, 1, 1);
  oc_watcher_set_page_size (until.watcher, PAGE_SIZE);
  if (until.roster)
    oc_roster_set_interval (until.roster, 1);
  guint mock_before = mock_api_requests (mock);
  oc_service_start (service, OC_SERVICE_WATCH, NULL);
  /* the roster's first poll is over in milliseconds; its next one starts a second later */
  if (until.roster && !bench_run_until (roster_polled, &until, 120000))
    return FALSE;
  row->roster_first = until.roster ? oc_roster_get_requests_done (until.roster) : 0;

  /* The watcher is observed when poll k has started and poll k−1 is over
   * (its next poll is scheduled): two observations K polls apart differ by
   * K polls. The roster counts the requests of its finished polls. */
  until.roster_polls = 2;
  if (!bench_run_until (both_polled, &until, 120000) ||
      (until.roster && !bench_run_until (roster_polled, &until, 120000)))
    {
      g_printerr ("N=%u: the first polls did not finish\n", n);
      return FALSE;
    }
  guint w0 = oc_watcher_get_requests (until.watcher), wp0 = oc_watcher_get_polls (until.watcher);
  guint r0 = until.roster ? oc_roster_get_requests_done (until.roster) : 0;
  guint rp0 = until.roster ? oc_roster_get_polls_done (until.roster) : 0;
  until.watcher_polls = wp0 + STEADY_POLLS;
  until.roster_polls = rp0 + STEADY_POLLS;
  if (!bench_run_until (both_polled, &until, 120000) ||
      (until.roster && !bench_run_until (roster_polled, &until, 120000)))
    {
      g_printerr ("N=%u: the steady polls did not finish\n", n);
      return FALSE;
    }
  guint rp1 = until.roster ? oc_roster_get_polls_done (until.roster) : 0;
  guint r1 = until.roster ? oc_roster_get_requests_done (until.roster) : 0;
  /* the roster's observation may fall after a watcher poll started: read the watcher again */
  until.watcher_polls = oc_watcher_get_polls (until.watcher) + 1;
  if (!bench_run_until (both_polled, &until, 120000))
    return FALSE;
  guint wp1 = oc_watcher_get_polls (until.watcher);
  row->watcher_per_poll = (double) (oc_watcher_get_requests (until.watcher) - w0) / (wp1 - wp0);
  row->roster_per_poll = rp1 > rp0 ? (double) (r1 - r0) / (rp1 - rp0) : 0;
  row->client_requests = oc_watcher_get_requests (until.watcher) +
                         (until.roster ? oc_roster_get_requests (until.roster) : 0);
  oc_service_stop (service);
  bench_run_for (50);
  row->mock_requests = mock_api_requests (mock) - mock_before;
  oc_connection_close (connection);
  g_clear_object (&service);
  g_clear_object (&connection);
  bench_run_for (50);
  bench_remove_tree (root);
  return TRUE;
}

static gboolean
print_supervisor (BenchMockThread *mock, const char *seed)
{
  static const guint sizes[] = { 1, 100, 2000 };
  SupRow rows[G_N_ELEMENTS (sizes)][2] = { { { 0 } } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int on = 0; on < 2; on++)
      if (!measure_supervisor (mock, seed, sizes[i], on, &rows[i][on]))
        return FALSE;

  printf ("\nthe supervisor's view: %d reps in the queue, show_agents and show_queues off / on (show=integration)\n",
          REPS);
  printf ("%6s %5s %13s %13s %13s %12s %8s %8s %14s\n", "N", "view", "watcher/poll", "roster/poll", "more/poll",
          "roster 1st", "reps", "queues", "sent / mock");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int on = 0; on < 2; on++)
      {
        const SupRow *r = &rows[i][on];
        double more = r->watcher_per_poll + r->roster_per_poll - rows[i][0].watcher_per_poll;
        g_autofree char *log = g_strdup_printf ("%u / %u", r->client_requests, r->mock_requests);
        printf ("%6u %5s %13.2f %13.2f %13.2f %12u %8u %8u %14s\n", r->n, on ? "on" : "off", r->watcher_per_poll,
                r->roster_per_poll, on ? more : 0.0, r->roster_first, r->agents_shown, r->queues_shown, log);
      }
  printf ("more/poll = requests per slow poll beyond the view without reps and queues (both polls every\n"
          "second here; by default the roster polls every %d s, the watcher's slow interval). roster 1st =\n"
          "the roster's first poll: presences, the workstream's default queue, the queue's members, the\n"
          "agent statuses (all rows, no watermark yet) and the $apply query. The members are read again\n"
          "every %d roster polls (not within these %d). reps/queues = ::agent-changed / ::queue-changed\n"
          "emissions over the run. sent / mock = requests the client sent (watcher + roster) / the mock's\n"
          "log over the run (a request cancelled in flight at the stop may not reach the mock).\n", OC_ROSTER_POLL_S, OC_ROSTER_MEMBERS_EVERY, STEADY_POLLS);
  return TRUE;
}

int
main (int argc, char **argv)
{
  static const guint sizes[] = { 1, 100, 2000, 10000 };
  const char *seed = bench_seed_path (argc, argv);
  g_autoptr(GError) error = NULL;
  BenchMockThread *mock = bench_mock_thread_start (seed, &error);
  if (mock == NULL)
    {
      g_printerr ("mock: %s\n", error->message);
      return 1;
    }

  g_autofree char *host = bench_describe_host ();
  printf ("bench-poll — status mirroring cost (SPEC §6.2, §9)\n");
  printf ("host: %s\n", host);
  printf ("mock: in-process, in a thread of its own, %s; show=integration, page size %d, poll interval 1 s\n",
          bench_mock_thread_get_url (mock), PAGE_SIZE);
  printf ("discovery = first poll after sign-in: conversations (ceil(N/%d) pages) + cases (1 page, empty)\n\n",
          PAGE_SIZE);

  Row rows[G_N_ELEMENTS (sizes)] = { { 0 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (!measure (mock, seed, sizes[i], &rows[i]))
      {
        bench_mock_thread_stop (mock);
        return 1;
      }
  if (!print_supervisor (mock, seed))
    {
      bench_mock_thread_stop (mock);
      return 1;
    }
  bench_mock_thread_stop (mock);

  printf ("\nrequests (counted by the watcher; the mock's log agrees unless marked)\n");
  printf ("%6s %8s %6s %9s %16s %15s\n", "N", "tracked", "polls", "requests", "discovery pages", "req/poll after");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const Row *row = &rows[i];
      printf ("%6u %8u %6u %9u %16u %15.2f%s\n", row->n, row->tracked, row->polls, row->requests,
              row->discovery_requests, (double) row->steady_requests / STEADY_POLLS,
              row->mock_requests != row->requests ? "  (!) the mock's log differs" : "");
    }

  printf ("\ndiscovery walk time, and memory\n");
  printf ("%6s %11s %15s %13s %14s %12s %15s\n", "N", "wall ms", "client CPU ms", "mock CPU ms",
          "heap B/handoff", "RSS delta KiB", "heap delta 3 polls");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const Row *row = &rows[i];
      printf ("%6u %11.1f %15.1f %13.1f %14.0f %12.0f %15" G_GSSIZE_FORMAT "\n", row->n, row->discovery_ms,
              row->discovery_client_cpu_ms, row->discovery_mock_cpu_ms, (double) row->heap_delta / row->n,
              row->rss_delta / 1024.0, row->heap_growth);
    }

  const Row *small = &rows[2], *large = &rows[3];
  printf ("\nmarginal heap per handoff, N=%u→%u: %.0f B\n\n", small->n, large->n,
          (double) (large->heap_delta - small->heap_delta) / (large->n - small->n));
  printf ("req/poll after = watcher requests in the %d polls after discovery / %d. The rows are older than\n"
          "the %d s watermark overlap, as in a steady state: each poll is one page, whatever N.\n"
          "client CPU = this thread (OcWebApi, JSON, OcWatcher, engine); mock CPU = the mock's thread.\n"
          "heap = malloc bytes in use (mallinfo2 uordblks + hblkhd) after discovery minus before the watcher\n"
          "started, / N: OcHandoff + its OcSession (JSON document) + live state strings + the engine's\n"
          "by-id/by-record hash entries and list slot (+ a few mock request-log entries). Core only: the\n"
          "libpurple buddy is not included. RSS delta also holds the high-water of transient page buffers\n"
          "of the client and of the in-process mock. heap delta 3 polls: bytes (not per handoff) that\n"
          "stayed allocated over the steady polls, the mock's request log included.\n",
          STEADY_POLLS, STEADY_POLLS, OC_WATCHER_OVERLAP_S);
  return 0;
}
