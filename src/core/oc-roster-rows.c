/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-roster-rows.h"

#include "oc-error.h"
#include "oc-guid.h"
#include "oc-json.h"
#include "oc-odata-page.h"

#define FORMATTED "@OData.Community.Display.V1.FormattedValue"
#define MAX_MEMBERS 10000

static void
row_free (OcRosterRow *row)
{
  g_free (row->id);
  g_free (row->name);
  g_free (row->ref);
  g_clear_pointer (&row->members, g_ptr_array_unref);
  g_free (row);
}

void
oc_roster_page_free (OcRosterPage *page)
{
  if (page == NULL)
    return;
  g_ptr_array_unref (page->rows);
  g_free (page->next_link);
  g_free (page->skip_reason);
  g_free (page);
}

static gint64
read_time (OcJsonReader *reader, const char *member, gboolean *bad)
{
  const char *text = oc_json_reader_string (reader, member);
  if (text == NULL)
    return 0;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    *bad = TRUE;
  return when ? g_date_time_to_unix (when) : 0;
}

static OcRosterRow *parse_row (JsonNode *node, const char *path, OcRosterRowsKind kind, guint depth, GError **error);

static gboolean
parse_members (JsonArray *array, const char *path, OcRosterRow *row, GError **error)
{
  guint length = json_array_get_length (array);
  if (length > MAX_MEMBERS)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "%s: more than %u members", path, MAX_MEMBERS);
      return FALSE;
    }
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s[%u]", path, i);
      OcRosterRow *member = parse_row (json_array_get_element (array, i), where, OC_ROSTER_ROWS_QUEUES, 1, error);
      if (member == NULL)
        return FALSE;
      g_ptr_array_add (row->members, member);
    }
  return TRUE;
}

/* One row, or NULL with @error naming the member. @depth 1: a queue member. */
static OcRosterRow *
parse_row (JsonNode *node, const char *path, OcRosterRowsKind kind, guint depth, GError **error)
{
  static const char *const keys[] = { "msdyn_presenceid", "_msdyn_agentid_value", "queueid", "_msdyn_cdsqueueid_value" };
  const char *key = depth == 1 ? "systemuserid" : keys[kind];
  gboolean bad_time = FALSE;
  OcJsonReader reader;

  oc_json_reader_init_node (&reader, node, path);
  OcRosterRow *row = g_new0 (OcRosterRow, 1);
  row->code = row->number = -1;
  row->id = oc_guid_normalize (oc_json_reader_require_string (&reader, key));
  JsonArray *members = NULL;
  switch (depth == 1 ? OC_ROSTER_ROWS_N_KINDS : kind)
    {
    case OC_ROSTER_ROWS_PRESENCES:
      row->code = oc_json_reader_int (&reader, "msdyn_basepresencestatus", -1);
      row->name = g_strdup (oc_json_reader_string (&reader, "msdyn_presencestatustext"));
      break;
    case OC_ROSTER_ROWS_STATUSES:
      row->ref = oc_guid_normalize (oc_json_reader_string (&reader, "_msdyn_currentpresenceid_value"));
      row->number = oc_json_reader_int (&reader, "msdyn_availableunitscapacity", -1);
      row->flag = oc_json_reader_bool (&reader, "msdyn_isagentloggedin", FALSE);
      row->time = read_time (&reader, "modifiedon", &bad_time);
      break;
    case OC_ROSTER_ROWS_QUEUES:
      row->name = g_strdup (oc_json_reader_string (&reader, "name"));
      row->members = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
      members = oc_json_reader_array (&reader, "queuemembership_association");
      break;
    case OC_ROSTER_ROWS_GROUPS:
      row->name = g_strdup (oc_json_reader_string (&reader, "_msdyn_cdsqueueid_value" FORMATTED));
      row->code = oc_json_reader_int (&reader, "statuscode", -1);
      row->number = oc_json_reader_int (&reader, "n", -1);
      row->time = read_time (&reader, "oldest", &bad_time);
      break;
    default:   /* a queue member */
      row->name = g_strdup (oc_json_reader_string (&reader, "fullname"));
      row->number = oc_json_reader_int (&reader, "msdyn_capacity", -1);
      break;
    }
  if (!oc_json_reader_finish (&reader, error))
    {
      row_free (row);
      return NULL;
    }
  if (row->id == NULL || bad_time)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "%s.%s: %s", path,
                   row->id == NULL ? key : kind == OC_ROSTER_ROWS_GROUPS ? "oldest" : "modifiedon",
                   row->id == NULL ? "is not a GUID" : "is not a date and time");
      row_free (row);
      return NULL;
    }
  if (members)
    {
      g_autofree char *where = g_strdup_printf ("%s.queuemembership_association", path);
      if (!parse_members (members, where, row, error))
        {
          row_free (row);
          return NULL;
        }
    }
  return row;
}

/* A row of "value" (depth 0) of the kind GINT_TO_POINTER (@kind). */
static gpointer
parse_value_row (JsonNode *node, const char *path, gpointer kind, GError **error)
{
  return parse_row (node, path, GPOINTER_TO_INT (kind), 0, error);
}

OcRosterPage *
oc_roster_page_parse (JsonNode *answer, OcRosterRowsKind kind, GError **error)
{
  g_return_val_if_fail (kind < OC_ROSTER_ROWS_N_KINDS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  OcRosterPage *page = g_new0 (OcRosterPage, 1);
  page->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  if (!oc_odata_page_read (answer, FALSE, parse_value_row, GINT_TO_POINTER (kind), page->rows, &page->next_link,
                           &page->skipped, &page->skip_reason, error))
    g_clear_pointer (&page, oc_roster_page_free);
  return page;
}
