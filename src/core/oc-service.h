/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-service.h — the handoffs of one account, owned in one place: the store,
 * the engine, the watcher and the intakes (the inbox directory; any other
 * intake, e.g. a queue consumer, calls oc_service_accept). Front ends (the
 * plugin, the CLI, the benchmarks) only render what its signals say:
 *
 *   ::handoff-added (OcHandoff *handoff)     a handoff became known
 *   ::handoff-changed (OcHandoff *handoff)   anything about it changed
 *   ::presence-changed (OcHandoff *handoff, const char *previous_status_id
 *       (NULL the first time), const char *status_id, const char *message,
 *       const char *announcement (NULL when nothing is worth a line))
 *       emitted once per change of the status id or message: the dedupe and
 *       the announcement are computed here, once, for every front end
 *   ::handoff-removed (const char *session_id)   a closed handoff passed the
 *       retention time (closed_retention_hours) and is no longer tracked;
 *       its stored file and the Dynamics record stay
 *   ::rejected (const char *file_name, const char *reason)   a document was
 *       moved to rejected/ (see OcStore::rejected), of the store or of an
 *       inbox directory added with oc_service_add_inbox_dir
 *   ::queue-settled (const char *session_id or NULL, const char *outcome
 *       "accepted"|"rejected"|"released", const char *reason or NULL)
 *   ::queue-connection (gboolean up, const char *detail)
 *   ::queue-failed (GError *error)   a queue intake stopped for good (its
 *       sign-in or link was refused: the message names the user and the
 *       broker's condition, never the password). See oc-amqp-intake.h.
 *   ::alert-raised (OcHandoff *handoff, OcAlertKind kind, guint elapsed_s,
 *       guint threshold_s, const char *line), ::alert-cleared (OcHandoff *,
 *       OcAlertKind)   a handoff is stuck, or no longer (see oc-alerts.h);
 *       emitted before the ::presence-changed of the same change
 *   ::outcome (OcHandoff *handoff, const char *line)   a state change was
 *       appended to <store>/outbox/events.jsonl as @line (see oc-outbox.h)
 *   ::agent-changed (const OcRosterAgent *agent), ::queue-changed (const
 *       OcRosterQueue *queue)   with show_agents / show_queues: a rep's or a
 *       queue's status or figures changed (oc-roster.h; borrowed for the emission)
 *
 * Without a connection (offline), or before oc_service_start, accepting only
 * stores the session durably, through the same validation; the next start
 * resumes it. */
#pragma once

#include "oc-amqp-intake.h"
#include "oc-alerts.h"
#include "oc-connection.h"
#include "oc-handoff-engine.h"
#include "oc-inbox.h"
#include "oc-outbox.h"
#include "oc-roster.h"
#include "oc-store.h"
#include "oc-watcher.h"

G_BEGIN_DECLS

#define OC_SERVICE_RETENTION_TICK_S 60

/* What a front end runs besides the engine (which always runs once started). */
typedef enum {
  OC_SERVICE_INBOX  = 1 << 0,   /* take documents from <store>/inbox/ */
  OC_SERVICE_WATCH  = 1 << 1,   /* mirror what Dynamics says (OcWatcher) */
  OC_SERVICE_EXPIRE = 1 << 2,   /* forget closed handoffs past the retention time */
} OcServiceParts;
#define OC_SERVICE_ALL (OC_SERVICE_INBOX | OC_SERVICE_WATCH | OC_SERVICE_EXPIRE)

#define OC_TYPE_SERVICE (oc_service_get_type ())
G_DECLARE_FINAL_TYPE (OcService, oc_service, OC, SERVICE, GObject)

/* Opens (creating if needed) the store at @store_root. @connection (a ref is
 * taken) may be NULL: an offline service only accepts into the store.
 * NULL + error if the store cannot be opened. */
OcService       *oc_service_new (OcConnection *connection, const char *store_root, GError **error);

/* Needs a signed-in connection. Resumes every stored session and starts
 * @parts: the plugin runs them all; `omnichannel watch` only watches (it
 * reports every handoff it was asked about, expired or not); `omnichannel
 * handoff` runs the engine alone. FALSE + @error only when the inbox cannot
 * be watched: everything else runs anyway. Starting a started service does
 * nothing. */
gboolean         oc_service_start (OcService *self, OcServiceParts parts, GError **error);
/* Stops the intakes, the watcher and the engine (no request stays in flight),
 * then writes and announces the outcomes still queued (::outcome, during
 * the call); after it no signal but ::rejected follows. The store stays
 * open: accepting goes on storing for the next start. A queue's held
 * messages are given back to the broker by dropping its connection (see
 * oc_service_stop_async). */
void             oc_service_stop (OcService *self);
/* The same after every queue intake has released what it holds and closed
 * its connection with the broker (bounded: a few seconds at most). A daemon
 * stops with this on SIGTERM. */
void             oc_service_stop_async (OcService *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean         oc_service_stop_finish (OcService *self, GAsyncResult *result, GError **error);
gboolean         oc_service_is_started (OcService *self);

/* The one door of every intake. Started: the engine stores the session and
 * hands it off. Otherwise: the session is stored (the first stored copy of
 * an id wins) and waits for the next start. *@known (may be NULL) says that a
 * session with this id was already known, so nothing new happens. FALSE +
 * error: not accepted (OC_ERROR_INVALID_INPUT for a document that breaks a
 * rule; anything else: it could not be made durable). */
gboolean         oc_service_accept (OcService *self, OcSession *session, gboolean *known, GError **error);
/* The same without waiting for the disk on the main loop (the write runs in
 * a thread); the callback is "accepted" — the session is durable — or not.
 * Front ends with a UI use this. The synchronous call stays for callers
 * whose API needs the answer before they return: libpurple's command
 * callback (/handoff must return its refusal at once) and the CLI, which
 * has no main loop to keep responsive while it validates its files. */
void             oc_service_accept_async (OcService *self, OcSession *session, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean         oc_service_accept_finish (OcService *self, GAsyncResult *result, gboolean *known,
                                           GError **error);

/* More intakes, run while the service is started (added to a started
 * service, they start at once). Both go through the same door as
 * oc_service_accept.
 *
 * A directory with the store's layout (@dir/inbox/ in, @dir/rejected/ for
 * refused documents and their .reason; accepted ones go to this service's
 * store), for brokerless hosts (`serve --inbox DIR`). FALSE + error if it
 * cannot be created, or (started) watched. */
gboolean         oc_service_add_inbox_dir (OcService *self, const char *dir, GError **error);
/* An AMQP 1.0 queue as a competing consumer (oc-amqp-intake.h says how
 * each message is settled). The options are copied (the password too: the
 * caller may wipe its own). FALSE + OC_ERROR_INVALID_SETTINGS for options
 * that cannot work, or when built without AMQP. */
gboolean         oc_service_add_queue (OcService *self, const OcAmqpIntakeOptions *options, GError **error);
/* Messages taken from the queues and not settled yet (for figures). */
guint            oc_service_get_queue_held (OcService *self);
/* Publishes an outcome event (JSON text: an outbox line, see oc-outbox-event.h) to every
 * queue intake that has an outcomes address; nothing without one. */
void             oc_service_publish_outcome (OcService *self, const char *json);

/* The tracked handoff of @session_id (borrowed), or NULL (also when stopped). */
OcHandoff       *oc_service_lookup (OcService *self, const char *session_id);
/* Restarts a failed handoff; FALSE if there is no such failed handoff. */
gboolean         oc_service_retry (OcService *self, const char *session_id);
/* Every tracked handoff in the order they became known. The array belongs
 * to the service (do not modify or free it); empty when stopped. */
GPtrArray       *oc_service_list (OcService *self);

/* Borrowed; for tuning and figures (tests, benchmarks), never to wire things. */
OcStore         *oc_service_get_store (OcService *self);
OcConnection    *oc_service_get_connection (OcService *self);   /* NULL offline */
OcHandoffEngine *oc_service_get_engine (OcService *self);       /* NULL offline or stopped */
OcWatcher       *oc_service_get_watcher (OcService *self);      /* NULL offline or stopped */
OcInbox         *oc_service_get_inbox (OcService *self);        /* NULL when stopped */
OcOutbox        *oc_service_get_outbox (OcService *self);       /* NULL when stopped */

/* The line of @session_id's raised alert (borrowed), or NULL: front ends
 * add it to the handoff's status message. */
const char      *oc_service_get_alert (OcService *self, const char *session_id);

OcRoster        *oc_service_get_roster (OcService *self);       /* NULL when neither reps nor queues are shown */

G_END_DECLS
