/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-watcher-rows.c — one page of a watcher poll: the body goes through
 * oc_json_parse (as the Web API layer does), then oc_watcher_page_parse for
 * both kinds of row.
 * Invariants: a page is either refused with a UTF-8 message or parsed into
 * rows whose ids are lower-case GUIDs and whose strings are UTF-8; a skipped
 * row has a reason; metric durations are within 0..OC_WATCHER_MAX_METRIC_S;
 * no message quotes a value (the marker beside the rows). */
#include <string.h>

#include "fuzz-common.h"
#include "oc-json.h"
#include "oc-watcher-rows.h"

static void
check_string (const char *what, const char *text)
{
  fuzz_assert (text == NULL || g_utf8_validate (text, -1, NULL), "%s is not UTF-8", what);
}

static void
check_page (const char *data, gsize size, const char *secret)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) answer = oc_json_parse (data, (gssize) size, 0, NULL, &parse_error);
  if (parse_error)
    {
      fuzz_check_message ("oc_json_parse", parse_error->message, secret);
      return;
    }

  for (int kind = OC_WATCHER_ROWS_CONVERSATIONS; kind <= OC_WATCHER_ROWS_CASES; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcWatcherPage) page = oc_watcher_page_parse (answer, kind, &error);
      if (page == NULL)
        {
          fuzz_assert (error != NULL, "no page and no error");
          fuzz_check_message ("oc_watcher_page_parse", error->message, secret);
          continue;
        }
      fuzz_assert (error == NULL, "a page and an error");
      fuzz_assert ((page->skipped == 0) == (page->skip_reason == NULL), "skips without a reason");
      if (page->skip_reason)
        fuzz_check_message ("skip reason", page->skip_reason, secret);
      check_string ("next link", page->next_link);
      for (guint i = 0; i < page->rows->len; i++)
        {
          OcWatcherRow *row = page->rows->pdata[i];
          fuzz_assert (row->record_id != NULL && strlen (row->record_id) == 36, "row %u: bad record id", i);
          for (const char *p = row->record_id; *p; p++)
            fuzz_assert (!g_ascii_isupper (*p), "row %u: record id not lower-case", i);
          check_string ("subject", row->subject);
          check_string ("ticket number", row->ticket_number);
          const gint64 seconds[] = { row->live.first_wait_s, row->live.handle_s, row->live.wrapup_s };
          for (gsize k = 0; k < G_N_ELEMENTS (seconds); k++)
            fuzz_assert (seconds[k] >= 0 && seconds[k] <= OC_WATCHER_MAX_METRIC_S, "row %u: metric out of range", i);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  fuzz_check_with_and_without_marker (data, size, check_page);
  return 0;
}
