/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session document: every rule of SPEC §4, unknown members kept,
 * the audit keys of §5.5, and a mutation fuzz of the parser. */
#include <string.h>

#include "oc-error.h"
#include "oc-handoff.h"
#include "oc-session.h"

static const char *const full_document =
  "{\n"
  "  \"id\": \"sess_8f2c\",\n"
  "  \"channel\": \"Web\",\n"
  "  \"summary\": \"Refund for order 1182 \\u2014 charged twice\",\n"
  "  \"classification\": \"Billing\",\n"
  "  \"sentiment\": \"negative\",\n"
  "  \"x_widget\": {\"version\": 3, \"tags\": [\"a\", null, 1.5, true]},\n"
  "  \"customer\": {\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\",\n"
  "                \"email_verified\": true, \"phone\": \"+441632960001\", \"x_crm\": \"C-1\"},\n"
  "  \"transcript\": [\n"
  "    {\"role\": \"Customer\", \"text\": \"I was charged twice\", \"time\": \"2026-11-23T10:02:11Z\", \"x_msg\": 7},\n"
  "    {\"role\": \"ai\", \"text\": \"Let me check \\\"order\\\" 1182\\n\", \"time\": \"2026-11-23T11:02:30+01:00\"},\n"
  "    {\"role\": \"agent\", \"text\": \"\"}\n"
  "  ],\n"
  "  \"meta\": {\"integrator_ref\": \"r-42\", \"nested\": {\"k\": [1, 2]}}\n"
  "}\n";

static OcSession *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  OcSession *session = oc_session_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static OcSession *
parse_stored_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  OcSession *session = oc_session_parse_stored (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static void
assert_full_fields (OcSession *s)
{
  g_assert_cmpstr (oc_session_get_id (s), ==, "sess_8f2c");
  g_assert_cmpstr (oc_session_get_channel (s), ==, "web");
  g_assert_cmpstr (oc_session_get_summary (s), ==, "Refund for order 1182 — charged twice");
  g_assert_cmpstr (oc_session_get_classification (s), ==, "Billing");
  g_assert_cmpstr (oc_session_get_sentiment (s), ==, "negative");
  g_assert_cmpstr (oc_session_get_customer_name (s), ==, "Ada Lovelace");
  g_assert_cmpstr (oc_session_get_customer_email (s), ==, "ada@example.com");
  g_assert_true (oc_session_get_email_verified (s));
  g_assert_cmpstr (oc_session_get_customer_phone (s), ==, "+441632960001");

  GPtrArray *lines = oc_session_get_transcript (s);
  g_assert_cmpuint (lines->len, ==, 3);
  OcTranscriptLine *l0 = g_ptr_array_index (lines, 0);
  OcTranscriptLine *l1 = g_ptr_array_index (lines, 1);
  OcTranscriptLine *l2 = g_ptr_array_index (lines, 2);
  g_assert_cmpstr (l0->role, ==, "customer");
  g_assert_cmpstr (l0->text, ==, "I was charged twice");
  g_assert_cmpstr (l0->time, ==, "2026-11-23T10:02:11Z");
  g_assert_cmpstr (l1->text, ==, "Let me check \"order\" 1182\n");
  g_assert_cmpstr (l1->time, ==, "2026-11-23T11:02:30+01:00");
  g_assert_cmpstr (l2->role, ==, "agent");
  g_assert_cmpstr (l2->text, ==, "");
  g_assert_null (l2->time);

  /* an incoming meta is never ours: set aside, not read */
  g_assert_null (oc_session_get_meta_string (s, "integrator_ref"));
  g_assert_false (oc_session_is_handed_off (s));
}

static void
test_round_trip (void)
{
  g_autoptr(OcSession) first = parse_ok (full_document);
  assert_full_fields (first);

  gsize length = 0;
  g_autofree char *json = oc_session_to_json (first, &length);
  g_assert_cmpuint (length, ==, strlen (json));
  g_autoptr(OcSession) second = parse_ok (json);
  assert_full_fields (second);

  /* Unknown members, at every level, survive byte for byte. */
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *doc = json_node_get_object (root);
  g_autofree char *widget = json_to_string (json_object_get_member (doc, "x_widget"), FALSE);
  g_assert_cmpstr (widget, ==, "{\"version\":3,\"tags\":[\"a\",null,1.5,true]}");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (doc, "customer"), "x_crm"), ==, "C-1");
  JsonObject *line0 = json_array_get_object_element (json_object_get_array_member (doc, "transcript"), 0);
  g_assert_cmpint (json_object_get_int_member (line0, "x_msg"), ==, 7);
  g_assert_false (json_object_has_member (doc, "meta"));
  g_autofree char *meta = json_to_string (json_object_get_member (doc, "meta_received"), FALSE);
  g_assert_cmpstr (meta, ==, "{\"integrator_ref\":\"r-42\",\"nested\":{\"k\":[1,2]}}");

  /* Serialising is stable: a stored session reads back to the same bytes. */
  g_autofree char *again = oc_session_to_json (second, NULL);
  g_assert_cmpstr (again, ==, json);
}

