/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-priority.h — the case priority (incident.prioritycode) setting against
 * the org's own option set, read once at sign-in when the setting is not one
 * of the standard options (SPEC §3 "Default priority"). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The attribute metadata with its options (research/dataverse.md §10.1). */
#define OC_PRIORITY_OPTIONS_PATH                                                              \
  "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')/"           \
  "Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)"

/* A standard org's options are 1 High, 2 Normal, 3 Low (Microsoft Learn,
 * incident table reference). OpenCX's docs say 1–4: there is no 4 unless an
 * org adds it, and Microsoft's reference is the one that describes the org. */
gboolean   oc_priority_is_standard (int value);

typedef struct {
  gint32  value;
  char   *label;   /* the user-localized label, cut and cleaned; "" when absent */
} OcPriorityOption;

/* Parses the metadata answer with typed, bounded reads: OptionSet.Options must
 * be an array (at most 1000 entries) of objects whose Value is a JSON integer
 * in Int32 range. Anything else is OC_ERROR_BAD_RESPONSE. */
GArray    *oc_priority_options_parse (JsonNode *body, GError **error);   /* OcPriorityOption */
void       oc_priority_options_free (GArray *options);
/* "1 High, 2 Normal, 3 Low, 100000000 Urgent" */
char      *oc_priority_options_describe (GArray *options);
/* TRUE if @value is one of @options; else an OC_ERROR_INVALID_SETTINGS error
 * (field "Default priority") that lists the org's options. */
gboolean   oc_priority_check (GArray *options, int value, GError **error);

G_END_DECLS
