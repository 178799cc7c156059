/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-roster-rows.h — the answers the roster reads, parsed: no I/O, no
 * state, so tests and a fuzz target can drive it with any answer.
 *
 * Fuzz target use: parse bytes with oc_json_parse, then
 *   g_autoptr(OcRosterPage) page = oc_roster_page_parse (node, kind, &error);
 * for every kind; it must never crash, assert or leak, whatever the node. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  OC_ROSTER_ROWS_PRESENCES,   /* msdyn_presences: id, code = msdyn_basepresencestatus, name = status text */
  OC_ROSTER_ROWS_STATUSES,    /* msdyn_agentstatuses: id = agent, ref = presence, number = units free,
                               * flag = logged in, time = modifiedon */
  OC_ROSTER_ROWS_QUEUES,      /* queues + queuemembership_association: id, name, members (rows:
                               * id, name, number = msdyn_capacity or -1) */
  OC_ROSTER_ROWS_GROUPS,      /* $apply groups: id = queue, name = its formatted name, code = statuscode,
                               * number = n, time = oldest */
  OC_ROSTER_ROWS_N_KINDS,
} OcRosterRowsKind;

typedef struct {
  char      *id;       /* lower-case GUID, never NULL */
  char      *name;     /* may be NULL */
  char      *ref;      /* lower-case GUID or NULL */
  gint64     code;     /* -1 when absent */
  gint64     number;   /* -1 when absent */
  gboolean   flag;
  gint64     time;     /* unix seconds, 0 when absent */
  GPtrArray *members;  /* OcRosterRow*, QUEUES only (never NULL there) */
} OcRosterRow;

typedef struct {
  GPtrArray *rows;          /* OcRosterRow* */
  char      *next_link;     /* NULL on the last page */
  guint      skipped;       /* malformed rows left out */
  char      *skip_reason;   /* why the first was */
} OcRosterPage;

/* The $select (and $expand) of each kind. */
#define OC_ROSTER_PRESENCE_QUERY "msdyn_presences?$select=msdyn_presenceid,msdyn_basepresencestatus,msdyn_presencestatustext"
#define OC_ROSTER_STATUS_COLUMNS "msdyn_agentstatusid,_msdyn_agentid_value,_msdyn_currentpresenceid_value," \
  "msdyn_isagentloggedin,msdyn_availableunitscapacity,modifiedon"
#define OC_ROSTER_MEMBER_EXPAND "queuemembership_association($select=systemuserid,fullname,msdyn_capacity)"

/* NULL + OC_ERROR_INVALID_INPUT when the page itself is unusable (not an
 * object, "value" not an array); a bad row is skipped and counted. */
OcRosterPage *oc_roster_page_parse (JsonNode *answer, OcRosterRowsKind kind, GError **error);
void          oc_roster_page_free  (OcRosterPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcRosterPage, oc_roster_page_free)

G_END_DECLS
