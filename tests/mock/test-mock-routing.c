/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-routing.c — the routing simulation (Open → Active → wrap-up →
 * closed, on timers), its reset, and /_mock/state. */
#include <string.h>

#include "mock-test-util.h"

static char *
create_conversation (Fixture *f, const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"subject\":\"routed\"%s}", extra ? extra : "");
  g_autoptr (Reply) r = fixture_api_post (f, CONV "?$select=activityid", body, "return=representation");

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (reply_string (r, "activityid"));
}

#define WS_BIND(ws) ",\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" ws ")\""

/* ---- routing ----------------------------------------------------------------------- */

typedef struct {
  gint64 state, status, reason;
  char  *agent;
  char  *modifiedon;
} Step;

static void
step_clear (Step *s)
{
  g_free (s->agent);
  g_free (s->modifiedon);
}

static void
sample (Fixture *f, const char *id, GArray *steps)
{
  g_autoptr (JsonNode) holder = mock_server_dup_record (f->server, CONV, id);
  JsonObject *r = json_node_get_object (holder);
  Step s = {
    json_object_get_int_member (r, "statecode"), json_object_get_int_member (r, "statuscode"),
    json_object_get_int_member (r, "msdyn_statuschangereason"),
    g_strdup (json_object_get_string_member_with_default (r, "_msdyn_activeagentid_value", NULL)),
    g_strdup (json_object_get_string_member (r, "modifiedon")),
  };
  Step *last = steps->len ? &g_array_index (steps, Step, steps->len - 1) : NULL;

  if (last && last->state == s.state && last->status == s.status && last->reason == s.reason &&
      g_strcmp0 (last->agent, s.agent) == 0)
    {
      step_clear (&s);
      return;
    }
  g_array_append_val (steps, s);
}

