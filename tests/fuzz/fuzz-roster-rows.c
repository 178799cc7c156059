/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-roster-rows.c — the supervisor's answers (presences, agent statuses,
 * queues with their members, $apply groups): the body goes through
 * oc_json_parse (as the Web API layer does), then oc_roster_page_parse for
 * every kind.
 * Invariants: a page is either refused with a UTF-8 message or parsed into
 * rows whose ids (and members' ids, and references) are lower-case GUIDs and
 * whose strings are UTF-8; a skipped row has a reason; no message quotes a
 * value (the marker beside the rows). */
#include <string.h>

#include "fuzz-common.h"
#include "oc-json.h"
#include "oc-roster-rows.h"

static void
check_guid (const char *what, guint i, const char *id, gboolean nullable)
{
  if (id == NULL)
    {
      fuzz_assert (nullable, "row %u: no %s", i, what);
      return;
    }
  fuzz_assert (strlen (id) == 36, "row %u: bad %s", i, what);
  for (const char *p = id; *p; p++)
    fuzz_assert (!g_ascii_isupper (*p), "row %u: %s not lower-case", i, what);
}

static void
check_rows (GPtrArray *rows, gboolean members_allowed)
{
  for (guint i = 0; i < rows->len; i++)
    {
      OcRosterRow *row = rows->pdata[i];
      check_guid ("id", i, row->id, FALSE);
      check_guid ("reference", i, row->ref, TRUE);
      fuzz_assert (row->name == NULL || g_utf8_validate (row->name, -1, NULL), "row %u: name not UTF-8", i);
      fuzz_assert (members_allowed || row->members == NULL || row->members->len == 0, "row %u: nested members", i);
      if (row->members)
        check_rows (row->members, FALSE);
    }
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
  for (int kind = 0; kind < OC_ROSTER_ROWS_N_KINDS; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcRosterPage) page = oc_roster_page_parse (answer, kind, &error);
      if (page == NULL)
        {
          fuzz_assert (error != NULL, "no page and no error");
          fuzz_check_message ("oc_roster_page_parse", error->message, secret);
          continue;
        }
      fuzz_assert (error == NULL, "a page and an error");
      fuzz_assert ((page->skipped == 0) == (page->skip_reason == NULL), "skips without a reason");
      if (page->skip_reason)
        fuzz_check_message ("skip reason", page->skip_reason, secret);
      fuzz_assert (page->next_link == NULL || g_utf8_validate (page->next_link, -1, NULL), "next link not UTF-8");
      check_rows (page->rows, kind == OC_ROSTER_ROWS_QUEUES);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  check_page ((const char *) data, size, NULL);

  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker (data, size, &length);
  if (wrapped)
    check_page (wrapped, length, FUZZ_MARKER);
  return 0;
}
