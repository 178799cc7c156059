/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-metadata.c — attribute metadata of choice columns (the options
 * create and update check), custom options of a customised org, the
 * $metadata CSDL, and the record-routing action. */
#include <string.h>

#include "mock-entities.h"
#include "mock-test-util.h"

#define PRIORITY_META "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')/" \
                      "Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)"
#define CASE_ID "ca5e0000-0000-4000-8000-0000000000a1"
#define CASE_BODY(extra) "{\"title\":\"t\",\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"" extra "}"

/* "1=High,2=Normal,…" from an answer's OptionSet.Options. */
static char *
options_text (Reply *r, const char *member)
{
  g_autofree char *path = g_strconcat (member, ".Options", NULL);
  JsonArray *options = reply_array (r, path);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonObject *o = json_array_get_object_element (options, i);
      JsonObject *label = json_object_get_object_member (o, "Label");
      JsonObject *user = json_object_get_object_member (label, "UserLocalizedLabel");
      JsonObject *local = json_array_get_object_element (json_object_get_array_member (label, "LocalizedLabels"), 0);

      g_assert_cmpint (json_object_get_int_member (user, "LanguageCode"), ==, 1033);
      g_assert_cmpstr (json_object_get_string_member (local, "Label"), ==, json_object_get_string_member (user, "Label"));
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT "=%s", s->len ? "," : "", json_object_get_int_member (o, "Value"),
                              json_object_get_string_member (user, "Label"));
    }
  return g_string_free (s, FALSE);
}

static void
test_priority_metadata (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *text = NULL;

  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) r = fixture_api_get (f, PRIORITY_META);
    g_autoptr (GList) members = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "LogicalName"), ==, "prioritycode");
    g_assert_true (g_str_has_suffix (reply_string (r, "@odata.context"),
                                     "$metadata#EntityDefinitions('incident')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata/$entity"));
    g_assert_nonnull (reply_string (r, "MetadataId"));
    g_assert_nonnull (reply_string (r, "OptionSet.MetadataId"));
    members = json_object_get_members (json_node_get_object (r->json));
    g_assert_cmpuint (g_list_length (members), ==, 4);   /* context, LogicalName, MetadataId, OptionSet */
    text = options_text (r, "OptionSet");
    g_assert_cmpstr (text, ==, "1=High,2=Normal,3=Low");
  }
  /* The GlobalOptionSet form: the case priority is the table's own choice, so null. */
  {
    g_autoptr (Reply) local = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')/"
                                                  "Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=GlobalOptionSet($select=Options)");
    g_autoptr (Reply) global = fixture_api_get (f, "EntityDefinitions(LogicalName='msdyn_ocliveworkitem')/Attributes(LogicalName='msdyn_channel')/"
                                                   "Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata?$expand=GlobalOptionSet($select=Options,Name)");
    g_autoptr (Reply) status = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='statuscode')/"
                                                   "Microsoft.Dynamics.CRM.StatusAttributeMetadata?$expand=OptionSet");

    g_autoptr (Reply) both = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')/"
                                                 "Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName"
                                                 "&$expand=OptionSet($select=Options),GlobalOptionSet($select=Options)");
    g_autofree char *both_text = options_text (both, "OptionSet");

    g_assert_cmpuint (local->status, ==, 200);
    g_assert_true (json_object_get_null_member (json_node_get_object (local->json), "GlobalOptionSet"));
    g_assert_cmpstr (both_text, ==, "1=High,2=Normal,3=Low");
    g_assert_true (json_object_get_null_member (json_node_get_object (both->json), "GlobalOptionSet"));
    g_assert_cmpstr (reply_string (global, "GlobalOptionSet.Name"), ==, "msdyn_streamsource");
    g_assert_cmpint (reply_int (status, "OptionSet.Options.4.Value"), ==, 5);
    g_assert_cmpint (reply_int (status, "OptionSet.Options.4.State"), ==, 1);
  }
  {
    g_autoptr (Reply) table = fixture_api_get (f, "EntityDefinitions(LogicalName='nope')/Attributes(LogicalName='prioritycode')");
    g_autoptr (Reply) column = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='nope')");
    g_autoptr (Reply) cast = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='title')/"
                                                 "Microsoft.Dynamics.CRM.PicklistAttributeMetadata");
    g_autoptr (Reply) select = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')/"
                                                   "Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=Colour");
    g_autoptr (Reply) base = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')/Attributes(LogicalName='prioritycode')?$expand=OptionSet");
    g_autoptr (Reply) entity = fixture_api_get (f, "EntityDefinitions(LogicalName='incident')");

    assert_dataverse_error (table, 404, "0x80040217", "'nope'");
    assert_dataverse_error (column, 404, "0x80040217", "'nope'");
    assert_dataverse_error (cast, 404, "0x8006088a", "Microsoft.Dynamics.CRM.PicklistAttributeMetadata");
    assert_dataverse_error (select, 400, "0x80060888", "Could not find a property named 'Colour'");
    assert_dataverse_error (base, 400, "0x80060888", "'OptionSet' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'");
    g_assert_cmpstr (reply_string (entity, "EntitySetName"), ==, "incidents");
  }
  /* The create check reads the same list. */
  {
    g_autoptr (Reply) four = fixture_api_post (f, "incidents", CASE_BODY (",\"prioritycode\":4"), NULL);
    g_autoptr (Reply) three = fixture_api_post (f, "incidents", CASE_BODY (",\"prioritycode\":3"), NULL);

    assert_dataverse_error (four, 400, "0x8004431a", "Accepted Values: 1,2,3");
    g_assert_cmpuint (three->status, ==, 204);
  }
}

