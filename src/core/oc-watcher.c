/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-watcher.h"

#include "oc-error.h"
#include "oc-guid.h"

#define FORMATTED "@OData.Community.Display.V1.FormattedValue"
#define CONVERSATION_COLUMNS "activityid,subject,statecode,statuscode,msdyn_statuschangereason," \
                             "_msdyn_activeagentid_value,_msdyn_cdsqueueid_value,_msdyn_liveworkstreamid_value," \
                             "modifiedon,createdon"
#define CASE_COLUMNS "incidentid,ticketnumber,title,statecode,statuscode,_ownerid_value,modifiedon,createdon"

typedef enum { KIND_CONVERSATIONS, KIND_CASES } Kind;

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
};

G_DEFINE_FINAL_TYPE (OcWatcher, oc_watcher, G_TYPE_OBJECT)

static void schedule (OcWatcher *self);
static void walk_next_kind (OcWatcher *self);

static void
oc_watcher_dispose (GObject *object)
{
  OcWatcher *self = OC_WATCHER (object);
  oc_watcher_stop (self);
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
}

OcWatcher *
oc_watcher_new (OcConnection *connection, OcHandoffEngine *engine)
{
  OcWatcher *self = g_object_new (OC_TYPE_WATCHER, NULL);
  self->connection = g_object_ref (connection);
  self->engine = g_object_ref (engine);
  return self;
}

void oc_watcher_set_intervals (OcWatcher *self, guint fast_s, guint slow_s) { self->fast_s = MAX (1, fast_s); self->slow_s = MAX (1, slow_s); }
void oc_watcher_set_page_size (OcWatcher *self, guint rows) { self->page_size = MAX (1, rows); }
guint oc_watcher_get_polls (OcWatcher *self) { return self->polls; }
guint oc_watcher_get_requests (OcWatcher *self) { return self->requests; }

