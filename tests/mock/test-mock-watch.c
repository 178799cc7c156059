/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-watch.c — the status watch query: filters, formatted values,
 * $orderby, paging under concurrent change; /_mock/seed and
 * /_mock/bulk-conversations, which feed it. Routing: test-mock-routing.c. */
#include <string.h>

#include "mock-test-util.h"

#define LLN "@Microsoft.Dynamics.CRM.lookuplogicalname"
#define WATCH_SELECT "$select=activityid,subject,statecode,statuscode,msdyn_statuschangereason,_msdyn_activeagentid_value," \
                     "_msdyn_cdsqueueid_value,_msdyn_liveworkstreamid_value,modifiedon,createdon"
#define WATCH_MINE "$filter=_createdby_value%20eq%20" SEED_APP_USER "%20and%20(statecode%20eq%200%20or%20modifiedon%20ge%20"
#define ORDER "&$orderby=modifiedon%20asc"

/* ---- the watch query ---------------------------------------------------------------- */

#define W1 "0c000001-0000-4000-8000-000000000001"
#define W2 "0c000002-0000-4000-8000-000000000002"
#define W3 "0c000003-0000-4000-8000-000000000003"
#define W4 "0c000004-0000-4000-8000-000000000004"
#define W5 "0c000005-0000-4000-8000-000000000005"
#define W6 "0c000006-0000-4000-8000-000000000006"
#define I1 "1c000001-0000-4000-8000-000000000001"
#define I2 "1c000002-0000-4000-8000-000000000002"
#define I3 "1c000003-0000-4000-8000-000000000003"

#define CONVERSATION(id, subject, by, state, status, reason, agent, queue, ws, created, modified) \
  "{\"activityid\":\"" id "\",\"subject\":\"" subject "\",\"_createdby_value\":\"" by "\"," \
  "\"statecode\":" #state ",\"statuscode\":" #status ",\"msdyn_statuschangereason\":" #reason "," \
  "\"_msdyn_activeagentid_value\":" agent ",\"_msdyn_cdsqueueid_value\":\"" queue "\"," \
  "\"_msdyn_liveworkstreamid_value\":\"" ws "\",\"createdon\":\"" created "\",\"modifiedon\":\"" modified "\"}"

static const char watch_seed[] =
  "{\"conversations\":["
  CONVERSATION (W1, "banana", SEED_APP_USER, 0, 1, 192350001, "null", SEED_QUEUE, SEED_WORKSTREAM,
                "2026-11-23T08:59:00Z", "2026-11-23T09:00:00Z") ","
  CONVERSATION (W2, "Apple", SEED_APP_USER, 0, 2, 192350003, "\"" SEED_REP2 "\"", SEED_QUEUE, SEED_WORKSTREAM,
                "2026-11-23T10:00:00Z", "2026-11-23T10:02:11Z") ","
  CONVERSATION (W3, "cherry", SEED_APP_USER, 1, 4, 192350008, "\"" SEED_REP1 "\"", SEED_QUEUE, SEED_WORKSTREAM,
                "2026-11-23T09:30:00Z", "2026-11-23T10:05:00Z") ","
  CONVERSATION (W4, "old", SEED_APP_USER, 1, 4, 192350008, "\"" SEED_REP1 "\"", SEED_QUEUE, SEED_WORKSTREAM,
                "2026-11-22T09:30:00Z", "2026-11-22T10:00:00Z") ","
  CONVERSATION (W5, "other creator", SEED_REP3, 0, 1, 192350001, "null", SEED_QUEUE, SEED_WORKSTREAM,
                "2026-11-23T10:03:00Z", "2026-11-23T10:03:00Z") ","
  CONVERSATION (W6, "apricot", SEED_APP_USER, 0, 5, 192350005, "\"" SEED_REP3 "\"", SEED_QUEUE2, SEED_WORKSTREAM_OFF,
                "2026-11-23T09:45:00Z", "2026-11-23T10:01:00Z") "],"
  "\"incidents\":["
  "{\"incidentid\":\"" I1 "\",\"title\":\"Billing - Ada\",\"ticketnumber\":\"CAS-00001-AAAAAA\",\"_createdby_value\":\"" SEED_APP_USER "\","
  "\"_ownerid_value\":\"" SEED_REP1 "\",\"statecode\":0,\"statuscode\":1,\"modifiedon\":\"2026-11-23T10:03:00Z\",\"createdon\":\"2026-11-23T10:03:00Z\"},"
  "{\"incidentid\":\"" I2 "\",\"title\":\"Support - Anonymous\",\"ticketnumber\":\"CAS-00002-BBBBBB\",\"_createdby_value\":\"" SEED_APP_USER "\","
  "\"_ownerid_value\":\"" SEED_REP2 "\",\"statecode\":1,\"statuscode\":5,\"modifiedon\":\"2026-11-23T10:04:00Z\",\"createdon\":\"2026-11-23T08:00:00Z\"},"
  "{\"incidentid\":\"" I3 "\",\"title\":\"Not mine\",\"_createdby_value\":\"" SEED_REP3 "\",\"statecode\":0,\"statuscode\":1,"
  "\"modifiedon\":\"2026-11-23T10:04:00Z\"}]}";

