/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-handoff-engine.h"

#include <glib/gi18n-lib.h>

#include "oc-handoff-engine-private.h"

#include "oc-error.h"
#include "oc-odata.h"

enum { SIGNAL_ADDED, SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcHandoffEngine, oc_handoff_engine, G_TYPE_OBJECT)


static void
on_handoff_changed (OcHandoff *handoff, gpointer user_data)
{
  OcHandoffEngine *self = user_data;
  if (!self->shut_down)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, handoff);
}

static void
oc_handoff_engine_dispose (GObject *object)
{
  OcHandoffEngine *self = OC_HANDOFF_ENGINE (object);
  oc_handoff_engine_shutdown (self);
  if (self->ordered)
    for (guint i = 0; i < self->ordered->len; i++)
      g_signal_handlers_disconnect_by_data (self->ordered->pdata[i], self);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->ordered, g_ptr_array_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->by_record, g_hash_table_unref);
  g_clear_pointer (&self->accepting, g_hash_table_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->case_queue_name, g_free);
  G_OBJECT_CLASS (oc_handoff_engine_parent_class)->dispose (object);
}

static void
oc_handoff_engine_class_init (OcHandoffEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_handoff_engine_dispose;

  oc_handoff_signals_install (G_OBJECT_CLASS (klass), &signals[SIGNAL_ADDED], &signals[SIGNAL_CHANGED]);
}

void
oc_handoff_signals_install (GObjectClass *klass, guint *added, guint *changed)
{
  g_return_if_fail (G_IS_OBJECT_CLASS (klass) && added != NULL && changed != NULL);
  *added = g_signal_new ("handoff-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                         G_TYPE_NONE, 1, OC_TYPE_HANDOFF);
  *changed = g_signal_new ("handoff-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                           G_TYPE_NONE, 1, OC_TYPE_HANDOFF);
}

static void
oc_handoff_engine_init (OcHandoffEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->ordered = g_ptr_array_new_with_free_func (g_object_unref);
  self->running = g_hash_table_new (g_direct_hash, g_direct_equal);   /* values: Job* (owned by itself) */
  self->by_record = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->accepting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}

OcHandoffEngine *
oc_handoff_engine_new (OcConnection *connection, OcStore *store)
{
  g_return_val_if_fail (OC_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (OC_IS_STORE (store), NULL);
  OcHandoffEngine *self = g_object_new (OC_TYPE_HANDOFF_ENGINE, NULL);
  self->connection = g_object_ref (connection);
  self->store = g_object_ref (store);
  return self;
}



static void
apply_queue_name (OcHandoffEngine *self)
{
  for (guint i = 0; i < self->ordered->len; i++)
    if (oc_handoff_get_path (self->ordered->pdata[i]) == OC_HANDOFF_PATH_CASE &&
        !oc_handoff_is_foreign (self->ordered->pdata[i]))
      oc_handoff_set_case_queue_name (self->ordered->pdata[i], self->case_queue_name);
}

static void
on_queue_name (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcHandoffEngine *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->shut_down)
    {
      self->fetching_queue_name = FALSE;
      const char *name = NULL;
      if (response)
        {
          OcJsonReader reader;
          oc_response_reader_init (&reader, response);
          name = oc_json_reader_string (&reader, "name");
          if (!oc_response_reader_finish (&reader, "GET queues", &error))
            name = NULL;
        }
      if (name)
        {
          self->case_queue_name = g_strdup (name);
          apply_queue_name (self);
        }
      else if (error)
        g_debug ("case queue name unavailable: %s", error->message);
    }
  g_object_unref (self);
}

/* One GET per sign-in, and only when a case is shown. */
static void
ensure_queue_name (OcHandoffEngine *self)
{
  const char *queue = oc_handoff_engine_settings (self)->case_queue_id;
  if (queue == NULL || self->fetching_queue_name || self->shut_down)
    return;
  if (self->case_queue_name)
    {
      apply_queue_name (self);
      return;
    }
  self->fetching_queue_name = TRUE;
  g_autofree char *path = oc_odata_entity_path ("queues", queue, "?$select=name");
  g_autoptr(OcRequest) request = oc_request_new ("GET", path);
  oc_request_set_retry (request, OC_RETRY_BOUNDED, 3);
  oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable,
                         on_queue_name, g_object_ref (self));
}

static OcHandoff *
track_handoff (OcHandoffEngine *self, OcHandoff *handoff)
{
  g_hash_table_insert (self->by_id, g_strdup (oc_handoff_get_id (handoff)), handoff);
  g_hash_table_insert (self->by_record, g_strdup (oc_handoff_get_record_id (handoff)), handoff);
  g_ptr_array_add (self->ordered, g_object_ref (handoff));
  g_signal_connect (handoff, "changed", G_CALLBACK (on_handoff_changed), self);
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, handoff);
  if (oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE && !oc_handoff_is_foreign (handoff))
    ensure_queue_name (self);
  return handoff;
}

