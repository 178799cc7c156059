/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-roster.h — the supervisor's view: the reps of the watched workstream's
 * queues (show_agents) and those queues (show_queues), at a fixed, small
 * request cost per slow poll (OC_ROSTER_POLL_S):
 *
 *   reps:   GET msdyn_agentstatuses with a modifiedon watermark (1 request,
 *           whatever the number of reps; pages only on the first poll of a
 *           big org)
 *   queues: nothing in the workstream view (computed from the conversations
 *           the watcher tracks), else one $apply=filter(…)/groupby(…) query
 *
 * plus, now and then, the presences (once), the workstream's default queue
 * (once) and the queues' members (queuemembership_association, once every
 * OC_ROSTER_MEMBERS_EVERY polls or when a queue appears). Presence comes
 * from the presence's base status (msdyn_basepresencestatus), never from
 * its GUID or its text; an unknown presence is shown as offline.
 *
 * The oldest wait of a queue is taken from the waiting conversations'
 * msdyn_firstwaitstartedon (their createdon while Dynamics has not set it).
 *
 * Signals (the service forwards them, see oc-service.h):
 *   ::agent-changed (const OcRosterAgent *agent)   a rep's status or figures changed
 *   ::queue-changed (const OcRosterQueue *queue)   a queue's status or figures changed
 * The structs are borrowed for the emission only. */
#pragma once

#include "oc-connection.h"
#include "oc-handoff-engine.h"

G_BEGIN_DECLS

#define OC_ROSTER_POLL_S 60
#define OC_ROSTER_MEMBERS_EVERY 30      /* polls between two reads of the queue members */
#define OC_ROSTER_OVERLAP_S 5
#define OC_ROSTER_MAX_PAGES 20

typedef enum {
  OC_ROSTER_AGENT_AVAILABLE,   /* "agent-available" */
  OC_ROSTER_AGENT_BUSY,        /* "agent-busy" */
  OC_ROSTER_AGENT_DND,         /* "agent-dnd" */
  OC_ROSTER_AGENT_AWAY,        /* "agent-away" */
  OC_ROSTER_AGENT_OFFLINE,     /* "agent-offline" */
} OcRosterAgentStatus;

typedef enum {
  OC_ROSTER_QUEUE_IDLE,        /* "queue-available": nobody waits */
  OC_ROSTER_QUEUE_WAITING,     /* "queue-away": someone waits */
  OC_ROSTER_QUEUE_OVERDUE,     /* "queue-dnd": the oldest wait passed the threshold */
} OcRosterQueueStatus;

typedef struct {
  const char          *id;                /* systemuserid, lower case */
  const char          *name;              /* full name (untrusted text) */
  OcRosterAgentStatus  status;
  const char          *status_id;         /* oc_roster_agent_status_to_id (status) */
  gboolean             presence_unknown;  /* no status row, or a presence the org does not list */
  guint                conversations;     /* open conversations with this rep the watcher tracks */
  int                  capacity_free;     /* percent, -1 when unknown */
} OcRosterAgent;

typedef struct {
  const char          *id;                /* queueid, lower case */
  const char          *name;              /* (untrusted text), may be NULL while unknown */
  OcRosterQueueStatus  status;
  const char          *status_id;
  guint                waiting;
  guint                with_reps;
  gint64               oldest_wait_s;     /* -1 when nobody waits */
} OcRosterQueue;

const char *oc_roster_agent_status_to_id (OcRosterAgentStatus status);
const char *oc_roster_queue_status_to_id (OcRosterQueueStatus status);
/* msdyn_basepresencestatus (192360000…192360004) → status; anything else offline. */
OcRosterAgentStatus oc_roster_agent_status_from_base (gint64 base);
/* @waiting, the oldest wait and the threshold in minutes (<= 0: off). */
OcRosterQueueStatus oc_roster_queue_status_for (guint waiting, gint64 oldest_wait_s, double alert_minutes);

#define OC_TYPE_ROSTER (oc_roster_get_type ())
G_DECLARE_FINAL_TYPE (OcRoster, oc_roster, OC, ROSTER, GObject)

/* What to show comes from the connection's settings (show_agents,
 * show_queues, show, workstream_id). */
OcRoster *oc_roster_new (OcConnection *connection, OcHandoffEngine *engine);
void      oc_roster_start (OcRoster *self);
/* Cancels the request in flight and every timer. */
void      oc_roster_stop (OcRoster *self);
/* For tests and benchmarks. */
void      oc_roster_set_interval (OcRoster *self, guint seconds);
/* The waiting threshold (alert_waiting_minutes; <= 0 off). */
void      oc_roster_set_waiting_alert (OcRoster *self, double minutes);
guint     oc_roster_get_polls (OcRoster *self);        /* started */
guint     oc_roster_get_polls_done (OcRoster *self);   /* finished (answered or failed) */
guint     oc_roster_get_requests (OcRoster *self);
/* The requests of the finished polls (oc_roster_get_polls_done). */
guint     oc_roster_get_requests_done (OcRoster *self);

/* Requests a poll of @settings costs at steady state (0, 1 or 2): for
 * `omnichannel check`'s budget. */
guint     oc_roster_requests_per_poll (gboolean agents, gboolean queues, gboolean workstream_view);

G_END_DECLS
