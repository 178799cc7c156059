/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-watcher-scope.c — what a poll asks about: which tables need watching
 * and how often, and the $filter of each query. Pure functions of the view
 * and the tracked handoffs; the poll itself is oc-watcher.c. */
#include "oc-watcher-scope.h"

#include "oc-codes.h"
#include "oc-watcher.h"

static char *
format_utc (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (MAX (unix_seconds, 0));
  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

char *
oc_watcher_build_filter (OcShowMode mode, const char *user_id, const char *workstream_id,
                         gint64 watermark, gint64 now, gint64 retention_s)
{
  g_autofree char *scope = mode == OC_SHOW_WORKSTREAM && workstream_id
    ? g_strdup_printf ("_msdyn_liveworkstreamid_value eq %s", workstream_id)
    : g_strdup_printf ("_createdby_value eq %s", user_id);

  if (watermark <= 0)
    {
      /* First poll: what is still open, plus what changed within the
       * retention window — never the whole history. */
      g_autofree char *since = format_utc (now - retention_s);
      return g_strdup_printf ("%s and (statecode eq 0 or modifiedon ge %s)", scope, since);
    }
  g_autofree char *since = format_utc (watermark - OC_WATCHER_OVERLAP_S);
  return g_strdup_printf ("%s and modifiedon ge %s", scope, since);
}

/* ---- what needs watching ---- */

OcWatcherNeeds
oc_watcher_needs (OcShowMode mode, GPtrArray *handoffs, gboolean discovering)
{
  OcWatcherNeeds out = { FALSE, FALSE, FALSE };
  if (discovering && mode != OC_SHOW_MINE)
    {
      out.conversations = TRUE;
      out.cases = mode == OC_SHOW_INTEGRATION;
    }
  for (guint i = 0; i < handoffs->len; i++)
    {
      OcHandoff *handoff = handoffs->pdata[i];
      const OcLiveState *live = oc_handoff_get_live (handoff);
      OcHandoffPhase phase = oc_handoff_get_phase (handoff);
      gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;

      if (phase == OC_HANDOFF_PHASE_PENDING)
        out.busy = TRUE;
      if (phase != OC_HANDOFF_PHASE_CREATED)
        continue;
      if (is_case)
        out.cases = TRUE;
      else
        out.conversations = TRUE;
      if (live->statecode == OC_CODE_UNKNOWN || live->statecode == OC_CONVERSATION_STATE_OPEN)
        out.busy = TRUE;   /* OC_CASE_STATE_ACTIVE too: both are 0 */
    }
  /* A workstream view shows conversations other systems create: keep looking. */
  if (mode == OC_SHOW_WORKSTREAM)
    out.conversations = TRUE;
  return out;
}
