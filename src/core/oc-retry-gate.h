/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-retry-gate.h — memory of transient sign-in failures per account.
 *
 * The UI reconnects after a NETWORK_ERROR on its own schedule (Pidgin and
 * Finch: 8–60 s, doubling). The gate makes sign-in also wait for the server's
 * Retry-After and an exponential delay of our own, so a flapping or throttling
 * service is never stormed, whatever the UI does. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds left before @key may try again (0 = now). */
guint oc_retry_gate_remaining (const char *key);
/* Records a failure and returns the delay imposed on the next try, seconds. */
guint oc_retry_gate_record_failure (const char *key, gint64 retry_after_s);
void  oc_retry_gate_record_success (const char *key);
/* The same as success: the owner of @key is gone. */
#define oc_retry_gate_forget oc_retry_gate_record_success
void  oc_retry_gate_reset_all (void);

G_END_DECLS
