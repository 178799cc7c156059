/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-retry-after.c — oc_parse_retry_after over any header value, and the
 * delay it leads to. Invariants: the answer is -1 (absent or unreadable)
 * or a number of seconds ≥ 0; delta-seconds read exactly (capped at
 * G_MAXINT32); the next delay never exceeds a day, whatever was asked. */
#include <string.h>

#include "fuzz-common.h"
#include "oc-backoff.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  static GDateTime *now;
  if (now == NULL)
    now = g_date_time_new_utc (2026, 12, 2, 6, 30, 0);

  g_autofree char *value = fuzz_cstring (data, size);
  gint64 seconds = oc_parse_retry_after (value, now);
  fuzz_assert (seconds >= -1, "Retry-After read as %" G_GINT64_FORMAT, seconds);

  g_autofree char *trimmed = g_strstrip (g_strdup (value));
  gboolean digits = *trimmed != '\0';
  for (const char *p = trimmed; *p; p++)
    digits = digits && g_ascii_isdigit (*p);
  if (digits)
    {
      guint64 expected = 0;
      gboolean fits = g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT64, &expected, NULL);
      gint64 want = fits ? (gint64) MIN (expected, (guint64) G_MAXINT32) : G_MAXINT32;
      fuzz_assert (seconds == want, "“%s” read as %" G_GINT64_FORMAT, trimmed, seconds);
    }

  OcBackoff backoff = OC_BACKOFF_INIT;
  for (guint attempt = 1; attempt <= 40; attempt += 13)
    {
      guint64 delay = oc_backoff_next_delay_ms (&backoff, attempt, seconds);
      fuzz_assert (delay <= (guint64) 24 * 3600 * 1000, "a delay of %" G_GUINT64_FORMAT " ms", delay);
      if (seconds >= 0)
        fuzz_assert (delay >= (guint64) MIN (seconds, 24 * 3600) * 1000, "shorter than asked");
    }
  return 0;
}
