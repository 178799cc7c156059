/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-routing.c — the routing simulation, and records set by hand (/_mock/state).
 *
 * A conversation created through the API goes Open → Active (a rep from the
 * fixture's systemusers, round-robin) after assign_after seconds, → Wrap-up
 * after wrap_up_after more, → Closed after close_after more; a delay of 0
 * stops the chain there. Conversations bound to an inactive workstream stay
 * Open (no routing). A case is resolved close_after seconds after creation.
 * Each step is one GLib timeout on the server's main context; every timer is
 * owned by the routes table, so reset, a new seed, a manual state change and
 * finalisation cancel them. */
#include "mock-private.h"

#include <string.h>

#include "mock-options.h"
#include "mock-util.h"

#define REASON_IN_CONVERSATION 192350003
#define REASON_AGENT_WRAP_UP   192350005
#define REASON_ENDED_BY_AGENT  192350008

typedef struct {
  MockServer       *self;
  const MockEntity *entity;
  char             *id;
  guint             stage;    /* transitions done so far */
  GSource          *source;
} MockRoute;

static void
route_free (MockRoute *route)
{
  if (route->source)
    {
      g_source_destroy (route->source);
      g_source_unref (route->source);
    }
  g_free (route->id);
  g_free (route);
}

static char *
route_key (const MockEntity *entity, const char *id)
{
  g_autofree char *lower = g_ascii_strdown (id, -1);

  return g_strdup_printf ("%s/%s", entity->entity_set, lower);
}

static gboolean
is_conversation (const MockEntity *entity)
{
  return strcmp (entity->logical_name, "msdyn_ocliveworkitem") == 0;
}

/* Seconds until the next transition after @stage; 0 when there is none. */
static double
next_delay (MockServer *self, const MockEntity *entity, guint stage)
{
  if (is_conversation (entity))
    switch (stage)
      {
      case 0: return self->assign_after;
      case 1: return self->wrap_up_after;
      case 2: return self->close_after;
      default: return 0;
      }
  return stage == 0 ? self->close_after : 0;
}

/* Reps: enabled systemusers that are not application users, in fixture order. */
static const char *
next_rep (MockServer *self)
{
  const MockEntity *users = mock_entity_by_set ("systemusers");
  g_autoptr (GPtrArray) all = mock_store_query (self->store, users, NULL, -1);
  g_autoptr (GPtrArray) reps = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *u = g_ptr_array_index (all, i);
      JsonNode *app = json_object_get_member (u, "applicationid");

      if ((app == NULL || JSON_NODE_HOLDS_NULL (app)) &&
          !json_object_get_boolean_member_with_default (u, "isdisabled", FALSE))
        g_ptr_array_add (reps, u);
    }
  if (reps->len == 0)
    return NULL;
  return json_object_get_string_member (g_ptr_array_index (reps, self->next_rep++ % reps->len), "systemuserid");
}

static void schedule (MockRoute *route);

/* Seconds from the ISO 8601 time in @member to @now, or -1. */
static gint64
seconds_since (JsonObject *record, const char *member, const char *now)
{
  const char *text = json_object_get_string_member_with_default (record, member, NULL);
  g_autoptr(GDateTime) from = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr(GDateTime) to = g_date_time_new_from_iso8601 (now, NULL);
  if (from == NULL || to == NULL)
    return -1;
  return MAX (g_date_time_difference (to, from) / G_TIME_SPAN_SECOND, 0);
}

static void
set_seconds (JsonObject *record, const char *member, const char *since, const char *now)
{
  gint64 seconds = seconds_since (record, since, now);
  if (seconds >= 0)
    json_object_set_int_member (record, member, MIN (seconds, G_MAXINT32));
}

/* The conversation metric columns a status change settles, the way the
 * mock simplifies Dynamics: first wait = created → first assignment,
 * handle = assignment → wrap-up (or close), wrap-up = wrap-up → close. */
static void
stamp_metrics (JsonObject *record, gint64 status, const char *now)
{
  if (status == 2 && !json_object_has_member (record, "msdyn_conversationfirstwaittimeinseconds"))
    set_seconds (record, "msdyn_conversationfirstwaittimeinseconds", "msdyn_firstwaitstartedon", now);
  if (status == 5)
    {
      json_object_set_string_member (record, "msdyn_wrapupinitiatedon", now);
      set_seconds (record, "msdyn_conversationhandletimeinseconds", "msdyn_activeagentassignedon", now);
    }
  if (status == 4)
    {
      if (json_object_has_member (record, "msdyn_wrapupinitiatedon"))
        set_seconds (record, "msdyn_conversationwrapuptimeinseconds", "msdyn_wrapupinitiatedon", now);
      else
        set_seconds (record, "msdyn_conversationhandletimeinseconds", "msdyn_activeagentassignedon", now);
    }
}