static void
test_optional_members (void)
{
  g_autoptr(OcSession) s = parse_ok (
    "\xef\xbb\xbf{\"id\":\"s\",\"channel\":\"WhatsApp\",\"summary\":\"\",\"classification\":null,"
    "\"customer\":{\"name\":\"\",\"email\":null,\"email_verified\":null},"
    "\"transcript\":[{\"role\":\"BOT\",\"text\":\"hi\",\"time\":\"2026-11-23T10:02:11\"}],\"meta\":null}");

  g_assert_cmpstr (oc_session_get_channel (s), ==, "whatsapp");
  g_assert_null (oc_session_get_summary (s));
  g_assert_null (oc_session_get_classification (s));
  g_assert_null (oc_session_get_sentiment (s));
  g_assert_null (oc_session_get_customer_name (s));
  g_assert_null (oc_session_get_customer_email (s));
  g_assert_false (oc_session_get_email_verified (s));
  OcTranscriptLine *line = g_ptr_array_index (oc_session_get_transcript (s), 0);
  g_assert_cmpstr (line->role, ==, "bot");
  g_assert_nonnull (oc_session_get_meta (s));
  g_assert_null (oc_session_get_meta_string (s, "anything"));

  g_autoptr(OcSession) minimal = parse_ok ("{\"id\":\"x\",\"channel\":\"phone\"}");
  g_assert_cmpuint (oc_session_get_transcript (minimal)->len, ==, 0);
  g_assert_false (oc_channel_is_chat (oc_session_get_channel (minimal)));
}

static void
test_id_lengths (void)
{
  g_autoptr(GString) ascii = g_string_new (NULL);
  g_autoptr(GString) accented = g_string_new (NULL);
  g_autoptr(GString) emoji = g_string_new (NULL);
  for (int i = 0; i < 100; i++)
    {
      g_string_append_c (ascii, 'a');
      g_string_append (accented, "é");
      g_string_append (emoji, "😀");
    }

  /* 100 characters pass however many bytes they take... */
  const char *ok[] = { ascii->str, accented->str, emoji->str, "a b", "x" };
  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"channel\":\"web\"}", ok[i]);
      g_autoptr(OcSession) s = parse_ok (doc);
      g_assert_cmpstr (oc_session_get_id (s), ==, ok[i]);
    }

  /* ...and the 101st is refused. */
  g_string_append (accented, "é");
  g_string_append_c (ascii, 'a');
  const char *bad[] = { ascii->str, accented->str };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"channel\":\"web\"}", bad[i]);
      g_autoptr(OcSession) s = oc_session_parse (doc, -1, &error);
      g_assert_null (s);
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, "id: must be 1–100 printable characters");
    }
}

typedef struct {
  const char *doc;
  const char *message_prefix;
} RejectCase;

#define BASE "\"id\":\"s1\",\"channel\":\"web\""
#define WITH_LINE(line) "{" BASE ",\"transcript\":[{\"role\":\"customer\",\"text\":\"a\"}," line "]}"