int
oc_watcher_get_next_poll (OcWatcher *self)
{
  if (self->next_poll_us == 0)
    return -1;
  gint64 left = self->next_poll_us - g_get_monotonic_time ();
  return left > 0 ? (int) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

static char *
format_utc (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (MAX (unix_seconds, 0));
  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

char *
oc_watcher_build_filter (OcShowMode mode, const char *user_id, const char *workstream_id,
                         gint64 watermark, gint64 now, gint64 retention_s)
{
  g_autofree char *scope = mode == OC_SHOW_WORKSTREAM && workstream_id
    ? g_strdup_printf ("_msdyn_liveworkstreamid_value eq %s", workstream_id)
    : g_strdup_printf ("_createdby_value eq %s", user_id);

  if (watermark <= 0)
    {
      /* First poll: what is still open, plus what changed within the
       * retention window — never the whole history. */
      g_autofree char *since = format_utc (now - retention_s);
      return g_strdup_printf ("%s and (statecode eq 0 or modifiedon ge %s)", scope, since);
    }
  g_autofree char *since = format_utc (watermark - OC_WATCHER_OVERLAP_S);
  return g_strdup_printf ("%s and modifiedon ge %s", scope, since);
}

/* ---- what needs watching ---- */

typedef struct {
  gboolean conversations;
  gboolean cases;
  gboolean busy;     /* anything pending or not closed */
} Needs;

/* @discovering: the first poll after sign-in (or a poke). In the
 * "integration" and "workstream" views it also looks for records this client
 * does not know yet; "mine" only ever asks about its own sessions. */
static Needs
needs (OcWatcher *self, gboolean discovering)
{
  Needs out = { FALSE, FALSE, FALSE };
  OcShowMode mode = oc_connection_get_settings (self->connection)->show;
  if (discovering && mode != OC_SHOW_MINE)
    {
      out.conversations = TRUE;
      out.cases = mode == OC_SHOW_INTEGRATION;
    }
  GPtrArray *handoffs = oc_handoff_engine_list (self->engine);
  for (guint i = 0; i < handoffs->len; i++)
    {
      OcHandoff *handoff = handoffs->pdata[i];
      const OcLiveState *live = oc_handoff_get_live (handoff);
      OcHandoffPhase phase = oc_handoff_get_phase (handoff);
      gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;

      if (phase == OC_HANDOFF_PHASE_PENDING)
        out.busy = TRUE;
      if (phase != OC_HANDOFF_PHASE_CREATED)
        continue;
      if (is_case)
        out.cases = TRUE;
      else
        out.conversations = TRUE;
      if (live->statecode <= 0)
        out.busy = TRUE;
    }
  /* A workstream view shows conversations other systems create: keep looking. */
  if (mode == OC_SHOW_WORKSTREAM)
    out.conversations = TRUE;
  return out;
}

/* ---- applying rows ---- */

static gint64
parse_time (JsonObject *row, const char *member)
{
  const char *text = json_object_get_string_member_with_default (row, member, NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = text ? g_date_time_new_from_iso8601 (text, utc) : NULL;
  return when ? g_date_time_to_unix (when) : 0;
}

static const char *
formatted (JsonObject *row, const char *member)
{
  g_autofree char *name = g_strconcat (member, FORMATTED, NULL);
  return json_object_get_string_member_with_default (row, name, NULL);
}

static void
apply_row (OcWatcher *self, Kind kind, JsonObject *row)
{
  const char *key = kind == KIND_CASES ? "incidentid" : "activityid";
  g_autofree char *id = oc_guid_normalize (json_object_get_string_member_with_default (row, key, NULL));
  if (id == NULL)
    return;

  gint64 modified = parse_time (row, "modifiedon");
  self->walk_max[kind] = MAX (self->walk_max[kind], modified);

  OcHandoff *handoff = oc_handoff_engine_lookup_record (self->engine, id);
  const OcSettings *settings = oc_connection_get_settings (self->connection);
  if (handoff == NULL)
    {
      if (settings->show == OC_SHOW_MINE)
        return;   /* made by another client: not shown in "mine" */
      const char *subject = json_object_get_string_member_with_default (row, kind == KIND_CASES ? "title" : "subject", NULL);
      handoff = oc_handoff_engine_track_foreign (self->engine, id,
                                                 kind == KIND_CASES ? OC_HANDOFF_PATH_CASE : OC_HANDOFF_PATH_CONVERSATION,
                                                 subject);
      if (kind == KIND_CASES)
        oc_handoff_set_created (handoff, json_object_get_string_member_with_default (row, "ticketnumber", NULL));
    }
  if (oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_CREATED)
    return;   /* seen before our create finished: the engine will get there */

  OcLiveState live = { 0 };
  live.statecode = (int) json_object_get_int_member_with_default (row, "statecode", -1);
  live.statuscode = (int) json_object_get_int_member_with_default (row, "statuscode", -1);
  live.status_label = (char *) formatted (row, "statuscode");
  live.reason = (char *) formatted (row, "msdyn_statuschangereason");
  live.agent_name = (char *) formatted (row, "_msdyn_activeagentid_value");
  live.queue_name = (char *) formatted (row, "_msdyn_cdsqueueid_value");
  live.workstream_name = (char *) formatted (row, "_msdyn_liveworkstreamid_value");
  live.created_on = parse_time (row, "createdon");
  live.modified_on = modified;

  /* Rows from the overlap window come again: an older row never undoes a newer one. */
  const OcLiveState *current = oc_handoff_get_live (handoff);
  if (current->modified_on > modified)
    return;
  oc_handoff_set_live (handoff, &live);
}

/* ---- the page walk ---- */

static void
finish_poll (OcWatcher *self, const GError *error)
{
  self->polling = FALSE;
  /* The next poll asks from the newest server time this walk proved complete:
   * the latest modifiedon seen, or the server's Date when it answered (rows
   * older than that were all in this walk) — minus the overlap, which covers
   * commits that land late within the same seconds. */
  if (error == NULL)
    for (int kind = 0; kind < 2; kind++)
      self->watermark[kind] = MAX (self->watermark[kind], MAX (self->walk_max[kind], self->walk_date[kind]));
  self->retry_after_s = error ? oc_error_get_retry_after (error) : -1;
  schedule (self);
}

static void send_page (OcWatcher *self, const char *path);

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcWatcher *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  if (response == NULL)
    {
      g_debug ("poll failed: %s", error->message);
      /* Keep the watermark: the next poll asks again from where it was. */
      self->kinds_left = 0;
      finish_poll (self, error);
      g_object_unref (self);
      return;
    }

  if (self->walk_date[self->kind] == 0)
    {
      const char *date = soup_message_headers_get_one (response->headers, "Date");
      g_autoptr(GDateTime) when = date ? soup_date_time_new_from_http_string (date) : NULL;
      self->walk_date[self->kind] = when ? g_date_time_to_unix (when) : 0;
    }

  JsonObject *body = response->body && JSON_NODE_HOLDS_OBJECT (response->body)
                       ? json_node_get_object (response->body) : NULL;
  JsonNode *value = body ? json_object_get_member (body, "value") : NULL;
  if (value && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *rows = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (rows, i)))
          apply_row (self, self->kind, json_array_get_object_element (rows, i));
    }

  const char *next = body ? json_object_get_string_member_with_default (body, "@odata.nextLink", NULL) : NULL;
  if (next)
    send_page (self, next);
  else
    walk_next_kind (self);
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
  oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable,
                         on_page, g_object_ref (self));
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
  g_autofree char *encoded = g_uri_escape_string (filter, "=,()", FALSE);
  g_autofree char *path = self->kind == KIND_CASES
    ? g_strdup_printf ("incidents?$select=" CASE_COLUMNS "&$filter=%s&$orderby=modifiedon%%20asc", encoded)
    : g_strdup_printf ("msdyn_ocliveworkitems?$select=" CONVERSATION_COLUMNS "&$filter=%s&$orderby=modifiedon%%20asc",
                       encoded);
  send_page (self, path);
}

static gboolean
on_timer (gpointer user_data)
{
  OcWatcher *self = user_data;
  self->timer = 0;
  self->next_poll_us = 0;

  Needs want = needs (self, self->poke_pending);
  if (!want.conversations && !want.cases)
    {
      self->poke_pending = FALSE;
      return G_SOURCE_REMOVE;   /* nothing tracked: polling is off until poked */
    }

  self->polling = TRUE;
  self->poke_pending = FALSE;
  self->polls++;
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
  Needs want = needs (self, FALSE);
  if (!want.conversations && !want.cases && !self->poke_pending)
    {
      g_clear_handle_id (&self->timer, g_source_remove);
      self->next_poll_us = 0;
      return;
    }
  guint interval = self->poke_pending ? 1 : want.busy ? self->fast_s : self->slow_s;
  if (self->retry_after_s > 0)
    interval = MAX (interval, (guint) MIN (self->retry_after_s, 24 * 3600));
  schedule_in (self, interval);
}

void
oc_watcher_start (OcWatcher *self)
{
  self->running = TRUE;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  self->poke_pending = TRUE;
  schedule_in (self, 0);
}

void
oc_watcher_poke (OcWatcher *self)
{
  if (!self->running)
    return;
  self->poke_pending = TRUE;
  if (!self->polling && (self->timer == 0 || oc_watcher_get_next_poll (self) > 1))
    schedule (self);
}

void
oc_watcher_stop (OcWatcher *self)
{
  self->running = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
  self->next_poll_us = 0;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->polling = FALSE;
}
