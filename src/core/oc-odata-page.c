/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-odata-page.h"

#include <glib/gi18n-lib.h>

#include "oc-error.h"
#include "oc-json.h"

#define VALUE_ABSENT N_("value: must be an array, not absent")

gboolean
oc_odata_page_read (JsonNode *answer, gboolean translate, OcODataRowFunc parse, gpointer user_data, GPtrArray *rows,
                    char **next_link, guint *skipped, char **skip_reason, GError **error)
{
  g_return_val_if_fail (parse != NULL && rows != NULL, FALSE);
  g_return_val_if_fail (next_link != NULL && skipped != NULL && skip_reason != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  OcJsonReader reader;
  oc_json_reader_init_node (&reader, answer, NULL);
  JsonArray *values = oc_json_reader_array (&reader, "value");
  const char *next = oc_json_reader_string (&reader, "@odata.nextLink");
  if (!oc_json_reader_finish (&reader, error))
    return FALSE;
  if (values == NULL)
    {
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, translate ? _(VALUE_ABSENT) : VALUE_ABSENT);
      return FALSE;
    }

  *next_link = next && *next ? g_strdup (next) : NULL;
  guint length = json_array_get_length (values);
  for (guint i = 0; i < length; i++)
    {
      g_autoptr(GError) row_error = NULL;
      g_autofree char *path = g_strdup_printf ("value[%u]", i);
      gpointer row = parse (json_array_get_element (values, i), path, user_data, &row_error);
      if (row != NULL)
        {
          g_ptr_array_add (rows, row);
          continue;
        }
      if ((*skipped)++ == 0)
        *skip_reason = g_strdup (row_error->message);
    }
  return TRUE;
}
