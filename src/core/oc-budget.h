/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-budget.h — the requests one client makes, projected from its settings
 * (polls × tables), against Dataverse's service-protection limit (6,000
 * requests per 5 minutes per user, research/dataverse.md §5) and the daily
 * entitlement (application users share the tenant's pool, §10.3). */
#pragma once

#include "oc-settings.h"

G_BEGIN_DECLS

#define OC_BUDGET_LIMIT_5MIN 6000
#define OC_BUDGET_WINDOW_S 300
#define OC_BUDGET_DAY_S 86400

typedef struct {
  guint  watcher_tables;     /* tables a watcher poll reads at worst: conversations, cases */
  guint  roster_per_poll;    /* the supervisor's poll (show_agents, show_queues) */
  double busy_5min;          /* while something is open: fast watcher polls */
  double busy_day;
  double idle_5min;          /* everything closed: slow watcher polls */
  double idle_day;
  double limit_share;        /* busy_5min / OC_BUDGET_LIMIT_5MIN */
} OcBudget;

/* Fills @out for @settings (the watcher's and the roster's default intervals;
 * the roster's rare reads — members every OC_ROSTER_MEMBERS_EVERY polls —
 * included). */
void oc_budget_compute (const OcSettings *settings, OcBudget *out);

G_END_DECLS
