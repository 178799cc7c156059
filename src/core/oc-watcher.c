/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-watcher.h"

#include "oc-backoff.h"

#include <glib/gi18n-lib.h>

#include "oc-codes.h"
#include "oc-error.h"
#include "oc-guid.h"
#include "oc-watcher-rows.h"
#include "oc-watcher-scope.h"
#include "oc-handoff-private.h"

typedef OcWatcherRowsKind Kind;
#define KIND_CONVERSATIONS OC_WATCHER_ROWS_CONVERSATIONS
#define KIND_CASES OC_WATCHER_ROWS_CASES

struct _OcWatcher {
  GObject          parent_instance;
  OcConnection    *connection;
  OcHandoffEngine *engine;
  GCancellable    *cancellable;
  guint            timer;
  gint64           next_poll_us;       /* monotonic; 0 = off */
  gboolean         polling;            /* a page walk is in flight */
  gboolean         poke_pending;
  gint64           watermark[2];       /* per kind, unix seconds from server modifiedon; 0 = first poll */
  gint64           walk_max[2];
  gint64           walk_date[2];      /* server Date of the walk's first page */
  gint64           retry_after_s;
  guint            fast_s, slow_s, page_size;
  guint            polls, requests;
  gboolean         running;
  Kind             kind;               /* the kind being walked */
  guint            kinds_left;         /* bit set of kinds still to walk this poll */
  guint            max_pages;
  guint            pages;              /* pages of the current walk or batch */
  GHashTable      *links_seen;         /* next links of the current walk or batch */
  GPtrArray       *unresolved;         /* record ids still to read by id this walk */
  GHashTable      *batch;              /* by-id query in flight: normalised id → tracked record id;
                                        * NULL while walking */
  GError          *last_error;         /* of the last poll, NULL when it succeeded */
  char            *reported;           /* the last problem logged as a warning */
  gboolean         reported_this_poll;
};

G_DEFINE_FINAL_TYPE (OcWatcher, oc_watcher, G_TYPE_OBJECT)

static void schedule (OcWatcher *self);
static void walk_next_kind (OcWatcher *self);

static void
oc_watcher_dispose (GObject *object)
{
  OcWatcher *self = OC_WATCHER (object);
  oc_watcher_stop (self);
  g_clear_pointer (&self->links_seen, g_hash_table_unref);
  g_clear_pointer (&self->unresolved, g_ptr_array_unref);
  g_clear_pointer (&self->batch, g_hash_table_unref);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->reported, g_free);
  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (oc_watcher_parent_class)->dispose (object);
}

static void
oc_watcher_class_init (OcWatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_watcher_dispose;
}

static void
oc_watcher_init (OcWatcher *self)
{
  self->fast_s = OC_WATCHER_FAST_S;
  self->slow_s = OC_WATCHER_SLOW_S;
  self->page_size = OC_WATCHER_PAGE_SIZE;
  self->max_pages = OC_WATCHER_MAX_PAGES;
}

/* A record Dynamics has not reported on yet: ask soon, not at the next tick. */
static void
on_engine_handoff (OcHandoffEngine *engine, OcHandoff *handoff, gpointer user_data)
{
  if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED && oc_handoff_get_live (handoff)->statecode == OC_CODE_UNKNOWN)
    oc_watcher_poke (user_data);
}

OcWatcher *
oc_watcher_new (OcConnection *connection, OcHandoffEngine *engine)
{
  g_return_val_if_fail (OC_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (OC_IS_HANDOFF_ENGINE (engine), NULL);

  OcWatcher *self = g_object_new (OC_TYPE_WATCHER, NULL);
  self->connection = g_object_ref (connection);
  self->engine = g_object_ref (engine);
  g_signal_connect (engine, "handoff-added", G_CALLBACK (on_engine_handoff), self);
  g_signal_connect (engine, "handoff-changed", G_CALLBACK (on_engine_handoff), self);
  return self;
}

void
oc_watcher_set_intervals (OcWatcher *self, guint fast_s, guint slow_s)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  self->fast_s = MAX (1, fast_s);
  self->slow_s = MAX (1, slow_s);
}

