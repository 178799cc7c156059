/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-query.c — collection GETs: $select, $filter, $top, paging, and the parsers. */
#include <string.h>

#include "mock-filter.h"
#include "mock-odata.h"
#include "mock-test-util.h"

#define ADD_FILTER_SEED(name, func) \
  g_test_add (name, Fixture, MOCK_TEST_FILTER_SEED, fixture_setup, func, fixture_teardown)

#define C1 "c0a7ac70-0001-4000-8000-000000000001"
#define C2 "c0a7ac70-0002-4000-8000-000000000002"
#define C3 "c0a7ac70-0003-4000-8000-000000000003"
#define C4 "c0a7ac70-0004-4000-8000-000000000004"
#define C5 "c0a7ac70-0005-4000-8000-000000000005"

/* The contactids of a collection reply, comma-joined. */
static char *
ids (Reply *r)
{
  JsonArray *value = reply_array (r, "value");
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  for (guint i = 0; i < json_array_get_length (value); i++)
    g_strv_builder_add (b, json_object_get_string_member (json_array_get_object_element (value, i), "contactid"));
  list = g_strv_builder_end (b);
  return g_strjoinv (",", list);
}

static void
test_filter_matches (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *query, *expected; } cases[] = {
    /* %2B is a plus; a bare + is a space, as ASP.NET decodes Dataverse's
     * query strings (hence Microsoft's advice to send + as %2B). */
    { "$filter=emailaddress1%20eq%20'ada%2Bchat%40example.com'", C1 },
    { "$filter=emailaddress1%20eq%20'ada+chat%40example.com'", C2 },
    { "$filter=emailaddress1%20eq%20'ada%20chat%40example.com'", C2 },
    { "$filter=statecode+eq+1", C4 },
    { "$filter=emailaddress1 eq 'MILES%40EXAMPLE.COM' and statecode eq 0", C3 },
    { "$filter=emailaddress1%20eq%20'miles%40example.com'", C3 "," C4 },
    { "$filter=lastname%20eq%20'O''Brien'", C3 },
    { "$filter=lastname%20eq%20%27O%27%27Brien%27", C3 },
    { "$filter=statecode%20ne%200", C4 },
    { "$filter=statecode%20ge%201", C4 },
    { "$filter=statecode%20gt%200", C4 },
    { "$filter=statecode%20lt%201", C1 "," C2 "," C3 "," C5 },
    { "$filter=statecode%20le%200&$top=2", C1 "," C2 },
    { "$filter=(statecode%20eq%201%20or%20lastname%20eq%20'Mail')%20and%20firstname%20ne%20'Old'", C5 },
    { "$filter=statecode eq 1 or lastname eq 'Mail' and firstname ne 'No'", C4 },
    { "$filter=contactid%20eq%20" C3, C3 },
    { "$filter=contactid%20eq%20C0A7AC70-0003-4000-8000-000000000003", C3 },
    { "$filter=_ownerid_value%20eq%205e7a0001-0000-4000-8000-00000000a001", C1 },
    /* Quoted GUIDs, the form of Microsoft's lookup examples. */
    { "$filter=_ownerid_value%20eq%20'5e7a0001-0000-4000-8000-00000000a001'", C1 },
    { "$filter='" C3 "'%20eq%20contactid", C3 },
    { "$filter=emailaddress1%20eq%20null", C5 },
    { "$filter=_ownerid_value%20ne%20null", C1 },
    { "$filter=modifiedon%20ge%202026-03-10T08:00:00Z", C3 "," C4 "," C5 },
    { "$filter=modifiedon%20lt%202026-03-10T09:00:00%2B02:00", C1 "," C2 },
    { "$filter=not%20(statecode%20eq%200)", C4 },
    { "$filter=contains(lastname,'brien')", C3 },
    { "$filter=startswith(firstname,'AD')%20and%20endswith(emailaddress1,'%40example.com')", C1 "," C2 },
    { "$top=0", "" },
    { "$top=3", C1 "," C2 "," C3 },
  };

  fixture_get_token (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (GStrv) words = g_strsplit (cases[i].query, " ", -1);
      g_autofree char *encoded = g_strjoinv ("%20", words);
      g_autofree char *path = g_strdup_printf ("contacts?$select=contactid&%s", encoded);
      g_autoptr (Reply) r = fixture_api_get (f, path);
      g_autofree char *got = NULL;

      g_test_message ("case %u: %s", i, cases[i].query);
      g_assert_cmpuint (r->status, ==, 200);
      got = ids (r);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_select (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *context = g_strdup_printf ("%s/api/data/v9.2/$metadata#contacts(fullname,emailaddress1)", f->url);
  g_autoptr (Reply) r = NULL, all = NULL;
  JsonObject *row;

  fixture_get_token (f);
  r = fixture_api_get (f, "contacts?$select=fullname,emailaddress1&$filter=contactid%20eq%20" C5);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_string (r, "@odata.context"), ==, context);
  row = json_array_get_object_element (reply_array (r, "value"), 0);
  /* The etag, the two columns (one of them null) and the key. */
  g_assert_cmpuint (json_object_get_size (row), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (row, "fullname"), ==, "No Mail");
  g_assert_true (json_object_has_member (row, "emailaddress1"));
  g_assert_true (json_object_get_null_member (row, "emailaddress1"));
  g_assert_cmpstr (json_object_get_string_member (row, "contactid"), ==, C5);

  all = fixture_api_get (f, "contacts?$filter=contactid%20eq%20" C3);
  row = json_array_get_object_element (reply_array (all, "value"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "fullname"), ==, "Miles O'Brien");
  g_assert_true (json_object_has_member (row, "telephone1"));
  g_assert_true (json_object_has_member (row, "versionnumber"));
}