static const RejectCase reject_cases[] = {
  { "[]", "the document must be a JSON object" },
  { "\"text\"", "the document must be a JSON object" },
  { "42", "the document must be a JSON object" },
  { "{", "not valid JSON at line 1, column 1" },
  { "{\"id\":\"s1\",}", "not valid JSON at line 1, column " },
  { "", "not valid JSON" },
  { "{\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":5,\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"\",\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"a\\nb\",\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"agent:5e7a0001\",\"channel\":\"web\"}",
    "id: must not begin with “agent:” or “queue:” (the names of rep and queue buddies)" },
  { "{\"id\":\"queue:c0ffee00\",\"channel\":\"web\"}",
    "id: must not begin with “agent:” or “queue:” (the names of rep and queue buddies)" },
  { "{\"id\":\"a\\tb\",\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"a\\u007fb\",\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"a\\u0085b\",\"channel\":\"web\"}", "id: must be 1–100 printable characters" },
  { "{\"id\":\"s1\"}", "channel: must be one word" },
  { "{\"id\":\"s1\",\"channel\":\"\"}", "channel: must be one word" },
  { "{\"id\":\"s1\",\"channel\":\"live chat\"}", "channel: must be one word" },
  { "{\"id\":\"s1\",\"channel\":\"web/chat\"}", "channel: must be one word" },
  { "{\"id\":\"s1\",\"channel\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", "channel: must be one word" },
  { "{\"id\":\"s1\",\"channel\":7}", "channel: must be one word" },
  { "{" BASE ",\"summary\":5}", "summary: must be a string" },
  { "{" BASE ",\"classification\":[]}", "classification: must be a string" },
  { "{" BASE ",\"sentiment\":{}}", "sentiment: must be a string" },
  { "{" BASE ",\"customer\":\"Ada\"}", "customer: must be an object" },
  { "{" BASE ",\"customer\":{\"name\":1}}", "customer.name: must be a string" },
  { "{" BASE ",\"customer\":{\"email\":1}}", "customer.email: must be a string" },
  { "{" BASE ",\"customer\":{\"email\":\"no-at.example.com\"}}", "customer.email: must be an email address of at most 100 characters" },
  { "{" BASE ",\"customer\":{\"email\":\"a@b@example.com\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email\":\"@example.com\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email\":\"ada@\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email\":\"ada lovelace@example.com\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email\":\"ada@exa\\tmple.com\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email\":\"ada@example.com\\r\\nBcc: x@y.z\"}}", "customer.email: must be an email address" },
  { "{" BASE ",\"customer\":{\"email_verified\":\"yes\"}}", "customer.email_verified: must be true or false" },
  { "{" BASE ",\"customer\":{\"email_verified\":1}}", "customer.email_verified: must be true or false" },
  { "{" BASE ",\"customer\":{\"phone\":\"123456789012345678901234567890123456789012345678901\"}}", "customer.phone: " },
  { "{" BASE ",\"customer\":{\"phone\":441632960001}}", "customer.phone: must be a string" },
  { "{" BASE ",\"transcript\":{}}", "transcript: " },
  { "{" BASE ",\"transcript\":\"hello\"}", "transcript: " },
  { "{" BASE ",\"transcript\":[1]}", "transcript[0]: " },
  { WITH_LINE ("{\"text\":\"b\"}"), "transcript[1].role: " },
  { WITH_LINE ("{\"role\":\"\",\"text\":\"b\"}"), "transcript[1].role: " },
  { WITH_LINE ("{\"role\":\"abcdefghijklmnopqrstuvwxyz0123456\",\"text\":\"b\"}"), "transcript[1].role: " },
  { WITH_LINE ("{\"role\":true,\"text\":\"b\"}"), "transcript[1].role: " },
  { WITH_LINE ("{\"role\":\"ai\"}"), "transcript[1].text: " },
  { WITH_LINE ("{\"role\":\"ai\",\"text\":null}"), "transcript[1].text: must be a string" },
  { WITH_LINE ("{\"role\":\"ai\",\"text\":[\"b\"]}"), "transcript[1].text: must be a string" },
  { WITH_LINE ("{\"role\":\"ai\",\"text\":\"b\",\"time\":\"yesterday\"}"), "transcript[1].time: must be an ISO 8601 date-time" },
  { WITH_LINE ("{\"role\":\"ai\",\"text\":\"b\",\"time\":\"2026-13-45T10:00:00Z\"}"), "transcript[1].time: must be an ISO 8601 date-time" },
  { WITH_LINE ("{\"role\":\"ai\",\"text\":\"b\",\"time\":1764000000}"), "transcript[1].time: must be an ISO 8601 date-time" },
  { "{" BASE ",\"x\":\"\\ud800abc\"}", "x: is not valid UTF-8" },
  { "{" BASE ",\"meta\":{\"k\":[\"ok\",\"\\udc00ab\"]}}", "meta.k[1]: is not valid UTF-8" },
  { "{" BASE ",\"x\":{\"big\":1e999}}", "x.big: is a number out of range" },
  { "{" BASE ",\"x\":[-1e400]}", "x[0]: is a number out of range" },
  { "{\"id\":\"ab\\u0000cd\",\"channel\":\"web\"}", "document contains a \\u0000 character" },
  { "{\"id\":\"s1\",\"channel\":\"web\",\"x\":\"\xff\"}", "document is not valid UTF-8 (at byte 32)" },
  { "{\"id\":\"s1\xe2\x82\",\"channel\":\"web\"}", "document is not valid UTF-8 (at byte 9)" },
  { "{\"id\":\"s1\xc0\xaf\",\"channel\":\"web\"}", "document is not valid UTF-8 (at byte 9)" },
  { "{\"id\":\"s1\xed\xa0\x80\",\"channel\":\"web\"}", "document is not valid UTF-8 (at byte 9)" },
};

