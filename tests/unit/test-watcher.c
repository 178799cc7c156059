/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status watcher: the pure page parser (typed rows, wrong-typed rows skipped
 * and named, unusable pages refused), and the page walk against a hostile
 * server (a next link that repeats, a walk past the page cap), resuming on
 * the next cycle; handoffs the walk leaves unknown are read by id in
 * batches of at most 100, and a record that no longer exists ends closed. */
#include <string.h>

#include "oc-error.h"
#include "oc-json.h"
#include "oc-watcher-rows.h"
#include "oc-watcher.h"
#include "test-client.h"
#include "oc-handoff-private.h"

#define ROW_ID "5e7a0001-0000-4000-8000-00000000c001"

static OcWatcherPage *
parse (const char *text, OcWatcherRowsKind kind, GError **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autoptr(JsonNode) node = oc_json_parse (text, -1, 0, NULL, &json_error);
  g_assert_no_error (json_error);
  return oc_watcher_page_parse (node, kind, error);
}

static void
test_rows_conversation_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcWatcherPage) page = parse (
      "{\"value\":[{\"activityid\":\"5E7A0001-0000-4000-8000-00000000C001\",\"subject\":\"SSO?\","
      "\"statecode\":0,\"statuscode\":2,\"statuscode@OData.Community.Display.V1.FormattedValue\":\"Active\","
      "\"msdyn_statuschangereason@OData.Community.Display.V1.FormattedValue\":\"InConversation\","
      "\"_msdyn_activeagentid_value@OData.Community.Display.V1.FormattedValue\":\"Alex Wu\","
      "\"_msdyn_cdsqueueid_value@OData.Community.Display.V1.FormattedValue\":\"Sales\","
      "\"modifiedon\":\"2026-11-23T10:05:06Z\",\"createdon\":\"2026-11-23T10:05:00Z\"}],"
      "\"@odata.nextLink\":\"https://x.example/api/data/v9.2/msdyn_ocliveworkitems?$skiptoken=2\"}",
      OC_WATCHER_ROWS_CONVERSATIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 1);
  g_assert_cmpuint (page->skipped, ==, 0);
  g_assert_cmpstr (page->next_link, ==, "https://x.example/api/data/v9.2/msdyn_ocliveworkitems?$skiptoken=2");
  OcWatcherRow *row = page->rows->pdata[0];
  g_assert_cmpstr (row->record_id, ==, ROW_ID);
  g_assert_cmpstr (row->subject, ==, "SSO?");
  g_assert_cmpint (row->live.statecode, ==, 0);
  g_assert_cmpint (row->live.statuscode, ==, 2);
  g_assert_cmpstr (row->live.status_label, ==, "Active");
  g_assert_cmpstr (row->live.reason, ==, "InConversation");
  g_assert_cmpstr (row->live.agent_name, ==, "Alex Wu");
  g_assert_cmpstr (row->live.queue_name, ==, "Sales");
  g_assert_null (row->live.workstream_name);
  g_assert_cmpint (row->live.modified_on - row->live.created_on, ==, 6);
}

static void
test_rows_case_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcWatcherPage) page = parse (
      "{\"value\":[{\"incidentid\":\"" ROW_ID "\",\"title\":\"Printer\",\"ticketnumber\":\"CAS-01001\","
      "\"statecode\":1,\"statuscode\":5},{\"activityid\":\"" ROW_ID "\"}]}",
      OC_WATCHER_ROWS_CASES, &error);
  g_assert_no_error (error);
  g_assert_null (page->next_link);
  g_assert_cmpuint (page->rows->len, ==, 1);
  OcWatcherRow *row = page->rows->pdata[0];
  g_assert_cmpstr (row->subject, ==, "Printer");
  g_assert_cmpstr (row->ticket_number, ==, "CAS-01001");
  g_assert_cmpint (row->live.statecode, ==, 1);
  g_assert_cmpint (row->live.modified_on, ==, 0);
  /* a case page keys rows by incidentid: the other row has none */
  g_assert_cmpuint (page->skipped, ==, 1);
  g_assert_cmpstr (page->skip_reason, ==, "value[1].incidentid: must be a non-empty string, not absent");
}

