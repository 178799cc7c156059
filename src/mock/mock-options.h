/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-options.h — choice (option set) values: the tables' own, plus the
 * custom options an org adds, so that create, update, formatted values and
 * the attribute metadata all read one list. */
#pragma once

#include "mock-store.h"

G_BEGIN_DECLS

/* The label of @value in @column's options (custom ones included), or NULL. */
const char *mock_options_label (MockStore *store, const MockEntity *entity, const MockColumn *column,
                                gint64 value);
/* Every option of @column, the table's first (const MockOption*, transfer container). */
GPtrArray  *mock_options_list (MockStore *store, const MockEntity *entity, const MockColumn *column);
/* "1,2,3,100000000": the values as Dataverse lists them in a range error. */
char       *mock_options_accepted (MockStore *store, const MockEntity *entity, const MockColumn *column);

/* Adds a custom option to a choice column (not statecode, statuscode or a
 * multi-select choice). Fails on an unknown table or column, a value the
 * column has, or an empty label. */
gboolean    mock_options_add (MockStore *store, const char *logical_name, const char *column, gint64 value,
                              const char *label, GError **error);
/* {"incident.prioritycode":[{"value":100000000,"label":"Urgent"}], …}, as in
 * a seed's "option_sets" and POST /_mock/option-sets; all or nothing. */
gboolean    mock_options_load (MockStore *store, JsonNode *node, GError **error);

/* The state (statecode) a status reason belongs to; FALSE when @status is
 * not one of the table's status reasons. */
gboolean    mock_options_status_state (const MockEntity *entity, gint64 status, gint64 *state);

G_END_DECLS
