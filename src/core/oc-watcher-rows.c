/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-watcher-rows.h"

#include <glib/gi18n-lib.h>

#include "oc-error.h"
#include "oc-guid.h"
#include "oc-json.h"
#include "oc-odata-page.h"

#define FORMATTED "@OData.Community.Display.V1.FormattedValue"

static void
row_free (OcWatcherRow *row)
{
  g_free (row->record_id);
  g_free (row->subject);
  g_free (row->ticket_number);
  oc_live_state_clear (&row->live);
  g_free (row);
}

void
oc_watcher_page_free (OcWatcherPage *page)
{
  if (page == NULL)
    return;
  g_ptr_array_unref (page->rows);
  g_free (page->next_link);
  g_free (page->skip_reason);
  g_free (page);
}

/* An ISO 8601 time in unix seconds; 0 when absent. A value that is not a
 * date fails the reader's row like a wrong type would. */
static gint64
read_time (OcJsonReader *reader, const char *path, const char *member, GError **error)
{
  const char *text = oc_json_reader_string (reader, member);
  if (text == NULL || *error != NULL)
    return 0;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, _("%s.%s: is not a date and time"), path, member);
  return when ? g_date_time_to_unix (when) : 0;
}

static char *
read_formatted (OcJsonReader *reader, const char *member)
{
  g_autofree char *name = g_strconcat (member, FORMATTED, NULL);
  return g_strdup (oc_json_reader_string (reader, name));
}

static int
read_code (OcJsonReader *reader, const char *member)
{
  gint64 value = oc_json_reader_int (reader, member, -1);
  /* option values are small; anything else is as good as unknown */
  return value >= 0 && value <= G_MAXINT ? (int) value : -1;
}

/* A duration column in seconds: an integer (a wrong type fails the row),
 * 0 when absent or out of range. */
static gint64
read_seconds (OcJsonReader *reader, const char *member)
{
  gint64 value = oc_json_reader_int (reader, member, 0);
  return value >= 0 && value <= OC_WATCHER_MAX_METRIC_S ? value : 0;
}

/* One row (an OcWatcherRow* of the kind GINT_TO_POINTER (@kind)), or NULL
 * with @error naming the member ("value[3].statecode: …"). */
static gpointer
parse_row (JsonNode *node, const char *path, gpointer kind, GError **error)
{
  gboolean is_case = GPOINTER_TO_INT (kind) == OC_WATCHER_ROWS_CASES;
  const char *key = is_case ? "incidentid" : "activityid";
  g_autoptr(GError) time_error = NULL;
  OcJsonReader reader;

  oc_json_reader_init_node (&reader, node, path);
  g_autofree char *id = oc_guid_normalize (oc_json_reader_require_string (&reader, key));
  g_autofree char *subject = g_strdup (oc_json_reader_string (&reader, is_case ? "title" : "subject"));
  g_autofree char *ticket = is_case ? g_strdup (oc_json_reader_string (&reader, "ticketnumber")) : NULL;

  OcWatcherRow *row = g_new0 (OcWatcherRow, 1);
  row->live.statecode = read_code (&reader, "statecode");
  row->live.statuscode = read_code (&reader, "statuscode");
  row->live.status_label = read_formatted (&reader, "statuscode");
  row->live.reason = read_formatted (&reader, "msdyn_statuschangereason");
  row->live.agent_name = read_formatted (&reader, "_msdyn_activeagentid_value");
  row->live.queue_name = read_formatted (&reader, "_msdyn_cdsqueueid_value");
  row->live.agent_id = oc_guid_normalize (oc_json_reader_string (&reader, "_msdyn_activeagentid_value"));
  row->live.queue_id = oc_guid_normalize (oc_json_reader_string (&reader, "_msdyn_cdsqueueid_value"));
  row->live.workstream_name = read_formatted (&reader, "_msdyn_liveworkstreamid_value");
  row->live.created_on = read_time (&reader, path, "createdon", &time_error);
  row->live.modified_on = read_time (&reader, path, "modifiedon", &time_error);
  if (!is_case)
    {
      row->live.first_wait_on = read_time (&reader, path, "msdyn_firstwaitstartedon", &time_error);
      row->live.agent_assigned_on = read_time (&reader, path, "msdyn_activeagentassignedon", &time_error);
      row->live.wrapup_on = read_time (&reader, path, "msdyn_wrapupinitiatedon", &time_error);
      row->live.first_wait_s = read_seconds (&reader, "msdyn_conversationfirstwaittimeinseconds");
      row->live.handle_s = read_seconds (&reader, "msdyn_conversationhandletimeinseconds");
      row->live.wrapup_s = read_seconds (&reader, "msdyn_conversationwrapuptimeinseconds");
    }

  if (!oc_json_reader_finish (&reader, error))
    {
      row_free (row);
      return NULL;
    }
  if (time_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&time_error));
      row_free (row);
      return NULL;
    }
  if (id == NULL)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, _("%s.%s: is not a GUID"), path, key);
      row_free (row);
      return NULL;
    }
  row->record_id = g_steal_pointer (&id);
  row->subject = g_steal_pointer (&subject);
  row->ticket_number = g_steal_pointer (&ticket);
  return row;
}

OcWatcherPage *
oc_watcher_page_parse (JsonNode *answer, OcWatcherRowsKind kind, GError **error)
{
  g_return_val_if_fail (kind == OC_WATCHER_ROWS_CONVERSATIONS || kind == OC_WATCHER_ROWS_CASES, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  OcWatcherPage *page = g_new0 (OcWatcherPage, 1);
  page->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  if (!oc_odata_page_read (answer, TRUE, parse_row, GINT_TO_POINTER (kind), page->rows, &page->next_link,
                           &page->skipped, &page->skip_reason, error))
    g_clear_pointer (&page, oc_watcher_page_free);
  return page;
}
