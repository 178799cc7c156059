/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-order.c — $orderby, and keyset paging over the resulting order.
 *
 * Dataverse pages with a paging cookie that carries the sort values of the
 * last row of a page, not an offset; the next page starts after those values.
 * The mock does the same: a row that did not change while a client walks the
 * pages is returned exactly once, whatever happens to the others (a changed
 * row moves to its new place in the order and may be seen again there). Text
 * compares case-insensitively and nulls sort first, as in SQL Server. */
#include "mock-order.h"

#include <string.h>

#include "mock-odata.h"

typedef struct {
  const MockColumn *column;
  gboolean          desc;
} Item;

struct _MockOrder {
  GArray *items;   /* Item; the key ascending last */
};

void
mock_order_free (MockOrder *order)
{
  if (order == NULL)
    return;
  g_array_unref (order->items);
  g_free (order);
}

MockOrder *
mock_order_parse (const char *text, const MockEntity *entity, GError **error)
{
  g_autoptr (MockOrder) order = g_new0 (MockOrder, 1);
  g_auto (GStrv) parts = NULL;
  gboolean has_key = FALSE;

  order->items = g_array_new (FALSE, TRUE, sizeof (Item));
  parts = text ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
  for (guint i = 0; parts[i]; i++)
    {
      g_auto (GStrv) words = NULL;
      g_autoptr (GPtrArray) tokens = g_ptr_array_new ();
      Item item = { NULL, FALSE };

      words = g_strsplit_set (parts[i], " \t", -1);
      for (guint j = 0; words[j]; j++)
        if (*words[j])
          g_ptr_array_add (tokens, words[j]);
      if (tokens->len == 0 || tokens->len > 2 ||
          (tokens->len == 2 && strcmp (tokens->pdata[1], "asc") != 0 && strcmp (tokens->pdata[1], "desc") != 0))
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "Syntax error at position %u in '%s'.",
                       (guint) g_utf8_strlen (text, -1), text);
          return NULL;
        }
      item.column = mock_entity_column (entity, tokens->pdata[0]);
      if (item.column == NULL)
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                       (const char *) tokens->pdata[0], entity->logical_name);
          return NULL;
        }
      item.desc = tokens->len == 2 && strcmp (tokens->pdata[1], "desc") == 0;
      has_key |= strcmp (item.column->name, entity->key) == 0;
      g_array_append_val (order->items, item);
    }
  if (!has_key)
    {
      Item key = { mock_entity_column (entity, entity->key), FALSE };

      g_array_append_val (order->items, key);
    }
  return g_steal_pointer (&order);
}

static gint64
datetime_us (const char *text)
{
  g_autoptr (GDateTime) dt = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return dt ? g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt) : G_MININT64;
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node);
}

/* Ascending comparison of two values of @column; nulls first. */
static int
compare_values (const MockColumn *column, JsonNode *a, JsonNode *b)
{
  if (is_null (a) || is_null (b))
    return (int) !is_null (a) - (int) !is_null (b);
  switch (column->type)
    {
    case MOCK_COL_STRING:
      {
        g_autofree char *fa = g_utf8_casefold (json_node_get_string (a), -1);
        g_autofree char *fb = g_utf8_casefold (json_node_get_string (b), -1);

        int c = strcmp (fa, fb);   /* code point order of the case-folded text */

        return (c > 0) - (c < 0);
      }
    case MOCK_COL_GUID:
    case MOCK_COL_LOOKUP:
      {
        int c = g_ascii_strcasecmp (json_node_get_string (a), json_node_get_string (b));

        return (c > 0) - (c < 0);
      }
    case MOCK_COL_DATETIME:
      {
        gint64 x = datetime_us (json_node_get_string (a)), y = datetime_us (json_node_get_string (b));

        return (x > y) - (x < y);
      }
    case MOCK_COL_BOOL:
      return (int) json_node_get_boolean (a) - (int) json_node_get_boolean (b);
    case MOCK_COL_INT:
    case MOCK_COL_BIGINT:
    case MOCK_COL_DECIMAL:
    default:
      {
        double x = json_node_get_double (a), y = json_node_get_double (b);

        if (json_node_get_value_type (a) == G_TYPE_INT64 && json_node_get_value_type (b) == G_TYPE_INT64)
          {
            gint64 i = json_node_get_int (a), j = json_node_get_int (b);

            return (i > j) - (i < j);
          }
        return (x > y) - (x < y);
      }
    }
}

static int
compare_items (const MockOrder *order, JsonObject *record, JsonArray *cursor, JsonObject *other)
{
  for (guint i = 0; i < order->items->len; i++)
    {
      const Item *item = &g_array_index (order->items, Item, i);
      JsonNode *a = json_object_get_member (record, item->column->name);
      JsonNode *b = cursor ? json_array_get_element (cursor, i) : json_object_get_member (other, item->column->name);
      int c = compare_values (item->column, a, b);

      if (c != 0)
        return item->desc ? -c : c;
    }
  return 0;
}

static int
compare_records (gconstpointer a, gconstpointer b, gpointer order)
{
  return compare_items (order, *(JsonObject *const *) a, NULL, *(JsonObject *const *) b);
}

void
mock_order_sort (const MockOrder *order, GPtrArray *records)
{
  /* GLib's sort is a stable merge sort; the key makes the order total anyway. */
  g_ptr_array_sort_with_data (records, compare_records, (gpointer) order);
}

JsonNode *
mock_order_cursor (const MockOrder *order, JsonObject *record)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < order->items->len; i++)
    {
      const Item *item = &g_array_index (order->items, Item, i);
      JsonNode *value = json_object_get_member (record, item->column->name);

      json_array_add_element (array, value ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
    }
  json_node_take_array (node, array);
  return node;
}

gboolean
mock_order_cursor_valid (const MockOrder *order, JsonNode *cursor)
{
  JsonArray *array;

  if (cursor == NULL || !JSON_NODE_HOLDS_ARRAY (cursor))
    return FALSE;
  array = json_node_get_array (cursor);
  if (json_array_get_length (array) != order->items->len)
    return FALSE;
  for (guint i = 0; i < order->items->len; i++)
    {
      const Item *item = &g_array_index (order->items, Item, i);
      JsonNode *v = json_array_get_element (array, i);
      GType want;

      if (JSON_NODE_HOLDS_NULL (v))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (v))
        return FALSE;
      switch (item->column->type)
        {
        case MOCK_COL_BOOL: want = G_TYPE_BOOLEAN; break;
        case MOCK_COL_INT:
        case MOCK_COL_BIGINT: want = G_TYPE_INT64; break;
        case MOCK_COL_DECIMAL: want = json_node_get_value_type (v) == G_TYPE_DOUBLE ? G_TYPE_DOUBLE : G_TYPE_INT64; break;
        default: want = G_TYPE_STRING; break;
        }
      if (json_node_get_value_type (v) != want)
        return FALSE;
      if (item->column->type == MOCK_COL_DATETIME && datetime_us (json_node_get_string (v)) == G_MININT64)
        return FALSE;
    }
  return TRUE;
}

guint
mock_order_seek (const MockOrder *order, GPtrArray *records, JsonNode *cursor)
{
  JsonArray *array = json_node_get_array (cursor);
  guint lo = 0, hi = records->len;

  /* Sorted: binary search for the first record strictly after the cursor. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_items (order, g_ptr_array_index (records, mid), array, NULL) > 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}