static char *
row_ids (Reply *r, const char *key)
{
  JsonArray *value = reply_array (r, "value");
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  for (guint i = 0; i < json_array_get_length (value); i++)
    g_strv_builder_add (b, json_object_get_string_member (json_array_get_object_element (value, i), key));
  list = g_strv_builder_end (b);
  return g_strjoinv (",", list);
}

static void
seed_watch (Fixture *f)
{
  g_autoptr (Reply) r = fixture_control (f, "POST", "seed", watch_seed);

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpint (reply_int (r, "added"), ==, 9);
}

static JsonObject *
row (Reply *r, guint i)
{
  return json_array_get_object_element (reply_array (r, "value"), i);
}

static const char *
member (JsonObject *o, const char *name)
{
  return json_object_get_string_member_with_default (o, name, NULL);
}

static void
test_watch_formatted (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) mine = NULL, star = NULL, plain = NULL, plus = NULL, encoded = NULL, ws = NULL, cases = NULL;
  g_autofree char *ids = NULL;
  JsonObject *o;

  fixture_get_token (f);
  seed_watch (f);
  mine = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&" WATCH_MINE "2026-11-23T10:00:00Z)" ORDER, PREFER_FV);
  g_assert_cmpuint (mine->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (mine->headers, "Preference-Applied"), ==, PREFER_FV);
  ids = row_ids (mine, "activityid");
  g_assert_cmpstr (ids, ==, W1 "," W6 "," W2 "," W3);
  g_assert_null (reply_string (mine, "@odata.nextLink"));

  o = row (mine, 0);   /* W1: open, no rep yet */
  g_assert_cmpstr (member (o, "statecode" FV), ==, "Open");
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "Open");
  g_assert_cmpstr (member (o, "msdyn_statuschangereason" FV), ==, "AwaitingAgentAssignment");
  g_assert_true (json_object_has_member (o, "_msdyn_activeagentid_value"));
  g_assert_false (json_object_has_member (o, "_msdyn_activeagentid_value" FV));
  g_assert_cmpstr (member (o, "modifiedon" FV), ==, "11/23/2026 9:00 AM");
  o = row (mine, 1);   /* W6: wrap-up, other workstream and queue */
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "Wrap-up");
  g_assert_cmpstr (member (o, "msdyn_statuschangereason" FV), ==, "AgentMovedToWrapUp");
  g_assert_cmpstr (member (o, "_msdyn_activeagentid_value" FV), ==, "Jonas Weber");
  g_assert_cmpstr (member (o, "_msdyn_cdsqueueid_value" FV), ==, "Billing Cases");
  g_assert_cmpstr (member (o, "_msdyn_liveworkstreamid_value" FV), ==, "Retired SMS workstream");
  o = row (mine, 2);   /* W2: with a rep */
  g_assert_cmpstr (member (o, "activityid"), ==, W2);
  g_assert_cmpstr (member (o, "subject"), ==, "Apple");
  g_assert_cmpstr (member (o, "statecode" FV), ==, "Open");
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "Active");
  g_assert_cmpint (json_object_get_int_member (o, "statuscode"), ==, 2);
  g_assert_cmpstr (member (o, "msdyn_statuschangereason" FV), ==, "InConversation");
  g_assert_cmpstr (member (o, "_msdyn_activeagentid_value"), ==, SEED_REP2);
  g_assert_cmpstr (member (o, "_msdyn_activeagentid_value" FV), ==, "Priya Raman");
  g_assert_cmpstr (member (o, "_msdyn_cdsqueueid_value" FV), ==, "Tier 1 Chat");
  g_assert_cmpstr (member (o, "_msdyn_liveworkstreamid_value" FV), ==, "Live chat workstream");
  g_assert_cmpstr (member (o, "modifiedon"), ==, "2026-11-23T10:02:11Z");
  g_assert_cmpstr (member (o, "modifiedon" FV), ==, "11/23/2026 10:02 AM");
  g_assert_cmpstr (member (o, "createdon" FV), ==, "11/23/2026 10:00 AM");
  g_assert_false (json_object_has_member (o, "_msdyn_activeagentid_value" LLN));
  g_assert_false (json_object_has_member (o, "subject" FV));
  g_assert_false (json_object_has_member (o, "activityid" FV));
  o = row (mine, 3);   /* W3: closed within the window */
  g_assert_cmpstr (member (o, "statecode" FV), ==, "Closed");
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "Closed");
  g_assert_cmpstr (member (o, "msdyn_statuschangereason" FV), ==, "ConversationEndedByAgent");

  /* "*": lookup table names too. */
  star = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&$filter=activityid%20eq%20" W2,
                                 "odata.include-annotations=\"*\",odata.maxpagesize=10");
  g_assert_cmpstr (soup_message_headers_get_one (star->headers, "Preference-Applied"), ==,
                   "odata.include-annotations=\"*\",odata.maxpagesize=10");
  o = row (star, 0);
  g_assert_cmpstr (member (o, "_msdyn_activeagentid_value" LLN), ==, "systemuser");
  g_assert_cmpstr (member (o, "_msdyn_cdsqueueid_value" LLN), ==, "queue");
  g_assert_cmpstr (member (o, "_msdyn_liveworkstreamid_value" LLN), ==, "msdyn_liveworkstream");
  g_assert_cmpstr (member (o, "_msdyn_activeagentid_value" FV), ==, "Priya Raman");

  /* No preference, no annotations. */
  plain = fixture_api_get (f, CONV "?" WATCH_SELECT "&$filter=activityid%20eq%20" W2);
  g_assert_null (soup_message_headers_get_one (plain->headers, "Preference-Applied"));
  {
    g_autoptr (GList) names = json_object_get_members (row (plain, 0));

    for (GList *l = names; l; l = l->next)
      g_assert_true (strchr (l->data, '@') == NULL || strcmp (l->data, "@odata.etag") == 0);
    g_assert_cmpuint (g_list_length (names), ==, 11);
  }

  /* Date-time literals with an offset: a bare '+' is a space on Dataverse
   * (ASP.NET query decoding), so only %2B keeps the offset. */
  plus = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&" WATCH_MINE "2026-11-23T12:00:00+02:00)" ORDER, PREFER_FV);
  encoded = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&" WATCH_MINE "2026-11-23T12:00:00%2B02:00)" ORDER, PREFER_FV);
  assert_dataverse_error (plus, 400, "0x80060888", "Syntax error");
  g_free (ids);
  ids = row_ids (encoded, "activityid");
  g_assert_cmpstr (ids, ==, W1 "," W6 "," W2 "," W3);

  /* show=workstream */
  ws = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&$filter=_msdyn_liveworkstreamid_value%20eq%20" SEED_WORKSTREAM
                                  "%20and%20modifiedon%20ge%202026-11-23T10:00:00Z" ORDER, PREFER_FV);
  g_free (ids);
  ids = row_ids (ws, "activityid");
  g_assert_cmpstr (ids, ==, W2 "," W5 "," W3);

  /* Cases */
  cases = fixture_api_get_prefer (f, "incidents?$select=incidentid,ticketnumber,title,statecode,statuscode,_ownerid_value,modifiedon,createdon"
                                     "&$filter=_createdby_value%20eq%20" SEED_APP_USER "%20and%20(statecode%20eq%200%20or%20modifiedon%20ge%202026-11-23T10:00:00Z)"
                                     ORDER, PREFER_FV);
  g_assert_cmpuint (cases->status, ==, 200);
  g_free (ids);
  ids = row_ids (cases, "incidentid");
  g_assert_cmpstr (ids, ==, I1 "," I2);
  o = row (cases, 0);
  g_assert_cmpstr (member (o, "ticketnumber"), ==, "CAS-00001-AAAAAA");
  g_assert_cmpstr (member (o, "statecode" FV), ==, "Active");
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "In Progress");
  g_assert_cmpstr (member (o, "_ownerid_value" FV), ==, "Alex Smith");
  o = row (cases, 1);
  g_assert_cmpstr (member (o, "statecode" FV), ==, "Resolved");
  g_assert_cmpstr (member (o, "statuscode" FV), ==, "Problem Solved");
  g_assert_cmpstr (member (o, "_ownerid_value" FV), ==, "Priya Raman");
}

