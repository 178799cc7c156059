/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-apply.c — GET <entityset>?$apply=… : the subset of OData data
 * aggregation Dataverse documents (power-apps/developer/data-platform/webapi/
 * query/aggregate-data):
 *
 *   $apply=[filter(<expr>)/]groupby((<col>,…)[,aggregate(<agg>,…)])
 *   $apply=[filter(<expr>)/]aggregate(<agg>,…)
 *   <agg> = $count as <alias> | <col> with min|max|sum|average|countdistinct as <alias>
 *
 * Dataverse's rules, kept here: no groupby on a datetime column; sum and
 * average on numbers only; aggregates over more than 50,000 rows fail with
 * AggregateQueryRecordLimit (0x8004e023); $orderby of an aggregated value is
 * "The query node SingleValueOpenPropertyAccess is not supported." Group
 * values carry their formatted-value annotations on request, as in
 * Microsoft's examples. Other options beside $apply answer 501 (Dataverse
 * has some of them; the mock does not). The wording of the refusals other
 * than the two quoted above is the mock's own. */
#include "mock-private.h"

#include <string.h>

#include "mock-filter.h"
#include "mock-odata.h"
#include "mock-response.h"
#include "mock-util.h"

#define AGGREGATE_LIMIT 50000

typedef enum { AGG_COUNT, AGG_MIN, AGG_MAX, AGG_SUM, AGG_AVERAGE, AGG_COUNTDISTINCT } AggKind;

typedef struct {
  AggKind           kind;
  const MockColumn *column;   /* NULL for $count */
  char             *alias;
} Agg;

typedef struct {
  MockFilter *filter;
  GPtrArray  *groupby;      /* const char* column names (owned strings) */
  GArray     *aggregates;   /* Agg */
  gboolean    grouped;      /* groupby() present (otherwise one row over everything) */
} Apply;

