/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-update.c — PATCH (update, upsert, ETags, state/status pairs,
 * binds) and DELETE (ETags, cascade), and single context-item creates. */
#include <string.h>

#include "mock-test-util.h"

#define CASE "incidents(" CASE_ID ")"
#define CASE_ID "ca5e0000-0000-4000-8000-000000000001"
#define NEW_ID "ca5e0000-0000-4000-8000-000000000002"
#define CONV_ID "c0000000-0000-4000-8000-000000000001"

static void
seed_case (Fixture *f)
{
  g_autoptr (Reply) r = fixture_api_post (f, "incidents",
                                          "{\"incidentid\":\"" CASE_ID "\",\"title\":\"Printer\",\"prioritycode\":2,"
                                          "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", NULL);

  g_assert_cmpuint (r->status, ==, 204);
}

static char *
etag_of (Fixture *f, const char *path)
{
  g_autoptr (Reply) r = fixture_api_get (f, path);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (reply_string (r, "@odata.etag"));
}

static void
test_update (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *before = NULL, *after = NULL;
  JsonNode *holder = NULL;
  JsonObject *stored;

  fixture_get_token_unrouted (f);
  seed_case (f);
  before = etag_of (f, CASE "?$select=title");
  {
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", CASE,
                                            "{\"title\":\"Printer on fire\",\"description\":\"\",\"prioritycode\":1,"
                                            "\"primarycontactid@odata.bind\":\"/contacts(" SEED_GRACE ")\"}", NULL, NULL);

    g_assert_cmpuint (r->status, ==, 204);
    g_assert_true (g_str_has_suffix (soup_message_headers_get_one (r->headers, "OData-EntityId"), "/" CASE));
  }
  after = etag_of (f, CASE "?$select=title");
  g_assert_cmpstr (before, !=, after);
  stored = fixture_dup_record (f, &holder, "incidents", CASE_ID);
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "Printer on fire");
  g_assert_true (json_object_get_null_member (stored, "description"));   /* empty text is null */
  g_assert_cmpint (json_object_get_int_member (stored, "prioritycode"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (stored, "_primarycontactid_value"), ==, SEED_GRACE);
  g_assert_cmpstr (json_object_get_string_member (stored, "_customerid_value"), ==, SEED_ADA);   /* untouched */
  json_node_unref (holder);

  /* return=representation: 200 with the record, the current ETag and Preference-Applied. */
  {
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", CASE "?$select=title,prioritycode", "{\"prioritycode\":3}",
                                            REPRESENTATION, after);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (reply_int (r, "prioritycode"), ==, 3);
    g_assert_cmpstr (reply_string (r, "@odata.etag"), !=, after);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Preference-Applied"), ==, REPRESENTATION);
  }
  /* The ETag of before the last change is stale now; "*" is not. */
  {
    g_autoptr (Reply) stale = fixture_api_send (f, "PATCH", CASE, "{\"title\":\"x\"}", NULL, after);
    g_autoptr (Reply) any = fixture_api_send (f, "PATCH", CASE, "{\"title\":\"y\"}", NULL, "*");

    assert_dataverse_error (stale, 412, "0x80060882",
                            "The version of the existing record doesn't match the RowVersion property provided.");
    g_assert_cmpuint (any->status, ==, 204);
  }
}

static void
test_upsert (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  seed_case (f);
  /* Without If-Match a PATCH to a new id creates the record, with the key of the URL. */
  {
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", "incidents(" NEW_ID ")",
                                            "{\"title\":\"Upserted\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                                            NULL, NULL);
    JsonNode *holder = NULL;

    g_assert_cmpuint (r->status, ==, 204);
    g_assert_cmpstr (json_object_get_string_member (fixture_dup_record (f, &holder, "incidents", NEW_ID), "title"), ==,
                     "Upserted");
    json_node_unref (holder);
  }
  {
    g_autoptr (Reply) missing = fixture_api_send (f, "PATCH", "incidents(" MISSING ")", "{\"title\":\"x\"}", NULL, "*");
    g_autoptr (Reply) create_only = NULL;
    SoupMessage *msg = fixture_api_message (f, "PATCH", CASE);
    g_autoptr (GBytes) body = g_bytes_new_static ("{\"title\":\"x\"}", 13);

    assert_dataverse_error (missing, 404, "0x80040217", "incident With Id = " MISSING " Does Not Exist");
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", "*");
    create_only = fixture_send (f, msg);
    assert_dataverse_error (create_only, 412, "0x80040237", "A record with matching key values already exists.");
  }
  /* An upsert is a create: the case still needs its customer. */
  {
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", "incidents(" MISSING ")", "{\"title\":\"x\"}", NULL, NULL);

    assert_dataverse_error (r, 400, "0x80040278", "You should specify a parent contact or account.");
  }
}