static void
test_watch_orderby (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *orderby, *expected; } cases[] = {
    { "modifiedon%20desc", W3 "," W5 "," W2 "," W6 "," W1 "," W4 },
    { "modifiedon", W4 "," W1 "," W6 "," W2 "," W5 "," W3 },
    { "subject%20asc", W2 "," W6 "," W1 "," W3 "," W4 "," W5 },
    { "subject%20desc", W5 "," W4 "," W3 "," W1 "," W6 "," W2 },
    { "_msdyn_activeagentid_value%20asc,modifiedon%20desc", W5 "," W1 "," W3 "," W4 "," W2 "," W6 },
    { "statecode%20desc,%20modifiedon%20asc", W4 "," W3 "," W1 "," W6 "," W2 "," W5 },
    { "_createdby_value%20desc,activityid%20desc", W6 "," W4 "," W3 "," W2 "," W1 "," W5 },
  };

  fixture_get_token (f);
  seed_watch (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf (CONV "?$select=activityid&$orderby=%s", cases[i].orderby);
      g_autoptr (Reply) r = fixture_api_get (f, path);
      g_autofree char *ids = NULL;

      g_test_message ("case %u: %s", i, cases[i].orderby);
      g_assert_cmpuint (r->status, ==, 200);
      ids = row_ids (r, "activityid");
      g_assert_cmpstr (ids, ==, cases[i].expected);
    }
  {
    g_autoptr (Reply) top = fixture_api_get (f, CONV "?$select=activityid&$orderby=modifiedon%20desc&$top=2");
    g_autoptr (Reply) single = fixture_api_get (f, CONV "(" W1 ")?$orderby=modifiedon");
    g_autofree char *ids = row_ids (top, "activityid");

    g_assert_cmpstr (ids, ==, W3 "," W5);
    assert_dataverse_error (single, 400, "0x80060888", "$orderby");
  }
}

