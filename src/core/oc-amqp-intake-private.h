/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-intake-private.h — the intake's calls, for its owner (the
 * service, oc-service.c), and what its connection side (oc-amqp-intake.c)
 * and its delivery side (oc-amqp-deliveries.c) share. */
#pragma once

#include <proton/delivery.h>
#include <proton/link.h>

#include "oc-amqp-driver.h"
#include "oc-amqp-intake.h"
#include "oc-amqp-url.h"
#include "oc-service.h"

/* A message taken and not yet settled: first waiting for the service to
 * say it is durable (accepting), then for its handoff. */
typedef struct {
  OcAmqpIntake  *intake;       /* NULL once its connection is gone while accepting */
  pn_delivery_t *delivery;     /* NULL then too */
  OcSession     *session;      /* the document it carried */
  GCancellable  *accepting;    /* while the service's accept is in flight */
  OcHandoff     *handoff;      /* once accepted */
  guint          attempts_at_take;
} OcAmqpHeld;

struct _OcAmqpIntake {
  GObject          parent_instance;
  /* Not a reference: the service owns the intake and outlives it. Its
   * calls are all in oc-amqp-deliveries.c. */
  OcService       *service;
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

/* For the service. Validates the options (OC_ERROR_INVALID_SETTINGS). */
OcAmqpIntake *oc_amqp_intake_new (OcService *service, const OcAmqpIntakeOptions *options, GError **error);
/* Connects; a stopped intake may be started again. */
void          oc_amqp_intake_start (OcAmqpIntake *self);
/* Queues an outcome event (JSON text) for the outcomes address; sent
 * when the link has credit, at most a bounded backlog kept while offline. */
void          oc_amqp_intake_publish (OcAmqpIntake *self, const char *json);
/* Messages received and not yet settled. */
guint         oc_amqp_intake_get_held (OcAmqpIntake *self);
/* Releases what it holds, closes the links and the connection, and
 * waits (bounded) for the broker to close it too. */
void          oc_amqp_intake_stop_async (OcAmqpIntake *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean      oc_amqp_intake_stop_finish (OcAmqpIntake *self, GAsyncResult *result, GError **error);
/* The same without waiting: what it held is released as far as the socket
 * takes it, and the broker gives back whatever is unsettled when the
 * connection drops. A stop_async in flight completes. */
void          oc_amqp_intake_stop (OcAmqpIntake *self);
