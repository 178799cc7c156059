/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-service.c — the customer-service tables: contacts (the lookup
 * by e-mail a client makes, and creates), incidents (creates, ticket numbers,
 * duplicates) and AddToQueue. */

#include "mock-test-util.h"

#define ID1 "11111111-2222-4333-8444-555555555555"

/* ---- contacts ------------------------------------------------------------------ */

static Reply *
find_contacts (Fixture *f, const char *encoded_literal)
{
  g_autofree char *path = g_strdup_printf ("contacts?$select=contactid,fullname&$filter=emailaddress1%%20eq%%20%s%%20and%%20statecode%%20eq%%200&$top=2",
                                           encoded_literal);

  return fixture_api_get (f, path);
}

static void
assert_contacts (Reply *r, const char *first, const char *second)
{
  JsonArray *value;

  g_assert_cmpuint (r->status, ==, 200);
  value = reply_array (r, "value");
  g_assert_cmpuint (json_array_get_length (value), ==, (first != NULL) + (second != NULL));
  if (first)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (value, 0), "contactid"), ==, first);
  if (second)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (value, 1), "contactid"), ==, second);
}

#define QUOTE_C "c0a7ac70-00a1-4000-8000-0000000000a1"
#define PLUS_C "c0a7ac70-00a2-4000-8000-0000000000a2"
#define PERCENT_C "c0a7ac70-00a3-4000-8000-0000000000a3"
#define WIDEN_C "c0a7ac70-00a4-4000-8000-0000000000a4"
#define SPACE_C "c0a7ac70-00a5-4000-8000-0000000000a5"
#define WIDEN "x' or 1 eq 1 or emailaddress1 eq 'y"

static void
test_contact_filter_literals (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GError) error = NULL;
  static const struct { const char *email, *expected; } cases[] = {
    { "o'brien@example.com", QUOTE_C },
    { "O'BRIEN@EXAMPLE.COM", QUOTE_C },
    { "a+b@example.com", PLUS_C },
    { "100%@example.com", PERCENT_C },
    { WIDEN, WIDEN_C },
    { "a b@example.com", SPACE_C },
    { "nobody@example.com", NULL },
    { "o'brien", NULL },
  };

  fixture_get_token_unrouted (f);
  g_assert_true (mock_server_add_records (f->server,
                 "{\"contacts\":["
                 "{\"contactid\":\"" QUOTE_C "\",\"lastname\":\"O'Brien\",\"emailaddress1\":\"o'brien@example.com\",\"statecode\":0},"
                 "{\"contactid\":\"" PLUS_C "\",\"lastname\":\"Plus\",\"emailaddress1\":\"a+b@example.com\",\"statecode\":0},"
                 "{\"contactid\":\"" PERCENT_C "\",\"lastname\":\"Percent\",\"emailaddress1\":\"100%@example.com\",\"statecode\":0},"
                 "{\"contactid\":\"" WIDEN_C "\",\"lastname\":\"Widen\",\"emailaddress1\":\"" WIDEN "\",\"statecode\":0},"
                 "{\"contactid\":\"" SPACE_C "\",\"lastname\":\"Space\",\"emailaddress1\":\"a b@example.com\",\"statecode\":0},"
                 "{\"contactid\":\"c0a7ac70-00a6-4000-8000-0000000000a6\",\"lastname\":\"Gone\",\"emailaddress1\":\"a+b@example.com\",\"statecode\":1}]}",
                 &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *literal = fixture_odata_string (cases[i].email);
      g_autoptr (Reply) r = find_contacts (f, literal);

      g_test_message ("case %u: %s -> %s", i, cases[i].email, literal);
      assert_contacts (r, cases[i].expected, NULL);
    }

  /* Two contacts share an address: the client sees both and links neither. */
  {
    g_autofree char *literal = fixture_odata_string ("shared@example.com");
    g_autoptr (Reply) r = find_contacts (f, literal);

    assert_contacts (r, SEED_GRACE, SEED_ALAN);
    g_assert_cmpstr (reply_string (r, "value.0.fullname"), ==, "Grace Hopper");
    g_assert_cmpstr (reply_string (r, "value.1.fullname"), ==, "Alan Turing");
  }
  /* A bare '+' is a space, as on Dataverse: only %2B finds the plus address. */
  {
    g_autoptr (Reply) r = find_contacts (f, "'a+b%40example.com'");

    assert_contacts (r, SPACE_C, NULL);
  }
  /* The same text without its quotes doubled widens the filter to everyone. */
  {
    g_autofree char *raw = g_uri_escape_string ("'" WIDEN "'", NULL, FALSE);
    g_autoptr (Reply) r = find_contacts (f, raw);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 2);
  }
  /* A single quote left alone is an unterminated literal, as in Dataverse. */
  {
    g_autoptr (Reply) r = find_contacts (f, "'o'brien'");

    assert_dataverse_error (r, 400, "0x80060888", "unterminated literal");
  }
}

