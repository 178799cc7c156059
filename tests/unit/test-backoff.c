/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Backoff bounds, jitter range, Retry-After parsing. */
#include "oc-backoff.h"

static void
test_backoff_bounded (void)
{
  OcBackoff backoff = { 1000, 8000 };

  for (guint round = 0; round < 200; round++)
    for (guint attempt = 1; attempt <= 40; attempt++)
      {
        guint expected = MIN (1000u << MIN (attempt - 1, 20u), 8000u);
        guint delay = oc_backoff_delay_ms (&backoff, attempt);
        g_assert_cmpuint (delay, >=, expected / 2);
        g_assert_cmpuint (delay, <=, expected);
      }
}

static void
test_backoff_jitter_spreads (void)
{
  OcBackoff backoff = { 1000, 60000 };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < 100; i++)
    g_hash_table_add (seen, GUINT_TO_POINTER (oc_backoff_delay_ms (&backoff, 5)));
  /* 100 draws from [8000, 16000] must not all collide. */
  g_assert_cmpuint (g_hash_table_size (seen), >, 10);
}

static void
test_retry_after_parse (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 23, 10, 0, 0);

  g_assert_cmpint (oc_parse_retry_after ("40", now), ==, 40);
  g_assert_cmpint (oc_parse_retry_after (" 0 ", now), ==, 0);
  g_assert_cmpint (oc_parse_retry_after ("Mon, 23 Nov 2026 10:01:30 GMT", now), ==, 90);
  g_assert_cmpint (oc_parse_retry_after ("Mon, 23 Nov 2026 09:00:00 GMT", now), ==, 0);
  g_assert_cmpint (oc_parse_retry_after (NULL, now), ==, -1);
  g_assert_cmpint (oc_parse_retry_after ("", now), ==, -1);
  g_assert_cmpint (oc_parse_retry_after ("soon", now), ==, -1);
  g_assert_cmpint (oc_parse_retry_after ("-5", now), ==, -1);
}

static void
test_next_delay_honours_retry_after (void)
{
  OcBackoff backoff = { 100, 400 };

  g_assert_cmpuint (oc_backoff_next_delay_ms (&backoff, 1, 30), ==, 30000);
  g_assert_cmpuint (oc_backoff_next_delay_ms (&backoff, 1, 0), <=, 100);
  g_assert_cmpuint (oc_backoff_next_delay_ms (&backoff, 9, -1), <=, 400);
  /* absurd values are capped at a day */
  g_assert_cmpuint (oc_backoff_next_delay_ms (&backoff, 1, 10 * 24 * 3600), ==, 24 * 3600 * 1000ull);
}

/* A poll waits its own interval, or longer when the server asked (a day at most). */
static void
test_poll_interval_honours_retry_after (void)
{
  g_assert_cmpuint (oc_backoff_poll_interval_s (5, -1), ==, 5);
  g_assert_cmpuint (oc_backoff_poll_interval_s (5, 0), ==, 5);
  g_assert_cmpuint (oc_backoff_poll_interval_s (5, 3), ==, 5);
  g_assert_cmpuint (oc_backoff_poll_interval_s (5, 40), ==, 40);
  g_assert_cmpuint (oc_backoff_poll_interval_s (60, G_MAXINT64), ==, 24 * 3600);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backoff/bounded", test_backoff_bounded);
  g_test_add_func ("/backoff/jitter-spreads", test_backoff_jitter_spreads);
  g_test_add_func ("/backoff/retry-after-parse", test_retry_after_parse);
  g_test_add_func ("/backoff/next-delay-honours-retry-after", test_next_delay_honours_retry_after);
  g_test_add_func ("/backoff/poll-interval-honours-retry-after", test_poll_interval_honours_retry_after);
  return g_test_run ();
}
