/* SPDX-License-Identifier: GPL-2.0-or-later */
/* For each channel (web, sms, whatsapp, phone, email, api): the requests a
 * handoff makes, in order, and the exact JSON body that reached the mock —
 * compared with what core's payload builders say the body must be. */
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"
#include "oc-payload.h"
#include "oc-uuid.h"

#define ADA_CONTACT "c0a7ac70-0001-4000-8000-000000000001"
#define ANONYMOUS_CONTACT "c0a7ac70-0004-4000-8000-000000000004"
#define CASE_QUEUE "c0ffee00-4444-4444-8444-444444444444"

typedef struct {
  const char *channel;
  const char *document;          /* the session's JSON */
  const char *expected[5];       /* "METHOD path-fragment" in order, NULL-terminated */
  const char *contact;           /* contact the record must bind, or NULL */
  gboolean    route;             /* the account's route_cases option */
} Case;

static const Case cases[] = {
  { "web", "{\"id\":\"ch_web\",\"channel\":\"web\",\"summary\":\"Web help\",\"customer\":{\"name\":\"Ada Lovelace\","
           "\"email\":\"ada@example.com\",\"email_verified\":true},\"transcript\":[{\"role\":\"customer\",\"text\":\"hi\","
           "\"time\":\"2026-11-23T10:00:00Z\"}]}",
    { "GET /contacts", "POST /msdyn_ocliveworkitems", NULL }, ADA_CONTACT },
  { "sms", "{\"id\":\"ch_sms\",\"channel\":\"sms\",\"summary\":\"SMS help\",\"customer\":{\"phone\":\"+14155550100\"}}",
    { "POST /msdyn_ocliveworkitems", NULL }, NULL },
  { "whatsapp", "{\"id\":\"ch_wa\",\"channel\":\"whatsapp\",\"customer\":{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\"}}",
    { "POST /msdyn_ocliveworkitems", NULL }, NULL },   /* unverified email: shown, never looked up */
  { "phone", "{\"id\":\"ch_phone\",\"channel\":\"phone\",\"summary\":\"Router reboots\",\"classification\":\"Technical\","
             "\"customer\":{\"name\":\"Alan Turing\",\"phone\":\"+441632960777\"}}",
    { "POST /incidents", "POST /queues(", NULL }, ANONYMOUS_CONTACT },
  { "email", "{\"id\":\"ch_email\",\"channel\":\"email\",\"summary\":\"Invoice copy\",\"classification\":\"Billing\","
             "\"customer\":{\"name\":\"Ada Lovelace\",\"email\":\"ADA@example.com\"}}",
    { "GET /contacts", "POST /incidents", "POST /queues(", NULL }, ADA_CONTACT },
  { "api", "{\"id\":\"ch_api\",\"channel\":\"api\",\"summary\":\"Bot escalation\",\"customer\":{\"name\":\"Linus Newcomer\","
           "\"email\":\"linus@example.org\",\"phone\":\"+3581234567\"}}",
    { "GET /contacts", "POST /contacts", "POST /incidents", "POST /queues(", NULL }, "new" },
  /* route_cases: one more request, after the queue, with the documented body */
  { "phone-routed", "{\"id\":\"ch_routed\",\"channel\":\"phone\",\"summary\":\"Router reboots\","
                    "\"customer\":{\"name\":\"Alan Turing\"}}",
    { "POST /incidents", "POST /queues(", "POST /msdyn_ApplyRoutingRuleEntityRecord", NULL }, ANONYMOUS_CONTACT, TRUE },
};

static OcSettings *
settings_for_mock (void)
{
  OcSettings *settings = oc_settings_new ();
  settings->environment = g_strdup (harness_mock_url ());
  g_free (settings->authority);
  settings->authority = g_strdup (harness_mock_url ());
  settings->tenant_id = g_strdup (MOCK_TENANT);
  settings->client_id = g_strdup (MOCK_CLIENT);
  settings->client_secret = g_strdup (MOCK_SECRET);
  settings->workstream_id = g_strdup (MOCK_WORKSTREAM);
  settings->anonymous_contact_id = g_strdup (ANONYMOUS_CONTACT);
  settings->case_queue_id = g_strdup (CASE_QUEUE);
  g_assert_true (oc_settings_validate (settings, NULL));
  return settings;
}

