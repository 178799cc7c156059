/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bench-common.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_MALLINFO2
#include <malloc.h>
#endif

#include "oc-token.h"

const char *
bench_seed_path (int argc, char **argv)
{
  return argc > 1 ? argv[1] : BENCH_SEED;
}

MockServer *
bench_mock_new (const char *seed, GError **error)
{
  g_autoptr(MockServer) mock = mock_server_new ();
  if (!mock_server_load_seed (mock, seed, error))
    return NULL;
  mock_server_set_routing_delays (mock, 0, 0, 0);
  if (!mock_server_listen (mock, 0, error))
    return NULL;
  return g_steal_pointer (&mock);
}

/* ---- the mock in a thread of its own ---- */

struct _BenchMockThread {
  const char   *seed;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  MockServer   *mock;
  GError       *error;
  char         *url;
  GMutex        lock;
  GCond         cond;
  gboolean      started;
};

static gpointer
mock_thread_main (gpointer data)
{
  BenchMockThread *self = data;
  g_main_context_push_thread_default (self->context);
  MockServer *mock = bench_mock_new (self->seed, &self->error);

  g_mutex_lock (&self->lock);
  self->mock = mock;
  self->url = mock ? g_strdup (mock_server_get_url (mock)) : NULL;
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (mock)
    g_main_loop_run (self->loop);
  g_clear_object (&self->mock);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

BenchMockThread *
bench_mock_thread_start (const char *seed, GError **error)
{
  BenchMockThread *self = g_new0 (BenchMockThread, 1);
  self->seed = seed;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("mock", mock_thread_main, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  if (self->mock == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      bench_mock_thread_stop (self);
      return NULL;
    }
  return self;
}

const char *
bench_mock_thread_get_url (BenchMockThread *self)
{
  return self->url;
}

typedef struct {
  BenchMockThread *thread;
  BenchMockFunc    func;
  gpointer         data;
  gboolean         done;
} MockCall;

static gboolean
mock_call_run (gpointer data)
{
  MockCall *call = data;
  call->func (call->thread->mock, call->data);
  g_mutex_lock (&call->thread->lock);
  call->done = TRUE;
  g_cond_broadcast (&call->thread->cond);
  g_mutex_unlock (&call->thread->lock);
  return G_SOURCE_REMOVE;
}

void
bench_mock_thread_call (BenchMockThread *self, BenchMockFunc func, gpointer data)
{
  MockCall call = { self, func, data, FALSE };
  g_main_context_invoke (self->context, mock_call_run, &call);
  g_mutex_lock (&self->lock);
  while (!call.done)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

static void
read_cpu (MockServer *mock, gpointer data)
{
  *(double *) data = bench_thread_cpu_s ();
}

double
bench_mock_thread_cpu_s (BenchMockThread *self)
{
  double seconds = 0;
  bench_mock_thread_call (self, read_cpu, &seconds);
  return seconds;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
bench_mock_thread_stop (BenchMockThread *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_error (&self->error);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* ---- running the loop until something holds ---- */

typedef struct {
  GSource        source;
  BenchCondition condition;
  gpointer       data;
  gboolean      *done;
} ConditionSource;

static gboolean
condition_prepare (GSource *source, gint *timeout)
{
  ConditionSource *self = (ConditionSource *) source;
  *timeout = -1;
  return self->condition (self->data);
}

static gboolean
condition_check (GSource *source)
{
  ConditionSource *self = (ConditionSource *) source;
  return self->condition (self->data);
}

static gboolean
condition_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  ConditionSource *self = (ConditionSource *) source;
  *self->done = TRUE;
  return G_SOURCE_REMOVE;
}

static GSourceFuncs condition_funcs = {
  .prepare = condition_prepare,
  .check = condition_check,
  .dispatch = condition_dispatch,
};

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
bench_run_until (BenchCondition condition, gpointer data, guint timeout_ms)
{
  if (condition && condition (data))
    return TRUE;

  GMainContext *context = g_main_context_ref_thread_default ();
  gboolean done = FALSE, timed_out = FALSE;
  GSource *watch = NULL;
  if (condition)
    {
      watch = g_source_new (&condition_funcs, sizeof (ConditionSource));
      ConditionSource *cs = (ConditionSource *) watch;
      cs->condition = condition;
      cs->data = data;
      cs->done = &done;
      g_source_attach (watch, context);
    }
  GSource *deadline = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline, on_deadline, &timed_out, NULL);
  g_source_attach (deadline, context);

  while (!done && !timed_out)
    g_main_context_iteration (context, TRUE);

  if (watch)
    {
      g_source_destroy (watch);
      g_source_unref (watch);
    }
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_main_context_unref (context);
  return done;
}

void
bench_run_for (guint ms)
{
  bench_run_until (NULL, NULL, ms);
}

/* ---- sign-in ---- */

typedef struct {
  gboolean finished;
  gboolean ok;
  GError  *error;
  char    *token;
} Wait;

static gboolean
wait_finished (gpointer data)
{
  return ((Wait *) data)->finished;
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;
  wait->ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &wait->error);
  wait->finished = TRUE;
}

static char *
seed_member (JsonObject *root, const char *section, const char *member)
{
  JsonObject *object = json_object_get_object_member (root, section);
  const char *value = object ? json_object_get_string_member_with_default (object, member, NULL) : NULL;
  return g_strdup (value);
}

OcConnection *
bench_connect (const char *url, const char *seed, GError **error)
{
  return bench_connect_adjusted (url, seed, NULL, NULL, error);
}

OcConnection *
bench_connect_adjusted (const char *url, const char *seed, BenchSettingsFunc adjust, gpointer data, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, seed, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", seed);
      return NULL;
    }

  g_autoptr(OcSettings) settings = oc_settings_new ();
  g_free (settings->authority);
  settings->environment = g_strdup (url);
  settings->authority = g_strdup (url);
  settings->tenant_id = seed_member (json_node_get_object (root), "tenant", "id");
  settings->client_id = seed_member (json_node_get_object (root), "application", "client_id");
  settings->client_secret = seed_member (json_node_get_object (root), "application", "client_secret");
  settings->show = OC_SHOW_INTEGRATION;
  if (adjust)
    adjust (settings, data);

  g_autoptr(OcConnection) connection = oc_connection_new (settings, error);
  if (connection == NULL)
    return NULL;
  Wait wait = { 0 };
  oc_connection_sign_in_async (connection, NULL, on_signed_in, &wait);
  if (!bench_run_until (wait_finished, &wait, 30000))
    {
      oc_connection_close (connection);
      bench_run_until (wait_finished, &wait, 1000);
      g_clear_error (&wait.error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "sign-in did not finish within 30 s");
      return NULL;
    }
  if (!wait.ok)
    {
      g_propagate_error (error, wait.error);
      return NULL;
    }
  return g_steal_pointer (&connection);
}

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;
  wait->token = oc_token_provider_get_finish (OC_TOKEN_PROVIDER (source), result, &wait->error);
  wait->finished = TRUE;
}

