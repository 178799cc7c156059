/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-service.h"

#include <string.h>

#include "oc-enum-types.h"
#include "oc-error.h"
#include "oc-presence.h"
#include "oc-service-intakes.h"
#include "oc-roster.h"

struct _OcService {
  GObject          parent_instance;
  OcConnection    *connection;     /* NULL: offline */
  OcStore         *store;
  OcHandoffEngine *engine;         /* while online: created with the service or at start */
  OcWatcher       *watcher;
  OcRoster        *roster;         /* show_agents or show_queues */
  OcInbox         *inbox;          /* while started */
  OcServiceIntakes *intakes;       /* other inbox directories, queues */
  OcAlerts        *alerts;         /* while started */
  OcOutbox        *outbox;         /* while started (NULL if outbox/ cannot be made) */
  gboolean         started;
  OcServiceParts   parts;
  GHashTable      *shown;          /* session id → "status-id\nmessage" last announced */
  GPtrArray       *none;           /* what list returns while stopped */
  guint            retention_source;
  guint            expire_idle;
};

enum {
  SIGNAL_ADDED, SIGNAL_CHANGED, SIGNAL_PRESENCE, SIGNAL_REMOVED, SIGNAL_REJECTED,
  SIGNAL_QUEUE_SETTLED, SIGNAL_QUEUE_CONNECTION, SIGNAL_QUEUE_FAILED,
  SIGNAL_ALERT_RAISED, SIGNAL_ALERT_CLEARED, SIGNAL_OUTCOME, SIGNAL_AGENT, SIGNAL_QUEUE, N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcService, oc_service, G_TYPE_OBJECT)

static void
oc_service_dispose (GObject *object)
{
  OcService *self = OC_SERVICE (object);
  oc_service_stop (self);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_pointer (&self->intakes, oc_service_intakes_free);
  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->none, g_ptr_array_unref);
  G_OBJECT_CLASS (oc_service_parent_class)->dispose (object);
}

static void
oc_service_class_init (OcServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_service_dispose;

  oc_handoff_signals_install (G_OBJECT_CLASS (klass), &signals[SIGNAL_ADDED], &signals[SIGNAL_CHANGED]);
  signals[SIGNAL_PRESENCE] = g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 5, OC_TYPE_HANDOFF,
                                           G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_REMOVED] = g_signal_new ("handoff-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_QUEUE_SETTLED] = g_signal_new ("queue-settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                                G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_QUEUE_CONNECTION] = g_signal_new ("queue-connection", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                   G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_QUEUE_FAILED] = g_signal_new ("queue-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_ALERT_RAISED] = g_signal_new ("alert-raised", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 5, OC_TYPE_HANDOFF,
                                               OC_TYPE_ALERT_KIND, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_ALERT_CLEARED] = g_signal_new ("alert-cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, OC_TYPE_HANDOFF,
                                                OC_TYPE_ALERT_KIND);
  signals[SIGNAL_OUTCOME] = g_signal_new ("outcome", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, OC_TYPE_HANDOFF, G_TYPE_STRING);
  signals[SIGNAL_AGENT] = g_signal_new ("agent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_QUEUE] = g_signal_new ("queue-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
oc_service_init (OcService *self)
{
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->none = g_ptr_array_new ();
  self->intakes = oc_service_intakes_new (self);
}

static void
on_store_rejected (OcStore *store, const char *name, const char *reason, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_REJECTED], 0, name, reason);
}

/* Closed for longer than the retention time (at once when it is 0). */
static gboolean
is_expired (OcService *self, OcHandoff *handoff, OcPresenceStatus status)
{
  if (!(self->parts & OC_SERVICE_EXPIRE) || status != OC_PRESENCE_CLOSED)
    return FALSE;
  gint64 closed_at = oc_handoff_get_live (handoff)->modified_on;
  if (closed_at <= 0)
    return FALSE;
  gint64 retention = (gint64) oc_connection_get_settings (self->connection)->closed_retention_hours * 3600;
  return g_get_real_time () / G_USEC_PER_SEC >= closed_at + retention;
}

