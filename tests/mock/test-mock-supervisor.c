/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-supervisor.c — what a supervisor's client reads: reps' agent
 * status and presences, queue membership, $apply aggregation with
 * Dataverse's rules, presence moved by routing, and /_mock/presence. */
#include <string.h>

#include "mock-test-util.h"

#define PRESENCE_AVAILABLE "9e1f0000-0000-4000-8000-000000000001"
#define PRESENCE_BUSY "9e1f0000-0000-4000-8000-000000000002"
#define PRESENCE_DND "9e1f0000-0000-4000-8000-000000000003"

static void
test_agent_statuses (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token (f);
  {
    g_autoptr (Reply) r = fixture_api_get_prefer (f, "msdyn_presences?$select=msdyn_presenceid,msdyn_basepresencestatus,"
                                                     "msdyn_presencestatustext&$orderby=msdyn_basepresencestatus", PREFER_FV);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 5);
    g_assert_cmpint (reply_int (r, "value.0.msdyn_basepresencestatus"), ==, 192360000);
    g_assert_cmpstr (reply_string (r, "value.2.msdyn_basepresencestatus" FV), ==, "Busy - DND");
    g_assert_cmpstr (reply_string (r, "value.4.msdyn_basepresencestatus" FV), ==, "Offline");
  }
  {
    g_autoptr (Reply) r = fixture_api_get_prefer (f, "msdyn_agentstatuses?$select=_msdyn_agentid_value,"
                                                     "_msdyn_currentpresenceid_value,msdyn_availableunitscapacity,modifiedon"
                                                     "&$filter=modifiedon%20ge%202000-01-01T00:00:00Z", PREFER_FV);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 3);
    g_assert_cmpstr (reply_string (r, "value.0._msdyn_agentid_value"), ==, SEED_REP1);
    g_assert_cmpstr (reply_string (r, "value.0._msdyn_agentid_value" FV), ==, "Alex Smith");
    g_assert_cmpstr (reply_string (r, "value.0._msdyn_currentpresenceid_value" FV), ==, "Available");
    g_assert_cmpint (reply_int (r, "value.0.msdyn_availableunitscapacity"), ==, 100);
  }
  /* a column the table does not have is refused as everywhere */
  {
    g_autoptr (Reply) r = fixture_api_get (f, "msdyn_agentstatuses?$select=msdyn_mood");
    assert_dataverse_error (r, 400, "0x80060888", "msdyn_mood");
  }
}

static void
test_queue_membership (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token (f);
  g_autoptr (Reply) r = fixture_api_get (f, "queues?$select=name&$filter=queueid%20eq%20" SEED_QUEUE2
                                            "&$expand=queuemembership_association($select=fullname)");

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (r, "value.0.queuemembership_association")), ==, 1);
  g_assert_cmpstr (reply_string (r, "value.0.queuemembership_association.0.fullname"), ==, "Jonas Weber");
  g_assert_cmpstr (reply_string (r, "value.0.queuemembership_association.0.systemuserid"), ==, SEED_REP3);
  {
    g_autoptr (Reply) all = fixture_api_get (f, "queues?$select=name&$filter=queueid%20eq%20" SEED_QUEUE
                                                "&$expand=queuemembership_association($select=fullname;$top=2)");
    g_assert_cmpuint (all->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_array (all, "value.0.queuemembership_association")), ==, 2);
  }
  /* the CSDL names the relationship */
  {
    g_autoptr (Reply) csdl = fixture_api_get (f, "$metadata");
    g_autofree char *text = reply_text (csdl);
    g_assert_nonnull (strstr (text, "queuemembership_association"));
    g_assert_nonnull (strstr (text, "msdyn_agentstatus"));
  }
}

static void
post_conversation (Fixture *f, const char *queue, int statuscode)
{
  g_autofree char *body = g_strdup_printf ("{\"subject\":\"q\",\"statuscode\":%d,"
                                           "\"msdyn_cdsqueueid_msdyn_ocliveworkitem@odata.bind\":\"/queues(%s)\"}",
                                           statuscode, queue);
  g_autoptr (Reply) r = fixture_api_post (f, CONV, body, NULL);
  g_assert_cmpuint (r->status, ==, 204);
}

static JsonObject *
group_of (Reply *r, const char *queue, gint64 statuscode)
{
  JsonArray *groups = reply_array (r, "value");
  for (guint i = 0; groups && i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (g, "_msdyn_cdsqueueid_value", NULL), queue) == 0 &&
          json_object_get_int_member_with_default (g, "statuscode", -1) == statuscode)
        return g;
    }
  return NULL;
}

