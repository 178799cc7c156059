/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-json.h — the one door through which JSON from outside enters core.
 *
 * oc_json_parse bounds what json-glib is given (size, nesting depth, UTF-8,
 * no \u0000) and checks every string it produced, so a hostile answer is an
 * error and never a stack overflow or a GLib critical further on.
 *
 * OcJsonReader reads members by type: a member of the wrong type is an error
 * that names it, never a silent default and never a json-glib assertion. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* No answer, token or document of ours needs more; json-glib recurses once
 * per level and ~100 000 levels of '[' overflow a thread's stack. */
#define OC_JSON_MAX_DEPTH 64
/* The most of a document's own text an error may show, escaped. */
#define OC_JSON_EXCERPT_CHARS 40

/* Parses a network answer: @data (@length bytes, or NUL-terminated when -1)
 * into a new node (free with json_node_unref). An empty text yields NULL
 * without an error. A leading UTF-8 byte-order mark is skipped; @max_bytes 0
 * means no limit here (the transport already bounds answers). Every string
 * is checked for UTF-8 and every number for range. Errors are
 * OC_ERROR_INVALID_INPUT with a message that describes the text without
 * quoting any of it: "@subject nests arrays and objects deeper than 64
 * levels", "not valid JSON at line 1, column 9 (a missing comma)" (@subject
 * may be NULL: no subject), or for one value "a string is not valid UTF-8
 * (lone surrogate escape)" — no member is named, since a name in an answer
 * may be anything the other side sent, a token included. */
JsonNode *oc_json_parse (const char *data,
                         gssize      length,
                         gsize       max_bytes,
                         const char *subject,
                         GError    **error);

/* Parses a document (a session file, a setting) of at most @max_bytes and
 * @max_depth levels with the same checks, but a syntax error shows a short,
 * escaped excerpt of the offending line: "not valid JSON at line 3, column 7,
 * near “"id": secr…”"; the other errors start with "document". Empty text
 * and NULL are errors. Returns the root node (never NULL on success). */
JsonNode *oc_json_parse_bounded (const char *data,
                                 gssize      length,
                                 gsize       max_bytes,
                                 guint       max_depth,
                                 GError    **error);

/* At most @max_chars characters of @text (@length bytes of UTF-8, or
 * NUL-terminated when negative), control and other unprintable characters,
 * quotes and backslashes escaped as in C, "…" where it was cut. */
char     *oc_json_excerpt (const char *text,
                           gssize      length,
                           gsize       max_chars);

/* The bytes of the regular file @path, of at most @max_bytes, or NULL with an
 * OC_ERROR_INVALID_INPUT error. Unless @follow_symlinks, a symbolic link is
 * refused without opening its target. Never blocks on a FIFO or device. */
GBytes   *oc_json_read_file (const char *path,
                             gsize       max_bytes,
                             gboolean    follow_symlinks,
                             GError    **error);

/* Reads members of one object and remembers the first type error.
 * Absent and null members read as "not given" (NULL, or the default); the
 * reader fails only on a member that is present with another type.
 * Typical use:
 *   OcJsonReader r;
 *   oc_json_reader_init (&r, object, NULL);
 *   const char *id = oc_json_reader_string (&r, "UserId");
 *   gint64 state = oc_json_reader_int (&r, "statecode", -1);
 *   if (!oc_json_reader_finish (&r, &error)) …
 */
typedef struct {
  JsonObject *object;    /* borrowed; NULL reads every member as absent */
  char       *path;      /* prefix for member names in errors, owned */
  GError     *error;     /* the first failure, owned */
} OcJsonReader;

/* @path names @object inside its document ("error", "value[3]") or NULL at
 * the root. @object may be NULL. */
void        oc_json_reader_init         (OcJsonReader *reader,
                                         JsonObject   *object,
                                         const char   *path);
/* Initialises @reader for @node, which must be an object; otherwise the
 * reader starts failed ("…: must be an object"). */
void        oc_json_reader_init_node    (OcJsonReader *reader,
                                         JsonNode     *node,
                                         const char   *path);
/* Frees what the reader owns. Returns TRUE when every read succeeded;
 * otherwise sets @error (may be NULL) to OC_ERROR_INVALID_INPUT naming the
 * member, e.g. "statecode: must be a number, not a string". */
gboolean    oc_json_reader_finish       (OcJsonReader *reader,
                                         GError      **error);
gboolean    oc_json_reader_ok           (const OcJsonReader *reader);

/* Returned strings, objects and arrays are borrowed from the object. */
const char *oc_json_reader_string       (OcJsonReader *reader,
                                         const char   *member);
/* Like oc_json_reader_string, but absent, null and "" are failures too. */
const char *oc_json_reader_require_string (OcJsonReader *reader,
                                           const char   *member);
/* Integers only (json-glib's INT64, or a DOUBLE with an integral value in
 * range); a string holding digits is a type error, as Dataverse never sends one. */
gint64      oc_json_reader_int          (OcJsonReader *reader,
                                         const char   *member,
                                         gint64        default_value);
gboolean    oc_json_reader_bool         (OcJsonReader *reader,
                                         const char   *member,
                                         gboolean      default_value);
JsonObject *oc_json_reader_object       (OcJsonReader *reader,
                                         const char   *member);
JsonArray  *oc_json_reader_array        (OcJsonReader *reader,
                                         const char   *member);
/* TRUE when @member is present and not null. */
gboolean    oc_json_reader_has          (OcJsonReader *reader,
                                         const char   *member);

/* The one place the type of a value node is named in messages. */
const char *oc_json_node_type_name      (JsonNode *node);

/* Adds the member @name to the object @builder is in: @value, or null when
 * @value is NULL (what our machine-readable lines write for "absent"). */
void        oc_json_builder_add_string_member (JsonBuilder *builder,
                                               const char  *name,
                                               const char  *value);

G_END_DECLS