static OcHandoff *
track (OcHandoffEngine *self, OcSession *session)
{
  return track_handoff (self, oc_handoff_new (session, oc_handoff_engine_settings (self)->environment));
}

OcHandoff *
oc_handoff_engine_track_foreign (OcHandoffEngine *self, const char *record_id, OcHandoffPath path,
                                 const char *subject)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  OcHandoff *handoff = g_hash_table_lookup (self->by_record, record_id);
  return handoff ? handoff : track_handoff (self, oc_handoff_new_foreign (record_id, path, subject));
}

OcHandoff *
oc_handoff_engine_lookup_record (OcHandoffEngine *self, const char *record_id)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  return g_hash_table_lookup (self->by_record, record_id);
}

OcHandoff *
oc_handoff_engine_submit (OcHandoffEngine *self, OcSession *session, gboolean *known, GError **error)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  const char *id = oc_session_get_id (session);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, id);

  if (known)
    *known = handoff != NULL;
  if (handoff)
    return handoff;

  /* Another intake or client may have stored it already: the first copy wins. */
  g_autoptr(OcSession) stored = oc_store_contains (self->store, id) ? oc_store_load (self->store, id, NULL) : NULL;
  if (stored)
    {
      if (known)
        *known = TRUE;
      handoff = track (self, stored);
    }
  else
    {
      if (!oc_store_save (self->store, session, error))
        return NULL;
      handoff = track (self, session);
    }
  oc_handoff_job_start (self, handoff);
  return handoff;
}

/* ---- accepting without waiting for the disk ---- */

/* The task data of a submit: whether the id was known before. */
typedef struct {
  gboolean known;
} Submit;

static void
finish_accepting (OcHandoffEngine *self, const char *id, OcHandoff *handoff, gboolean known, const GError *error)
{
  GPtrArray *waiting = NULL;
  g_autofree char *key = NULL;
  if (!g_hash_table_steal_extended (self->accepting, id, (gpointer *) &key, (gpointer *) &waiting))
    return;
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = waiting->pdata[i];
      Submit *submit = g_task_get_task_data (task);
      /* only the first caller brought it; the others found it known */
      submit->known = known || i > 0;
      if (handoff)
        g_task_return_pointer (task, g_object_ref (handoff), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
  g_ptr_array_unref (waiting);
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) first = user_data;
  OcHandoffEngine *self = g_task_get_source_object (first);
  OcSession *session = g_object_get_data (G_OBJECT (first), "oc-session");
  g_autoptr(OcSession) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = oc_session_get_id (session);

  gboolean accepted = oc_store_accept_finish (OC_STORE (source), result, &stored, &error);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, id);   /* a synchronous submit won the race */
  gboolean known = handoff != NULL || stored != NULL;
  if (accepted && handoff == NULL && !self->shut_down)
    {
      handoff = track (self, stored ? stored : session);
      oc_handoff_job_start (self, handoff);
    }
  else if (accepted && handoff == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("Stored; the handoff starts at the next sign-in"));
  finish_accepting (self, id, handoff, known, error);
}