static void
test_custom_options (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) added = fixture_control (f, "POST", "option-sets",
                                               "{\"incident.prioritycode\":[{\"value\":100000000,\"label\":\"Urgent\"}]}");
    g_autoptr (Reply) meta = fixture_api_get (f, PRIORITY_META);
    g_autofree char *text = options_text (meta, "OptionSet");
    g_autoptr (Reply) urgent = fixture_api_post (f, "incidents?$select=prioritycode",
                                                 "{\"incidentid\":\"" CASE_ID "\",\"title\":\"t\",\"prioritycode\":100000000,"
                                                 "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}",
                                                 REPRESENTATION);
    g_autoptr (Reply) formatted = fixture_api_get_prefer (f, "incidents(" CASE_ID ")?$select=prioritycode", PREFER_FV);
    g_autoptr (Reply) other = fixture_api_post (f, "incidents", CASE_BODY (",\"prioritycode\":100000001"), NULL);

    g_assert_cmpuint (added->status, ==, 201);
    g_assert_cmpstr (text, ==, "1=High,2=Normal,3=Low,100000000=Urgent");
    g_assert_cmpuint (urgent->status, ==, 201);
    g_assert_cmpstr (reply_string (formatted, "prioritycode" FV), ==, "Urgent");
    assert_dataverse_error (other, 400, "0x8004431a", "Accepted Values: 1,2,3,100000000");
  }
  {
    static const char *const bad[] = {
      "{\"incident.prioritycode\":[{\"value\":2,\"label\":\"Again\"}]}",
      "{\"incident.statuscode\":[{\"value\":7,\"label\":\"x\"}]}",
      "{\"incident.title\":[{\"value\":7,\"label\":\"x\"}]}",
      "{\"nope.prioritycode\":[{\"value\":7,\"label\":\"x\"}]}",
      "{\"prioritycode\":[{\"value\":7,\"label\":\"x\"}]}",
      "{\"incident.prioritycode\":[{\"value\":\"7\",\"label\":\"x\"}]}",
      "{\"incident.prioritycode\":[{\"value\":7,\"label\":\"\"}]}",
      "{\"incident.prioritycode\":[{\"value\":7,\"label\":\"x\",\"colour\":1}]}",
      "{\"incident.prioritycode\":[{\"value\":7,\"label\":\"x\"},{\"value\":7,\"label\":\"y\"}]}",
      "[]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (Reply) r = fixture_control (f, "POST", "option-sets", bad[i]);

        g_test_message ("case %u: %s", i, bad[i]);
        g_assert_cmpuint (r->status, ==, 400);
      }
  }
  /* All or nothing: the rejected lists added nothing; a reset drops what controls added. */
  {
    g_autoptr (Reply) listed = fixture_control (f, "GET", "option-sets", NULL);

    g_assert_cmpuint (json_array_get_length (reply_array (listed, "incident.prioritycode")), ==, 1);
  }
  mock_server_reset (f->server);
  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) meta = fixture_api_get (f, PRIORITY_META);
    g_autofree char *text = options_text (meta, "OptionSet");

    g_assert_cmpstr (text, ==, "1=High,2=Normal,3=Low");
  }
}

