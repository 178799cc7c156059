/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-store-async.c — the store's writes without the main loop waiting for
 * the disk: the session is validated and serialised on the caller's thread,
 * the durable write (oc_store_write_durably) runs in a GTask thread. */
#include "oc-store.h"

#include "oc-store-private.h"

/* Both asynchronous calls return a pointer: SAVED, or (accept) the stored
 * copy that wins. */
#define SAVED GINT_TO_POINTER (1)

/* What the thread of an asynchronous save gets: plain bytes and paths, so
 * that nothing shared (the session, the store) is touched off the main loop. */
typedef struct {
  char  *dir;
  char  *name;
  char  *data;
  gsize  length;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;
  g_free (job->dir);
  g_free (job->name);
  g_free (job->data);
  g_free (job);
}

static void
save_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;
  if (oc_store_write_durably (job->dir, job->name, job->data, job->length, &error))
    g_task_return_pointer (task, SAVED, NULL);
  else
    g_task_return_error (task, error);
}

/* Validates and serialises here; writes in a thread. */
static void
save_async (OcStore *self, OcSession *session, GTask *task)
{
  GError *error = NULL;
  if (!oc_session_check (session, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  SaveJob *job = g_new0 (SaveJob, 1);
  job->dir = g_strdup (oc_store_get_sessions_dir (self));
  job->name = oc_store_file_name (oc_session_get_id (session));
  job->data = oc_session_to_json (session, &job->length);
  g_task_set_task_data (task, job, save_job_free);
  g_task_run_in_thread (task, save_in_thread);
}

void
oc_store_save_async (OcStore *self, OcSession *session, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_STORE (self) && session != NULL);

  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_store_save_async);
  save_async (self, session, task);
}

gboolean
oc_store_save_finish (OcStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_pointer (G_TASK (result), error) == SAVED;
}

void
oc_store_accept_async (OcStore *self, OcSession *session, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_STORE (self) && session != NULL);

  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_store_accept_async);
  OcSession *existing = oc_store_load_existing (self, session);
  if (existing)
    {
      g_task_return_pointer (task, existing, (GDestroyNotify) oc_session_unref);
      return;
    }
  save_async (self, session, task);
}

gboolean
oc_store_accept_finish (OcStore *self, GAsyncResult *result, OcSession **stored, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (stored)
    *stored = NULL;
  GError *local = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (value == SAVED)
    return TRUE;
  if (stored)
    *stored = value;
  else
    oc_session_unref (value);
  return TRUE;
}

