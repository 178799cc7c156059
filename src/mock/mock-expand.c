/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-expand.c — $expand=<nav>($select=…;$top=…),… on the tables the mock holds.
 *
 * As Dataverse documents (query/join-tables): a single-valued navigation
 * property expands to the related record or null, a collection-valued one to
 * an array of related records; options inside the parentheses are separated
 * by ';'. The mock serves $select in both and $top in collections; $filter,
 * $orderby and nested $expand inside an expansion are valid on Dataverse
 * and answer 501 here; $skip, $count, $search and $levels are refused there
 * as here. Expanded records have the same form as top-level ones
 * (@odata.etag, the selected columns and the key, annotations on request). */
#include "mock-expand.h"

#include <string.h>

typedef struct {
  char                 *name;
  const MockNavigation *nav;         /* single-valued, or NULL */
  const MockCollection *collection;  /* collection-valued, or NULL */
  const MockEntity     *target;      /* the table of the related records; NULL when the mock holds none */
  char                **select;
  char                 *select_raw;
  gint64                top;
} Item;

struct _MockExpand {
  GPtrArray *items;   /* Item* */
};

static void
item_free (Item *item)
{
  g_free (item->name);
  g_strfreev (item->select);
  g_free (item->select_raw);
  g_free (item);
}

void
mock_expand_free (MockExpand *expand)
{
  if (expand == NULL)
    return;
  g_ptr_array_unref (expand->items);
  g_free (expand);
}

static gboolean
read_option (Item *item, const char *option, GError **error)
{
  const char *eq = strchr (option, '=');
  g_autofree char *name = eq ? g_strndup (option, (gsize) (eq - option)) : g_strdup (option);
  const char *value = eq ? eq + 1 : "";
  static const char *const refused[] = { "$skip", "$count", "$search", "$levels" };
  static const char *const unserved[] = { "$filter", "$orderby", "$expand" };

  g_strstrip (name);
  if (strcmp (name, "$select") == 0)
    {
      g_strfreev (item->select);
      g_free (item->select_raw);
      if (!mock_odata_parse_select (value, &item->select, &item->select_raw, error))
        return FALSE;
      for (guint i = 0; item->target && item->select && item->select[i]; i++)
        if (mock_entity_column (item->target, item->select[i]) == NULL)
          return mock_odata_set_error (error, "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                      item->select[i], item->target->logical_name);
      return TRUE;
    }
  if (strcmp (name, "$top") == 0 && item->collection)
    {
      guint64 n = 0;

      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &n, NULL))
        return mock_odata_set_error (error, "Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.",
                    value);
      item->top = (gint64) n;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    if (strcmp (name, refused[i]) == 0)
      return mock_odata_set_error (error, "The query option '%s' is not supported inside $expand ('%s').", name, item->name);
  for (guint i = 0; i < G_N_ELEMENTS (unserved); i++)
    if (strcmp (name, unserved[i]) == 0)
      {
        g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                     "The mock server does not implement '%s' inside $expand ('%s').", name, item->name);
        return FALSE;
      }
  return mock_odata_set_error (error, "The query option '%s' is not valid inside $expand ('%s').", name, item->name);
}

/* The first table of @nav's targets that the mock holds records of. */
static const MockEntity *
held_target (const MockNavigation *nav)
{
  for (const MockBindTarget *t = nav->targets; t && t->entity_set; t++)
    if (mock_entity_by_set (t->entity_set))
      return mock_entity_by_set (t->entity_set);
  return NULL;
}

static Item *
read_item (const MockEntity *entity, const char *text, GError **error)
{
  g_autoptr (GPtrArray) options = NULL;
  const char *paren = strchr (text, '(');
  Item *item = g_new0 (Item, 1);

  item->top = -1;
  item->name = g_strstrip (paren ? g_strndup (text, (gsize) (paren - text)) : g_strdup (text));
  if (*item->name == '\0' || strchr (item->name, '/') != NULL || (paren && !g_str_has_suffix (text, ")")))
    {
      mock_odata_set_error (error, "Term '%s' is not valid in a $select or $expand expression.", text);
      goto fail;
    }
  item->nav = mock_entity_navigation (entity, item->name);
  item->collection = mock_entity_collection (entity, item->name);
  if (item->nav && (item->nav->column == NULL || item->nav->targets == NULL))
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                   "The mock server does not implement $expand of '%s'.", item->name);
      goto fail;
    }
  if (item->nav == NULL && item->collection == NULL)
    {
      mock_odata_set_error (error, "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.", item->name,
           entity->logical_name);
      goto fail;
    }
  item->target = item->nav ? held_target (item->nav) : mock_entity_by_set (item->collection->child_set);
  if (paren)
    {
      g_autofree char *inside = g_strndup (paren + 1, strlen (paren) - 2);

      options = mock_odata_split_top (inside, ';');
      for (guint i = 0; options && i < options->len; i++)
        if (*(const char *) g_ptr_array_index (options, i) && !read_option (item, g_ptr_array_index (options, i), error))
          goto fail;
    }
  return item;

fail:
  item_free (item);
  return NULL;
}

