/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-deliveries.c — what becomes of each message: read it whole
 * (bounded), turn it into a session, accept it through the service's one
 * door (validated, stored durably), and settle it when the handoff's fate
 * is known. */
#include "oc-amqp-intake-private.h"

#include <proton/condition.h>
#include <proton/disposition.h>

#include "oc-amqp-message.h"
#include "oc-error.h"

/* A delivery being read: its bytes so far (bounded). */
typedef struct {
  GByteArray *data;
  gboolean    oversized;
} Incoming;

static void
held_free (OcAmqpHeld *held)
{
  g_clear_object (&held->handoff);
  g_clear_object (&held->accepting);
  g_clear_pointer (&held->session, oc_session_unref);
  g_free (held);
}

/* ---- the service seam: every service call of this intake is here ---- */

static void on_handoff_changed (OcService *service, OcHandoff *handoff, gpointer user_data);
static void on_accepted (GObject *source, GAsyncResult *result, gpointer user_data);

void
oc_amqp_deliveries_attach (OcAmqpIntake *self)
{
  self->changed_id = g_signal_connect (self->service, "handoff-changed", G_CALLBACK (on_handoff_changed), self);
}

void
oc_amqp_deliveries_detach (OcAmqpIntake *self)
{
  g_clear_signal_handler (&self->changed_id, self->service);
}

static void
service_accept (OcAmqpIntake *self, OcSession *session, OcAmqpHeld *held)
{
  held->accepting = g_cancellable_new ();
  oc_service_accept_async (self->service, session, held->accepting, on_accepted, held);
}

static OcHandoff *
service_lookup (OcAmqpIntake *self, const char *session_id)
{
  return oc_service_lookup (self->service, session_id);
}

/* ---- settling ---- */

static void
settle (OcAmqpIntake *self, pn_delivery_t *delivery, const char *session_id, uint64_t outcome,
        const char *condition, const char *reason)
{
  if (outcome == PN_REJECTED)
    {
      pn_condition_t *error = pn_disposition_condition (pn_delivery_local (delivery));
      pn_condition_set_name (error, condition);
      pn_condition_set_description (error, reason);
    }
  pn_delivery_update (delivery, outcome);
  pn_delivery_settle (delivery);
  const char *name = outcome == PN_ACCEPTED ? "accepted" : outcome == PN_REJECTED ? "rejected" : "released";
  g_signal_emit (self, oc_amqp_intake_signals[OC_AMQP_SIGNAL_SETTLED], 0, session_id, name, reason);
}

/* Two documents are the same session when they agree on everything but
 * what we write (meta) or keep aside untrusted (meta_received). */
static gboolean
same_document (OcSession *a, OcSession *b)
{
  JsonNode *nodes[2] = { NULL, NULL };
  OcSession *sessions[2] = { a, b };
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *text = oc_session_to_json (sessions[i], NULL);
      nodes[i] = json_from_string (text, NULL);
      if (nodes[i] && JSON_NODE_HOLDS_OBJECT (nodes[i]))
        {
          json_object_remove_member (json_node_get_object (nodes[i]), "meta");
          json_object_remove_member (json_node_get_object (nodes[i]), "meta_received");
        }
    }
  gboolean same = nodes[0] && nodes[1] && json_node_equal (nodes[0], nodes[1]);
  g_clear_pointer (&nodes[0], json_node_unref);
  g_clear_pointer (&nodes[1], json_node_unref);
  return same;
}

/* The handoff's fate decides the message's: TRUE if it was settled.
 * @attempts_at_take: the handoff's attempts when this message was taken;
 * the message is released only after release_after more of them, so a
 * message of a handoff that keeps failing is not bounced between
 * consumers at the broker's speed while Dynamics is down. */
