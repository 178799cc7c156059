/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-roster-private.h — what the pieces of the roster share: the instance
 * (oc-roster.c: the poll, the reps, what is shown) and the queue figures
 * (oc-roster-queues.c). Not for use outside OcRoster. */
#pragma once

#include "oc-codes.h"
#include "oc-roster.h"
#include "oc-roster-rows.h"

G_BEGIN_DECLS

typedef enum { STEP_PRESENCES, STEP_WORKSTREAM, STEP_MEMBERS, STEP_STATUSES, STEP_GROUPS, STEP_DONE } Step;

struct _OcRoster {
  GObject          parent_instance;
  OcConnection    *connection;
  OcHandoffEngine *engine;
  GCancellable    *cancellable;
  guint            timer;
  guint            recompute_idle;
  guint            interval_s;
  gint64           retry_after_s;   /* of the last failed request; -1 none */
  double           waiting_alert;
  gboolean         running, polling;
  Step             step;
  guint            pages;
  guint            polls, polls_done, requests, requests_done;
  gboolean         statuses_read;   /* no rep is shown before its presence is known */
  gboolean         groups_read;     /* nor a queue before its counts are */
  guint            members_age;     /* polls since the members were read; G_MAXUINT never */
  gboolean         presences_read, workstream_read;
  char            *default_queue;
  gint64           watermark, walk_max;
  GHashTable      *presences;       /* id → GINT_TO_POINTER (base + 1) */
  GHashTable      *queue_names;     /* queue id → name (or "") */
  GHashTable      *members;         /* agent id → Member* (reps of the queues) */
  GHashTable      *statuses;        /* agent id → Status* */
  GHashTable      *groups;          /* queue id → Counts* (the $apply view, oc-roster-queues.c) */
  GHashTable      *shown;           /* "agent:<id>" / "queue:<id>" → what was last emitted */
};

static inline const OcSettings *
oc_roster_settings (OcRoster *self)
{
  return oc_connection_get_settings (self->connection);
}

static inline gboolean
oc_roster_workstream_view (OcRoster *self)
{
  return oc_roster_settings (self)->show == OC_SHOW_WORKSTREAM;
}

static inline gboolean
oc_roster_is_open_with_rep (const OcLiveState *live)
{
  return live->statecode == OC_CONVERSATION_STATE_OPEN &&
         (live->statuscode == OC_CONVERSATION_STATUS_ACTIVE || live->statuscode == OC_CONVERSATION_STATUS_WAITING ||
          live->statuscode == OC_CONVERSATION_STATUS_WRAP_UP);
}

/* @text percent-encoded for a query string, OData's punctuation kept. Newly allocated. */
static inline char *
oc_roster_query_escape (const char *text)
{
  return g_uri_escape_string (text, "=,()$'", FALSE);
}

/* oc-roster.c: emits ::queue-changed with @queue when @state (owned), what
 * the front end shows for it, differs from what it showed last. */
void        oc_roster_show_queue (OcRoster *self, const OcRosterQueue *queue, char *state);

/* oc-roster-queues.c */
/* The queues watched: the workstream's default queue and every queue a
 * tracked conversation is in (a new set of borrowed ids). */
GHashTable *oc_roster_queue_set (OcRoster *self);
/* "(col eq A or col eq B …)" over the queue set; NULL when empty. Newly allocated. */
char       *oc_roster_queue_filter (OcRoster *self, const char *column);
/* The $apply request path of the queues' counts; NULL when no queue is watched. Newly allocated. */
char       *oc_roster_groups_path (OcRoster *self);
/* Adds one row of the $apply answer to self->groups. */
void        oc_roster_add_group (OcRoster *self, const OcRosterRow *row);
/* Emits ::queue-changed for each watched queue whose figures changed: from
 * the tracked conversations in the workstream view, else from self->groups. */
void        oc_roster_recompute_queues (OcRoster *self);

G_END_DECLS
