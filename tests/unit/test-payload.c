/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exact request bodies of SPEC §5.3 and §5.4. */
#include <string.h>

#include "oc-payload.h"

#define ACTIVITY_ID "b16952f6-d354-527f-8fd4-0e1d999553fe"
#define CONTACT_ID "11111111-2222-4333-8444-555555555555"
#define WORKSTREAM_ID "7d5b3f2a-1c4e-4b6d-8f9a-0e1d2c3b4a59"
#define OWNER_ID "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
#define CONTEXT_KEY "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid"

static OcSession *
session_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  OcSession *session = oc_session_parse (json, -1, &error);
  g_assert_no_error (error);
  return session;
}

static OcSettings *
settings_with_workstream (const char *workstream_id)
{
  OcSettings *settings = oc_settings_new ();
  settings->workstream_id = g_strdup (workstream_id);
  return settings;
}

static char *
conversation_json (OcSession *session, const OcSettings *settings, const char *contact_id)
{
  g_autoptr(JsonNode) node = oc_payload_conversation (session, settings, ACTIVITY_ID, contact_id);
  return json_to_string (node, FALSE);
}

static void
test_channel_codes (void)
{
  g_assert_cmpstr (oc_payload_channel_code ("web"), ==, "192360000");
  g_assert_cmpstr (oc_payload_channel_code ("sms"), ==, "192340000");
  g_assert_cmpstr (oc_payload_channel_code ("whatsapp"), ==, "192300000");
  g_assert_null (oc_payload_channel_code ("email"));
  g_assert_null (oc_payload_channel_code ("phone"));
  g_assert_null (oc_payload_channel_code (NULL));
}

static void
test_conversation_verified_with_contact (void)
{
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"sess_8f2c\",\"channel\":\"web\",\"summary\":\"Refund for order 1182\","
    "\"customer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"email_verified\":true,"
    "\"phone\":\"+441632960001\"},"
    "\"transcript\":[{\"role\":\"customer\",\"text\":\"I was charged twice\",\"time\":\"2026-11-23T10:02:11Z\"},"
    "{\"role\":\"ai\",\"text\":\"Let me check\",\"time\":\"2026-11-23T10:02:30Z\"}]}");
  g_autoptr(OcSettings) settings = settings_with_workstream (WORKSTREAM_ID);
  g_autofree char *json = conversation_json (s, settings, CONTACT_ID);

  g_assert_cmpstr (json, ==,
    "{\"activityid\":\"" ACTIVITY_ID "\","
    "\"subject\":\"Refund for order 1182\","
    "\"msdyn_title\":\"Refund for order 1182\","
    "\"msdyn_channel\":\"192360000\","
    "\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" WORKSTREAM_ID ")\","
    "\"msdyn_customer_msdyn_ocliveworkitem_contact@odata.bind\":\"/contacts(" CONTACT_ID ")\","
    "\"" CONTEXT_KEY "\":["
    "{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"sess_8f2c\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"web\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerName\",\"msdyn_value\":\"Ada Lovelace\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerEmail\",\"msdyn_value\":\"ada@example.com\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerPhone\",\"msdyn_value\":\"+441632960001\",\"msdyn_isdisplayable\":true}],"
    "\"msdyn_ocliveworkitem_Annotations\":[{\"subject\":\"Transcript\",\"notetext\":"
    "\"[2026-11-23T10:02:11Z] customer: I was charged twice\\n[2026-11-23T10:02:30Z] ai: Let me check\"}]}");
}

static void
test_conversation_anonymous (void)
{
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"anon-1\",\"channel\":\"web\",\"transcript\":[{\"role\":\"customer\",\"text\":\"hi\"}]}");
  g_autoptr(OcSettings) settings = settings_with_workstream (WORKSTREAM_ID);
  g_autofree char *json = conversation_json (s, settings, NULL);

  g_assert_cmpstr (json, ==,
    "{\"activityid\":\"" ACTIVITY_ID "\","
    "\"subject\":\"Chat with anonymous visitor\","
    "\"msdyn_title\":\"Chat with anonymous visitor\","
    "\"msdyn_channel\":\"192360000\","
    "\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" WORKSTREAM_ID ")\","
    "\"" CONTEXT_KEY "\":["
    "{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"anon-1\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"web\",\"msdyn_isdisplayable\":true}],"
    "\"msdyn_ocliveworkitem_Annotations\":[{\"subject\":\"Transcript\",\"notetext\":\"customer: hi\"}]}");
}