gboolean
mock_expand_bind (MockODataQuery *query, const MockEntity *entity, GError **error)
{
  g_autoptr (GPtrArray) parts = NULL;
  MockExpand *expand;

  g_return_val_if_fail (query != NULL && entity != NULL, FALSE);
  if (query->expand == NULL)
    return TRUE;
  parts = mock_odata_split_top (query->expand, ',');
  if (parts == NULL)
    return mock_odata_set_error (error, "Syntax error: unbalanced parentheses in $expand '%s'.", query->expand);
  if (parts->len > 15)
    return mock_odata_set_error (error, "Number of expands '%u' exceeds the maximum allowed (15) in '%s'.", parts->len, query->expand);
  expand = g_new0 (MockExpand, 1);
  expand->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (guint i = 0; i < parts->len; i++)
    {
      Item *item = read_item (entity, g_ptr_array_index (parts, i), error);

      if (item == NULL)
        {
          mock_expand_free (expand);
          return FALSE;
        }
      for (guint j = 0; j < expand->items->len; j++)
        if (strcmp (((Item *) g_ptr_array_index (expand->items, j))->name, item->name) == 0)
          {
            mock_odata_set_error (error, "The navigation property '%s' is expanded more than once in '%s'.", item->name, query->expand);
            item_free (item);
            mock_expand_free (expand);
            return FALSE;
          }
      g_ptr_array_add (expand->items, item);
    }
  mock_expand_free (query->expansion);
  query->expansion = expand;
  return TRUE;
}

static JsonNode *
expand_single (const Item *item, MockStore *store, JsonObject *record, const MockPrefs *prefs)
{
  const char *id = json_object_get_string_member_with_default (record, item->nav->column, NULL);
  JsonObject *related = item->target && id ? mock_store_lookup (store, item->target, id) : NULL;
  JsonObject *out;

  if (related == NULL)
    return json_node_init_null (json_node_alloc ());
  out = json_object_new ();
  mock_format_record (store, item->target, related, (const char *const *) item->select, prefs, out);
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
expand_collection (const Item *item, MockStore *store, const MockEntity *entity, JsonObject *record,
                   const MockPrefs *prefs)
{
  const char *id = json_object_get_string_member_with_default (record, entity->key, NULL);
  const MockCollection *c = item->collection;
  const MockEntity *intersect = c->intersect_set ? mock_entity_by_set (c->intersect_set) : NULL;
  g_autoptr (GPtrArray) children = NULL;
  JsonArray *array = json_array_new ();

  if (intersect)
    {
      /* many-to-many: the related records named by the intersect rows of this parent */
      g_autoptr (GPtrArray) links = mock_store_query (store, intersect, NULL, -1);

      children = g_ptr_array_new ();
      for (guint i = 0; item->target && i < links->len; i++)
        {
          JsonObject *link = g_ptr_array_index (links, i);
          JsonObject *child;

          if (g_strcmp0 (json_object_get_string_member_with_default (link, c->child_lookup, NULL), id) != 0)
            continue;
          child = mock_store_lookup (store, item->target,
                                     json_object_get_string_member_with_default (link, c->intersect_other, NULL));
          if (child)
            g_ptr_array_add (children, child);
        }
      for (guint i = 0; i < children->len; i++)
        {
          JsonObject *out;

          if (item->top >= 0 && json_array_get_length (array) >= (guint64) item->top)
            break;
          out = json_object_new ();
          mock_format_record (store, item->target, g_ptr_array_index (children, i), (const char *const *) item->select,
                              prefs, out);
          json_array_add_object_element (array, out);
        }
      return json_node_init_array (json_node_alloc (), array);
    }
  children = item->target ? mock_store_query (store, item->target, NULL, -1) : NULL;

  for (guint i = 0; children && i < children->len; i++)
    {
      JsonObject *child = g_ptr_array_index (children, i);
      JsonObject *out;

      if (g_strcmp0 (json_object_get_string_member_with_default (child, item->collection->child_lookup, NULL), id) != 0)
        continue;
      if (item->top >= 0 && json_array_get_length (array) >= (guint64) item->top)
        break;
      out = json_object_new ();
      mock_format_record (store, item->target, child, (const char *const *) item->select, prefs, out);
      json_array_add_object_element (array, out);
    }
  return json_node_init_array (json_node_alloc (), array);
}

void
mock_expand_apply (const MockExpand *expand, MockStore *store, const MockEntity *entity, JsonObject *record,
                   const MockPrefs *prefs, JsonObject *out)
{
  for (guint i = 0; expand && i < expand->items->len; i++)
    {
      const Item *item = g_ptr_array_index (expand->items, i);

      json_object_set_member (out, item->name,
                              item->nav ? expand_single (item, store, record, prefs)
                                        : expand_collection (item, store, entity, record, prefs));
    }
}

char *
mock_expand_context (const MockExpand *expand)
{
  GString *s;

  if (expand == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = 0; i < expand->items->len; i++)
    {
      const Item *item = g_ptr_array_index (expand->items, i);

      g_string_append_printf (s, "%s%s(%s)", i ? "," : "", item->name, item->select_raw ? item->select_raw : "");
    }
  return g_string_free (s, FALSE);
}
