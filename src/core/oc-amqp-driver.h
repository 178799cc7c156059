/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-driver.h — one AMQP 1.0 connection: Qpid Proton's connection
 * driver (the protocol engine, no I/O of its own) pumped over a GIO stream
 * on the GLib main loop. TCP and TLS come from GSocketClient (glib-networking,
 * the system's trust store), exactly as libsoup's; Proton only sees bytes.
 * SASL is PLAIN when a user is given, ANONYMOUS otherwise.
 *
 * Events are handed to @on_event as they come; @on_closed is called once,
 * from the main loop, when the connection is gone (NULL error: closed
 * cleanly by us). The owner frees the driver afterwards (or at any time:
 * freeing drops the socket and every source, with no callback). */
#pragma once

#include <proton/condition.h>
#include <proton/connection_driver.h>

#include "oc-amqp-url.h"

G_BEGIN_DECLS

typedef struct _OcAmqpDriver OcAmqpDriver;
typedef void (*OcAmqpEventFunc) (pn_event_t *event, gpointer user_data);
typedef void (*OcAmqpClosedFunc) (const GError *error, gpointer user_data);

/* @user NULL: ANONYMOUS. The password is copied into Proton only. */
OcAmqpDriver    *oc_amqp_driver_new (const OcAmqpUrl *url, const char *user, const char *password,
                                     OcAmqpEventFunc on_event, OcAmqpClosedFunc on_closed,
                                     gpointer user_data);
/* Resolves, connects (and TLS-handshakes); the AMQP open starts at once. */
void             oc_amqp_driver_connect (OcAmqpDriver *self);
pn_connection_t *oc_amqp_driver_get_connection (OcAmqpDriver *self);
/* After changing the engine's state outside an event (settling a delivery
 * later, sending): handle what follows and write it out. */
void             oc_amqp_driver_flush (OcAmqpDriver *self);
void             oc_amqp_driver_free (OcAmqpDriver *self);

/* "amqp:unauthorized-access: …" from a Proton condition, or NULL if unset. */
char            *oc_amqp_condition_describe (pn_condition_t *condition);

G_END_DECLS
