/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-roster.c — the roster: its poll, the reps and what is shown; the queue
 * figures are in oc-roster-queues.c. */
#include "oc-roster-private.h"

#include <string.h>

#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-guid.h"

typedef struct {
  char  *presence;    /* lower-case GUID or NULL */
  gint64 units_free;  /* -1 unknown */
  gboolean logged_in;
} Status;

typedef struct {
  char  *name;
  gint64 capacity;    /* msdyn_capacity, -1 unknown */
} Member;

enum { SIGNAL_AGENT, SIGNAL_QUEUE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcRoster, oc_roster, G_TYPE_OBJECT)

static void
status_free (Status *s)
{
  g_free (s->presence);
  g_free (s);
}

static void
member_free (Member *m)
{
  g_free (m->name);
  g_free (m);
}

static void
oc_roster_dispose (GObject *object)
{
  OcRoster *self = OC_ROSTER (object);
  oc_roster_stop (self);
  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->presences, g_hash_table_unref);
  g_clear_pointer (&self->queue_names, g_hash_table_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->statuses, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->default_queue, g_free);
  G_OBJECT_CLASS (oc_roster_parent_class)->dispose (object);
}

static void
oc_roster_class_init (OcRosterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_roster_dispose;
  signals[SIGNAL_AGENT] = g_signal_new ("agent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_QUEUE] = g_signal_new ("queue-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
oc_roster_init (OcRoster *self)
{
  self->interval_s = OC_ROSTER_POLL_S;
  self->retry_after_s = -1;
  self->members_age = G_MAXUINT;
  self->presences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->queue_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) member_free);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) status_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ---- pure parts ---- */

const char *
oc_roster_agent_status_to_id (OcRosterAgentStatus status)
{
  static const char *const ids[] = { "agent-available", "agent-busy", "agent-dnd", "agent-away", "agent-offline" };
  return status <= OC_ROSTER_AGENT_OFFLINE ? ids[status] : ids[OC_ROSTER_AGENT_OFFLINE];
}

const char *
oc_roster_queue_status_to_id (OcRosterQueueStatus status)
{
  static const char *const ids[] = { "queue-available", "queue-away", "queue-dnd" };
  return status <= OC_ROSTER_QUEUE_OVERDUE ? ids[status] : ids[OC_ROSTER_QUEUE_WAITING];
}

OcRosterAgentStatus
oc_roster_agent_status_from_base (gint64 base)
{
  /* msdyn_basepresencestatus: Available, Busy, Busy - DND, Away, Offline */
  if (base >= 192360000 && base <= 192360004)
    return (OcRosterAgentStatus) (base - 192360000);
  return OC_ROSTER_AGENT_OFFLINE;
}

OcRosterQueueStatus
oc_roster_queue_status_for (guint waiting, gint64 oldest_wait_s, double alert_minutes)
{
  if (waiting == 0)
    return OC_ROSTER_QUEUE_IDLE;
  if (alert_minutes > 0 && oldest_wait_s >= 0 && (double) oldest_wait_s >= alert_minutes * 60.0)
    return OC_ROSTER_QUEUE_OVERDUE;
  return OC_ROSTER_QUEUE_WAITING;
}

guint
oc_roster_requests_per_poll (gboolean agents, gboolean queues, gboolean workstream_view)
{
  return (agents ? 1 : 0) + (queues && !workstream_view ? 1 : 0);
}

/* ---- what is shown ---- */

/* Emits when what the front end shows for @key changed. */
static gboolean
changed (OcRoster *self, const char *key, char *state /* owned */)
{
  if (g_strcmp0 (g_hash_table_lookup (self->shown, key), state) == 0)
    {
      g_free (state);
      return FALSE;
    }
  g_hash_table_insert (self->shown, g_strdup (key), state);
  return TRUE;
}

void
oc_roster_show_queue (OcRoster *self, const OcRosterQueue *queue, char *state /* owned */)
{
  g_autofree char *k = g_strconcat ("queue:", queue->id, NULL);
  if (changed (self, k, state))
    g_signal_emit (self, signals[SIGNAL_QUEUE], 0, queue);
}