static void
test_seed_options (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (mock_server_load_seed_data (f->server,
                 "{\"option_sets\":{\"incident.prioritycode\":[{\"value\":100000000,\"label\":\"Urgent\"},"
                 "{\"value\":100000001,\"label\":\"Sev A\"}]}}", -1, &error));
  g_assert_no_error (error);
  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) meta = fixture_api_get (f, PRIORITY_META);

    text = options_text (meta, "OptionSet");
    g_assert_cmpstr (text, ==, "1=High,2=Normal,3=Low,100000000=Urgent,100000001=Sev A");
  }
  /* A seed's options survive a reset; /_mock/seed does not take them. */
  mock_server_reset (f->server);
  g_assert_false (mock_server_add_records (f->server, "{\"option_sets\":{}}", &error));
  g_assert_nonnull (strstr (error->message, "option-sets"));
}

static void
test_csdl (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GMarkupParseContext) parser = NULL;
  static const GMarkupParser nothing = { 0 };
  g_autoptr (GError) error = NULL;
  const char *xml;
  gsize length;

  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) r = fixture_api_get (f, "$metadata");
    g_autoptr (Reply) bad = fixture_api_get (f, "$metadata?$select=x");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/xml");
    assert_dataverse_error (bad, 400, "0x80060888", NULL);
    xml = g_bytes_get_data (r->body, &length);
    /* Well-formed XML … */
    parser = g_markup_parse_context_new (&nothing, 0, NULL, NULL);
    g_assert_true (g_markup_parse_context_parse (parser, xml, (gssize) length, &error) &&
                   g_markup_parse_context_end_parse (parser, &error));
    g_assert_no_error (error);
    /* … naming every table, column and navigation property the mock validates against. */
    for (guint i = 0; mock_entity_nth (i); i++)
      {
        const MockEntity *e = mock_entity_nth (i);
        g_autofree char *type = g_strdup_printf ("<EntityType Name=\"%s\"", e->logical_name);
        g_autofree char *set = g_strdup_printf ("<EntitySet Name=\"%s\" EntityType=\"mscrm.%s\"", e->entity_set, e->logical_name);
        const char *start = g_strstr_len (xml, (gssize) length, type);
        const char *end = start ? strstr (start, "</EntityType>") : NULL;
        g_autofree char *body = end ? g_strndup (start, (gsize) (end - start)) : NULL;

        g_assert_nonnull (body);
        g_assert_nonnull (g_strstr_len (xml, (gssize) length, set));
        for (const MockColumn *c = e->columns; c->name; c++)
          {
            g_autofree char *prop = g_strdup_printf ("<Property Name=\"%s\" Type=\"%s\"", c->name, mock_column_type_edm (c->type));

            g_assert_nonnull (strstr (body, prop));
          }
        for (const MockNavigation *n = e->navigations; n && n->name; n++)
          {
            g_autofree char *nav = g_strdup_printf ("<NavigationProperty Name=\"%s\"", n->name);

            g_assert_nonnull (strstr (body, nav));
          }
      }
    g_assert_nonnull (g_strstr_len (xml, (gssize) length, "<ActionImport Name=\"msdyn_ApplyRoutingRuleEntityRecord\""));
    g_assert_nonnull (g_strstr_len (xml, (gssize) length, "<Parameter Name=\"SourceQueue\" Type=\"mscrm.queue\"/>"));
  }
}

