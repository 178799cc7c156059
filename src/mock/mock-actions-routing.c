/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-actions-routing.c — POST msdyn_ApplyRoutingRuleEntityRecord.
 *
 * The unbound action of the Omnichannel developer reference: "Applies the
 * active routing rule to an entity", parameter Target (crmbaseentity), no
 * return value → 204. The reference's example sends the target as a path,
 * {"Target":"incidents(<id>)"}; the OData form of an entity parameter,
 * {"Target":{"@odata.type":"Microsoft.Dynamics.CRM.incident","incidentid":…}},
 * is taken too. The mock routes cases: an active case gets a live work item
 * (channel "Entity Records", the case as its issue, the case's customer and
 * queue) that then goes through the routing simulation like a conversation;
 * routing a case again while its work item is open adds nothing. */
#include "mock-private.h"

#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

#define ACTION "msdyn_ApplyRoutingRuleEntityRecord"
#define CHANNEL_ENTITY_RECORDS "192350000"

static void
bad (SoupServerMessage *msg, const char *message)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "%s", message);
}

/* The incident id of the Target, lower case, or NULL having answered 400. */
static char *
target_id (SoupServerMessage *msg, JsonNode *node)
{
  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      gsize len = strlen (text);

      if (text[0] == '/')
        text++, len--;
      if (g_str_has_prefix (text, "incidents(") && len == strlen ("incidents(") + 37 && text[len - 1] == ')' &&
          mock_guid_is_valid_len (text + strlen ("incidents("), 36))
        return g_ascii_strdown (text + strlen ("incidents("), 36);
    }
  else if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      const char *type = json_object_get_string_member_with_default (obj, "@odata.type", NULL);
      const char *id = json_object_get_string_member_with_default (obj, "incidentid", NULL);

      if (type && type[0] == '#')
        type++;
      if (json_object_get_size (obj) == 2 && g_strcmp0 (type, "Microsoft.Dynamics.CRM.incident") == 0 &&
          mock_guid_is_valid (id))
        return g_ascii_strdown (id, -1);
    }
  bad (msg, "The parameter 'Target' of '" ACTION "' must be a case: \"incidents(<incidentid>)\" or "
            "{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"<guid>\"}; the mock routes cases only.");
  return NULL;
}

static gboolean
has_open_work_item (MockServer *self, const char *case_id)
{
  g_autoptr (GPtrArray) items = mock_store_query (self->store, mock_entity_by_set ("msdyn_ocliveworkitems"), NULL, -1);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "_msdyn_issueid_value", NULL), case_id) == 0 &&
          json_object_get_int_member_with_default (item, "statecode", 0) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The queue the case is in (AddToQueue), else the first queue of the org. */
static const char *
case_queue (MockServer *self, const char *case_id)
{
  g_autoptr (GPtrArray) items = mock_store_query (self->store, mock_entity_by_set ("queueitems"), NULL, -1);
  g_autoptr (GPtrArray) queues = mock_store_query (self->store, mock_entity_by_set ("queues"), NULL, -1);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "_objectid_value", NULL), case_id) == 0)
        return json_object_get_string_member_with_default (item, "_queueid_value", NULL);
    }
  return queues->len ? json_object_get_string_member (g_ptr_array_index (queues, 0), "queueid") : NULL;
}

static void
route_case (MockServer *self, JsonObject *incident, const char *case_id)
{
  const MockEntity *items = mock_entity_by_set ("msdyn_ocliveworkitems");
  g_autoptr (JsonObject) record = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *id = mock_guid_new ();
  g_autofree char *now = mock_now_iso8601 ();
  const char *title = json_object_get_string_member_with_default (incident, "title", NULL);
  g_autofree char *subject = g_strndup (title ? title : "Case", 200);

  json_object_set_string_member (record, "activityid", id);
  json_object_set_string_member (record, "subject", subject);
  json_object_set_string_member (record, "msdyn_channel", CHANNEL_ENTITY_RECORDS);
  json_object_set_string_member (record, "_msdyn_issueid_value", case_id);
  json_object_set_string_member (record, "_msdyn_customer_value",
                                 json_object_get_string_member_with_default (incident, "_customerid_value", NULL));
  json_object_set_string_member (record, "_msdyn_cdsqueueid_value", case_queue (self, case_id));
  mock_create_defaults (self, items, record, now);
  if (!mock_store_insert (self->store, items, record, &error))
    g_error (ACTION ": %s", error->message);
  mock_routing_start (self, items, id);
}

void
mock_actions_apply_routing_rule (MockServer *self, SoupServerMessage *msg, const char *raw_query)
{
  const MockEntity *incidents = mock_entity_by_set ("incidents");
  g_autoptr (JsonNode) body = mock_actions_read_body (msg, raw_query, ACTION);
  g_autoptr (GList) members = NULL;
  g_autofree char *case_id = NULL;
  JsonObject *obj, *incident;

  if (body == NULL)
    return;
  obj = json_node_get_object (body);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    if (strcmp (l->data, "Target") != 0)
      {
        g_autofree char *message = g_strdup_printf ("The parameter '%s' in the request payload is not a valid parameter for the operation '" ACTION "'.",
                                                    (const char *) l->data);
        bad (msg, message);
        return;
      }
  case_id = target_id (msg, json_object_get_member (obj, "Target"));
  if (case_id == NULL)
    return;
  if (mock_dataverse_denied (self, msg, "GET", incidents, ACTION))
    return;
  incident = mock_store_lookup (self->store, incidents, case_id);
  if (incident == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x80040217", "incident With Id = %s Does Not Exist", case_id);
      return;
    }
  if (json_object_get_int_member_with_default (incident, "statecode", 0) == 0 && !has_open_work_item (self, case_id))
    route_case (self, incident, case_id);
  mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "OData-Version", "4.0");
}