static void
recompute_agents (OcRoster *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  for (guint i = 0; i < handoffs->len; i++)
    {
      const OcLiveState *live = oc_handoff_get_live (handoffs->pdata[i]);
      if (live->agent_id && oc_roster_is_open_with_rep (live))
        g_hash_table_insert (counts, live->agent_id,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, live->agent_id)) + 1));
    }

  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Member *member = value;
      const Status *status = g_hash_table_lookup (self->statuses, key);
      gpointer base = status && status->presence ? g_hash_table_lookup (self->presences, status->presence) : NULL;
      OcRosterAgent agent = { 0 };
      agent.id = key;
      agent.name = member->name;
      agent.presence_unknown = base == NULL;
      agent.status = base ? oc_roster_agent_status_from_base (GPOINTER_TO_INT (base) - 1) : OC_ROSTER_AGENT_OFFLINE;
      if (status && !status->logged_in)
        agent.status = OC_ROSTER_AGENT_OFFLINE;
      agent.status_id = oc_roster_agent_status_to_id (agent.status);
      agent.conversations = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
      agent.capacity_free = status && status->units_free >= 0 && member->capacity > 0
        ? (int) CLAMP (status->units_free * 100 / member->capacity, 0, 100) : -1;

      g_autofree char *k = g_strconcat ("agent:", agent.id, NULL);
      char *state = g_strdup_printf ("%s\n%s\n%d\n%u\n%d", agent.status_id, agent.name ? agent.name : "",
                                     agent.presence_unknown, agent.conversations, agent.capacity_free);
      if (changed (self, k, state))
        g_signal_emit (self, signals[SIGNAL_AGENT], 0, &agent);
    }
}

static void
recompute (OcRoster *self)
{
  if (oc_roster_settings (self)->show_agents && self->statuses_read)
    recompute_agents (self);
  if (oc_roster_settings (self)->show_queues && (self->groups_read || oc_roster_workstream_view (self)))
    oc_roster_recompute_queues (self);
}

static gboolean
on_recompute_idle (gpointer user_data)
{
  OcRoster *self = user_data;
  self->recompute_idle = 0;
  recompute (self);
  return G_SOURCE_REMOVE;
}

/* Conversation counts follow the watcher's rows at once, not at the next poll. */
static void
on_engine_handoff (OcHandoffEngine *engine, OcHandoff *handoff, gpointer user_data)
{
  OcRoster *self = user_data;
  if (self->running && self->recompute_idle == 0)
    self->recompute_idle = g_idle_add (on_recompute_idle, self);
}

/* ---- the poll ---- */

static void run_step (OcRoster *self);
static void schedule (OcRoster *self);

static gboolean
members_stale (OcRoster *self)
{
  if (self->members_age == G_MAXUINT || self->members_age >= OC_ROSTER_MEMBERS_EVERY)
    return TRUE;
  /* a queue whose name (and members) were never read */
  g_autoptr(GHashTable) set = oc_roster_queue_set (self);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->queue_names, key))
      return TRUE;
  return FALSE;
}

static void
apply_page (OcRoster *self, Step step, OcRosterPage *page)
{
  for (guint i = 0; i < page->rows->len; i++)
    {
      OcRosterRow *row = page->rows->pdata[i];
      switch (step)
        {
        case STEP_PRESENCES:
          if (row->code >= 0 && row->code < G_MAXINT)
            g_hash_table_insert (self->presences, g_strdup (row->id), GINT_TO_POINTER ((int) row->code + 1));
          break;
        case STEP_MEMBERS:
          g_hash_table_insert (self->queue_names, g_strdup (row->id), g_strdup (row->name ? row->name : ""));
          for (guint j = 0; j < row->members->len; j++)
            {
              OcRosterRow *m = row->members->pdata[j];
              Member *member = g_new0 (Member, 1);
              member->name = g_strdup (m->name);
              member->capacity = m->number;
              g_hash_table_insert (self->members, g_strdup (m->id), member);
            }
          break;
        case STEP_STATUSES:
          {
            Status *s = g_new0 (Status, 1);
            s->presence = g_strdup (row->ref);
            s->units_free = row->number;
            s->logged_in = row->flag;
            g_hash_table_insert (self->statuses, g_strdup (row->id), s);
            self->walk_max = MAX (self->walk_max, row->time);
          }
          break;
        case STEP_GROUPS:
          oc_roster_add_group (self, row);
          break;
        default:
          break;
        }
    }
}