static void
test_query_errors (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *query; guint status; const char *code, *message; } cases[] = {
    { "$filter=lastname%20eq%20'O'Bryan'", 400, "0x80060888",
      "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''." },
    { "$filter=emailaddress1%20eq%20'x", 400, "0x80060888", "unterminated literal at position 19" },
    { "$filter=nope%20eq%201", 400, "0x80060888",
      "Could not find a property named 'nope' on type 'Microsoft.Dynamics.CRM.contact'." },
    { "$filter=statecode%20eq%20'0'", 400, "0x80060888",
      "Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'." },
    { "$filter=contactid%20eq%20'not-a-guid'", 400, "0x80060888", "'Edm.Guid' and 'Edm.String'" },
    { "$filter=emailaddress1%20eq%201", 400, "0x80060888", "incompatible types" },
    { "$filter=statecode%20eq", 400, "0x80060888", "Expression expected at position 12 in 'statecode eq'." },
    { "$filter=statecode%20EQ%200", 400, "0x80060888", "Syntax error at position 10" },
    { "$filter=(statecode%20eq%200", 400, "0x80060888", "')' or operator expected at position 15" },
    { "$filter=statecode%20eq%200;", 400, "0x80060888", "character ';' is not valid at position 14" },
    { "$filter=", 400, "0x80060888", "Expression expected" },
    /* A bare '+' in an offset is a space, so the date-time literal ends early. */
    { "$filter=modifiedon%20lt%202026-03-10T09:00:00+02:00", 400, "0x80060888", "Syntax error at position 24" },
    { "$filter=frobnicate(lastname)", 400, "0x80060888", "An unknown function with name 'frobnicate'" },
    { "$filter=contains(statecode,'1')", 400, "0x80060888", "No function signature" },
    { "$select=contactid,nope", 400, "0x80060888", "Could not find a property named 'nope'" },
    { "$select=contactid,,fullname", 400, "0x80060888", NULL },
    { "$top=-1", 400, "0x80060888", "Invalid value '-1' for $top" },
    { "$top=x", 400, "0x80060888", "Invalid value 'x' for $top" },
    { "$top=1&$top=2", 400, "0x80060888", "Query option '$top' was specified more than once" },
    { "$skip=1", 400, "0x80060888", "The query parameter '$skip' is not supported." },
    { "$Select=fullname", 400, "0x80060888", "'$Select' is not supported" },
    { "foo=bar", 400, "0x80060888", "'foo' is not supported" },
    { "$orderby=fullname%20up", 400, "0x80060888", "Syntax error" },
    { "$orderby=nope", 400, "0x80060888", "Could not find a property named 'nope'" },
    { "$orderby=fullname,", 400, "0x80060888", "Syntax error" },
    { "$expand=x", 400, "0x80060888", "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.contact'." },
    { "$expand=ownerid($filter=fullname%20eq%20'x')", 501, "0x80040216", "'$filter' inside $expand" },
    { "$expand=ownerid($count=true)", 400, "0x80060888", "'$count' is not supported inside $expand" },
    { "$expand=ownerid($select=nope)", 400, "0x80060888",
      "Could not find a property named 'nope' on type 'Microsoft.Dynamics.CRM.systemuser'." },
    { "$expand=ownerid($select=fullname", 400, "0x80060888", "unbalanced" },
    { "$count=maybe", 400, "0x80060888", "'maybe' is not a valid count option." },
    { "$skiptoken=garbage", 400, "0x80060888", "skiptoken" },
  };

  fixture_get_token (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("contacts?%s", cases[i].query);
      g_autoptr (Reply) r = fixture_api_get (f, path);

      g_test_message ("case %u: %s", i, cases[i].query);
      assert_dataverse_error (r, cases[i].status, cases[i].code, cases[i].message);
    }
  /* A malformed escape never reaches the service: the HTTP layer refuses it. */
  {
    g_autoptr (Reply) r = fixture_api_get (f, "contacts?$filter=%ZZ");

    g_assert_cmpuint (r->status, ==, 400);
  }
}

