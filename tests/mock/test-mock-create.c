/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-create.c — POST of conversations: deep insert, binds, every
 * strictness rule, body format, duplicates and atomicity, privileges, the
 * request log. Contacts, incidents and AddToQueue: test-mock-service.c. */
#include <string.h>

#include "mock-test-util.h"

#define DEEP_ITEMS "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid"
#define DEEP_NOTES "msdyn_ocliveworkitem_Annotations"
#define WS_BIND "msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind"
#define CUSTOMER_BIND "msdyn_customer_msdyn_ocliveworkitem_contact@odata.bind"
#define ID1 "11111111-2222-4333-8444-555555555555"
#define ID2 "22222222-2222-4333-8444-555555555555"
#define HEXID "abcdef01-2222-4333-8444-555555555555"

static char *
repeat (const char *unit, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
assert_nothing_stored (Fixture *f, guint conversations)
{
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, conversations);
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 0);
  g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 0);
}

/* ---- conversations ---------------------------------------------------------- */

static void
test_conversation_deep_insert (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *context = NULL;
  g_autoptr (Reply) r = NULL, got = NULL;
  g_autoptr (JsonNode) conv_holder = NULL, items = NULL, notes = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_now_utc ();
  JsonObject *conv, *body;
  JsonArray *array;
  gboolean seen_session = FALSE, seen_channel = FALSE;

  fixture_get_token_unrouted (f);
  r = fixture_api_post (f, CONV "?$select=activityid",
                        "{\"activityid\":\"" ID1 "\",\"subject\":\"Refund for order 1182\","
                        "\"msdyn_title\":\"Refund for order 1182, full summary\",\"description\":\"d\","
                        "\"msdyn_channel\":\"192360000\","
                        "\"" WS_BIND "\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\","
                        "\"" CUSTOMER_BIND "\":\"/contacts(" SEED_ADA ")\","
                        "\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"sess_8f2c\",\"msdyn_isdisplayable\":true},"
                        "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"web\",\"msdyn_isdisplayable\":false}],"
                        "\"" DEEP_NOTES "\":[{\"subject\":\"Transcript\",\"notetext\":\"10:02 customer: hi\"}]}",
                        REPRESENTATION);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Preference-Applied"), ==, "return=representation");
  g_assert_null (soup_message_headers_get_one (r->headers, "OData-EntityId"));
  context = g_strdup_printf ("%s/api/data/v9.2/$metadata#msdyn_ocliveworkitems(activityid)/$entity", f->url);
  g_assert_cmpstr (reply_string (r, "@odata.context"), ==, context);
  g_assert_true (g_str_has_prefix (reply_string (r, "@odata.etag"), "W/\""));
  g_assert_cmpstr (reply_string (r, "activityid"), ==, ID1);
  body = json_node_get_object (r->json);
  g_assert_cmpuint (json_object_get_size (body), ==, 3);

  conv = fixture_dup_record (f, &conv_holder, CONV, ID1);
  g_assert_cmpstr (json_object_get_string_member (conv, "subject"), ==, "Refund for order 1182");
  g_assert_cmpstr (json_object_get_string_member (conv, "msdyn_title"), ==, "Refund for order 1182, full summary");
  g_assert_cmpstr (json_object_get_string_member (conv, "msdyn_channel"), ==, "192360000");
  g_assert_cmpint (json_object_get_int_member (conv, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (conv, "statuscode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (conv, "msdyn_statuschangereason"), ==, 192350001);
  g_assert_cmpstr (json_object_get_string_member (conv, "_createdby_value"), ==, SEED_APP_USER);
  g_assert_cmpstr (json_object_get_string_member (conv, "_ownerid_value"), ==, SEED_APP_USER);
  g_assert_cmpstr (json_object_get_string_member (conv, "_msdyn_liveworkstreamid_value"), ==, SEED_WORKSTREAM);
  g_assert_cmpstr (json_object_get_string_member (conv, "_msdyn_customer_value"), ==, SEED_ADA);
  g_assert_cmpstr (json_object_get_string_member (conv, "_msdyn_cdsqueueid_value"), ==, SEED_QUEUE);
  g_assert_true (json_object_has_member (conv, "_msdyn_activeagentid_value"));
  g_assert_true (json_object_get_null_member (conv, "_msdyn_activeagentid_value"));
  g_assert_true (g_regex_match_simple ("^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$",
                                       json_object_get_string_member (conv, "createdon"), 0, 0));
  g_assert_cmpstr (json_object_get_string_member (conv, "modifiedon"), ==, json_object_get_string_member (conv, "createdon"));
  {
    g_autoptr (GDateTime) created = g_date_time_new_from_iso8601 (json_object_get_string_member (conv, "createdon"), NULL);

    g_assert_cmpint (g_date_time_difference (created, before), >=, -G_USEC_PER_SEC);
    g_assert_cmpint (g_date_time_difference (created, before), <=, 5 * G_USEC_PER_SEC);
  }

  items = mock_server_dup_records (f->server, ITEMS);
  array = json_node_get_array (items);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      const char *name = json_object_get_string_member (item, "msdyn_name");

      g_assert_cmpstr (json_object_get_string_member (item, "_msdyn_ocliveworkitemid_value"), ==, ID1);
      g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (item, "msdyn_ocliveworkitemcontextitemid")));
      g_assert_cmpint (json_object_get_int_member (item, "statecode"), ==, 0);
      if (g_strcmp0 (name, "sessionId") == 0)
        {
          seen_session = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "msdyn_value"), ==, "sess_8f2c");
          g_assert_true (json_object_get_boolean_member (item, "msdyn_isdisplayable"));
        }
      else
        {
          g_assert_cmpstr (name, ==, "channel");
          seen_channel = TRUE;
          g_assert_false (json_object_get_boolean_member (item, "msdyn_isdisplayable"));
        }
    }
  g_assert_true (seen_session && seen_channel);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "msdyn_ocliveworkitemcontextitemid"), !=,
                   json_object_get_string_member (json_array_get_object_element (array, 1), "msdyn_ocliveworkitemcontextitemid"));

  notes = mock_server_dup_records (f->server, "annotations");
  array = json_node_get_array (notes);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "_objectid_value"), ==, ID1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "objecttypecode"), ==, "msdyn_ocliveworkitem");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "notetext"), ==, "10:02 customer: hi");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "subject"), ==, "Transcript");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (json_array_get_object_element (array, 0), "annotationid")));

  /* The children are readable through the API too, linked to the parent. */
  got = fixture_api_get (f, ITEMS "?$select=msdyn_name&$filter=_msdyn_ocliveworkitemid_value%20eq%20" ID1);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (got, "value")), ==, 2);
}

