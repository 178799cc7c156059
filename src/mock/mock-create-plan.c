/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-plan.c — the plan of a create: what the body asks to insert
 * (values, binds, deep-inserted children), the first failure found while
 * checking it, and, once every check has passed, inserting it (step 5). */
#include "mock-create-private.h"

#include <stdarg.h>

#include "mock-util.h"

gboolean
mock_create_fail (MockCreateFail *f, guint status, const char *code, const char *format, ...)
{
  va_list ap;

  if (f->message)
    return FALSE;
  f->status = status;
  f->code = code;
  va_start (ap, format);
  f->message = g_strdup_vprintf (format, ap);
  va_end (ap);
  return FALSE;
}

static void
bind_free (MockCreateBind *b)
{
  g_free (b->id);
  g_free (b);
}

static void
child_free (MockCreateChild *c)
{
  mock_create_plan_free (c->plan);
  g_free (c);
}

MockCreatePlan *
mock_create_plan_new (const MockEntity *entity)
{
  MockCreatePlan *plan = g_new0 (MockCreatePlan, 1);

  plan->entity = entity;
  plan->values = json_object_new ();
  plan->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_free);
  plan->children = g_ptr_array_new_with_free_func ((GDestroyNotify) child_free);
  return plan;
}

void
mock_create_plan_free (MockCreatePlan *plan)
{
  if (plan == NULL)
    return;
  json_object_unref (plan->values);
  g_ptr_array_unref (plan->binds);
  g_ptr_array_unref (plan->children);
  g_free (plan);
}

MockCreatePlan *
mock_create_plan_add_child (MockCreatePlan *plan, const MockCollection *collection)
{
  MockCreateChild *c = g_new0 (MockCreateChild, 1);

  c->collection = collection;
  c->plan = mock_create_plan_new (mock_entity_by_set (collection->child_set));
  g_ptr_array_add (plan->children, c);
  return c->plan;
}

void
mock_create_plan_write (MockCreatePlan *plan, JsonObject *record)
{
  g_autoptr (GList) members = json_object_get_members (plan->values);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (plan->values, l->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) == '\0')
        json_object_set_null_member (record, l->data);
      else
        json_object_set_member (record, l->data, json_node_copy (node));
    }
  mock_create_binds_apply (plan, record);
}

/* The record to insert: the values sent, the key, the bound lookups. */
static JsonObject *
plan_record (MockCreatePlan *plan, const char *id)
{
  JsonObject *record = json_object_new ();

  mock_create_plan_write (plan, record);
  json_object_set_string_member (record, plan->entity->key, id);
  return record;
}

void
mock_create_plan_commit (MockServer *self, MockCreatePlan *plan, const char *id, const char *now)
{
  g_autoptr (JsonObject) record = plan_record (plan, id);
  g_autoptr (GError) error = NULL;

  mock_create_defaults (self, plan->entity, record, now);
  if (!mock_store_insert (self->store, plan->entity, record, &error))
    g_error ("create: a checked record was refused: %s", error->message);
  for (guint i = 0; i < plan->children->len; i++)
    {
      MockCreateChild *c = g_ptr_array_index (plan->children, i);
      g_autofree char *child_id = mock_guid_new ();
      g_autoptr (JsonObject) child = plan_record (c->plan, child_id);

      json_object_set_string_member (child, c->collection->child_lookup, id);
      if (c->collection->child_type_column)
        json_object_set_string_member (child, c->collection->child_type_column, plan->entity->logical_name);
      mock_create_defaults (self, c->plan->entity, child, now);
      if (!mock_store_insert (self->store, c->plan->entity, child, &error))
        g_error ("create: a checked child record was refused: %s", error->message);
    }
}
