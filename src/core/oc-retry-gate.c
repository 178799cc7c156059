/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-retry-gate.h"

#define MAX_DELAY_S 300
#define ONE_DAY_S (24 * 3600)

typedef struct {
  guint  failures;
  gint64 not_before_us;   /* monotonic */
} GateEntry;

static GHashTable *gates;   /* key → GateEntry; main-loop thread only */

static GateEntry *
lookup (const char *key, gboolean create)
{
  if (gates == NULL)
    {
      if (!create)
        return NULL;
      gates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  GateEntry *entry = g_hash_table_lookup (gates, key);
  if (entry == NULL && create)
    {
      entry = g_new0 (GateEntry, 1);
      g_hash_table_insert (gates, g_strdup (key), entry);
    }
  return entry;
}

guint
oc_retry_gate_remaining (const char *key)
{
  GateEntry *entry = lookup (key, FALSE);
  if (entry == NULL)
    return 0;
  gint64 left = entry->not_before_us - g_get_monotonic_time ();
  return left > 0 ? (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

guint
oc_retry_gate_record_failure (const char *key, gint64 retry_after_s)
{
  GateEntry *entry = lookup (key, TRUE);
  entry->failures = MIN (entry->failures + 1, 16);

  guint delay = MIN ((guint) 1 << entry->failures, MAX_DELAY_S);
  if (retry_after_s > 0)
    delay = MAX (delay, (guint) MIN (retry_after_s, ONE_DAY_S));
  entry->not_before_us = g_get_monotonic_time () + (gint64) delay * G_USEC_PER_SEC;
  return delay;
}

void
oc_retry_gate_record_success (const char *key)
{
  if (gates)
    g_hash_table_remove (gates, key);
}

void
oc_retry_gate_reset_all (void)
{
  g_clear_pointer (&gates, g_hash_table_unref);
}