void
oc_watcher_set_page_size (OcWatcher *self, guint rows)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  self->page_size = MAX (1, rows);
}

void
oc_watcher_set_max_pages (OcWatcher *self, guint pages)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  self->max_pages = MAX (1, pages);
}

const GError *
oc_watcher_get_last_error (OcWatcher *self)
{
  g_return_val_if_fail (OC_IS_WATCHER (self), NULL);
  return self->last_error;
}

guint
oc_watcher_get_polls (OcWatcher *self)
{
  g_return_val_if_fail (OC_IS_WATCHER (self), 0);
  return self->polls;
}

guint
oc_watcher_get_requests (OcWatcher *self)
{
  g_return_val_if_fail (OC_IS_WATCHER (self), 0);
  return self->requests;
}

int
oc_watcher_get_next_poll (OcWatcher *self)
{
  g_return_val_if_fail (OC_IS_WATCHER (self), -1);
  if (self->next_poll_us == 0)
    return -1;
  gint64 left = self->next_poll_us - g_get_monotonic_time ();
  return left > 0 ? (int) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

static OcWatcherNeeds
needs (OcWatcher *self, gboolean discovering)
{
  return oc_watcher_needs (oc_connection_get_settings (self->connection)->show,
                           oc_handoff_engine_list (self->engine), discovering);
}

/* ---- applying rows ---- */

/* @walked: the row came from the watermark query, so its modifiedon may
 * move the watermark; rows read by id may be newer than changes the walk
 * has not seen yet, and never do. */
static void
apply_row (OcWatcher *self, Kind kind, OcWatcherRow *row, gboolean walked)
{
  if (walked)
    self->walk_max[kind] = MAX (self->walk_max[kind], row->live.modified_on);

  OcHandoff *handoff = oc_handoff_engine_lookup_record (self->engine, row->record_id);
  const OcSettings *settings = oc_connection_get_settings (self->connection);
  if (handoff == NULL)
    {
      if (settings->show == OC_SHOW_MINE)
        return;   /* made by another client: not shown in "mine" */
      handoff = oc_handoff_engine_track_foreign (self->engine, row->record_id,
                                                 kind == KIND_CASES ? OC_HANDOFF_PATH_CASE : OC_HANDOFF_PATH_CONVERSATION,
                                                 row->subject);
      if (kind == KIND_CASES)
        oc_handoff_set_created (handoff, row->ticket_number);
    }
  if (oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_CREATED)
    return;   /* seen before our create finished: the engine will get there */

  /* Rows from the overlap window come again: an older row never undoes a newer one. */
  const OcLiveState *current = oc_handoff_get_live (handoff);
  if (current->modified_on > row->live.modified_on)
    return;
  oc_handoff_set_live (handoff, &row->live);
}

/* ---- the page walk ---- */

/* A problem in what Dynamics sent (not a network failure) is a warning,
 * once until it changes or a poll succeeds: the poll keeps running on its
 * schedule and would repeat it every few seconds. */
static void
report (OcWatcher *self, const char *problem)
{
  self->reported_this_poll = TRUE;
  if (g_strcmp0 (self->reported, problem) == 0)
    return;
  g_free (self->reported);
  self->reported = g_strdup (problem);
  g_warning ("%s", problem);
}

static void
end_walk_state (OcWatcher *self)
{
  g_clear_pointer (&self->links_seen, g_hash_table_unref);
  g_clear_pointer (&self->unresolved, g_ptr_array_unref);
  g_clear_pointer (&self->batch, g_hash_table_unref);
}

static void
finish_poll (OcWatcher *self, const GError *error)
{
  self->polling = FALSE;
  end_walk_state (self);
  /* The next poll asks from the newest server time this walk proved complete:
   * the latest modifiedon seen, or the server's Date when it answered (rows
   * older than that were all in this walk) — minus the overlap, which covers
   * commits that land late within the same seconds. */
  if (error == NULL)
    for (int kind = 0; kind < 2; kind++)
      self->watermark[kind] = MAX (self->watermark[kind], MAX (self->walk_max[kind], self->walk_date[kind]));
  self->retry_after_s = error ? oc_error_get_retry_after (error) : -1;
  g_clear_error (&self->last_error);
  if (error)
    self->last_error = g_error_copy (error);
  else if (!self->reported_this_poll)
    g_clear_pointer (&self->reported, g_free);   /* a clean poll: the next problem is news */
  self->reported_this_poll = FALSE;
  schedule (self);
}

/* Every way a poll fails: the watermark stays, so the next poll (on the
 * usual schedule, never sooner than a Retry-After) asks again from there. */
static void
fail_poll (OcWatcher *self, const GError *error)
{
  if (g_error_matches (error, OC_ERROR, OC_ERROR_BAD_RESPONSE))
    report (self, error->message);
  else
    g_debug ("poll failed: %s", error->message);
  self->kinds_left = 0;
  finish_poll (self, error);
}

static const char *
collection_of (Kind kind)
{
  return kind == KIND_CASES ? "incidents" : "msdyn_ocliveworkitems";
}

static void send_page (OcWatcher *self, const char *path);
static void resolve_next_batch (OcWatcher *self);

/* Follows @next unless the walk is looping or too long. */
static void
follow (OcWatcher *self, const char *next)
{
  g_autoptr(GError) error = NULL;
  if (g_hash_table_contains (self->links_seen, next))
    error = g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE,
        _("Dynamics 365 sent a next-page link that repeats an earlier page of GET %s (after %u pages); "
        "the poll stopped and starts over at the next one"), collection_of (self->kind), self->pages);
  else if (self->pages >= self->max_pages)
    error = g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE,
        _("GET %s ran past %u pages in one poll; the poll stopped and starts over at the next one"),
        collection_of (self->kind), self->max_pages);
  if (error)
    {
      fail_poll (self, error);
      return;
    }
  g_hash_table_add (self->links_seen, g_strdup (next));
  send_page (self, next);
}

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcWatcher *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->polling)
    {
      g_object_unref (self);
      return;
    }
  g_autofree char *what = g_strdup_printf ("GET %s", collection_of (self->kind));
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(OcWatcherPage) page = response ? oc_watcher_page_parse (response->body, self->kind, &parse_error) : NULL;
  if (parse_error)
    error = oc_response_malformed_error (what, parse_error);
  if (page == NULL)
    {
      fail_poll (self, error);
      g_object_unref (self);
      return;
    }

  if (self->batch == NULL && self->walk_date[self->kind] == 0)
    {
      const char *date = soup_message_headers_get_one (response->headers, "Date");
      g_autoptr(GDateTime) when = date ? soup_date_time_new_from_http_string (date) : NULL;
      self->walk_date[self->kind] = when ? g_date_time_to_unix (when) : 0;
    }
  if (page->skipped > 0)
    {
      /* one row in error never stops the others */
      g_autofree char *problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "Skipped %u row of a malformed answer from Dynamics 365 to %s (%s)",
                                                                "Skipped %u rows of a malformed answer from Dynamics 365 to %s (%s)",
                                                                page->skipped),
                                                  page->skipped, what,
                                                  page->skip_reason);
      report (self, problem);
    }
  for (guint i = 0; i < page->rows->len; i++)
    {
      OcWatcherRow *row = page->rows->pdata[i];
      if (self->batch)
        g_hash_table_remove (self->batch, row->record_id);
      apply_row (self, self->kind, row, self->batch == NULL);
    }

  if (page->next_link)
    follow (self, page->next_link);
  else
    resolve_next_batch (self);
  g_object_unref (self);
}

