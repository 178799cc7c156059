/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-throughput — OcWebApi against a bare libsoup loop (SPEC §9 "Cost").
 *
 * The same K GET requests (WhoAmI, with the same headers and a valid bearer
 * token) against the mock, (a) through OcWebApi, which keeps 8 in flight and
 * queues the rest, as the product does, and (b) through a bare SoupSession
 * (max-conns-per-host 8) with 8 in flight. Requests per second, and the ratio.
 * Also (a') OcWebApi fed 8 at a time by the caller, to show what the queue
 * costs, and (b') the bare loop plus a JSON parse of each body, which OcWebApi
 * does too.
 *
 * First with the mock in-process on the same main loop as the client (client
 * and server share one thread), then with the mock in a thread of its own. */
#include <stdio.h>
#include <string.h>

#include "bench-common.h"
#include "oc-web-api.h"

#define K 2000
#define WARMUP 200
#define ROUNDS 7
#define IN_FLIGHT 8
#define PATH "WhoAmI"

/* ---- (a) through OcWebApi ---- */

typedef struct {
  OcWebApi *api;
  gboolean  windowed;   /* the caller keeps IN_FLIGHT submitted, else all K at once */
  guint     started;
  guint     done;
  guint     failed;
  guint     total;
} Counter;

static gboolean
counter_done (gpointer data)
{
  Counter *counter = data;
  return counter->done >= counter->total;
}

static void api_send (Counter *counter);

static void
on_api_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Counter *counter = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);
  if (response == NULL || response->status != 200)
    counter->failed++;
  counter->done++;
  if (counter->windowed && counter->started < counter->total)
    api_send (counter);
}

static void
api_send (Counter *counter)
{
  g_autoptr(OcRequest) request = oc_request_new ("GET", PATH);
  counter->started++;
  oc_web_api_send_async (counter->api, request, NULL, on_api_done, counter);
}

static double
run_web_api (OcWebApi *api, gboolean windowed, guint k, guint *failed)
{
  Counter counter = { .api = api, .windowed = windowed, .total = k };
  double t0 = bench_now_s ();
  for (guint i = 0; i < (windowed ? MIN (IN_FLIGHT, k) : k); i++)
    api_send (&counter);
  if (!bench_run_until (counter_done, &counter, 120000))
    g_error ("OcWebApi: %u of %u requests answered in 120 s", counter.done, k);
  *failed += counter.failed;
  return k / (bench_now_s () - t0);
}

/* ---- (b) a bare libsoup loop ---- */

typedef struct {
  SoupSession *session;
  const char  *url;
  const char  *authorization;
  gboolean     parse_json;
  guint        started;
  Counter      counter;   /* only done, failed, total */
} Bare;

static void bare_send (Bare *bare);

static void
on_bare_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bare *bare = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  gboolean ok = body && soup_message_get_status (message) == SOUP_STATUS_OK;
  if (ok && bare->parse_json)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length = 0;
      const char *data = g_bytes_get_data (body, &length);
      ok = json_parser_load_from_data (parser, data, (gssize) length, NULL);
    }
  if (!ok)
    bare->counter.failed++;
  bare->counter.done++;
  if (bare->started < bare->counter.total)
    bare_send (bare);
}

static void
bare_send (Bare *bare)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", bare->url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Authorization", bare->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "OData-MaxVersion", "4.0");
  soup_message_headers_replace (headers, "OData-Version", "4.0");
  soup_message_headers_replace (headers, "If-None-Match", "null");
  bare->started++;
  soup_session_send_and_read_async (bare->session, message, G_PRIORITY_DEFAULT, NULL, on_bare_done, bare);
}

static double
run_bare (SoupSession *session, const char *url, const char *authorization, gboolean parse_json,
          guint k, guint *failed)
{
  Bare bare = { .session = session, .url = url, .authorization = authorization,
                .parse_json = parse_json, .counter = { .total = k } };
  double t0 = bench_now_s ();
  for (guint i = 0; i < IN_FLIGHT && i < k; i++)
    bare_send (&bare);
  if (!bench_run_until (counter_done, &bare.counter, 120000))
    g_error ("bare libsoup: %u of %u requests answered in 120 s", bare.counter.done, k);
  *failed += bare.counter.failed;
  return k / (bench_now_s () - t0);
}

/* ---- one comparison ---- */

enum { VARIANT_API, VARIANT_API_WINDOWED, VARIANT_BARE, VARIANT_BARE_JSON, N_VARIANTS };

static const char *const variant_names[N_VARIANTS] = {
  "(a)  OcWebApi, K submitted at once",
  "(a') OcWebApi, caller keeps 8 submitted",
  "(b)  bare libsoup loop",
  "(b') bare libsoup loop + JSON parse",
};

