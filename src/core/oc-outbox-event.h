/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-outbox-event.h — a handoff's state as the outcome event of SPEC §10:
 * one JSON object, exactly the members session_id, record_id,
 * ticket_number, kind ("conversation" | "case"), status (the persistent
 * status id), rep, queue, reason, at (server time, ISO 8601 UTC) and seq.
 * The one builder of these lines: the outbox file, `watch --json` and the
 * outcomes `serve` publishes all carry what it makes. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

/* A snapshot of what an event says, taken on the main thread (the handoff
 * itself never leaves it). Strings owned; NULL for JSON null. */
typedef struct {
  char   *session_id;
  char   *record_id;
  char   *ticket_number;
  char   *kind;
  char   *status;
  char   *rep;
  char   *queue;
  char   *reason;      /* failed or retrying: the error; closed: Dynamics' status change reason */
  gint64  at;          /* unix seconds: the row's modifiedon, else when it was taken */
} OcOutboxEvent;

/* A new snapshot of @handoff's current state; @now_us (µs since the epoch)
 * dates it when Dynamics has not yet (handing off, failed). */
OcOutboxEvent *oc_outbox_event_new (OcHandoff *handoff, gint64 now_us);
void           oc_outbox_event_free (OcOutboxEvent *event);
/* What makes two events the same state (everything but at and seq):
 * unchanged states are never announced again. Newly allocated. */
char          *oc_outbox_event_key (const OcOutboxEvent *event);
/* The JSON line (no newline), newly allocated. */
char          *oc_outbox_event_to_line (const OcOutboxEvent *event, guint64 seq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcOutboxEvent, oc_outbox_event_free)

G_END_DECLS
