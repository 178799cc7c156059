/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text cutting, transcript lines, UUIDv5 ids and OData literals. */
#include <string.h>

#include "oc-guid.h"
#include "oc-odata.h"
#include "oc-session.h"
#include "oc-text.h"
#include "oc-uuid.h"

static void
test_cut_ascii (void)
{
  static const struct { const char *in; gsize max; const char *out; } cases[] = {
    { "hello", 10, "hello" },
    { "hello", 5, "hello" },
    { "hello world", 5, "hell…" },
    { "hello world", 2, "h…" },
    { "hello world", 1, "…" },
    { "hello world", 0, "" },
    { "", 0, "" },
    { "", 3, "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = oc_text_cut (cases[i].in, cases[i].max);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (oc_text_cut (NULL, 10));
}

static void
test_cut_multibyte (void)
{
  static const struct { const char *in; gsize max; const char *out; } cases[] = {
    { "ééééé", 5, "ééééé" },                 /* 5 characters, 10 bytes: not cut */
    { "ééééé", 3, "éé…" },
    { "日本語のテキスト", 4, "日本語…" },
    { "😀😀😀", 6, "😀😀😀" },               /* an emoji is 2 UTF-16 units, as Dataverse counts */
    { "😀😀😀", 5, "😀😀…" },
    { "😀😀😀", 3, "😀…" },
    { "😀😀😀", 2, "…" },                    /* the emoji does not fit beside the ellipsis */
    { "a😀b", 3, "a…" },
    { "a😀b", 4, "a😀b" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = oc_text_cut (cases[i].in, cases[i].max);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static glong
utf16_units (const char *text)
{
  glong units = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
  return units;
}

/* Every limit on a mixed string: valid UTF-8, never more UTF-16 units than
 * asked (Dataverse's measure), an unchanged prefix, and no cut at all once
 * the text fits. */
static void
test_cut_every_boundary (void)
{
  const char *text = "Aé日😀\xcc\x81z";   /* 1, 2, 3, 4 and a combining 2-byte sequence */
  glong total = utf16_units (text);
  g_assert_cmpint (total, ==, 7);

  for (gsize n = 0; n <= (gsize) total + 2; n++)
    {
      g_autofree char *out = oc_text_cut (text, n);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_cmpint (utf16_units (out), <=, (glong) n);
      if (n >= (gsize) total)
        g_assert_cmpstr (out, ==, text);
      else if (n > 0)
        {
          g_assert_true (g_str_has_suffix (out, "…"));
          gsize prefix = strlen (out) - strlen ("…");
          g_assert_cmpint (memcmp (out, text, prefix), ==, 0);
          /* at most one unit short: only a 2-unit character fails to fit */
          g_assert_cmpint (utf16_units (out), >=, (glong) n - 1);
        }
    }
}

static void
test_cut_control_chars (void)
{
  g_autofree char *out = oc_text_cut ("a\x01" "b\nc\td\x7f" "e\rf\x1b[31m", 100);
  g_assert_cmpstr (out, ==, "a b\nc\td e f [31m");

  /* C1 controls (U+0080–U+009F) are control characters as well. */
  g_autofree char *c1 = oc_text_cut ("x\xc2\x85y", 100);
  g_assert_cmpstr (c1, ==, "x y");

  /* Invalid input is repaired, never walked blindly. */
  g_autofree char *bad = oc_text_cut ("ab\xff" "cd\xe2\x82", 100);
  g_assert_true (g_utf8_validate (bad, -1, NULL));
  g_assert_true (g_str_has_prefix (bad, "ab"));
  g_assert_nonnull (strstr (bad, "cd"));
}

static void
test_format_transcript (void)
{
  g_autoptr(OcSession) session = oc_session_new ("s1", "web");
  oc_session_add_line (session, "Customer", "Hello, my order is late", "2026-11-23T10:02:11Z");
  oc_session_add_line (session, "ai", "Let me check", NULL);
  oc_session_add_line (session, "agent", "", "2026-11-23T10:03:00Z");

  g_autofree char *text = oc_text_format_transcript (oc_session_get_transcript (session));
  g_assert_cmpstr (text, ==,
                   "[2026-11-23T10:02:11Z] customer: Hello, my order is late\n"
                   "ai: Let me check\n"
                   "[2026-11-23T10:03:00Z] agent: ");

  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autofree char *none = oc_text_format_transcript (empty);
  g_assert_cmpstr (none, ==, "");
}

static void
test_uuid_v5_vector (void)
{
  g_autofree char *id = oc_uuid_v5 ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org");
  g_assert_cmpstr (id, ==, "886313e1-3b8a-5372-9b90-0c9aee199e5d");

  /* The namespace may come in any GUID spelling. */
  g_autofree char *upper = oc_uuid_v5 ("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", "python.org");
  g_assert_cmpstr (upper, ==, id);

  g_assert_null (oc_uuid_v5 ("not-a-guid", "python.org"));
  g_assert_null (oc_uuid_v5 ("", "python.org"));
}

static void
test_uuid_for_session (void)
{
  const char *env = "https://contoso.crm.dynamics.com";
  g_autofree char *a = oc_uuid_for_session (env, "sess_8f2c");
  g_autofree char *b = oc_uuid_for_session (env, "sess_8f2c");
  g_autofree char *other_env = oc_uuid_for_session ("https://fabrikam.crm4.dynamics.com", "sess_8f2c");
  g_autofree char *other_id = oc_uuid_for_session (env, "sess_8f2d");

  /* Pinned: UUIDv5(project namespace, env + "\n" + id), computed independently. */
  g_assert_cmpstr (a, ==, "b16952f6-d354-527f-8fd4-0e1d999553fe");
  g_assert_cmpstr (other_env, ==, "c095ae0b-b2ee-5ae7-b254-7c0827fcd8f4");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, other_env);
  g_assert_cmpstr (a, !=, other_id);

  const char *ids[] = { a, other_env, other_id };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_true (oc_guid_is_valid (ids[i]));
      g_assert_cmpint (ids[i][14], ==, '5');
      g_assert_nonnull (strchr ("89ab", ids[i][19]));
    }
}

static void
test_odata_literal (void)
{
  g_autofree char *lit = oc_odata_string_literal ("O'Brien+x@example.com");
  g_assert_cmpstr (lit, ==, "%27O%27%27Brien%2Bx%40example.com%27");

  g_autofree char *special = oc_odata_string_literal ("a b%c&d#e");
  g_assert_cmpstr (special, ==, "%27a%20b%25c%26d%23e%27");

  g_autofree char *empty = oc_odata_string_literal ("");
  g_assert_cmpstr (empty, ==, "%27%27");
}

static void
test_odata_lookup_path (void)
{
  g_autofree char *path = oc_odata_contact_lookup_path ("ada@example.com");
  g_assert_cmpstr (path, ==,
                   "contacts?$select=contactid,fullname&$filter="
                   "emailaddress1%20eq%20%27ada%40example.com%27%20and%20statecode%20eq%200&$top=2");
}

static void
test_odata_hostile_emails (void)
{
  static const char *const emails[] = {
    "o'brien@example.com",
    "x' or 1 eq 1 or emailaddress1 eq 'y@example.com",
    "a%27b@example.com",
    "a+tag@example.com",
    "a&$top=500@example.com",
    "a#frag@example.com",
    "a@example.com or 1 eq 1",
    "''''@example.com",
    "%00%2527@example.com",
  };
  const char *prefix = "contacts?$select=contactid,fullname&$filter=";
  const char *suffix = "&$top=2";

  for (gsize i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_autofree char *path = oc_odata_contact_lookup_path (emails[i]);
      g_assert_true (g_str_has_prefix (path, prefix));
      g_assert_true (g_str_has_suffix (path, suffix));

      /* The filter value is one opaque query parameter... */
      g_autofree char *value = g_strndup (path + strlen (prefix),
                                          strlen (path) - strlen (prefix) - strlen (suffix));
      g_assert_null (strpbrk (value, "&#+' ?="));

      /* ...whose decoded text is exactly the intended expression. */
      g_autofree char *decoded = g_uri_unescape_string (value, NULL);
      g_auto(GStrv) parts = g_strsplit (emails[i], "'", -1);
      g_autofree char *doubled = g_strjoinv ("''", parts);
      g_autofree char *expected = g_strdup_printf ("emailaddress1 eq '%s' and statecode eq 0", doubled);
      g_assert_cmpstr (decoded, ==, expected);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/cut/ascii", test_cut_ascii);
  g_test_add_func ("/text/cut/multibyte", test_cut_multibyte);
  g_test_add_func ("/text/cut/every-boundary", test_cut_every_boundary);
  g_test_add_func ("/text/cut/control-chars", test_cut_control_chars);
  g_test_add_func ("/text/transcript", test_format_transcript);
  g_test_add_func ("/uuid/v5-vector", test_uuid_v5_vector);
  g_test_add_func ("/uuid/for-session", test_uuid_for_session);
  g_test_add_func ("/odata/literal", test_odata_literal);
  g_test_add_func ("/odata/lookup-path", test_odata_lookup_path);
  g_test_add_func ("/odata/hostile-emails", test_odata_hostile_emails);
  return g_test_run ();
}