#define P(n) "0d00000" #n "-0000-4000-8000-00000000000" #n
#define PAGED(n, minute) \
  "{\"activityid\":\"" P (n) "\",\"subject\":\"p" #n "\",\"_createdby_value\":\"" SEED_APP_USER "\",\"statecode\":0," \
  "\"statuscode\":1,\"msdyn_statuschangereason\":192350001,\"createdon\":\"2026-11-23T09:00:00Z\"," \
  "\"modifiedon\":\"2026-11-23T10:0" #minute ":00Z\"}"

typedef struct {
  GHashTable *seen;     /* id → count */
  GHashTable *status;   /* id → last statuscode seen */
  guint       pages;
} Walk;

static void
walk_page (Walk *w, Reply *r)
{
  JsonArray *value = reply_array (r, "value");

  w->pages++;
  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonObject *o = json_array_get_object_element (value, i);
      const char *id = json_object_get_string_member (o, "activityid");

      g_hash_table_replace (w->seen, g_strdup (id),
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (w->seen, id)) + 1));
      g_hash_table_replace (w->status, g_strdup (id), GINT_TO_POINTER ((gint) json_object_get_int_member (o, "statuscode")));
    }
}

static void
change (Fixture *f, const char *id)
{
  g_autofree char *json = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,"
                                           "\"statuscode\":2,\"reason\":192350003,\"agent\":\"" SEED_REP1 "\"}", id);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) rec = mock_server_set_state (f->server, json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rec);
}

