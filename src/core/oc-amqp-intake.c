/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-intake.c — the intake's connection side: options, the links,
 * credit, reconnecting, outcome events and stopping. What becomes of each
 * message is in oc-amqp-deliveries.c. */
#include "oc-amqp-intake-private.h"

#include <glib/gi18n-lib.h>

#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/event.h>
#include <proton/session.h>
#include <proton/terminus.h>
#include <proton/transport.h>
#include <string.h>

#include "oc-amqp-message.h"
#include "oc-backoff.h"
#include "oc-error.h"

#define OUTBOX_MAX 10000
#define STOP_TIMEOUT_MS 5000

guint oc_amqp_intake_signals[OC_AMQP_N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcAmqpIntake, oc_amqp_intake, G_TYPE_OBJECT)

static const OcBackoff reconnect_backoff = { 1000, 30000 };

static void connect_now (OcAmqpIntake *self);

static void
drop_connection (OcAmqpIntake *self)
{
  oc_amqp_deliveries_forget_all (self);
  self->receiver = NULL;
  self->sender = NULL;
  self->link_up = FALSE;
  g_clear_pointer (&self->driver, oc_amqp_driver_free);
}

static void
oc_amqp_intake_dispose (GObject *object)
{
  OcAmqpIntake *self = OC_AMQP_INTAKE (object);
  if (self->service)
    oc_amqp_deliveries_detach (self);
  drop_connection (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  g_clear_object (&self->stop_task);
  self->service = NULL;
  G_OBJECT_CLASS (oc_amqp_intake_parent_class)->dispose (object);
}

static void
oc_amqp_intake_finalize (GObject *object)
{
  OcAmqpIntake *self = OC_AMQP_INTAKE (object);
  oc_amqp_url_clear (&self->url);
  if (self->password)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->user);
  g_free (self->queue);
  g_free (self->outcomes);
  g_clear_error (&self->fatal);
  g_ptr_array_unref (self->held);
  g_hash_table_unref (self->reading);
  g_queue_clear_full (&self->outbox, g_free);
  G_OBJECT_CLASS (oc_amqp_intake_parent_class)->finalize (object);
}

