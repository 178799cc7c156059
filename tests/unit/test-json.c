/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-json: the bounded parser every outside answer goes through, and the
 * typed reader that refuses members of the wrong type. */
#include <string.h>

#include "oc-error.h"
#include "oc-json.h"

static char *
nested (const char *open, guint levels, const char *inner, const char *close)
{
  GString *text = g_string_new ("{\"UserId\":");
  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < levels; i++)
    g_string_append (text, close);
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
test_depth (void)
{
  g_autoptr(GError) error = NULL;

  /* ~200 KB of '[' crashed json-glib by stack overflow before */
  g_autofree char *deep = nested ("[", 200000, "", "]");
  JsonNode *node = oc_json_parse (deep, -1, 0, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "deeper than 64 levels"));
  g_clear_error (&error);

  /* unclosed: the depth counts even without the closing half */
  g_autofree char *open_only = g_strnfill (100000, '{');
  g_assert_null (oc_json_parse (open_only, -1, 0, NULL, &error));
  g_assert_nonnull (strstr (error->message, "deeper than"));
  g_clear_error (&error);

  /* brackets inside strings are not structure */
  g_autofree char *in_string = g_strdup_printf ("{\"a\":\"%s\"}", open_only);
  g_autoptr(JsonNode) ok_string = oc_json_parse (in_string, -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok_string);

  /* exactly at the limit is fine: the outer object is one level */
  g_autofree char *limit = nested ("[", OC_JSON_MAX_DEPTH - 1, "1", "]");
  g_autoptr(JsonNode) ok = oc_json_parse (limit, -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
  g_autofree char *over = nested ("[", OC_JSON_MAX_DEPTH, "1", "]");
  g_assert_null (oc_json_parse (over, -1, 0, NULL, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
}

static void
test_bad_text (void)
{
  static const struct { const char *text; gssize len; const char *expected; } cases[] = {
    { "{\"a\":\"x\\u0000y\"}", -1, "\\u0000" },
    { "{\"a\":\"\xff\"}", -1, "not valid UTF-8 (at byte 6)" },
    { "{\"a\":1}\0{}", 10, "not valid UTF-8 (at byte 7)" },
    /* answers: no member is named, as a name may be anything the server sent */
    { "{\"error\":{\"message\":\"\\ud800abc\"}}", -1, "a string is not valid UTF-8" },
    { "{\"\\udc00ab\":1}", -1, "a member name is not valid UTF-8" },
    { "{\"a\":[1,1e999]}", -1, "a number is out of range" },
    { "{\"a\":", -1, "not valid JSON at line 1, column 5 (" },
    { "<html>Service Unavailable</html>", -1, "not valid JSON at line 1, column 1 (" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_test_message ("case %u", i);
      g_assert_null (oc_json_parse (cases[i].text, cases[i].len, 0, NULL, &error));
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
    }

  /* nothing of the text is quoted back beyond json-glib's one character */
  g_autoptr(GError) error = NULL;
  g_assert_null (oc_json_parse ("{\"secret\": SECRETVALUE}", -1, 0, NULL, &error));
  g_assert_null (strstr (error->message, "SECRETVALUE"));
}

static void
test_size_and_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (oc_json_parse ("", -1, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (oc_json_parse (NULL, 0, 0, NULL, &error));
  g_assert_no_error (error);

  g_assert_null (oc_json_parse ("{\"a\":\"0123456789\"}", -1, 8, NULL, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_autoptr(JsonNode) bom = oc_json_parse ("\xef\xbb\xbf{\"a\":1}", -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (bom));
}

static void
test_reader_types (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = oc_json_parse (
      "{\"name\":\"Tier 1\",\"state\":0,\"big\":3.0,\"frac\":1.5,\"flag\":true,\"nothing\":null,"
      "\"empty\":\"\",\"obj\":{\"k\":\"v\"},\"list\":[1],\"statecode\":\"1\",\"UserId\":{\"x\":1}}",
      -1, 0, NULL, &error);
  g_assert_no_error (error);

  OcJsonReader r;
  oc_json_reader_init_node (&r, root, NULL);
  g_assert_cmpstr (oc_json_reader_string (&r, "name"), ==, "Tier 1");
  g_assert_cmpint (oc_json_reader_int (&r, "state", -1), ==, 0);
  g_assert_cmpint (oc_json_reader_int (&r, "big", -1), ==, 3);
  g_assert_true (oc_json_reader_bool (&r, "flag", FALSE));
  g_assert_null (oc_json_reader_string (&r, "nothing"));
  g_assert_null (oc_json_reader_string (&r, "absent"));
  g_assert_cmpint (oc_json_reader_int (&r, "nothing", 7), ==, 7);
  g_assert_false (oc_json_reader_has (&r, "nothing"));
  g_assert_true (oc_json_reader_has (&r, "obj"));
  g_assert_nonnull (oc_json_reader_object (&r, "obj"));
  g_assert_nonnull (oc_json_reader_array (&r, "list"));
  g_assert_true (oc_json_reader_ok (&r));
  g_assert_true (oc_json_reader_finish (&r, &error));

  static const struct { const char *member; const char *expected; } wrong[] = {
    { "statecode", "statecode: must be a number, not a string" },
    { "UserId", "UserId: must be a string, not an object" },
    { "frac", "frac: must be a whole number, not a number" },
    { "empty", "empty: must be a non-empty string, not a string" },
    { "list", "list: must be an object, not an array" },
    { "name", "name: must be true or false, not a string" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      oc_json_reader_init_node (&r, root, NULL);
      switch (i)
        {
        case 0: g_assert_cmpint (oc_json_reader_int (&r, wrong[i].member, -1), ==, -1); break;
        case 1: g_assert_null (oc_json_reader_string (&r, wrong[i].member)); break;
        case 2: oc_json_reader_int (&r, wrong[i].member, 0); break;
        case 3: g_assert_null (oc_json_reader_require_string (&r, wrong[i].member)); break;
        case 4: g_assert_null (oc_json_reader_object (&r, wrong[i].member)); break;
        default: oc_json_reader_bool (&r, wrong[i].member, FALSE); break;
        }
      /* the first failure is kept; later reads return defaults */
      g_assert_null (oc_json_reader_string (&r, "name"));
      g_assert_false (oc_json_reader_finish (&r, &error));
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, wrong[i].expected);
      g_clear_error (&error);
    }

  /* a path prefixes member names; a non-object starts failed */
  JsonObject *obj = json_object_get_object_member (json_node_get_object (root), "obj");
  oc_json_reader_init (&r, obj, "value[2]");
  oc_json_reader_int (&r, "k", 0);
  g_assert_false (oc_json_reader_finish (&r, &error));
  g_assert_cmpstr (error->message, ==, "value[2].k: must be a number, not a string");
  g_clear_error (&error);

  g_autoptr(JsonNode) array = oc_json_parse ("[1]", -1, 0, NULL, NULL);
  oc_json_reader_init_node (&r, array, NULL);
  g_assert_null (oc_json_reader_string (&r, "x"));
  g_assert_false (oc_json_reader_finish (&r, &error));
  g_assert_cmpstr (error->message, ==, "the answer: must be an object, not an array");
  g_clear_error (&error);

  /* a NULL object reads as all absent and succeeds */
  oc_json_reader_init (&r, NULL, NULL);
  g_assert_null (oc_json_reader_string (&r, "x"));
  g_assert_true (oc_json_reader_finish (&r, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/bad-text", test_bad_text);
  g_test_add_func ("/json/size-and-empty", test_size_and_empty);
  g_test_add_func ("/json/reader-types", test_reader_types);
  return g_test_run ();
}