static void
assert_rejected (const char *doc, gssize length, const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) s = oc_session_parse (doc, length, &error);
  if (s != NULL)
    g_error ("accepted: %s", doc);
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("document %s\n  gave \"%s\"\n  expected \"%s…\"", doc, error->message, prefix);
}

static void
test_rejections (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reject_cases); i++)
    assert_rejected (reject_cases[i].doc, -1, reject_cases[i].message_prefix);
}

static void
test_reject_sizes_and_shapes (void)
{
  /* 2 MiB: refused before parsing. */
  gsize big = 2 * 1024 * 1024;
  g_autoptr(GString) doc = g_string_new ("{" BASE ",\"summary\":\"");
  while (doc->len < big)
    g_string_append_c (doc, 'x');
  g_string_append (doc, "\"}");
  assert_rejected (doc->str, -1, "document is larger than 1 MiB");
  assert_rejected (doc->str, (gssize) doc->len, "document is larger than 1 MiB");

  /* Nesting that would overflow json-glib's recursive parser. */
  g_autoptr(GString) deep = g_string_new ("{" BASE ",\"meta\":{\"x\":");
  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}}");
  assert_rejected (deep->str, -1, "document nests arrays and objects deeper than 64 levels");

  /* Brackets inside strings and comments are not nesting. */
  g_autoptr(GString) quoted = g_string_new ("{" BASE ",\"summary\":\"");
  for (int i = 0; i < 1000; i++)
    g_string_append (quoted, "[{\\\"");
  g_string_append (quoted, "\"}");
  g_autoptr(OcSession) ok = parse_ok (quoted->str);
  g_assert_true (g_str_has_prefix (oc_session_get_summary (ok), "[{\"[{\""));

  /* 10001 transcript lines. */
  g_autoptr(GString) lines = g_string_new ("{" BASE ",\"transcript\":[");
  for (int i = 0; i < 10001; i++)
    g_string_append (lines, i ? ",{\"role\":\"ai\",\"text\":\"\"}" : "{\"role\":\"ai\",\"text\":\"\"}");
  g_string_append (lines, "]}");
  assert_rejected (lines->str, -1, "transcript: must have at most 10000 lines");

  /* customer.email: 100 characters fit contact.emailaddress1, 101 do not. */
  g_autoptr(GString) email = g_string_new ("a@");
  while (email->len < 96)
    g_string_append_c (email, 'x');
  g_string_append (email, ".com");
  g_assert_cmpuint (email->len, ==, 100);
  g_autofree char *fits = g_strdup_printf ("{" BASE ",\"customer\":{\"email\":\"%s\"}}", email->str);
  g_autoptr(OcSession) fits_session = parse_ok (fits);
  g_assert_cmpstr (oc_session_get_customer_email (fits_session), ==, email->str);
  g_string_prepend_c (email, 'b');
  g_autofree char *too_long = g_strdup_printf ("{" BASE ",\"customer\":{\"email\":\"%s\"}}", email->str);
  assert_rejected (too_long, -1, "customer.email: must be an email address of at most 100 characters");

  /* A NUL byte inside the given length is not text. */
  static const char with_nul[] = "{\"id\":\"s\0x\",\"channel\":\"web\"}";
  assert_rejected (with_nul, sizeof with_nul - 1, "document is not valid UTF-8 (at byte 8)");

  g_autoptr(GError) error = NULL;
  g_assert_null (oc_session_parse (NULL, -1, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
}

static void
test_email_rule (void)
{
  g_assert_true (oc_email_is_valid ("ada@example.com"));
  g_assert_true (oc_email_is_valid ("o'brien+tag@example.co.uk"));
  g_assert_true (oc_email_is_valid ("пользователь@пример.рф"));
  g_assert_false (oc_email_is_valid (NULL));
  g_assert_false (oc_email_is_valid (""));
  g_assert_false (oc_email_is_valid ("ada"));
  g_assert_false (oc_email_is_valid ("ada@"));
  g_assert_false (oc_email_is_valid ("@example.com"));
  g_assert_false (oc_email_is_valid ("a@b@c"));
  g_assert_false (oc_email_is_valid ("ada @example.com"));
  g_assert_false (oc_email_is_valid ("ada@example.com\n"));
  g_assert_false (oc_email_is_valid ("ada\xe2\x80\x83@example.com"));   /* EM SPACE */
}

static void
assert_member_names (JsonObject *obj, const char *const *expected)
{
  g_autoptr(GList) names = json_object_get_members (obj);
  GList *l = names;
  for (gsize i = 0; expected[i] != NULL; i++, l = l->next)
    {
      g_assert_nonnull (l);
      g_assert_cmpstr (l->data, ==, expected[i]);
    }
  g_assert_null (l);
}

static void
test_mark_handed_off (void)
{
  g_autoptr(OcSession) chat = parse_stored_ok ("{" BASE ",\"meta\":{\"integrator_ref\":\"r\"}}");
  g_assert_false (oc_session_is_handed_off (chat));
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 23, 10, 5, 0);
  oc_session_mark_handed_off (chat, "4a1c5e2f-0000-5000-8000-000000000001", NULL, NULL, when);

  const char *chat_keys[] = { "integrator_ref", "dynamics365_chat_id", "handed_off", "handed_off_at", NULL };
  assert_member_names (oc_session_get_meta (chat), chat_keys);
  g_assert_true (oc_session_is_handed_off (chat));
  g_assert_cmpstr (oc_session_get_meta_string (chat, "dynamics365_chat_id"), ==, "4a1c5e2f-0000-5000-8000-000000000001");
  g_assert_cmpstr (oc_session_get_meta_string (chat, "handed_off_at"), ==, "2026-11-23T10:05:00Z");
  g_assert_null (oc_session_get_meta_string (chat, "dynamics365_incident_id"));

  /* A case; the time is given in another zone and stored in UTC. */
  g_autoptr(OcSession) incident = oc_session_new ("s2", "email");
  g_autoptr(GTimeZone) plus_one = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) local = g_date_time_new (plus_one, 2026, 11, 23, 11, 5, 0);
  oc_session_mark_handed_off (incident, NULL, "9b2d0000-0000-5000-8000-000000000002", "CAS-01001-X1Y2Z3", local);
  const char *case_keys[] = { "dynamics365_incident_id", "dynamics365_ticket_number", "handed_off", "handed_off_at", NULL };
  assert_member_names (oc_session_get_meta (incident), case_keys);
  g_assert_cmpstr (oc_session_get_meta_string (incident, "dynamics365_ticket_number"), ==, "CAS-01001-X1Y2Z3");
  g_assert_cmpstr (oc_session_get_meta_string (incident, "handed_off_at"), ==, "2026-11-23T10:05:00Z");

  /* It survives a store round trip. */
  g_autofree char *json = oc_session_to_json (incident, NULL);
  g_autoptr(OcSession) back = parse_stored_ok (json);
  g_assert_true (oc_session_is_handed_off (back));
  g_assert_cmpstr (oc_session_get_meta_string (back, "dynamics365_incident_id"), ==, "9b2d0000-0000-5000-8000-000000000002");

  /* Only a real true counts, even in the store. */
  g_autoptr(OcSession) fake = parse_stored_ok ("{" BASE ",\"meta\":{\"handed_off\":\"yes\"}}");
  g_assert_false (oc_session_is_handed_off (fake));

  /* The store's meta must be an object. */
  const char *bad_meta[] = { "{" BASE ",\"meta\":[]}", "{" BASE ",\"meta\":\"x\"}" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_meta); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcSession) s = oc_session_parse_stored (bad_meta[i], -1, &error);
      g_assert_null (s);
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, "meta: must be an object");
    }
}