static void
test_rows_wrong_types_skipped (void)
{
  static const struct { const char *row; const char *reason; } cases[] = {
    { "{\"activityid\":\"" ROW_ID "\",\"statecode\":\"1\"}", "value[0].statecode: must be a number, not a string" },
    { "{\"activityid\":{\"id\":1}}", "value[0].activityid: must be a string, not an object" },
    { "{\"activityid\":\"" ROW_ID "\",\"subject\":[1]}", "value[0].subject: must be a string, not an array" },
    { "{\"activityid\":\"" ROW_ID "\",\"_msdyn_activeagentid_value@OData.Community.Display.V1.FormattedValue\":{}}",
      "value[0]._msdyn_activeagentid_value@OData.Community.Display.V1.FormattedValue: must be a string, not an object" },
    { "{\"activityid\":\"" ROW_ID "\",\"statuscode\":2.5}", "value[0].statuscode: must be a whole number" },
    { "{\"activityid\":\"" ROW_ID "\",\"modifiedon\":\"yesterday\"}", "value[0].modifiedon: is not a date and time" },
    { "{\"activityid\":\"not-a-guid' or 1 eq 1\"}", "value[0].activityid: is not a GUID" },
    { "\"a string\"", "value[0]: must be an object, not a string" },
    { "null", "value[0]: must be an object, not null" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* the wrong row comes first; the good one after it is kept */
      g_autofree char *text = g_strdup_printf ("{\"value\":[%s,{\"activityid\":\"" ROW_ID "\",\"statecode\":1}]}",
                                               cases[i].row);
      g_autoptr(GError) error = NULL;
      g_autoptr(OcWatcherPage) page = parse (text, OC_WATCHER_ROWS_CONVERSATIONS, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->skipped, ==, 1);
      if (strstr (page->skip_reason, cases[i].reason) != page->skip_reason)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” is not “%s…”", i, page->skip_reason, cases[i].reason);
      g_assert_cmpuint (page->rows->len, ==, 1);
      g_assert_cmpint (((OcWatcherRow *) page->rows->pdata[0])->live.statecode, ==, 1);
    }
}

static void
test_rows_unusable_pages (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "[1,2]", "the answer: must be an object, not an array" },
    { "{}", "value: must be an array, not absent" },
    { "{\"value\":{}}", "value: must be an array, not an object" },
    { "{\"value\":[],\"@odata.nextLink\":7}", "@odata.nextLink: must be a string, not a number" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcWatcherPage) page = parse (cases[i].text, OC_WATCHER_ROWS_CONVERSATIONS, &error);
      g_assert_null (page);
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
  g_autoptr(GError) error = NULL;
  g_assert_null (oc_watcher_page_parse (NULL, OC_WATCHER_ROWS_CASES, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
}

/* ---- the walk ---- */

typedef struct {
  TestClient  client;
  OcWatcher  *watcher;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  test_client_set_up (&f->client, data);
  f->watcher = oc_watcher_new (f->client.connection, f->client.engine);
  oc_watcher_set_intervals (f->watcher, 1, 1);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  oc_watcher_stop (f->watcher);
  g_clear_object (&f->watcher);
  test_client_tear_down (&f->client, data);
}

static void
wait_polls (Fixture *f, guint polls)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  /* a poll is over when the next one is scheduled */
  while (oc_watcher_get_polls (f->watcher) < polls || oc_watcher_get_next_poll (f->watcher) < 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static guint
page_requests (Fixture *f)
{
  return test_client_count (&f->client, "GET /api/data/v9.2/msdyn_ocliveworkitems");
}

/* A tracked conversation whose state is open, so the watcher keeps polling fast. */
static OcHandoff *
track_open (Fixture *f, const char *id)
{
  OcHandoff *handoff = oc_handoff_engine_track_foreign (f->client.engine, id, OC_HANDOFF_PATH_CONVERSATION, "x");
  OcLiveState live = { .statecode = 0, .statuscode = 1 };
  oc_handoff_set_live (handoff, &live);
  return handoff;
}

static void
test_walk_repeated_link (Fixture *f, gconstpointer data)
{
  track_open (f, ROW_ID);
  g_autofree char *page = g_strdup_printf ("{\"value\":[],\"@odata.nextLink\":\"%s/api/data/v9.2/"
                                           "msdyn_ocliveworkitems?$skiptoken=same\"}", f->client.server->url);
  for (guint i = 0; i < 4; i++)
    test_server_script (f->client.server, 200, page, NULL, 0);

  g_test_expect_message ("omnichannel", G_LOG_LEVEL_WARNING, "*next-page link that repeats an earlier page*");
  oc_watcher_start (f->watcher);
  wait_polls (f, 1);
  /* the first page and the one its link named; the repeat ended the poll */
  g_assert_cmpuint (page_requests (f), ==, 2);
  const GError *error = oc_watcher_get_last_error (f->watcher);
  g_assert_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE);

  /* the next cycle polls again, as bounded, and says nothing new */
  wait_polls (f, 2);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (page_requests (f), ==, 4);

  /* and once the server behaves, the poll succeeds */
  wait_polls (f, 3);
  g_assert_null (oc_watcher_get_last_error (f->watcher));
  g_assert_cmpuint (page_requests (f), ==, 5);
}

static void
test_walk_page_cap (Fixture *f, gconstpointer data)
{
  track_open (f, ROW_ID);
  oc_watcher_set_max_pages (f->watcher, 3);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *page = g_strdup_printf ("{\"value\":[],\"@odata.nextLink\":\"%s/api/data/v9.2/"
                                               "msdyn_ocliveworkitems?$skiptoken=%u\"}", f->client.server->url, i);
      test_server_script (f->client.server, 200, page, NULL, 0);
    }
  g_test_expect_message ("omnichannel", G_LOG_LEVEL_WARNING, "*ran past 3 pages in one poll*");
  oc_watcher_start (f->watcher);
  wait_polls (f, 1);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (page_requests (f), ==, 3);
  g_assert_nonnull (strstr (oc_watcher_get_last_error (f->watcher)->message, "ran past 3 pages"));
}

static void
test_walk_wrong_typed_row_skipped (Fixture *f, gconstpointer data)
{
  OcHandoff *good = track_open (f, ROW_ID);
  test_server_script (f->client.server, 200,
      "{\"value\":[{\"activityid\":\"5e7a0001-0000-4000-8000-00000000c002\",\"statecode\":\"1\"},"
      "{\"activityid\":\"" ROW_ID "\",\"statecode\":0,\"statuscode\":2,"
      "\"_msdyn_activeagentid_value@OData.Community.Display.V1.FormattedValue\":\"Alex Wu\"}]}", NULL, 0);
  g_test_expect_message ("omnichannel", G_LOG_LEVEL_WARNING,
                         "Skipped 1 row of a malformed answer from Dynamics 365 to GET msdyn_ocliveworkitems "
                         "(value[0].statecode: must be a number, not a string)");
  oc_watcher_start (f->watcher);
  wait_polls (f, 1);
  g_test_assert_expected_messages ();
  g_assert_cmpint (oc_handoff_get_live (good)->statuscode, ==, 2);
  g_assert_cmpstr (oc_handoff_get_live (good)->agent_name, ==, "Alex Wu");
  g_assert_null (oc_handoff_engine_lookup_record (f->client.engine, "5e7a0001-0000-4000-8000-00000000c002"));
  g_assert_null (oc_watcher_get_last_error (f->watcher));
}

static void
test_unknown_resolved_by_id (Fixture *f, gconstpointer data)
{
  /* 150 handoffs created, then not seen by the walk (closed long ago) */
  enum { N = 150 };
  GPtrArray *handoffs = g_ptr_array_new ();
  for (guint i = 0; i < N; i++)
    {
      g_autofree char *id = g_strdup_printf ("resume-%03u", i);
      g_autoptr(OcSession) session = oc_session_new (id, "web");
      g_autoptr(GError) error = NULL;
      OcHandoff *handoff = oc_handoff_engine_submit (f->client.engine, session, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (handoffs, handoff);
    }
  while (oc_handoff_engine_is_busy (f->client.engine))
    g_main_context_iteration (NULL, TRUE);

  /* Dynamics knows all but the last: closed in 2020 */
  GString *rows = g_string_new ("{\"value\":[");
  for (guint i = 0; i + 1 < N; i++)
    g_string_append_printf (rows, "%s{\"activityid\":\"%s\",\"statecode\":1,\"statuscode\":4,"
                            "\"msdyn_statuschangereason@OData.Community.Display.V1.FormattedValue\":"
                            "\"ConversationEndedByAgent\",\"modifiedon\":\"2020-01-01T00:00:00Z\"}",
                            i ? "," : "", oc_handoff_get_record_id (handoffs->pdata[i]));
  g_string_append (rows, "]}");
  f->client.requests_before = f->client.server->api_requests;
  test_server_script (f->client.server, 200, "{\"value\":[]}", NULL, 0);   /* the walk */
  test_server_script (f->client.server, 200, rows->str, NULL, 0);          /* by id, 100 */
  test_server_script (f->client.server, 200, rows->str, NULL, 0);          /* by id, 50 */

  oc_watcher_start (f->watcher);
  wait_polls (f, 1);
  g_assert_null (oc_watcher_get_last_error (f->watcher));

  /* one walk, then ceil(150 / 100) queries by id, each naming at most 100 */
  g_assert_cmpuint (page_requests (f), ==, 3);
  g_assert_cmpuint (test_client_count_containing (&f->client, "activityid%20eq%20"), ==, 2);
  GPtrArray *paths = f->client.server->api_paths;
  guint named = 0;
  for (guint i = f->client.requests_before; i < paths->len; i++)
    {
      guint here = 0;
      for (const char *p = strstr (paths->pdata[i], "activityid%20eq%20"); p; p = strstr (p + 1, "activityid%20eq%20"))
        here++;
      g_assert_cmpuint (here, <=, OC_WATCHER_RESOLVE_BATCH);
      named += here;
    }
  g_assert_cmpuint (named, ==, N);

  for (guint i = 0; i + 1 < N; i++)
    {
      const OcLiveState *live = oc_handoff_get_live (handoffs->pdata[i]);
      g_assert_cmpint (live->statecode, ==, 1);
      g_assert_cmpstr (live->reason, ==, "ConversationEndedByAgent");
    }
  /* the one Dynamics does not have any more ends closed, dated when handed off */
  const OcLiveState *gone = oc_handoff_get_live (handoffs->pdata[N - 1]);
  g_assert_cmpint (gone->statecode, ==, 1);
  g_assert_cmpstr (gone->reason, ==, "RecordDeleted");
  g_assert_cmpint (gone->modified_on, >, 0);

  /* everything known and closed: the next poll asks nothing by id */
  guint before = page_requests (f);
  wait_polls (f, 2);
  g_assert_cmpuint (page_requests (f), ==, before + 1);
  g_ptr_array_unref (handoffs);
  g_string_free (rows, TRUE);
}

static void
test_stop_during_batch_then_restart (Fixture *f, gconstpointer data)
{
  OcHandoff *handoffs[2];
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("restart-%u", i);
      g_autoptr(OcSession) session = oc_session_new (id, "web");
      handoffs[i] = oc_handoff_engine_submit (f->client.engine, session, NULL, NULL);
    }
  while (oc_handoff_engine_is_busy (f->client.engine))
    g_main_context_iteration (NULL, TRUE);
  g_autofree char *rows = g_strdup_printf (
      "{\"value\":[{\"activityid\":\"%s\",\"statecode\":1,\"statuscode\":4},"
      "{\"activityid\":\"%s\",\"statecode\":1,\"statuscode\":4}]}",
      oc_handoff_get_record_id (handoffs[0]), oc_handoff_get_record_id (handoffs[1]));

  /* the by-id query is on the wire when the watcher stops */
  test_server_script (f->client.server, 200, "{\"value\":[]}", NULL, 0);
  test_server_script (f->client.server, 200, rows, NULL, 300);
  oc_watcher_start (f->watcher);
  while (f->client.server->in_flight == 0)
    g_main_context_iteration (NULL, TRUE);
  oc_watcher_stop (f->watcher);
  while (f->client.server->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);

  /* a new start walks afresh: nothing of the stopped batch is taken as missing */
  test_server_script (f->client.server, 200, "{\"value\":[]}", NULL, 0);
  test_server_script (f->client.server, 200, rows, NULL, 0);
  guint polls = oc_watcher_get_polls (f->watcher);
  oc_watcher_start (f->watcher);
  wait_polls (f, polls + 1);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (oc_handoff_get_live (handoffs[i])->statecode, ==, 1);
      g_assert_null (oc_handoff_get_live (handoffs[i])->reason);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/watcher/rows/conversation-page", test_rows_conversation_page);
  g_test_add_func ("/watcher/rows/case-page", test_rows_case_page);
  g_test_add_func ("/watcher/rows/wrong-types-skipped", test_rows_wrong_types_skipped);
  g_test_add_func ("/watcher/rows/unusable-pages", test_rows_unusable_pages);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/watcher/walk/repeated-link", test_walk_repeated_link);
  ADD ("/watcher/walk/page-cap", test_walk_page_cap);
  ADD ("/watcher/walk/wrong-typed-row-skipped", test_walk_wrong_typed_row_skipped);
  ADD ("/watcher/resolve/unknown-by-id", test_unknown_resolved_by_id);
  ADD ("/watcher/resolve/stop-during-batch-then-restart", test_stop_during_batch_then_restart);
#undef ADD
  return g_test_run ();
}