static void
test_conversation_minimal (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) r = NULL, upper = NULL, empty = NULL, all = NULL, get = NULL, missing = NULL;
  g_autoptr (JsonNode) holder = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *id = NULL;
  const char *entity_id;
  JsonObject *conv;

  fixture_get_token_unrouted (f);
  r = fixture_api_post (f, CONV, "{\"subject\":\"Chat with anonymous visitor\"}", NULL);
  g_assert_cmpuint (r->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
  g_assert_null (soup_message_headers_get_one (r->headers, "Preference-Applied"));
  entity_id = soup_message_headers_get_one (r->headers, "OData-EntityId");
  prefix = g_strdup_printf ("%s/api/data/v9.2/msdyn_ocliveworkitems(", f->url);
  g_assert_nonnull (entity_id);
  g_assert_true (g_str_has_prefix (entity_id, prefix));
  g_assert_cmpuint (strlen (entity_id), ==, strlen (prefix) + 37);
  id = g_strndup (entity_id + strlen (prefix), 36);
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpint (entity_id[strlen (entity_id) - 1], ==, ')');
  conv = fixture_dup_record (f, &holder, CONV, id);
  g_assert_true (json_object_get_null_member (conv, "_msdyn_cdsqueueid_value"));
  g_assert_true (json_object_get_null_member (conv, "_msdyn_liveworkstreamid_value"));
  g_assert_true (json_object_get_null_member (conv, "_msdyn_customer_value"));

  /* Keys are stored in lower case; the empty GUID asks for a new one. */
  upper = fixture_api_post (f, CONV "?$select=activityid", "{\"activityid\":\"ABCDEF00-2222-4333-8444-555555555555\",\"subject\":\"x\"}",
                            REPRESENTATION);
  g_assert_cmpuint (upper->status, ==, 201);
  g_assert_cmpstr (reply_string (upper, "activityid"), ==, "abcdef00-2222-4333-8444-555555555555");
  empty = fixture_api_post (f, CONV "?$select=activityid", "{\"activityid\":\"00000000-0000-0000-0000-000000000000\",\"subject\":\"x\"}",
                            REPRESENTATION);
  g_assert_cmpuint (empty->status, ==, 201);
  g_assert_cmpstr (reply_string (empty, "activityid"), !=, "00000000-0000-0000-0000-000000000000");
  g_assert_true (g_uuid_string_is_valid (reply_string (empty, "activityid")));

  /* Without $select the representation has every column. */
  all = fixture_api_post (f, CONV, "{\"subject\":\"full\",\"msdyn_channel\":\"192340000,192360000\"}", REPRESENTATION);
  g_assert_cmpuint (all->status, ==, 201);
  g_assert_cmpstr (reply_string (all, "subject"), ==, "full");
  g_assert_cmpstr (reply_string (all, "msdyn_channel"), ==, "192340000,192360000");
  g_assert_cmpint (reply_int (all, "statuscode"), ==, 1);
  g_assert_true (json_object_has_member (json_node_get_object (all->json), "_msdyn_activeagentid_value"));
  g_assert_false (json_object_has_member (json_node_get_object (all->json), "msdyn_channel@OData.Community.Display.V1.FormattedValue"));
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 4);

  /* Annotations on a create's representation, and for multi-select choices. */
  {
    g_autoptr (Reply) annotated = fixture_api_post (f, CONV "?$select=msdyn_channel,statuscode,_msdyn_liveworkstreamid_value",
                                                    "{\"subject\":\"fv\",\"msdyn_channel\":\"192340000,192360000\"," 
                                                    "\"" WS_BIND "\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}",
                                                    "return=representation, odata.include-annotations=\"*\"");

    g_assert_cmpuint (annotated->status, ==, 201);
    g_assert_cmpstr (soup_message_headers_get_one (annotated->headers, "Preference-Applied"), ==,
                     "return=representation,odata.include-annotations=\"*\"");
    g_assert_cmpstr (reply_string (annotated, "msdyn_channel@OData.Community.Display.V1.FormattedValue"), ==, "SMS; Live chat");
    g_assert_cmpstr (reply_string (annotated, "statuscode@OData.Community.Display.V1.FormattedValue"), ==, "Open");
    g_assert_cmpstr (reply_string (annotated, "_msdyn_liveworkstreamid_value@OData.Community.Display.V1.FormattedValue"), ==,
                     "Live chat workstream");
    g_assert_cmpstr (reply_string (annotated, "_msdyn_liveworkstreamid_value@Microsoft.Dynamics.CRM.lookuplogicalname"), ==,
                     "msdyn_liveworkstream");
  }
  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 5);

  get = fixture_api_get (f, "msdyn_ocliveworkitems(ABCDEF00-2222-4333-8444-555555555555)?$select=subject,statecode");
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (reply_string (get, "subject"), ==, "x");
  g_assert_cmpint (reply_int (get, "statecode"), ==, 0);
  missing = fixture_api_get (f, "msdyn_ocliveworkitems(" MISSING ")?$select=subject");
  assert_dataverse_error (missing, 404, "0x80040217", "msdyn_ocliveworkitem With Id = " MISSING " Does Not Exist");
}