static void
test_conversation_sms_phone_only (void)
{
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"sms-7\",\"channel\":\"SMS\",\"summary\":\"Callback please\",\"customer\":{\"phone\":\"+15550100\"}}");
  g_autoptr(OcSettings) settings = settings_with_workstream (WORKSTREAM_ID);
  g_autofree char *json = conversation_json (s, settings, NULL);

  /* No transcript lines: no note at all. */
  g_assert_cmpstr (json, ==,
    "{\"activityid\":\"" ACTIVITY_ID "\","
    "\"subject\":\"Callback please\","
    "\"msdyn_title\":\"Callback please\","
    "\"msdyn_channel\":\"192340000\","
    "\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" WORKSTREAM_ID ")\","
    "\"" CONTEXT_KEY "\":["
    "{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"sms-7\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"sms\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerPhone\",\"msdyn_value\":\"+15550100\",\"msdyn_isdisplayable\":true}]}");
}

static void
test_conversation_whatsapp_no_workstream (void)
{
  /* Unverified email: shown as a context item, but the caller passes no contact. */
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"wa-3\",\"channel\":\"whatsapp\","
    "\"customer\":{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\",\"email_verified\":false}}");
  g_autoptr(OcSettings) settings = settings_with_workstream (NULL);
  g_autofree char *json = conversation_json (s, settings, NULL);

  g_assert_cmpstr (json, ==,
    "{\"activityid\":\"" ACTIVITY_ID "\","
    "\"subject\":\"Chat with Grace Hopper\","
    "\"msdyn_title\":\"Chat with Grace Hopper\","
    "\"msdyn_channel\":\"192300000\","
    "\"" CONTEXT_KEY "\":["
    "{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"wa-3\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"whatsapp\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerName\",\"msdyn_value\":\"Grace Hopper\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerEmail\",\"msdyn_value\":\"grace@example.com\",\"msdyn_isdisplayable\":true}]}");
}

static void
test_conversation_long_summary (void)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  for (int i = 0; i < 25; i++)
    g_string_append (summary, "0123456789");
  g_assert_cmpuint (summary->len, ==, 250);

  g_autoptr(OcSession) s = oc_session_new ("long", "web");
  oc_session_set_summary (s, summary->str);
  g_autoptr(OcSettings) settings = settings_with_workstream (NULL);
  g_autoptr(JsonNode) node = oc_payload_conversation (s, settings, ACTIVITY_ID, NULL);
  JsonObject *obj = json_node_get_object (node);

  const char *subject = json_object_get_string_member (obj, "subject");
  g_assert_cmpint (g_utf8_strlen (subject, -1), ==, 200);
  g_assert_true (g_str_has_suffix (subject, "…"));
  g_assert_true (strncmp (subject, summary->str, 199) == 0);
  g_assert_cmpstr (json_object_get_string_member (obj, "msdyn_title"), ==, summary->str);
}

static void
test_conversation_markup_and_controls (void)
{
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"m-1\",\"channel\":\"web\",\"summary\":\"<script>alert(1)</script>\\u001b[2J\","
    "\"customer\":{\"name\":\"<b>Ada</b> \\\"Bobby\\\" Tables\\u0007;\\nDROP\"}}");
  g_autoptr(OcSettings) settings = settings_with_workstream (NULL);
  g_autofree char *json = conversation_json (s, settings, NULL);

  /* Markup is data: passed through untouched; control characters
   * (except newline) become spaces. */
  g_assert_cmpstr (json, ==,
    "{\"activityid\":\"" ACTIVITY_ID "\","
    "\"subject\":\"<script>alert(1)</script> [2J\","
    "\"msdyn_title\":\"<script>alert(1)</script> [2J\","
    "\"msdyn_channel\":\"192360000\","
    "\"" CONTEXT_KEY "\":["
    "{\"msdyn_name\":\"sessionId\",\"msdyn_value\":\"m-1\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"channel\",\"msdyn_value\":\"web\",\"msdyn_isdisplayable\":true},"
    "{\"msdyn_name\":\"customerName\",\"msdyn_value\":\"<b>Ada</b> \\\"Bobby\\\" Tables ;\\nDROP\","
    "\"msdyn_isdisplayable\":true}]}");
}

