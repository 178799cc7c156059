/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-service-intakes.h"

#include <glib/gi18n-lib.h>

#include "oc-error.h"
#ifdef OC_HAVE_AMQP
#include "oc-amqp-intake-private.h"
#endif

/* A directory intake besides the store's own inbox. */
typedef struct {
  OcStore *store;   /* DIR/inbox in, DIR/rejected for refused documents */
  OcInbox *inbox;   /* while started */
} Drop;

struct _OcServiceIntakes {
  OcService *service;
  GPtrArray *drops;    /* Drop* */
  GPtrArray *queues;   /* OcAmqpIntake* */
  gboolean   started;
};

static void
drop_free (gpointer data)
{
  Drop *drop = data;
  g_clear_object (&drop->inbox);
  g_clear_object (&drop->store);
  g_free (drop);
}

OcServiceIntakes *
oc_service_intakes_new (OcService *service)
{
  OcServiceIntakes *self = g_new0 (OcServiceIntakes, 1);
  self->service = service;
  self->drops = g_ptr_array_new_with_free_func (drop_free);
  self->queues = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

void
oc_service_intakes_free (OcServiceIntakes *self)
{
  if (self == NULL)
    return;
  oc_service_intakes_stop (self);
  for (guint i = 0; i < self->drops->len; i++)
    g_signal_handlers_disconnect_by_data (((Drop *) self->drops->pdata[i])->store, self);
  for (guint i = 0; i < self->queues->len; i++)
    g_signal_handlers_disconnect_by_data (self->queues->pdata[i], self);
  g_ptr_array_unref (self->drops);
  g_ptr_array_unref (self->queues);
  g_free (self);
}

/* ---- directories ---- */

static void
on_rejected (OcStore *store, const char *name, const char *reason, gpointer user_data)
{
  OcServiceIntakes *self = user_data;
  g_signal_emit_by_name (self->service, "rejected", name, reason);
}

static gboolean
start_drop (Drop *drop, OcHandoffEngine *engine, GError **error)
{
  drop->inbox = oc_inbox_new (drop->store, engine);
  if (oc_inbox_start (drop->inbox, error))
    return TRUE;
  g_clear_object (&drop->inbox);
  return FALSE;
}

gboolean
oc_service_intakes_add_dir (OcServiceIntakes *self, const char *dir, OcHandoffEngine *engine, GError **error)
{
  OcStore *store = oc_store_new (dir, error);
  if (store == NULL)
    return FALSE;
  Drop *drop = g_new0 (Drop, 1);
  drop->store = store;
  g_signal_connect (store, "rejected", G_CALLBACK (on_rejected), self);
  g_ptr_array_add (self->drops, drop);
  return engine == NULL || start_drop (drop, engine, error);
}

/* ---- queues ---- */

#ifdef OC_HAVE_AMQP
static void
on_queue_settled (OcAmqpIntake *intake, const char *session_id, const char *outcome, const char *reason,
                  gpointer user_data)
{
  OcServiceIntakes *self = user_data;
  g_signal_emit_by_name (self->service, "queue-settled", session_id, outcome, reason);
}

static void
on_queue_connection (OcAmqpIntake *intake, gboolean up, const char *detail, gpointer user_data)
{
  OcServiceIntakes *self = user_data;
  g_signal_emit_by_name (self->service, "queue-connection", up, detail);
}

static void
on_queue_failed (OcAmqpIntake *intake, GError *error, gpointer user_data)
{
  OcServiceIntakes *self = user_data;
  g_signal_emit_by_name (self->service, "queue-failed", error);
}
#endif

gboolean
oc_service_intakes_add_queue (OcServiceIntakes *self, const OcAmqpIntakeOptions *options, gboolean start,
                              GError **error)
{
#ifdef OC_HAVE_AMQP
  OcAmqpIntake *intake = oc_amqp_intake_new (self->service, options, error);
  if (intake == NULL)
    return FALSE;
  g_signal_connect (intake, "settled", G_CALLBACK (on_queue_settled), self);
  g_signal_connect (intake, "connection", G_CALLBACK (on_queue_connection), self);
  g_signal_connect (intake, "failed", G_CALLBACK (on_queue_failed), self);
  g_ptr_array_add (self->queues, intake);
  if (start)
    oc_amqp_intake_start (intake);
  return TRUE;
#else
  g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                       _("This omnichannel was built without AMQP support (meson -Damqp=enabled, "
                         "libqpid-proton11-dev): a queue cannot be used"));
  return FALSE;
#endif
}

guint
oc_service_intakes_get_held (OcServiceIntakes *self)
{
  guint held = 0;
#ifdef OC_HAVE_AMQP
  for (guint i = 0; i < self->queues->len; i++)
    held += oc_amqp_intake_get_held (self->queues->pdata[i]);
#endif
  return held;
}

void
oc_service_intakes_publish (OcServiceIntakes *self, const char *json)
{
#ifdef OC_HAVE_AMQP
  for (guint i = 0; i < self->queues->len; i++)
    oc_amqp_intake_publish (self->queues->pdata[i], json);
#endif
}

/* ---- all of them ---- */

gboolean
oc_service_intakes_start (OcServiceIntakes *self, OcHandoffEngine *engine, GError **error)
{
  gboolean ok = TRUE;
  self->started = TRUE;
  for (guint i = 0; i < self->drops->len; i++)
    ok = start_drop (self->drops->pdata[i], engine, ok ? error : NULL) && ok;
#ifdef OC_HAVE_AMQP
  for (guint i = 0; i < self->queues->len; i++)
    oc_amqp_intake_start (self->queues->pdata[i]);
#endif
  return ok;
}

void
oc_service_intakes_stop (OcServiceIntakes *self)
{
  self->started = FALSE;
#ifdef OC_HAVE_AMQP
  for (guint i = 0; i < self->queues->len; i++)
    oc_amqp_intake_stop (self->queues->pdata[i]);
#endif
  for (guint i = 0; i < self->drops->len; i++)
    {
      Drop *drop = self->drops->pdata[i];
      if (drop->inbox)
        oc_inbox_stop (drop->inbox);
      g_clear_object (&drop->inbox);
    }
}

#ifdef OC_HAVE_AMQP
static void
on_queue_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *pending = g_task_get_task_data (task);
  oc_amqp_intake_stop_finish (OC_AMQP_INTAKE (source), result, NULL);
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}
#endif

void
oc_service_intakes_release_async (OcServiceIntakes *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, oc_service_intakes_release_async);
  guint *pending = g_new0 (guint, 1);
  g_task_set_task_data (task, pending, g_free);
#ifdef OC_HAVE_AMQP
  if (self->started && self->queues->len > 0)
    {
      *pending = self->queues->len;
      for (guint i = 0; i < self->queues->len; i++)
        oc_amqp_intake_stop_async (self->queues->pdata[i], NULL, on_queue_released, g_object_ref (task));
      return;
    }
#endif
  g_task_return_boolean (task, TRUE);
}
