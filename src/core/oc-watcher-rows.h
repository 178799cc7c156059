/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-watcher-rows.h — one page of a watcher poll, parsed: the pure part of
 * the status watcher (no I/O, no state), so tests and a fuzz target can
 * drive it with any answer.
 *
 * Fuzz target use: parse bytes with oc_json_parse, then
 *   g_autoptr(OcWatcherPage) page = oc_watcher_page_parse (node, kind, &error);
 * for both kinds; it must never crash, assert or leak, whatever the node. */
#pragma once

#include <json-glib/json-glib.h>

#include "oc-handoff.h"

G_BEGIN_DECLS

typedef enum {
  OC_WATCHER_ROWS_CONVERSATIONS,   /* msdyn_ocliveworkitems, keyed by activityid */
  OC_WATCHER_ROWS_CASES,           /* incidents, keyed by incidentid */
} OcWatcherRowsKind;

/* The $select of each kind (the members read below). */
#define OC_WATCHER_CONVERSATION_COLUMNS "activityid,subject,statecode,statuscode,msdyn_statuschangereason," \
  "_msdyn_activeagentid_value,_msdyn_cdsqueueid_value,_msdyn_liveworkstreamid_value,modifiedon,createdon," \
  "msdyn_firstwaitstartedon,msdyn_activeagentassignedon,msdyn_wrapupinitiatedon," \
  "msdyn_conversationfirstwaittimeinseconds,msdyn_conversationhandletimeinseconds," \
  "msdyn_conversationwrapuptimeinseconds"
/* The metric columns are Microsoft's (Learn: "Calculate conversation
 * metrics"); a duration outside 0..OC_WATCHER_MAX_METRIC_S is read as
 * unknown (0), a date that is no date fails the row like createdon. */
#define OC_WATCHER_MAX_METRIC_S ((gint64) 400 * 24 * 3600)
#define OC_WATCHER_CASE_COLUMNS "incidentid,ticketnumber,title,statecode,statuscode,_ownerid_value,modifiedon,createdon"

typedef struct {
  char        *record_id;      /* lower-case GUID, never NULL */
  char        *subject;        /* subject (conversation) or title (case); may be NULL */
  char        *ticket_number;  /* cases; may be NULL */
  OcLiveState  live;           /* statecode/statuscode -1 when absent; strings owned;
                                * created_on/modified_on and the metric times unix
                                * seconds, 0 when absent */
} OcWatcherRow;

typedef struct {
  GPtrArray *rows;          /* OcWatcherRow*, in the answer's order */
  char      *next_link;     /* @odata.nextLink, or NULL on the last page */
  guint      skipped;       /* rows left out: not an object, a member of the wrong
                             * type, a missing or malformed id or date */
  char      *skip_reason;   /* why the first was, e.g.
                             * "value[3].statecode: must be a number, not a string" */
} OcWatcherPage;

/* Parses one page answer (the body of a collection GET) of @kind. A row in
 * error is skipped and counted, never fatal to the others. Returns NULL with
 * OC_ERROR_INVALID_INPUT when the page itself is unusable: @answer not an
 * object, "value" absent or not an array, "@odata.nextLink" not a string.
 * @answer may be NULL (an empty body). Messages name members, never quote
 * values. */
OcWatcherPage *oc_watcher_page_parse (JsonNode          *answer,
                                      OcWatcherRowsKind  kind,
                                      GError           **error);
void           oc_watcher_page_free  (OcWatcherPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcWatcherPage, oc_watcher_page_free)

G_END_DECLS
