/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-alerts.h — stuck handoffs (SPEC §10 "supervisor options"): a handoff
 * waiting for a rep, in wrap-up, or still handing off for longer than the
 * account's threshold raises an alert, once per handoff and state; leaving
 * that state (a rep accepted, the conversation closed, the record created)
 * clears it. Computed from what the watcher already reads — no request of
 * its own — and from a timer of its own, so that an alert is raised on time
 * even when no row arrives. Front ends render the signals:
 *
 *   ::alert-raised (OcHandoff *handoff, OcAlertKind kind, guint elapsed_s,
 *       guint threshold_s, const char *line)   line: translated plain text,
 *       e.g. "Waiting 6 min — longer than 5 min, no rep yet"
 *   ::alert-cleared (OcHandoff *handoff, OcAlertKind kind)
 *
 * When a state began: the conversation's own times when Dynamics has them
 * (msdyn_firstwaitstartedon, else createdon; msdyn_wrapupinitiatedon),
 * else when this process first saw the state. */
#pragma once

#include "oc-handoff.h"
#include "oc-settings.h"

G_BEGIN_DECLS

#define OC_TYPE_ALERTS (oc_alerts_get_type ())
G_DECLARE_FINAL_TYPE (OcAlerts, oc_alerts, OC, ALERTS, GObject)

/* @thresholds_s: seconds per OcAlertKind, 0 = off (OcSettings.alert_s). */
OcAlerts   *oc_alerts_new (const guint thresholds_s[OC_ALERT_N_KINDS]);
/* Re-evaluates @handoff (call on every change; a ref is kept while it is tracked). */
void        oc_alerts_update (OcAlerts *self, OcHandoff *handoff);
/* Stops tracking @session_id (it left the list); no signal. */
void        oc_alerts_forget (OcAlerts *self, const char *session_id);
/* Forgets everything and removes the timer; no signal follows. */
void        oc_alerts_stop (OcAlerts *self);
/* The line of @session_id's raised alert (borrowed), or NULL. */
const char *oc_alerts_lookup (OcAlerts *self, const char *session_id);

/* The state @handoff is in, as an alert kind (-1: none that alerts) and
 * since when (unix seconds; 0 = not known from Dynamics). For tests. */
int         oc_alerts_state_of (OcHandoff *handoff, gint64 *since);
/* "Waiting 6 min — longer than 5 min, no rep yet" (newly allocated). */
char       *oc_alerts_format_line (OcAlertKind kind, gint64 elapsed_s, guint threshold_s, const char *rep);

G_END_DECLS
