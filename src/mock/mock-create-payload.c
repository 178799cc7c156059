/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-payload.c — step 2 of a create: the body as Dataverse's OData
 * reader sees it. Every member must be "@odata.type" naming the table, a
 * "<nav>@odata.bind" (mock-create-bind.c), a collection-valued navigation
 * property holding deep-inserted children (each read the same way), or a
 * column valid for create whose JSON type matches the column's; anything else
 * is 400 0x80060888 (or 501 where Dataverse accepts what the mock does not). */
#include "mock-create-private.h"

#include <string.h>

#include "mock-util.h"

char *
mock_create_literal (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return mock_json_to_string (node);
}

const char *
mock_create_node_kind (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) ? "StartObject" : JSON_NODE_HOLDS_ARRAY (node) ? "StartArray" : "PrimitiveValue";
}

static gboolean
read_value (const MockColumn *column, JsonNode *node, JsonObject *values, MockCreateFail *f)
{
  GType vt;
  gboolean ok;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      json_object_set_null_member (values, column->name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                             "An unexpected '%s' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.",
                             mock_create_node_kind (node));
  vt = json_node_get_value_type (node);
  switch (column->type)
    {
    case MOCK_COL_STRING:
      ok = vt == G_TYPE_STRING;
      break;
    case MOCK_COL_INT:
      ok = vt == G_TYPE_INT64 && json_node_get_int (node) >= G_MININT32 && json_node_get_int (node) <= G_MAXINT32;
      break;
    case MOCK_COL_BOOL:
      ok = vt == G_TYPE_BOOLEAN;
      break;
    case MOCK_COL_GUID:
      ok = vt == G_TYPE_STRING && mock_guid_is_valid (json_node_get_string (node));
      if (ok)
        {
          g_autofree char *lower = g_ascii_strdown (json_node_get_string (node), -1);

          json_object_set_string_member (values, column->name, lower);
          return TRUE;
        }
      break;
    default:
      ok = FALSE;
      break;
    }
  if (!ok)
    {
      g_autofree char *text = mock_create_literal (node);

      return mock_create_fail (f, 400, MOCK_ODATA_CODE, "Cannot convert the literal '%s' to the expected type '%s'.",
                               text, mock_column_type_edm (column->type));
    }
  json_object_set_member (values, column->name, json_node_copy (node));
  return TRUE;
}

static gboolean
read_collection (const MockCollection *collection, JsonNode *node, MockCreatePlan *plan, MockCreateFail *f)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                             "An unexpected '%s' node was found when reading from the JSON reader. A 'StartArray' node was expected for the collection navigation property '%s'.",
                             mock_create_node_kind (node), collection->name);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                 "An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
                                 mock_create_node_kind (element));
      if (!mock_create_read_object (json_node_get_object (element), mock_create_plan_add_child (plan, collection),
                                    TRUE, f))
        return FALSE;
    }
  return TRUE;
}

gboolean
mock_create_read_object (JsonObject *body, MockCreatePlan *plan, gboolean child, MockCreateFail *f)
{
  const MockEntity *entity = plan->entity;
  g_autoptr (GList) members = json_object_get_members (body);

  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (body, name);
      const char *at = strchr (name, '@');
      const MockCollection *collection;
      const MockColumn *column;

      if (strcmp (name, "@odata.type") == 0)
        {
          g_autofree char *want = g_strconcat ("Microsoft.Dynamics.CRM.", entity->logical_name, NULL);
          const char *type = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                             ? json_node_get_string (node) : "";

          if (strcmp (type[0] == '#' ? type + 1 : type, want) != 0)
            return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                     "A resource with type '%s' was found, but it is not assignable to the expected type '%s'. The type specified in the resource must be equal to either the expected type or a derived type.",
                                     type, want);
          continue;
        }
      if (at == name)
        return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                 "The instance annotation '%s' is not supported in a request body by the mock.", name);
      if (at)
        {
          g_autofree char *property = g_strndup (name, (gsize) (at - name));
          const MockNavigation *nav;

          if (strcmp (at + 1, "odata.bind") != 0)
            return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                     "The property annotation '%s' is not supported in a request body by the mock.", name);
          nav = mock_entity_navigation (entity, property);
          if (nav == NULL)
            return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                     "An undeclared property '%s' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.",
                                     property);
          if (child)
            return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                     "The mock does not accept '%s' inside a deep insert: the parent is bound by the insert itself.",
                                     name);
          if (!nav->supported)
            return mock_create_fail (f, 501, MOCK_CREATE_CODE_NOT_IMPL,
                                     "The mock server does not implement the navigation property '%s'.", property);
          if (!mock_create_read_bind (nav, node, plan, f))
            return FALSE;
          continue;
        }
      if ((collection = mock_entity_collection (entity, name)) != NULL)
        {
          if (plan->update)
            return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                     "Deep update is not supported: the collection-valued navigation property '%s' cannot be written in a PATCH; create the related records on their own.",
                                     name);
          if (!read_collection (collection, node, plan, f))
            return FALSE;
          continue;
        }
      if (mock_entity_navigation (entity, name) != NULL)
        return mock_create_fail (f, 501, MOCK_CREATE_CODE_NOT_IMPL,
                                 "The mock server does not implement deep insert through the single-valued navigation property '%s'; bind an existing record with '%s@odata.bind'.",
                                 name, name);
      column = mock_entity_column (entity, name);
      if (column == NULL)
        return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                 "The property '%s' does not exist on type 'Microsoft.Dynamics.CRM.%s'. Make sure to only use property names that are defined by the type.",
                                 name, entity->logical_name);
      if (column->type == MOCK_COL_LOOKUP)
        return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                 "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.");
      if (plan->update ? !(column->flags & (MOCK_COL_CREATE | MOCK_COL_UPDATE)) || strcmp (name, entity->key) == 0
                       : !(column->flags & MOCK_COL_CREATE))
        return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                                 "The property '%s' of 'Microsoft.Dynamics.CRM.%s' cannot be set on %s.",
                                 name, entity->logical_name, plan->update ? "update" : "create");
      if (!read_value (column, node, plan->values, f))
        return FALSE;
    }
  return TRUE;
}
