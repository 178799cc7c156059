/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-json.c — bounded JSON parsing whose errors name a position and never
 * quote more than a short, escaped excerpt; typed member reads (oc-json.h). */
#include "oc-json.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc-error.h"

/* "document " before a message, or nothing; the subject comes translated */
#define SUBJECT(subject) (subject) ? (subject) : "", (subject) ? " " : ""

/* ---- bounded parsing ---------------------------------------------------- */

static void
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
invalid (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, message);
}

char *
oc_json_excerpt (const char *text, gssize length, gsize max_chars)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  gsize len = length < 0 ? strlen (text) : (gsize) length;
  const char *end = text + len;
  GString *out = g_string_new (NULL);
  gsize chars = 0;
  const char *p = text;

  while (p < end && chars < max_chars)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* not UTF-8: show the byte, never pass it on */
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          chars++;
          continue;
        }
      switch (c)
        {
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default:
          if (c < 0x80 && !g_ascii_isprint ((char) c))
            g_string_append_printf (out, "\\x%02x", c);
          else if (c >= 0x80 && !g_unichar_isprint (c))
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
      p = g_utf8_next_char (p);
      chars++;
    }
  if (p < end)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* A quick pass over the raw text, mirroring how json-glib's scanner splits
 * it into strings ("…" with escapes, '…' without), block comments and
 * structure. It bounds the nesting depth before json-glib recurses, and
 * refuses \u0000, which json-glib silently turns into the end of a string.
 * Where it errs it errs towards counting too deep, never too shallow. */
static gboolean
check_structure (const char *data, gsize len, guint max_depth, const char *subject, GError **error)
{
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      switch (data[i])
        {
        case '"':
          for (i++; i < len && data[i] != '"'; i++)
            {
              if (data[i] != '\\')
                continue;
              if (len - i >= 6 && memcmp (data + i + 1, "u0000", 5) == 0)
                {
                  g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                               _("%s%scontains a \\u0000 character (at byte %lu)"),
                               SUBJECT (subject), (unsigned long) i);
                  return FALSE;
                }
              i++;   /* the escaped character cannot end the string */
            }
          break;
        case '\'':
          for (i++; i < len && data[i] != '\''; i++)
            ;
          break;
        case '/':
          if (i + 1 < len && data[i + 1] == '*')
            {
              for (i += 2; i + 1 < len && !(data[i] == '*' && data[i + 1] == '/'); i++)
                ;
              i++;
            }
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                           _("%s%snests arrays and objects deeper than %u levels"),
                           SUBJECT (subject), max_depth);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* @path NULL: an answer, whose member names may be anything the other side
 * sent (a token, say), so none is named; the failure is described alone. */
static gboolean
value_fail (GError **error, GString *path, const char *bare, const char *rule)
{
  if (path == NULL)
    g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, bare);
  else
    g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "%s%s%s",
                 path->str, path->len > 0 ? ": " : "", rule);
  return FALSE;
}

/* json-glib turns an escaped lone surrogate ("\ud800") into bytes that are
 * not UTF-8, and 1e999 into infinity; both must be caught before a g_utf8_*
 * function, the markup escaper or the generator touches them. The depth is
 * already bounded, so the recursion is too. */