/* Forged success: a document that arrives "handed off" (or with any
 * dynamics365_* id) was never created by us. Intake sets its meta aside;
 * the handoff starts pending with its own deterministic record id. */
static void
test_intake_ignores_meta (void)
{
  static const char *forged[] = {
    "{" BASE ",\"meta\":{\"handed_off\":true,\"dynamics365_chat_id\":\"00000000-0000-0000-0000-0000000000aa\","
      "\"handed_off_at\":\"2026-11-23T10:05:00Z\"}}",
    "{" BASE ",\"meta\":{\"dynamics365_incident_id\":\"00000000-0000-0000-0000-0000000000bb\","
      "\"dynamics365_ticket_number\":\"CAS-1\",\"handed_off\":true}}",
    "{" BASE ",\"meta\":[true]}",
    "{" BASE ",\"meta\":\"handed_off\"}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      g_autoptr(OcSession) s = parse_ok (forged[i]);
      g_assert_false (oc_session_is_handed_off (s));
      g_assert_null (oc_session_get_meta_string (s, "dynamics365_chat_id"));
      g_assert_null (oc_session_get_meta_string (s, "dynamics365_incident_id"));
      g_autoptr(OcHandoff) handoff = oc_handoff_new (s, "https://contoso.crm.dynamics.com");
      g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_PENDING);
      g_assert_cmpstr (oc_handoff_get_record_id (handoff), !=, "00000000-0000-0000-0000-0000000000aa");
      g_assert_cmpstr (oc_handoff_get_record_id (handoff), !=, "00000000-0000-0000-0000-0000000000bb");

      /* kept aside for the audit, and still aside after a store round trip */
      g_autofree char *json = oc_session_to_json (s, NULL);
      g_autoptr(JsonNode) root = json_from_string (json, NULL);
      g_assert_false (json_object_has_member (json_node_get_object (root), "meta"));
      g_assert_true (json_object_has_member (json_node_get_object (root), "meta_received"));
      g_autoptr(OcSession) back = parse_stored_ok (json);
      g_assert_false (oc_session_is_handed_off (back));
    }
}