static void
test_fallback_subject (void)
{
  g_autoptr(OcSession) named = oc_session_new ("a", "web");
  oc_session_set_customer (named, "Ada Lovelace", "ada@example.com", TRUE, NULL);
  g_autoptr(OcSession) mailed = oc_session_new ("b", "web");
  oc_session_set_customer (mailed, NULL, "ada@example.com", FALSE, NULL);
  g_autoptr(OcSession) nobody = oc_session_new ("c", "web");

  g_autofree char *s1 = oc_payload_fallback_subject (named);
  g_autofree char *s2 = oc_payload_fallback_subject (mailed);
  g_autofree char *s3 = oc_payload_fallback_subject (nobody);
  g_assert_cmpstr (s1, ==, "Chat with Ada Lovelace");
  g_assert_cmpstr (s2, ==, "Chat with ada@example.com");
  g_assert_cmpstr (s3, ==, "Chat with anonymous visitor");

  g_autofree char *long_name = g_strnfill (300, 'n');
  g_autoptr(OcSession) verbose = oc_session_new ("d", "web");
  oc_session_set_customer (verbose, long_name, NULL, FALSE, NULL);
  g_autofree char *s4 = oc_payload_fallback_subject (verbose);
  g_assert_cmpint (g_utf8_strlen (s4, -1), ==, 200);
  g_assert_true (g_str_has_prefix (s4, "Chat with nnn"));
  g_assert_true (g_str_has_suffix (s4, "n…"));
}

static void
test_contact (void)
{
  static const struct { const char *name; const char *email; const char *phone; const char *json; } cases[] = {
    { "Ada King Lovelace", "ada@example.com", "+441632960001",
      "{\"firstname\":\"Ada King\",\"lastname\":\"Lovelace\",\"emailaddress1\":\"ada@example.com\","
      "\"mobilephone\":\"+441632960001\",\"description\":\"Created from chat session s-1\"}" },
    { "Cher", "cher@example.com", NULL,
      "{\"lastname\":\"Cher\",\"emailaddress1\":\"cher@example.com\",\"description\":\"Created from chat session s-1\"}" },
    { "  Ada   Lovelace  ", "ada@example.com", NULL,
      "{\"firstname\":\"Ada\",\"lastname\":\"Lovelace\",\"emailaddress1\":\"ada@example.com\","
      "\"description\":\"Created from chat session s-1\"}" },
    { NULL, "grace.hopper@example.com", NULL,
      "{\"lastname\":\"grace.hopper\",\"emailaddress1\":\"grace.hopper@example.com\","
      "\"description\":\"Created from chat session s-1\"}" },
    { "   ", "x@example.com", NULL,
      "{\"lastname\":\"x\",\"emailaddress1\":\"x@example.com\",\"description\":\"Created from chat session s-1\"}" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OcSession) s = oc_session_new ("s-1", "email");
      oc_session_set_customer (s, cases[i].name, cases[i].email, FALSE, cases[i].phone);
      g_autoptr(JsonNode) node = oc_payload_contact (s);
      g_autofree char *json = json_to_string (node, FALSE);
      g_assert_cmpstr (json, ==, cases[i].json);
    }

  /* Names longer than String(50) are cut on a character boundary. */
  g_autoptr(GString) given = g_string_new (NULL);
  for (int i = 0; i < 60; i++)
    g_string_append (given, "é");
  g_autofree char *name = g_strconcat (given->str, " ", given->str, NULL);
  g_autoptr(OcSession) s = oc_session_new ("s-2", "email");
  oc_session_set_customer (s, name, "e@example.com", FALSE, NULL);
  g_autoptr(JsonNode) node = oc_payload_contact (s);
  JsonObject *obj = json_node_get_object (node);
  const char *first = json_object_get_string_member (obj, "firstname");
  const char *last = json_object_get_string_member (obj, "lastname");
  g_assert_cmpint (g_utf8_strlen (first, -1), ==, 50);
  g_assert_cmpint (g_utf8_strlen (last, -1), ==, 50);
  g_assert_true (g_str_has_suffix (last, "é…"));
}