static void
expire (OcService *self)
{
  if (self->engine == NULL)
    return;
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < handoffs->len; i++)
    {
      OcPresence presence = { 0 };
      oc_presence_compute (handoffs->pdata[i], g_get_real_time (), &presence);
      if (is_expired (self, handoffs->pdata[i], presence.status))
        g_ptr_array_add (expired, g_strdup (oc_handoff_get_id (handoffs->pdata[i])));
      oc_presence_clear (&presence);
    }
  for (guint i = 0; i < expired->len; i++)
    {
      const char *id = expired->pdata[i];
      g_hash_table_remove (self->shown, id);
      if (self->alerts)
        oc_alerts_forget (self->alerts, id);
      oc_handoff_engine_forget (self->engine, id);
      g_signal_emit (self, signals[SIGNAL_REMOVED], 0, id);
    }
}

static gboolean
on_expire_idle (gpointer user_data)
{
  OcService *self = user_data;
  self->expire_idle = 0;
  expire (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_retention_tick (gpointer user_data)
{
  expire (user_data);
  return G_SOURCE_CONTINUE;
}

/* Says a change of status or message once, with its announcement. A handoff
 * already past retention when first seen is never shown: it only leaves. */
static void
update_presence (OcService *self, OcHandoff *handoff)
{
  const char *id = oc_handoff_get_id (handoff);
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  gboolean expired = is_expired (self, handoff, presence.status);
  const char *before = g_hash_table_lookup (self->shown, id);
  g_autofree char *key = g_strdup_printf ("%s\n%s", presence.status_id, presence.message);

  if (g_strcmp0 (before, key) != 0 && !(expired && before == NULL))
    {
      g_autofree char *previous = before ? g_strndup (before, strcspn (before, "\n")) : NULL;
      g_autofree char *line = oc_presence_announce (handoff, previous, g_get_real_time ());
      g_hash_table_insert (self->shown, g_strdup (id), g_steal_pointer (&key));
      g_signal_emit (self, signals[SIGNAL_PRESENCE], 0, handoff, previous, presence.status_id,
                     presence.message, line);
    }
  /* leave from an idle, not from inside the handoff's own change signal */
  if (expired && self->expire_idle == 0)
    self->expire_idle = g_idle_add (on_expire_idle, self);
  oc_presence_clear (&presence);
}

/* Alerts first, so that the presence a front end renders next already
 * knows whether the handoff is stuck; the outbox decides itself whether the
 * change is an outcome worth a line. */
static void
update_handoff (OcService *self, OcHandoff *handoff)
{
  if (self->alerts)
    oc_alerts_update (self->alerts, handoff);
  if (self->outbox)
    oc_outbox_push (self->outbox, handoff);
  update_presence (self, handoff);
}

static void
on_engine_added (OcHandoffEngine *engine, OcHandoff *handoff, gpointer user_data)
{
  OcService *self = user_data;
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, handoff);
  update_handoff (self, handoff);
}

static void
on_engine_changed (OcHandoffEngine *engine, OcHandoff *handoff, gpointer user_data)
{
  OcService *self = user_data;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, handoff);
  update_handoff (self, handoff);
}

static void
on_alert_raised (OcAlerts *alerts, OcHandoff *handoff, OcAlertKind kind, guint elapsed_s, guint threshold_s,
                 const char *line, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_ALERT_RAISED], 0, handoff, kind, elapsed_s, threshold_s, line);
}

static void
on_alert_cleared (OcAlerts *alerts, OcHandoff *handoff, OcAlertKind kind, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_ALERT_CLEARED], 0, handoff, kind);
}

static void
on_outcome (OcOutbox *outbox, OcHandoff *handoff, const char *line, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_OUTCOME], 0, handoff, line);
}

/* The alerts and the outbox of one start. */
static void
start_outcomes (OcService *self)
{
  self->alerts = oc_alerts_new (oc_connection_get_settings (self->connection)->alert_s);
  g_signal_connect (self->alerts, "alert-raised", G_CALLBACK (on_alert_raised), self);
  g_signal_connect (self->alerts, "alert-cleared", G_CALLBACK (on_alert_cleared), self);

  g_autofree char *dir = g_build_filename (oc_store_get_root (self->store), "outbox", NULL);
  g_autoptr(GError) error = NULL;
  self->outbox = oc_outbox_new (dir, 0, &error);
  if (self->outbox)
    g_signal_connect (self->outbox, "appended", G_CALLBACK (on_outcome), self);
  else
    g_warning ("No outcome events: %s", error->message);
}