/* No error quotes more than a short, escaped excerpt of what it could not
 * parse: not a whole token, not a line, not a long member name. */
static void
test_errors_quote_only_excerpts (void)
{
  g_autoptr(GString) token = g_string_new ("{\"id\":\"s\",\"channel\":\"web\",\n\"summary\": ");
  for (int i = 0; i < 3000; i++)
    g_string_append (token, "SECRET");
  g_string_append (token, "}");
  g_autoptr(GString) string = g_string_new ("{\"id\":\"s\" \"");
  for (int i = 0; i < 3000; i++)
    g_string_append (string, "SECRET");
  g_string_append (string, "\"}");
  g_autoptr(GString) name = g_string_new ("{\"id\":\"s\",\"channel\":\"web\",\"x\":{\"");
  for (int i = 0; i < 3000; i++)
    g_string_append (name, "SECRET");
  g_string_append (name, "\":1e999}}");
  const char *docs[] = { token->str, string->str, name->str, "root:x:0:0:root:/root:/bin/bash\nSECRET" };

  for (gsize i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcSession) s = oc_session_parse (docs[i], -1, &error);
      g_assert_null (s);
      g_test_message ("%s", error->message);
      g_assert_cmpuint (strlen (error->message), <, 200);
      g_assert_null (strstr (error->message, "SECRETSECRETSECRETSECRETSECRETSECRETSECRET"));   /* 42: beyond any excerpt */
    }

  /* the position, and control characters escaped */
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) s = oc_session_parse ("{\"id\":\"s\",\n  \"channel\": web\x01\x1b[31m}", -1, &error);
  g_assert_null (s);
  g_assert_true (g_str_has_prefix (error->message, "not valid JSON at line 2, column "));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_null (strchr (error->message, '\x01'));
}

