/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-store.c — in-memory Dataverse tables: JSON records keyed by GUID. */
#include "mock-store.h"

#include <string.h>

#include "mock-util.h"

G_DEFINE_QUARK (mock-store-error-quark, mock_store_error)

typedef struct {
  GPtrArray  *records;  /* JsonObject*, insertion order: collection GETs are stable */
  GHashTable *by_id;    /* lower-case GUID → JsonObject* (borrowed from records) */
} Table;

struct _MockStore {
  GObject     parent_instance;
  GHashTable *tables;   /* const MockEntity* → Table* */
  GHashTable *options;  /* "<table>.<column>" → GPtrArray of custom MockOption* (mock-options.c) */
  gint64      version;  /* source of versionnumber, as Dataverse's rowversion */
};

G_DEFINE_FINAL_TYPE (MockStore, mock_store, G_TYPE_OBJECT)

static void
table_free (Table *table)
{
  g_hash_table_unref (table->by_id);
  g_ptr_array_unref (table->records);
  g_free (table);
}

static Table *
get_table (MockStore *self, const MockEntity *entity, gboolean create)
{
  Table *table = g_hash_table_lookup (self->tables, entity);

  if (table == NULL && create)
    {
      table = g_new0 (Table, 1);
      table->records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      table->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->tables, (gpointer) entity, table);
    }
  return table;
}

static void
mock_store_finalize (GObject *object)
{
  MockStore *self = MOCK_STORE (object);

  g_hash_table_unref (self->tables);
  g_hash_table_unref (self->options);
  G_OBJECT_CLASS (mock_store_parent_class)->finalize (object);
}

static void
mock_store_class_init (MockStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mock_store_finalize;
}

static void
mock_store_init (MockStore *self)
{
  self->tables = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) table_free);
  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->version = 1000000;
}

MockStore *
mock_store_new (void)
{
  return g_object_new (MOCK_TYPE_STORE, NULL);
}

void
mock_store_clear (MockStore *self)
{
  g_return_if_fail (MOCK_IS_STORE (self));
  g_hash_table_remove_all (self->tables);
  g_hash_table_remove_all (self->options);
}

GHashTable *
mock_store_get_options (MockStore *self)
{
  g_return_val_if_fail (MOCK_IS_STORE (self), NULL);
  return self->options;
}

gboolean
mock_store_remove (MockStore *self, const MockEntity *entity, const char *id)
{
  Table *table = get_table (self, entity, FALSE);
  g_autofree char *lower = id ? g_ascii_strdown (id, -1) : NULL;
  JsonObject *record;

  g_return_val_if_fail (MOCK_IS_STORE (self), FALSE);
  record = table && lower ? g_hash_table_lookup (table->by_id, lower) : NULL;
  if (record == NULL)
    return FALSE;
  g_hash_table_remove (table->by_id, lower);
  g_ptr_array_remove (table->records, record);   /* unrefs it */
  return TRUE;
}

static gboolean
check_value (const MockEntity *entity, const MockColumn *column, JsonNode *node,
             JsonObject *copy, GError **error)
{
  GType vt;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      json_object_set_null_member (copy, column->name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    goto bad;
  vt = json_node_get_value_type (node);
  switch (column->type)
    {
    case MOCK_COL_STRING:
      if (vt != G_TYPE_STRING)
        goto bad;
      break;
    case MOCK_COL_INT:
      if (vt != G_TYPE_INT64 || json_node_get_int (node) < G_MININT32 || json_node_get_int (node) > G_MAXINT32)
        goto bad;
      break;
    case MOCK_COL_BIGINT:
      if (vt != G_TYPE_INT64)
        goto bad;
      break;
    case MOCK_COL_DECIMAL:
      if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE)
        goto bad;
      break;
    case MOCK_COL_BOOL:
      if (vt != G_TYPE_BOOLEAN)
        goto bad;
      break;
    case MOCK_COL_GUID:
    case MOCK_COL_LOOKUP:
      if (vt != G_TYPE_STRING || !mock_guid_is_valid (json_node_get_string (node)))
        goto bad;
      {
        g_autofree char *lower = g_ascii_strdown (json_node_get_string (node), -1);

        json_object_set_string_member (copy, column->name, lower);
      }
      return TRUE;
    case MOCK_COL_DATETIME:
      {
        g_autoptr (GDateTime) dt = NULL;

        if (vt != G_TYPE_STRING)
          goto bad;
        dt = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
        if (dt == NULL)
          goto bad;
      }
      break;
    default:
      goto bad;
    }
  json_object_set_member (copy, column->name, json_node_copy (node));
  return TRUE;

bad:
  g_set_error (error, MOCK_STORE_ERROR, MOCK_STORE_ERROR_INVALID,
               "'%s' of %s must be %s", column->name, entity->logical_name,
               mock_column_type_edm (column->type));
  return FALSE;
}

