/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-odata.h — building OData query strings safely. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 'O''Brien' — the value as an OData string literal (quotes doubled,
 * surrounding quotes added), then percent-encoded for a query string so that
 * '+', '&', '#', '%' and spaces arrive literally. */
char *oc_odata_string_literal (const char *value);

/* The contact lookup of SPEC §5.3: contacts?$select=contactid,fullname&
 * $filter=emailaddress1 eq '<email>' and statecode eq 0&$top=2 */
char *oc_odata_contact_lookup_path (const char *email);
/* "<entity_set>(<id>)<rest>", e.g. ("incidents", id, "?$select=incidentid")
 * or ("queues", id, "/Microsoft.Dynamics.CRM.AddToQueue"): the one place an
 * entity path is built. @id must be a GUID (settings and deterministic ids
 * are validated before they get here); @rest may be NULL. Newly allocated. */
char *oc_odata_entity_path (const char *entity_set, const char *id, const char *rest);

G_END_DECLS
