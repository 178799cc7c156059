/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-odata.c — OData system query options as Dataverse accepts them.
 *
 * Messages copy the wording of Microsoft.OData.Core, which is what Dataverse
 * wraps into its 0x80060888 errors, so a client's error display can be checked
 * against realistic text. */
#include "mock-odata.h"

#include <stdarg.h>
#include <string.h>

#include "mock-expand.h"
#include "mock-util.h"

G_DEFINE_QUARK (mock-odata-error-quark, mock_odata_error)

gboolean
mock_odata_set_error (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST, message);
  return FALSE;
}

GPtrArray *
mock_odata_split_top (const char *text, char sep)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  int depth = 0;

  for (const char *p = text;; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')' && --depth < 0)
        return NULL;
      else if ((*p == sep && depth == 0) || *p == '\0')
        {
          g_ptr_array_add (parts, g_strstrip (g_strndup (start, (gsize) (p - start))));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  return depth == 0 ? g_steal_pointer (&parts) : NULL;
}

void
mock_odata_query_free (MockODataQuery *query)
{
  if (query == NULL)
    return;
  g_strfreev (query->select);
  g_free (query->select_raw);
  g_free (query->filter);
  g_free (query->skiptoken);
  g_free (query->orderby);
  g_free (query->expand);
  g_free (query->apply);
  mock_expand_free (query->expansion);
  g_free (query);
}

typedef struct {
  const char     *name;
  MockODataOption bit;         /* 0 when not implemented by the mock */
  gboolean        dataverse;   /* TRUE: Dataverse supports it, so "not implemented" rather than "not supported" */
} OptionInfo;

static const OptionInfo options[] = {
  { "$select", MOCK_ODATA_SELECT, TRUE },
  { "$filter", MOCK_ODATA_FILTER, TRUE },
  { "$top", MOCK_ODATA_TOP, TRUE },
  { "$skiptoken", MOCK_ODATA_SKIPTOKEN, TRUE },
  { "$expand", MOCK_ODATA_EXPAND, TRUE },
  { "$orderby", MOCK_ODATA_ORDERBY, TRUE },
  { "$count", MOCK_ODATA_COUNT, TRUE },
  { "$apply", MOCK_ODATA_APPLY, TRUE },
  { "$deltatoken", 0, TRUE },
  { "$skip", 0, FALSE },
  { "$search", 0, FALSE },
  { "$format", 0, FALSE },
  { "$compute", 0, FALSE },
  { "$levels", 0, FALSE },
};

static gboolean
parse_top (const char *value, gint64 *out, GError **error)
{
  guint64 n = 0;

  if (value == NULL || *value == '\0' || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &n, NULL))
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                   "Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.",
                   value ? value : "");
      return FALSE;
    }
  *out = (gint64) n;
  return TRUE;
}

gboolean
mock_odata_parse_select (const char *value, char ***out, char **raw, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  *out = NULL;
  *raw = g_strdup (value);
  for (guint i = 0; parts[i]; i++)
    {
      char *name = g_strstrip (parts[i]);

      if (*name == '\0')
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "Term '%s' is not valid in a $select or $expand expression.", value);
          return FALSE;
        }
      if (strcmp (name, "*") == 0)
        {
          if (i > 0 || parts[i + 1] != NULL)
            {
              g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                           "Term '%s' is not valid in a $select or $expand expression.", value);
              return FALSE;
            }
          return TRUE;   /* all columns: same as no $select */
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  *out = (char **) g_ptr_array_steal (names, NULL);
  return TRUE;
}

MockODataQuery *
mock_odata_query_parse (const char *raw_query, GError **error)
{
  g_autoptr (MockODataQuery) query = g_new0 (MockODataQuery, 1);
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) local = NULL;

  query->top = -1;
  if (raw_query == NULL || *raw_query == '\0')
    return g_steal_pointer (&query);

  params = mock_query_parse (raw_query, &local);
  if (params == NULL)
    {
      g_set_error_literal (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                           "Bad Request - Error in query syntax.");
      return NULL;
    }

  for (guint i = 0; i < params->len; i++)
    {
      MockParam *p = g_ptr_array_index (params, i);
      const OptionInfo *info = NULL;

      for (guint j = 0; j < G_N_ELEMENTS (options); j++)
        if (strcmp (options[j].name, p->name) == 0)
          info = &options[j];

      if (info == NULL)
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "The query parameter '%s' is not supported.", p->name);
          return NULL;
        }
      if (g_hash_table_contains (seen, info->name))
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "Query option '%s' was specified more than once, but it must be specified at most once.",
                       info->name);
          return NULL;
        }
      g_hash_table_add (seen, (gpointer) info->name);

      if (info->bit == 0)
        {
          if (info->dataverse)
            g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                         "The mock server does not implement the query option '%s'.", info->name);
          else
            g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                         "The query parameter '%s' is not supported.", info->name);
          return NULL;
        }
      query->present |= info->bit;

      switch (info->bit)
        {
        case MOCK_ODATA_SELECT:
          if (!mock_odata_parse_select (p->value, &query->select, &query->select_raw, error))
            return NULL;
          break;
        case MOCK_ODATA_FILTER:
          query->filter = g_strdup (p->value);
          break;
        case MOCK_ODATA_TOP:
          if (!parse_top (p->value, &query->top, error))
            return NULL;
          break;
        case MOCK_ODATA_SKIPTOKEN:
          query->skiptoken = g_strdup (p->value);
          break;
        case MOCK_ODATA_ORDERBY:
          query->orderby = g_strdup (p->value);
          break;
        case MOCK_ODATA_EXPAND:
          query->expand = g_strdup (p->value);
          break;
        case MOCK_ODATA_APPLY:
          query->apply = g_strdup (p->value);
          break;
        case MOCK_ODATA_COUNT:
          if (strcmp (p->value, "true") != 0 && strcmp (p->value, "false") != 0)
            {
              g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                           "'%s' is not a valid count option.", p->value);
              return NULL;
            }
          query->count = strcmp (p->value, "true") == 0;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return g_steal_pointer (&query);
}

gboolean
mock_odata_query_check (const MockODataQuery *query, guint allowed, gboolean single_entity,
                        GError **error)
{
  for (guint j = 0; j < G_N_ELEMENTS (options); j++)
    {
      if (options[j].bit == 0 || !(query->present & options[j].bit) || (allowed & options[j].bit))
        continue;
      if (single_entity)
        g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                     "Query option '%s' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
                     options[j].name);
      else
        g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                     "The query parameter '%s' is not supported.", options[j].name);
      return FALSE;
    }
  return TRUE;
}

gboolean
mock_odata_select_validate (const MockODataQuery *query, const MockEntity *entity, GError **error)
{
  for (guint i = 0; query->select && query->select[i]; i++)
    if (mock_entity_column (entity, query->select[i]) == NULL)
      {
        g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                     "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                     query->select[i], entity->logical_name);
        return FALSE;
      }
  return TRUE;
}