static Reply *
get_page (Fixture *f, const char *url, const char *prefer)
{
  SoupMessage *msg = fixture_api_message (f, "GET", "WhoAmI");
  g_autoptr (GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  g_assert_nonnull (uri);
  soup_message_set_uri (msg, uri);
  if (prefer)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Prefer", prefer);
  return fixture_send (f, msg);
}

static void
test_paging (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  const char *prefer = "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname\", odata.maxpagesize=2";
  g_autofree char *next = g_strdup_printf ("%s/api/data/v9.2/contacts?$select=contactid&$filter=statecode%%20eq%%200", f->url);
  g_autoptr (GString) seen = g_string_new (NULL);
  g_autofree char *first_link = NULL;
  guint pages = 0;

  fixture_get_token (f);
  while (next)
    {
      g_autoptr (Reply) r = get_page (f, next, prefer);
      g_autofree char *page_ids = NULL;
      const char *link;

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Preference-Applied"), ==,
                       "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname\",odata.maxpagesize=2");
      page_ids = ids (r);
      g_string_append_printf (seen, "%s%s", seen->len ? "|" : "", page_ids);
      link = reply_string (r, "@odata.nextLink");
      g_free (next);
      next = g_strdup (link);
      if (pages == 0)
        first_link = g_strdup (link);
      g_assert_cmpuint (++pages, <=, 3);
    }
  g_assert_cmpuint (pages, ==, 2);
  g_assert_cmpstr (seen->str, ==, C1 "," C2 "|" C3 "," C5);
  g_assert_true (g_str_has_prefix (first_link, f->url));
  g_assert_nonnull (strstr (first_link, "$filter=statecode%20eq%200"));

  /* A next link is only valid with the page size it was made for. */
  {
    g_autoptr (Reply) bare = get_page (f, first_link, NULL);
    g_autoptr (Reply) other = get_page (f, first_link, "odata.maxpagesize=3");
    g_autoptr (Reply) silly = get_page (f, first_link, "odata.maxpagesize=0");

    assert_dataverse_error (bare, 400, "0x80060888", "odata.maxpagesize=2");
    assert_dataverse_error (other, 400, "0x80060888", "odata.maxpagesize=2");
    assert_dataverse_error (silly, 400, "0x80060888", "odata.maxpagesize");
  }
}

/* ---- parsers without a server --------------------------------------------- */

static void
test_parse_filter (void)
{
  static const struct { const char *text; const char *error; } cases[] = {
    { "a eq 'x''y'", NULL },
    { "a eq ''''", NULL },
    { "a eq 'unicode ✓ fine'", NULL },
    { "(a eq 1) and ((b ne 2) or c gt -3.5)", NULL },
    { "a eq 2026-01-01T00:00:00.123Z", NULL },
    { "lastname eq 'O'Bryan'", "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''." },
    { "a eq '✓", "There is an unterminated literal at position 7 in 'a eq '✓'." },
    { "a eq 1 and", "Expression expected at position 10 in 'a eq 1 and'." },
    { "a eq 1 b", "Syntax error at position 7 in 'a eq 1 b'." },
    { "a eq 12abc", "Syntax error at position 7 in 'a eq 12abc'." },
    { "a eq #", "Syntax error: character '#' is not valid at position 5 in 'a eq #'." },
    { "a", "Syntax error at position 1 in 'a'." },
    { "", "Expression expected at position 0 in ''." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MockFilter) filter = mock_filter_parse (cases[i].text, &error);

      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (filter);
        }
      else
        {
          g_assert_null (filter);
          g_assert_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST);
          g_assert_cmpstr (error->message, ==, cases[i].error);
        }
    }
}

static void
test_parse_options (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) q = mock_odata_query_parse ("$select=a,%20b&$filter=x%20eq%20'a%2Bb+c%20d'&$top=5", &error);

  g_assert_no_error (error);
  g_assert_nonnull (q);
  g_assert_cmpuint (g_strv_length (q->select), ==, 2);
  g_assert_cmpstr (q->select[1], ==, "b");
  g_assert_cmpstr (q->filter, ==, "x eq 'a+b c d'");   /* %2B a plus, a bare + a space */
  g_assert_cmpint (q->top, ==, 5);
  g_assert_cmpuint (q->present, ==, MOCK_ODATA_SELECT | MOCK_ODATA_FILTER | MOCK_ODATA_TOP);
}

void
mock_test_add_query_tests (void)
{
  ADD_FILTER_SEED ("/mock/query/filter-matches", test_filter_matches);
  ADD_FILTER_SEED ("/mock/query/select", test_select);
  ADD_FILTER_SEED ("/mock/query/errors", test_query_errors);
  ADD_FILTER_SEED ("/mock/query/paging", test_paging);
  g_test_add_func ("/mock/parse/filter", test_parse_filter);
  g_test_add_func ("/mock/parse/options", test_parse_options);
}
