/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-handoff.h — one session being (or having been) handed off: which path
 * it takes and why, where it stands, and what Dynamics answered. */
#pragma once

#include <glib-object.h>

#include "oc-session.h"

G_BEGIN_DECLS

typedef enum {
  OC_HANDOFF_PATH_CONVERSATION,   /* web, sms, whatsapp → msdyn_ocliveworkitem */
  OC_HANDOFF_PATH_CASE,           /* every other channel → incident */
} OcHandoffPath;

typedef enum {
  OC_HANDOFF_PHASE_PENDING,   /* accepted and stored; the record is being created */
  OC_HANDOFF_PHASE_FAILED,    /* a permanent error; the user may retry */
  OC_HANDOFF_PHASE_CREATED,   /* the record exists in Dynamics; meta written */
} OcHandoffPhase;

/* "pending", "failed", "created": machine-readable (omnichannel handoff
 * --json "state"), never translated. */
const char    *oc_handoff_phase_to_string (OcHandoffPhase phase);
/* "conversation", "case" (--json "path"). */
const char    *oc_handoff_path_to_string (OcHandoffPath path);

/* What Dynamics says about the record now (filled by the status watcher). */
typedef struct {
  int    statecode;         /* OC_CODE_UNKNOWN (-1) while unknown; see oc-codes.h */
  int    statuscode;
  char  *reason;            /* formatted msdyn_statuschangereason, e.g. "ConversationEndedByAgent" */
  char  *status_label;      /* formatted statuscode, e.g. "Active", "Problem Solved" */
  char  *agent_name;        /* formatted _msdyn_activeagentid_value */
  char  *queue_name;        /* formatted _msdyn_cdsqueueid_value */
  char  *agent_id;          /* _msdyn_activeagentid_value (lower-case GUID), NULL when none */
  char  *queue_id;          /* _msdyn_cdsqueueid_value (lower-case GUID), NULL when none */
  char  *workstream_name;
  gint64 created_on;        /* unix seconds, 0 unknown */
  gint64 modified_on;
  gint64 assigned_on;       /* first time seen Active (unix seconds), 0 never */
  /* The conversation's metric columns (Microsoft Learn, "Calculate
   * conversation metrics"); 0 when absent (cases never have them). */
  gint64 first_wait_on;     /* msdyn_firstwaitstartedon, unix seconds */
  gint64 agent_assigned_on; /* msdyn_activeagentassignedon */
  gint64 wrapup_on;         /* msdyn_wrapupinitiatedon */
  gint64 first_wait_s;      /* msdyn_conversationfirstwaittimeinseconds */
  gint64 handle_s;          /* msdyn_conversationhandletimeinseconds */
  gint64 wrapup_s;          /* msdyn_conversationwrapuptimeinseconds */
} OcLiveState;

#define OC_TYPE_HANDOFF (oc_handoff_get_type ())
G_DECLARE_FINAL_TYPE (OcHandoff, oc_handoff, OC, HANDOFF, GObject)

OcHandoff     *oc_handoff_new (OcSession *session, const char *environment);
/* A record this client did not create (another client of the same app, or
 * another system in the workstream): shown, never stored or sent. */
OcHandoff     *oc_handoff_new_foreign (const char *record_id, OcHandoffPath path, const char *subject);
gboolean       oc_handoff_is_foreign (OcHandoff *self);

OcSession     *oc_handoff_get_session (OcHandoff *self);
const char    *oc_handoff_get_id (OcHandoff *self);
OcHandoffPath  oc_handoff_get_path (OcHandoff *self);
/* "channel “phone” is not web, sms or whatsapp, so it becomes a case" */
const char    *oc_handoff_get_path_reason (OcHandoff *self);
OcHandoffPhase oc_handoff_get_phase (OcHandoff *self);
/* The deterministic activityid / incidentid (known before the record exists). */
const char    *oc_handoff_get_record_id (OcHandoff *self);
const char    *oc_handoff_get_ticket_number (OcHandoff *self);
const char    *oc_handoff_get_contact_id (OcHandoff *self);
/* "linked to the contact with the verified email" / "not linked: the email is not verified" … */
const char    *oc_handoff_get_contact_note (OcHandoff *self);
/* Permanent failure (FAILED) or the last transient one (PENDING, retrying). */
const GError  *oc_handoff_get_error (OcHandoff *self);
/* Wall-clock time (µs since the epoch) of the next retry, 0 if none is scheduled. */
gint64         oc_handoff_get_retry_at (OcHandoff *self);
guint          oc_handoff_get_attempts (OcHandoff *self);
const char    *oc_handoff_get_queue_note (OcHandoff *self);
/* "sent to unified routing" or why not; NULL when routing was not asked for. */
const char    *oc_handoff_get_routing_note (OcHandoff *self);
/* The case queue's display name (cases only; Dynamics reports no queue on
 * the incident row itself). */
const char    *oc_handoff_get_case_queue_name (OcHandoff *self);

/* The setters are the engine's and the watcher's: oc-handoff-private.h. */

const OcLiveState *oc_handoff_get_live (OcHandoff *self);
/* Frees the strings of @live (not @live itself). */
void           oc_live_state_clear (OcLiveState *live);

G_END_DECLS