/* One step forward; FALSE when the route is finished. */
static gboolean
advance (MockRoute *route)
{
  MockServer *self = route->self;
  JsonObject *record = mock_store_lookup (self->store, route->entity, route->id);
  g_autofree char *now = mock_now_iso8601 ();

  if (record == NULL)
    return FALSE;
  route->stage++;
  if (!is_conversation (route->entity))
    {
      json_object_set_int_member (record, "statecode", 1);
      json_object_set_int_member (record, "statuscode", 5);    /* Problem Solved */
      mock_store_touch (self->store, record);
      return FALSE;
    }
  switch (route->stage)
    {
    case 1:
      {
        const char *rep = next_rep (self);

        json_object_set_int_member (record, "statuscode", 2);  /* Active */
        json_object_set_int_member (record, "msdyn_statuschangereason", REASON_IN_CONVERSATION);
        if (rep)
          json_object_set_string_member (record, "_msdyn_activeagentid_value", rep);
        else
          json_object_set_null_member (record, "_msdyn_activeagentid_value");
        json_object_set_string_member (record, "msdyn_activeagentassignedon", now);
        stamp_metrics (record, 2, now);
        mock_presence_take (self, rep, record, TRUE);
      }
      break;
    case 2:
      json_object_set_int_member (record, "statuscode", 5);    /* Wrap-up */
      json_object_set_int_member (record, "msdyn_statuschangereason", REASON_AGENT_WRAP_UP);
      stamp_metrics (record, 5, now);
      break;
    default:
      json_object_set_int_member (record, "statecode", 1);
      json_object_set_int_member (record, "statuscode", 4);    /* Closed */
      json_object_set_int_member (record, "msdyn_statuschangereason", REASON_ENDED_BY_AGENT);
      json_object_set_string_member (record, "msdyn_closedon", now);
      stamp_metrics (record, 4, now);
      mock_presence_take (self, json_object_get_string_member_with_default (record, "_msdyn_activeagentid_value", NULL),
                          record, FALSE);
      break;
    }
  json_object_set_string_member (record, "msdyn_statusupdatedon", now);
  mock_store_touch (self->store, record);
  return route->stage < 3;
}

static gboolean
route_fire (gpointer data)
{
  MockRoute *route = data;

  /* The context keeps the source alive until this dispatch returns. */
  g_clear_pointer (&route->source, g_source_unref);
  if (advance (route) && next_delay (route->self, route->entity, route->stage) > 0)
    schedule (route);
  else
    {
      g_autofree char *key = route_key (route->entity, route->id);

      g_hash_table_remove (route->self->routes, key);   /* frees route */
    }
  return G_SOURCE_REMOVE;
}

static void
schedule (MockRoute *route)
{
  double seconds = next_delay (route->self, route->entity, route->stage);

  route->source = g_timeout_source_new ((guint) MIN (seconds * 1000.0 + 0.5, (double) G_MAXUINT));
  g_source_set_callback (route->source, route_fire, route, NULL);
  g_source_set_name (route->source, "dynamics-mock routing");
  g_source_attach (route->source, route->self->context);
}

void
mock_routing_start (MockServer *self, const MockEntity *entity, const char *id)
{
  JsonObject *record = mock_store_lookup (self->store, entity, id);
  MockRoute *route;

  if (record == NULL || next_delay (self, entity, 0) <= 0)
    return;
  if (is_conversation (entity))
    {
      const char *ws = json_object_get_string_member_with_default (record, "_msdyn_liveworkstreamid_value", NULL);
      JsonObject *workstream = ws ? mock_store_lookup (self->store, mock_entity_by_set ("msdyn_liveworkstreams"), ws) : NULL;

      if (workstream && json_object_get_int_member_with_default (workstream, "statecode", 0) != 0)
        return;   /* an inactive workstream routes nothing */
    }
  route = g_new0 (MockRoute, 1);
  route->self = self;
  route->entity = entity;
  route->id = g_ascii_strdown (id, -1);
  g_hash_table_replace (self->routes, route_key (entity, id), route);
  schedule (route);
}

void
mock_routing_cancel (MockServer *self, const MockEntity *entity, const char *id)
{
  g_autofree char *key = route_key (entity, id);

  g_hash_table_remove (self->routes, key);
}