#define GOOD_CHILDREN "\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"s\"}]," \
                      "\"" DEEP_NOTES "\":[{\"subject\":\"Transcript\",\"notetext\":\"t\"}]"

static void
test_conversation_strict (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *s200 = repeat ("s", 200), *s201 = repeat ("s", 201);
  g_autofree char *e100 = repeat ("\xF0\x9F\x98\x80", 100), *e101 = repeat ("\xF0\x9F\x98\x80", 101);
  g_autofree char *t4001 = repeat ("t", 4001), *d2001 = repeat ("d", 2001);
  g_autofree char *n101 = repeat ("n", 101), *v4001 = repeat ("v", 4001);
  g_autofree char *s501 = repeat ("s", 501), *x100001 = repeat ("x", 100001);
  g_autofree char *long_subject = g_strdup_printf ("{%s,\"subject\":\"%s\"}", GOOD_CHILDREN, s201);
  g_autofree char *long_emoji = g_strdup_printf ("{\"subject\":\"%s\"}", e101);
  g_autofree char *long_title = g_strdup_printf ("{\"subject\":\"x\",\"msdyn_title\":\"%s\"}", t4001);
  g_autofree char *long_description = g_strdup_printf ("{\"subject\":\"x\",\"description\":\"%s\"}", d2001);
  g_autofree char *long_name = g_strdup_printf ("{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"%s\"}]}", n101);
  g_autofree char *long_value = g_strdup_printf ("{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_value\":\"%s\"}]}", v4001);
  g_autofree char *long_note_subject = g_strdup_printf ("{\"subject\":\"x\",\"" DEEP_NOTES "\":[{\"subject\":\"%s\"}]}", s501);
  g_autofree char *long_note = g_strdup_printf ("{\"subject\":\"x\",\"" DEEP_NOTES "\":[{\"notetext\":\"%s\"}]}", x100001);
  const BadPost cases[] = {
    /* unknown and undeclared properties */
    { "{\"subject\":\"x\"," GOOD_CHILDREN ",\"foo\":1}", 400, "0x80060888",
      "The property 'foo' does not exist on type 'Microsoft.Dynamics.CRM.msdyn_ocliveworkitem'." },
    { "{\"subject\":\"x\",\"msdyn_workstreamid\":\"" SEED_WORKSTREAM "\"}", 400, "0x80060888",
      "The property 'msdyn_workstreamid' does not exist" },
    { "{\"subject\":\"x\",\"foo@odata.bind\":\"/contacts(" SEED_ADA ")\"}", 400, "0x80060888",
      "An undeclared property 'foo' which only has property annotations in the payload but no property value was found in the payload." },
    { "{\"subject\":\"x\",\"msdyn_workstreamid@odata.bind\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}", 400, "0x80060888",
      "An undeclared property 'msdyn_workstreamid'" },
    { "{\"subject\":\"x\",\"subject@odata.bind\":\"/contacts(" SEED_ADA ")\"}", 400, "0x80060888", "undeclared property 'subject'" },
    { "{\"subject\":\"x\",\"subject@odata.type\":\"Edm.String\"}", 400, "0x80060888", "subject@odata.type" },
    { "{\"subject\":\"x\",\"@odata.context\":\"x\"}", 400, "0x80060888", "@odata.context" },
    { "{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"subject\":\"x\"}", 400, "0x80060888",
      "not assignable to the expected type 'Microsoft.Dynamics.CRM.msdyn_ocliveworkitem'" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"foo\":\"b\"}]}", 400, "0x80060888",
      "The property 'foo' does not exist on type 'Microsoft.Dynamics.CRM.msdyn_ocliveworkitemcontextitem'." },
    { "{\"subject\":\"x\",\"" DEEP_NOTES "\":[{\"subject\":\"a\",\"documentbody\":\"b\"}]}", 400, "0x80060888",
      "The property 'documentbody' does not exist on type 'Microsoft.Dynamics.CRM.annotation'." },
    { "{\"subject\":\"x\",\"msdyn_ocliveworkitem_QueueItems\":[]}", 400, "0x80060888",
      "The property 'msdyn_ocliveworkitem_QueueItems' does not exist" },
    /* columns that exist but cannot be written */
    { "{\"subject\":\"x\",\"_msdyn_liveworkstreamid_value\":\"" SEED_WORKSTREAM "\"}", 400, "0x80060888",
      "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead." },
    { "{\"subject\":\"x\",\"statecode\":0}", 400, "0x80060888", "The property 'statecode' of 'Microsoft.Dynamics.CRM.msdyn_ocliveworkitem' cannot be set on create." },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_datatype\":192350000}]}", 400, "0x80060888",
      "'msdyn_datatype' of 'Microsoft.Dynamics.CRM.msdyn_ocliveworkitemcontextitem' cannot be set on create" },
    /* binds */
    { "{\"subject\":\"x\",\"" WS_BIND "\":\"/queues(" SEED_QUEUE ")\"}", 400, "0x80060888",
      "The entity set 'queues' in the @odata.bind value '/queues(" SEED_QUEUE ")' is not a target of the navigation property 'msdyn_liveworkstreamid_msdyn_ocliveworkitem'" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":\"/msdyn_liveworkstreams(nope)\"}", 400, "0x80060888", "is not an entity reference" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":\"msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}", 400, "0x80060888", "is not an entity reference" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":\"http://x/api/data/v9.2/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}", 400, "0x80060888", "is not an entity reference" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":\"/msdyn_liveworkstreams(msdyn_liveworkstreamid=" SEED_WORKSTREAM ")\"}", 400, "0x80060888", "is not an entity reference" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":7}", 400, "0x80060888", "must be a string" },
    { "{\"subject\":\"x\",\"" WS_BIND "\":null}", 400, "0x80060888", "must be a string" },
    { "{\"subject\":\"x\"," GOOD_CHILDREN ",\"" WS_BIND "\":\"/msdyn_liveworkstreams(" MISSING ")\"}", 400, "0x80040217",
      "msdyn_liveworkstream With Id = " MISSING " Does Not Exist" },
    { "{\"subject\":\"x\"," GOOD_CHILDREN ",\"" CUSTOMER_BIND "\":\"/contacts(" MISSING ")\"}", 400, "0x80040217",
      "contact With Id = " MISSING " Does Not Exist" },
    { "{\"subject\":\"x\",\"msdyn_customer_msdyn_ocliveworkitem_account@odata.bind\":\"/accounts(" SEED_ADA ")\"}", 400, "0x80040217",
      "account With Id = " SEED_ADA " Does Not Exist" },
    { "{\"subject\":\"x\",\"" CUSTOMER_BIND "\":\"/contacts(" SEED_ADA ")\",\"msdyn_customer_msdyn_ocliveworkitem_account@odata.bind\":\"/accounts(" SEED_ADA ")\"}",
      400, "0x80060888", "already sets" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_ocliveworkitemid@odata.bind\":\"/msdyn_ocliveworkitems(" ID1 ")\"}]}",
      400, "0x80060888", "deep insert" },
    { "{\"subject\":\"x\",\"regardingobjectid_incident_msdyn_ocliveworkitem@odata.bind\":\"/incidents(" ID1 ")\"}", 501, "0x80040216",
      "regardingobjectid_incident_msdyn_ocliveworkitem" },
    { "{\"subject\":\"x\",\"msdyn_liveworkstreamid_msdyn_ocliveworkitem\":{\"msdyn_name\":\"new\"}}", 501, "0x80040216", "deep insert" },
    /* choices */
    { "{\"subject\":\"x\",\"msdyn_channel\":\"web\"}", 400, "0x8004431a",
      "The value 'web' of 'msdyn_channel' on record of type 'msdyn_ocliveworkitem' is outside the valid range." },
    { "{\"subject\":\"x\",\"msdyn_channel\":\"192360001\"}", 400, "0x8004431a", "'192360001' of 'msdyn_channel'" },
    { "{\"subject\":\"x\",\"msdyn_channel\":\"192360000, 192340000\"}", 400, "0x8004431a", "msdyn_channel" },
    { "{\"subject\":\"x\",\"msdyn_channel\":\"192360000,192360000\"}", 400, "0x8004431a", "msdyn_channel" },
    { "{\"subject\":\"x\",\"msdyn_channel\":\"\"}", 400, "0x8004431a", "msdyn_channel" },
    { "{\"subject\":\"x\",\"msdyn_channel\":192360000}", 400, "0x80060888",
      "Cannot convert the literal '192360000' to the expected type 'Edm.String'." },
    /* lengths, in UTF-16 code units */
    { long_subject, 400, "0x80044331",
      "A validation error occurred.  The length of the 'subject' attribute of the 'msdyn_ocliveworkitem' entity exceeded the maximum allowed length of '200'." },
    { long_emoji, 400, "0x80044331", "'subject' attribute of the 'msdyn_ocliveworkitem' entity exceeded the maximum allowed length of '200'" },
    { long_title, 400, "0x80044331", "'msdyn_title' attribute of the 'msdyn_ocliveworkitem' entity exceeded the maximum allowed length of '4000'" },
    { long_description, 400, "0x80044331", "'description' attribute of the 'msdyn_ocliveworkitem' entity exceeded the maximum allowed length of '2000'" },
    { long_name, 400, "0x80044331", "'msdyn_name' attribute of the 'msdyn_ocliveworkitemcontextitem' entity exceeded the maximum allowed length of '100'" },
    { long_value, 400, "0x80044331", "'msdyn_value' attribute of the 'msdyn_ocliveworkitemcontextitem' entity exceeded the maximum allowed length of '4000'" },
    { long_note_subject, 400, "0x80044331", "'subject' attribute of the 'annotation' entity exceeded the maximum allowed length of '500'" },
    { long_note, 400, "0x80044331", "'notetext' attribute of the 'annotation' entity exceeded the maximum allowed length of '100000'" },
    /* required */
    { "{" GOOD_CHILDREN ",\"msdyn_title\":\"x\"}", 400, "0x80044331", "The 'subject' attribute of the 'msdyn_ocliveworkitem' entity is required" },
    { "{\"subject\":\"\"}", 400, "0x80044331", "'subject' attribute" },
    { "{\"subject\":null}", 400, "0x80044331", "'subject' attribute" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_value\":\"v\"}]}", 400, "0x80044331",
      "The 'msdyn_name' attribute of the 'msdyn_ocliveworkitemcontextitem' entity is required" },
    /* JSON types */
    { "{\"subject\":5}", 400, "0x80060888", "Cannot convert the literal '5' to the expected type 'Edm.String'." },
    { "{\"subject\":true}", 400, "0x80060888", "Cannot convert the literal 'true' to the expected type 'Edm.String'." },
    { "{\"subject\":{\"a\":1}}", 400, "0x80060888", "An unexpected 'StartObject' node was found" },
    { "{\"subject\":[\"a\"]}", 400, "0x80060888", "An unexpected 'StartArray' node was found" },
    { "{\"subject\":\"x\",\"activityid\":\"nope\"}", 400, "0x80060888", "Cannot convert the literal 'nope' to the expected type 'Edm.Guid'." },
    { "{\"subject\":\"x\",\"activityid\":7}", 400, "0x80060888", "to the expected type 'Edm.Guid'" },
    { "{\"subject\":\"x\",\"activityid\":\"{" ID1 "}\"}", 400, "0x80060888", "to the expected type 'Edm.Guid'" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_isdisplayable\":\"true\"}]}", 400, "0x80060888",
      "Cannot convert the literal 'true' to the expected type 'Edm.Boolean'." },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_isdisplayable\":1}]}", 400, "0x80060888", "'Edm.Boolean'" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":7}]}", 400, "0x80060888", "'Edm.String'" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":{\"msdyn_name\":\"a\"}}", 400, "0x80060888", "A 'StartArray' node was expected" },
    { "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[\"sessionId\"]}", 400, "0x80060888", "A 'StartObject' node was expected" },
    { "{\"subject\":\"x\",\"" DEEP_NOTES "\":null}", 400, "0x80060888", "A 'StartArray' node was expected" },
  };
  g_autofree char *ok200 = g_strdup_printf ("{\"subject\":\"%s\"}", s200);
  g_autofree char *ok_emoji = g_strdup_printf ("{\"subject\":\"%s\"}", e100);

  fixture_get_token_unrouted (f);
  assert_bad_posts (f, CONV, cases, G_N_ELEMENTS (cases), CONV);
  assert_nothing_stored (f, 0);

  /* The limits themselves are allowed: 200 characters, 100 emoji = 200 UTF-16 units. */
  {
    g_autoptr (Reply) a = fixture_api_post (f, CONV, ok200, NULL);
    g_autoptr (Reply) b = fixture_api_post (f, CONV, ok_emoji, NULL);
    g_autoptr (Reply) c = fixture_api_post (f, CONV, "{\"@odata.type\":\"#Microsoft.Dynamics.CRM.msdyn_ocliveworkitem\",\"subject\":\"typed\",\"description\":null}", NULL);
    g_autoptr (Reply) d = fixture_api_post (f, CONV, "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[],\"" DEEP_NOTES "\":[{}]}", NULL);

    g_assert_cmpuint (a->status, ==, 204);
    g_assert_cmpuint (b->status, ==, 204);
    g_assert_cmpuint (c->status, ==, 204);
    g_assert_cmpuint (d->status, ==, 204);
    g_assert_cmpuint (fixture_store_count (f, CONV), ==, 4);
    g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 1);
  }
}

