/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-alerts.h"

#include <glib/gi18n-lib.h>

#include "oc-codes.h"
#include "oc-enum-types.h"

#define MAX_SLEEP_MS (3600 * 1000)   /* re-evaluated at least hourly */

typedef struct {
  OcHandoff *handoff;   /* a ref */
  int        kind;      /* the state's OcAlertKind, -1 none */
  gint64     seen;      /* unix seconds this process first saw the state */
  gint64     since;     /* when the state began (Dynamics' time, else seen) */
  gboolean   raised;
  char      *line;      /* while raised */
} Entry;

struct _OcAlerts {
  GObject     parent_instance;
  guint       threshold_s[OC_ALERT_N_KINDS];
  GHashTable *entries;   /* session id → Entry* */
  guint       timer;
};

enum { SIGNAL_RAISED, SIGNAL_CLEARED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcAlerts, oc_alerts, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->handoff);
  g_free (entry->line);
  g_free (entry);
}

static void
oc_alerts_dispose (GObject *object)
{
  OcAlerts *self = OC_ALERTS (object);
  oc_alerts_stop (self);
  G_OBJECT_CLASS (oc_alerts_parent_class)->dispose (object);
}

static void
oc_alerts_finalize (GObject *object)
{
  g_hash_table_unref (OC_ALERTS (object)->entries);
  G_OBJECT_CLASS (oc_alerts_parent_class)->finalize (object);
}

static void
oc_alerts_class_init (OcAlertsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_alerts_dispose;
  G_OBJECT_CLASS (klass)->finalize = oc_alerts_finalize;
  signals[SIGNAL_RAISED] = g_signal_new ("alert-raised", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 5, OC_TYPE_HANDOFF,
                                         OC_TYPE_ALERT_KIND, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_CLEARED] = g_signal_new ("alert-cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, OC_TYPE_HANDOFF,
                                          OC_TYPE_ALERT_KIND);
}

static void
oc_alerts_init (OcAlerts *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

OcAlerts *
oc_alerts_new (const guint thresholds_s[OC_ALERT_N_KINDS])
{
  g_return_val_if_fail (thresholds_s != NULL, NULL);
  OcAlerts *self = g_object_new (OC_TYPE_ALERTS, NULL);
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    self->threshold_s[kind] = thresholds_s[kind];
  return self;
}

int
oc_alerts_state_of (OcHandoff *handoff, gint64 *since)
{
  g_return_val_if_fail (OC_IS_HANDOFF (handoff), -1);
  const OcLiveState *live = oc_handoff_get_live (handoff);
  gint64 began = 0;
  int kind = -1;

  if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_PENDING)
    kind = OC_ALERT_HANDING_OFF;
  else if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED &&
           oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CONVERSATION &&
           live->statecode == OC_CONVERSATION_STATE_OPEN)
    {
      if (live->statuscode == OC_CONVERSATION_STATUS_OPEN)
        {
          kind = OC_ALERT_WAITING;
          began = live->first_wait_on > 0 ? live->first_wait_on : live->created_on;
        }
      else if (live->statuscode == OC_CONVERSATION_STATUS_WRAP_UP)
        {
          kind = OC_ALERT_WRAP_UP;
          began = live->wrapup_on;
        }
    }
  if (since)
    *since = began;
  return kind;
}

/* "45 s", "5 min", "2.5 min" (a threshold may have a fraction of a minute;
 * an elapsed time is shown in whole minutes). */
static char *
format_span (gint64 seconds, gboolean exact)
{
  seconds = MAX (seconds, 0);
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u s", "%u s", (gulong) seconds), (guint) seconds);
  if (exact && seconds % 60 != 0)
    return g_strdup_printf (_("%.1f min"), seconds / 60.0);
  gulong minutes = (gulong) MIN (seconds / 60, G_MAXUINT);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu min", "%lu min", minutes), minutes);
}

char *
oc_alerts_format_line (OcAlertKind kind, gint64 elapsed_s, guint threshold_s, const char *rep)
{
  g_return_val_if_fail ((guint) kind < OC_ALERT_N_KINDS, NULL);
  g_autofree char *elapsed = format_span (elapsed_s, FALSE);
  g_autofree char *threshold = format_span (threshold_s, TRUE);
  switch (kind)
    {
    case OC_ALERT_WAITING:
      /* TRANSLATORS: "Waiting 6 min — longer than 5 min, no rep yet" */
      return g_strdup_printf (_("Waiting %s — longer than %s, no rep yet"), elapsed, threshold);
    case OC_ALERT_WRAP_UP:
      return rep && *rep
        /* TRANSLATORS: "Wrap-up 12 min — longer than 10 min (Alex Smith)" */
        ? g_strdup_printf (_("Wrap-up %s — longer than %s (%s)"), elapsed, threshold, rep)
        : g_strdup_printf (_("Wrap-up %s — longer than %s"), elapsed, threshold);
    case OC_ALERT_HANDING_OFF:
    default:
      return g_strdup_printf (_("Handing off %s — longer than %s, not created in Dynamics 365 yet"),
                              elapsed, threshold);
    }
}