/* Walks every page of @first, changing P2 and P5 after the first page. */
static void
walk (Fixture *f, const char *first, Walk *w)
{
  g_autofree char *next = g_strdup (first);

  w->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->pages = 0;
  while (next)
    {
      g_autoptr (Reply) r = fixture_api_get_prefer (f, next, PREFER_FV ",odata.maxpagesize=3");
      const char *link;

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Preference-Applied"), ==, PREFER_FV ",odata.maxpagesize=3");
      g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), <=, 3);
      walk_page (w, r);
      if (w->pages == 1)
        {
          change (f, P (2));
          change (f, P (5));
        }
      link = reply_string (r, "@odata.nextLink");
      g_free (next);
      next = g_strdup (link);
      g_assert_cmpuint (w->pages, <=, 5);
    }
}

static void
walk_clear (Walk *w)
{
  g_hash_table_unref (w->seen);
  g_hash_table_unref (w->status);
}

static void
test_watch_paging_concurrent (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ordered = NULL, *by_key = NULL;
  const char *unchanged[] = { P (1), P (3), P (4), P (6), P (7) };
  Walk w;

  fixture_get_token (f);
  g_assert_true (mock_server_add_records (f->server,
                 "{\"conversations\":[" PAGED (3, 3) "," PAGED (1, 1) "," PAGED (7, 7) "," PAGED (2, 2) ","
                 PAGED (5, 5) "," PAGED (4, 4) "," PAGED (6, 6) "]}", &error));
  g_assert_no_error (error);

  /* Ordered by modifiedon: the changed rows move to the end of the order. */
  ordered = g_strconcat (f->url, "/api/data/v9.2/" CONV "?$select=activityid,statuscode,modifiedon&" WATCH_MINE
                         "2026-11-23T10:00:00Z)" ORDER, NULL);
  walk (f, ordered, &w);
  for (guint i = 0; i < G_N_ELEMENTS (unchanged); i++)
    {
      g_test_message ("unchanged %s", unchanged[i]);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (w.seen, unchanged[i])), ==, 1);
    }
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (w.seen, P (2))), ==, 2);   /* before and after its change */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (w.seen, P (5))), ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (w.status, P (5))), ==, 2);   /* seen with its new state */
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (w.status, P (2))), ==, 2);
  g_assert_cmpuint (w.pages, ==, 3);
  walk_clear (&w);

  /* Ordered by the key: nothing moves; every row once, the changed ones as they are now. */
  g_assert_nonnull (mock_server_set_state (f->server, "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" P (2) "\",\"statecode\":0,\"statuscode\":1}", NULL));
  json_node_unref (mock_server_set_state (f->server, "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" P (5) "\",\"statecode\":0,\"statuscode\":1}", NULL));
  by_key = g_strconcat (f->url, "/api/data/v9.2/" CONV "?$select=activityid,statuscode&" WATCH_MINE "2026-11-23T10:00:00Z)", NULL);
  walk (f, by_key, &w);
  g_assert_cmpuint (g_hash_table_size (w.seen), ==, 7);
  for (guint n = 1; n <= 7; n++)
    {
      g_autofree char *id = g_strdup_printf ("0d00000%u-0000-4000-8000-00000000000%u", n, n);

      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (w.seen, id)), ==, 1);
    }
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (w.status, P (5))), ==, 2);
  g_assert_cmpuint (w.pages, ==, 3);
  walk_clear (&w);

  /* A next link is bound to its query: another $orderby, or an edited cursor, is refused. */
  {
    g_autoptr (Reply) first = fixture_api_get_prefer (f, ordered, "odata.maxpagesize=3");
    g_autoptr (GString) other = NULL;
    g_autoptr (Reply) refused = NULL, edited = NULL;
    g_autofree char *edited_link = NULL;
    const char *link = reply_string (first, "@odata.nextLink");
    char *at;

    g_assert_nonnull (link);
    g_assert_nonnull (strstr (link, "$skiptoken="));
    other = g_string_new (link);
    g_string_replace (other, "$orderby=modifiedon%20asc", "$orderby=subject%20asc,modifiedon%20asc", 1);
    refused = fixture_api_get_prefer (f, other->str, "odata.maxpagesize=3");
    assert_dataverse_error (refused, 400, "0x80060888", "skiptoken");
    edited_link = g_strdup (link);
    at = strstr (strstr (edited_link, "$skiptoken="), "2026-11-23T10");
    g_assert_nonnull (at);
    memcpy (at, "2026-99-23T10", 13);
    edited = fixture_api_get_prefer (f, edited_link, "odata.maxpagesize=3");
    assert_dataverse_error (edited, 400, "0x80060888", "skiptoken");
  }
}