static void
send_page (OcWatcher *self, const char *path)
{
  g_autoptr(OcRequest) request = oc_request_new ("GET", path);
  g_autofree char *prefer = g_strdup_printf ("odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\","
                                             "odata.maxpagesize=%u", self->page_size);
  /* The watcher schedules its own retries, so a throttled poll never stacks up. */
  oc_request_set_retry (request, OC_RETRY_NONE, 1);
  oc_request_add_header (request, "Prefer", prefer);
  self->requests++;
  self->pages++;
  oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable,
                         on_page, g_object_ref (self));
}

/* Starts a walk or a by-id batch: its own page count and loop detection. */
static void
send_first_page (OcWatcher *self, const char *filter)
{
  g_autofree char *encoded = g_uri_escape_string (filter, "=,()", FALSE);
  g_autofree char *path = self->kind == KIND_CASES
    ? g_strdup_printf ("incidents?$select=" OC_WATCHER_CASE_COLUMNS "&$filter=%s", encoded)
    : g_strdup_printf ("msdyn_ocliveworkitems?$select=" OC_WATCHER_CONVERSATION_COLUMNS "&$filter=%s", encoded);
  /* the watermark walk goes oldest first; the order of a by-id batch does not matter */
  if (self->batch == NULL)
    {
      char *ordered = g_strconcat (path, "&$orderby=modifiedon%20asc", NULL);
      g_free (path);
      path = ordered;
    }
  g_clear_pointer (&self->links_seen, g_hash_table_unref);
  self->links_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pages = 0;
  send_page (self, path);
}