static void schedule (OcAlerts *self, gint64 now);

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Raises the alerts that are due (collected first: a handler may forget). */
static void
check (OcAlerts *self, gint64 now)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;
      if (entry->kind < 0 || entry->raised || self->threshold_s[entry->kind] == 0)
        continue;
      if (now - entry->since >= self->threshold_s[entry->kind])
        g_ptr_array_add (due, g_strdup (key));
    }
  for (guint i = 0; i < due->len; i++)
    {
      Entry *entry = g_hash_table_lookup (self->entries, due->pdata[i]);
      if (entry == NULL || entry->raised)
        continue;
      guint threshold = self->threshold_s[entry->kind];
      gint64 elapsed = MAX (now - entry->since, (gint64) threshold);
      entry->raised = TRUE;
      entry->line = oc_alerts_format_line (entry->kind, elapsed, threshold,
                                           oc_handoff_get_live (entry->handoff)->agent_name);
      g_autoptr(OcHandoff) handoff = g_object_ref (entry->handoff);
      g_autofree char *line = g_strdup (entry->line);
      g_signal_emit (self, signals[SIGNAL_RAISED], 0, handoff, entry->kind,
                     (guint) MIN (elapsed, G_MAXUINT), threshold, line);
    }
  schedule (self, now);
}

static gboolean
on_timer (gpointer user_data)
{
  OcAlerts *self = user_data;
  self->timer = 0;
  check (self, now_s ());
  return G_SOURCE_REMOVE;
}

/* Wakes up at the next threshold, if any is ahead. */
static void
schedule (OcAlerts *self, gint64 now)
{
  gint64 next = G_MAXINT64;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      if (entry->kind >= 0 && !entry->raised && self->threshold_s[entry->kind] > 0)
        next = MIN (next, entry->since + self->threshold_s[entry->kind]);
    }
  g_clear_handle_id (&self->timer, g_source_remove);
  if (next == G_MAXINT64)
    return;
  gint64 wait_ms = MAX (next - now, 0) * 1000;
  self->timer = g_timeout_add ((guint) MIN (wait_ms, MAX_SLEEP_MS), on_timer, self);
}

void
oc_alerts_update (OcAlerts *self, OcHandoff *handoff)
{
  g_return_if_fail (OC_IS_ALERTS (self));
  g_return_if_fail (OC_IS_HANDOFF (handoff));

  gboolean any = FALSE;
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    any |= self->threshold_s[kind] > 0;
  if (!any)
    return;   /* alerts are off: nothing tracked, no timer */

  const char *id = oc_handoff_get_id (handoff);
  gint64 now = now_s ();
  gint64 since = 0;
  int kind = oc_alerts_state_of (handoff, &since);
  Entry *entry = g_hash_table_lookup (self->entries, id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->handoff = g_object_ref (handoff);
      entry->kind = -1;
      g_hash_table_insert (self->entries, g_strdup (id), entry);
    }
  if (entry->kind != kind)
    {
      int left = entry->raised ? entry->kind : -1;
      entry->kind = kind;
      entry->seen = now;
      entry->raised = FALSE;
      g_clear_pointer (&entry->line, g_free);
      if (left >= 0)
        {
          g_autoptr(OcHandoff) ref = g_object_ref (handoff);
          g_signal_emit (self, signals[SIGNAL_CLEARED], 0, ref, left);
          entry = g_hash_table_lookup (self->entries, id);   /* a handler may have forgotten it */
          if (entry == NULL)
            return;
        }
    }
  /* Dynamics' own time when it tells one; never in the future of our clock */
  entry->since = since > 0 ? MIN (since, now) : entry->seen;
  check (self, now);
}

void
oc_alerts_forget (OcAlerts *self, const char *session_id)
{
  g_return_if_fail (OC_IS_ALERTS (self));
  g_return_if_fail (session_id != NULL);
  if (g_hash_table_remove (self->entries, session_id))
    schedule (self, now_s ());
}

void
oc_alerts_stop (OcAlerts *self)
{
  g_return_if_fail (OC_IS_ALERTS (self));
  g_clear_handle_id (&self->timer, g_source_remove);
  g_hash_table_remove_all (self->entries);
}

const char *
oc_alerts_lookup (OcAlerts *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_ALERTS (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);
  Entry *entry = g_hash_table_lookup (self->entries, session_id);
  return entry && entry->raised ? entry->line : NULL;
}
