/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-create.c — POST of conversations (deep insert, binds), contacts and
 * incidents; every strictness rule; duplicates and atomicity; AddToQueue. */
#include <string.h>

#include "mock-test-util.h"

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

#define CONV "msdyn_ocliveworkitems"
#define ITEMS "msdyn_ocliveworkitemcontextitems"
#define DEEP_ITEMS "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid"
#define DEEP_NOTES "msdyn_ocliveworkitem_Annotations"
#define WS_BIND "msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind"
#define CUSTOMER_BIND "msdyn_customer_msdyn_ocliveworkitem_contact@odata.bind"
#define ID1 "11111111-2222-4333-8444-555555555555"
#define ID2 "22222222-2222-4333-8444-555555555555"
#define HEXID "abcdef01-2222-4333-8444-555555555555"
#define MISSING "99999999-9999-4999-8999-999999999999"
#define REPRESENTATION "return=representation"

static void
setup (Fixture *f)
{
  fixture_get_token (f);
  /* No routing unless a test asks for it: records keep the state they were created in. */
  mock_server_set_routing_delays (f->server, 0, 0, 0);
}

static JsonObject *
record (Fixture *f, JsonNode **holder, const char *set, const char *id)
{
  *holder = mock_server_dup_record (f->server, set, id);
  g_assert_nonnull (*holder);
  return json_node_get_object (*holder);
}

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

  setup (f);
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

  conv = record (f, &conv_holder, CONV, ID1);
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

  setup (f);
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
  conv = record (f, &holder, CONV, id);
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

typedef struct {
  const char *body;
  guint       status;
  const char *code;
  const char *message;
} BadCase;

static void
run_bad_cases (Fixture *f, const char *path, const BadCase *cases, guint n, const char *set)
{
  guint before = fixture_store_count (f, set);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (Reply) r = fixture_api_post (f, path, cases[i].body, REPRESENTATION);

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_dataverse_error (r, cases[i].status, cases[i].code, cases[i].message);
      /* Atomic: nothing of a refused create is stored, children included. */
      g_assert_cmpuint (fixture_store_count (f, set), ==, before);
      g_assert_cmpuint (fixture_store_count (f, ITEMS), ==, 0);
      g_assert_cmpuint (fixture_store_count (f, "annotations"), ==, 0);
    }
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
  const BadCase cases[] = {
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

  setup (f);
  run_bad_cases (f, CONV, cases, G_N_ELEMENTS (cases), CONV);
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

  setup (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SoupMessage *msg = fixture_api_message (f, "POST", CONV);
      g_autoptr (GBytes) bytes = g_bytes_new (cases[i].body, strlen (cases[i].body));
      g_autoptr (Reply) r = NULL;

      soup_message_set_request_body_from_bytes (msg, cases[i].type, bytes);
      if (cases[i].type == NULL)
        soup_message_headers_remove (soup_message_get_request_headers (msg), "Content-Type");
      g_test_message ("case %u: %s: %s", i, cases[i].type ? cases[i].type : "(none)", cases[i].body);
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
    assert_dataverse_error (patch, 501, "0x80040216", NULL);
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

  setup (f);
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
  conv = record (f, &holder, CONV, HEXID);
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

  setup (f);
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

  setup (f);
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
  /* A bare '+' is a plus, not a space. */
  {
    g_autoptr (Reply) r = find_contacts (f, "'a+b%40example.com'");

    assert_contacts (r, PLUS_C, NULL);
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
  g_autofree char *n51 = repeat ("n", 51), *e101 = repeat ("e", 101), *d2001 = repeat ("d", 2001);
  g_autofree char *long_first = g_strdup_printf ("{\"firstname\":\"%s\"}", n51);
  g_autofree char *long_last = g_strdup_printf ("{\"lastname\":\"%s\"}", n51);
  g_autofree char *long_mail = g_strdup_printf ("{\"emailaddress1\":\"%s\"}", e101);
  g_autofree char *long_phone = g_strdup_printf ("{\"mobilephone\":\"%s\"}", n51);
  g_autofree char *long_desc = g_strdup_printf ("{\"description\":\"%s\"}", d2001);
  const BadCase cases[] = {
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

  setup (f);
  run_bad_cases (f, "contacts?$select=contactid", cases, G_N_ELEMENTS (cases), "contacts");
  g_assert_cmpuint (fixture_store_count (f, "contacts"), ==, 4);

  created = fixture_api_post (f, "contacts?$select=contactid",
                              "{\"firstname\":\"Ada\",\"lastname\":\"Byron\",\"emailaddress1\":\"ada.byron+chat@example.com\","
                              "\"mobilephone\":\"+441632960009\",\"description\":\"Created from chat session sess_1\"}",
                              REPRESENTATION);
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (created->json)), ==, 3);
  id = reply_string (created, "contactid");
  g_assert_true (g_uuid_string_is_valid (id));
  contact = record (f, &holder, "contacts", id);
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
  g_autofree char *t201 = repeat ("t", 201);
  g_autofree char *long_title = g_strdup_printf ("{\"title\":\"%s\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", t201);
  const BadCase cases[] = {
    { "{\"title\":\"No customer\",\"prioritycode\":2}", 400, "0x80040278", "You should specify a parent contact or account." },
    { "{\"title\":\"Owner only\",\"ownerid@odata.bind\":\"/systemusers(" SEED_REP1 ")\"}", 400, "0x80040278", NULL },
    { CASE_BODY (",\"prioritycode\":5"), 400, "0x8004431a",
      "The value 5 of 'prioritycode' on record of type 'incident' is outside the valid range. Accepted Values: 1,2,3,4" },
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

  setup (f);
  run_bad_cases (f, "incidents?$select=incidentid,ticketnumber", cases, G_N_ELEMENTS (cases), "incidents");
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

  case1 = record (f, &h1, "incidents", ID1);
  g_assert_cmpint (json_object_get_int_member (case1, "statecode"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (case1, "statuscode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (case1, "prioritycode"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (case1, "caseorigincode"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (case1, "_customerid_value"), ==, SEED_ADA);
  g_assert_cmpstr (json_object_get_string_member (case1, "_ownerid_value"), ==, SEED_REP2);
  g_assert_cmpstr (json_object_get_string_member (case1, "_createdby_value"), ==, SEED_APP_USER);
  g_assert_cmpstr (json_object_get_string_member (case1, "ticketnumber"), ==, number1);
  g_assert_nonnull (json_object_get_string_member (case1, "createdon"));
  case2 = record (f, &h2, "incidents", reply_string (two, "incidentid"));
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

  setup (f);
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

/* ---- the request log keeps POST bodies ---------------------------------------------- */

static void
test_create_logged (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (Reply) r = NULL, log = NULL;
  JsonArray *entries;
  guint n;

  setup (f);
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
  ADD ("/mock/create/conversation-deep-insert", test_conversation_deep_insert);
  ADD ("/mock/create/conversation-minimal", test_conversation_minimal);
  ADD ("/mock/create/conversation-strict", test_conversation_strict);
  ADD ("/mock/create/body-format", test_create_body_format);
  ADD ("/mock/create/duplicate", test_conversation_duplicate);
  ADD ("/mock/create/privileges", test_create_privileges);
  ADD ("/mock/create/logged", test_create_logged);
  ADD ("/mock/contacts/filter-literals", test_contact_filter_literals);
  ADD ("/mock/contacts/create", test_contact_create);
  ADD ("/mock/incidents/create", test_incident_create);
  ADD ("/mock/queues/add-to-queue", test_add_to_queue);
}
