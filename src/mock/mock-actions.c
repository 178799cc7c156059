/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-actions.c — bound actions: POST queues(<id>)/Microsoft.Dynamics.CRM.AddToQueue.
 *
 * Body {"Target":{"@odata.type":"Microsoft.Dynamics.CRM.incident","incidentid":"<guid>"}},
 * optionally "SourceQueue" (a queue) and "QueueItemProperties" (a queueitem
 * with a title), the parameters of the AddToQueue action reference,
 * → 200 {"@odata.context":"…#Microsoft.Dynamics.CRM.AddToQueueResponse","QueueItemId":"<guid>"}.
 * An entity is in at most one queue: adding it again returns the same queue
 * item (moved to the new queue when it differs), as Dataverse does. */
#include "mock-private.h"

#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

#define INCIDENT_TYPE "Microsoft.Dynamics.CRM.incident"

static void
bad (SoupServerMessage *msg, const char *message)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "%s", message);
}

static JsonObject *
find_queue_item (MockServer *self, const char *object_id)
{
  const MockEntity *items = mock_entity_by_set ("queueitems");
  g_autoptr (GPtrArray) all = mock_store_query (self->store, items, NULL, -1);

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *item = g_ptr_array_index (all, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "_objectid_value", NULL), object_id) == 0 &&
          json_object_get_int_member_with_default (item, "statecode", 0) == 0)
        return item;
    }
  return NULL;
}

JsonNode *
mock_actions_read_body (SoupServerMessage *msg, const char *raw_query, const char *action)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *message = NULL;
  const char *content_type, *data;
  JsonNode *body;
  gsize length = 0;

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return NULL;
    }
  if (raw_query && *raw_query)
    {
      bad (msg, "Query options are not allowed on an action request.");
      return NULL;
    }
  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), &params);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      mock_respond_dataverse_error (msg, content_type ? SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE : SOUP_STATUS_BAD_REQUEST,
                                    MOCK_ODATA_CODE, "An action body must be sent as 'Content-Type: application/json'.");
      return NULL;
    }
  bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (bytes, &length);
  body = length && g_utf8_validate (data, (gssize) length, NULL) ? mock_json_parse (data, length, NULL) : NULL;
  if (body && JSON_NODE_HOLDS_OBJECT (body))
    return body;
  g_clear_pointer (&body, json_node_unref);
  message = g_strdup_printf ("The body of '%s' must be a JSON object with the parameter 'Target'.", action);
  bad (msg, message);
  return NULL;
}

/* {"@odata.type":"Microsoft.Dynamics.CRM.queue","queueid":…}: the queue, or NULL having answered. */
static const char *
source_queue (MockServer *self, SoupServerMessage *msg, JsonNode *node)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *type = obj ? json_object_get_string_member_with_default (obj, "@odata.type", NULL) : NULL;
  const char *id = obj ? json_object_get_string_member_with_default (obj, "queueid", NULL) : NULL;

  if (type && type[0] == '#')
    type++;
  if (obj == NULL || json_object_get_size (obj) != 2 || g_strcmp0 (type, "Microsoft.Dynamics.CRM.queue") != 0 ||
      !mock_guid_is_valid (id))
    {
      bad (msg, "The parameter 'SourceQueue' must be a queue: {\"@odata.type\":\"Microsoft.Dynamics.CRM.queue\",\"queueid\":\"<guid>\"}.");
      return NULL;
    }
  if (mock_store_lookup (self->store, mock_entity_by_set ("queues"), id) == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x80040217", "queue With Id = %s Does Not Exist", id);
      return NULL;
    }
  return id;
}

/* {"@odata.type":"Microsoft.Dynamics.CRM.queueitem","title":…}: FALSE having answered. */
static gboolean
item_properties (SoupServerMessage *msg, JsonNode *node, const char **title)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr (GList) members = obj ? json_object_get_members (obj) : NULL;

  if (obj == NULL)
    {
      bad (msg, "The parameter 'QueueItemProperties' must be a queueitem object.");
      return FALSE;
    }
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (obj, l->data);
      gboolean text = JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING;

      if (strcmp (l->data, "@odata.type") == 0 && text &&
          strcmp (json_node_get_string (v) + (json_node_get_string (v)[0] == '#'), "Microsoft.Dynamics.CRM.queueitem") == 0)
        continue;
      if (strcmp (l->data, "title") == 0 && text && mock_utf16_length (json_node_get_string (v)) <= 300)
        {
          *title = json_node_get_string (v);
          continue;
        }
      {
        g_autofree char *message = g_strdup_printf ("The property '%s' of 'QueueItemProperties' is not accepted by the mock; it takes '@odata.type' (Microsoft.Dynamics.CRM.queueitem) and 'title' (text of at most 300).",
                                                    (const char *) l->data);
        bad (msg, message);
        return FALSE;
      }
    }
  return TRUE;
}