static void
finish_poll (OcRoster *self)
{
  self->polling = FALSE;
  self->polls_done++;
  self->requests_done = self->requests;
  recompute (self);
  schedule (self);
}

static void
on_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcRoster *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->polling)
    {
      g_object_unref (self);
      return;
    }
  if (response == NULL)
    {
      /* the next poll asks again, from the same watermark, never sooner than a Retry-After */
      g_debug ("roster poll failed: %s", error->message);
      self->retry_after_s = oc_error_get_retry_after (error);
      finish_poll (self);
      g_object_unref (self);
      return;
    }
  if (self->step == STEP_WORKSTREAM)
    {
      OcJsonReader reader;
      oc_json_reader_init_node (&reader, response->body, NULL);
      g_free (self->default_queue);
      self->default_queue = oc_guid_normalize (oc_json_reader_string (&reader, "_msdyn_defaultqueue_value"));
      if (!oc_json_reader_finish (&reader, &error))
        g_warning ("Ignored a malformed workstream answer from Dynamics 365: %s", error->message);
      self->workstream_read = TRUE;
      self->step++;
      run_step (self);
      g_object_unref (self);
      return;
    }

  static const OcRosterRowsKind kinds[] = {
    [STEP_PRESENCES] = OC_ROSTER_ROWS_PRESENCES, [STEP_MEMBERS] = OC_ROSTER_ROWS_QUEUES,
    [STEP_STATUSES] = OC_ROSTER_ROWS_STATUSES, [STEP_GROUPS] = OC_ROSTER_ROWS_GROUPS,
  };
  g_autoptr(OcRosterPage) page = oc_roster_page_parse (response->body, kinds[self->step], &error);
  if (page == NULL)
    {
      g_warning ("Ignored a malformed answer from Dynamics 365 to the supervisor's poll: %s", error->message);
      finish_poll (self);
      g_object_unref (self);
      return;
    }
  if (page->skipped)
    g_warning ("Skipped %u malformed row%s of the supervisor's poll (%s)", page->skipped,
               page->skipped == 1 ? "" : "s", page->skip_reason);
  if (self->step == STEP_MEMBERS)
    {
      g_hash_table_remove_all (self->members);
      self->members_age = 0;
    }
  else if (self->step == STEP_PRESENCES)
    self->presences_read = TRUE;
  apply_page (self, self->step, page);

  if (page->next_link && self->step == STEP_STATUSES && self->pages < OC_ROSTER_MAX_PAGES)
    {
      g_autoptr(OcRequest) request = oc_request_new ("GET", page->next_link);
      oc_request_set_retry (request, OC_RETRY_NONE, 1);
      oc_request_add_header (request, "Prefer", "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"");
      self->requests++;
      self->pages++;
      oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable, on_answer,
                             g_object_ref (self));
      g_object_unref (self);
      return;
    }
  if (self->step == STEP_STATUSES)
    {
      self->watermark = MAX (self->watermark, self->walk_max);
      self->statuses_read = TRUE;
    }
  else if (self->step == STEP_GROUPS)
    self->groups_read = TRUE;
  self->step++;
  run_step (self);
  g_object_unref (self);
}

static void
send (OcRoster *self, char *path /* owned */)
{
  g_autoptr(OcRequest) request = oc_request_new ("GET", path);
  g_free (path);
  oc_request_set_retry (request, OC_RETRY_NONE, 1);
  oc_request_add_header (request, "Prefer", "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"");
  self->requests++;
  self->pages = 1;
  oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable, on_answer,
                         g_object_ref (self));
}