void
oc_handoff_engine_submit_async (OcHandoffEngine *self, OcSession *session, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_HANDOFF_ENGINE (self));
  g_return_if_fail (session != NULL);

  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_handoff_engine_submit_async);
  Submit *submit = g_new0 (Submit, 1);
  g_task_set_task_data (task, submit, g_free);

  const char *id = oc_session_get_id (session);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, id);
  if (handoff)
    {
      submit->known = TRUE;
      g_task_return_pointer (task, g_object_ref (handoff), g_object_unref);
      return;
    }
  GPtrArray *waiting = g_hash_table_lookup (self->accepting, id);
  if (waiting)
    {
      g_ptr_array_add (waiting, g_object_ref (task));
      return;
    }
  waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiting, g_object_ref (task));
  g_hash_table_insert (self->accepting, g_strdup (id), waiting);
  g_object_set_data_full (G_OBJECT (task), "oc-session", oc_session_ref (session),
                          (GDestroyNotify) oc_session_unref);
  /* not cancellable: once the write started, the session is accepted */
  oc_store_accept_async (self->store, session, NULL, on_accepted, g_object_ref (task));
}

OcHandoff *
oc_handoff_engine_submit_finish (OcHandoffEngine *self, GAsyncResult *result, gboolean *known, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  Submit *submit = g_task_get_task_data (G_TASK (result));
  OcHandoff *handoff = g_task_propagate_pointer (G_TASK (result), error);
  if (known)
    *known = handoff && submit->known;
  if (handoff)
    g_object_unref (handoff);   /* the engine keeps tracking it: borrowed, as from submit */
  return handoff;
}

void
oc_handoff_engine_resume (OcHandoffEngine *self)
{
  g_return_if_fail (OC_IS_HANDOFF_ENGINE (self));
  g_autoptr(GPtrArray) sessions = oc_store_list (self->store);

  for (guint i = 0; i < sessions->len; i++)
    {
      OcSession *session = sessions->pdata[i];
      OcHandoff *handoff = g_hash_table_lookup (self->by_id, oc_session_get_id (session));
      if (handoff == NULL)
        handoff = track (self, session);
      if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_PENDING)
        oc_handoff_job_start (self, handoff);
    }
}

gboolean
oc_handoff_engine_retry (OcHandoffEngine *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, session_id);
  if (handoff == NULL || oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_FAILED)
    return FALSE;
  oc_handoff_job_start (self, handoff);
  return TRUE;
}

OcHandoff *
oc_handoff_engine_lookup (OcHandoffEngine *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);
  return g_hash_table_lookup (self->by_id, session_id);
}

GPtrArray *
oc_handoff_engine_list (OcHandoffEngine *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), NULL);
  return self->ordered;
}

void
oc_handoff_engine_forget (OcHandoffEngine *self, const char *session_id)
{
  g_return_if_fail (OC_IS_HANDOFF_ENGINE (self));
  g_return_if_fail (session_id != NULL);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, session_id);
  if (handoff == NULL || g_hash_table_contains (self->running, handoff))
    return;
  g_signal_handlers_disconnect_by_data (handoff, self);
  g_hash_table_remove (self->by_record, oc_handoff_get_record_id (handoff));
  g_ptr_array_remove (self->ordered, handoff);
  g_hash_table_remove (self->by_id, session_id);
}

gboolean
oc_handoff_engine_is_busy (OcHandoffEngine *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (self), FALSE);
  return g_hash_table_size (self->running) > 0;
}

void
oc_handoff_engine_shutdown (OcHandoffEngine *self)
{
  g_return_if_fail (OC_IS_HANDOFF_ENGINE (self));
  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  g_cancellable_cancel (self->cancellable);

  oc_handoff_jobs_shutdown (self);
}