void
mock_actions_add_to_queue (MockServer *self, SoupServerMessage *msg, const char *queue_id, const char *raw_query)
{
  const MockEntity *queues = mock_entity_by_set ("queues");
  const MockEntity *incidents = mock_entity_by_set ("incidents");
  const MockEntity *items = mock_entity_by_set ("queueitems");
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GList) target_members = NULL;
  g_autoptr (JsonObject) out = NULL;
  g_autofree char *context = NULL;
  g_autofree char *incident_id = NULL;
  const char *type, *item_id, *title = NULL;
  JsonObject *obj, *target, *incident, *item;
  JsonNode *node;

  body = mock_actions_read_body (msg, raw_query, "AddToQueue");
  if (body == NULL)
    return;
  obj = json_node_get_object (body);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      if (strcmp (l->data, "Target") == 0 || strcmp (l->data, "SourceQueue") == 0 ||
          strcmp (l->data, "QueueItemProperties") == 0)
        continue;
      {
        g_autofree char *message = g_strdup_printf ("The parameter '%s' in the request payload is not a valid parameter for the operation 'AddToQueue'.",
                                                    (const char *) l->data);
        bad (msg, message);
        return;
      }
    }
  node = json_object_get_member (obj, "Target");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad (msg, "The parameter 'Target' of the operation 'AddToQueue' is missing or is not an entity object.");
      return;
    }
  target = json_node_get_object (node);
  type = json_object_get_string_member_with_default (target, "@odata.type", NULL);
  if (type && type[0] == '#')
    type++;
  if (type == NULL)
    {
      bad (msg, "The 'Target' entity has no '@odata.type'; an entity parameter must name its type, e.g. 'Microsoft.Dynamics.CRM.incident'.");
      return;
    }
  if (strcmp (type, INCIDENT_TYPE) != 0)
    {
      g_autofree char *message = NULL;

      if (strcmp (type, "Microsoft.Dynamics.CRM.msdyn_ocliveworkitem") == 0)
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216",
                                        "The mock server implements AddToQueue for incidents only.");
          return;
        }
      message = g_strdup_printf ("The 'Target' type '%s' cannot be added to a queue.", type);
      bad (msg, message);
      return;
    }
  target_members = json_object_get_members (target);
  for (GList *l = target_members; l; l = l->next)
    if (strcmp (l->data, "@odata.type") != 0 && strcmp (l->data, "incidentid") != 0)
      {
        g_autofree char *message = g_strdup_printf ("The property '%s' of the 'Target' is not accepted by the mock; send only '@odata.type' and 'incidentid'.",
                                                    (const char *) l->data);
        bad (msg, message);
        return;
      }
  node = json_object_get_member (target, "incidentid");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      !mock_guid_is_valid (json_node_get_string (node)))
    {
      bad (msg, "The 'Target' must carry the key 'incidentid' as a GUID.");
      return;
    }
  incident_id = g_ascii_strdown (json_node_get_string (node), -1);
  /* SourceQueue names the queue the item leaves; the mock keeps one queue
   * item per record, so it only has to exist. */
  if ((node = json_object_get_member (obj, "SourceQueue")) != NULL && source_queue (self, msg, node) == NULL)
    return;
  if ((node = json_object_get_member (obj, "QueueItemProperties")) != NULL && !item_properties (msg, node, &title))
    return;

  if (mock_dataverse_denied (self, msg, "POST", items, "AddToQueue"))
    return;
  if (mock_store_lookup (self->store, queues, queue_id) == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x80040217", "queue With Id = %s Does Not Exist", queue_id);
      return;
    }
  incident = mock_store_lookup (self->store, incidents, incident_id);
  if (incident == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, "0x80040217", "incident With Id = %s Does Not Exist",
                                    incident_id);
      return;
    }

  item = find_queue_item (self, incident_id);
  if (item)
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (item, "_queueid_value", NULL), queue_id) != 0)
        {
          g_autofree char *now = mock_now_iso8601 ();

          json_object_set_string_member (item, "_queueid_value", queue_id);
          json_object_set_string_member (item, "enteredon", now);
          mock_store_touch (self->store, item);
        }
      if (title)
        {
          json_object_set_string_member (item, "title", title);
          mock_store_touch (self->store, item);
        }
    }
  else
    {
      g_autoptr (JsonObject) record = json_object_new ();
      g_autofree char *id = mock_guid_new ();
      g_autofree char *now = mock_now_iso8601 ();
      g_autoptr (GError) error = NULL;

      json_object_set_string_member (record, "queueitemid", id);
      json_object_set_string_member (record, "_queueid_value", queue_id);
      json_object_set_string_member (record, "_objectid_value", incident_id);
      json_object_set_string_member (record, "objecttypecode", "incident");
      json_object_set_string_member (record, "title",
                                     title ? title : json_object_get_string_member_with_default (incident, "title", NULL));
      json_object_set_string_member (record, "enteredon", now);
      json_object_set_int_member (record, "statecode", 0);
      json_object_set_int_member (record, "statuscode", 1);
      mock_create_defaults (self, items, record, now);
      if (!mock_store_insert (self->store, items, record, &error))
        g_error ("AddToQueue: %s", error->message);
      item = mock_store_lookup (self->store, items, id);
    }
  item_id = json_object_get_string_member (item, "queueitemid");
  context = g_strdup_printf ("%s" MOCK_API_BASE "$metadata#Microsoft.Dynamics.CRM.AddToQueueResponse", self->url);
  out = json_object_new ();
  json_object_set_string_member (out, "@odata.context", context);
  json_object_set_string_member (out, "QueueItemId", item_id);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
}