/* Sends the next request this poll needs, or ends the poll. */
static void
run_step (OcRoster *self)
{
  const OcSettings *s = oc_roster_settings (self);
  for (; self->step < STEP_DONE; self->step++)
    switch (self->step)
      {
      case STEP_PRESENCES:
        if (s->show_agents && !self->presences_read)
          {
            send (self, g_strdup (OC_ROSTER_PRESENCE_QUERY));
            return;
          }
        break;
      case STEP_WORKSTREAM:
        if (!self->workstream_read && s->workstream_id)
          {
            send (self, g_strdup_printf ("msdyn_liveworkstreams(%s)?$select=_msdyn_defaultqueue_value", s->workstream_id));
            return;
          }
        break;
      case STEP_MEMBERS:
        if (members_stale (self))
          {
            g_autofree char *filter = oc_roster_queue_filter (self, "queueid");
            if (filter == NULL)
              break;
            g_autofree char *encoded = oc_roster_query_escape (filter);
            send (self, g_strdup_printf ("queues?$select=queueid,name&$filter=%s%s%s", encoded,
                                         s->show_agents ? "&$expand=" : "",
                                         s->show_agents ? OC_ROSTER_MEMBER_EXPAND : ""));
            return;
          }
        break;
      case STEP_STATUSES:
        if (s->show_agents)
          {
            self->walk_max = 0;
            if (self->watermark <= 0)
              {
                send (self, g_strdup ("msdyn_agentstatuses?$select=" OC_ROSTER_STATUS_COLUMNS));
                return;
              }
            g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (self->watermark - OC_ROSTER_OVERLAP_S);
            g_autofree char *text = g_date_time_format (since, "%Y-%m-%dT%H:%M:%SZ");
            send (self, g_strdup_printf ("msdyn_agentstatuses?$select=" OC_ROSTER_STATUS_COLUMNS
                                         "&$filter=modifiedon%%20ge%%20%s", text));
            return;
          }
        break;
      case STEP_GROUPS:
        if (s->show_queues && !oc_roster_workstream_view (self))
          {
            char *path = oc_roster_groups_path (self);
            if (path == NULL)
              break;
            g_hash_table_remove_all (self->groups);
            send (self, path);
            return;
          }
        break;
      default:
        break;
      }
  finish_poll (self);
}

static gboolean
on_timer (gpointer user_data)
{
  OcRoster *self = user_data;
  self->timer = 0;
  self->polling = TRUE;
  self->polls++;
  if (self->members_age != G_MAXUINT)
    self->members_age++;
  self->step = STEP_PRESENCES;
  run_step (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (OcRoster *self)
{
  if (!self->running || self->polling)
    return;
  g_clear_handle_id (&self->timer, g_source_remove);
  guint interval = oc_backoff_poll_interval_s (self->interval_s, self->retry_after_s);
  self->retry_after_s = -1;
  self->timer = g_timeout_add_seconds (interval, on_timer, self);
}

OcRoster *
oc_roster_new (OcConnection *connection, OcHandoffEngine *engine)
{
  g_return_val_if_fail (OC_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (engine), NULL);
  OcRoster *self = g_object_new (OC_TYPE_ROSTER, NULL);
  self->connection = g_object_ref (connection);
  self->engine = g_object_ref (engine);
  g_signal_connect (engine, "handoff-added", G_CALLBACK (on_engine_handoff), self);
  g_signal_connect (engine, "handoff-changed", G_CALLBACK (on_engine_handoff), self);
  return self;
}

void
oc_roster_start (OcRoster *self)
{
  g_return_if_fail (OC_IS_ROSTER (self));
  if (self->running)
    return;
  self->running = TRUE;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_idle_add (on_timer, self);
}

void
oc_roster_stop (OcRoster *self)
{
  g_return_if_fail (OC_IS_ROSTER (self));
  self->running = FALSE;
  self->polling = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->recompute_idle, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

void
oc_roster_set_interval (OcRoster *self, guint seconds)
{
  g_return_if_fail (OC_IS_ROSTER (self));
  self->interval_s = MAX (1, seconds);
}

void
oc_roster_set_waiting_alert (OcRoster *self, double minutes)
{
  g_return_if_fail (OC_IS_ROSTER (self));
  self->waiting_alert = minutes;
}

guint
oc_roster_get_polls (OcRoster *self)
{
  g_return_val_if_fail (OC_IS_ROSTER (self), 0);
  return self->polls;
}

guint
oc_roster_get_polls_done (OcRoster *self)
{
  g_return_val_if_fail (OC_IS_ROSTER (self), 0);
  return self->polls_done;
}

guint
oc_roster_get_requests_done (OcRoster *self)
{
  g_return_val_if_fail (OC_IS_ROSTER (self), 0);
  return self->requests_done;
}

guint
oc_roster_get_requests (OcRoster *self)
{
  g_return_val_if_fail (OC_IS_ROSTER (self), 0);
  return self->requests;
}