static void
test_update_strict (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *body; guint status; const char *code, *message; } cases[] = {
    { "{\"nope\":1}", 400, "0x80060888", "The property 'nope' does not exist on type 'Microsoft.Dynamics.CRM.incident'." },
    { "{\"createdon\":\"2026-01-01T00:00:00Z\"}", 400, "0x80060888", "cannot be set on update" },
    { "{\"incidentid\":\"" CASE_ID "\"}", 400, "0x80060888", "cannot be set on update" },
    { "{\"_customerid_value\":\"" SEED_ADA "\"}", 400, "0x80060888", "Use Navigation properties instead" },
    { "{\"prioritycode\":4}", 400, "0x8004431a",
      "The value 4 of 'prioritycode' on record of type 'incident' is outside the valid range. Accepted Values: 1,2,3" },
    { "{\"prioritycode\":\"1\"}", 400, "0x80060888", "Cannot convert the literal '1' to the expected type 'Edm.Int32'." },
    { "{\"title\":\"\"}", 400, "0x80044331", "The 'title' attribute of the 'incident' entity is required" },
    { "{\"title\":null}", 400, "0x80044331", "required" },
    { "{\"customerid_contact@odata.bind\":\"/contacts(" MISSING ")\"}", 400, "0x80040217", "Does Not Exist" },
    { "{\"statecode\":0,\"statuscode\":5}", 400, "0x80048408",
      "5 is not a valid status code for state code IncidentState.Active on incident with Id " CASE_ID "." },
    { "{\"statuscode\":6}", 400, "0x80048408", "6 is not a valid status code for state code IncidentState.Active" },
    { "{\"statecode\":7}", 400, "0x8004431a", "'statecode'" },
    { "{\"statecode\":null}", 400, "0x80048408", "State code is invalid" },
    { "{\"title\":\"x\",\"title\":\"y\"}", 400, "0x80060888", "Multiple properties with the name 'title'" },
    { "[]", 400, "0x80060888", "A 'StartObject' node was expected" },
  };
  JsonNode *holder = NULL;

  fixture_get_token_unrouted (f);
  seed_case (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Reply) r = fixture_api_send (f, "PATCH", CASE, cases[i].body, NULL, NULL);

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_dataverse_error (r, cases[i].status, cases[i].code, cases[i].message);
    }
  g_assert_cmpstr (json_object_get_string_member (fixture_dup_record (f, &holder, "incidents", CASE_ID), "title"), ==,
                   "Printer");
  json_node_unref (holder);
  /* Deep update is not a thing; tables the mock does not write answer 501. */
  {
    g_autoptr (Reply) conv = fixture_api_post (f, CONV, "{\"activityid\":\"" CONV_ID "\",\"subject\":\"s\"}", NULL);
    g_autoptr (Reply) deep = fixture_api_send (f, "PATCH", CONV "(" CONV_ID ")",
                                               "{\"msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid\":[{\"msdyn_name\":\"a\"}]}",
                                               NULL, NULL);
    g_autoptr (Reply) queue = fixture_api_send (f, "PATCH", "queues(" SEED_QUEUE ")", "{\"name\":\"x\"}", NULL, NULL);

    g_assert_cmpuint (conv->status, ==, 204);
    assert_dataverse_error (deep, 400, "0x80060888", "Deep update is not supported");
    assert_dataverse_error (queue, 501, "0x80040216", "PATCH on queues");
  }
}

