/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-odata-page.h — the envelope of one page of an OData collection answer,
 * {"value": [ … ], "@odata.nextLink": "…"}, read for the row parsers
 * (oc-watcher-rows.c, oc-roster-rows.c): no I/O, no state. Their fuzz
 * targets (tests/fuzz/fuzz-watcher-rows.c, fuzz-roster-rows.c) drive it. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parses the row @node at @path ("value[3]"): a new row, or NULL with @error. */
typedef gpointer (*OcODataRowFunc) (JsonNode *node, const char *path, gpointer user_data, GError **error);

/* Reads @answer's envelope, then each element of "value" with @parse,
 * appending the rows to @rows (which must own them) in the answer's order.
 * A row in error is skipped and counted in *@skipped, never fatal to the
 * others; *@skip_reason (newly allocated) is the first one's message.
 * *@next_link (newly allocated): the non-empty "@odata.nextLink", else NULL.
 * Returns FALSE with OC_ERROR_INVALID_INPUT, and the outputs untouched,
 * when the page itself is unusable: @answer not an object, "value" absent
 * or not an array, "@odata.nextLink" not a string. @answer may be NULL (an
 * empty body). @translate: whether "value"'s message is translated. */
gboolean oc_odata_page_read (JsonNode       *answer,
                             gboolean        translate,
                             OcODataRowFunc  parse,
                             gpointer        user_data,
                             GPtrArray      *rows,
                             char          **next_link,
                             guint          *skipped,
                             char          **skip_reason,
                             GError        **error);

G_END_DECLS
