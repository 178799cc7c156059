/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-budget.h"

#include "oc-roster.h"
#include "oc-watcher.h"

void
oc_budget_compute (const OcSettings *settings, OcBudget *out)
{
  g_return_if_fail (settings != NULL && out != NULL);

  /* a case handoff (a channel other than web, sms, whatsapp) adds the
   * incidents table to every poll, in every view: count both */
  out->watcher_tables = 2;
  gboolean roster = settings->show_agents || settings->show_queues;
  out->roster_per_poll = oc_roster_requests_per_poll (settings->show_agents, settings->show_queues,
                                                      settings->show == OC_SHOW_WORKSTREAM);
  /* one page a table per poll; the members' read comes every OC_ROSTER_MEMBERS_EVERY polls */
  double roster_per_s = roster ? (out->roster_per_poll + 1.0 / OC_ROSTER_MEMBERS_EVERY) / OC_ROSTER_POLL_S : 0;
  double busy_per_s = (double) out->watcher_tables / OC_WATCHER_FAST_S + roster_per_s;
  double idle_per_s = (double) out->watcher_tables / OC_WATCHER_SLOW_S + roster_per_s;
  out->busy_5min = busy_per_s * OC_BUDGET_WINDOW_S;
  out->busy_day = busy_per_s * OC_BUDGET_DAY_S;
  out->idle_5min = idle_per_s * OC_BUDGET_WINDOW_S;
  out->idle_day = idle_per_s * OC_BUDGET_DAY_S;
  out->limit_share = out->busy_5min / OC_BUDGET_LIMIT_5MIN;
}
