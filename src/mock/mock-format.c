/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-format.c — Prefer headers, and records as Dataverse returns them.
 *
 * With Prefer: odata.include-annotations="OData.Community.Display.V1.FormattedValue"
 * (or "*") every choice, lookup, date and Boolean value in an answer gets a
 * "<column>@OData.Community.Display.V1.FormattedValue" sibling: the choice's
 * label, the referenced record's primary name, the date as the application
 * user sees it. "Microsoft.Dynamics.CRM.lookuplogicalname" (or "*") adds the
 * table a lookup points at. Annotations come before their property, as the
 * OData library Dataverse uses writes them. */
#include "mock-format.h"

#include <stdio.h>
#include <string.h>

#include "mock-odata.h"
#include "mock-options.h"

void
mock_prefs_clear (MockPrefs *prefs)
{
  g_clear_pointer (&prefs->include_annotations, g_free);
  memset (prefs, 0, sizeof *prefs);
}

/* OData annotation filters: "*", "ns.*", "ns.term", and "-" to exclude. */
static gboolean
annotation_selected (const char *list, const char *term)
{
  g_auto (GStrv) patterns = NULL;
  gboolean included = FALSE;

  if (list == NULL)
    return FALSE;
  patterns = g_strsplit (list, ",", -1);
  for (guint i = 0; patterns[i]; i++)
    {
      char *p = g_strstrip (patterns[i]);
      gboolean exclude = *p == '-';
      gboolean match;

      if (exclude)
        p++;
      if (strcmp (p, "*") == 0)
        match = TRUE;
      else if (g_str_has_suffix (p, ".*"))
        match = strncmp (term, p, strlen (p) - 1) == 0;
      else
        match = strcmp (term, p) == 0;
      if (match && exclude)
        return FALSE;
      included |= match;
    }
  return included;
}

gboolean
mock_prefs_parse (MockPrefs *prefs, const char *header, GError **error)
{
  const char *p = header;

  memset (prefs, 0, sizeof *prefs);
  while (p && *p)
    {
      g_autoptr (GString) item = g_string_new (NULL);
      gboolean quoted = FALSE;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      char *eq;

      for (; *p && (quoted || *p != ','); p++)
        {
          if (*p == '"')
            quoted = !quoted;
          else
            g_string_append_c (item, *p);
        }
      if (*p == ',')
        p++;
      g_strstrip (item->str);
      if (*item->str == '\0')
        continue;
      eq = strchr (item->str, '=');
      name = g_strstrip (g_strndup (item->str, eq ? (gsize) (eq - item->str) : strlen (item->str)));
      value = g_strstrip (g_strdup (eq ? eq + 1 : ""));
      if (g_ascii_strcasecmp (name, "return") == 0)
        {
          prefs->return_representation = strcmp (value, "representation") == 0;
          prefs->return_minimal = strcmp (value, "minimal") == 0;
        }
      else if (g_ascii_strcasecmp (name, "odata.include-annotations") == 0)
        {
          g_free (prefs->include_annotations);
          prefs->include_annotations = g_steal_pointer (&value);
        }
      else if (g_ascii_strcasecmp (name, "odata.maxpagesize") == 0)
        {
          guint64 n = 0;

          if (!g_ascii_string_to_unsigned (value, 10, 1, MOCK_MAX_PAGE_SIZE, &n, NULL))
            {
              g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                           "The value '%s' of odata.maxpagesize is not valid; it must be from 1 to %u.",
                           value, MOCK_MAX_PAGE_SIZE);
              mock_prefs_clear (prefs);
              return FALSE;
            }
          prefs->maxpagesize = (guint) n;
        }
    }
  prefs->formatted = annotation_selected (prefs->include_annotations, MOCK_ANNOTATION_FORMATTED);
  prefs->lookup_names = annotation_selected (prefs->include_annotations, MOCK_ANNOTATION_LOOKUP);
  return TRUE;
}

char *
mock_prefs_applied (const MockPrefs *prefs, gboolean representation, gboolean page_size)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (representation && prefs->return_representation)
    g_ptr_array_add (parts, g_strdup ("return=representation"));
  if (prefs->include_annotations)
    g_ptr_array_add (parts, g_strdup_printf ("odata.include-annotations=\"%s\"", prefs->include_annotations));
  if (page_size && prefs->maxpagesize)
    g_ptr_array_add (parts, g_strdup_printf ("odata.maxpagesize=%u", prefs->maxpagesize));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (",", (char **) parts->pdata);
}

char *
mock_format_datetime (const char *iso8601)
{
  g_autoptr (GDateTime) parsed = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr (GDateTime) utc = parsed ? g_date_time_to_utc (parsed) : NULL;
  int hour;

  if (utc == NULL)
    return NULL;
  /* Built by hand: %p would follow the process locale. */
  hour = g_date_time_get_hour (utc) % 12;
  return g_strdup_printf ("%d/%d/%d %d:%02d %s", g_date_time_get_month (utc), g_date_time_get_day_of_month (utc),
                          g_date_time_get_year (utc), hour == 0 ? 12 : hour, g_date_time_get_minute (utc),
                          g_date_time_get_hour (utc) < 12 ? "AM" : "PM");
}