static void
stop_outcomes (OcService *self)
{
  if (self->outbox)
    {
      oc_outbox_flush (self->outbox);   /* every outcome written is announced before the stop */
      g_signal_handlers_disconnect_by_data (self->outbox, self);
    }
  g_clear_object (&self->outbox);
  if (self->alerts)
    {
      g_signal_handlers_disconnect_by_data (self->alerts, self);
      oc_alerts_stop (self->alerts);
    }
  g_clear_object (&self->alerts);
}

static void
on_roster_agent (OcRoster *roster, gconstpointer agent, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_AGENT], 0, agent);
}

static void
on_roster_queue (OcRoster *roster, gconstpointer queue, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_QUEUE], 0, queue);
}

static void
make_engine (OcService *self)
{
  self->engine = oc_handoff_engine_new (self->connection, self->store);
  g_signal_connect (self->engine, "handoff-added", G_CALLBACK (on_engine_added), self);
  g_signal_connect (self->engine, "handoff-changed", G_CALLBACK (on_engine_changed), self);
  self->watcher = oc_watcher_new (self->connection, self->engine);
  const OcSettings *settings = oc_connection_get_settings (self->connection);
  if (settings->show_agents || settings->show_queues)
    {
      self->roster = oc_roster_new (self->connection, self->engine);
      /* a queue whose oldest wait passes the waiting alert is "do not disturb" */
      oc_roster_set_waiting_alert (self->roster, settings->alert_s[OC_ALERT_WAITING] / 60.0);
      g_signal_connect (self->roster, "agent-changed", G_CALLBACK (on_roster_agent), self);
      g_signal_connect (self->roster, "queue-changed", G_CALLBACK (on_roster_queue), self);
    }
}

OcService *
oc_service_new (OcConnection *connection, const char *store_root, GError **error)
{
  g_return_val_if_fail (connection == NULL || OC_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (store_root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  OcStore *store = oc_store_new (store_root, error);
  if (store == NULL)
    return NULL;
  OcService *self = g_object_new (OC_TYPE_SERVICE, NULL);
  self->store = store;
  g_signal_connect (store, "rejected", G_CALLBACK (on_store_rejected), self);
  if (connection)
    {
      self->connection = g_object_ref (connection);
      make_engine (self);
    }
  return self;
}

gboolean
oc_service_start (OcService *self, OcServiceParts parts, GError **error)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (self->connection != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    return TRUE;
  self->started = TRUE;
  self->parts = parts;
  if (self->engine == NULL)
    make_engine (self);
  start_outcomes (self);
  oc_handoff_engine_resume (self->engine);
  if (parts & OC_SERVICE_WATCH)
    oc_watcher_start (self->watcher);
  if ((parts & OC_SERVICE_WATCH) && self->roster)
    oc_roster_start (self->roster);
  if (parts & OC_SERVICE_EXPIRE)
    {
      expire (self);
      self->retention_source = g_timeout_add_seconds (OC_SERVICE_RETENTION_TICK_S, on_retention_tick, self);
    }
  gboolean ok = TRUE;
  if (parts & OC_SERVICE_INBOX)
    {
      self->inbox = oc_inbox_new (self->store, self->engine);
      ok = oc_inbox_start (self->inbox, error);
    }
  return oc_service_intakes_start (self->intakes, self->engine, ok ? error : NULL) && ok;
}

void
oc_service_stop (OcService *self)
{
  g_return_if_fail (OC_IS_SERVICE (self));

  self->started = FALSE;
  g_clear_handle_id (&self->retention_source, g_source_remove);
  g_clear_handle_id (&self->expire_idle, g_source_remove);
  if (self->intakes)
    oc_service_intakes_stop (self->intakes);
  if (self->inbox)
    oc_inbox_stop (self->inbox);
  g_clear_object (&self->inbox);
  if (self->watcher)
    oc_watcher_stop (self->watcher);
  g_clear_object (&self->watcher);
  if (self->roster)
    {
      g_signal_handlers_disconnect_by_data (self->roster, self);
      oc_roster_stop (self->roster);
    }
  g_clear_object (&self->roster);
  if (self->engine)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      oc_handoff_engine_shutdown (self->engine);
    }
  g_clear_object (&self->engine);
  stop_outcomes (self);
  g_hash_table_remove_all (self->shown);
}

gboolean
oc_service_is_started (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  return self->started;
}

gboolean
oc_service_add_inbox_dir (OcService *self, const char *dir, GError **error)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return oc_service_intakes_add_dir (self->intakes, dir, self->started ? self->engine : NULL, error);
}