static void
apply_clear (Apply *a)
{
  g_clear_pointer (&a->filter, mock_filter_free);
  g_clear_pointer (&a->groupby, g_ptr_array_unref);
  if (a->aggregates)
    for (guint i = 0; i < a->aggregates->len; i++)
      g_free (g_array_index (a->aggregates, Agg, i).alias);
  g_clear_pointer (&a->aggregates, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Apply, apply_clear)

/* "name(inside)" → inside (transfer full), or NULL when @text is not that call. */
static char *
call_argument (const char *text, const char *name)
{
  gsize n = strlen (name);

  if (strncmp (text, name, n) != 0)
    return NULL;
  text += n;
  while (*text == ' ')
    text++;
  if (*text != '(' || !g_str_has_suffix (text, ")"))
    return NULL;
  return g_strndup (text + 1, strlen (text) - 2);
}

static gboolean
is_alias (const char *text)
{
  if (!g_ascii_isalpha (*text) && *text != '_')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
read_aggregate (const MockEntity *entity, const char *text, Agg *out, GError **error)
{
  static const struct { const char *name; AggKind kind; } methods[] = {
    { "min", AGG_MIN }, { "max", AGG_MAX }, { "sum", AGG_SUM }, { "average", AGG_AVERAGE },
    { "countdistinct", AGG_COUNTDISTINCT },
  };
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_ptr_array_add (parts, words[i]);
  if (parts->len == 3 && strcmp (parts->pdata[0], "$count") == 0 && strcmp (parts->pdata[1], "as") == 0 &&
      is_alias (parts->pdata[2]))
    {
      out->kind = AGG_COUNT;
      out->column = NULL;
      out->alias = g_strdup (parts->pdata[2]);
      return TRUE;
    }
  if (parts->len != 5 || strcmp (parts->pdata[1], "with") != 0 || strcmp (parts->pdata[3], "as") != 0 ||
      !is_alias (parts->pdata[4]))
    return mock_odata_set_error (error, "Syntax error in aggregate expression '%s'.", text);
  out->column = mock_entity_column (entity, parts->pdata[0]);
  if (out->column == NULL)
    return mock_odata_set_error (error, "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                                 (const char *) parts->pdata[0], entity->logical_name);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (strcmp (parts->pdata[2], methods[i].name) == 0)
      {
        gboolean numeric = out->column->type == MOCK_COL_INT || out->column->type == MOCK_COL_BIGINT ||
                           out->column->type == MOCK_COL_DECIMAL;

        out->kind = methods[i].kind;
        if ((out->kind == AGG_SUM || out->kind == AGG_AVERAGE) && !numeric)
          return mock_odata_set_error (error, "The aggregation method '%s' cannot be applied to the %s column '%s'.",
                                       methods[i].name, mock_column_type_edm (out->column->type), out->column->name);
        out->alias = g_strdup (parts->pdata[4]);
        return TRUE;
      }
  return mock_odata_set_error (error, "The aggregation method '%s' is not supported.", (const char *) parts->pdata[2]);
}

static gboolean
read_aggregates (const MockEntity *entity, const char *inside, Apply *a, GError **error)
{
  g_autoptr (GPtrArray) items = mock_odata_split_top (inside, ',');

  if (items == NULL || items->len == 0)
    return mock_odata_set_error (error, "Syntax error in aggregate(%s).", inside);
  for (guint i = 0; i < items->len; i++)
    {
      Agg agg = { 0 };

      if (!read_aggregate (entity, items->pdata[i], &agg, error))
        return FALSE;
      for (guint j = 0; j < a->aggregates->len; j++)
        if (strcmp (g_array_index (a->aggregates, Agg, j).alias, agg.alias) == 0)
          {
            mock_odata_set_error (error, "The alias '%s' is used more than once in $apply.", agg.alias);
            g_free (agg.alias);
            return FALSE;
          }
      g_array_append_val (a->aggregates, agg);
    }
  return TRUE;
}

static gboolean
read_groupby (const MockEntity *entity, const char *inside, Apply *a, GError **error)
{
  g_autoptr (GPtrArray) parts = mock_odata_split_top (inside, ',');
  g_autofree char *columns = NULL;

  if (parts == NULL || parts->len == 0 || parts->len > 2 ||
      (columns = call_argument (parts->pdata[0], "")) == NULL)
    return mock_odata_set_error (error, "Syntax error in groupby(%s): expected groupby((col,…)[,aggregate(…)]).", inside);
  g_autoptr (GPtrArray) names = mock_odata_split_top (columns, ',');
  for (guint i = 0; names && i < names->len; i++)
    {
      const MockColumn *column = mock_entity_column (entity, names->pdata[i]);

      if (column == NULL)
        return mock_odata_set_error (error, "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                                     (const char *) names->pdata[i], entity->logical_name);
      if (column->type == MOCK_COL_DATETIME)
        return mock_odata_set_error (error, "groupby with datetime values is not supported: '%s' is a DateTime column.",
                                     column->name);
      g_ptr_array_add (a->groupby, g_strdup (column->name));
    }
  if (a->groupby->len == 0)
    return mock_odata_set_error (error, "groupby needs at least one column.");
  a->grouped = TRUE;
  if (parts->len == 2)
    {
      g_autofree char *inner = call_argument (parts->pdata[1], "aggregate");

      if (inner == NULL)
        return mock_odata_set_error (error, "Syntax error in groupby(%s): only aggregate(…) may follow the columns.", inside);
      return read_aggregates (entity, inner, a, error);
    }
  return TRUE;
}

static gboolean
apply_parse (const MockEntity *entity, const char *text, Apply *a, GError **error)
{
  g_autoptr (GPtrArray) steps = mock_odata_split_top (text, '/');

  a->groupby = g_ptr_array_new_with_free_func (g_free);
  a->aggregates = g_array_new (FALSE, TRUE, sizeof (Agg));
  if (steps == NULL || steps->len == 0)
    return mock_odata_set_error (error, "Syntax error: unbalanced parentheses in $apply '%s'.", text);
  for (guint i = 0; i < steps->len; i++)
    {
      const char *step = steps->pdata[i];
      gboolean last = i + 1 == steps->len;
      g_autofree char *filter = call_argument (step, "filter");
      g_autofree char *groupby = filter ? NULL : call_argument (step, "groupby");
      g_autofree char *aggregate = filter || groupby ? NULL : call_argument (step, "aggregate");

      if (filter && i == 0 && !last && a->filter == NULL)
        {
          if ((a->filter = mock_filter_parse (filter, error)) == NULL || !mock_filter_bind (a->filter, entity, error))
            return FALSE;
        }
      else if (groupby && last)
        {
          if (!read_groupby (entity, groupby, a, error))
            return FALSE;
        }
      else if (aggregate && last)
        {
          if (!read_aggregates (entity, aggregate, a, error))
            return FALSE;
        }
      else
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                       "The mock server implements $apply as [filter(…)/]groupby(…) or aggregate(…) only, not '%s'.", step);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- evaluation ---- */

typedef struct {
  JsonObject *first;     /* a row of the group: its group values */
  guint64     count;
  GPtrArray  *rows;      /* JsonObject* (borrowed) */
} Group;

static void
group_free (Group *g)
{
  g_ptr_array_unref (g->rows);
  g_free (g);
}

static char *
group_key (const Apply *a, JsonObject *row)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < a->groupby->len; i++)
    {
      JsonNode *node = json_object_get_member (row, a->groupby->pdata[i]);
      g_autofree char *text = node && !JSON_NODE_HOLDS_NULL (node) ? mock_json_to_string (node) : g_strdup ("null");
      g_autofree char *folded = g_utf8_casefold (text, -1);

      g_string_append (key, folded);
      g_string_append_c (key, '\x1f');
    }
  return g_string_free (key, FALSE);
}

static int
compare_values (const MockColumn *column, JsonNode *a, JsonNode *b)
{
  if (column->type == MOCK_COL_INT || column->type == MOCK_COL_BIGINT || column->type == MOCK_COL_DECIMAL)
    {
      double x = json_node_get_double (a), y = json_node_get_double (b);
      return x < y ? -1 : x > y;
    }
  if (column->type == MOCK_COL_BOOL)
    return (int) json_node_get_boolean (a) - (int) json_node_get_boolean (b);
  /* ISO 8601 UTC text and GUIDs compare as text */
  return g_ascii_strcasecmp (json_node_get_string (a), json_node_get_string (b));
}

static gboolean
usable (const MockColumn *column, JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (column->type)
    {
    case MOCK_COL_INT:
    case MOCK_COL_BIGINT:
    case MOCK_COL_DECIMAL:
      return json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE;
    case MOCK_COL_BOOL:
      return json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    default:
      return json_node_get_value_type (node) == G_TYPE_STRING;
    }
}

static void
set_aggregate (const Agg *agg, const Group *g, JsonObject *out)
{
  JsonNode *best = NULL;
  double sum = 0;
  guint64 n = 0;
  g_autoptr (GHashTable) distinct = NULL;

  if (agg->kind == AGG_COUNT)
    {
      json_object_set_int_member (out, agg->alias, (gint64) g->count);
      return;
    }
  if (agg->kind == AGG_COUNTDISTINCT)
    distinct = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < g->rows->len; i++)
    {
      JsonNode *node = json_object_get_member (g->rows->pdata[i], agg->column->name);

      if (!usable (agg->column, node))
        continue;   /* nulls take no part, as in SQL */
      n++;
      if (distinct)
        g_hash_table_add (distinct, mock_json_to_string (node));
      else if (agg->kind == AGG_SUM || agg->kind == AGG_AVERAGE)
        sum += json_node_get_double (node);
      else if (best == NULL || (agg->kind == AGG_MIN ? compare_values (agg->column, node, best) < 0
                                                    : compare_values (agg->column, node, best) > 0))
        best = node;
    }
  switch (agg->kind)
    {
    case AGG_COUNTDISTINCT:
      json_object_set_int_member (out, agg->alias, g_hash_table_size (distinct));
      break;
    case AGG_SUM:
      if (n == 0)
        json_object_set_null_member (out, agg->alias);
      else if (agg->column->type == MOCK_COL_DECIMAL)
        json_object_set_double_member (out, agg->alias, sum);
      else
        json_object_set_int_member (out, agg->alias, (gint64) sum);
      break;
    case AGG_AVERAGE:
      if (n == 0)
        json_object_set_null_member (out, agg->alias);
      else
        json_object_set_double_member (out, agg->alias, sum / (double) n);
      break;
    default:
      if (best)
        json_object_set_member (out, agg->alias, json_node_copy (best));
      else
        json_object_set_null_member (out, agg->alias);
      break;
    }
}

void
mock_apply_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const MockODataQuery *query,
                   const MockPrefs *prefs)
{
  g_autoptr (GError) error = NULL;
  g_auto (Apply) a = { 0 };
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (JsonObject) out = json_object_new ();
  g_autofree char *context = NULL;
  JsonArray *value;

  if (query->orderby)
    {
      /* Dataverse's answer to ordering by an aggregated value; the mock orders nothing here */
      mock_odata_set_error (&error, "The query node SingleValueOpenPropertyAccess is not supported.");
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (query->present & ~(guint) MOCK_ODATA_APPLY)
    {
      g_set_error_literal (&error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                           "The mock server does not implement other query options beside $apply.");
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (!apply_parse (entity, query->apply, &a, &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (mock_dataverse_denied (self, msg, "GET", entity, "RetrieveMultiple"))
    return;

  rows = mock_store_query (self->store, entity, a.filter, -1);
  if (rows->len > AGGREGATE_LIMIT && a.aggregates->len > 0)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, "0x8004e023",
                                    "AggregateQueryRecordLimit exceeded. Cannot perform this operation.");
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      g_autofree char *key = a.grouped ? group_key (&a, row) : g_strdup ("");
      Group *g = g_hash_table_lookup (index, key);

      if (g == NULL)
        {
          g = g_new0 (Group, 1);
          g->first = row;
          g->rows = g_ptr_array_new ();
          g_ptr_array_add (groups, g);
          g_hash_table_insert (index, g_steal_pointer (&key), g);
        }
      g->count++;
      g_ptr_array_add (g->rows, row);
    }
  if (!a.grouped && groups->len == 0)
    {
      /* aggregate() over no rows still answers one row */
      Group *g = g_new0 (Group, 1);
      g->rows = g_ptr_array_new ();
      g_ptr_array_add (groups, g);
    }

  value = json_array_new ();
  for (guint i = 0; i < groups->len; i++)
    {
      Group *g = g_ptr_array_index (groups, i);
      JsonObject *item = json_object_new ();

      if (g->first)
        {
          g_ptr_array_add (a.groupby, NULL);
          mock_format_columns (self->store, entity, g->first, (const char *const *) a.groupby->pdata, prefs, item);
          g_ptr_array_remove_index (a.groupby, a.groupby->len - 1);
        }
      for (guint j = 0; j < a.aggregates->len; j++)
        set_aggregate (&g_array_index (a.aggregates, Agg, j), g, item);
      json_array_add_object_element (value, item);
    }
  context = g_strdup_printf ("%s" MOCK_API_BASE "$metadata#%s", self->url, entity->entity_set);
  json_object_set_string_member (out, "@odata.context", context);
  json_object_set_array_member (out, "value", value);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
}
