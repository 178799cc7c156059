/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-presence.c — reps' presence and capacity (msdyn_agentstatus rows),
 * moved by the routing simulation and by the /_mock/presence control.
 *
 * A conversation assigned to a rep takes its workstream's
 * msdyn_capacityrequired units (MOCK_PRESENCE_DEFAULT_UNITS when the
 * workstream sets none) off the rep's msdyn_availableunitscapacity; closing
 * it gives them back. A rep whose capacity runs out goes from a presence of
 * base status Available to the base Busy presence, and back to Available
 * when capacity frees up — as unified routing's capacity-based presence
 * does. Presences set to anything else (DND, Away, Offline, custom) are
 * left alone. A rep without an agent-status row is not touched. */
#include "mock-private.h"

#include <string.h>

#include "mock-util.h"

#define MOCK_PRESENCE_DEFAULT_UNITS 10

#define BASE_AVAILABLE 192360000
#define BASE_BUSY      192360001

static JsonObject *
status_of (MockServer *self, const char *agent_id)
{
  const MockEntity *statuses = mock_entity_by_set ("msdyn_agentstatuses");
  g_autoptr (GPtrArray) rows = mock_store_query (self->store, statuses, NULL, -1);

  for (guint i = 0; agent_id && i < rows->len; i++)
    if (g_ascii_strcasecmp (json_object_get_string_member_with_default (rows->pdata[i], "_msdyn_agentid_value", ""),
                            agent_id) == 0)
      return rows->pdata[i];
  return NULL;
}

/* The first presence of @base status in fixture order (the default one). */
static const char *
presence_with_base (MockServer *self, gint64 base)
{
  const MockEntity *presences = mock_entity_by_set ("msdyn_presences");
  g_autoptr (GPtrArray) rows = mock_store_query (self->store, presences, NULL, -1);

  for (guint i = 0; i < rows->len; i++)
    if (json_object_get_int_member_with_default (rows->pdata[i], "msdyn_basepresencestatus", -1) == base)
      return json_object_get_string_member (rows->pdata[i], "msdyn_presenceid");
  return NULL;
}

static gint64
base_of (MockServer *self, const char *presence_id)
{
  JsonObject *presence = presence_id ? mock_store_lookup (self->store, mock_entity_by_set ("msdyn_presences"), presence_id)
                                     : NULL;
  return presence ? json_object_get_int_member_with_default (presence, "msdyn_basepresencestatus", -1) : -1;
}

static void
set_presence (MockServer *self, JsonObject *status, const char *presence_id)
{
  g_autofree char *now = mock_now_iso8601 ();
  g_autofree char *lower = g_ascii_strdown (presence_id, -1);

  json_object_set_string_member (status, "_msdyn_currentpresenceid_value", lower);
  json_object_set_string_member (status, "msdyn_presencemodifiedon", now);
}

static gint64
units_of (MockServer *self, JsonObject *conversation)
{
  const char *ws = json_object_get_string_member_with_default (conversation, "_msdyn_liveworkstreamid_value", NULL);
  JsonObject *stream = ws ? mock_store_lookup (self->store, mock_entity_by_set ("msdyn_liveworkstreams"), ws) : NULL;
  gint64 units = stream ? json_object_get_int_member_with_default (stream, "msdyn_capacityrequired", 0) : 0;

  return units > 0 ? units : MOCK_PRESENCE_DEFAULT_UNITS;
}

void
mock_presence_take (MockServer *self, const char *agent_id, JsonObject *conversation, gboolean taken)
{
  JsonObject *status = status_of (self, agent_id);
  gint64 capacity, units;
  gint64 base;
  const char *target = NULL;

  if (status == NULL || conversation == NULL)
    return;
  units = units_of (self, conversation);
  capacity = json_object_get_int_member_with_default (status, "msdyn_availableunitscapacity", 0);
  capacity = taken ? capacity - units : capacity + units;
  json_object_set_int_member (status, "msdyn_availableunitscapacity", MAX (capacity, 0));
  base = base_of (self, json_object_get_string_member_with_default (status, "_msdyn_currentpresenceid_value", NULL));
  if (capacity <= 0 && base == BASE_AVAILABLE)
    target = presence_with_base (self, BASE_BUSY);
  else if (capacity > 0 && base == BASE_BUSY)
    target = presence_with_base (self, BASE_AVAILABLE);
  if (target)
    set_presence (self, status, target);
  mock_store_touch (self->store, status);
}