static void
test_build (void)
{
  g_autoptr(OcSession) s = oc_session_new ("conv-1", "SMS");
  oc_session_set_summary (s, "Wants a callback");
  oc_session_set_customer (s, "Grace Hopper", "grace@example.com", FALSE, "+15550100");
  oc_session_add_line (s, "Customer", "call me", "2026-11-23T10:00:00Z");
  oc_session_set_summary (s, "");

  g_assert_cmpstr (oc_session_get_channel (s), ==, "sms");
  g_assert_true (oc_channel_is_chat ("sms"));
  g_assert_null (oc_session_get_summary (s));

  g_autofree char *json = oc_session_to_json (s, NULL);
  g_autoptr(OcSession) back = parse_ok (json);
  g_assert_cmpstr (oc_session_get_id (back), ==, "conv-1");
  g_assert_null (oc_session_get_summary (back));
  g_assert_cmpstr (oc_session_get_customer_name (back), ==, "Grace Hopper");
  g_assert_cmpstr (oc_session_get_customer_email (back), ==, "grace@example.com");
  g_assert_false (oc_session_get_email_verified (back));
  g_assert_cmpstr (oc_session_get_customer_phone (back), ==, "+15550100");
  OcTranscriptLine *line = g_ptr_array_index (oc_session_get_transcript (back), 0);
  g_assert_cmpstr (line->role, ==, "customer");
  g_assert_cmpstr (line->text, ==, "call me");

  g_assert_true (oc_channel_is_chat ("web"));
  g_assert_true (oc_channel_is_chat ("whatsapp"));
  g_assert_false (oc_channel_is_chat ("email"));
  g_assert_false (oc_channel_is_chat ("webchat"));
  g_assert_false (oc_channel_is_chat (NULL));
}

/* Byte flips, truncations, insertions and deletions of a valid document:
 * the parser must answer every one with a session or an INVALID_INPUT
 * error, and every session it accepts must serialise to a document it
 * accepts again (what the store writes, it can read). */