static char *
format_choice (MockStore *store, const MockEntity *entity, const MockColumn *column, JsonNode *node)
{
  if (column->flags & MOCK_COL_MULTI)
    {
      g_auto (GStrv) values = g_strsplit (json_node_get_string (node), ",", -1);
      g_autoptr (GPtrArray) labels = g_ptr_array_new ();

      for (guint i = 0; values[i]; i++)
        {
          gint64 v = 0;
          const char *label = g_ascii_string_to_signed (values[i], 10, G_MININT32, G_MAXINT32, &v, NULL)
                              ? mock_options_label (store, entity, column, v) : NULL;

          if (label == NULL)
            return NULL;
          g_ptr_array_add (labels, (gpointer) label);
        }
      g_ptr_array_add (labels, NULL);
      return g_strjoinv ("; ", (char **) labels->pdata);
    }
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return NULL;
  return g_strdup (mock_options_label (store, entity, column, json_node_get_int (node)));
}

/* The table a lookup value points at: the column's target, or for polymorphic
 * lookups the record's objecttypecode. */
static const MockEntity *
lookup_target (const MockColumn *column, JsonObject *record)
{
  if (column->target)
    return mock_entity_by_name (column->target);
  return mock_entity_by_name (json_object_get_string_member_with_default (record, "objecttypecode", NULL));
}

static void
add_annotations (MockStore *store, const MockEntity *entity, const MockColumn *column, JsonObject *record, JsonNode *node,
                 const MockPrefs *prefs, JsonObject *out)
{
  g_autofree char *formatted = NULL;
  const MockEntity *target = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return;
  if (column->type == MOCK_COL_LOOKUP)
    target = lookup_target (column, record);
  if (prefs->formatted)
    {
      if (column->options && (column->type == MOCK_COL_INT || column->type == MOCK_COL_STRING))
        formatted = format_choice (store, entity, column, node);
      else if (column->type == MOCK_COL_LOOKUP && target && target->primary_name)
        {
          JsonObject *referenced = mock_store_lookup (store, target, json_node_get_string (node));
          const char *name = referenced
                             ? json_object_get_string_member_with_default (referenced, target->primary_name, NULL)
                             : NULL;

          formatted = g_strdup (name);
        }
      else if (column->type == MOCK_COL_DATETIME)
        formatted = mock_format_datetime (json_node_get_string (node));
      else if (column->type == MOCK_COL_BOOL)
        formatted = g_strdup (json_node_get_boolean (node) ? "Yes" : "No");
      if (formatted)
        {
          g_autofree char *name = g_strconcat (column->name, "@" MOCK_ANNOTATION_FORMATTED, NULL);

          json_object_set_string_member (out, name, formatted);
        }
    }
  if (prefs->lookup_names && column->type == MOCK_COL_LOOKUP && target)
    {
      g_autofree char *name = g_strconcat (column->name, "@" MOCK_ANNOTATION_LOOKUP, NULL);

      json_object_set_string_member (out, name, target->logical_name);
    }
}

static void
format_column (MockStore *store, const MockEntity *entity, JsonObject *record, const char *name,
               const MockPrefs *prefs, JsonObject *out)
{
  JsonNode *node = json_object_get_member (record, name);
  const MockColumn *column;

  if (json_object_has_member (out, name))
    return;
  column = mock_entity_column (entity, name);
  if (prefs && column && node && !JSON_NODE_HOLDS_NULL (node))
    add_annotations (store, entity, column, record, node, prefs, out);
  if (node)
    json_object_set_member (out, name, json_node_copy (node));
  else
    json_object_set_null_member (out, name);
}

void
mock_format_columns (MockStore *store, const MockEntity *entity, JsonObject *record,
                     const char *const *columns, const MockPrefs *prefs, JsonObject *out)
{
  for (guint i = 0; columns && columns[i]; i++)
    format_column (store, entity, record, columns[i], prefs, out);
}

void
mock_format_record (MockStore *store, const MockEntity *entity, JsonObject *record,
                    const char *const *select, const MockPrefs *prefs, JsonObject *out)
{
  g_autofree char *etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"",
                                           json_object_get_int_member_with_default (record, "versionnumber", 0));

  json_object_set_string_member (out, "@odata.etag", etag);
  if (select == NULL)
    for (const MockColumn *c = entity->columns; c->name; c++)
      format_column (store, entity, record, c->name, prefs, out);
  else
    for (guint i = 0; select[i]; i++)
      format_column (store, entity, record, select[i], prefs, out);
  format_column (store, entity, record, entity->key, prefs, out);
}