/* The handoffs of the current kind whose state the walk did not tell:
 * records closed before the first poll's window (a restart long after),
 * moved out of the view's scope, or deleted. */
static GPtrArray *
collect_unresolved (OcWatcher *self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  OcHandoffPath path = self->kind == KIND_CASES ? OC_HANDOFF_PATH_CASE : OC_HANDOFF_PATH_CONVERSATION;
  for (guint i = 0; i < handoffs->len; i++)
    {
      OcHandoff *handoff = handoffs->pdata[i];
      if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED && !oc_handoff_is_foreign (handoff) &&
          oc_handoff_get_path (handoff) == path && oc_handoff_get_live (handoff)->statecode == OC_CODE_UNKNOWN)
        g_ptr_array_add (ids, g_strdup (oc_handoff_get_record_id (handoff)));
    }
  return ids;
}

/* Ends a by-id batch: what it did not return does not exist any more. */
static void
end_batch (OcWatcher *self)
{
  GHashTableIter iter;
  gpointer id;
  g_hash_table_iter_init (&iter, self->batch);
  while (g_hash_table_iter_next (&iter, NULL, &id))
    {
      OcHandoff *handoff = oc_handoff_engine_lookup_record (self->engine, id);
      if (handoff && oc_handoff_get_live (handoff)->statecode == OC_CODE_UNKNOWN)
        {
          g_debug ("record %s no longer exists in Dynamics 365", (const char *) id);
          oc_handoff_set_deleted (handoff);
        }
    }
  g_clear_pointer (&self->batch, g_hash_table_unref);
}

/* After a kind's walk: reads the handoffs it left unknown by id, in
 * queries of at most OC_WATCHER_RESOLVE_BATCH ids, then walks the next kind. */
