/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-json.c — oc_json_parse and every OcJsonReader read, over any text.
 * Invariants: a parsed tree keeps the promised bounds (depth, UTF-8, finite
 * numbers); a reader returns a value exactly when the member has that type
 * and fails, naming the member, otherwise; errors never quote the text. */
#include <math.h>
#include <string.h>

#include "fuzz-common.h"
#include "oc-error.h"
#include "oc-json.h"

#define MAX_OBJECTS_READ 64

static void check_tree (JsonNode *node, guint depth, guint *objects);

static gboolean
is_value_of (JsonNode *node, GType type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
is_integral (JsonNode *node)
{
  if (is_value_of (node, G_TYPE_INT64))
    return TRUE;
  if (!is_value_of (node, G_TYPE_DOUBLE))
    return FALSE;
  double d = json_node_get_double (node);
  return d == floor (d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

static void
expect_reader (OcJsonReader *reader, gboolean ok, const char *member, const char *how)
{
  g_autoptr(GError) error = NULL;
  gboolean finished = oc_json_reader_finish (reader, &error);
  fuzz_assert (finished == ok, "%s of member “%s”: reader said %d", how, member, finished);
  if (!finished)
    {
      fuzz_assert (g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_INPUT), "%s: wrong error domain", how);
      fuzz_check_message (how, error->message, NULL);
    }
}

/* Reads @member of @object in every way and checks each answer against the
 * member's actual type. */
static void
read_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  gboolean absent = node == NULL || JSON_NODE_HOLDS_NULL (node);
  OcJsonReader r;

  oc_json_reader_init (&r, object, "root");
  const char *s = oc_json_reader_string (&r, member);
  fuzz_assert (absent ? s == NULL : (s != NULL) == is_value_of (node, G_TYPE_STRING), "string");
  fuzz_assert (s == NULL || g_utf8_validate (s, -1, NULL), "string not UTF-8");
  expect_reader (&r, absent || is_value_of (node, G_TYPE_STRING), member, "string");

  oc_json_reader_init (&r, object, NULL);
  s = oc_json_reader_require_string (&r, member);
  gboolean non_empty = is_value_of (node, G_TYPE_STRING) && *json_node_get_string (node) != '\0';
  fuzz_assert ((s != NULL) == non_empty, "require_string");
  expect_reader (&r, non_empty, member, "require_string");

  oc_json_reader_init (&r, object, NULL);
  gint64 n = oc_json_reader_int (&r, member, 4242);
  fuzz_assert (!absent || n == 4242, "int default");
  expect_reader (&r, absent || is_integral (node), member, "int");

  oc_json_reader_init (&r, object, NULL);
  oc_json_reader_bool (&r, member, FALSE);
  expect_reader (&r, absent || is_value_of (node, G_TYPE_BOOLEAN), member, "bool");

  oc_json_reader_init (&r, object, NULL);
  JsonObject *o = oc_json_reader_object (&r, member);
  fuzz_assert ((o != NULL) == (!absent && JSON_NODE_HOLDS_OBJECT (node)), "object");
  expect_reader (&r, absent || JSON_NODE_HOLDS_OBJECT (node), member, "object");

  oc_json_reader_init (&r, object, NULL);
  JsonArray *a = oc_json_reader_array (&r, member);
  fuzz_assert ((a != NULL) == (!absent && JSON_NODE_HOLDS_ARRAY (node)), "array");
  expect_reader (&r, absent || JSON_NODE_HOLDS_ARRAY (node), member, "array");

  oc_json_reader_init (&r, object, NULL);
  fuzz_assert (oc_json_reader_has (&r, member) == !absent, "has");
  fuzz_assert (oc_json_reader_finish (&r, NULL), "has never fails");
}

static void
check_tree (JsonNode *node, guint depth, guint *objects)
{
  fuzz_assert (depth <= OC_JSON_MAX_DEPTH + 1, "a tree %u levels deep was accepted", depth);
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);
        gboolean read = (*objects)++ < MAX_OBJECTS_READ;
        for (GList *l = names; l; l = l->next)
          {
            fuzz_assert (g_utf8_validate (l->data, -1, NULL), "member name not UTF-8");
            if (read)
              read_member (object, l->data);
            check_tree (json_object_get_member (object, l->data), depth + 1, objects);
          }
        if (read)
          read_member (object, "no such member");
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          check_tree (json_array_get_element (array, i), depth + 1, objects);
        break;
      }
    case JSON_NODE_VALUE:
      if (is_value_of (node, G_TYPE_STRING))
        fuzz_assert (g_utf8_validate (json_node_get_string (node), -1, NULL), "string value not UTF-8");
      if (is_value_of (node, G_TYPE_DOUBLE))
        fuzz_assert (isfinite (json_node_get_double (node)), "a non-finite number was accepted");
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = oc_json_parse ((const char *) data, (gssize) size, 0, "answer", &error);
  if (root)
    {
      fuzz_assert (error == NULL, "a tree and an error");
      guint objects = 0;
      check_tree (root, 1, &objects);
      OcJsonReader r;
      oc_json_reader_init_node (&r, root, "answer");
      expect_reader (&r, JSON_NODE_HOLDS_OBJECT (root), "(root)", "init_node");
    }
  else if (error)
    fuzz_check_message ("oc_json_parse", error->message, NULL);

  /* The size limit is a limit. */
  g_autoptr(GError) size_error = NULL;
  g_autoptr(JsonNode) bounded = oc_json_parse ((const char *) data, (gssize) size, 16, NULL, &size_error);
  fuzz_assert (size <= 16 || bounded == NULL, "%zu bytes passed a 16-byte limit", size);

  /* The same text beside a secret: whatever is wrong with it, the secret is
   * not in the message. */
  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker (data, size, &length);
  if (wrapped)
    {
      g_autoptr(GError) wrapped_error = NULL;
      g_autoptr(JsonNode) node = oc_json_parse (wrapped, (gssize) length, 0, NULL, &wrapped_error);
      if (wrapped_error)
        fuzz_check_message ("oc_json_parse (beside a secret)", wrapped_error->message, FUZZ_MARKER);
    }
  return 0;
}