static void
test_update_state (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  JsonNode *holder = NULL;
  JsonObject *stored;

  fixture_get_token (f);   /* routed: a manual close must stop the simulation */
  mock_server_set_routing_delays (f->server, 0.05, 0.05, 0.05);
  {
    g_autoptr (Reply) conv = fixture_api_post (f, CONV, "{\"activityid\":\"" CONV_ID "\",\"subject\":\"s\"}", NULL);
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", CONV "(" CONV_ID ")", "{\"statecode\":1}", NULL, NULL);

    g_assert_cmpuint (conv->status, ==, 204);
    g_assert_cmpuint (r->status, ==, 204);
  }
  /* A state alone takes its first status reason (Closed for state 1). */
  stored = fixture_dup_record (f, &holder, CONV, CONV_ID);
  g_assert_cmpint (json_object_get_int_member (stored, "statecode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stored, "statuscode"), ==, 4);
  fixture_spin (300);
  stored = fixture_dup_record (f, &holder, CONV, CONV_ID);
  g_assert_cmpint (json_object_get_int_member (stored, "statuscode"), ==, 4);
  g_assert_true (json_object_get_null_member (stored, "_msdyn_activeagentid_value"));
  json_node_unref (holder);
}

static void
test_delete (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *etag = NULL;

  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) conv = fixture_api_post (f, CONV,
                                               "{\"activityid\":\"" CONV_ID "\",\"subject\":\"s\","
                                               "\"msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid\":[{\"msdyn_name\":\"a\"}],"
                                               "\"msdyn_ocliveworkitem_Annotations\":[{\"subject\":\"n\"}]}", NULL);

    g_assert_cmpuint (conv->status, ==, 204);
  }
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 1);
  etag = etag_of (f, CONV "(" CONV_ID ")?$select=subject");
  {
    g_autoptr (Reply) patched = fixture_api_send (f, "PATCH", CONV "(" CONV_ID ")", "{\"subject\":\"t\"}", NULL, NULL);
    g_autoptr (Reply) stale = fixture_api_send (f, "DELETE", CONV "(" CONV_ID ")", NULL, NULL, etag);
    g_autoptr (Reply) query = fixture_api_send (f, "DELETE", CONV "(" CONV_ID ")?$select=subject", NULL, NULL, NULL);

    g_assert_cmpuint (patched->status, ==, 204);
    assert_dataverse_error (stale, 412, "0x80060882", "RowVersion");
    assert_dataverse_error (query, 400, "0x80060888", "Query options are not allowed");
  }
  {
    g_autoptr (Reply) gone = fixture_api_send (f, "DELETE", CONV "(" CONV_ID ")", NULL, NULL, "*");
    g_autoptr (Reply) again = fixture_api_send (f, "DELETE", CONV "(" CONV_ID ")", NULL, NULL, NULL);
    g_autoptr (Reply) get = fixture_api_get (f, CONV "(" CONV_ID ")");
    g_autoptr (Reply) queue = fixture_api_send (f, "DELETE", "queues(" SEED_QUEUE ")", NULL, NULL, NULL);

    g_assert_cmpuint (gone->status, ==, 204);
    g_assert_null (gone->json);
    assert_dataverse_error (again, 404, "0x80040217", "msdyn_ocliveworkitem With Id = " CONV_ID " Does Not Exist");
    assert_dataverse_error (get, 404, "0x80040217", NULL);
    assert_dataverse_error (queue, 501, "0x80040216", "DELETE on queues");
  }
  /* Context items and notes cascade with their conversation. */
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 0);
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 0);
  g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 0);
}

static void
test_status_on_create (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) on_hold = fixture_api_post (f, "incidents?$select=statecode,statuscode",
                                                  "{\"title\":\"t\",\"statuscode\":2,"
                                                  "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", REPRESENTATION);
    g_autoptr (Reply) solved = fixture_api_post (f, "incidents", "{\"title\":\"t\",\"statuscode\":5,"
                                                                 "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", NULL);
    g_autoptr (Reply) state = fixture_api_post (f, "contacts", "{\"lastname\":\"x\",\"statecode\":1}", NULL);

    g_assert_cmpuint (on_hold->status, ==, 201);
    g_assert_cmpint (reply_int (on_hold, "statecode"), ==, 0);
    g_assert_cmpint (reply_int (on_hold, "statuscode"), ==, 2);
    assert_dataverse_error (solved, 400, "0x80048408", "5 is not a valid status code for state code IncidentState.Active on incident.");
    assert_dataverse_error (state, 400, "0x80060888", "cannot be set on create");
  }
}

