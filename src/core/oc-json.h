/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-json.h — JSON text from outside (documents, settings): bounded in size
 * and nesting before json-glib sees it, and described in errors without ever
 * quoting more than a short, escaped excerpt of the offending line. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* No document this project reads needs more than a handful of levels; json-glib's
 * parser recurses once per level and a long run of '[' overflows the stack. */
#define OC_JSON_MAX_DEPTH 64
#define OC_JSON_EXCERPT_CHARS 40

/* Parses @data (@length bytes, or NUL-terminated when negative) after checking
 * that it is at most @max_bytes of valid UTF-8 (a leading byte-order mark is
 * skipped), nests at most @max_depth levels and holds no \u0000 escape.
 * Errors are OC_ERROR_INVALID_INPUT with messages such as
 * "not valid JSON at line 3, column 7, near “"id": secr…”". Returns the root
 * node (never NULL on success). */
JsonNode *oc_json_parse_bounded (const char *data, gssize length, gsize max_bytes,
                                 guint max_depth, GError **error);

/* At most @max_chars characters of @text (@length bytes of UTF-8, or
 * NUL-terminated when negative), control and other unprintable characters,
 * quotes and backslashes escaped as in C, "…" where it was cut. */
char     *oc_json_excerpt (const char *text, gssize length, gsize max_chars);

/* The bytes of the regular file @path, of at most @max_bytes, or NULL with an
 * OC_ERROR_INVALID_INPUT error. Unless @follow_symlinks, a symbolic link is
 * refused without opening its target. Never blocks on a FIFO or device. */
GBytes   *oc_json_read_file (const char *path, gsize max_bytes, gboolean follow_symlinks, GError **error);

G_END_DECLS
