/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-handoff — what a chat handoff costs (SPEC §5.3, §9 "Cost").
 *
 * Hands off a batch of anonymous web sessions, then a batch of web sessions
 * with a verified email, through OcHandoffEngine against the in-process mock,
 * and prints the Web API requests per handoff (SPEC: 1 and 2) and handoffs
 * per second. Each session is stored durably (fsync) before it is sent, as
 * the product does; the time spent in submit() is shown apart, and the
 * batches run again with the store on tmpfs (/dev/shm), where fsync is free,
 * to show what the network side alone achieves. */
#include <stdio.h>

#include "bench-common.h"
#include "oc-service.h"

#define BATCH 500

typedef struct {
  GHashTable *settled;   /* OcHandoff* that reached CREATED or FAILED */
  guint       created;
  guint       failed;
  guint       linked;
  guint       total;
} Progress;

static gboolean
progress_done (gpointer data)
{
  Progress *progress = data;
  return progress->created + progress->failed >= progress->total;
}

static void
on_changed (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  Progress *progress = user_data;
  OcHandoffPhase phase = oc_handoff_get_phase (handoff);
  if (phase == OC_HANDOFF_PHASE_PENDING || !g_hash_table_add (progress->settled, handoff))
    return;
  if (phase == OC_HANDOFF_PHASE_CREATED)
    {
      progress->created++;
      if (oc_handoff_get_contact_id (handoff))
        progress->linked++;
    }
  else
    {
      progress->failed++;
      if (progress->failed == 1)
        g_printerr ("%s failed: %s\n", oc_handoff_get_id (handoff), oc_handoff_get_error (handoff)->message);
    }
}

static OcSession *
make_session (const char *store_kind, const char *kind, guint i, gboolean verified)
{
  g_autofree char *id = g_strdup_printf ("bench-%s-%s-%04u", store_kind, kind, i);
  OcSession *session = oc_session_new (id, "web");
  oc_session_set_summary (session, "Refund for order 1182 has not arrived after two weeks");
  if (verified)
    oc_session_set_customer (session, "Ada Lovelace", "ada@example.com", TRUE, NULL);
  oc_session_add_line (session, "customer", "Hello, my refund has not arrived.", "2026-11-23T10:02:11Z");
  oc_session_add_line (session, "ai", "I am sorry to hear that. Let me check order 1182.", "2026-11-23T10:02:14Z");
  oc_session_add_line (session, "customer", "Please pass me to a person.", "2026-11-23T10:02:40Z");
  return session;
}

typedef struct {
  const char *kind;
  gboolean    verified;
  double      expected;
} Batch;

static gboolean
run_batch (MockServer *mock, OcService *service, const char *store_kind, const Batch *batch)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) oc_session_unref);
  for (guint i = 0; i < BATCH; i++)
    g_ptr_array_add (sessions, make_session (store_kind, batch->kind, i, batch->verified));

  Progress progress = { .settled = g_hash_table_new (NULL, NULL), .total = BATCH };
  gulong handler = g_signal_connect (service, "handoff-changed", G_CALLBACK (on_changed), &progress);
  guint api_before = mock_server_count_requests (mock, NULL, "/api/data/");
  guint posts_before = mock_server_count_requests (mock, "POST", "msdyn_ocliveworkitems");
  guint lookups_before = mock_server_count_requests (mock, "GET", "/contacts");
  guint all_before = mock_server_count_requests (mock, NULL, NULL);

  double t0 = bench_now_s (), submit_s = 0;
  for (guint i = 0; i < sessions->len; i++)
    {
      g_autoptr(GError) error = NULL;
      double s0 = bench_now_s ();
      gboolean accepted = oc_service_accept (service, sessions->pdata[i], NULL, &error);
      submit_s += bench_now_s () - s0;
      if (!accepted)
        {
          g_printerr ("submit: %s\n", error->message);
          return FALSE;
        }
    }
  gboolean finished = bench_run_until (progress_done, &progress, 120000);
  double wall_s = bench_now_s () - t0;
  g_signal_handler_disconnect (service, handler);
  g_hash_table_unref (progress.settled);
  if (!finished)
    {
      g_printerr ("%s: only %u of %u settled in 120 s\n", batch->kind, progress.created + progress.failed, BATCH);
      return FALSE;
    }

  guint api = mock_server_count_requests (mock, NULL, "/api/data/") - api_before;
  guint posts = mock_server_count_requests (mock, "POST", "msdyn_ocliveworkitems") - posts_before;
  guint lookups = mock_server_count_requests (mock, "GET", "/contacts") - lookups_before;
  guint other = mock_server_count_requests (mock, NULL, NULL) - all_before - api;
  printf ("%-6s %-15s %8u %8u %7u %9u %9u %8.2f %9.0f %8.0f %7.2f %9.2f%s\n",
          store_kind, batch->kind, BATCH, progress.created, progress.linked, lookups, posts,
          (double) api / BATCH, batch->expected,
          BATCH / wall_s, wall_s, submit_s * 1000.0 / BATCH,
          other ? "  (!) + token requests" : "");
  fflush (stdout);
  return progress.failed == 0;
}