static const struct { const char *name; gint64 base; } presence_names[] = {
  { "available", 192360000 }, { "busy", 192360001 }, { "dnd", 192360002 }, { "away", 192360003 },
  { "offline", 192360004 },
};

JsonNode *
mock_presence_control (MockServer *self, JsonNode *request, GError **error)
{
  const MockEntity *statuses = mock_entity_by_set ("msdyn_agentstatuses");
  const MockEntity *users = mock_entity_by_set ("systemusers");
  JsonObject *obj, *status;
  const char *agent, *presence = NULL;
  g_autofree char *lower_agent = NULL;
  g_autoptr (GList) members = NULL;

  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the body must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (request);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    if (strcmp (l->data, "agent") != 0 && strcmp (l->data, "presence") != 0 && strcmp (l->data, "capacity") != 0 &&
        strcmp (l->data, "logged_in") != 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown member '%s'", (const char *) l->data);
        return NULL;
      }
  agent = json_object_get_string_member_with_default (obj, "agent", NULL);
  if (!mock_guid_is_valid (agent) || mock_store_lookup (self->store, users, agent) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'agent' must be the systemuserid of a systemuser");
      return NULL;
    }
  if (json_object_has_member (obj, "presence"))
    {
      const char *text = json_object_get_string_member_with_default (obj, "presence", NULL);

      for (guint i = 0; text && i < G_N_ELEMENTS (presence_names); i++)
        if (strcmp (text, presence_names[i].name) == 0)
          presence = presence_with_base (self, presence_names[i].base);
      /* any GUID is taken as is, even one no presence has (a broken org) */
      if (presence == NULL && mock_guid_is_valid (text))
        presence = text;
      if (presence == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "'presence' must be available, busy, dnd, away, offline or a msdyn_presenceid");
          return NULL;
        }
    }
  if (json_object_has_member (obj, "capacity"))
    {
      JsonNode *n = json_object_get_member (obj, "capacity");
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'capacity' must be a number ≥ 0");
          return NULL;
        }
    }
  if (json_object_has_member (obj, "logged_in") &&
      json_node_get_value_type (json_object_get_member (obj, "logged_in")) != G_TYPE_BOOLEAN)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'logged_in' must be true or false");
      return NULL;
    }

  lower_agent = g_ascii_strdown (agent, -1);
  status = status_of (self, lower_agent);
  if (status == NULL)
    {
      g_autoptr (JsonObject) row = json_object_new ();
      g_autofree char *id = g_uuid_string_random ();

      json_object_set_string_member (row, "msdyn_agentstatusid", id);
      json_object_set_string_member (row, "_msdyn_agentid_value", lower_agent);
      json_object_set_boolean_member (row, "msdyn_isagentloggedin", TRUE);
      json_object_set_int_member (row, "msdyn_availableunitscapacity", 100);
      if (!mock_store_insert (self->store, statuses, row, error))
        return NULL;
      status = mock_store_lookup (self->store, statuses, id);
    }
  if (presence)
    set_presence (self, status, presence);
  if (json_object_has_member (obj, "capacity"))
    json_object_set_int_member (status, "msdyn_availableunitscapacity", json_object_get_int_member (obj, "capacity"));
  if (json_object_has_member (obj, "logged_in"))
    json_object_set_boolean_member (status, "msdyn_isagentloggedin", json_object_get_boolean_member (obj, "logged_in"));
  mock_store_touch (self->store, status);
  return json_node_init_object (json_node_alloc (), status);   /* serialised at once by the caller */
}
