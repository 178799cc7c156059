/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-validate.c — step 4 of a create: what the platform checks
 * once the body has been read and the privileges granted. Text lengths in
 * UTF-16 code units, as .NET counts (0x80044331), choice values and
 * multi-select choices (0x8004431a), required columns (0x80044331), the same
 * for every deep-inserted child, a status reason of the default state
 * (0x80048408), bound records existing (0x80040217), and table rules such
 * as a case's customer (0x80040278). */
#include "mock-create-private.h"

#include <string.h>

#include "mock-options.h"

static gboolean
check_multi (MockStore *store, const MockEntity *entity, const MockColumn *column, const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (*text == '\0')
    return FALSE;
  for (guint i = 0; parts[i]; i++)
    {
      gint64 v = 0;

      if (!g_ascii_string_to_signed (parts[i], 10, G_MININT32, G_MAXINT32, &v, NULL) ||
          mock_options_label (store, entity, column, v) == NULL || !g_hash_table_add (seen, parts[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_values (MockStore *store, const MockEntity *entity, JsonObject *values, gboolean update, MockCreateFail *f)
{
  g_autoptr (GList) members = json_object_get_members (values);

  for (GList *l = members; l; l = l->next)
    {
      const MockColumn *column = mock_entity_column (entity, l->data);
      JsonNode *node = json_object_get_member (values, l->data);

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (column->type == MOCK_COL_STRING && column->max_length &&
          mock_utf16_length (json_node_get_string (node)) > column->max_length)
        return mock_create_fail (f, 400, MOCK_CREATE_CODE_LENGTH,
                                 "A validation error occurred.  The length of the '%s' attribute of the '%s' entity exceeded the maximum allowed length of '%u'.",
                                 column->name, entity->logical_name, column->max_length);
      if (column->options && (column->flags & MOCK_COL_MULTI) &&
          !check_multi (store, entity, column, json_node_get_string (node)))
        {
          g_autofree char *accepted = mock_options_accepted (store, entity, column);

          return mock_create_fail (f, 400, MOCK_CREATE_CODE_RANGE,
                                   "A validation error occurred.  The value '%s' of '%s' on record of type '%s' is outside the valid range. Accepted Values: %s",
                                   json_node_get_string (node), column->name, entity->logical_name, accepted);
        }
      if (column->options && column->type == MOCK_COL_INT &&
          mock_options_label (store, entity, column, json_node_get_int (node)) == NULL)
        {
          g_autofree char *accepted = mock_options_accepted (store, entity, column);

          return mock_create_fail (f, 400, MOCK_CREATE_CODE_RANGE,
                                   "A validation error occurred.  The value %" G_GINT64_FORMAT " of '%s' on record of type '%s' is outside the valid range. Accepted Values: %s",
                                   json_node_get_int (node), column->name, entity->logical_name, accepted);
        }
    }
  for (const MockColumn *c = entity->columns; c->name; c++)
    {
      JsonNode *node = json_object_get_member (values, c->name);

      /* An update only has to keep what it sends non-empty. */
      if ((c->flags & MOCK_COL_REQUIRED) && !(update && node == NULL) &&
          (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
           (c->type == MOCK_COL_STRING && *json_node_get_string (node) == '\0')))
        return mock_create_fail (f, 400, MOCK_CREATE_CODE_LENGTH,
                                 "A validation error occurred.  The '%s' attribute of the '%s' entity is required and cannot be empty.",
                                 c->name, entity->logical_name);
    }
  return TRUE;
}

gboolean
mock_create_check_state_pair (const MockEntity *entity, gint64 state, gint64 status, const char *id, MockCreateFail *f)
{
  const char *state_label;
  g_autofree char *schema = NULL;
  gint64 owner = -1;

  if (mock_options_status_state (entity, status, &owner) && owner == state)
    return TRUE;
  state_label = mock_column_option_label (mock_entity_column (entity, "statecode"), state);
  /* The platform names the state by the table's schema name: IncidentState.Active. */
  schema = g_strdup (entity->logical_name);
  if (strchr (schema, '_') == NULL)
    schema[0] = g_ascii_toupper (schema[0]);
  return mock_create_fail (f, 400, MOCK_CREATE_CODE_STATE_STATUS,
                           "%" G_GINT64_FORMAT " is not a valid status code for state code %sState.%s on %s%s%s.",
                           status, schema, state_label ? state_label : "Unknown", entity->logical_name,
                           id ? " with Id " : "", id ? id : "");
}

gboolean
mock_create_validate (MockServer *self, MockCreatePlan *plan, MockCreateFail *f)
{
  JsonNode *status;

  if (!check_values (self->store, plan->entity, plan->values, plan->update, f))
    return FALSE;
  /* A new record starts in the default state (0): a status reason sent on
   * create must be one of it. */
  status = plan->update ? NULL : json_object_get_member (plan->values, "statuscode");
  if (status && !JSON_NODE_HOLDS_NULL (status) &&
      !mock_create_check_state_pair (plan->entity, 0, json_node_get_int (status), NULL, f))
    return FALSE;
  for (guint i = 0; i < plan->children->len; i++)
    if (!mock_create_validate (self, ((MockCreateChild *) g_ptr_array_index (plan->children, i))->plan, f))
      return FALSE;
  if (!mock_create_binds_resolve (self, plan, f))
    return FALSE;
  if (!plan->update && strcmp (plan->entity->logical_name, "incident") == 0 && !mock_create_binds_column (plan, "_customerid_value"))
    return mock_create_fail (f, 400, MOCK_CREATE_CODE_CUSTOMER, "You should specify a parent contact or account.");
  return TRUE;
}
