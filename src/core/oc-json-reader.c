/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-json-reader.c — OcJsonReader: members read by type, the first wrong
 * type kept as an error that names the member (oc-json.h). */
#include "oc-json.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "oc-error.h"

/* ---- typed member reads ------------------------------------------------- */

const char *
oc_json_node_type_name (JsonNode *node)
{
  if (node == NULL)
    return _("absent");
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return _("an object");
    case JSON_NODE_ARRAY:  return _("an array");
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return _("a string");
  if (type == G_TYPE_BOOLEAN)
    return _("true or false");
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    return _("a number");
  return _("a value");
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
  reader->error = g_error_new (OC_ERROR, OC_ERROR_INVALID_INPUT, _("%s: must be %s, not %s"),
                               name ? name : _("the answer"), wanted, oc_json_node_type_name (node));
}

void
oc_json_reader_init_node (OcJsonReader *reader, JsonNode *node, const char *path)
{
  g_return_if_fail (reader != NULL);
  gboolean is_object = node != NULL && JSON_NODE_HOLDS_OBJECT (node);
  oc_json_reader_init (reader, is_object ? json_node_get_object (node) : NULL, path);
  if (!is_object)
    reader_fail (reader, NULL, _("an object"), node);
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
      reader_fail (reader, member, _("a string"), node);
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
      reader_fail (reader, member, _("a non-empty string"), node);
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
          reader_fail (reader, member, _("a whole number"), node);
          return default_value;
        }
    }
  reader_fail (reader, member, _("a number"), node);
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
  reader_fail (reader, member, _("true or false"), node);
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
  JsonNode *node = reader_container (reader, member, JSON_NODE_OBJECT, _("an object"));
  return node ? json_node_get_object (node) : NULL;
}

JsonArray *
oc_json_reader_array (OcJsonReader *reader, const char *member)
{
  g_return_val_if_fail (reader != NULL && member != NULL, NULL);
  JsonNode *node = reader_container (reader, member, JSON_NODE_ARRAY, _("an array"));
  return node ? json_node_get_array (node) : NULL;
}
