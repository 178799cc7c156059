/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-expand.h — $expand of navigation properties, with nested $select. */
#pragma once

#include <json-glib/json-glib.h>

#include "mock-format.h"
#include "mock-odata.h"
#include "mock-store.h"

G_BEGIN_DECLS

typedef struct _MockExpand MockExpand;

/* Parses @query->expand against @entity into @query->expansion; TRUE when
 * there is none. Errors are MOCK_ODATA_ERROR: unknown navigation properties
 * and columns 400, options Dataverse has but the mock does not 501. */
gboolean mock_expand_bind (MockODataQuery *query, const MockEntity *entity, GError **error);
void     mock_expand_free (MockExpand *expand);
/* Adds the expanded navigation properties of @record to @out. */
void     mock_expand_apply (const MockExpand *expand, MockStore *store, const MockEntity *entity,
                            JsonObject *record, const MockPrefs *prefs, JsonObject *out);
/* "nav(a,b),other()" for @odata.context, or NULL without $expand. */
char    *mock_expand_context (const MockExpand *expand);

G_END_DECLS