static void
test_create_body_format (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *type, *body; guint status; const char *message; } cases[] = {
    { NULL, "{\"subject\":\"x\"}", 400, "no Content-Type" },
    { "text/plain", "{\"subject\":\"x\"}", 415, "'text/plain' is not supported" },
    { "application/x-www-form-urlencoded", "subject=x", 415, "is not supported" },
    { "application/json; charset=iso-8859-1", "{\"subject\":\"x\"}", 415, "charset=iso-8859-1" },
    { "application/json", "", 400, "empty" },
    { "application/json", "{\"subject\":\"x\"", 400, "not valid JSON" },
    { "application/json", "{\"subject\":\"x\"} {}", 400, "not valid JSON" },
    { "application/json", "[{\"subject\":\"x\"}]", 400, "A 'StartObject' node was expected" },
    { "application/json", "\"subject\"", 400, "A 'StartObject' node was expected" },
    { "application/json", "{\"subject\":\"\xC3\x28\"}", 400, "UTF-8" },
    { "application/json", "{\"subject\":\"x\",\"subject\":\"y\"}", 400,
      "Multiple properties with the name 'subject' were detected" },
    { "application/json", "{\"subject\":\"x\",\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\",\"msdyn_name\":\"b\"}]}", 400,
      "Multiple properties with the name 'msdyn_name'" },
  };

  fixture_get_token_unrouted (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SoupMessage *msg = fixture_api_message (f, "POST", CONV);
      g_autoptr (GBytes) bytes = g_bytes_new (cases[i].body, strlen (cases[i].body));
      g_autoptr (Reply) r = NULL;
      /* One case is invalid UTF-8: keep the TAP text valid. */
      g_autofree char *shown = g_strescape (cases[i].body, NULL);

      soup_message_set_request_body_from_bytes (msg, cases[i].type, bytes);
      if (cases[i].type == NULL)
        soup_message_headers_remove (soup_message_get_request_headers (msg), "Content-Type");
      /* at most 120 characters: meson's TAP reader breaks very long lines */
      g_test_message ("case %u: %s: %.120s", i, cases[i].type ? cases[i].type : "(none)", shown);
      r = fixture_send (f, msg);
      assert_dataverse_error (r, cases[i].status, "0x80060888", cases[i].message);
    }
  {
    g_autoptr (Reply) filter = fixture_api_post (f, CONV "?$filter=statecode%20eq%200", "{\"subject\":\"x\"}", NULL);
    g_autoptr (Reply) select = fixture_api_post (f, CONV "?$select=nope", "{\"subject\":\"x\"}", NULL);
    g_autoptr (Reply) queues = fixture_api_post (f, "queues", "{\"name\":\"x\"}", NULL);
    g_autoptr (Reply) patch = fixture_send (f, fixture_api_message (f, "PATCH", "msdyn_ocliveworkitems(" ID1 ")"));
    g_autoptr (Reply) put = fixture_send (f, fixture_api_message (f, "PUT", CONV));

    assert_dataverse_error (filter, 400, "0x80060888", "$filter");
    assert_dataverse_error (select, 400, "0x80060888", "Could not find a property named 'nope'");
    assert_dataverse_error (queues, 501, "0x80040216", "POST on queues");
    assert_dataverse_error (patch, 400, "0x80060888", "no Content-Type");
    assert_dataverse_error (put, 405, "0x80060888", "'PUT'");
  }
  assert_nothing_stored (f, 0);
}

