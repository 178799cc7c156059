/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-service-intakes.h — private to the service (oc-service.c): the intakes
 * it runs besides its own store's inbox — other inbox directories and AMQP
 * queues — made, started and stopped together. Their signals are re-emitted
 * by the service (::rejected, ::queue-*). */
#pragma once

#include "oc-service.h"

G_BEGIN_DECLS

typedef struct _OcServiceIntakes OcServiceIntakes;

/* @service is not referenced: it owns the intakes and frees them first. */
OcServiceIntakes *oc_service_intakes_new (OcService *service);
void              oc_service_intakes_free (OcServiceIntakes *self);

/* @engine: the running service's engine (the intake starts at once), or
 * NULL while stopped. */
gboolean          oc_service_intakes_add_dir (OcServiceIntakes *self, const char *dir, OcHandoffEngine *engine,
                                              GError **error);
gboolean          oc_service_intakes_add_queue (OcServiceIntakes *self, const OcAmqpIntakeOptions *options,
                                                gboolean start, GError **error);
/* Starts them all; FALSE + the first error if a directory cannot be watched
 * (the others start anyway). */
gboolean          oc_service_intakes_start (OcServiceIntakes *self, OcHandoffEngine *engine, GError **error);
void              oc_service_intakes_stop (OcServiceIntakes *self);
guint             oc_service_intakes_get_held (OcServiceIntakes *self);
void              oc_service_intakes_publish (OcServiceIntakes *self, const char *json);
/* Has every running queue release what it holds and close its connection;
 * @callback (source NULL) when they all have. */
void              oc_service_intakes_release_async (OcServiceIntakes *self, GAsyncReadyCallback callback,
                                                    gpointer user_data);

G_END_DECLS
