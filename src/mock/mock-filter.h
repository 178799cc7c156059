/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-filter.h — OData $filter expressions: parse, bind to a table, evaluate. */
#pragma once

#include <json-glib/json-glib.h>

#include "mock-entities.h"
#include "mock-odata.h"

G_BEGIN_DECLS

typedef struct _MockFilter MockFilter;

/* Syntax only; errors are MOCK_ODATA_ERROR with ODL's wording and positions. */
MockFilter *mock_filter_parse (const char *text, GError **error);
/* Resolves property names against @entity and checks operand types. */
gboolean    mock_filter_bind (MockFilter *filter, const MockEntity *entity, GError **error);
/* Only after a successful bind. Comparisons of text are case-insensitive, as in Dataverse. */
gboolean    mock_filter_eval (const MockFilter *filter, JsonObject *record);
void        mock_filter_free (MockFilter *filter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockFilter, mock_filter_free)

G_END_DECLS