char *
bench_get_token (OcConnection *connection, GError **error)
{
  Wait wait = { 0 };
  oc_token_provider_get_async (oc_connection_get_token_provider (connection), NULL, on_token, &wait);
  if (!bench_run_until (wait_finished, &wait, 30000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no token within 30 s");
      return NULL;
    }
  if (wait.token == NULL)
    g_propagate_error (error, wait.error);
  return wait.token;
}

/* ---- memory, time, files ---- */

gsize
bench_heap_bytes (void)
{
#ifdef HAVE_MALLINFO2
  /* uordblks: bytes in use in the arenas; hblkhd: blocks glibc serves with
   * mmap (≥ 128 KiB at first, e.g. a large hash table's bucket array). */
  struct mallinfo2 info = mallinfo2 ();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

gsize
bench_rss_bytes (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    return 0;
  unsigned long size = 0, resident = 0;
  if (sscanf (text, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

double
bench_now_s (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

double
bench_thread_cpu_s (void)
{
  struct timespec now;
  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now) != 0)
    return 0;
  return (double) now.tv_sec + now.tv_nsec / 1e9;
}

char *
bench_make_tmpdir (const char *prefix)
{
  g_autofree char *template = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp (template, &error);
  if (path == NULL)
    g_error ("cannot make a temporary directory: %s", error->message);
  return path;
}

void
bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
bench_describe_host (void)
{
  g_autofree char *cpuinfo = NULL;
  g_autofree char *model = NULL;
  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (cpuinfo, "\n", -1);
      for (guint i = 0; lines[i] && model == NULL; i++)
        if (g_str_has_prefix (lines[i], "model name"))
          {
            const char *colon = strchr (lines[i], ':');
            if (colon)
              model = g_strstrip (g_strdup (colon + 1));
          }
    }
  g_autofree char *loadavg = NULL;
  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  g_auto(GStrv) load = g_strsplit (loadavg ? loadavg : "", " ", 4);
  return g_strdup_printf ("%s, %u CPUs, GLib %u.%u.%u, libsoup %u.%u.%u; load average %s %s %s",
                          model ? model : "unknown CPU", g_get_num_processors (),
                          glib_major_version, glib_minor_version, glib_micro_version,
                          soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
                          load[0] ? load[0] : "?", load[0] && load[1] ? load[1] : "?",
                          load[0] && load[1] && load[2] ? load[2] : "?");
}