void
mock_routing_clear (MockServer *self)
{
  if (self->routes == NULL)
    self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) route_free);
  else
    g_hash_table_remove_all (self->routes);
  self->next_rep = 0;
  self->ticket_seq = 1000;
  self->bulk_seq = 0;
}

/* ---- /_mock/state ---------------------------------------------------------- */

static gboolean
status_belongs (const MockEntity *entity, gint64 state, gint64 status)
{
  gint64 owner = -1;

  return mock_options_status_state (entity, status, &owner) && owner == state;
}

static gboolean
member_int (JsonObject *obj, const char *name, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'%s' must be an integer", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static const char *
member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gboolean
check_members (JsonObject *obj, const char *const *allowed, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown member '%s'", (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

static JsonNode *
copy_record (JsonObject *record)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  /* A deep copy, so that later changes to the live record do not show. */
  json_node_set_object (node, record);
  text = mock_json_to_string (node);
  json_node_unref (node);
  return mock_json_parse (text, strlen (text), NULL);
}

JsonNode *
mock_routing_set_state (MockServer *self, JsonNode *request, GError **error)
{
  static const char *const allowed[] = {
    "entity", "id", "statecode", "statuscode", "reason", "agent", "modifiedon", "manual", NULL
  };
  const MockColumn *reason_column;
  const MockEntity *entity;
  const char *set, *id, *agent = NULL, *modifiedon;
  g_autofree char *stamp = NULL;
  gint64 state = 0, status = 0, reason = 0;
  gboolean manual = TRUE, has_agent;
  JsonObject *obj, *record;
  JsonNode *node;

  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the body must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (request);
  if (!check_members (obj, allowed, error))
    return NULL;
  set = member_string (obj, "entity");
  if (g_strcmp0 (set, "msdyn_ocliveworkitems") != 0 && g_strcmp0 (set, "incidents") != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "'entity' must be \"msdyn_ocliveworkitems\" or \"incidents\"");
      return NULL;
    }
  entity = mock_entity_by_set (set);
  id = member_string (obj, "id");
  if (!mock_guid_is_valid (id))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'id' must be a GUID");
      return NULL;
    }
  if (!member_int (obj, "statecode", &state, error) || !member_int (obj, "statuscode", &status, error))
    return NULL;
  if (!status_belongs (entity, state, status))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "statuscode %" G_GINT64_FORMAT " is not a status of statecode %" G_GINT64_FORMAT " of %s",
                   status, state, entity->logical_name);
      return NULL;
    }
  if (json_object_has_member (obj, "reason"))
    {
      reason_column = mock_entity_column (entity, "msdyn_statuschangereason");
      if (reason_column == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'reason' is only for conversations");
          return NULL;
        }
      if (!member_int (obj, "reason", &reason, error))
        return NULL;
      if (mock_column_option_label (reason_column, reason) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%" G_GINT64_FORMAT " is not a msdyn_statuschangereason value", reason);
          return NULL;
        }
    }
  has_agent = json_object_has_member (obj, "agent");
  if (has_agent)
    {
      node = json_object_get_member (obj, "agent");
      if (!is_conversation (entity))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'agent' is only for conversations");
          return NULL;
        }
      if (!JSON_NODE_HOLDS_NULL (node))
        {
          agent = member_string (obj, "agent");
          if (!mock_guid_is_valid (agent) ||
              mock_store_lookup (self->store, mock_entity_by_set ("systemusers"), agent) == NULL)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "'agent' must be null or the systemuserid of a systemuser");
              return NULL;
            }
        }
    }
  if (json_object_has_member (obj, "modifiedon"))
    {
      g_autoptr (GDateTime) dt = NULL;
      g_autoptr (GDateTime) utc = NULL;

      modifiedon = member_string (obj, "modifiedon");
      dt = modifiedon ? g_date_time_new_from_iso8601 (modifiedon, NULL) : NULL;
      if (dt == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "'modifiedon' must be an ISO 8601 date and time with a zone");
          return NULL;
        }
      utc = g_date_time_to_utc (dt);
      stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  if (json_object_has_member (obj, "manual"))
    {
      node = json_object_get_member (obj, "manual");
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'manual' must be true or false");
          return NULL;
        }
      manual = json_node_get_boolean (node);
    }

  record = mock_store_lookup (self->store, entity, id);
  if (record == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s With Id = %s Does Not Exist", entity->logical_name, id);
      return NULL;
    }
  json_object_set_int_member (record, "statecode", state);
  json_object_set_int_member (record, "statuscode", status);
  if (json_object_has_member (obj, "reason"))
    json_object_set_int_member (record, "msdyn_statuschangereason", reason);
  if (has_agent && agent)
    {
      g_autofree char *lower = g_ascii_strdown (agent, -1);
      g_autofree char *now = mock_now_iso8601 ();

      json_object_set_string_member (record, "_msdyn_activeagentid_value", lower);
      json_object_set_string_member (record, "msdyn_activeagentassignedon", now);
    }
  else if (has_agent)
    json_object_set_null_member (record, "_msdyn_activeagentid_value");
  if (is_conversation (entity))
    {
      g_autofree char *now = mock_now_iso8601 ();
      stamp_metrics (record, status, now);
    }
  mock_store_touch (self->store, record);
  if (stamp)
    json_object_set_string_member (record, "modifiedon", stamp);
  if (manual)
    mock_routing_cancel (self, entity, id);
  return copy_record (record);
}