/* The case's account: both ids set, route_cases as the case says. */
static void
case_set_up (HarnessFixture *f, gconstpointer data)
{
  static const HarnessOptions options = { .offline = TRUE, .anonymous_contact_id = ANONYMOUS_CONTACT,
                                          .case_queue_id = CASE_QUEUE };
  const Case *c = data;
  harness_fixture_set_up (f, &options);
  purple_account_set_bool (f->account, "route_cases", c->route);
  harness_fixture_sign_in (f);
}

static void
test_channel (HarnessFixture *f, gconstpointer data)
{
  const Case *c = data;
  harness_mock_clear_requests ();

  g_autoptr(OcSession) session = oc_session_parse (c->document, -1, NULL);
  g_assert_nonnull (session);
  g_autofree char *dir = g_dir_make_tmp ("omnichannel-ch-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "doc.json", NULL);
  g_assert_true (g_file_set_contents (path, c->document, -1, NULL));
  harness_drop_in_inbox (path, "doc.json");
  harness_wait_buddy (f->account, oc_session_get_id (session), NULL, NULL);
  g_assert_cmpstr (harness_buddy_status (f->account, oc_session_get_id (session), NULL), !=, "failed");

  /* the requests this handoff made, in order (polls and the one-off queue name excluded) */
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  JsonObject *create = NULL;
  JsonObject *route = NULL;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      const char *method = json_object_get_string_member (request, "method");
      const char *p = json_object_get_string_member (request, "path");
      if (strstr (p, "/oauth2/") || (g_str_equal (method, "GET") && (strstr (p, "msdyn_ocliveworkitems") ||
                                                                    strstr (p, "incidents") || strstr (p, "queues("))))
        continue;
      g_ptr_array_add (seen, g_strdup_printf ("%s %s", method, p + strlen ("/api/data/v9.2")));
      if (g_str_equal (method, "POST") && (g_str_has_suffix (p, "/msdyn_ocliveworkitems") || g_str_has_suffix (p, "/incidents")))
        create = request;
      if (g_str_has_suffix (p, "/msdyn_ApplyRoutingRuleEntityRecord"))
        route = request;
    }
  guint expected = 0;
  while (c->expected[expected])
    expected++;
  for (guint i = 0; i < seen->len; i++)
    g_test_message ("%s: %s", c->channel, (char *) seen->pdata[i]);
  g_assert_cmpuint (seen->len, ==, expected);
  for (guint i = 0; i < expected; i++)
    g_assert_true (g_str_has_prefix (seen->pdata[i], c->expected[i]));

  /* the body is exactly what the payload builder makes for this session */
  g_assert_nonnull (create);
  g_autoptr(OcSettings) settings = settings_for_mock ();
  settings->route_cases = c->route;
  g_autofree char *record_id = oc_uuid_for_session (settings->environment, oc_session_get_id (session));
  if (c->route)
    {
      g_autofree char *target = g_strdup_printf ("{\"Target\":\"incidents(%s)\"}", record_id);
      g_autoptr(JsonNode) want_route = json_from_string (target, NULL);
      g_assert_nonnull (route);
      g_assert_true (json_node_equal (want_route, json_object_get_member (route, "body")));
    }
  g_assert_true (c->route == (route != NULL));
  const char *contact = c->contact;
  if (g_strcmp0 (contact, "new") == 0)
    {
      /* a created contact has the deterministic id of (environment, email) */
      g_autofree char *lower = g_utf8_strdown (oc_session_get_customer_email (session), -1);
      g_autofree char *name = g_strconcat ("contact\n", lower, NULL);
      g_autofree char *id = oc_uuid_for_session (settings->environment, name);
      contact = g_intern_string (id);
    }
  g_autoptr(JsonNode) want = oc_channel_is_chat (c->channel)
    ? oc_payload_conversation (session, settings, record_id, contact)
    : oc_payload_incident (session, settings, record_id, contact);
  JsonNode *got = json_object_get_member (create, "body");
  if (!json_node_equal (want, got))
    g_error ("%s body differs:\n want %s\n got  %s", c->channel, json_to_string (want, FALSE), json_to_string (got, FALSE));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (harness_manual_routing);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/channels/%s", cases[i].channel);
      g_test_add (name, HarnessFixture, &cases[i], case_set_up, test_channel, harness_fixture_tear_down);
    }
  return harness_run_tests ();
}