static gboolean
check_values (JsonNode *node, GString *path, GError **error)
{
  gsize mark = path ? path->len : 0;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);   /* document order */
        for (GList *l = names; l != NULL; l = l->next)
          {
            const char *name = l->data;
            if (!g_utf8_validate (name, -1, NULL))
              {
                if (path)
                  g_string_append_printf (path, "%s%s", path->len > 0 ? ": " : "", _("a member name"));
                return value_fail (error, path, _("a member name is not valid UTF-8 (lone surrogate escape)"),
                                   _("is not valid UTF-8 (lone surrogate escape)"));
              }
            if (path)
              {
                if (path->len > 0)
                  g_string_append_c (path, '.');
                /* member names are content too: shown only as a short excerpt */
                g_autofree char *shown = oc_json_excerpt (name, -1, OC_JSON_EXCERPT_CHARS);
                g_string_append (path, shown);
              }
            if (!check_values (json_object_get_member (object, name), path, error))
              return FALSE;
            if (path)
              g_string_truncate (path, mark);
          }
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (path)
              g_string_append_printf (path, "[%u]", i);
            if (!check_values (json_array_get_element (array, i), path, error))
              return FALSE;
            if (path)
              g_string_truncate (path, mark);
          }
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        return value_fail (error, path, _("a string is not valid UTF-8 (lone surrogate escape)"),
                           _("is not valid UTF-8 (lone surrogate escape)"));
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        return value_fail (error, path, _("a number is out of range"), _("is a number out of range"));
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
  return TRUE;
}

static char *
describe_size (gsize bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return g_strdup_printf (_("%lu MiB"), (unsigned long) (bytes / (1024 * 1024)));
  if (bytes >= 1024 && bytes % 1024 == 0)
    return g_strdup_printf (_("%lu KiB"), (unsigned long) (bytes / 1024));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu byte", "%lu bytes", bytes), (unsigned long) bytes);
}

static const char *
describe_mistake (const GError *json_error)
{
  const char *kind = _("unexpected text");
  if (json_error->domain == JSON_PARSER_ERROR)
    switch (json_error->code)
      {
      case JSON_PARSER_ERROR_TRAILING_COMMA:    kind = _("a trailing comma"); break;
      case JSON_PARSER_ERROR_MISSING_COMMA:     kind = _("a missing comma"); break;
      case JSON_PARSER_ERROR_MISSING_COLON:     kind = _("a missing colon"); break;
      case JSON_PARSER_ERROR_INVALID_BAREWORD:  kind = _("a bare word where a value belongs"); break;
      case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME: kind = _("an empty member name"); break;
      case JSON_PARSER_ERROR_INVALID_DATA:      kind = _("invalid data"); break;
      default: break;
      }
  return kind;
}

/* json-glib's messages ("<data>:1:16: Parse error: unexpected identifier
 * `root:x:0:0:…'") quote whole tokens, which may be a whole line of a file
 * never meant for us, or a token in an answer. Only the position is kept,
 * with either the kind of mistake (answers: nothing of them is shown) or a
 * bounded, escaped excerpt of the offending line (documents). */
static void
set_syntax_error (GError **error, const GError *json_error, const char *data, gsize len,
                  gboolean show_excerpt)
{
  unsigned line = 0, column = 0;
  if (json_error == NULL || sscanf (json_error->message, "<data>:%u:%u:", &line, &column) != 2 || line == 0)
    {
      invalid (error, _("not valid JSON"));
      return;
    }
  if (!show_excerpt)
    {
      invalid (error, _("not valid JSON at line %u, column %u (%s)"), line, column, describe_mistake (json_error));
      return;
    }
  const char *start = data;
  const char *end = data + len;
  for (unsigned n = 1; n < line && start < end; n++)
    {
      const char *newline = memchr (start, '\n', (gsize) (end - start));
      start = newline ? newline + 1 : end;
    }
  const char *line_end = memchr (start, '\n', (gsize) (end - start));
  if (line_end == NULL)
    line_end = end;
  /* about half the excerpt before the position, on a character boundary */
  const char *from = start;
  gsize offset = column > 0 ? column - 1 : 0;
  if (offset > (gsize) (line_end - start))
    offset = (gsize) (line_end - start);
  if (offset > OC_JSON_EXCERPT_CHARS / 2)
    {
      from = start + offset - OC_JSON_EXCERPT_CHARS / 2;
      while (from > start && (*from & 0xc0) == 0x80)
        from--;
    }
  g_autofree char *excerpt = oc_json_excerpt (from, line_end - from, OC_JSON_EXCERPT_CHARS);
  invalid (error, _("not valid JSON at line %u, column %u, near “%s%s”"), line, column,
           from > start ? "…" : "", excerpt);
}

