/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-presence.h — what a handoff looks like as a buddy (SPEC §6.1): the status
 * id (persistent API), the message, and the one-line announcement of a change.
 * Plain text; the UI escapes it. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

typedef struct {
  const char *status_id;   /* "handing-off", "failed", "open", "active", "waiting",
                              "wrap-up", "case-open", "closed" */
  char       *message;     /* "With Alex Smith", "Waiting · Tier 1 Chat", … */
} OcPresence;

void  oc_presence_compute (OcHandoff *handoff, gint64 now_us, OcPresence *out);
void  oc_presence_clear (OcPresence *presence);

/* A system line for a change from @before to the handoff's current state,
 * e.g. "Alex Smith accepted after 2 min 13 s", "Closed: conversation ended by
 * agent". NULL when nothing worth announcing changed. */
char *oc_presence_announce (OcHandoff *handoff, const char *before_status_id, gint64 now_us);

/* "ConversationEndedByAgent" → "conversation ended by agent" */
char *oc_presence_humanize_reason (const char *reason);
/* "2 min 13 s", "45 s", "1 h 5 min" */
char *oc_presence_format_duration (gint64 seconds);

G_END_DECLS
