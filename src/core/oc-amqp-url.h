/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-url.h — where the queue intake connects: amqp://host[:port] or
 * amqps://host[:port] (TLS from GIO). Credentials never travel in the URL
 * (it shows in logs and process lists): the user is its own setting, the
 * password comes from a file or the environment. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *host;
  guint16  port;    /* 5672 for amqp, 5671 for amqps unless given */
  gboolean tls;
} OcAmqpUrl;

/* OC_ERROR_INVALID_SETTINGS naming what is wrong; the URL itself is never
 * quoted whole (a user:password@ part would leak). @with_password: a
 * password will be sent, which plain amqp:// allows only to a loopback
 * broker (as plain http is refused except to loopback). */
gboolean oc_amqp_url_parse (const char *text, gboolean with_password, OcAmqpUrl *out, GError **error);
void     oc_amqp_url_clear (OcAmqpUrl *url);
gboolean oc_amqp_host_is_loopback (const char *host);

G_END_DECLS