static gboolean
settle_by_handoff (OcAmqpIntake *self, pn_delivery_t *delivery, OcHandoff *handoff, guint attempts_at_take)
{
  const char *id = oc_handoff_get_id (handoff);
  const GError *error = oc_handoff_get_error (handoff);
  switch (oc_handoff_get_phase (handoff))
    {
    case OC_HANDOFF_PHASE_CREATED:
      settle (self, delivery, id, PN_ACCEPTED, NULL, NULL);
      return TRUE;
    case OC_HANDOFF_PHASE_FAILED:
      if (error && oc_error_get_kind (error) == OC_ERROR_KIND_PERMANENT)
        {
          g_autofree char *reason = g_strdup_printf ("Dynamics refused the record: %s", error->message);
          settle (self, delivery, id, PN_REJECTED, OC_AMQP_CONDITION_FAILED, reason);
        }
      else   /* settings or permissions: not this message's fault, another consumer may do better */
        settle (self, delivery, id, PN_RELEASED, NULL, error ? error->message : NULL);
      return TRUE;
    case OC_HANDOFF_PHASE_PENDING:
    default:
      if (oc_handoff_get_retry_at (handoff) != 0 &&
          oc_handoff_get_attempts (handoff) >= attempts_at_take + self->release_after)
        {
          settle (self, delivery, id, PN_RELEASED, NULL, error ? error->message : "still retrying");
          return TRUE;
        }
      return FALSE;
    }
}

static void
take_message (OcAmqpIntake *self, pn_delivery_t *delivery, Incoming *incoming)
{
  g_autoptr(GError) error = NULL;
  if (incoming->oversized)
    {
      g_autofree char *reason = g_strdup_printf ("message: over %d bytes (a session document is at most %d)",
                                                 OC_AMQP_MESSAGE_MAX_BYTES, OC_SESSION_MAX_BYTES);
      settle (self, delivery, NULL, PN_REJECTED, OC_AMQP_CONDITION_INVALID, reason);
      return;
    }
  g_autoptr(OcSession) session = oc_amqp_message_to_session ((const char *) incoming->data->data,
                                                             incoming->data->len, &error);
  if (session == NULL)
    {
      settle (self, delivery, NULL, PN_REJECTED, OC_AMQP_CONDITION_INVALID, error->message);
      return;
    }
  /* Held (it counts against the credit) while the service makes it durable. */
  OcAmqpHeld *held = g_new0 (OcAmqpHeld, 1);
  held->intake = self;
  held->delivery = delivery;
  held->session = oc_session_ref (session);
  g_ptr_array_add (self->held, held);
  service_accept (self, session, held);
}

/* The service has answered: durable (then the handoff decides), or not. */
static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcAmqpHeld *held = user_data;
  g_autoptr(GError) error = NULL;
  gboolean known = FALSE;
  gboolean accepted = oc_service_accept_finish (OC_SERVICE (source), result, &known, &error);
  OcAmqpIntake *self = held->intake;
  if (self == NULL)   /* its connection went meanwhile: the broker gives it to a consumer again */
    {
      held_free (held);
      return;
    }
  g_clear_object (&held->accepting);
  pn_delivery_t *delivery = held->delivery;
  const char *id = oc_session_get_id (held->session);
  OcHandoff *handoff = accepted ? service_lookup (self, id) : NULL;
  gboolean settled = TRUE;

  if (!accepted && g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_INPUT))
    settle (self, delivery, id, PN_REJECTED, OC_AMQP_CONDITION_INVALID, error->message);
  else if (!accepted)   /* the disk: not this message's fault */
    settle (self, delivery, id, PN_RELEASED, NULL, error->message);
  else if (handoff == NULL)   /* stored, but the service stopped meanwhile */
    settle (self, delivery, id, PN_RELEASED, NULL, "stored; the handoff starts at the next start");
  else if (known && !same_document (oc_handoff_get_session (handoff), held->session))
    {
      g_autofree char *reason = g_strdup_printf ("id: session “%s” was already received with different "
                                                 "content; the first one stands (conflict)", id);
      settle (self, delivery, id, PN_REJECTED, OC_AMQP_CONDITION_CONFLICT, reason);
    }
  else
    {
      held->handoff = g_object_ref (handoff);
      held->attempts_at_take = oc_handoff_get_attempts (handoff);
      settled = settle_by_handoff (self, delivery, handoff, held->attempts_at_take);
    }
  if (!settled)
    return;
  g_ptr_array_remove (self->held, held);
  held_free (held);
  oc_amqp_intake_update_credit (self);
  if (self->driver)
    oc_amqp_driver_flush (self->driver);
}