static void
test_routing_sequence (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const gint64 expected[][3] = {
    { 0, 1, 192350001 }, { 0, 2, 192350003 }, { 0, 5, 192350005 }, { 1, 4, 192350008 },
  };
  g_autoptr (GArray) steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_autoptr (JsonNode) holder = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
  g_autoptr (Reply) incident = NULL, formatted = NULL;
  const char *incident_id;
  gint64 deadline;
  JsonObject *rec;

  g_array_set_clear_func (steps, (GDestroyNotify) step_clear);
  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 1, 1, 1);
  a = create_conversation (f, WS_BIND (SEED_WORKSTREAM));
  incident = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber",
                               "{\"title\":\"t\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                               "return=representation");
  g_assert_cmpuint (incident->status, ==, 201);
  incident_id = reply_string (incident, "incidentid");
  fixture_spin (150);
  b = create_conversation (f, NULL);
  c = create_conversation (f, WS_BIND (SEED_WORKSTREAM_OFF));
  fixture_spin (100);
  d = create_conversation (f, NULL);
  fixture_spin (100);
  e = create_conversation (f, NULL);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  sample (f, a, steps);
  while (steps->len < 4 && g_get_monotonic_time () < deadline)
    {
      fixture_spin (40);
      sample (f, a, steps);
    }
  g_assert_cmpuint (steps->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      Step *s = &g_array_index (steps, Step, i);

      g_test_message ("step %u: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %s %s", i,
                      s->state, s->status, s->reason, s->agent, s->modifiedon);
      g_assert_cmpint (s->state, ==, expected[i][0]);
      g_assert_cmpint (s->status, ==, expected[i][1]);
      g_assert_cmpint (s->reason, ==, expected[i][2]);
      if (i == 0)
        g_assert_null (s->agent);
      else
        g_assert_cmpstr (s->agent, ==, SEED_REP1);   /* the first rep; never the application user */
      if (i > 0)
        g_assert_cmpstr (s->modifiedon, >, g_array_index (steps, Step, i - 1).modifiedon);
    }

  /* Round-robin over the three reps (the application user is none); the
   * conversation on an inactive workstream was never routed. */
  rec = fixture_dup_record (f, &holder, CONV, b);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_activeagentid_value"), ==, SEED_REP2);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), !=, 1);
  rec = fixture_dup_record (f, &holder, CONV, d);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_activeagentid_value"), ==, SEED_REP3);
  rec = fixture_dup_record (f, &holder, CONV, e);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_activeagentid_value"), ==, SEED_REP1);
  rec = fixture_dup_record (f, &holder, CONV, c);
  g_assert_cmpint (json_object_get_int_member (rec, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (rec, "modifiedon"), ==, json_object_get_string_member (rec, "createdon"));
  /* The case was resolved close_after seconds after creation. */
  rec = fixture_dup_record (f, &holder, "incidents", incident_id);
  g_assert_cmpint (json_object_get_int_member (rec, "statecode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 5);

  {
    g_autofree char *path = g_strdup_printf (CONV "(%s)?$select=statecode,msdyn_statuschangereason,_msdyn_activeagentid_value", a);

    formatted = fixture_api_get_prefer (f, path, PREFER_FV);
  }
  g_assert_cmpuint (formatted->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (formatted->headers, "Preference-Applied"), ==, PREFER_FV);
  g_assert_cmpstr (reply_string (formatted, "statecode" FV), ==, "Closed");
  g_assert_cmpstr (reply_string (formatted, "msdyn_statuschangereason" FV), ==, "ConversationEndedByAgent");
  g_assert_cmpstr (reply_string (formatted, "_msdyn_activeagentid_value" FV), ==, "Alex Smith");
}

static void
test_routing_zero_delays (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  g_autofree char *never = NULL, *stays_active = NULL;
  JsonObject *rec;

  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0, 1, 1);
  never = create_conversation (f, NULL);
  mock_server_set_routing_delays (f->server, 0.2, 0, 0.2);
  stays_active = create_conversation (f, NULL);
  fixture_spin (900);
  rec = fixture_dup_record (f, &holder, CONV, never);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 1);
  g_assert_true (json_object_get_null_member (rec, "_msdyn_activeagentid_value"));
  rec = fixture_dup_record (f, &holder, CONV, stays_active);
  g_assert_cmpint (json_object_get_int_member (rec, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (rec, "msdyn_statuschangereason"), ==, 192350003);
}

static void
test_routing_reset (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) reset = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL;

  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0.2, 0.2, 0.2);
  first = create_conversation (f, NULL);
  reset = fixture_control (f, "POST", "reset", NULL);
  g_assert_cmpuint (reset->status, ==, 204);
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);
  fixture_spin (500);   /* the cancelled timers must not fire on the new store */
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);

  fixture_get_token (f);
  second = create_conversation (f, NULL);
  g_assert_true (mock_server_load_seed (f->server, MOCK_TEST_SEED, &error));
  g_assert_no_error (error);
  fixture_spin (300);
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);
  /* Left pending on purpose: finalising the server cancels it (ASan/LSan check). */
  mock_server_set_routing_delays (f->server, 30, 30, 30);
  third = create_conversation (f, NULL);
  g_assert_nonnull (third);
}

/* ---- /_mock/state ---------------------------------------------------------------------- */

