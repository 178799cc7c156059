/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-outcome.h — a handoff's state change as the outcome event of
 * SPEC §10 (one JSON object: session_id, record_id, ticket_number, kind,
 * status, rep, queue, reason, at, seq), for `serve --outcomes` so that the
 * bot that queued a session hears back. No Proton here. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

/* The JSON text of @handoff's current state, or NULL when it is the same
 * state as last announced by this function (unchanged states are never
 * re-announced; the last one is remembered on the handoff). @seq strictly
 * increases per store: give oc_amqp_outcome_next_seq(). */
char    *oc_amqp_outcome_event (OcHandoff *handoff, guint64 seq, GDateTime *at);

/* Strictly increasing across calls, and across restarts of a process
 * using the same store as long as the wall clock does not step back:
 * max(last + 1, microseconds since the epoch). */
guint64  oc_amqp_outcome_next_seq (guint64 *last);

G_END_DECLS