static void
test_case_titles (void)
{
  static const struct { const char *classification, *name, *email, *title; } cases[] = {
    { "Billing", "Ada Lovelace", "ada@example.com", "Billing - Ada Lovelace" },
    { "Billing", NULL, "ada@example.com", "Billing - ada@example.com" },
    { NULL, "Ada Lovelace", NULL, "Support - Ada Lovelace" },
    { NULL, NULL, "ada@example.com", "Support - ada@example.com" },
    { NULL, NULL, NULL, "Support - Anonymous" },
    { "Billing", NULL, NULL, "Billing - Anonymous" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, "t");
      json_builder_set_member_name (b, "channel");
      json_builder_add_string_value (b, "email");
      if (cases[i].classification != NULL)
        {
          json_builder_set_member_name (b, "classification");
          json_builder_add_string_value (b, cases[i].classification);
        }
      json_builder_end_object (b);
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      g_autofree char *doc = json_to_string (root, FALSE);
      g_autoptr(OcSession) s = session_from (doc);
      if (cases[i].name != NULL || cases[i].email != NULL)
        oc_session_set_customer (s, cases[i].name, cases[i].email, FALSE, NULL);
      g_autofree char *title = oc_payload_case_title (s);
      g_assert_cmpstr (title, ==, cases[i].title);
    }

  g_autofree char *long_class = g_strnfill (250, 'c');
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"t\",\"channel\":\"email\",\"classification\":\"%s\"}", long_class);
  g_autoptr(OcSession) parsed = session_from (doc);
  g_autofree char *title = oc_payload_case_title (parsed);
  g_assert_cmpint (g_utf8_strlen (title, -1), ==, 200);
  g_assert_true (g_str_has_suffix (title, "c…"));
}

static void
test_incident_with_owner_and_properties (void)
{
  g_autoptr(OcSession) s = session_from (
    "{\"id\":\"case-1\",\"channel\":\"email\",\"summary\":\"Printer on fire\\nCustomer: forged\","
    "\"classification\":\"Hardware\",\"sentiment\":\"negative\","
    "\"customer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"phone\":\"+441632960001\"},"
    "\"transcript\":[{\"role\":\"customer\",\"text\":\"It is smoking\",\"time\":\"2026-11-23T10:02:11Z\"},"
    "{\"role\":\"agent\",\"text\":\"Unplug it\"}]}");
  g_autoptr(OcSettings) settings = oc_settings_new ();
  settings->default_priority = 2;
  settings->default_owner_id = g_strdup (OWNER_ID);
  /* Keys the handoff writes are refused by settings validation; even
   * unvalidated they never replace the handoff's own (SPEC §5.4). */
  settings->case_properties = g_strdup ("{\"prioritycode\":1,\"incidentid\":\"00000000-0000-0000-0000-000000000000\","
                                        "\"IncidentId\":\"x\",\"customerid_contact@odata.bind\":\"/contacts(forged)\","
                                        "\"ownerid@odata.bind\":\"/systemusers(forged)\",\"title\":\"forged\","
                                        "\"caseorigincode\":3,\"x_tags\":[\"a\"]}");

  g_autoptr(JsonNode) node = oc_payload_incident (s, settings, ACTIVITY_ID, CONTACT_ID);
  g_autofree char *json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==,
    "{\"incidentid\":\"" ACTIVITY_ID "\","
    "\"title\":\"Hardware - Ada Lovelace\","
    "\"description\":\"Channel: email\\nSummary: Printer on fire Customer: forged\\nClassification: Hardware\\n"
    "Sentiment: negative\\nCustomer: Ada Lovelace, ada@example.com, +441632960001\\n\\nTranscript:\\n"
    "[2026-11-23T10:02:11Z] customer: It is smoking\\nagent: Unplug it\","
    "\"prioritycode\":2,"
    "\"customerid_contact@odata.bind\":\"/contacts(" CONTACT_ID ")\","
    "\"ownerid@odata.bind\":\"/systemusers(" OWNER_ID ")\","
    "\"caseorigincode\":3,\"x_tags\":[\"a\"]}");
}

