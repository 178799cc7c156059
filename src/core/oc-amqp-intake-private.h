/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-intake-private.h — shared by the intake's connection side
 * (oc-amqp-intake.c) and its delivery side (oc-amqp-deliveries.c). */
#pragma once

#include <proton/delivery.h>
#include <proton/link.h>

#include "oc-amqp-driver.h"
#include "oc-amqp-intake.h"
#include "oc-amqp-url.h"

/* A message taken and not yet settled, waiting for its handoff. */
typedef struct {
  pn_delivery_t *delivery;
  OcHandoff     *handoff;
  guint          attempts_at_take;
} OcAmqpHeld;

struct _OcAmqpIntake {
  GObject          parent_instance;
  /* The engine seam: the only engine calls are in oc-amqp-deliveries.c. */
  OcHandoffEngine *engine;
  gulong           changed_id;

  OcAmqpUrl        url;
  char            *user;
  char            *password;
  char            *queue;
  char            *outcomes;
  guint            max_unsettled;
  guint            release_after;

  OcAmqpDriver    *driver;
  pn_link_t       *receiver;
  pn_link_t       *sender;
  gboolean         link_up;
  GPtrArray       *held;       /* OcAmqpHeld* */
  GHashTable      *reading;    /* pn_delivery_t* → its bytes so far (partial deliveries) */
  GQueue           outbox;     /* char* JSON texts waiting for the outcomes link */
  guint64          next_tag;

  guint            attempt;    /* reconnects since the last good link */
  guint            reconnect_id;
  gboolean         started;
  gboolean         stopping;
  gboolean         failed;
  GError          *fatal;      /* set by an event; reported when the connection is gone */
  GTask           *stop_task;
  guint            stop_timeout_id;
};

enum { OC_AMQP_SIGNAL_SETTLED, OC_AMQP_SIGNAL_CONNECTION, OC_AMQP_SIGNAL_FAILED, OC_AMQP_N_SIGNALS };
extern guint oc_amqp_intake_signals[OC_AMQP_N_SIGNALS];

/* oc-amqp-deliveries.c */
void oc_amqp_deliveries_attach (OcAmqpIntake *self);
void oc_amqp_deliveries_detach (OcAmqpIntake *self);
void oc_amqp_deliveries_readable (OcAmqpIntake *self, pn_delivery_t *delivery);
/* Releases every held message (stop) or forgets them (connection gone). */
void oc_amqp_deliveries_release_all (OcAmqpIntake *self);
void oc_amqp_deliveries_forget_all (OcAmqpIntake *self);
void oc_amqp_incoming_free (gpointer incoming);

/* oc-amqp-intake.c */
void oc_amqp_intake_update_credit (OcAmqpIntake *self);