static void
resolve_next_batch (OcWatcher *self)
{
  if (self->batch)
    end_batch (self);
  if (self->unresolved == NULL)
    self->unresolved = collect_unresolved (self);

  const char *key = self->kind == KIND_CASES ? "incidentid" : "activityid";
  GString *filter = g_string_new ("(");
  self->batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while (self->unresolved->len > 0 && g_hash_table_size (self->batch) < OC_WATCHER_RESOLVE_BATCH)
    {
      g_autofree char *stored = g_ptr_array_steal_index_fast (self->unresolved, self->unresolved->len - 1);
      char *id = oc_guid_normalize (stored);
      OcHandoff *handoff = oc_handoff_engine_lookup_record (self->engine, stored);
      if (id == NULL)
        {
          /* a stored id that is no GUID names no record, and never enters a filter */
          if (handoff)
            oc_handoff_set_deleted (handoff);
          continue;
        }
      if (g_hash_table_contains (self->batch, id))
        {
          g_free (id);
          continue;
        }
      g_string_append_printf (filter, "%s%s eq %s", filter->len > 1 ? " or " : "", key, id);
      g_hash_table_insert (self->batch, id, g_steal_pointer (&stored));
    }
  g_string_append_c (filter, ')');

  if (g_hash_table_size (self->batch) == 0)
    {
      g_string_free (filter, TRUE);
      g_clear_pointer (&self->batch, g_hash_table_unref);
      g_clear_pointer (&self->unresolved, g_ptr_array_unref);
      walk_next_kind (self);
      return;
    }
  /* "(activityid eq … or activityid eq …)": Dataverse's documented eq/or
   * grouping, which the mock server parses too (it has no "in" operator) */
  g_autofree char *text = g_string_free (filter, FALSE);
  send_first_page (self, text);
}

static void
walk_next_kind (OcWatcher *self)
{
  if (self->kinds_left == 0)
    {
      finish_poll (self, NULL);
      return;
    }
  self->kind = (self->kinds_left & (1 << KIND_CONVERSATIONS)) ? KIND_CONVERSATIONS : KIND_CASES;
  self->kinds_left &= ~(1u << self->kind);
  self->walk_max[self->kind] = 0;
  self->walk_date[self->kind] = 0;

  const OcSettings *settings = oc_connection_get_settings (self->connection);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *filter = oc_watcher_build_filter (self->kind == KIND_CASES ? OC_SHOW_INTEGRATION : settings->show,
                                                     oc_connection_get_user_id (self->connection),
                                                     settings->workstream_id, self->watermark[self->kind], now,
                                                     (gint64) settings->closed_retention_hours * 3600);
  send_first_page (self, filter);
}

static gboolean
on_timer (gpointer user_data)
{
  OcWatcher *self = user_data;
  self->timer = 0;
  self->next_poll_us = 0;

  OcWatcherNeeds want = needs (self, self->poke_pending);
  if (!want.conversations && !want.cases)
    {
      self->poke_pending = FALSE;
      return G_SOURCE_REMOVE;   /* nothing tracked: polling is off until poked */
    }

  self->polling = TRUE;
  self->poke_pending = FALSE;
  self->polls++;
  end_walk_state (self);   /* nothing of a walk stopped half-way carries over */
  self->kinds_left = (want.conversations ? 1u << KIND_CONVERSATIONS : 0) | (want.cases ? 1u << KIND_CASES : 0);
  walk_next_kind (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_in (OcWatcher *self, guint seconds)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  self->next_poll_us = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  self->timer = seconds ? g_timeout_add_seconds (seconds, on_timer, self) : g_idle_add (on_timer, self);
}

static void
schedule (OcWatcher *self)
{
  if (!self->running || self->polling)
    return;
  OcWatcherNeeds want = needs (self, FALSE);
  if (!want.conversations && !want.cases && !self->poke_pending)
    {
      g_clear_handle_id (&self->timer, g_source_remove);
      self->next_poll_us = 0;
      return;
    }
  guint interval = self->poke_pending ? 1 : want.busy ? self->fast_s : self->slow_s;
  schedule_in (self, oc_backoff_poll_interval_s (interval, self->retry_after_s));
}

void
oc_watcher_start (OcWatcher *self)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  self->running = TRUE;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  self->poke_pending = TRUE;
  schedule_in (self, 0);
}

void
oc_watcher_poke (OcWatcher *self)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  if (!self->running)
    return;
  self->poke_pending = TRUE;
  if (!self->polling && (self->timer == 0 || oc_watcher_get_next_poll (self) > 1))
    schedule (self);
}

void
oc_watcher_stop (OcWatcher *self)
{
  g_return_if_fail (OC_IS_WATCHER (self));
  self->running = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
  self->next_poll_us = 0;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->polling = FALSE;
  end_walk_state (self);
}