static void
oc_amqp_intake_class_init (OcAmqpIntakeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = oc_amqp_intake_dispose;
  object_class->finalize = oc_amqp_intake_finalize;

  oc_amqp_intake_signals[OC_AMQP_SIGNAL_SETTLED] =
    g_signal_new ("settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  oc_amqp_intake_signals[OC_AMQP_SIGNAL_CONNECTION] =
    g_signal_new ("connection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
  oc_amqp_intake_signals[OC_AMQP_SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
oc_amqp_intake_init (OcAmqpIntake *self)
{
  self->held = g_ptr_array_new ();
  self->reading = g_hash_table_new_full (NULL, NULL, NULL, oc_amqp_incoming_free);
  g_queue_init (&self->outbox);
}

static gboolean
valid_address (const char *address)
{
  return address && *address && strlen (address) <= 1024 && g_utf8_validate (address, -1, NULL);
}

OcAmqpIntake *
oc_amqp_intake_new (OcService *service, const OcAmqpIntakeOptions *options, GError **error)
{
  g_return_val_if_fail (OC_IS_SERVICE (service), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  gboolean with_password = options->user && *options->user;
  OcAmqpUrl url;
  if (!oc_amqp_url_parse (options->url, with_password, &url, error))
    return NULL;
  if (!valid_address (options->queue) || (options->outcomes && !valid_address (options->outcomes)))
    {
      oc_amqp_url_clear (&url);
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, valid_address (options->queue)
                           ? _("--outcomes: give the address to publish outcome events to")
                           : _("--queue: give the queue's address (the queue name on Service Bus, /queue/NAME "
                             "on RabbitMQ 3.x)"));
      return NULL;
    }
  if (with_password && (options->password == NULL || *options->password == '\0'))
    {
      oc_amqp_url_clear (&url);
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, _("no AMQP password for user “%s”: set "
                   "OMNICHANNEL_AMQP_PASSWORD or --amqp-password-file"), options->user);
      return NULL;
    }

  OcAmqpIntake *self = g_object_new (OC_TYPE_AMQP_INTAKE, NULL);
  self->service = service;
  self->url = url;
  self->user = with_password ? g_strdup (options->user) : NULL;
  self->password = with_password ? g_strdup (options->password) : NULL;
  self->queue = g_strdup (options->queue);
  self->outcomes = g_strdup (options->outcomes);
  self->max_unsettled = options->max_unsettled ? options->max_unsettled : OC_AMQP_INTAKE_DEFAULT_UNSETTLED;
  self->release_after = options->release_after ? options->release_after : OC_AMQP_INTAKE_DEFAULT_RELEASE_AFTER;
  oc_amqp_deliveries_attach (self);
  return self;
}

guint
oc_amqp_intake_get_held (OcAmqpIntake *self)
{
  g_return_val_if_fail (OC_IS_AMQP_INTAKE (self), 0);
  return self->held->len;
}

/* Credit = free capacity: what is held or being read counts against it. */
void
oc_amqp_intake_update_credit (OcAmqpIntake *self)
{
  if (self->receiver == NULL || !self->link_up || self->stopping)
    return;
  guint busy = self->held->len + g_hash_table_size (self->reading);
  int want = busy >= self->max_unsettled ? 0 : (int) (self->max_unsettled - busy);
  int credit = pn_link_credit (self->receiver) + pn_link_queued (self->receiver);
  if (want > credit)
    pn_link_flow (self->receiver, want - credit);
}

/* ---- outcome events ---- */

static void
send_outbox (OcAmqpIntake *self)
{
  if (self->sender == NULL || !(pn_link_state (self->sender) & PN_REMOTE_ACTIVE))
    return;
  while (!g_queue_is_empty (&self->outbox) && pn_link_credit (self->sender) > 0)
    {
      g_autofree char *text = g_queue_pop_head (&self->outbox);
      gsize length = 0;
      g_autofree char *encoded = oc_amqp_message_encode_json (text, &length);
      if (encoded == NULL)
        continue;
      guint64 tag = self->next_tag++;
      pn_delivery (self->sender, pn_dtag ((const char *) &tag, sizeof tag));
      pn_link_send (self->sender, encoded, length);
      pn_link_advance (self->sender);
    }
}

void
oc_amqp_intake_publish (OcAmqpIntake *self, const char *json)
{
  g_return_if_fail (OC_IS_AMQP_INTAKE (self));
  g_return_if_fail (json != NULL);
  if (self->outcomes == NULL)
    return;
  /* Offline for long: the oldest events go first (the store keeps the truth). */
  while (g_queue_get_length (&self->outbox) >= OUTBOX_MAX)
    g_free (g_queue_pop_head (&self->outbox));
  g_queue_push_tail (&self->outbox, g_strdup (json));
  if (self->driver)
    {
      send_outbox (self);
      oc_amqp_driver_flush (self->driver);
    }
}

/* ---- the connection ---- */

static gboolean
is_fatal_condition (const char *name)
{
  return g_strcmp0 (name, "amqp:unauthorized-access") == 0 || g_strcmp0 (name, "amqp:not-found") == 0 ||
         g_strcmp0 (name, "amqp:not-allowed") == 0;
}

static void
open_links (OcAmqpIntake *self, pn_connection_t *connection)
{
  pn_connection_open (connection);
  pn_session_t *session = pn_session (connection);
  pn_session_open (session);

  self->receiver = pn_receiver (session, "omnichannel-intake");
  pn_terminus_set_address (pn_link_source (self->receiver), self->queue);
  /* Unsettled until we say: peek-lock on Service Bus. */
  pn_link_set_snd_settle_mode (self->receiver, PN_SND_UNSETTLED);
  pn_link_set_rcv_settle_mode (self->receiver, PN_RCV_FIRST);
  pn_link_open (self->receiver);

  if (self->outcomes)
    {
      self->sender = pn_sender (session, "omnichannel-outcomes");
      pn_terminus_set_address (pn_link_target (self->sender), self->outcomes);
      pn_link_open (self->sender);
    }
}

/* Remembers why the broker refused (reported once the connection is gone). */
static void
note_refusal (OcAmqpIntake *self, pn_condition_t *condition, const char *what)
{
  if (self->fatal || condition == NULL || !pn_condition_is_set (condition))
    return;
  g_autofree char *text = oc_amqp_condition_describe (condition);
  if (is_fatal_condition (pn_condition_get_name (condition)))
    self->fatal = g_error_new (OC_ERROR, OC_ERROR_INVALID_SETTINGS, "%s %s:%u refused %s%s%s: %s",
                               self->url.tls ? "amqps" : "amqp", self->url.host, self->url.port, what,
                               self->user ? " for user " : "", self->user ? self->user : "", text);
  else
    g_debug ("AMQP %s closed: %s", what, text);
}

static void
on_event (pn_event_t *event, gpointer user_data)
{
  OcAmqpIntake *self = user_data;
  pn_link_t *link = pn_event_link (event);

  switch (pn_event_type (event))
    {
    case PN_CONNECTION_INIT:
      open_links (self, pn_event_connection (event));
      break;
    case PN_LINK_REMOTE_OPEN:
      if (link == self->receiver)
        {
          /* A broker that refuses the address attaches with no source, then detaches with the error. */
          if (pn_terminus_get_address (pn_link_remote_source (link)) == NULL &&
              pn_terminus_get_type (pn_link_remote_source (link)) == PN_UNSPECIFIED)
            break;
          self->link_up = TRUE;
          self->attempt = 0;
          g_autofree char *detail = g_strdup_printf ("consuming %s on %s:%u%s%s", self->queue, self->url.host,
                                                     self->url.port, self->user ? " as " : " (anonymous)",
                                                     self->user ? self->user : "");
          g_signal_emit (self, oc_amqp_intake_signals[OC_AMQP_SIGNAL_CONNECTION], 0, TRUE, detail);
          oc_amqp_intake_update_credit (self);
        }
      break;
    case PN_LINK_FLOW:
      if (link == self->sender)
        send_outbox (self);
      break;
    case PN_DELIVERY:
      if (pn_link_is_receiver (link))
        oc_amqp_deliveries_readable (self, pn_event_delivery (event));
      else if (pn_delivery_updated (pn_event_delivery (event)))
        pn_delivery_settle (pn_event_delivery (event));   /* at least once into the outcomes address */
      break;
    case PN_LINK_REMOTE_CLOSE:
    case PN_LINK_REMOTE_DETACH:
      {
        gboolean is_receiver = link == self->receiver;
        note_refusal (self, pn_link_remote_condition (link), is_receiver ? "the queue link" : "the outcomes link");
        if (link == self->receiver || link == self->sender)
          pn_connection_close (pn_event_connection (event));
      }
      break;
    case PN_SESSION_REMOTE_CLOSE:
      note_refusal (self, pn_session_remote_condition (pn_event_session (event)), "the session");
      pn_connection_close (pn_event_connection (event));
      break;
    case PN_CONNECTION_REMOTE_CLOSE:
      note_refusal (self, pn_connection_remote_condition (pn_event_connection (event)), "the connection");
      pn_connection_close (pn_event_connection (event));
      break;
    case PN_TRANSPORT_ERROR:
      note_refusal (self, pn_transport_condition (pn_event_transport (event)), "the sign-in");
      break;
    default:
      break;
    }
}

/* The stop in flight (if any) is over. */
static void
stop_done (OcAmqpIntake *self)
{
  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  GTask *task = g_steal_pointer (&self->stop_task);
  if (task == NULL)
    return;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  OcAmqpIntake *self = user_data;
  self->stop_timeout_id = 0;
  drop_connection (self);
  stop_done (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_reconnect (gpointer user_data)
{
  OcAmqpIntake *self = user_data;
  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
on_closed (const GError *error, gpointer user_data)
{
  OcAmqpIntake *self = user_data;
  g_autofree char *why = g_strdup (error ? error->message : "closed");
  drop_connection (self);

  if (self->stopping)
    {
      stop_done (self);
      return;
    }
  if (self->fatal)
    {
      self->failed = TRUE;
      g_autoptr(GError) fatal = g_steal_pointer (&self->fatal);
      g_signal_emit (self, oc_amqp_intake_signals[OC_AMQP_SIGNAL_FAILED], 0, fatal);
      return;
    }
  self->attempt++;
  guint delay = oc_backoff_delay_ms (&reconnect_backoff, self->attempt);
  g_autofree char *detail = g_strdup_printf ("%s; reconnecting in %.1f s", why, delay / 1000.0);
  g_signal_emit (self, oc_amqp_intake_signals[OC_AMQP_SIGNAL_CONNECTION], 0, FALSE, detail);
  self->reconnect_id = g_timeout_add (delay, on_reconnect, self);
}

static void
connect_now (OcAmqpIntake *self)
{
  self->driver = oc_amqp_driver_new (&self->url, self->user, self->password, on_event, on_closed, self);
  oc_amqp_driver_connect (self->driver);
}

void
oc_amqp_intake_start (OcAmqpIntake *self)
{
  g_return_if_fail (OC_IS_AMQP_INTAKE (self));
  g_return_if_fail (self->driver == NULL && self->stop_task == NULL);
  self->started = TRUE;
  self->stopping = FALSE;
  self->failed = FALSE;
  self->attempt = 0;
  g_clear_error (&self->fatal);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  connect_now (self);
}

/* Releases what is held, sends what waits, and says goodbye. */
static void
begin_close (OcAmqpIntake *self)
{
  self->stopping = TRUE;
  oc_amqp_deliveries_release_all (self);
  send_outbox (self);
  if (self->receiver)
    pn_link_close (self->receiver);
  if (self->sender)
    pn_link_close (self->sender);
  pn_connection_close (oc_amqp_driver_get_connection (self->driver));
}

void
oc_amqp_intake_stop_async (OcAmqpIntake *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (OC_IS_AMQP_INTAKE (self));
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_amqp_intake_stop_async);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  /* Not attached yet: nothing is held, nothing to release. */
  if (self->stopping || self->driver == NULL || !self->link_up)
    {
      self->stopping = TRUE;
      drop_connection (self);
      stop_done (self);   /* one in flight is over too */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  begin_close (self);
  self->stop_task = task;
  self->stop_timeout_id = g_timeout_add (STOP_TIMEOUT_MS, on_stop_timeout, self);
  oc_amqp_driver_flush (self->driver);
}

void
oc_amqp_intake_stop (OcAmqpIntake *self)
{
  g_return_if_fail (OC_IS_AMQP_INTAKE (self));
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->driver && self->link_up && !self->stopping)
    {
      begin_close (self);
      oc_amqp_driver_flush (self->driver);
    }
  self->stopping = TRUE;
  drop_connection (self);
  stop_done (self);
}

gboolean
oc_amqp_intake_stop_finish (OcAmqpIntake *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
