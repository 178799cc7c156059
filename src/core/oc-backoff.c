/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-backoff.h"

#include <libsoup/soup.h>

#define ONE_DAY_S (24 * 3600)

guint
oc_backoff_delay_ms (const OcBackoff *backoff, guint attempt)
{
  guint64 delay = backoff->base_ms;

  for (guint i = 1; i < attempt && delay < backoff->max_ms; i++)
    delay *= 2;
  delay = MIN (delay, (guint64) backoff->max_ms);

  /* Jitter spreads clients that failed together so they do not retry together. */
  guint64 half = delay / 2;
  return (guint) (half + (half > 0 ? (guint64) g_random_int_range (0, (gint32) MIN (half, G_MAXINT32 - 1) + 1) : 0));
}

gint64
oc_parse_retry_after (const char *value, GDateTime *now)
{
  if (value == NULL)
    return -1;

  g_autofree char *trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return -1;

  char *end = NULL;
  guint64 seconds = g_ascii_strtoull (trimmed, &end, 10);
  if (g_ascii_isdigit (trimmed[0]) && *end == '\0')
    return (gint64) MIN (seconds, (guint64) G_MAXINT32);

  g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (trimmed);
  if (when == NULL)
    return -1;

  g_autoptr(GDateTime) reference = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  GTimeSpan diff = g_date_time_difference (when, reference);
  return diff > 0 ? (diff + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC : 0;
}

guint64
oc_backoff_next_delay_ms (const OcBackoff *backoff, guint attempt, gint64 retry_after_s)
{
  guint64 delay = oc_backoff_delay_ms (backoff, attempt);

  if (retry_after_s >= 0)
    delay = MAX (delay, (guint64) MIN (retry_after_s, ONE_DAY_S) * 1000);
  return delay;
}

guint
oc_backoff_poll_interval_s (guint interval_s, gint64 retry_after_s)
{
  if (retry_after_s > 0)
    interval_s = MAX (interval_s, (guint) MIN (retry_after_s, ONE_DAY_S));
  return interval_s;
}
