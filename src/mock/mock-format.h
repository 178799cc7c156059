/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-format.h — Prefer headers, and records as Dataverse returns them
 * (with formatted values and lookup annotations when asked for). */
#pragma once

#include <json-glib/json-glib.h>

#include "mock-entities.h"
#include "mock-store.h"

G_BEGIN_DECLS

#define MOCK_MAX_PAGE_SIZE 5000

#define MOCK_ANNOTATION_FORMATTED "OData.Community.Display.V1.FormattedValue"
#define MOCK_ANNOTATION_LOOKUP    "Microsoft.Dynamics.CRM.lookuplogicalname"

typedef struct {
  gboolean  return_representation;
  gboolean  return_minimal;
  char     *include_annotations;  /* the requested list, unquoted; NULL when absent */
  guint     maxpagesize;          /* 0 when absent */
  gboolean  formatted;            /* include_annotations selects FormattedValue */
  gboolean  lookup_names;         /* include_annotations selects lookuplogicalname */
} MockPrefs;

/* RFC 7240 preferences, comma-separated, values possibly quoted. Only a bad
 * odata.maxpagesize is an error (400); other preferences are ignored as RFC
 * 7240 says. */
gboolean mock_prefs_parse (MockPrefs *prefs, const char *header, GError **error);
void     mock_prefs_clear (MockPrefs *prefs);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MockPrefs, mock_prefs_clear)
/* The Preference-Applied value for what was honoured, or NULL. */
char    *mock_prefs_applied (const MockPrefs *prefs, gboolean representation, gboolean page_size);

/* "11/23/2026 10:02 AM" (en-US, UTC: the application user's settings). */
char    *mock_format_datetime (const char *iso8601);

/* Appends the response form of @record to @out: @odata.etag, then the @select
 * columns (all when NULL; unset ones as null) and always the key, each with
 * its annotations when @prefs asks for them. @prefs may be NULL. */
void     mock_format_record (MockStore *store, const MockEntity *entity, JsonObject *record,
                             const char *const *select, const MockPrefs *prefs, JsonObject *out);

/* Appends @columns of @record alone (no etag, no key), with their
 * annotations: the group values of an $apply answer. */
void     mock_format_columns (MockStore *store, const MockEntity *entity, JsonObject *record,
                              const char *const *columns, const MockPrefs *prefs, JsonObject *out);

G_END_DECLS