static void
test_apply_routing_rule (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const char *const bad[] = {
    "{\"Target\":\"contacts(" SEED_ADA ")\"}",
    "{\"Target\":\"incidents(nope)\"}",
    "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.contact\",\"contactid\":\"" SEED_ADA "\"}}",
    "{\"Target\":1}",
    "{}",
    "{\"Target\":\"incidents(" CASE_ID ")\",\"Colour\":1}",
  };
  g_autoptr (JsonNode) items = NULL;
  JsonObject *item;

  fixture_get_token (f);
  mock_server_set_routing_delays (f->server, 0.05, 0, 0);
  {
    g_autoptr (Reply) kase = fixture_api_post (f, "incidents", "{\"incidentid\":\"" CASE_ID "\",\"title\":\"Routed case\","
                                                              "\"customerid_contact@odata.bind\":\"/contacts(" SEED_ADA ")\"}", NULL);
    g_autoptr (Reply) queued = fixture_api_post (f, "queues(" SEED_QUEUE2 ")/Microsoft.Dynamics.CRM.AddToQueue",
                                                 "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" CASE_ID "\"},"
                                                 "\"SourceQueue\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.queue\",\"queueid\":\"" SEED_QUEUE "\"},"
                                                 "\"QueueItemProperties\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.queueitem\",\"title\":\"Billing: routed\"}}",
                                                 NULL);

    g_assert_cmpuint (kase->status, ==, 204);
    g_assert_cmpuint (queued->status, ==, 200);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Reply) r = fixture_api_post (f, "msdyn_ApplyRoutingRuleEntityRecord", bad[i], NULL);

      g_test_message ("case %u: %s", i, bad[i]);
      assert_dataverse_error (r, 400, "0x80060888", NULL);
    }
  {
    g_autoptr (Reply) missing = fixture_api_post (f, "msdyn_ApplyRoutingRuleEntityRecord", "{\"Target\":\"incidents(" MISSING ")\"}", NULL);
    g_autoptr (Reply) get = fixture_api_get (f, "msdyn_ApplyRoutingRuleEntityRecord");
    g_autoptr (Reply) path = fixture_api_post (f, "msdyn_ApplyRoutingRuleEntityRecord", "{\"Target\":\"incidents(" CASE_ID ")\"}", NULL);
    g_autoptr (Reply) object = fixture_api_post (f, "msdyn_ApplyRoutingRuleEntityRecord",
                                                 "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" CASE_ID "\"}}", NULL);

    assert_dataverse_error (missing, 404, "0x80040217", "incident With Id = " MISSING " Does Not Exist");
    assert_dataverse_error (get, 405, "0x80060888", NULL);
    g_assert_cmpuint (path->status, ==, 204);
    g_assert_null (path->json);
    g_assert_cmpuint (object->status, ==, 204);   /* routed again while open: no second work item */
  }
  items = mock_server_dup_records (f->server, CONV);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (items)), ==, 1);
  item = json_array_get_object_element (json_node_get_array (items), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "msdyn_channel"), ==, "192350000");
  g_assert_cmpstr (json_object_get_string_member (item, "_msdyn_issueid_value"), ==, CASE_ID);
  g_assert_cmpstr (json_object_get_string_member (item, "_msdyn_customer_value"), ==, SEED_ADA);
  g_assert_cmpstr (json_object_get_string_member (item, "_msdyn_cdsqueueid_value"), ==, SEED_QUEUE2);
  g_assert_cmpstr (json_object_get_string_member (item, "subject"), ==, "Routed case");
  /* The routing simulation assigns the work item like a conversation. */
  while (TRUE)
    {
      g_autoptr (JsonNode) now = mock_server_dup_records (f->server, CONV);
      JsonObject *o = json_array_get_object_element (json_node_get_array (now), 0);

      if (json_object_get_int_member (o, "statuscode") == 2)
        {
          g_assert_nonnull (json_object_get_string_member (o, "_msdyn_activeagentid_value"));
          break;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  {
    g_autoptr (Reply) queueitem = fixture_api_get (f, "queueitems?$select=title,_queueid_value");

    g_assert_cmpstr (reply_string (queueitem, "value.0.title"), ==, "Billing: routed");
    g_assert_cmpstr (reply_string (queueitem, "value.0._queueid_value"), ==, SEED_QUEUE2);
  }
}

void
mock_test_add_metadata_tests (void)
{
  FIXTURE_ADD ("/mock/metadata/prioritycode", test_priority_metadata);
  FIXTURE_ADD ("/mock/metadata/custom-options", test_custom_options);
  FIXTURE_ADD ("/mock/metadata/seed-options", test_seed_options);
  FIXTURE_ADD ("/mock/metadata/csdl", test_csdl);
  FIXTURE_ADD ("/mock/actions/apply-routing-rule", test_apply_routing_rule);
}
