/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-order.h — $orderby, and keyset paging over the resulting order. */
#pragma once

#include <json-glib/json-glib.h>

#include "mock-entities.h"

G_BEGIN_DECLS

typedef struct _MockOrder MockOrder;

/* "col [asc|desc], …" checked against @entity; NULL text: the key ascending.
 * The key is always the last criterion, so the order is total. */
MockOrder *mock_order_parse (const char *text, const MockEntity *entity, GError **error);
void       mock_order_free (MockOrder *order);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockOrder, mock_order_free)

void       mock_order_sort (const MockOrder *order, GPtrArray *records);
/* The sort values of @record (the paging cursor after it): a JSON array. */
JsonNode  *mock_order_cursor (const MockOrder *order, JsonObject *record);
/* Checks a cursor read back from a $skiptoken. */
gboolean   mock_order_cursor_valid (const MockOrder *order, JsonNode *cursor);
/* Index of the first record of sorted @records that comes after @cursor. */
guint      mock_order_seek (const MockOrder *order, GPtrArray *records, JsonNode *cursor);

G_END_DECLS