static void
test_contact_create (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *n51 = g_strnfill (51, 'n'), *e101 = g_strnfill (101, 'e'), *d2001 = g_strnfill (2001, 'd');
  g_autofree char *long_first = g_strdup_printf ("{\"firstname\":\"%s\"}", n51);
  g_autofree char *long_last = g_strdup_printf ("{\"lastname\":\"%s\"}", n51);
  g_autofree char *long_mail = g_strdup_printf ("{\"emailaddress1\":\"%s\"}", e101);
  g_autofree char *long_phone = g_strdup_printf ("{\"mobilephone\":\"%s\"}", n51);
  g_autofree char *long_desc = g_strdup_printf ("{\"description\":\"%s\"}", d2001);
  const BadPost cases[] = {
    { "{\"firstname\":\"A\",\"telephone2\":\"1\"}", 400, "0x80060888", "The property 'telephone2' does not exist on type 'Microsoft.Dynamics.CRM.contact'." },
    { "{\"fullname\":\"A B\"}", 400, "0x80060888", "'fullname' of 'Microsoft.Dynamics.CRM.contact' cannot be set on create" },
    { "{\"statecode\":0}", 400, "0x80060888", "cannot be set on create" },
    { long_first, 400, "0x80044331", "'firstname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'" },
    { long_last, 400, "0x80044331", "'lastname' attribute" },
    { long_mail, 400, "0x80044331", "'emailaddress1' attribute of the 'contact' entity exceeded the maximum allowed length of '100'" },
    { long_phone, 400, "0x80044331", "'mobilephone' attribute" },
    { long_desc, 400, "0x80044331", "'description' attribute of the 'contact' entity exceeded the maximum allowed length of '2000'" },
    { "{\"mobilephone\":441632960001}", 400, "0x80060888", "'Edm.String'" },
    { "{\"ownerid@odata.bind\":\"/teams(" MISSING ")\"}", 400, "0x80040217", "team With Id = " MISSING " Does Not Exist" },
  };
  g_autoptr (Reply) created = NULL, plain = NULL, found = NULL;
  g_autoptr (JsonNode) holder = NULL;
  JsonObject *contact;
  const char *id;

  fixture_get_token_unrouted (f);
  assert_bad_posts (f, "contacts?$select=contactid", cases, G_N_ELEMENTS (cases), "contacts");
  g_assert_cmpuint (fixture_store_count (f, "contacts"), ==, 4);

  created = fixture_api_post (f, "contacts?$select=contactid",
                              "{\"firstname\":\"Ada\",\"lastname\":\"Byron\",\"emailaddress1\":\"ada.byron+chat@example.com\","
                              "\"mobilephone\":\"+441632960009\",\"description\":\"Created from chat session sess_1\"}",
                              REPRESENTATION);
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (created->json)), ==, 3);
  id = reply_string (created, "contactid");
  g_assert_true (g_uuid_string_is_valid (id));
  contact = fixture_dup_record (f, &holder, "contacts", id);
  g_assert_cmpstr (json_object_get_string_member (contact, "fullname"), ==, "Ada Byron");
  g_assert_cmpint (json_object_get_int_member (contact, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (contact, "statuscode"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (contact, "mobilephone"), ==, "+441632960009");
  g_assert_cmpstr (json_object_get_string_member (contact, "_createdby_value"), ==, SEED_APP_USER);

  plain = fixture_api_post (f, "contacts", "{\"lastname\":\"Solo\"}", NULL);
  g_assert_cmpuint (plain->status, ==, 204);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (plain->headers, "OData-EntityId"), f->url));
  g_assert_cmpuint (fixture_store_count (f, "contacts"), ==, 6);

  /* The new contact is found by the lookup a client makes next time. */
  {
    g_autofree char *literal = fixture_odata_string ("ADA.BYRON+CHAT@example.com");

    found = find_contacts (f, literal);
  }
  assert_contacts (found, id, NULL);
  g_assert_cmpstr (reply_string (found, "value.0.fullname"), ==, "Ada Byron");
}

