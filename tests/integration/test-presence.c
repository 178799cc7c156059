/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status mirroring (SPEC §6): a handoff's buddy follows Dynamics through
 * every state, once per real change, with escaped texts; a poll costs one
 * request per page whatever the number of handoffs; the watermark loses
 * nothing; closing the connection leaves nothing running. */
#include <string.h>

#include "harness.h"

#define ALEX SEED_REP1
#define MARKUP_REP "5e7a0099-0000-4000-8000-00000000a099"

/* The harness's fixture, and what the buddy list signalled since sign-in. */
typedef struct {
  HarnessFixture base;
  guint          status_changes;
  guint          signed_on;
  guint          signed_off;
} Fixture;

static void on_status_changed (PurpleBuddy *b, PurpleStatus *o, PurpleStatus *n, Fixture *f) { f->status_changes++; }
static void on_buddy_on (PurpleBuddy *b, Fixture *f) { f->signed_on++; }
static void on_buddy_off (PurpleBuddy *b, Fixture *f) { f->signed_off++; }

static void
set_up (Fixture *f, gconstpointer data)
{
  static const HarnessOptions options = { .anonymous_contact_id = "c0a7ac70-0004-4000-8000-000000000004",
                                          .case_queue_id = "c0ffee00-4444-4444-8444-444444444444" };
  harness_fixture_set_up (&f->base, &options);
  void *blist = purple_blist_get_handle ();
  purple_signal_connect (blist, "buddy-status-changed", f, PURPLE_CALLBACK (on_status_changed), f);
  purple_signal_connect (blist, "buddy-signed-on", f, PURPLE_CALLBACK (on_buddy_on), f);
  purple_signal_connect (blist, "buddy-signed-off", f, PURPLE_CALLBACK (on_buddy_off), f);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  purple_signals_disconnect_by_handle (f);
  harness_fixture_tear_down (&f->base, data);
}

static void
expect (Fixture *f, const char *name, const char *status_id, PurpleStatusPrimitive primitive, const char *message)
{
  PurpleBuddy *buddy = purple_find_buddy (f->base.account, name);
  g_assert_nonnull (buddy);
  PurpleStatus *status = purple_presence_get_active_status (purple_buddy_get_presence (buddy));
  g_assert_cmpstr (purple_status_get_id (status), ==, status_id);
  g_assert_cmpint (purple_status_type_get_primitive (purple_status_get_type (status)), ==, primitive);
  const char *attr = purple_status_get_attr_string (status, "message");
  if (attr == NULL || strstr (attr, message) == NULL)
    g_error ("message “%s” lacks “%s”", attr ? attr : "(null)", message);
}

static void
test_every_state_once (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  g_autofree char *path = harness_session_file ("web-verified.json");
  harness_drop_in_inbox (path, "web-verified.json");
  harness_wait_buddy (account, "sess_8f2c", "open", "Tier 1 Chat");
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, account, "sess_8f2c");
  const char *id = harness_record_id ("sess_8f2c");
  PurpleBuddy *buddy = purple_find_buddy (account, "sess_8f2c");
  g_assert_cmpstr (purple_buddy_get_alias (buddy), ==, "Ada Lovelace");
  g_assert_nonnull (purple_find_group ("Dynamics 365 (127.0.0.1)"));
  expect (f, "sess_8f2c", "open", PURPLE_STATUS_AWAY, "Waiting · Tier 1 Chat");
  guint changes_at_open = f->status_changes;

  harness_mock_set_state ("msdyn_ocliveworkitems", id, 0, 2, 192350003, ALEX, NULL);
  harness_wait_buddy (account, "sess_8f2c", "active", NULL);
  expect (f, "sess_8f2c", "active", PURPLE_STATUS_AVAILABLE, "With Alex Smith");
  g_assert_cmpuint (f->status_changes, ==, changes_at_open + 1);
  g_assert_true (harness_noticed ("Alex Smith accepted after"));

  /* the same state touched again in Dynamics: no announcement, no signal */
  harness_mock_set_state ("msdyn_ocliveworkitems", id, 0, 2, 192350003, ALEX, NULL);
  harness_run_for (7000);
  g_assert_cmpuint (f->status_changes, ==, changes_at_open + 1);

  harness_mock_set_state ("msdyn_ocliveworkitems", id, 0, 3, 192350004, ALEX, NULL);
  harness_wait_buddy (account, "sess_8f2c", "waiting", NULL);
  expect (f, "sess_8f2c", "waiting", PURPLE_STATUS_EXTENDED_AWAY, "On hold · Alex Smith");
  harness_mock_set_state ("msdyn_ocliveworkitems", id, 0, 5, 192350005, ALEX, NULL);
  harness_wait_buddy (account, "sess_8f2c", "wrap-up", NULL);
  expect (f, "sess_8f2c", "wrap-up", PURPLE_STATUS_UNAVAILABLE, "Wrap-up · Alex Smith");
  g_assert_cmpuint (f->status_changes, ==, changes_at_open + 3);

  harness_mock_set_state ("msdyn_ocliveworkitems", id, 1, 4, 192350008, ALEX, NULL);
  harness_wait_buddy (account, "sess_8f2c", "closed", NULL);
  expect (f, "sess_8f2c", "closed", PURPLE_STATUS_OFFLINE, "Closed · Conversation ended by agent");
  g_assert_cmpuint (f->signed_off, ==, 1);
  g_assert_true (harness_noticed ("Closed: conversation ended by agent."));

  /* the tooltip answers where it is and why */
  g_autofree char *tooltip = harness_buddy_tooltip (buddy);
  const char *rows[] = { "sess_8f2c", "web", "chat channel", id, "Alex Smith", "Tier 1 Chat",
                         "Live chat workstream", "ada@example.com", "verified email", "Waited", "Created" };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    if (strstr (tooltip, rows[i]) == NULL)
      g_error ("tooltip lacks “%s”:\n%s", rows[i], tooltip);
  purple_conversation_destroy (conv);
}