/* ---- /_mock/bulk-conversations --------------------------------------------- */

#define BULK_MAX 100000

JsonNode *
mock_routing_bulk_conversations (MockServer *self, JsonNode *request, GError **error)
{
  static const char *const allowed[] = { "count", "createdby", "workstream", "subject", "route", NULL };
  const MockEntity *conversations = mock_entity_by_set ("msdyn_ocliveworkitems");
  const MockEntity *users = mock_entity_by_set ("systemusers");
  const MockEntity *workstreams = mock_entity_by_set ("msdyn_liveworkstreams");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *now = mock_now_iso8601 ();
  const char *createdby, *workstream, *subject;
  gboolean route = FALSE;
  gint64 count = 0;
  JsonObject *obj;
  JsonNode *node;

  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the body must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (request);
  if (!check_members (obj, allowed, error) || !member_int (obj, "count", &count, error))
    return NULL;
  if (count < 1 || count > BULK_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'count' must be from 1 to %d", BULK_MAX);
      return NULL;
    }
  createdby = json_object_has_member (obj, "createdby") ? member_string (obj, "createdby") : self->application_user_id;
  if (!mock_guid_is_valid (createdby) || mock_store_lookup (self->store, users, createdby) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "'createdby' must be the systemuserid of a systemuser");
      return NULL;
    }
  workstream = json_object_has_member (obj, "workstream") ? member_string (obj, "workstream") : NULL;
  if (json_object_has_member (obj, "workstream") &&
      (!mock_guid_is_valid (workstream) || mock_store_lookup (self->store, workstreams, workstream) == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "'workstream' must be the msdyn_liveworkstreamid of a workstream");
      return NULL;
    }
  subject = json_object_has_member (obj, "subject") ? member_string (obj, "subject") : "Bulk conversation";
  if (subject == NULL || mock_utf16_length (subject) > 190)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'subject' must be a string of at most 190 characters");
      return NULL;
    }
  if (json_object_has_member (obj, "route"))
    {
      node = json_object_get_member (obj, "route");
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'route' must be true or false");
          return NULL;
        }
      route = json_node_get_boolean (node);
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, count);
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (gint64 n = 0; n < count; n++)
    {
      g_autoptr (JsonObject) record = json_object_new ();
      g_autofree char *id = NULL;
      g_autofree char *title = NULL;
      g_autofree char *lower_by = g_ascii_strdown (createdby, -1);
      g_autoptr (GError) local = NULL;

      do
        {
          g_free (id);
          id = g_strdup_printf ("b0b0b0b0-0000-4000-8000-%012" G_GINT64_MODIFIER "x", (gint64) ++self->bulk_seq);
        }
      while (mock_store_lookup (self->store, conversations, id));
      title = g_strdup_printf ("%s %" G_GUINT64_FORMAT, subject, self->bulk_seq);
      json_object_set_string_member (record, "activityid", id);
      json_object_set_string_member (record, "subject", title);
      json_object_set_string_member (record, "msdyn_channel", "192360000");
      json_object_set_string_member (record, "_createdby_value", lower_by);
      json_object_set_string_member (record, "_modifiedby_value", lower_by);
      json_object_set_string_member (record, "_ownerid_value", lower_by);
      if (workstream)
        {
          g_autofree char *lower_ws = g_ascii_strdown (workstream, -1);

          json_object_set_string_member (record, "_msdyn_liveworkstreamid_value", lower_ws);
        }
      mock_create_defaults (self, conversations, record, now);
      if (!mock_store_insert (self->store, conversations, record, &local))
        g_error ("bulk conversation: %s", local->message);   /* built from valid values */
      if (route)
        mock_routing_start (self, conversations, id);
      json_builder_add_string_value (b, id);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
