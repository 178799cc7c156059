/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-options.c — choice values of the mock's tables and of a customised org.
 *
 * Dataverse refuses a value that is not in the column's option set (400
 * 0x8004431a "… is outside the valid range. Accepted Values: …"); a
 * customised org adds options, usually with a publisher prefix of 1000000000
 * or more. The mock keeps those extra options beside the records, so a seed
 * or /_mock/option-sets can describe such an org, and validation, formatted
 * values and the PicklistAttributeMetadata answer agree by construction. */
#include "mock-options.h"

#include <string.h>

static void
option_free (MockOption *option)
{
  g_free ((char *) option->label);
  g_free (option);
}

static GPtrArray *
custom_options (MockStore *store, const MockEntity *entity, const MockColumn *column)
{
  g_autofree char *key = g_strconcat (entity->logical_name, ".", column->name, NULL);

  return g_hash_table_lookup (mock_store_get_options (store), key);
}

const char *
mock_options_label (MockStore *store, const MockEntity *entity, const MockColumn *column, gint64 value)
{
  const char *label = mock_column_option_label (column, value);
  GPtrArray *custom;

  if (label || store == NULL)
    return label;
  custom = custom_options (store, entity, column);
  for (guint i = 0; custom && i < custom->len; i++)
    {
      const MockOption *o = g_ptr_array_index (custom, i);

      if (o->value == value)
        return o->label;
    }
  return NULL;
}

GPtrArray *
mock_options_list (MockStore *store, const MockEntity *entity, const MockColumn *column)
{
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *custom = store ? custom_options (store, entity, column) : NULL;

  for (const MockOption *o = column->options; o && o->label; o++)
    g_ptr_array_add (out, (gpointer) o);
  for (guint i = 0; custom && i < custom->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (custom, i));
  return out;
}

char *
mock_options_accepted (MockStore *store, const MockEntity *entity, const MockColumn *column)
{
  g_autoptr (GPtrArray) all = mock_options_list (store, entity, column);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < all->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "",
                            ((const MockOption *) g_ptr_array_index (all, i))->value);
  return g_string_free (s, FALSE);
}

gboolean
mock_options_add (MockStore *store, const char *logical_name, const char *column_name, gint64 value,
                  const char *label, GError **error)
{
  const MockEntity *entity = mock_entity_by_name (logical_name);
  const MockColumn *column = entity ? mock_entity_column (entity, column_name) : NULL;
  MockOption *option;
  GPtrArray *custom;

  g_return_val_if_fail (MOCK_IS_STORE (store), FALSE);
  if (column == NULL || column->options == NULL || column->type != MOCK_COL_INT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s.%s' is not a choice column of the mock", logical_name, column_name);
      return FALSE;
    }
  /* A state or status needs its pairing, which a label alone cannot give. */
  if (strcmp (column_name, "statecode") == 0 || strcmp (column_name, "statuscode") == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s.%s' cannot take custom options in the mock", logical_name, column_name);
      return FALSE;
    }
  if (value < G_MININT32 || value > G_MAXINT32 || mock_options_label (store, entity, column, value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%" G_GINT64_FORMAT " is not a new Int32 value of '%s.%s'", value, logical_name, column_name);
      return FALSE;
    }
  if (label == NULL || *label == '\0' || strlen (label) > 250 || !g_utf8_validate (label, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the label of %" G_GINT64_FORMAT " must be text of 1 to 250 bytes", value);
      return FALSE;
    }
  custom = custom_options (store, entity, column);
  if (custom == NULL)
    {
      custom = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
      g_hash_table_insert (mock_store_get_options (store), g_strconcat (logical_name, ".", column_name, NULL), custom);
    }
  option = g_new0 (MockOption, 1);
  option->value = value;
  option->label = g_strdup (label);
  g_ptr_array_add (custom, option);
  return TRUE;
}

static gboolean
load_into (MockStore *store, JsonObject *root, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (root);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *list = json_object_get_member (root, l->data);
      const char *dot = strchr (l->data, '.');
      g_autofree char *table = dot ? g_strndup (l->data, (gsize) (dot - (const char *) l->data)) : NULL;
      JsonArray *array;

      if (table == NULL || !JSON_NODE_HOLDS_ARRAY (list))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' must be named \"<table>.<column>\" and hold an array of options",
                       (const char *) l->data);
          return FALSE;
        }
      array = json_node_get_array (list);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          JsonNode *value = o ? json_object_get_member (o, "value") : NULL;
          JsonNode *label = o ? json_object_get_member (o, "label") : NULL;

          if (o == NULL || json_object_get_size (o) != 2 || value == NULL || label == NULL ||
              !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
              !JSON_NODE_HOLDS_VALUE (label) || json_node_get_value_type (label) != G_TYPE_STRING)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "%s[%u] must be {\"value\": <integer>, \"label\": \"<text>\"}", (const char *) l->data, i);
              return FALSE;
            }
          if (!mock_options_add (store, table, dot + 1, json_node_get_int (value), json_node_get_string (label), error))
            return FALSE;
        }
    }
  return TRUE;
}

static void
copy_options (GHashTable *from, GHashTable *to)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;
      GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);

      for (guint i = 0; i < list->len; i++)
        {
          const MockOption *o = g_ptr_array_index (list, i);
          MockOption *c = g_new0 (MockOption, 1);

          c->value = o->value;
          c->label = g_strdup (o->label);
          g_ptr_array_add (copy, c);
        }
      g_hash_table_insert (to, g_strdup (key), copy);
    }
}

gboolean
mock_options_load (MockStore *store, JsonNode *node, GError **error)
{
  g_autoptr (MockStore) staging = mock_store_new ();

  g_return_val_if_fail (MOCK_IS_STORE (store), FALSE);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "option sets must be an object of \"<table>.<column>\": [options]");
      return FALSE;
    }
  /* Checked in a deep copy of the live options first: all or nothing. */
  copy_options (mock_store_get_options (store), mock_store_get_options (staging));
  if (!load_into (staging, json_node_get_object (node), error))
    return FALSE;
  g_hash_table_remove_all (mock_store_get_options (store));
  copy_options (mock_store_get_options (staging), mock_store_get_options (store));
  return TRUE;
}

gboolean
mock_options_status_state (const MockEntity *entity, gint64 status, gint64 *state)
{
  const MockColumn *column = mock_entity_column (entity, "statuscode");

  for (const MockOption *o = column ? column->options : NULL; o && o->label; o++)
    if (o->value == status)
      {
        if (state)
          *state = o->state;
        return TRUE;
      }
  return FALSE;
}