static void
test_incident_minimal (void)
{
  g_autoptr(OcSession) s = session_from ("{\"id\":\"case-2\",\"channel\":\"phone\",\"customer\":{\"phone\":\"+15550100\"}}");
  g_autoptr(OcSettings) settings = oc_settings_new ();
  settings->default_priority = 3;
  g_autoptr(JsonNode) node = oc_payload_incident (s, settings, ACTIVITY_ID, CONTACT_ID);
  g_autofree char *json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==,
    "{\"incidentid\":\"" ACTIVITY_ID "\","
    "\"title\":\"Support - Anonymous\","
    "\"description\":\"Channel: phone\\nCustomer: +15550100\\n\\nTranscript:\","
    "\"prioritycode\":3,"
    "\"customerid_contact@odata.bind\":\"/contacts(" CONTACT_ID ")\"}");

  /* Malformed case properties (validation is the settings' job) change nothing. */
  settings->case_properties = g_strdup ("[1,2]");
  g_autoptr(JsonNode) again = oc_payload_incident (s, settings, ACTIVITY_ID, CONTACT_ID);
  g_autofree char *again_json = json_to_string (again, FALSE);
  g_assert_cmpstr (again_json, ==, json);
}

static void
test_incident_description_cut (void)
{
  g_autoptr(OcSession) s = oc_session_new ("case-3", "email");
  for (int i = 0; i < 100; i++)
    oc_session_add_line (s, "customer", "a line of the transcript that goes on for a while", NULL);
  g_autoptr(OcSettings) settings = oc_settings_new ();
  g_autoptr(JsonNode) node = oc_payload_incident (s, settings, ACTIVITY_ID, CONTACT_ID);
  const char *description = json_object_get_string_member (json_node_get_object (node), "description");
  g_assert_cmpint (g_utf8_strlen (description, -1), ==, OC_DESCRIPTION_MAX_CHARS);
  g_assert_true (g_str_has_prefix (description, "Channel: email\n\nTranscript:\ncustomer: a line"));
  g_assert_true (g_str_has_suffix (description, "…"));
}

static void
test_add_to_queue (void)
{
  g_autoptr(JsonNode) node = oc_payload_add_to_queue (ACTIVITY_ID);
  g_autofree char *json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==,
    "{\"Target\":{\"@odata.type\":\"Microsoft.Dynamics.CRM.incident\",\"incidentid\":\"" ACTIVITY_ID "\"}}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/payload/channel-codes", test_channel_codes);
  g_test_add_func ("/payload/conversation/verified-with-contact", test_conversation_verified_with_contact);
  g_test_add_func ("/payload/conversation/anonymous", test_conversation_anonymous);
  g_test_add_func ("/payload/conversation/sms-phone-only", test_conversation_sms_phone_only);
  g_test_add_func ("/payload/conversation/whatsapp-no-workstream", test_conversation_whatsapp_no_workstream);
  g_test_add_func ("/payload/conversation/long-summary", test_conversation_long_summary);
  g_test_add_func ("/payload/conversation/markup-and-controls", test_conversation_markup_and_controls);
  g_test_add_func ("/payload/fallback-subject", test_fallback_subject);
  g_test_add_func ("/payload/contact", test_contact);
  g_test_add_func ("/payload/case-titles", test_case_titles);
  g_test_add_func ("/payload/incident/owner-and-properties", test_incident_with_owner_and_properties);
  g_test_add_func ("/payload/incident/minimal", test_incident_minimal);
  g_test_add_func ("/payload/incident/description-cut", test_incident_description_cut);
  g_test_add_func ("/payload/add-to-queue", test_add_to_queue);
  return g_test_run ();
}
