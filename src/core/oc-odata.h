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

G_END_DECLS