/* ---- /_mock/seed and /_mock/bulk-conversations ---------------------------------------- */

static void
test_seed_runtime (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *json; guint status; const char *part; } bad[] = {
    { "{\"contacts\":[{\"contactid\":\"c0a7ac70-00b2-4000-8000-0000000000b2\"}],"
      "\"conversations\":[{\"activityid\":\"" W1 "\",\"subject\":\"dup\"}]}", 409, "already exists" },
    { "{\"tenant\":{\"id\":\"" SEED_TENANT "\"}}", 400, "configures the server" },
    { "{\"widgets\":[]}", 400, "widgets" },
    { "{\"conversations\":[{\"activityid\":\"" MISSING "\",\"colour\":\"red\"}]}", 400, "colour" },
    { "{\"conversations\":[{\"activityid\":\"" MISSING "\",\"statecode\":\"0\"}]}", 400, "statecode" },
    { "{\"contacts\":[{\"contactid\":\"" MISSING "\"},{\"contactid\":\"" MISSING "\"}]}", 400, "already exists" },
    { "[]", 400, "object" },
  };
  g_autoptr (Reply) added = NULL, get = NULL, reset = NULL, wrong = NULL;

  fixture_get_token (f);
  seed_watch (f);
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 6);
  g_assert_cmpuint (fixture_store_count (f, "incidents"), ==, 3);
  added = fixture_control (f, "POST", "seed",
                           "{\"systemusers\":[{\"systemuserid\":\"5e7a0004-0000-4000-8000-00000000a004\",\"fullname\":\"New Rep\"}],"
                           "\"workstreams\":[{\"msdyn_liveworkstreamid\":\"e5f6a7b8-3333-4333-8333-333333333333\",\"msdyn_name\":\"Extra\","
                           "\"statecode\":0,\"queue\":\"" SEED_QUEUE2 "\"}]}");
  g_assert_cmpuint (added->status, ==, 201);
  g_assert_cmpint (reply_int (added, "added"), ==, 2);
  get = fixture_api_get_prefer (f, "systemusers(5e7a0004-0000-4000-8000-00000000a004)?$select=fullname", NULL);
  g_assert_cmpstr (reply_string (get, "fullname"), ==, "New Rep");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_control (f, "POST", "seed", bad[i].json);

      g_test_message ("case %u: %s", i, bad[i].json);
      g_assert_cmpuint (r->status, ==, bad[i].status);
      g_assert_nonnull (strstr (reply_string (r, "error"), bad[i].part));
    }
  /* All or nothing: the new contact of the refused batch is not there. */
  g_assert_cmpuint (fixture_store_count (f, "contacts"), ==, 4);
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 6);
  wrong = fixture_control (f, "GET", "seed", NULL);
  g_assert_cmpuint (wrong->status, ==, 405);

  /* Reset goes back to the seed file. */
  reset = fixture_control (f, "POST", "reset", NULL);
  g_assert_cmpuint (reset->status, ==, 204);
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);
  g_assert_cmpuint (fixture_store_count (f, "systemusers"), ==, 4);
}