static const Batch batches[] = {
  { "anonymous", FALSE, 1 },
  { "verified-email", TRUE, 2 },
};

/* Both batches with a fresh store under @base and a fresh engine. */
static gboolean
run_store (MockServer *mock, OcConnection *connection, const char *store_kind, const char *base)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_build_filename (base, "bench-handoff-XXXXXX", NULL);
  if (g_mkdtemp (root) == NULL)
    {
      g_printerr ("cannot make a directory in %s\n", base);
      return FALSE;
    }
  g_autoptr(OcService) service = oc_service_new (connection, root, &error);
  if (service == NULL)
    {
      g_printerr ("store: %s\n", error->message);
      bench_remove_tree (root);
      return FALSE;
    }
  /* the engine alone: no polling or inbox behind the figures */
  oc_service_start (service, 0, NULL);
  gboolean ok = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (batches) && ok; i++)
    ok = run_batch (mock, service, store_kind, &batches[i]);
  oc_service_stop (service);
  g_clear_object (&service);
  bench_run_for (20);
  bench_remove_tree (root);
  return ok;
}

int
main (int argc, char **argv)
{
  const char *seed = bench_seed_path (argc, argv);
  g_autoptr(GError) error = NULL;
  g_autoptr(MockServer) mock = bench_mock_new (seed, &error);
  if (mock == NULL)
    {
      g_printerr ("mock: %s\n", error->message);
      return 1;
    }
  g_autoptr(OcConnection) connection = bench_connect (mock_server_get_url (mock), seed, &error);
  if (connection == NULL)
    {
      g_printerr ("sign-in: %s\n", error->message);
      return 1;
    }

  g_autofree char *host = bench_describe_host ();
  printf ("bench-handoff — chat handoff cost (SPEC §5.3, §9)\n");
  printf ("host: %s\n", host);
  printf ("mock: in-process, same main loop, %s\n", mock_server_get_url (mock));
  printf ("store: disk = a fresh directory in %s; tmpfs = in /dev/shm (write + fsync + rename per save)\n",
          g_get_tmp_dir ());
  printf ("%d web sessions per batch, all submitted at once (the engine keeps ≤ %d requests in flight);\n"
          "requests = Web API requests the mock logged during the batch (token cached from sign-in)\n\n",
          BATCH, OC_WEB_API_MAX_IN_FLIGHT);
  printf ("%-6s %-15s %8s %8s %7s %9s %9s %8s %9s %8s %7s %9s\n", "store", "kind", "sessions", "created",
          "linked", "GET cont.", "POST conv", "req/hand", "expected", "hand./s", "wall s", "submit ms");

  gboolean ok = run_store (mock, connection, "disk", g_get_tmp_dir ());
  if (ok && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
    ok = run_store (mock, connection, "tmpfs", "/dev/shm");

  printf ("\nhand./s = sessions / wall time from the first submit to the last record created (includes submit).\n"
          "submit ms = mean time in oc_service_accept(): validation + the durable store write; after\n"
          "the record exists the session is saved again with its meta (not in submit ms, in wall s).\n");

  oc_connection_close (connection);
  return ok ? 0 : 1;
}
