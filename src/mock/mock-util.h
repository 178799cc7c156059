/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-util.h — small helpers shared by the mock Dynamics server. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* 8-4-4-4-12 hex digits, either case, no braces (the only form Dataverse takes in URLs). */
gboolean  mock_guid_is_valid (const char *text);
gboolean  mock_guid_is_valid_len (const char *text, gsize len);
char     *mock_guid_new (void);

/* Domain-like tenant names as Entra accepts them: dot-separated DNS labels. */
gboolean  mock_domain_is_valid (const char *text);

char     *mock_now_iso8601 (void);
gboolean  mock_address_is_loopback (GSocketAddress *address);

/* One name=value pair of an application/x-www-form-urlencoded text. */
typedef struct {
  char *name;
  char *value;
} MockParam;

void       mock_param_free (MockParam *param);

/* Splits on '&', decodes '+' as space and %XX escapes; rejects bad escapes and NULs.
 * Returns a GPtrArray of MockParam in arrival order (duplicates kept). */
GPtrArray *mock_urlencoded_parse (const char *text, GError **error);
/* The same for a URL query string: like ASP.NET, under which Dataverse reads
 * its query strings, a bare '+' is a space and "%2B" a plus. */
GPtrArray *mock_query_parse (const char *text, GError **error);

char      *mock_json_to_string (JsonNode *node);
JsonNode  *mock_json_parse (const char *data, gsize length, GError **error);

G_END_DECLS
