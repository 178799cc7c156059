/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-handoff-engine.h — turns accepted sessions into Dynamics records,
 * exactly once (SPEC §5):
 *   chat (web/sms/whatsapp): [contact lookup if the email is verified] → POST msdyn_ocliveworkitems
 *   case (everything else):  contact lookup or create → POST incidents → AddToQueue
 * Every record id is deterministic, so a retry after an ambiguous failure, a
 * restart, or a second client finds the record instead of duplicating it.
 * Transient failures are retried forever (backoff, Retry-After); permanent
 * ones stop and wait for oc_handoff_engine_retry(). */
#pragma once

#include "oc-connection.h"
#include "oc-handoff.h"
#include "oc-store.h"

G_BEGIN_DECLS

#define OC_TYPE_HANDOFF_ENGINE (oc_handoff_engine_get_type ())
G_DECLARE_FINAL_TYPE (OcHandoffEngine, oc_handoff_engine, OC, HANDOFF_ENGINE, GObject)

OcHandoffEngine *oc_handoff_engine_new (OcConnection *connection, OcStore *store);

/* Installs ::handoff-added and ::handoff-changed (OcHandoff *handoff) on
 * @klass: the engine's own, and those of whoever re-emits them (the
 * service), so the two can never differ. */
void             oc_handoff_signals_install (GObjectClass *klass, guint *added, guint *changed);

/* Accepts a session: stores it durably, then starts the handoff. If a session
 * with this id is already known (tracked or stored), that one is returned and
 * *known is set; nothing is sent twice. NULL + error if it could not be stored.
 * The handoff is borrowed (the engine tracks it). The store write runs on
 * the calling thread: front ends with a UI use the _async variant or
 * oc_service_accept_async. */
OcHandoff       *oc_handoff_engine_submit (OcHandoffEngine *self,
                                           OcSession       *session,
                                           gboolean        *known,
                                           GError         **error);
/* The same, with the store write in a thread (oc_store_accept_async): the
 * callback is "accepted" (durable) or the reason. Submits of one id while
 * its write is in flight all get the one handoff (the later ones *known).
 * finish returns the handoff, borrowed (the engine tracks it). */
void             oc_handoff_engine_submit_async (OcHandoffEngine    *self,
                                                 OcSession          *session,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
OcHandoff       *oc_handoff_engine_submit_finish (OcHandoffEngine *self,
                                                  GAsyncResult    *result,
                                                  gboolean        *known,
                                                  GError         **error);
/* Tracks every stored session; pending ones are (re)started. */
void             oc_handoff_engine_resume (OcHandoffEngine *self);
/* Restarts a failed handoff. FALSE if there is no such failed handoff. */
gboolean         oc_handoff_engine_retry (OcHandoffEngine *self, const char *session_id);
/* The tracked handoff (borrowed: valid while tracked), or NULL. */
OcHandoff       *oc_handoff_engine_lookup (OcHandoffEngine *self, const char *session_id);
/* By Dynamics record id (activityid / incidentid); borrowed. */
OcHandoff       *oc_handoff_engine_lookup_record (OcHandoffEngine *self, const char *record_id);
/* Shows a record this client did not create (see oc_handoff_new_foreign);
 * the handoff is borrowed. */
OcHandoff       *oc_handoff_engine_track_foreign (OcHandoffEngine *self, const char *record_id,
                                                  OcHandoffPath path, const char *subject);
/* Every tracked handoff, in the order they became known. The array is the
 * engine's own (transfer none): do not modify or free it, and do not keep
 * it across a forget. */
GPtrArray       *oc_handoff_engine_list (OcHandoffEngine *self);
/* Stops tracking (e.g. closed past retention); the stored file and the record stay. */
void             oc_handoff_engine_forget (OcHandoffEngine *self, const char *session_id);
/* True while any handoff is still pending. */
gboolean         oc_handoff_engine_is_busy (OcHandoffEngine *self);
/* Cancels every request in flight; no signal is emitted afterwards. */
void             oc_handoff_engine_shutdown (OcHandoffEngine *self);

G_END_DECLS