static void
test_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  const gsize base_len = strlen (full_document);
  static const char interesting[] = "\"\\{}[],:'/*u0\xff\xc3\xe2\x80\x00 \n";
  guint accepted = 0, rejected = 0;

  for (guint iter = 0; iter < 20000; iter++)
    {
      g_autoptr(GByteArray) buf = g_byte_array_sized_new ((guint) base_len + 8);
      g_byte_array_append (buf, (const guint8 *) full_document, (guint) base_len);

      guint mutations = (guint) g_rand_int_range (rand, 1, 5);
      for (guint m = 0; m < mutations; m++)
        {
          guint pos = buf->len > 0 ? (guint) g_rand_int_range (rand, 0, (gint32) buf->len) : 0;
          guint8 byte = g_rand_boolean (rand) ? (guint8) g_rand_int_range (rand, 0, 256)
                                              : (guint8) interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              if (buf->len > 0)
                buf->data[pos] = byte;
              break;
            case 1:
              g_byte_array_set_size (buf, pos);
              break;
            case 2:
              g_byte_array_set_size (buf, buf->len + 1);
              memmove (buf->data + pos + 1, buf->data + pos, buf->len - 1 - pos);
              buf->data[pos] = byte;
              break;
            default:
              if (buf->len > 0)
                g_byte_array_remove_index (buf, pos);
              break;
            }
        }

      /* An exact-size heap copy without a terminator: ASan catches any read past the length. */
      gsize len = buf->len;
      g_autofree char *exact = g_malloc (len > 0 ? len : 1);
      if (len > 0)
        memcpy (exact, buf->data, len);

      g_autoptr(GError) error = NULL;
      g_autoptr(OcSession) s = oc_session_parse (exact, (gssize) len, &error);
      if (s == NULL)
        {
          g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
          rejected++;
          continue;
        }
      g_assert_no_error (error);
      accepted++;

      g_autofree char *json = oc_session_to_json (s, NULL);
      g_autoptr(GError) again_error = NULL;
      g_autoptr(OcSession) again = oc_session_parse (json, -1, &again_error);
      if (again == NULL)
        g_error ("accepted document does not round-trip: %s\n%s", again_error->message, json);
      g_assert_cmpstr (oc_session_get_id (again), ==, oc_session_get_id (s));
    }

  /* The mutations must have exercised both outcomes. */
  g_test_message ("%u mutants accepted, %u rejected", accepted, rejected);
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (rejected, >, 100);
}

/* meta.origin is written through a setter and read back with type checks:
 * a stored meta of the wrong shape reads as no origin, never a critical. */
static void
test_origin (void)
{
  g_autoptr(OcSession) session = oc_session_new ("origin-1", "web");
  const char *account = "x", *protocol = "x", *who = "x";
  g_assert_false (oc_session_get_origin (session, &account, &protocol, &who));
  g_assert_null (account);
  oc_session_set_origin (session, "me@example.com", "prpl-jabber", "ann@example.com");
  g_assert_true (oc_session_get_origin (session, &account, &protocol, &who));
  g_assert_cmpstr (account, ==, "me@example.com");
  g_assert_cmpstr (protocol, ==, "prpl-jabber");
  g_assert_cmpstr (who, ==, "ann@example.com");

  /* what the store reads back: meta is ours, but its file could be edited */
  static const char *const wrong[] = {
    "{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":7}}",
    "{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":[1]}}",
    "{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":{\"account\":1,\"protocol\":\"p\",\"who\":\"w\"}}}",
    "{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":{\"account\":\"a\",\"protocol\":\"p\"}}}",
    "{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":{\"account\":\"a\",\"protocol\":{},\"who\":\"w\"}}}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcSession) stored = oc_session_parse_stored (wrong[i], -1, &error);
      if (stored == NULL)
        continue;   /* refused as a whole is fine too */
      g_assert_false (oc_session_get_origin (stored, &account, &protocol, &who));
      g_assert_null (who);
    }
  /* an incoming document's meta is never trusted */
  g_autoptr(OcSession) incoming = oc_session_parse ("{\"id\":\"o\",\"channel\":\"web\",\"meta\":{\"origin\":"
                                                    "{\"account\":\"a\",\"protocol\":\"p\",\"who\":\"w\"}}}", -1, NULL);
  g_assert_nonnull (incoming);
  g_assert_false (oc_session_get_origin (incoming, &account, &protocol, &who));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/round-trip", test_round_trip);
  g_test_add_func ("/session/origin", test_origin);
  g_test_add_func ("/session/optional-members", test_optional_members);
  g_test_add_func ("/session/id-lengths", test_id_lengths);
  g_test_add_func ("/session/rejections", test_rejections);
  g_test_add_func ("/session/reject-sizes-and-shapes", test_reject_sizes_and_shapes);
  g_test_add_func ("/session/email-rule", test_email_rule);
  g_test_add_func ("/session/mark-handed-off", test_mark_handed_off);
  g_test_add_func ("/session/intake-ignores-meta", test_intake_ignores_meta);
  g_test_add_func ("/session/errors-quote-only-excerpts", test_errors_quote_only_excerpts);
  g_test_add_func ("/session/build", test_build);
  g_test_add_func ("/session/fuzz", test_fuzz);
  return g_test_run ();
}
