/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-bind.c — "<nav>@odata.bind": "/<entityset>(<guid>)" in a create.
 *
 * The reader (step 2) takes only references of that form naming a table the
 * navigation property allows, each lookup column set once; binding needs
 * Append on the table and AppendTo on the bound one (step 3); the bound
 * record must exist (step 4: 0x80040217 "Does Not Exist", also for tables the
 * mock holds no records of); the inserted record gets the lookup column. */
#include "mock-create-private.h"

#include <string.h>

#include "mock-util.h"

gboolean
mock_create_binds_column (MockCreatePlan *plan, const char *column)
{
  for (guint i = 0; i < plan->binds->len; i++)
    if (g_strcmp0 (((MockCreateBind *) g_ptr_array_index (plan->binds, i))->nav->column, column) == 0)
      return TRUE;
  return FALSE;
}

gboolean
mock_create_read_bind (const MockNavigation *nav, JsonNode *node, MockCreatePlan *plan, MockCreateFail *f)
{
  const char *text, *open;
  g_autofree char *set = NULL;
  g_autofree char *guid = NULL;
  const char *logical;
  gsize len;
  MockCreateBind *bind;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *shown = mock_create_literal (node);

      return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                               "The value '%s' of the annotation 'odata.bind' on the navigation property '%s' must be a string with an entity reference such as '/%s(<id>)'.",
                               shown, nav->name, nav->targets ? nav->targets[0].entity_set : "<set>");
    }
  text = json_node_get_string (node);
  len = strlen (text);
  open = strchr (text, '(');
  if (text[0] != '/' || open == NULL || len < 4 || text[len - 1] != ')' ||
      !mock_guid_is_valid_len (open + 1, (gsize) (text + len - 1 - (open + 1))))
    return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                             "The @odata.bind value '%s' of '%s' is not an entity reference of the form '/<entityset>(<id>)'.",
                             text, nav->name);
  set = g_strndup (text + 1, (gsize) (open - text - 1));
  guid = g_ascii_strdown (open + 1, 36);
  logical = mock_bind_target_logical_name (nav, set);
  if (logical == NULL)
    return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                             "The entity set '%s' in the @odata.bind value '%s' is not a target of the navigation property '%s' (expected '%s').",
                             set, text, nav->name, nav->targets[0].entity_set);
  if (mock_create_binds_column (plan, nav->column))
    return mock_create_fail (f, 400, MOCK_ODATA_CODE,
                             "The navigation property '%s' sets '%s', which another navigation property in the payload already sets.",
                             nav->name, nav->column);
  bind = g_new0 (MockCreateBind, 1);
  bind->nav = nav;
  bind->logical_name = logical;
  bind->id = g_steal_pointer (&guid);
  g_ptr_array_add (plan->binds, bind);
  return TRUE;
}

gboolean
mock_create_binds_allowed (MockServer *self, SoupServerMessage *msg, MockCreatePlan *plan)
{
  if (plan->binds->len > 0 && mock_dataverse_denied (self, msg, "APPEND", plan->entity, "Create"))
    return FALSE;
  for (guint i = 0; i < plan->binds->len; i++)
    {
      MockCreateBind *b = g_ptr_array_index (plan->binds, i);
      const MockEntity *target = mock_entity_by_name (b->logical_name);

      if (target && mock_dataverse_denied (self, msg, "APPENDTO", target, "Create"))
        return FALSE;
    }
  return TRUE;
}

gboolean
mock_create_binds_resolve (MockServer *self, MockCreatePlan *plan, MockCreateFail *f)
{
  for (guint i = 0; i < plan->binds->len; i++)
    {
      MockCreateBind *b = g_ptr_array_index (plan->binds, i);
      const MockEntity *target = mock_entity_by_name (b->logical_name);

      if (target == NULL || mock_store_lookup (self->store, target, b->id) == NULL)
        return mock_create_fail (f, 400, MOCK_CREATE_CODE_NOT_FOUND, "%s With Id = %s Does Not Exist",
                                 b->logical_name, b->id);
    }
  return TRUE;
}

void
mock_create_binds_apply (MockCreatePlan *plan, JsonObject *record)
{
  for (guint i = 0; i < plan->binds->len; i++)
    {
      MockCreateBind *b = g_ptr_array_index (plan->binds, i);

      json_object_set_string_member (record, b->nav->column, b->id);
    }
}
