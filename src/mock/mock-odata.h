/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-odata.h — OData system query options as Dataverse accepts them. */
#pragma once

#include <glib.h>

#include "mock-entities.h"

G_BEGIN_DECLS

#define MOCK_ODATA_ERROR (mock_odata_error_quark ())
GQuark mock_odata_error_quark (void);

typedef enum {
  MOCK_ODATA_ERROR_BAD_REQUEST,      /* 400, code 0x80060888 */
  MOCK_ODATA_ERROR_NOT_IMPLEMENTED,  /* valid on Dataverse, not (yet) in the mock: 501 */
} MockODataError;

/* Dataverse's code for OData URI parse and binding errors. */
#define MOCK_ODATA_CODE "0x80060888"

typedef enum {
  MOCK_ODATA_SELECT    = 1 << 0,
  MOCK_ODATA_FILTER    = 1 << 1,
  MOCK_ODATA_TOP       = 1 << 2,
  MOCK_ODATA_SKIPTOKEN = 1 << 3,
  MOCK_ODATA_ORDERBY   = 1 << 4,
  MOCK_ODATA_EXPAND    = 1 << 5,
  MOCK_ODATA_COUNT     = 1 << 6,
  MOCK_ODATA_APPLY     = 1 << 7,
} MockODataOption;

typedef struct {
  guint    present;     /* MockODataOption bits */
  char   **select;      /* names as given; NULL when absent or "*" */
  char    *select_raw;  /* the decoded $select text, for @odata.context */
  char    *filter;      /* the decoded $filter text */
  gint64   top;         /* -1 when absent */
  char    *skiptoken;
  char    *orderby;     /* the decoded $orderby text */
  char    *expand;      /* the decoded $expand text (mock-expand.h reads it) */
  gboolean count;       /* $count=true */
  char    *apply;       /* the decoded $apply text (mock-apply.c reads it) */
  struct _MockExpand *expansion;  /* $expand bound to the table, once mock_expand_bind() ran */
} MockODataQuery;

void mock_odata_query_free (MockODataQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockODataQuery, mock_odata_query_free)

/* A MOCK_ODATA_ERROR_BAD_REQUEST with a formatted message. Returns FALSE. */
gboolean mock_odata_set_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Parses the raw (still percent-encoded) query string of a request URL.
 * "%20" and a bare '+' are a space, "%2B" is a plus: Dataverse reads its
 * query string as ASP.NET does, which is why Microsoft's filter docs say to
 * send '+' as %2B. */
MockODataQuery *mock_odata_query_parse (const char *raw_query, GError **error);

/* Rejects options present but not in @allowed (for example $top on a single record). */
gboolean mock_odata_query_check (const MockODataQuery *query, guint allowed,
                                 gboolean single_entity, GError **error);

/* Splits @text on @sep outside parentheses, each part stripped (transfer
 * full, of char*); NULL when the parentheses do not balance. */
GPtrArray *mock_odata_split_top (const char *text, char sep);

/* Splits "$select=a,b" into @names (NULL for "*") and @raw; errors as for a top-level $select. */
gboolean mock_odata_parse_select (const char *value, char ***names, char **raw, GError **error);

/* Every $select name must be a column of @entity. */
gboolean mock_odata_select_validate (const MockODataQuery *query, const MockEntity *entity,
                                     GError **error);

G_END_DECLS
