/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oc-error.h"

/* ---- bounded parsing ---------------------------------------------------- */

/* "document " before a message, or nothing */
#define SUBJECT(subject) (subject) ? (subject) : "", (subject) ? " " : ""

/* A quick pass over the raw text, mirroring how json-glib's scanner splits
 * it into strings ("…" with escapes, '…' without), block comments and
 * structure. It bounds the nesting depth before json-glib recurses, and
 * refuses \u0000, which json-glib silently turns into the end of a string.
 * Where it errs it errs towards counting too deep, never too shallow. */
static gboolean
check_structure (const char *data, gsize len, const char *subject, GError **error)
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
                               "%s%scontains a \\u0000 character (at byte %" G_GSIZE_FORMAT ")",
                               SUBJECT (subject), i);
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
          if (++depth > OC_JSON_MAX_DEPTH)
            {
              g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                           "%s%snests arrays and objects deeper than %d levels",
                           SUBJECT (subject), OC_JSON_MAX_DEPTH);
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

static gboolean
value_fail (GError **error, GString *path, const char *rule)
{
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
  gsize mark = path->len;

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
                g_string_append (path, path->len > 0 ? ": a member name" : "a member name");
                return value_fail (error, path, "is not valid UTF-8 (lone surrogate escape)");
              }
            if (path->len > 0)
              g_string_append_c (path, '.');
            g_string_append (path, name);
            if (!check_values (json_object_get_member (object, name), path, error))
              return FALSE;
            g_string_truncate (path, mark);
          }
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_string_append_printf (path, "[%u]", i);
            if (!check_values (json_array_get_element (array, i), path, error))
              return FALSE;
            g_string_truncate (path, mark);
          }
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        return value_fail (error, path, "is not valid UTF-8 (lone surrogate escape)");
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        return value_fail (error, path, "is a number out of range");
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
  return TRUE;
}

/* json-glib's messages quote the offending token ("unexpected identifier
 * `…'"), which may be anything the other side sent, a secret included. Only
 * the position and the kind of mistake are kept. */
static char *
describe_parse_error (const GError *json_error)
{
  const char *kind = "unexpected text";
  if (json_error->domain == JSON_PARSER_ERROR)
    switch (json_error->code)
      {
      case JSON_PARSER_ERROR_TRAILING_COMMA:    kind = "a trailing comma"; break;
      case JSON_PARSER_ERROR_MISSING_COMMA:     kind = "a missing comma"; break;
      case JSON_PARSER_ERROR_MISSING_COLON:     kind = "a missing colon"; break;
      case JSON_PARSER_ERROR_INVALID_BAREWORD:  kind = "a bare word where a value belongs"; break;
      case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME: kind = "an empty member name"; break;
      case JSON_PARSER_ERROR_INVALID_DATA:      kind = "invalid data"; break;
      default: break;
      }
  /* "<data>:LINE:COLUMN: Parse error: …" */
  const char *position = json_error->message ? strchr (json_error->message, ':') : NULL;
  guint line = 0, column = 0;
  if (position != NULL && sscanf (position, ":%u:%u:", &line, &column) == 2)
    return g_strdup_printf ("%s at line %u, column %u", kind, line, column);
  return g_strdup (kind);
}

JsonNode *
oc_json_parse (const char *data, gssize length, gsize max_bytes, const char *subject, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    return NULL;
  gsize len = length < 0 ? strlen (data) : (gsize) length;
  if (len == 0)
    return NULL;
  if (max_bytes > 0 && len > max_bytes)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                   "%s%sis larger than %" G_GSIZE_FORMAT " KiB", SUBJECT (subject), max_bytes / 1024);
      return NULL;
    }
  /* Also refuses NUL bytes, which would cut the text short for json-glib. */
  const char *end = NULL;
  if (!g_utf8_validate_len (data, len, &end))
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                   "%s%sis not valid UTF-8 (at byte %" G_GSIZE_FORMAT ")", SUBJECT (subject),
                   (gsize) (end - data));
      return NULL;
    }
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  if (!check_structure (data, len, subject, error))
    return NULL;

  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) len, &json_error))
    {
      g_autofree char *where = describe_parse_error (json_error);
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "%s%sis not valid JSON (%s)", SUBJECT (subject), where);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    return NULL;

  g_autoptr(GString) path = g_string_new (NULL);
  if (!check_values (root, path, error))
    return NULL;
  return json_node_ref (root);
}

/* ---- typed member reads ------------------------------------------------- */

const char *
oc_json_node_type_name (JsonNode *node)
{
  if (node == NULL)
    return "absent";
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return "a string";
  if (type == G_TYPE_BOOLEAN)
    return "true or false";
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    return "a number";
  return "a value";
}