static void
test_case_and_failed (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  g_autofree char *path = harness_session_file ("phone.json");
  harness_drop_in_inbox (path, "phone.json");
  harness_wait_buddy (account, "call_19b3", "case-open", "Billing Cases");
  expect (f, "call_19b3", "case-open", PURPLE_STATUS_AWAY, "Case CAS-");
  harness_mock_set_state ("incidents", harness_record_id ("call_19b3"), 1, 5, 0, NULL, NULL);
  harness_wait_buddy (account, "call_19b3", "closed", NULL);
  expect (f, "call_19b3", "closed", PURPLE_STATUS_OFFLINE, "Closed · Case CAS-");

  /* a permanent refusal: failed, with the reason as the message */
  harness_mock_post ("/_mock/scenario", "{\"missing_privilege\":\"prvCreatemsdyn_ocliveworkitem\"}");
  g_autofree char *web = harness_session_file ("web-anonymous.json");
  harness_drop_in_inbox (web, "web-anonymous.json");
  harness_wait_buddy (account, "sess_a41d", "failed", NULL);
  expect (f, "sess_a41d", "failed", PURPLE_STATUS_UNAVAILABLE, "prvCreatemsdyn_ocliveworkitem");
}

static void
test_escaping (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  harness_mock_post ("/_mock/seed", "{\"systemusers\":[{\"systemuserid\":\"" MARKUP_REP "\","
                                    "\"fullname\":\"<b>Rep</b> & \\\"Q\\\"\"}]}");
  g_autofree char *dir = g_dir_make_tmp ("omnichannel-doc-XXXXXX", NULL);
  g_autofree char *doc = g_build_filename (dir, "evil.json", NULL);
  g_assert_true (g_file_set_contents (doc,
      "{\"id\":\"evil_1\",\"channel\":\"web\",\"summary\":\"<script>x</script>\","
      "\"customer\":{\"name\":\"<i>Eve</i> & 'Co' \\\"Ltd\\\"\"}}", -1, NULL));
  harness_drop_in_inbox (doc, "evil.json");
  harness_wait_buddy (account, "evil_1", "open", NULL);
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, account, "evil_1");
  harness_mock_set_state ("msdyn_ocliveworkitems", harness_record_id ("evil_1"), 0, 2, 192350003, MARKUP_REP, NULL);
  harness_wait_buddy (account, "evil_1", "active", NULL);

  PurpleBuddy *buddy = purple_find_buddy (account, "evil_1");
  g_assert_cmpstr (purple_buddy_get_alias (buddy), ==, "<i>Eve</i> & 'Co' \"Ltd\"");   /* alias is plain text */
  const char *message = NULL;
  harness_buddy_status (account, "evil_1", &message);
  g_assert_cmpstr (message, ==, "With &lt;b&gt;Rep&lt;/b&gt; &amp; &quot;Q&quot;");

  PurplePlugin *prpl = purple_find_prpl ("prpl-omnichannel");
  g_autofree char *status_text = PURPLE_PLUGIN_PROTOCOL_INFO (prpl)->status_text (buddy);
  g_assert_cmpstr (status_text, ==, "With &lt;b&gt;Rep&lt;/b&gt; &amp; &quot;Q&quot;");
  g_autofree char *tooltip = harness_buddy_tooltip (buddy);
  /* labels are bold markup (libpurple's), values never carry markup of their own */
  g_assert_null (strstr (tooltip, "<b>Rep</b> &"));
  g_assert_null (strstr (tooltip, "<i>Eve"));
  g_assert_nonnull (strstr (tooltip, "&lt;b&gt;Rep&lt;/b&gt; &amp; &quot;Q&quot;"));
  g_assert_nonnull (strstr (tooltip, "&lt;i&gt;Eve&lt;/i&gt; &amp;"));
  g_assert_true (harness_noticed ("&lt;b&gt;Rep&lt;/b&gt; &amp; &quot;Q&quot; accepted"));
  for (guint i = 0; i < harness_events.notices->len; i++)
    g_assert_null (strstr (harness_events.notices->pdata[i], "<b>Rep"));

  purple_conversation_destroy (conv);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