static void
test_state_control (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  g_autofree char *manual = NULL, *automatic = NULL, *body = NULL, *case_body = NULL;
  g_autoptr (Reply) set = NULL, again = NULL, incident = NULL, resolved = NULL;
  gint64 version;
  JsonObject *rec;

  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0.6, 0.6, 0.6);
  manual = create_conversation (f, NULL);
  automatic = create_conversation (f, NULL);
  version = json_object_get_int_member (fixture_dup_record (f, &holder, CONV, manual), "versionnumber");

  body = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,\"statuscode\":3,"
                          "\"reason\":192350004,\"agent\":\"" SEED_REP3 "\",\"modifiedon\":\"2026-11-23T12:00:00+02:00\"}", manual);
  set = fixture_control (f, "POST", "state", body);
  g_assert_cmpuint (set->status, ==, 200);
  g_assert_cmpint (reply_int (set, "statuscode"), ==, 3);
  g_assert_cmpint (reply_int (set, "msdyn_statuschangereason"), ==, 192350004);
  g_assert_cmpstr (reply_string (set, "_msdyn_activeagentid_value"), ==, SEED_REP3);
  g_assert_cmpstr (reply_string (set, "modifiedon"), ==, "2026-11-23T10:00:00Z");
  g_assert_cmpint (reply_int (set, "versionnumber"), >, version);

  g_free (body);
  body = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,\"statuscode\":1,"
                          "\"reason\":192350002,\"manual\":false}", automatic);
  again = fixture_control (f, "POST", "state", body);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpint (reply_int (again, "msdyn_statuschangereason"), ==, 192350002);

  fixture_spin (1000);
  /* manual (the default) cancelled the simulation; manual:false left it running. */
  rec = fixture_dup_record (f, &holder, CONV, manual);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (rec, "_msdyn_activeagentid_value"), ==, SEED_REP3);
  g_assert_cmpstr (json_object_get_string_member (rec, "modifiedon"), ==, "2026-11-23T10:00:00Z");
  rec = fixture_dup_record (f, &holder, CONV, automatic);
  g_assert_cmpint (json_object_get_int_member (rec, "statuscode"), !=, 1);
  g_assert_cmpint (json_object_get_int_member (rec, "msdyn_statuschangereason"), !=, 192350002);

  /* Cases, by hand. */
  incident = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber",
                               "{\"title\":\"t\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", "return=representation");
  case_body = g_strdup_printf ("{\"entity\":\"incidents\",\"id\":\"%s\",\"statecode\":1,\"statuscode\":5}",
                               reply_string (incident, "incidentid"));
  resolved = fixture_control (f, "POST", "state", case_body);
  g_assert_cmpuint (resolved->status, ==, 200);
  g_assert_cmpint (reply_int (resolved, "statecode"), ==, 1);

  {
    const struct { const char *json; guint status; const char *part; } bad[] = {
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0,\"statuscode\":2}", 404, "Does Not Exist" },
      { "{\"entity\":\"contacts\",\"id\":\"" SEED_ADA "\",\"statecode\":0,\"statuscode\":1}", 400, "entity" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"nope\",\"statecode\":0,\"statuscode\":2}", 400, "GUID" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":1,\"statuscode\":2}", 400, "not a status of statecode 1" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0}", 400, "statuscode" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":\"0\",\"statuscode\":1}", 400, "statecode" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0,\"statuscode\":2,\"reason\":5}", 400, "msdyn_statuschangereason" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0,\"statuscode\":2,\"agent\":\"" MISSING "\"}", 400, "agent" },
      { "{\"entity\":\"incidents\",\"id\":\"" MISSING "\",\"statecode\":1,\"statuscode\":5,\"reason\":192350008}", 400, "only for conversations" },
      { "{\"entity\":\"incidents\",\"id\":\"" MISSING "\",\"statecode\":1,\"statuscode\":5,\"agent\":null}", 400, "only for conversations" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0,\"statuscode\":2,\"modifiedon\":\"yesterday\"}", 400, "modifiedon" },
      { "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"" MISSING "\",\"statecode\":0,\"statuscode\":2,\"colour\":1}", 400, "colour" },
      { "[]", 400, "object" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (Reply) r = fixture_control (f, "POST", "state", bad[i].json);

        g_test_message ("case %u: %s", i, bad[i].json);
        g_assert_cmpuint (r->status, ==, bad[i].status);
        g_assert_nonnull (strstr (reply_string (r, "error"), bad[i].part));
      }
  }
  {
    g_autoptr (Reply) get = fixture_control (f, "GET", "state", NULL);

    g_assert_cmpuint (get->status, ==, 405);
  }
}

void
mock_test_add_routing_tests (void)
{
  FIXTURE_ADD ("/mock/routing/sequence", test_routing_sequence);
  FIXTURE_ADD ("/mock/routing/zero-delays", test_routing_zero_delays);
  FIXTURE_ADD ("/mock/routing/reset", test_routing_reset);
  FIXTURE_ADD ("/mock/state/control", test_state_control);
}
