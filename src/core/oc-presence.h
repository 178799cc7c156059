/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-presence.h — what a handoff looks like as a buddy (SPEC §6.1): the status
 * id (persistent API), the message, and the one-line announcement of a change.
 * Plain text; the UI escapes it. */
#pragma once

#include "oc-handoff.h"

G_BEGIN_DECLS

/* What a handoff's buddy shows. The ids (oc_presence_status_to_id) are
 * persistent API (SPEC §10): status type ids of the plugin. */
typedef enum {
  OC_PRESENCE_HANDING_OFF,   /* "handing-off" */
  OC_PRESENCE_FAILED,        /* "failed" */
  OC_PRESENCE_OPEN,          /* "open": waiting for a rep */
  OC_PRESENCE_ACTIVE,        /* "active": with a rep */
  OC_PRESENCE_WAITING,       /* "waiting": the rep put it on hold */
  OC_PRESENCE_WRAP_UP,       /* "wrap-up" */
  OC_PRESENCE_CASE_OPEN,     /* "case-open" */
  OC_PRESENCE_CLOSED,        /* "closed" */
} OcPresenceStatus;
#define OC_PRESENCE_N_STATUSES (OC_PRESENCE_CLOSED + 1)

/* The persistent id of @status (static). */
const char *oc_presence_status_to_id (OcPresenceStatus status);
/* FALSE for anything but one of the eight ids. */
gboolean    oc_presence_status_from_id (const char *id, OcPresenceStatus *status);

typedef struct {
  OcPresenceStatus status;
  const char      *status_id;   /* oc_presence_status_to_id (status) */
  char            *message;     /* "With Alex Smith", "Waiting · Tier 1 Chat", … (owned) */
} OcPresence;

/* Fills @out (clear it with oc_presence_clear). */
void  oc_presence_compute (OcHandoff *handoff, gint64 now_us, OcPresence *out);
void  oc_presence_clear (OcPresence *presence);

/* A system line (newly allocated) for a change from @before (a status id, or
 * NULL the first time) to the handoff's current state,
 * e.g. "Alex Smith accepted after 2 min 13 s", "Closed: conversation ended by
 * agent". NULL when nothing worth announcing changed. */
char *oc_presence_announce (OcHandoff *handoff, const char *before_status_id, gint64 now_us);

/* "ConversationEndedByAgent" → "conversation ended by agent" (newly allocated) */
char *oc_presence_humanize_reason (const char *reason);
/* "2 min 13 s", "45 s", "1 h 5 min" (newly allocated) */
char *oc_presence_format_duration (gint64 seconds);

G_END_DECLS