/* ---- incidents ------------------------------------------------------------------- */

#define CASE_BODY(extra) "{\"title\":\"Billing - Ada\",\"description\":\"Channel: email\"," \
                         "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"" extra "}"

static void
test_incident_create (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *t201 = g_strnfill (201, 't');
  g_autofree char *long_title = g_strdup_printf ("{\"title\":\"%s\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", t201);
  const BadPost cases[] = {
    { "{\"title\":\"No customer\",\"prioritycode\":2}", 400, "0x80040278", "You should specify a parent contact or account." },
    { "{\"title\":\"Owner only\",\"ownerid@odata.bind\":\"/systemusers(" SEED_REP1 ")\"}", 400, "0x80040278", NULL },
    { CASE_BODY (",\"prioritycode\":4"), 400, "0x8004431a",
      "The value 4 of 'prioritycode' on record of type 'incident' is outside the valid range. Accepted Values: 1,2,3" },
    { CASE_BODY (",\"prioritycode\":0"), 400, "0x8004431a", "'prioritycode'" },
    { CASE_BODY (",\"prioritycode\":\"2\""), 400, "0x80060888", "Cannot convert the literal '2' to the expected type 'Edm.Int32'." },
    { CASE_BODY (",\"prioritycode\":2.0"), 400, "0x80060888", "'Edm.Int32'" },
    { CASE_BODY (",\"prioritycode\":4294967298"), 400, "0x80060888", "'Edm.Int32'" },
    { CASE_BODY (",\"casetypecode\":4"), 400, "0x8004431a", "'casetypecode'" },
    { CASE_BODY (",\"caseorigincode\":9"), 400, "0x8004431a", "'caseorigincode'" },
    { CASE_BODY (",\"customerpriority\":1"), 400, "0x80060888", "The property 'customerpriority' does not exist on type 'Microsoft.Dynamics.CRM.incident'." },
    { CASE_BODY (",\"ticketnumber\":\"CAS-1\""), 400, "0x80060888", "'ticketnumber' of 'Microsoft.Dynamics.CRM.incident' cannot be set on create" },
    { CASE_BODY (",\"ownerid@odata.bind\":\"/teams(" SEED_REP1 ")\""), 400, "0x80040217", "team With Id = " SEED_REP1 " Does Not Exist" },
    { CASE_BODY (",\"ownerid@odata.bind\":\"/systemusers(" MISSING ")\""), 400, "0x80040217", "systemuser With Id = " MISSING " Does Not Exist" },
    { CASE_BODY (",\"ownerid@odata.bind\":\"/contacts(" SEED_ADA ")\""), 400, "0x80060888", "is not a target of the navigation property 'ownerid'" },
    { "{\"title\":\"x\",\"customerid_account@odata.bind\":\"/accounts(" SEED_ADA ")\"}", 400, "0x80040217",
      "account With Id = " SEED_ADA " Does Not Exist" },
    { "{\"title\":\"x\",\"customerid_contact@odata.bind\":\"/contacts(" MISSING ")\"}", 400, "0x80040217", "contact With Id = " MISSING },
    { "{\"title\":\"x\",\"customerid_contact@odata.bind\":\"/accounts(" SEED_ADA ")\"}", 400, "0x80060888", "not a target" },
    { "{\"title\":\"x\",\"customerid@odata.bind\":\"/contacts(" SEED_ADA ")\"}", 400, "0x80060888", "An undeclared property 'customerid'" },
    { "{\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", 400, "0x80044331", "The 'title' attribute of the 'incident' entity is required" },
    { long_title, 400, "0x80044331", "'title' attribute of the 'incident' entity exceeded the maximum allowed length of '200'" },
  };
  g_autoptr (Reply) one = NULL, two = NULL, get = NULL, dup = NULL;
  g_autoptr (JsonNode) h1 = NULL, h2 = NULL;
  g_autofree char *number1 = NULL;
  JsonObject *case1, *case2;

  fixture_get_token_unrouted (f);
  assert_bad_posts (f, "incidents?$select=incidentid,ticketnumber", cases, G_N_ELEMENTS (cases), "incidents");
  g_assert_cmpuint (fixture_store_count (f, "incidents"), ==, 0);

  one = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber",
                          "{\"incidentid\":\"" ID1 "\",\"title\":\"Billing - Ada\",\"description\":\"Channel: email\","
                          "\"prioritycode\":1,\"caseorigincode\":2,\"casetypecode\":2,"
                          "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\","
                          "\"ownerid@odata.bind\":\"/systemusers(" SEED_REP2 ")\"}", REPRESENTATION);
  g_assert_cmpuint (one->status, ==, 201);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (one->json)), ==, 4);
  g_assert_cmpstr (reply_string (one, "incidentid"), ==, ID1);
  g_assert_true (g_regex_match_simple ("^CAS-01001-[A-Z0-9]{6}$", reply_string (one, "ticketnumber"), 0, 0));
  number1 = g_strdup (reply_string (one, "ticketnumber"));
  two = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber", CASE_BODY (""), REPRESENTATION);
  g_assert_cmpuint (two->status, ==, 201);
  g_assert_true (g_regex_match_simple ("^CAS-01002-[A-Z0-9]{6}$", reply_string (two, "ticketnumber"), 0, 0));

  case1 = fixture_dup_record (f, &h1, "incidents", ID1);
  g_assert_cmpint (json_object_get_int_member (case1, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (case1, "statuscode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (case1, "prioritycode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (case1, "caseorigincode"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (case1, "_customerid_value"), ==, SEED_ADA);
  g_assert_cmpstr (json_object_get_string_member (case1, "_ownerid_value"), ==, SEED_REP2);
  g_assert_cmpstr (json_object_get_string_member (case1, "_createdby_value"), ==, SEED_APP_USER);
  g_assert_cmpstr (json_object_get_string_member (case1, "ticketnumber"), ==, number1);
  g_assert_nonnull (json_object_get_string_member (case1, "createdon"));
  case2 = fixture_dup_record (f, &h2, "incidents", reply_string (two, "incidentid"));
  g_assert_cmpstr (json_object_get_string_member (case2, "_ownerid_value"), ==, SEED_APP_USER);
  g_assert_cmpint (json_object_get_int_member (case2, "prioritycode"), ==, 2);

  get = fixture_api_get (f, "incidents(" ID1 ")?$select=incidentid,ticketnumber");
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (reply_string (get, "ticketnumber"), ==, number1);
  dup = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber",
                          "{\"incidentid\":\"" ID1 "\",\"title\":\"again\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                          REPRESENTATION);
  assert_dataverse_error (dup, 412, "0x80040237", "Cannot insert duplicate key.");
  g_assert_cmpuint (fixture_store_count (f, "incidents"), ==, 2);
}

/* ---- AddToQueue --------------------------------------------------------------------- */

static Reply *
add_to_queue (Fixture *f, const char *queue, const char *body)
{
  g_autofree char *path = g_strdup_printf ("queues(%s)/Microsoft.Dynamics.CRM.AddToQueue", queue);

  return fixture_api_post (f, path, body, NULL);
}

#define TARGET(id) "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" id "\"}}"

static void
test_add_to_queue (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *queue, *body; guint status; const char *code, *message; } bad[] = {
    { MISSING, TARGET (ID1), 404, "0x80040217", "queue With Id = " MISSING " Does Not Exist" },
    { SEED_QUEUE, "{}", 400, "0x80060888", "'Target'" },
    { SEED_QUEUE, "{\"Target\":\"" ID1 "\"}", 400, "0x80060888", "'Target'" },
    { SEED_QUEUE, "{\"Target\":{\"incidentid\":\"" ID1 "\"}}", 400, "0x80060888", "@odata.type" },
    { SEED_QUEUE, "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.contact\",\"contactid\":\"" SEED_ADA "\"}}", 400, "0x80060888",
      "'Microsoft.Dynamics.CRM.contact' cannot be added to a queue" },
    { SEED_QUEUE, "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"nope\"}}", 400, "0x80060888", "incidentid" },
    { SEED_QUEUE, "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\"}}", 400, "0x80060888", "incidentid" },
    { SEED_QUEUE, "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" ID1 "\",\"title\":\"x\"}}", 400, "0x80060888", "'title'" },
    { SEED_QUEUE, TARGET (MISSING), 400, "0x80040217", "incident With Id = " MISSING " Does Not Exist" },
    { SEED_QUEUE, "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" ID1 "\"},\"Extra\":1}", 400, "0x80060888",
      "The parameter 'Extra' in the request payload is not a valid parameter for the operation 'AddToQueue'." },
    { SEED_QUEUE, "[]", 400, "0x80060888", NULL },
  };
  g_autoptr (Reply) created = NULL, first = NULL, again = NULL, moved = NULL, get = NULL, unqualified = NULL, bad_key = NULL;
  g_autoptr (JsonNode) items = NULL;
  g_autofree char *context = NULL;
  g_autofree char *item_id = NULL;
  JsonObject *item;

  fixture_get_token_unrouted (f);
  created = fixture_api_post (f, "incidents?$select=incidentid,ticketnumber",
                              "{\"incidentid\":\"" ID1 "\",\"title\":\"Queue me\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                              REPRESENTATION);
  g_assert_cmpuint (created->status, ==, 201);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = add_to_queue (f, bad[i].queue, bad[i].body);

      g_test_message ("case %u: %s", i, bad[i].body);
      assert_dataverse_error (r, bad[i].status, bad[i].code, bad[i].message);
    }
  g_assert_cmpuint (fixture_store_count (f, "queueitems"), ==, 0);

  first = add_to_queue (f, SEED_QUEUE2, TARGET (ID1));
  g_assert_cmpuint (first->status, ==, 200);
  context = g_strdup_printf ("%s/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.AddToQueueResponse", f->url);
  g_assert_cmpstr (reply_string (first, "@odata.context"), ==, context);
  g_assert_true (g_uuid_string_is_valid (reply_string (first, "QueueItemId")));
  item_id = g_strdup (reply_string (first, "QueueItemId"));
  items = mock_server_dup_records (f->server, "queueitems");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (items)), ==, 1);
  item = json_array_get_object_element (json_node_get_array (items), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "queueitemid"), ==, item_id);
  g_assert_cmpstr (json_object_get_string_member (item, "_queueid_value"), ==, SEED_QUEUE2);
  g_assert_cmpstr (json_object_get_string_member (item, "_objectid_value"), ==, ID1);
  g_assert_cmpstr (json_object_get_string_member (item, "objecttypecode"), ==, "incident");

  again = add_to_queue (f, SEED_QUEUE2, "{\"Target\":{\"@odata.type\":\"#Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"11111111-2222-4333-8444-555555555555\"}}");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpstr (reply_string (again, "QueueItemId"), ==, item_id);
  moved = add_to_queue (f, SEED_QUEUE, TARGET (ID1));
  g_assert_cmpstr (reply_string (moved, "QueueItemId"), ==, item_id);
  g_clear_pointer (&items, json_node_unref);
  items = mock_server_dup_records (f->server, "queueitems");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (items)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (items), 0), "_queueid_value"), ==, SEED_QUEUE);

  /* Readable through the API, with the queue's name as formatted value. */
  get = fixture_api_get_prefer (f, "queueitems?$select=_queueid_value,_objectid_value",
                                "odata.include-annotations=\"*\"");
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (reply_string (get, "value.0._queueid_value@OData.Community.Display.V1.FormattedValue"), ==, "Tier 1 Chat");
  g_assert_cmpstr (reply_string (get, "value.0._objectid_value@OData.Community.Display.V1.FormattedValue"), ==, "Queue me");
  g_assert_cmpstr (reply_string (get, "value.0._objectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"), ==, "incident");

  {
    g_autoptr (Reply) r = fixture_send (f, fixture_api_message (f, "GET", "queues(" SEED_QUEUE ")/Microsoft.Dynamics.CRM.AddToQueue"));

    assert_dataverse_error (r, 405, "0x80060888", NULL);
  }
  unqualified = fixture_api_post (f, "queues(" SEED_QUEUE ")/AddToQueue", TARGET (ID1), NULL);
  assert_dataverse_error (unqualified, 404, "0x8006088a", "'AddToQueue'");
  bad_key = fixture_api_post (f, "queues(nope)/Microsoft.Dynamics.CRM.AddToQueue", TARGET (ID1), NULL);
  assert_dataverse_error (bad_key, 400, "0x80060888", NULL);
  g_assert_cmpuint (fixture_store_count (f, "queueitems"), ==, 1);
}


void
mock_test_add_service_tests (void)
{
  FIXTURE_ADD ("/mock/contacts/filter-literals", test_contact_filter_literals);
  FIXTURE_ADD ("/mock/contacts/create", test_contact_create);
  FIXTURE_ADD ("/mock/incidents/create", test_incident_create);
  FIXTURE_ADD ("/mock/queues/add-to-queue", test_add_to_queue);
}
