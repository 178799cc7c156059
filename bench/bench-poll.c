/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-poll — what status mirroring costs (SPEC §6.2, §9 "Cost").
 *
 * For N conversations created by the application user (mock bulk), a fresh
 * connection signs in and a watcher (show=integration, page size 500, 1 s
 * intervals) discovers them, then polls three more times. Printed: handoffs
 * tracked, polls, requests, requests per poll after discovery, the discovery
 * walk's pages and wall time, and the memory the tracked handoffs take. */
#include <stdio.h>

#include "bench-common.h"
#include "oc-service.h"

#define PAGE_SIZE 500
#define STEADY_POLLS 3

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

  g_autoptr(OcConnection) connection = bench_connect (bench_mock_thread_get_url (mock), seed, &error);
  if (connection == NULL)
    {
      g_printerr ("sign-in: %s\n", error->message);
      return FALSE;
    }
  g_autofree char *root = bench_make_tmpdir ("bench-poll");
  g_autoptr(OcService) service = oc_service_new (connection, root, &error);
  if (service == NULL)
    {
      g_printerr ("store: %s\n", error->message);
      return FALSE;
    }

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
  bench_mock_thread_stop (mock);

  printf ("requests (counted by the watcher; the mock's log agrees unless marked)\n");
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