static guint
count_polls (gboolean pages)
{
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      const char *path = json_object_get_string_member (request, "path");
      const char *query = json_object_get_string_member_with_default (request, "query", "");
      if (g_strcmp0 (json_object_get_string_member (request, "method"), "GET") != 0 ||
          g_strcmp0 (path, "/api/data/v9.2/msdyn_ocliveworkitems") != 0 || !strstr (query ? query : "", "modifiedon"))
        continue;
      gboolean is_page = query && strstr (query, "skiptoken") != NULL;
      n += is_page == pages;
    }
  return n;
}

typedef struct { guint target; } PollWait;

static gboolean
polls_reached (gpointer data)
{
  return count_polls (FALSE) >= ((PollWait *) data)->target;
}

/* @data: how many conversations are tracked. */
static void
test_requests_per_poll (Fixture *f, gconstpointer data)
{
  guint tracked = GPOINTER_TO_UINT (data);
  PurpleAccount *account = f->base.account;
  g_autofree char *bulk = g_strdup_printf ("{\"count\":%u,\"createdby\":\"%s\",\"workstream\":\"%s\"}",
                                           tracked, MOCK_APP_USER, MOCK_WORKSTREAM);
  harness_mock_post ("/_mock/bulk-conversations", bulk);
  /* reconnect once they are older than the watermark overlap, so the first
   * poll walks them all and later polls see no change */
  purple_account_disconnect (account);
  harness_run_for (6500);
  harness_connect (account);
  PollWait wait = { count_polls (FALSE) + 3 };
  harness_run_until (polls_reached, &wait, 60);

  /* every tracked conversation is a buddy */
  guint buddies = 0;
  for (GSList *l = purple_find_buddies (account, NULL); l; l = g_slist_delete_link (l, l))
    buddies++;
  g_assert_cmpuint (buddies, ==, tracked);

  /* the first poll walked ceil(tracked / 500) pages; later ones found no
   * change and cost one request each, whatever the number tracked */
  guint pages = count_polls (TRUE);
  g_assert_cmpuint (pages, ==, (tracked + 499) / 500 - 1);
  g_test_message ("%u tracked: %u polls, %u extra pages", tracked, count_polls (FALSE), pages);
}

static void
test_watermark_loses_nothing (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  g_autofree char *a = harness_session_file ("web-verified.json");
  g_autofree char *b = harness_session_file ("web-anonymous.json");
  harness_drop_in_inbox (a, "web-verified.json");
  harness_drop_in_inbox (b, "web-anonymous.json");
  harness_wait_buddy (account, "sess_8f2c", "open", NULL);
  harness_wait_buddy (account, "sess_a41d", "open", NULL);

  /* two changes stamped in the same second */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *second = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  harness_mock_set_state ("msdyn_ocliveworkitems", harness_record_id ("sess_8f2c"), 0, 2, 192350003, ALEX, second);
  harness_mock_set_state ("msdyn_ocliveworkitems", harness_record_id ("sess_a41d"), 0, 2, 192350003, ALEX, second);
  harness_wait_buddy (account, "sess_8f2c", "active", NULL);
  harness_wait_buddy (account, "sess_a41d", "active", NULL);

  /* a change while the client is away: the first poll after sign-in finds it */
  purple_account_disconnect (account);
  harness_run_for (50);
  harness_mock_set_state ("msdyn_ocliveworkitems", harness_record_id ("sess_a41d"), 0, 5, 192350005, ALEX, NULL);
  harness_connect (account);
  harness_wait_buddy (account, "sess_a41d", "wrap-up", NULL);
  g_assert_cmpstr (harness_buddy_status (account, "sess_8f2c", NULL), ==, "active");
}