gboolean
mock_store_insert (MockStore *self, const MockEntity *entity, JsonObject *record, GError **error)
{
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) members = NULL;
  g_autofree char *now = mock_now_iso8601 ();
  const char *id;
  Table *table;

  g_return_val_if_fail (MOCK_IS_STORE (self), FALSE);

  members = json_object_get_members (record);
  for (GList *l = members; l; l = l->next)
    {
      const MockColumn *column = mock_entity_column (entity, l->data);

      if (column == NULL)
        {
          g_set_error (error, MOCK_STORE_ERROR, MOCK_STORE_ERROR_INVALID,
                       "%s has no column '%s'", entity->logical_name, (const char *) l->data);
          return FALSE;
        }
      if (!check_value (entity, column, json_object_get_member (record, l->data), copy, error))
        return FALSE;
    }

  id = json_object_has_member (copy, entity->key) ? json_object_get_string_member (copy, entity->key) : NULL;
  if (id == NULL)
    {
      g_set_error (error, MOCK_STORE_ERROR, MOCK_STORE_ERROR_INVALID,
                   "%s record without '%s'", entity->logical_name, entity->key);
      return FALSE;
    }
  table = get_table (self, entity, TRUE);
  if (g_hash_table_contains (table->by_id, id))
    {
      g_set_error (error, MOCK_STORE_ERROR, MOCK_STORE_ERROR_DUPLICATE,
                   "A record with matching key values already exists.");
      return FALSE;
    }
  if (!json_object_has_member (copy, "createdon"))
    json_object_set_string_member (copy, "createdon", now);
  if (!json_object_has_member (copy, "modifiedon"))
    json_object_set_string_member (copy, "modifiedon", now);
  json_object_set_int_member (copy, "versionnumber", ++self->version);

  g_hash_table_insert (table->by_id, g_strdup (id), copy);
  g_ptr_array_add (table->records, g_steal_pointer (&copy));
  return TRUE;
}

JsonObject *
mock_store_lookup (MockStore *self, const MockEntity *entity, const char *id)
{
  Table *table = get_table (self, entity, FALSE);
  g_autofree char *lower = NULL;

  if (table == NULL || id == NULL)
    return NULL;
  lower = g_ascii_strdown (id, -1);
  return g_hash_table_lookup (table->by_id, lower);
}

GPtrArray *
mock_store_query (MockStore *self, const MockEntity *entity, const MockFilter *filter, gint64 limit)
{
  Table *table = get_table (self, entity, FALSE);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; table && i < table->records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (table->records, i);

      if (limit >= 0 && out->len >= (guint64) limit)
        break;
      if (filter == NULL || mock_filter_eval (filter, record))
        g_ptr_array_add (out, record);
    }
  return out;
}

guint
mock_store_count (MockStore *self, const MockEntity *entity)
{
  Table *table = get_table (self, entity, FALSE);

  return table ? table->records->len : 0;
}

JsonNode *
mock_store_dump (MockStore *self, const MockEntity *entity)
{
  Table *table = get_table (self, entity, FALSE);
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  /* Shares the records: callers serialise the dump at once. */
  for (guint i = 0; table && i < table->records->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (table->records, i)));
  json_node_take_array (node, array);
  return node;
}

void
mock_store_touch (MockStore *self, JsonObject *record)
{
  g_autofree char *now = mock_now_iso8601 ();

  json_object_set_int_member (record, "versionnumber", ++self->version);
  json_object_set_string_member (record, "modifiedon", now);
}