static void
test_conversation_duplicate (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) first = NULL, again = NULL, upper = NULL, invalid = NULL, plain = NULL;
  g_autoptr (JsonNode) holder = NULL;
  JsonObject *conv;

  fixture_get_token_unrouted (f);
  first = fixture_api_post (f, CONV "?$select=activityid",
                            "{\"activityid\":\"" HEXID "\",\"subject\":\"first\"," GOOD_CHILDREN "}", REPRESENTATION);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 1);
  g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 1);

  again = fixture_api_post (f, CONV "?$select=activityid",
                            "{\"activityid\":\"" HEXID "\",\"subject\":\"second\","
                            "\"" DEEP_ITEMS "\":[{\"msdyn_name\":\"a\"},{\"msdyn_name\":\"b\"}],"
                            "\"" DEEP_NOTES "\":[{\"subject\":\"again\"}]}", REPRESENTATION);
  g_assert_cmpuint (again->status, ==, 412);
  assert_dataverse_error (again, 412, "0x80040237", "Cannot insert duplicate key.");
  g_assert_cmpstr (reply_string (again, "error.message"), ==, "Cannot insert duplicate key.");
  upper = fixture_api_post (f, CONV, "{\"activityid\":\"ABCDEF01-2222-4333-8444-555555555555\",\"subject\":\"third\"}", NULL);
  assert_dataverse_error (upper, 412, "0x80040237", "Cannot insert duplicate key.");
  plain = fixture_api_post (f, CONV, "{\"activityid\":\"" HEXID "\",\"subject\":\"fourth\"}", NULL);
  assert_dataverse_error (plain, 412, "0x80040237", NULL);
  /* A payload error is reported before the key is looked at. */
  invalid = fixture_api_post (f, CONV, "{\"activityid\":\"" HEXID "\",\"subject\":\"x\",\"foo\":1}", NULL);
  assert_dataverse_error (invalid, 400, "0x80060888", "'foo'");

  g_assert_cmpuint (fixture_store_count (f, CONV), ==, 1);
  g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 1);
  g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 1);
  conv = fixture_dup_record (f, &holder, CONV, HEXID);
  g_assert_cmpstr (json_object_get_string_member (conv, "subject"), ==, "first");
}

