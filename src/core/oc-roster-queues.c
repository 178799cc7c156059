/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-roster-queues.c — the roster's queue figures: which queues are watched,
 * their counts (from the watcher's rows in the workstream view, else from the
 * $apply query) and what is shown for them. */
#include "oc-roster-private.h"

typedef struct {
  guint  waiting, with_reps;
  gint64 oldest;      /* unix seconds of the oldest wait's start, 0 none */
} Counts;

GHashTable *
oc_roster_queue_set (OcRoster *self)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);
  if (self->default_queue)
    g_hash_table_add (set, self->default_queue);
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  for (guint i = 0; i < handoffs->len; i++)
    {
      const OcLiveState *live = oc_handoff_get_live (handoffs->pdata[i]);
      if (live->queue_id && oc_handoff_get_path (handoffs->pdata[i]) == OC_HANDOFF_PATH_CONVERSATION)
        g_hash_table_add (set, live->queue_id);
    }
  return set;
}

char *
oc_roster_queue_filter (OcRoster *self, const char *column)
{
  g_autoptr(GHashTable) set = oc_roster_queue_set (self);
  if (g_hash_table_size (set) == 0)
    return NULL;
  GString *filter = g_string_new ("(");
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_string_append_printf (filter, "%s%s eq %s", filter->len > 1 ? " or " : "", column, (const char *) key);
  g_string_append_c (filter, ')');
  return g_string_free (filter, FALSE);
}

char *
oc_roster_groups_path (OcRoster *self)
{
  g_autofree char *queues = oc_roster_queue_filter (self, "_msdyn_cdsqueueid_value");
  if (queues == NULL)
    return NULL;
  g_autofree char *apply = g_strdup_printf ("filter(statecode eq 0 and %s)/groupby((_msdyn_cdsqueueid_value,"
                                            "statuscode),aggregate($count as n,msdyn_firstwaitstartedon with min as oldest))",
                                            queues);
  g_autofree char *encoded = oc_roster_query_escape (apply);
  return g_strdup_printf ("msdyn_ocliveworkitems?$apply=%s", encoded);
}

void
oc_roster_add_group (OcRoster *self, const OcRosterRow *row)
{
  Counts *c = g_hash_table_lookup (self->groups, row->id);
  if (c == NULL)
    g_hash_table_insert (self->groups, g_strdup (row->id), c = g_new0 (Counts, 1));
  if (row->name && !g_hash_table_contains (self->queue_names, row->id))
    g_hash_table_insert (self->queue_names, g_strdup (row->id), g_strdup (row->name));
  guint n = row->number > 0 ? (guint) MIN (row->number, G_MAXINT) : 0;
  if (row->code == OC_CONVERSATION_STATUS_OPEN)
    {
      c->waiting += n;
      if (row->time > 0 && (c->oldest == 0 || row->time < c->oldest))
        c->oldest = row->time;
    }
  else if (row->code == OC_CONVERSATION_STATUS_ACTIVE || row->code == OC_CONVERSATION_STATUS_WAITING ||
           row->code == OC_CONVERSATION_STATUS_WRAP_UP)
    c->with_reps += n;
}

/* The workstream view: the watcher already reads every conversation of the
 * workstream, so the counts come from its rows (a new table: borrowed queue
 * id → Counts*). */
static GHashTable *
count_tracked (OcRoster *self)
{
  GHashTable *local = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  for (guint i = 0; i < handoffs->len; i++)
    {
      const OcLiveState *live = oc_handoff_get_live (handoffs->pdata[i]);
      if (live->queue_id == NULL || live->statecode != OC_CONVERSATION_STATE_OPEN)
        continue;
      Counts *c = g_hash_table_lookup (local, live->queue_id);
      if (c == NULL)
        g_hash_table_insert (local, live->queue_id, c = g_new0 (Counts, 1));
      if (live->queue_name && !g_hash_table_contains (self->queue_names, live->queue_id))
        g_hash_table_insert (self->queue_names, g_strdup (live->queue_id), g_strdup (live->queue_name));
      if (live->statuscode == OC_CONVERSATION_STATUS_OPEN)
        {
          c->waiting++;
          /* Dynamics' own start of the wait; a row that has none yet
           * (just created) waits since its creation */
          gint64 since = live->first_wait_on > 0 ? live->first_wait_on : live->created_on;
          if (since > 0 && (c->oldest == 0 || since < c->oldest))
            c->oldest = since;
        }
      else if (oc_roster_is_open_with_rep (live))
        c->with_reps++;
    }
  return local;
}

void
oc_roster_recompute_queues (OcRoster *self)
{
  g_autoptr(GHashTable) set = oc_roster_queue_set (self);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GHashTable) local = oc_roster_workstream_view (self) ? count_tracked (self) : NULL;

  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Counts *c = g_hash_table_lookup (local ? local : self->groups, key);
      OcRosterQueue queue = { 0 };
      queue.id = key;
      queue.name = g_hash_table_lookup (self->queue_names, key);
      queue.waiting = c ? c->waiting : 0;
      queue.with_reps = c ? c->with_reps : 0;
      queue.oldest_wait_s = c && c->waiting && c->oldest > 0 ? MAX (now - c->oldest, 0) : -1;
      queue.status = oc_roster_queue_status_for (queue.waiting, queue.oldest_wait_s, self->waiting_alert);
      queue.status_id = oc_roster_queue_status_to_id (queue.status);

      /* the wait is shown in minutes: a change within the minute is no news */
      char *state = g_strdup_printf ("%s\n%s\n%u\n%u\n%" G_GINT64_FORMAT, queue.status_id, queue.name ? queue.name : "",
                                     queue.waiting, queue.with_reps,
                                     queue.oldest_wait_s < 0 ? (gint64) -1 : queue.oldest_wait_s / 60);
      oc_roster_show_queue (self, &queue, state);
    }
}