gboolean
oc_service_add_queue (OcService *self, const OcAmqpIntakeOptions *options, GError **error)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return oc_service_intakes_add_queue (self->intakes, options, self->started, error);
}

guint
oc_service_get_queue_held (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), 0);
  return oc_service_intakes_get_held (self->intakes);
}

void
oc_service_publish_outcome (OcService *self, const char *json)
{
  g_return_if_fail (OC_IS_SERVICE (self));
  g_return_if_fail (json != NULL);
  oc_service_intakes_publish (self->intakes, json);
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  oc_service_stop (g_task_get_source_object (task));
  g_task_return_boolean (task, TRUE);
}

void
oc_service_stop_async (OcService *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (OC_IS_SERVICE (self));
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_service_stop_async);
  oc_service_intakes_release_async (self->intakes, on_released, task);
}

gboolean
oc_service_stop_finish (OcService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
oc_service_accept (OcService *self, OcSession *session, gboolean *known, GError **error)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    return oc_handoff_engine_submit (self->engine, session, known, error) != NULL;

  g_autoptr(OcSession) stored = NULL;
  if (!oc_store_accept (self->store, session, &stored, error))
    return FALSE;
  if (known)
    *known = stored != NULL;
  return TRUE;
}

static void
on_submitted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean *known = g_task_get_task_data (task);
  GError *error = NULL;
  if (oc_handoff_engine_submit_finish (OC_HANDOFF_ENGINE (source), result, known, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean *known = g_task_get_task_data (task);
  g_autoptr(OcSession) stored = NULL;
  GError *error = NULL;
  if (oc_store_accept_finish (OC_STORE (source), result, &stored, &error))
    {
      *known = stored != NULL;
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
oc_service_accept_async (OcService *self, OcSession *session, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_SERVICE (self));
  g_return_if_fail (session != NULL);

  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_service_accept_async);
  g_task_set_task_data (task, g_new0 (gboolean, 1), g_free);
  if (self->started)
    oc_handoff_engine_submit_async (self->engine, session, NULL, on_submitted, task);
  else
    oc_store_accept_async (self->store, session, NULL, on_stored, task);
}

gboolean
oc_service_accept_finish (OcService *self, GAsyncResult *result, gboolean *known, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  gboolean accepted = g_task_propagate_boolean (G_TASK (result), error);
  if (known)
    *known = accepted && *(gboolean *) g_task_get_task_data (G_TASK (result));
  return accepted;
}

OcHandoff *
oc_service_lookup (OcService *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);
  return self->started ? oc_handoff_engine_lookup (self->engine, session_id) : NULL;
}

gboolean
oc_service_retry (OcService *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);
  return self->started && oc_handoff_engine_retry (self->engine, session_id);
}

GPtrArray *
oc_service_list (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->started ? oc_handoff_engine_list (self->engine) : self->none;
}

OcStore *
oc_service_get_store (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->store;
}

OcConnection *
oc_service_get_connection (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->connection;
}

OcHandoffEngine *
oc_service_get_engine (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->engine;
}

OcWatcher *
oc_service_get_watcher (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->watcher;
}

OcRoster *
oc_service_get_roster (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->roster;
}

OcInbox *
oc_service_get_inbox (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->inbox;
}

OcOutbox *
oc_service_get_outbox (OcService *self)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  return self->outbox;
}

const char *
oc_service_get_alert (OcService *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_SERVICE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);
  return self->alerts ? oc_alerts_lookup (self->alerts, session_id) : NULL;
}