typedef struct {
  double median[N_VARIANTS];
  double best[N_VARIANTS];
  double cpu_us[N_VARIANTS];   /* median CPU of this (the client's) thread per request */
  guint  peak_in_flight;
  guint  failed;
} Figures;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
measure (const char *url, const char *seed, Figures *figures)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcConnection) connection = bench_connect (url, seed, &error);
  if (connection == NULL)
    g_error ("sign-in: %s", error->message);
  OcWebApi *api = oc_connection_get_web_api (connection);
  g_autofree char *token = bench_get_token (connection, &error);
  if (token == NULL)
    g_error ("token: %s", error->message);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *request_url = g_strconcat (oc_web_api_get_base_url (api), PATH, NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", IN_FLIGHT,
                                                                  "max-conns", IN_FLIGHT * 2, NULL);

  guint failed = 0;
  run_web_api (api, FALSE, WARMUP, &failed);
  run_bare (session, request_url, authorization, FALSE, WARMUP, &failed);

  /* The variants take turns within each round, so that a disturbance from
   * outside hits them alike. */
  double rps[N_VARIANTS][ROUNDS], cpu[N_VARIANTS][ROUNDS];
  for (guint round = 0; round < ROUNDS; round++)
    for (guint v = 0; v < N_VARIANTS; v++)
      {
        double cpu0 = bench_thread_cpu_s ();
        rps[v][round] = v == VARIANT_API || v == VARIANT_API_WINDOWED
          ? run_web_api (api, v == VARIANT_API_WINDOWED, K, &failed)
          : run_bare (session, request_url, authorization, v == VARIANT_BARE_JSON, K, &failed);
        cpu[v][round] = (bench_thread_cpu_s () - cpu0) * 1e6 / K;
      }
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      qsort (rps[v], ROUNDS, sizeof (double), compare_doubles);
      qsort (cpu[v], ROUNDS, sizeof (double), compare_doubles);
      figures->median[v] = rps[v][ROUNDS / 2];
      figures->best[v] = rps[v][ROUNDS - 1];
      figures->cpu_us[v] = cpu[v][ROUNDS / 2];
    }
  figures->peak_in_flight = oc_web_api_get_peak_in_flight (api);
  figures->failed = failed;
  oc_connection_close (connection);
  memset (token, 0, strlen (token));
  memset (authorization, 0, strlen (authorization));
}

static void
print_row (const char *name, const Figures *same, const Figures *own, guint v)
{
  printf ("%-40s %8.0f %6.0f %6.2f   %8.0f %6.0f %6.2f\n", name,
          same->median[v], same->best[v], same->median[v] / same->median[VARIANT_BARE],
          own->median[v], own->best[v], own->median[v] / own->median[VARIANT_BARE]);
}

int
main (int argc, char **argv)
{
  const char *seed = bench_seed_path (argc, argv);
  g_autoptr(GError) error = NULL;
  g_autofree char *host = bench_describe_host ();

  printf ("bench-throughput — OcWebApi vs a bare libsoup loop (SPEC §9)\n");
  printf ("host: %s\n", host);
  printf ("K=%d × GET %s with the product's headers (Authorization: Bearer <valid token>, Accept, OData-*,\n"
          "If-None-Match), %d in flight, plain http to 127.0.0.1; %d rounds after %d warm-up requests;\n"
          "requests/second: median, best, and median / median of (b)\n"
          "  same loop:  the mock in-process on the client's main loop (one thread serves both sides)\n"
          "  own thread: the mock in-process on a main loop in a thread of its own\n\n",
          K, PATH, IN_FLIGHT, ROUNDS, WARMUP);

  Figures same = { { 0 } }, own = { { 0 } };
  {
    g_autoptr(MockServer) mock = bench_mock_new (seed, &error);
    if (mock == NULL)
      g_error ("mock: %s", error->message);
    measure (mock_server_get_url (mock), seed, &same);
  }

  BenchMockThread *mock_thread = bench_mock_thread_start (seed, &error);
  if (mock_thread == NULL)
    g_error ("mock: %s", error->message);
  measure (bench_mock_thread_get_url (mock_thread), seed, &own);
  bench_mock_thread_stop (mock_thread);

  printf ("%-40s %-22s   %-22s\n", "", "  ------ same loop -----", "  ----- own thread -----");
  printf ("%-40s %8s %6s %6s   %8s %6s %6s\n", "path", "median", "best", "/(b)", "median", "best", "/(b)");
  for (guint v = 0; v < N_VARIANTS; v++)
    print_row (variant_names[v], &same, &own, v);

  /* With the mock in its own thread, this thread's CPU is the client's alone:
   * less moved by other load on the machine than requests per second. */
  printf ("\nclient CPU per request (this thread, mock in its own thread), median µs\n");
  for (guint v = 0; v < N_VARIANTS; v++)
    printf ("%-40s %8.1f %6.2f×(b)\n", variant_names[v], own.cpu_us[v], own.cpu_us[v] / own.cpu_us[VARIANT_BARE]);
  printf ("\nOcWebApi peak in flight: %u (same loop), %u (own thread); failed requests: %u\n",
          same.peak_in_flight, own.peak_in_flight, same.failed + own.failed);
  return same.failed + own.failed ? 1 : 0;
}
