/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench-common.h — shared plumbing of the benchmark programs: the in-process
 * mock, a signed-in connection, running the main loop until a condition
 * holds, and memory figures. Benchmarks print figures; they are not tests. */
#pragma once

#include <glib.h>

#include "mock-server.h"
#include "oc-connection.h"

G_BEGIN_DECLS

typedef gboolean (*BenchCondition) (gpointer data);

/* The seed: argv[1] when given, else data/mock-org.json of the source tree. */
const char   *bench_seed_path (int argc, char **argv);

/* A mock loaded with @seed, listening on 127.0.0.1 on the thread-default
 * context, routing simulation off (no timers run behind the figures). */
MockServer   *bench_mock_new (const char *seed, GError **error);

/* The same, in a thread of its own with its own main context (so that the
 * client's figures are not the mock's). Touch the mock only through
 * bench_mock_thread_call(), which runs @func in that thread and waits. */
typedef struct _BenchMockThread BenchMockThread;
typedef void (*BenchMockFunc) (MockServer *mock, gpointer data);

BenchMockThread *bench_mock_thread_start (const char *seed, GError **error);
const char      *bench_mock_thread_get_url (BenchMockThread *self);
void             bench_mock_thread_call (BenchMockThread *self, BenchMockFunc func, gpointer data);
/* CPU seconds the mock's thread used so far. */
double           bench_mock_thread_cpu_s (BenchMockThread *self);
void             bench_mock_thread_stop (BenchMockThread *self);

/* A connection to @url (environment and authority) with the tenant, client
 * and secret of @seed, signed in (token → WhoAmI → read probe). */
OcConnection *bench_connect (const char *url, const char *seed, GError **error);
/* The same, with @adjust (may be NULL) changing the settings first. */
typedef void (*BenchSettingsFunc) (OcSettings *settings, gpointer data);
OcConnection *bench_connect_adjusted (const char *url, const char *seed, BenchSettingsFunc adjust, gpointer data,
                                      GError **error);

/* The connection's current bearer token (from its provider's cache). */
char         *bench_get_token (OcConnection *connection, GError **error);

/* Iterates the thread-default main context until @condition holds (checked
 * after every iteration) or @timeout_ms passes; FALSE on timeout. */
gboolean      bench_run_until (BenchCondition condition, gpointer data, guint timeout_ms);
/* Iterates the main context for @ms milliseconds. */
void          bench_run_for (guint ms);

/* Bytes in use on the malloc heap (arena + mmapped blocks), 0 if unknown. */
gsize         bench_heap_bytes (void);
/* Resident set size in bytes, from /proc/self/statm; 0 if unknown. */
gsize         bench_rss_bytes (void);

double        bench_now_s (void);          /* monotonic seconds */
double        bench_thread_cpu_s (void);   /* CPU seconds of the calling thread */

char         *bench_make_tmpdir (const char *prefix);
void          bench_remove_tree (const char *path);

/* "AMD EPYC, 2 CPUs, GLib …, libsoup …; load average …": what the figures
 * were measured on, and how busy the machine was. */
char         *bench_describe_host (void);

G_END_DECLS