void
oc_amqp_incoming_free (gpointer data)
{
  Incoming *incoming = data;
  g_byte_array_unref (incoming->data);
  g_free (incoming);
}

void
oc_amqp_deliveries_readable (OcAmqpIntake *self, pn_delivery_t *delivery)
{
  if (!pn_delivery_readable (delivery) && !pn_delivery_aborted (delivery))
    return;
  pn_link_t *link = pn_delivery_link (delivery);
  /* pn_link_recv reads the link's current delivery: never mix two up. */
  if (pn_link_current (link) != delivery)
    return;
  Incoming *incoming = g_hash_table_lookup (self->reading, delivery);
  if (incoming == NULL)
    {
      incoming = g_new0 (Incoming, 1);
      incoming->data = g_byte_array_new ();
      g_hash_table_insert (self->reading, delivery, incoming);
    }
  if (pn_delivery_aborted (delivery))
    {
      g_hash_table_remove (self->reading, delivery);
      pn_delivery_settle (delivery);
      oc_amqp_intake_update_credit (self);
      return;
    }

  char chunk[16384];
  ssize_t n;
  while ((n = pn_link_recv (link, chunk, sizeof chunk)) > 0)
    {
      /* Read past the bound only to discard: memory stays bounded. */
      if (incoming->data->len + (gsize) n > OC_AMQP_MESSAGE_MAX_BYTES)
        incoming->oversized = TRUE;
      else
        g_byte_array_append (incoming->data, (const guint8 *) chunk, (guint) n);
    }
  if (pn_delivery_partial (delivery))
    return;

  g_hash_table_steal (self->reading, delivery);
  pn_link_advance (link);
  if (self->stopping)
    settle (self, delivery, NULL, PN_RELEASED, NULL, "shutting down");
  else
    take_message (self, delivery, incoming);
  oc_amqp_incoming_free (incoming);
  oc_amqp_intake_update_credit (self);
}

static void
on_handoff_changed (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  OcAmqpIntake *self = user_data;
  gboolean any = FALSE;
  for (guint i = 0; i < self->held->len;)
    {
      OcAmqpHeld *held = self->held->pdata[i];
      if (held->handoff == handoff && settle_by_handoff (self, held->delivery, handoff, held->attempts_at_take))
        {
          g_ptr_array_remove_index (self->held, i);
          held_free (held);
          any = TRUE;
        }
      else
        i++;
    }
  if (any)
    {
      oc_amqp_intake_update_credit (self);
      if (self->driver)
        oc_amqp_driver_flush (self->driver);
    }
}

/* Its delivery is settled or gone. One whose accept is still in flight is
 * left to its callback, which only frees it. */
static void
let_go (OcAmqpHeld *held)
{
  if (held->accepting == NULL)
    {
      held_free (held);
      return;
    }
  held->intake = NULL;
  held->delivery = NULL;
  g_cancellable_cancel (held->accepting);
}

void
oc_amqp_deliveries_release_all (OcAmqpIntake *self)
{
  for (guint i = 0; i < self->held->len; i++)
    {
      OcAmqpHeld *held = self->held->pdata[i];
      settle (self, held->delivery, oc_session_get_id (held->session), PN_RELEASED, NULL, "shutting down");
      let_go (held);
    }
  g_ptr_array_set_size (self->held, 0);
}

/* The connection is gone, and every delivery with it: the broker gives
 * them to a consumer again (the store still has the accepted sessions). */
void
oc_amqp_deliveries_forget_all (OcAmqpIntake *self)
{
  for (guint i = 0; i < self->held->len; i++)
    let_go (self->held->pdata[i]);
  g_ptr_array_set_size (self->held, 0);
  g_hash_table_remove_all (self->reading);
}