static void
test_apply (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  post_conversation (f, SEED_QUEUE, 1);
  post_conversation (f, SEED_QUEUE, 1);
  post_conversation (f, SEED_QUEUE, 2);
  post_conversation (f, SEED_QUEUE2, 1);
  {
    g_autoptr (Reply) r = fixture_api_get_prefer (f, CONV "?$apply=filter(statecode%20eq%200)/groupby((_msdyn_cdsqueueid_value,"
                                                     "statuscode),aggregate($count%20as%20n,createdon%20with%20min%20as%20oldest))",
                                                  PREFER_FV);
    JsonObject *waiting, *active, *other;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 3);
    waiting = group_of (r, SEED_QUEUE, 1);
    active = group_of (r, SEED_QUEUE, 2);
    other = group_of (r, SEED_QUEUE2, 1);
    g_assert_nonnull (waiting);
    g_assert_nonnull (active);
    g_assert_nonnull (other);
    g_assert_cmpint (json_object_get_int_member (waiting, "n"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (active, "n"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (other, "n"), ==, 1);
    g_assert_nonnull (json_object_get_string_member (waiting, "oldest"));
    g_assert_cmpstr (json_object_get_string_member (waiting, "_msdyn_cdsqueueid_value" FV), ==, "Tier 1 Chat");
    g_assert_false (json_object_has_member (waiting, "@odata.etag"));
  }
  /* aggregate() alone: one row, also over nothing */
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=filter(statecode%20eq%201)/aggregate($count%20as%20n)");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (reply_int (r, "value.0.n"), ==, 0);
  }
  /* Dataverse's rules */
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((createdon),aggregate($count%20as%20n))");
    assert_dataverse_error (r, 400, "0x80060888", "datetime");
  }
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((statuscode),aggregate($count%20as%20n))&$orderby=n");
    assert_dataverse_error (r, 400, "0x80060888", "SingleValueOpenPropertyAccess");
  }
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((statuscode),aggregate(subject%20with%20sum%20as%20s))");
    assert_dataverse_error (r, 400, "0x80060888", "sum");
  }
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((msdyn_mood))");
    assert_dataverse_error (r, 400, "0x80060888", "msdyn_mood");
  }
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((statuscode),aggregate($count%20as%20n,$count%20as%20n))");
    assert_dataverse_error (r, 400, "0x80060888", "more than once");
  }
  {
    g_autoptr (Reply) r = fixture_api_get (f, CONV "?$apply=groupby((statuscode)");
    assert_dataverse_error (r, 400, "0x80060888", NULL);
  }
}

static JsonObject *
agent_status (Fixture *f, JsonNode **holder, const char *id)
{
  return fixture_dup_record (f, holder, "msdyn_agentstatuses", id);
}

static void
test_routing_moves_presence (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;
  gint64 deadline;

  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0.05, 0.05, 0.05);
  {
    g_autoptr (Reply) set = fixture_control (f, "POST", "presence", "{\"agent\":\"" SEED_REP1 "\",\"capacity\":10}");
    g_assert_cmpuint (set->status, ==, 200);
  }
  {
    g_autoptr (Reply) r = fixture_api_post (f, CONV, "{\"subject\":\"routed\"}", NULL);
    g_assert_cmpuint (r->status, ==, 204);
  }
  /* assigned to the first rep: capacity used up, so Busy */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (json_object_get_int_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a001"),
                                     "msdyn_availableunitscapacity") != 0 && g_get_monotonic_time () < deadline)
    fixture_spin (10);
  g_assert_cmpstr (json_object_get_string_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a001"),
                                                  "_msdyn_currentpresenceid_value"), ==, PRESENCE_BUSY);
  /* closed: the units come back, and so does Available */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (json_object_get_int_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a001"),
                                     "msdyn_availableunitscapacity") != 10 && g_get_monotonic_time () < deadline)
    fixture_spin (10);
  g_assert_cmpint (json_object_get_int_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a001"),
                                               "msdyn_availableunitscapacity"), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a001"),
                                                  "_msdyn_currentpresenceid_value"), ==, PRESENCE_AVAILABLE);
}

static void
test_presence_control (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (JsonNode) holder = NULL;

  fixture_get_token (f);
  {
    g_autoptr (Reply) r = fixture_control (f, "POST", "presence", "{\"agent\":\"" SEED_REP2 "\",\"presence\":\"dnd\"}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "_msdyn_currentpresenceid_value"), ==, PRESENCE_DND);
    g_assert_nonnull (reply_string (r, "msdyn_presencemodifiedon"));
  }
  g_assert_cmpstr (json_object_get_string_member (agent_status (f, &holder, "a9e70000-0000-4000-8000-00000000a002"),
                                                  "_msdyn_currentpresenceid_value"), ==, PRESENCE_DND);
  /* a presence id no presence has: a broken org, kept as is */
  {
    g_autoptr (Reply) r = fixture_control (f, "POST", "presence", "{\"agent\":\"" SEED_REP2 "\",\"presence\":\"" MISSING "\"}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "_msdyn_currentpresenceid_value"), ==, MISSING);
  }
  /* the application user has no status row yet: one is made */
  {
    guint before = fixture_store_count (f, "msdyn_agentstatuses");
    g_autoptr (Reply) r = fixture_control (f, "POST", "presence", "{\"agent\":\"" SEED_APP_USER "\",\"presence\":\"away\"}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (fixture_store_count (f, "msdyn_agentstatuses"), ==, before + 1);
  }
  static const char *const bad[] = {
    "{\"agent\":\"" MISSING "\",\"presence\":\"busy\"}",
    "{\"agent\":\"" SEED_REP1 "\",\"presence\":\"sleepy\"}",
    "{\"agent\":\"" SEED_REP1 "\",\"capacity\":-1}",
    "{\"agent\":\"" SEED_REP1 "\",\"logged_in\":1}",
    "{\"agent\":\"" SEED_REP1 "\",\"mood\":\"ok\"}",
    "[]",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_control (f, "POST", "presence", bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
    }
}

void
mock_test_add_supervisor_tests (void)
{
  FIXTURE_ADD ("/mock/supervisor/agent-statuses", test_agent_statuses);
  FIXTURE_ADD ("/mock/supervisor/queue-membership", test_queue_membership);
  FIXTURE_ADD ("/mock/supervisor/apply", test_apply);
  FIXTURE_ADD ("/mock/supervisor/routing-moves-presence", test_routing_moves_presence);
  FIXTURE_ADD ("/mock/supervisor/presence-control", test_presence_control);
}