static void
test_change_during_page_walk (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  g_autofree char *bulk = g_strdup_printf ("{\"count\":700,\"createdby\":\"%s\",\"workstream\":\"%s\"}",
                                           MOCK_APP_USER, MOCK_WORKSTREAM);
  g_autoptr(JsonNode) created = harness_mock_control ("POST", "/_mock/bulk-conversations", bulk);
  JsonObject *answer = json_node_get_object (created);
  JsonArray *ids = json_object_get_array_member (answer, "ids");
  const char *first = json_array_get_string_element (ids, 0);

  /* the second page of the next walk is slow; meanwhile a row of page 1 changes */
  purple_account_disconnect (account);
  harness_run_for (50);
  /* the read probe at sign-in, then both pages of the first walk, are slow */
  harness_mock_post ("/_mock/faults", "{\"count\":3,\"path_contains\":\"msdyn_ocliveworkitems\",\"delay_ms\":1500,"
                                      "\"method\":\"GET\",\"name\":\"slow-page\"}");
  harness_connect (account);
  /* page 1 has been applied (its buddies exist) while page 2 is on the wire */
  harness_wait_buddy_present (account, first, TRUE, 30);
  g_assert_null (purple_find_buddy (account, json_array_get_string_element (ids, 699)));
  harness_mock_set_state ("msdyn_ocliveworkitems", first, 0, 2, 192350003, ALEX, NULL);
  harness_wait_buddy (account, first, "active", NULL);
  g_assert_nonnull (purple_find_buddy (account, json_array_get_string_element (ids, 699)));
}

static gboolean
request_logged (gpointer data)
{
  return harness_mock_count ("GET", "/msdyn_ocliveworkitems") > GPOINTER_TO_UINT (data);
}

static void
test_close_with_poll_in_flight (Fixture *f, gconstpointer data)
{
  PurpleAccount *account = f->base.account;
  g_autofree char *path = harness_session_file ("web-anonymous.json");
  harness_drop_in_inbox (path, "web-anonymous.json");
  harness_wait_buddy (account, "sess_a41d", "open", NULL);

  /* the next poll hangs for 3 s; disconnect while it is on the wire */
  harness_mock_post ("/_mock/faults", "{\"count\":1,\"method\":\"GET\",\"path_contains\":\"msdyn_ocliveworkitems\","
                                      "\"delay_ms\":3000}");
  guint before = harness_mock_count ("GET", "/msdyn_ocliveworkitems");
  harness_run_until (request_logged, GUINT_TO_POINTER (before), 20);
  purple_account_disconnect (account);
  guint at_close = harness_mock_count ("GET", "/msdyn_ocliveworkitems");

  /* nothing runs after close(): no poll, no retry, no callback into freed state */
  harness_run_for (8000);
  g_assert_cmpuint (harness_mock_count ("GET", "/msdyn_ocliveworkitems"), ==, at_close);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
}

#define ADD(path, test, data) g_test_add ((path), Fixture, (data), set_up, (test), tear_down)

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (harness_manual_routing);
  ADD ("/presence/every-state-once", test_every_state_once, NULL);
  ADD ("/presence/case-and-failed", test_case_and_failed, NULL);
  ADD ("/presence/escaping", test_escaping, NULL);
  ADD ("/presence/requests-per-poll/1", test_requests_per_poll, GUINT_TO_POINTER (1));
  ADD ("/presence/requests-per-poll/100", test_requests_per_poll, GUINT_TO_POINTER (100));
  ADD ("/presence/requests-per-poll/2000", test_requests_per_poll, GUINT_TO_POINTER (2000));
  ADD ("/presence/watermark-loses-nothing", test_watermark_loses_nothing, NULL);
  ADD ("/presence/change-during-page-walk", test_change_during_page_walk, NULL);
  ADD ("/presence/close-with-poll-in-flight", test_close_with_poll_in_flight, NULL);
  return harness_run_tests ();
}