static void
test_create_privileges (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const struct { const char *privilege, *body, *message; } cases[] = {
    { "prvCreatemsdyn_ocliveworkitemcontextitem", "{\"subject\":\"x\"," GOOD_CHILDREN "}",
      "missing prvCreatemsdyn_ocliveworkitemcontextitem privilege" },
    { "prvCreateannotation", "{\"subject\":\"x\"," GOOD_CHILDREN "}", "OTC=5 for entity 'annotation'" },
    { "prvAppendmsdyn_ocliveworkitem", "{\"subject\":\"x\",\"" WS_BIND "\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}",
      "missing prvAppendmsdyn_ocliveworkitem privilege" },
    { "prvAppendTomsdyn_liveworkstream", "{\"subject\":\"x\",\"" WS_BIND "\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}",
      "for entity 'msdyn_liveworkstream'" },
    { "prvAppendTocontact", "{\"subject\":\"x\",\"" CUSTOMER_BIND "\":\"/contacts(" SEED_ADA ")\"}", "for entity 'contact'" },
  };

  fixture_get_token_unrouted (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *scenario = g_strdup_printf ("{\"missing_privilege\":\"%s\"}", cases[i].privilege);
      g_autoptr (Reply) denied = NULL, other = NULL;

      g_test_message ("case %u: %s", i, cases[i].privilege);
      mock_server_set_scenario (f->server, scenario);
      denied = fixture_api_post (f, CONV, cases[i].body, NULL);
      assert_dataverse_error (denied, 403, "0x80042f09", cases[i].message);
      assert_nothing_stored (f, i);
      /* The same privilege does not stop a create that does not need it. */
      other = fixture_api_post (f, CONV, "{\"subject\":\"plain\"}", NULL);
      g_assert_cmpuint (other->status, ==, 204);
      g_assert_cmpuint (fixture_store_count (f, CONV), ==, i + 1);
    }
}