static void
test_conditional_get (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *etag = NULL;

  fixture_get_token_unrouted (f);
  seed_case (f);
  etag = etag_of (f, CASE "?$select=title");
  {
    SoupMessage *same = fixture_api_message (f, "GET", CASE "?$select=title");
    SoupMessage *null = fixture_api_message (f, "GET", CASE "?$select=title");
    SoupMessage *expanded = fixture_api_message (f, "GET", CASE "?$select=title&$expand=customerid_contact($select=fullname)");
    g_autoptr (Reply) r1 = NULL, r2 = NULL, r3 = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (same), "If-None-Match", etag);
    soup_message_headers_replace (soup_message_get_request_headers (null), "If-None-Match", "null");
    soup_message_headers_replace (soup_message_get_request_headers (expanded), "If-None-Match", etag);
    r1 = fixture_send (f, same);
    r2 = fixture_send (f, null);
    r3 = fixture_send (f, expanded);
    g_assert_cmpuint (r1->status, ==, 304);
    g_assert_cmpuint (g_bytes_get_size (r1->body), ==, 0);
    g_assert_cmpuint (r2->status, ==, 200);
    g_assert_cmpuint (r3->status, ==, 200);   /* not with $expand */
  }
  /* Upsert with the representation: 201, as a create. */
  {
    g_autoptr (Reply) r = fixture_api_send (f, "PATCH", "incidents(" NEW_ID ")?$select=title",
                                            "{\"title\":\"New\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                                            REPRESENTATION, NULL);

    g_assert_cmpuint (r->status, ==, 201);
    g_assert_cmpstr (reply_string (r, "incidentid"), ==, NEW_ID);
  }
}

static void
test_context_item_create (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const BadPost bad[] = {
    { "{\"msdyn_name\":\"x\",\"msdyn_ocliveworkitemid@odata.bind\":\"/msdyn_ocliveworkitems(" MISSING ")\"}", 400,
      "0x80040217", "msdyn_ocliveworkitem With Id = " MISSING " Does Not Exist" },
    { "{\"msdyn_name\":\"x\",\"msdyn_ocliveworkitemid@odata.bind\":\"/contacts(" SEED_ADA ")\"}", 400, "0x80060888",
      "is not a target of the navigation property 'msdyn_ocliveworkitemid'" },
    { "{\"msdyn_value\":\"x\"}", 400, "0x80044331", "The 'msdyn_name' attribute" },
    { "{\"msdyn_name\":\"x\",\"msdyn_colour\":\"red\"}", 400, "0x80060888", "The property 'msdyn_colour' does not exist" },
    { "{\"msdyn_name\":\"x\",\"_msdyn_ocliveworkitemid_value\":\"" CONV_ID "\"}", 400, "0x80060888",
      "Use Navigation properties instead" },
  };

  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) conv = fixture_api_post (f, CONV, "{\"activityid\":\"" CONV_ID "\",\"subject\":\"s\"}", NULL);

    g_assert_cmpuint (conv->status, ==, 204);
  }
  assert_bad_posts (f, ITEMS, bad, G_N_ELEMENTS (bad), ITEMS);
  {
    g_autoptr (Reply) r = fixture_api_post (f, ITEMS "?$select=msdyn_name,_msdyn_ocliveworkitemid_value",
                                            "{\"msdyn_name\":\"ticket\",\"msdyn_value\":\"42\","
                                            "\"msdyn_ocliveworkitemid@odata.bind\":\"/msdyn_ocliveworkitems(" CONV_ID ")\"}",
                                            REPRESENTATION);

    g_assert_cmpuint (r->status, ==, 201);
    g_assert_cmpstr (reply_string (r, "_msdyn_ocliveworkitemid_value"), ==, CONV_ID);
    g_assert_cmpstr (reply_string (r, "msdyn_name"), ==, "ticket");
  }
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 1);
}

void
mock_test_add_update_tests (void)
{
  FIXTURE_ADD ("/mock/update/patch", test_update);
  FIXTURE_ADD ("/mock/update/upsert", test_upsert);
  FIXTURE_ADD ("/mock/update/strict", test_update_strict);
  FIXTURE_ADD ("/mock/update/state", test_update_state);
  FIXTURE_ADD ("/mock/update/delete", test_delete);
  FIXTURE_ADD ("/mock/update/context-item", test_context_item_create);
  FIXTURE_ADD ("/mock/update/status-on-create", test_status_on_create);
  FIXTURE_ADD ("/mock/update/conditional-get", test_conditional_get);
}