/* What both entry points share; @show_excerpt chooses how a syntax error
 * is described (see set_syntax_error). */
static JsonNode *
parse_text (const char *data, gsize len, gsize max_bytes, guint max_depth, const char *subject,
            gboolean show_excerpt, GError **error)
{
  if (max_bytes > 0 && len > max_bytes)
    {
      g_autofree char *limit = describe_size (max_bytes);
      invalid (error, _("%s%sis larger than %s"), SUBJECT (subject), limit);
      return NULL;
    }
  /* Also refuses NUL bytes, which would cut the text short for json-glib. */
  const char *bad = NULL;
  if (!g_utf8_validate_len (data, len, &bad))
    {
      invalid (error, _("%s%sis not valid UTF-8 (at byte %lu)"), SUBJECT (subject),
               (unsigned long) (bad - data));
      return NULL;
    }
  /* Editors on some systems save a byte-order mark; it is not JSON. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  if (!check_structure (data, len, max_depth, subject, error))
    return NULL;

  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) len, &json_error))
    {
      set_syntax_error (error, json_error, data, len, show_excerpt);
      return NULL;
    }
  g_autoptr(JsonNode) root = json_parser_steal_root (parser);
  if (root == NULL)
    return NULL;
  g_autoptr(GString) path = show_excerpt ? g_string_new (NULL) : NULL;
  if (!check_values (root, path, error))
    return NULL;
  return g_steal_pointer (&root);
}

JsonNode *
oc_json_parse (const char *data, gssize length, gsize max_bytes, const char *subject, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (data == NULL)
    return NULL;
  gsize len = length < 0 ? strlen (data) : (gsize) length;
  return len == 0 ? NULL : parse_text (data, len, max_bytes, OC_JSON_MAX_DEPTH, subject, FALSE, error);
}

JsonNode *
oc_json_parse_bounded (const char *data, gssize length, gsize max_bytes, guint max_depth, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (data == NULL)
    {
      invalid (error, _("the document is empty"));
      return NULL;
    }
  gsize len = length < 0 ? strnlen (data, max_bytes + 1) : (gsize) length;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root = parse_text (data, len, max_bytes, max_depth, _("document"), TRUE, &local_error);
  if (root == NULL && local_error == NULL)
    invalid (&local_error, _("not valid JSON: the document is empty"));
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return root;
}

GBytes *
oc_json_read_file (const char *path, gsize max_bytes, gboolean follow_symlinks, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_symlinks ? 0 : O_NOFOLLOW), 0);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ELOOP && !follow_symlinks)
        invalid (error, _("is a symbolic link; only regular files are taken (its target was not read)"));
      else
        invalid (error, _("cannot read the file: %s"), g_strerror (saved));
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      invalid (error, _("is not a regular file"));
      return NULL;
    }

  /* One byte more than allowed tells "exactly the limit" from "more". */
  GByteArray *buffer = g_byte_array_sized_new ((guint) MIN ((gsize) st.st_size + 1, max_bytes + 1));
  guint8 chunk[16384];
  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_byte_array_unref (buffer);
          invalid (error, _("cannot read the file: %s"), g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buffer, chunk, (guint) MIN ((gsize) n, max_bytes + 1 - buffer->len));
      if (buffer->len > max_bytes)
        break;
    }
  close (fd);
  if (buffer->len > max_bytes)
    {
      g_byte_array_unref (buffer);
      g_autofree char *limit = describe_size (max_bytes);
      invalid (error, _("document is larger than %s"), limit);
      return NULL;
    }
  return g_byte_array_free_to_bytes (buffer);
}

void
oc_json_builder_add_string_member (JsonBuilder *builder, const char *name, const char *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
