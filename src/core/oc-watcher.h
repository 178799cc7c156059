/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-watcher.h — mirrors what Dynamics says about the tracked handoffs
 * (SPEC §6.2) at the cost of one request per page per poll, whatever the
 * number of handoffs: a filtered collection query with formatted values,
 * a watermark taken from server values — the newest modifiedon seen or the
 * server's Date of the walk — with an overlap, rows deduplicated, pages
 * followed through @odata.nextLink (at most OC_WATCHER_MAX_PAGES a walk; a
 * link that repeats ends the poll with an error). Handoffs the walk leaves
 * unknown (closed before the first poll's window, or deleted) are then read
 * by id, OC_WATCHER_RESOLVE_BATCH ids a query; one that does not exist any
 * more ends as closed (see oc_handoff_set_deleted). Rows are parsed by
 * oc-watcher-rows; a malformed row is skipped with a warning. Fast while
 * anything is open or handing off, slow when everything is closed, off when
 * nothing is tracked, and never sooner than a Retry-After. */
#pragma once

#include "oc-handoff-engine.h"

G_BEGIN_DECLS

#define OC_WATCHER_FAST_S 5
#define OC_WATCHER_SLOW_S 60
#define OC_WATCHER_OVERLAP_S 5
#define OC_WATCHER_PAGE_SIZE 500
#define OC_WATCHER_MAX_PAGES 100        /* 50 000 rows at the default page size */
#define OC_WATCHER_RESOLVE_BATCH 100    /* ids in one by-id query */

#define OC_TYPE_WATCHER (oc_watcher_get_type ())
G_DECLARE_FINAL_TYPE (OcWatcher, oc_watcher, OC, WATCHER, GObject)

OcWatcher *oc_watcher_new (OcConnection *connection, OcHandoffEngine *engine);

/* Polls now and keeps polling on its own schedule. */
void       oc_watcher_start (OcWatcher *self);
/* Polls again soon (e.g. a handoff was just accepted). */
void       oc_watcher_poke (OcWatcher *self);
/* Cancels the poll in flight and every timer. */
void       oc_watcher_stop (OcWatcher *self);

/* For tests and benchmarks. */
void       oc_watcher_set_intervals (OcWatcher *self, guint fast_s, guint slow_s);
void       oc_watcher_set_page_size (OcWatcher *self, guint rows);
void       oc_watcher_set_max_pages (OcWatcher *self, guint pages);
/* Why the last poll failed (a looping or malformed answer, the network…),
 * or NULL when it succeeded. */
const GError *oc_watcher_get_last_error (OcWatcher *self);
guint      oc_watcher_get_polls (OcWatcher *self);
guint      oc_watcher_get_requests (OcWatcher *self);
/* Seconds until the next poll, or -1 when polling is off. */
int        oc_watcher_get_next_poll (OcWatcher *self);

/* Builds the $filter of a poll (exposed for tests). @watermark is unix
 * seconds; 0 means the first poll (open ones + changed within @retention_s). */
char      *oc_watcher_build_filter (OcShowMode  mode,
                                    const char *user_id,
                                    const char *workstream_id,
                                    gint64      watermark,
                                    gint64      now,
                                    gint64      retention_s);

G_END_DECLS
