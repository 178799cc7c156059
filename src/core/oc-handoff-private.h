/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-handoff-private.h — what only the engine (its jobs) and the watcher
 * change on a handoff. Front ends read handoffs (oc-handoff.h) and never
 * set them. Not installed; unit tests include it to build states. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

void           oc_handoff_set_case_queue_name (OcHandoff *self, const char *name);
/* Used by the engine; each emits ::changed when something changed. */
void           oc_handoff_set_contact (OcHandoff *self, const char *contact_id, const char *note);
void           oc_handoff_set_retrying (OcHandoff *self, const GError *error, gint64 retry_at);
void           oc_handoff_set_failed (OcHandoff *self, const GError *error);
void           oc_handoff_set_pending (OcHandoff *self);
void           oc_handoff_set_created (OcHandoff *self, const char *ticket_number);
void           oc_handoff_set_queue_note (OcHandoff *self, const char *note);
void           oc_handoff_set_routing_note (OcHandoff *self, const char *note);
/* Takes the new live state; returns TRUE (and emits ::changed) only when the
 * state, reason, rep or queue changed — unchanged states are never re-announced. */
gboolean       oc_handoff_set_live (OcHandoff *self, const OcLiveState *live);
/* The record no longer exists in Dynamics (deleted there): the handoff ends
 * as closed, with reason "RecordDeleted" and label "Record deleted", dated
 * when it was handed off (meta handed_off_at, else now) so that it leaves
 * the list after the retention time like any closed handoff — and at once
 * on later sign-ins when that time is past. Emits ::changed as set_live. */
gboolean       oc_handoff_set_deleted (OcHandoff *self);

G_END_DECLS
