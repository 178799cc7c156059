/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-backoff.h — how long to wait before trying again. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint base_ms;   /* first delay */
  guint max_ms;    /* ceiling of the exponential part */
} OcBackoff;

#define OC_BACKOFF_INIT { 1000, 60000 }

/* Exponential backoff with "equal jitter": for attempt n (1-based) the delay
 * lies in [d/2, d] where d = min(max, base * 2^(n-1)). */
guint   oc_backoff_delay_ms (const OcBackoff *backoff, guint attempt);

/* Parses a Retry-After value: delta-seconds or an HTTP-date. Returns seconds
 * from now (>= 0), or -1 when absent or unparsable. */
gint64  oc_parse_retry_after (const char *value, GDateTime *now);

/* The delay to use after a transient failure: never shorter than what the
 * server asked for (capped at one day), otherwise the backoff. */
guint64 oc_backoff_next_delay_ms (const OcBackoff *backoff, guint attempt, gint64 retry_after_s);

/* A poll's next interval: @interval_s, or the server's Retry-After when that
 * is longer (capped at one day, as above; <= 0 = none asked). */
guint   oc_backoff_poll_interval_s (guint interval_s, gint64 retry_after_s);

G_END_DECLS