/* ---- the request log keeps POST bodies ---------------------------------------------- */

static void
test_create_logged (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) r = NULL, log = NULL;
  JsonArray *entries;
  guint n;

  fixture_get_token_unrouted (f);
  r = fixture_api_post (f, CONV "?$select=activityid", "{\"activityid\":\"" ID2 "\",\"subject\":\"logged\"}", REPRESENTATION);
  g_assert_cmpuint (r->status, ==, 201);
  log = fixture_control (f, "GET", "requests", NULL);
  entries = reply_array (log, NULL);
  n = json_array_get_length (entries);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (reply_string (log, "1.method"), ==, "POST");
  g_assert_cmpstr (reply_string (log, "1.path"), ==, "/api/data/v9.2/msdyn_ocliveworkitems");
  g_assert_cmpstr (reply_string (log, "1.query"), ==, "$select=activityid");
  g_assert_cmpstr (reply_string (log, "1.prefer"), ==, "return=representation");
  g_assert_cmpstr (reply_string (log, "1.body.subject"), ==, "logged");
  g_assert_cmpstr (reply_string (log, "1.body.activityid"), ==, ID2);
  g_assert_cmpint (reply_int (log, "1.status"), ==, 201);
  g_assert_cmpuint (mock_server_count_requests (f->server, "POST", "msdyn_ocliveworkitems"), ==, 1);
}


void
mock_test_add_create_tests (void)
{
  FIXTURE_ADD ("/mock/create/conversation-deep-insert", test_conversation_deep_insert);
  FIXTURE_ADD ("/mock/create/conversation-minimal", test_conversation_minimal);
  FIXTURE_ADD ("/mock/create/conversation-strict", test_conversation_strict);
  FIXTURE_ADD ("/mock/create/body-format", test_create_body_format);
  FIXTURE_ADD ("/mock/create/duplicate", test_conversation_duplicate);
  FIXTURE_ADD ("/mock/create/privileges", test_create_privileges);
  FIXTURE_ADD ("/mock/create/logged", test_create_logged);
}
