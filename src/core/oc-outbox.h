/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-outbox.h — outcomes back to the bot (SPEC §10 "outcome events"): every
 * state change of every handoff appended as one line (oc-outbox-event.h) to
 * <store>/outbox/events.jsonl, in a thread so that the main loop never waits
 * for the disk.
 *
 *   - seq is per store and strictly increasing across restarts: the last
 *     one is recovered from the file (or, just after a rotation, from the
 *     newest rotated file) when the outbox opens. A torn last line (a crash
 *     in the middle of a write) is ignored and ended with a newline before
 *     the next line; no line is ever rewritten.
 *   - A state already written (same status, rep, queue, reason and ticket
 *     for the session, also as recovered from the files) is never written
 *     again, so a consumer that remembers the last seq it read neither
 *     misses nor double-counts an event across restarts of either side.
 *   - Lines are written in batches, then fsync'd, and only then announced
 *     by ::appended (OcHandoff *handoff, const char *line) on the main
 *     context the outbox was made in: `watch --json` prints them and `serve
 *     --outcomes` publishes them, byte for byte the lines of the file.
 *   - At OC_OUTBOX_MAX_BYTES the file is renamed events.jsonl.N (N one more
 *     than the highest already there; rotated files are kept) and a new one
 *     begins. Read the rotated files in increasing N, then events.jsonl.
 *   - One process writes a store's outbox (an advisory lock on
 *     outbox/.lock); another one on the same store still announces its lines
 *     but writes none, with a warning. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

#define OC_OUTBOX_FILE "events.jsonl"
#define OC_OUTBOX_MAX_BYTES ((goffset) 10 * 1024 * 1024)
#define OC_OUTBOX_MAX_LINE (256 * 1024)   /* a longer line in a file is not ours: skipped */

#define OC_TYPE_OUTBOX (oc_outbox_get_type ())
G_DECLARE_FINAL_TYPE (OcOutbox, oc_outbox, OC, OUTBOX, GObject)

/* Opens the outbox in @dir (created if needed). @max_bytes: the rotation
 * size, 0 for OC_OUTBOX_MAX_BYTES (tests use a small one). NULL + error
 * when @dir cannot be created. */
OcOutbox   *oc_outbox_new (const char *dir, goffset max_bytes, GError **error);
/* Takes a snapshot of @handoff's state now and queues it. Nothing is
 * written if it is the state last written for this session, nor for a
 * created record Dynamics has not reported on yet (resumed after a restart)
 * when the session already has a state past handing off: the watcher's row
 * will tell. Main thread. */
void        oc_outbox_push (OcOutbox *self, OcHandoff *handoff);
/* Waits until everything pushed is written, then emits ::appended for it
 * before returning (tests; and stopping, so that no outcome is lost). */
void        oc_outbox_flush (OcOutbox *self);
/* The last line written (or recovered) for @session_id, newly allocated,
 * or NULL; exact after a flush. `watch --json` starts with these. */
char       *oc_outbox_dup_last_line (OcOutbox *self, const char *session_id);
/* The last seq written or recovered (0: none yet); exact after a flush. */
guint64     oc_outbox_get_last_seq (OcOutbox *self);
/* <dir>/events.jsonl (owned by the outbox). */
const char *oc_outbox_get_path (OcOutbox *self);

G_END_DECLS