void
oc_json_reader_init (OcJsonReader *reader, JsonObject *object, const char *path)
{
  g_return_if_fail (reader != NULL);
  reader->object = object;
  reader->path = g_strdup (path);
  reader->error = NULL;
}

static void
reader_fail (OcJsonReader *reader, const char *member, const char *wanted, JsonNode *node)
{
  if (reader->error != NULL)
    return;
  g_autofree char *name = reader->path == NULL ? g_strdup (member)
                          : member == NULL ? g_strdup (reader->path)
                          : g_strconcat (reader->path, ".", member, NULL);
  reader->error = g_error_new (OC_ERROR, OC_ERROR_INVALID_INPUT, "%s: must be %s, not %s",
                               name ? name : "the answer", wanted, oc_json_node_type_name (node));
}

void
oc_json_reader_init_node (OcJsonReader *reader, JsonNode *node, const char *path)
{
  g_return_if_fail (reader != NULL);
  gboolean is_object = node != NULL && JSON_NODE_HOLDS_OBJECT (node);
  oc_json_reader_init (reader, is_object ? json_node_get_object (node) : NULL, path);
  if (!is_object)
    reader_fail (reader, NULL, "an object", node);
}

gboolean
oc_json_reader_ok (const OcJsonReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  return reader->error == NULL;
}

gboolean
oc_json_reader_finish (OcJsonReader *reader, GError **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  g_clear_pointer (&reader->path, g_free);
  if (reader->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&reader->error));
  return FALSE;
}

/* The member's node when it is present and not null; NULL otherwise. */
static JsonNode *
reader_member (OcJsonReader *reader, const char *member)
{
  if (reader->object == NULL || reader->error != NULL)
    return NULL;
  JsonNode *node = json_object_get_member (reader->object, member);
  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

gboolean
oc_json_reader_has (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, FALSE);
  return reader_member (reader, member) != NULL;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

const char *
oc_json_reader_string (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, NULL);
  JsonNode *node = reader_member (reader, member);
  if (node == NULL)
    return NULL;
  if (!node_is_string (node))
    {
      reader_fail (reader, member, "a string", node);
      return NULL;
    }
  return json_node_get_string (node);
}

const char *
oc_json_reader_require_string (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, NULL);
  if (reader->error != NULL)
    return NULL;
  const char *value = oc_json_reader_string (reader, member);
  if (reader->error == NULL && (value == NULL || *value == '\0'))
    {
      JsonNode *node = reader->object ? json_object_get_member (reader->object, member) : NULL;
      reader_fail (reader, member, "a non-empty string", node);
      return NULL;
    }
  return value;
}

gint64
oc_json_reader_int (OcJsonReader *reader, const char *member, gint64 default_value)
{
  g_return_val_if_fail (reader != NULL && member != NULL, default_value);
  JsonNode *node = reader_member (reader, member);
  if (node == NULL)
    return default_value;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      if (type == G_TYPE_INT64)
        return json_node_get_int (node);
      if (type == G_TYPE_DOUBLE)
        {
          double value = json_node_get_double (node);
          /* 2^63 is the first double past G_MAXINT64 */
          if (value == floor (value) && value >= -9223372036854775808.0 && value < 9223372036854775808.0)
            return (gint64) value;
          reader_fail (reader, member, "a whole number", node);
          return default_value;
        }
    }
  reader_fail (reader, member, "a number", node);
  return default_value;
}

gboolean
oc_json_reader_bool (OcJsonReader *reader, const char *member, gboolean default_value)
{
  g_return_val_if_fail (reader != NULL && member != NULL, default_value);
  JsonNode *node = reader_member (reader, member);
  if (node == NULL)
    return default_value;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  reader_fail (reader, member, "true or false", node);
  return default_value;
}

/* The member's node when it is present with @type; NULL when absent, null
 * or (a failure) of another type. */
static JsonNode *
reader_container (OcJsonReader *reader, const char *member, JsonNodeType type, const char *wanted)
{
  JsonNode *node = reader_member (reader, member);
  if (node != NULL && json_node_get_node_type (node) != type)
    {
      reader_fail (reader, member, wanted, node);
      return NULL;
    }
  return node;
}

JsonObject *
oc_json_reader_object (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, NULL);
  JsonNode *node = reader_container (reader, member, JSON_NODE_OBJECT, "an object");
  return node ? json_node_get_object (node) : NULL;
}

JsonArray *
oc_json_reader_array (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, NULL);
  JsonNode *node = reader_container (reader, member, JSON_NODE_ARRAY, "an array");
  return node ? json_node_get_array (node) : NULL;
}