static void
test_seed_bulk (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const char *const bad[] = {
    "{\"count\":0}", "{\"count\":100001}", "{\"count\":\"10\"}", "{}", "{\"count\":1,\"colour\":1}",
    "{\"count\":1,\"createdby\":\"" MISSING "\"}", "{\"count\":1,\"workstream\":\"" MISSING "\"}",
    "{\"count\":1,\"route\":\"yes\"}",
  };
  g_autoptr (Reply) bulk = NULL, more = NULL, counters_before = NULL, counters_after = NULL, one = NULL;
  g_autoptr (GHashTable) unique = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonNode) holder = NULL;
  g_autofree char *next = NULL;
  JsonArray *ids;
  JsonObject *rec;
  guint pages = 0, rows = 0;

  fixture_get_token (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_control (f, "POST", "bulk-conversations", bad[i]);

      g_test_message ("case %u: %s", i, bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
    }
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);

  bulk = fixture_control (f, "POST", "bulk-conversations",
                          "{\"count\":2000,\"createdby\":\"" SEED_APP_USER "\",\"workstream\":\"" SEED_WORKSTREAM "\"}");
  g_assert_cmpuint (bulk->status, ==, 201);
  g_assert_cmpint (reply_int (bulk, "count"), ==, 2000);
  ids = reply_array (bulk, "ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, 2000);
  for (guint i = 0; i < 2000; i++)
    {
      const char *id = json_array_get_string_element (ids, i);

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_true (g_hash_table_add (unique, (gpointer) id));
    }
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, "b0b0b0b0-0000-4000-8000-000000000001");
  g_assert_cmpstr (json_array_get_string_element (ids, 1999), ==, "b0b0b0b0-0000-4000-8000-0000000007d0");
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 2000);
  rec = fixture_dup_record (f, &holder, CONV, json_array_get_string_element (ids, 7));
  g_assert_cmpint (json_object_get_int_member (rec, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (rec, "msdyn_statuschangereason"), ==, 192350001);
  g_assert_cmpstr (json_object_get_string_member (rec, "_createdby_value"), ==, SEED_APP_USER);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_cdsqueueid_value"), ==, SEED_QUEUE);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_liveworkstreamid_value"), ==, SEED_WORKSTREAM);

  /* One request answers the whole watch when no page size is asked for. */
  counters_before = fixture_control (f, "GET", "counters", NULL);
  one = fixture_api_get_prefer (f, CONV "?" WATCH_SELECT "&" WATCH_MINE "2026-11-23T10:00:00Z)" ORDER, PREFER_FV);
  counters_after = fixture_control (f, "GET", "counters", NULL);
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (one, "value")), ==, 2000);
  g_assert_null (reply_string (one, "@odata.nextLink"));
  g_assert_cmpint (reply_int (counters_after, "api_requests") - reply_int (counters_before, "api_requests"), ==, 1);

  next = g_strconcat (f->url, "/api/data/v9.2/" CONV "?$select=activityid&" WATCH_MINE "2026-11-23T10:00:00Z)" ORDER, NULL);
  while (next)
    {
      g_autoptr (Reply) r = fixture_api_get_prefer (f, next, "odata.maxpagesize=500");

      g_assert_cmpuint (r->status, ==, 200);
      rows += json_array_get_length (reply_array (r, "value"));
      g_free (next);
      next = g_strdup (reply_string (r, "@odata.nextLink"));
      g_assert_cmpuint (++pages, <=, 5);
    }
  g_assert_cmpuint (pages, ==, 4);
  g_assert_cmpuint (rows, ==, 2000);

  more = fixture_control (f, "POST", "bulk-conversations", "{\"count\":1,\"subject\":\"Extra\"}");
  g_assert_cmpstr (reply_string (more, "ids.0"), ==, "b0b0b0b0-0000-4000-8000-0000000007d1");
  rec = fixture_dup_record (f, &holder, CONV, "b0b0b0b0-0000-4000-8000-0000000007d1");
  g_assert_cmpstr (json_object_get_string_member (rec, "subject"), ==, "Extra 2001");
  g_assert_true (json_object_get_null_member (rec, "_msdyn_liveworkstreamid_value"));
}

void
mock_test_add_watch_tests (void)
{
  FIXTURE_ADD ("/mock/watch/formatted", test_watch_formatted);
  FIXTURE_ADD ("/mock/watch/orderby", test_watch_orderby);
  FIXTURE_ADD ("/mock/watch/paging-concurrent", test_watch_paging_concurrent);
  FIXTURE_ADD ("/mock/seed/runtime", test_seed_runtime);
  FIXTURE_ADD ("/mock/seed/bulk", test_seed_bulk);
}
