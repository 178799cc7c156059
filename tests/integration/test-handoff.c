/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Handoffs through the three doors (inbox, /handoff, file chooser) into
 * dynamics-mock, exactly once, with the audit trail (SPEC §5). */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define MOCK_ANONYMOUS_CONTACT "c0a7ac70-0004-4000-8000-000000000004"
#define MOCK_ADA_CONTACT       "c0a7ac70-0001-4000-8000-000000000001"
#define MOCK_CASE_QUEUE        "c0ffee00-4444-4444-8444-444444444444"

/* Every case gets a freshly reset mock and its own signed-in account. */
static const HarnessOptions options = { .anonymous_contact_id = MOCK_ANONYMOUS_CONTACT,
                                        .case_queue_id = MOCK_CASE_QUEUE };

static void
wait_for_buddy (HarnessFixture *f, const char *name, const char *status)
{
  harness_wait_buddy (f->account, name, status, NULL);
}

typedef struct {
  PurpleAccount *account;
  const char    *name;
} RetryWait;

static gboolean
message_has_retry (gpointer data)
{
  RetryWait *wait = data;
  const char *message = NULL;
  harness_buddy_status (wait->account, wait->name, &message);
  return message && strstr (message, "retry in");
}

static JsonObject *
find_record (JsonArray *records, const char *key, const char *value)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (record, key, NULL), value) == 0)
        return record;
    }
  return NULL;
}

static guint
count_records (JsonArray *records, const char *key, const char *value)
{
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (records); i++)
    n += g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (records, i), key, NULL),
                    value) == 0;
  return n;
}

static const char *
meta_string (JsonNode *stored, const char *key)
{
  g_assert_nonnull (stored);
  JsonObject *root = json_node_get_object (stored);
  JsonObject *meta = json_object_has_member (root, "meta") ? json_object_get_object_member (root, "meta") : NULL;
  if (meta == NULL)
    g_test_message ("stored session without meta: %s", json_to_string (stored, TRUE));
  return meta ? json_object_get_string_member_with_default (meta, key, NULL) : NULL;
}

static void
test_inbox_four_sessions (HarnessFixture *f, gconstpointer data)
{
  const char *names[] = { "web-verified.json", "web-anonymous.json", "whatsapp.json", "phone.json" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = harness_session_file (names[i]);
      harness_drop_in_inbox (path, names[i]);
    }
  wait_for_buddy (f, "sess_8f2c", "open");
  wait_for_buddy (f, "sess_a41d", "open");
  wait_for_buddy (f, "wa_77e0", "open");
  wait_for_buddy (f, "call_19b3", "case-open");

  /* three conversations and one case, each created once */
  JsonArray *conversations = harness_mock_records ("msdyn_ocliveworkitems");
  g_assert_cmpuint (json_array_get_length (conversations), ==, 3);
  g_autoptr(JsonNode) verified = harness_stored_session ("sess_8f2c");
  const char *chat_id = meta_string (verified, "dynamics365_chat_id");
  g_assert_nonnull (chat_id);
  JsonObject *record = find_record (conversations, "activityid", chat_id);
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "msdyn_channel"), ==, "192360000");
  g_assert_cmpstr (json_object_get_string_member (record, "_msdyn_customer_value"), ==, MOCK_ADA_CONTACT);
  g_assert_cmpstr (json_object_get_string_member (record, "_msdyn_liveworkstreamid_value"), ==, MOCK_WORKSTREAM);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (record, "subject"), "Refund for order 1182"));
  g_assert_nonnull (meta_string (verified, "handed_off_at"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (verified), "meta"),
                                                 "handed_off"));

  g_autoptr(JsonNode) anonymous = harness_stored_session ("sess_a41d");
  JsonObject *anonymous_record = find_record (conversations, "activityid", meta_string (anonymous, "dynamics365_chat_id"));
  g_assert_nonnull (anonymous_record);
  g_assert_true (json_object_get_null_member (anonymous_record, "_msdyn_customer_value") ||
                 !json_object_has_member (anonymous_record, "_msdyn_customer_value"));

  g_autoptr(JsonNode) whatsapp = harness_stored_session ("wa_77e0");
  JsonObject *whatsapp_record = find_record (conversations, "activityid", meta_string (whatsapp, "dynamics365_chat_id"));
  g_assert_cmpstr (json_object_get_string_member (whatsapp_record, "msdyn_channel"), ==, "192300000");

  /* context items and transcript notes arrived with the conversations */
  JsonArray *items = harness_mock_records ("msdyn_ocliveworkitemcontextitems");
  g_assert_cmpuint (count_records (items, "_msdyn_ocliveworkitemid_value", chat_id), ==, 5);
  JsonObject *session_item = NULL;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      if (g_strcmp0 (json_object_get_string_member (item, "_msdyn_ocliveworkitemid_value"), chat_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (item, "msdyn_name"), "sessionId") == 0)
        session_item = item;
    }
  g_assert_nonnull (session_item);
  g_assert_cmpstr (json_object_get_string_member (session_item, "msdyn_value"), ==, "sess_8f2c");
  JsonArray *notes = harness_mock_records ("annotations");
  JsonObject *note = find_record (notes, "_objectid_value", chat_id);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (json_object_get_string_member (note, "notetext"), "charged twice"));

  /* the phone session became a case on the anonymous customer, in the case queue */
  g_autoptr(JsonNode) phone = harness_stored_session ("call_19b3");
  const char *incident_id = meta_string (phone, "dynamics365_incident_id");
  g_assert_nonnull (incident_id);
  g_assert_nonnull (meta_string (phone, "dynamics365_ticket_number"));
  g_assert_null (meta_string (phone, "dynamics365_chat_id"));
  JsonObject *incident = find_record (harness_mock_records ("incidents"), "incidentid", incident_id);
  g_assert_nonnull (incident);
  g_assert_cmpstr (json_object_get_string_member (incident, "title"), ==, "Technical Support - Alan Turing");
  g_assert_cmpstr (json_object_get_string_member (incident, "_customerid_value"), ==, MOCK_ANONYMOUS_CONTACT);
  g_assert_cmpint (json_object_get_int_member (incident, "prioritycode"), ==, 2);
  g_assert_nonnull (find_record (harness_mock_records ("queueitems"), "_objectid_value", incident_id));

  /* cost: one contact lookup (the only verified email), three conversation creates */
  g_assert_cmpuint (harness_mock_count ("GET", "/contacts"), ==, 1);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 3);
  g_assert_cmpuint (harness_mock_count ("POST", "/incidents"), ==, 1);

  /* the inbox is empty: every document moved to the store */
  g_autofree char *inbox = harness_store_path ("inbox");
  g_autoptr(GDir) dir = g_dir_open (inbox, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_inbox_rejects (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *inbox = harness_store_path ("inbox");
  g_autofree char *rejected = harness_store_path ("rejected");

  /* a document that breaks a rule */
  g_autofree char *bad = g_build_filename (inbox, "no-channel.json", NULL);
  g_assert_true (g_file_set_contents (bad, "{\"id\":\"x1\",\"summary\":\"hi\"}", -1, NULL));
  g_autofree char *bad_reason = g_build_filename (rejected, "no-channel.json.reason", NULL);
  harness_run_until (file_exists, bad_reason, 10);
  g_autofree char *reason = NULL;
  g_assert_true (g_file_get_contents (bad_reason, &reason, NULL, NULL));
  g_assert_nonnull (strstr (reason, "channel"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  /* 2 MiB */
  g_autofree char *big = g_build_filename (inbox, "big.json", NULL);
  GString *text = g_string_new ("{\"id\":\"big\",\"channel\":\"web\",\"summary\":\"");
  while (text->len < 2 * 1024 * 1024)
    g_string_append (text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (text, "\"}");
  g_assert_true (g_file_set_contents (big, text->str, (gssize) text->len, NULL));
  g_string_free (text, TRUE);
  g_autofree char *big_reason = g_build_filename (rejected, "big.json.reason", NULL);
  harness_run_until (file_exists, big_reason, 10);
  g_autofree char *big_text = NULL;
  g_assert_true (g_file_get_contents (big_reason, &big_text, NULL, NULL));
  g_assert_nonnull (strstr (big_text, "1 MiB"));

  /* written in place, slowly: nothing happens until it is finished and quiet */
  g_autofree char *slow = g_build_filename (inbox, "slow.json", NULL);
  FILE *out = fopen (slow, "w");
  g_assert_nonnull (out);
  fputs ("{\"id\":\"slow_1\",\"channel\":\"web\",", out);
  fflush (out);
  harness_run_for (1500);
  g_assert_true (g_file_test (slow, G_FILE_TEST_EXISTS));
  g_autofree char *slow_reason = g_build_filename (rejected, "slow.json.reason", NULL);
  g_assert_false (g_file_test (slow_reason, G_FILE_TEST_EXISTS));
  fputs ("\"summary\":\"written slowly\"}", out);
  fclose (out);
  wait_for_buddy (f, "slow_1", "open");
  g_assert_false (g_file_test (slow_reason, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
}

static void
test_handoff_command (HarnessFixture *f, gconstpointer data)
{
  PurpleAccount *irc = harness_loopback_account_new ();
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, irc, "ada");
  PurpleConvIm *im = purple_conversation_get_im_data (conv);
  time_t now = time (NULL);
  purple_conv_im_write (im, "ada", "<b>Hello</b>, I was charged <i>twice</i> for 1182", PURPLE_MESSAGE_RECV, now - 60);
  purple_conv_im_write (im, "operator", "Let me check that for you.", PURPLE_MESSAGE_SEND, now - 30);

  g_autofree char *error = NULL;
  PurpleCmdStatus status = purple_cmd_do_command (conv, "handoff Double charge email=ada@example.com phone=+441632960001",
                                                  "handoff Double charge email=ada@example.com phone=+441632960001", &error);
  g_assert_cmpint (status, ==, PURPLE_CMD_STATUS_OK);
  g_assert_null (error);

  /* the session id is stable for the conversation */
  const char *id = NULL;
  for (guint i = 0; i < harness_events.notices->len && id == NULL; i++)
    {
      const char *line = harness_events.notices->pdata[i];
      const char *at = strstr (line, "Accepted as session ");
      if (at)
        {
          g_autofree char *copy = g_strndup (at + strlen ("Accepted as session "), strlen ("purple-") + 20);
          id = g_intern_string (copy);
        }
    }
  g_assert_nonnull (id);
  wait_for_buddy (f, id, "open");

  g_autoptr(JsonNode) stored = harness_stored_session (id);
  const char *chat_id = meta_string (stored, "dynamics365_chat_id");
  JsonObject *record = find_record (harness_mock_records ("msdyn_ocliveworkitems"), "activityid", chat_id);
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "subject"), ==, "Double charge");
  /* an email typed by the operator is shown but never links a contact */
  g_assert_false (json_object_has_member (record, "_msdyn_customer_value") &&
                  !json_object_get_null_member (record, "_msdyn_customer_value"));
  g_assert_cmpuint (harness_mock_count ("GET", "/contacts"), ==, 0);
  JsonArray *items = harness_mock_records ("msdyn_ocliveworkitemcontextitems");
  JsonObject *email_item = NULL;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      if (g_strcmp0 (json_object_get_string_member (item, "msdyn_name"), "customerEmail") == 0)
        email_item = item;
    }
  g_assert_nonnull (email_item);
  g_assert_cmpstr (json_object_get_string_member (email_item, "msdyn_value"), ==, "ada@example.com");
  JsonObject *note = find_record (harness_mock_records ("annotations"), "_objectid_value", chat_id);
  const char *transcript = json_object_get_string_member (note, "notetext");
  g_assert_nonnull (strstr (transcript, "customer: Hello, I was charged twice for 1182"));
  g_assert_nonnull (strstr (transcript, "agent: Let me check that for you."));
  g_assert_null (strstr (transcript, "<b>"));

  /* the origin conversation heard about it; a second /handoff reports the first */
  status = purple_cmd_do_command (conv, "handoff", "handoff", &error);
  g_assert_cmpint (status, ==, PURPLE_CMD_STATUS_OK);
  gboolean reported = FALSE;
  for (guint i = 0; i < harness_events.notices->len; i++)
    reported |= strstr (harness_events.notices->pdata[i], "already handed off") != NULL;
  g_assert_true (reported);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);

  /* without a summary, the customer's first message is the subject */
  PurpleConversation *bob = purple_conversation_new (PURPLE_CONV_TYPE_IM, irc, "bob");
  PurpleConvIm *bob_im = purple_conversation_get_im_data (bob);
  purple_conv_im_write (bob_im, "operator", "Hello Bob, how can I help?", PURPLE_MESSAGE_SEND, now - 50);
  purple_conv_im_write (bob_im, "bob", "<b>My</b> parcel is late", PURPLE_MESSAGE_RECV, now - 40);
  purple_conv_im_write (bob_im, "bob", "and the tracking page is blank", PURPLE_MESSAGE_RECV, now - 30);
  g_assert_cmpint (purple_cmd_do_command (bob, "handoff", "handoff", &error), ==, PURPLE_CMD_STATUS_OK);
  gboolean found = FALSE;
  for (guint attempt = 0; attempt < 200 && !found; attempt++)
    {
      JsonArray *records = harness_mock_records ("msdyn_ocliveworkitems");
      for (guint i = 0; i < json_array_get_length (records); i++)
        found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (records, i), "subject"),
                            "My parcel is late") == 0;
      if (!found)
        harness_run_for (50);
    }
  g_assert_true (found);
  purple_conversation_destroy (bob);

  purple_conversation_destroy (conv);
  purple_accounts_delete (irc);
}

static void
test_drop_after_commit_one_record (HarnessFixture *f, gconstpointer data)
{
  /* the server creates the record, then the answer is lost */
  harness_mock_post ("/_mock/faults",
      "{\"count\":1,\"method\":\"POST\",\"path_contains\":\"msdyn_ocliveworkitems\",\"drop\":true,\"phase\":\"after\"}");
  g_autofree char *path = harness_session_file ("web-anonymous.json");
  harness_drop_in_inbox (path, "web-anonymous.json");
  wait_for_buddy (f, "sess_a41d", "open");

  g_autoptr(JsonNode) stored = harness_stored_session ("sess_a41d");
  const char *chat_id = meta_string (stored, "dynamics365_chat_id");
  JsonArray *conversations = harness_mock_records ("msdyn_ocliveworkitems");
  g_assert_cmpuint (json_array_get_length (conversations), ==, 1);
  g_assert_cmpuint (count_records (harness_mock_records ("msdyn_ocliveworkitemcontextitems"),
                                   "_msdyn_ocliveworkitemid_value", chat_id), ==, 2);
  /* the failure was ambiguous: it read the record by its id before creating
   * again, found it, and never sent a second create */
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
  g_assert_cmpuint (harness_mock_count ("GET", chat_id), ==, 1);
}

static void
test_failure_leaves_no_audit_then_retry (HarnessFixture *f, gconstpointer data)
{
  harness_mock_post ("/_mock/faults",
      "{\"count\":1,\"method\":\"POST\",\"path_contains\":\"msdyn_ocliveworkitems\",\"status\":400,"
      "\"body\":{\"error\":{\"code\":\"0x80040203\",\"message\":\"Invalid argument.\"}}}");
  g_autofree char *path = harness_session_file ("web-anonymous.json");
  harness_drop_in_inbox (path, "web-anonymous.json");
  wait_for_buddy (f, "sess_a41d", "failed");
  const char *message = NULL;
  harness_buddy_status (f->account, "sess_a41d", &message);
  g_assert_nonnull (strstr (message, "Invalid argument"));

  g_autoptr(JsonNode) stored = harness_stored_session ("sess_a41d");
  g_assert_nonnull (stored);
  JsonObject *stored_root = json_node_get_object (stored);
  JsonObject *meta = json_object_has_member (stored_root, "meta") ? json_object_get_object_member (stored_root, "meta") : NULL;
  if (meta)
    {
      GList *members = json_object_get_members (meta);
      for (GList *l = members; l; l = l->next)
        g_assert_false (g_str_has_prefix (l->data, "dynamics365_"));
      g_list_free (members);
    }

  /* "Retry handoff" from the buddy menu */
  PurpleBuddy *buddy = purple_find_buddy (f->account, "sess_a41d");
  PurplePlugin *prpl = purple_find_prpl ("prpl-omnichannel");
  GList *menu = PURPLE_PLUGIN_PROTOCOL_INFO (prpl)->blist_node_menu ((PurpleBlistNode *) buddy);
  PurpleMenuAction *retry = NULL;
  for (GList *l = menu; l; l = l->next)
    if (g_strcmp0 (((PurpleMenuAction *) l->data)->label, "Retry handoff") == 0)
      retry = l->data;
  g_assert_nonnull (retry);
  ((void (*) (PurpleBlistNode *, gpointer)) retry->callback) ((PurpleBlistNode *) buddy, retry->data);
  g_list_free_full (menu, (GDestroyNotify) purple_menu_action_free);
  wait_for_buddy (f, "sess_a41d", "open");

  g_autoptr(JsonNode) after = harness_stored_session ("sess_a41d");
  g_assert_nonnull (meta_string (after, "dynamics365_chat_id"));
  g_assert_nonnull (meta_string (after, "handed_off_at"));
}

static void
test_restart_resumes_pending (HarnessFixture *f, gconstpointer data)
{
  /* Dynamics is down: the handoff waits, retrying */
  harness_mock_post ("/_mock/faults",
      "{\"count\":100,\"method\":\"POST\",\"path_contains\":\"msdyn_ocliveworkitems\",\"status\":503,\"retry_after\":\"1\"}");
  g_autofree char *path = harness_session_file ("whatsapp.json");
  harness_drop_in_inbox (path, "whatsapp.json");
  RetryWait wait = { f->account, "wa_77e0" };
  harness_run_until (message_has_retry, &wait, 20);
  const char *message = NULL;
  g_assert_cmpstr (harness_buddy_status (f->account, "wa_77e0", &message), ==, "handing-off");
  g_assert_nonnull (strstr (message, "HTTP 503"));

  /* the client goes away with the session pending… */
  purple_account_disconnect (f->account);
  harness_run_for (50);
  harness_mock_post ("/_mock/reset", NULL);

  /* …and the next sign-in picks it up from the store */
  harness_connect (f->account);
  wait_for_buddy (f, "wa_77e0", "open");
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, 1);
}

static void
test_inbox_and_cli_at_once (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *path = harness_session_file ("web-verified.json");
  g_autofree char *other_store = g_dir_make_tmp ("omnichannel-cli-XXXXXX", NULL);
  const char *argv[] = { g_getenv ("OMNICHANNEL_CLI"), "--environment", harness_mock_url (),
                         "--authority", harness_mock_url (), "--tenant-id", MOCK_TENANT,
                         "--client-id", MOCK_CLIENT, "--store", other_store, "handoff", path, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "OMNICHANNEL_CLIENT_SECRET", MOCK_SECRET, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  harness_drop_in_inbox (path, "web-verified.json");

  g_autofree char *output = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &output, NULL, &error));
  g_test_message ("cli: %s", output);
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  wait_for_buddy (f, "sess_8f2c", "open");

  g_autoptr(JsonNode) stored = harness_stored_session ("sess_8f2c");
  const char *chat_id = meta_string (stored, "dynamics365_chat_id");
  g_assert_nonnull (strstr (output, chat_id));      /* both name the same record */
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, 1);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", other_store);
  g_assert_cmpint (system (cmd), ==, 0);
}

static void
test_file_chooser_and_window (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *path = harness_session_file ("phone.json");
  harness_answer_file_requests (path);
  PurplePlugin *prpl = purple_find_prpl ("prpl-omnichannel");
  GList *actions = PURPLE_PLUGIN_ACTIONS (prpl, purple_account_get_connection (f->account));
  g_assert_nonnull (actions);
  PurplePluginAction *action = actions->data;
  g_assert_cmpstr (action->label, ==, "Hand off a session file…");
  action->plugin = prpl;
  action->context = purple_account_get_connection (f->account);
  action->callback (action);
  g_list_free_full (actions, (GDestroyNotify) purple_plugin_action_free);
  harness_answer_file_requests (NULL);
  wait_for_buddy (f, "call_19b3", "case-open");
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));   /* the user's file is not moved */

  /* typing into a handoff's window sends nothing and says why */
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, f->account, "call_19b3");
  guint before = harness_mock_count ("POST", "/");
  purple_conv_im_send (purple_conversation_get_im_data (conv), "Are you there?");
  gboolean told = FALSE;
  for (guint i = 0; i < harness_events.notices->len; i++)
    told |= strstr (harness_events.notices->pdata[i], "Omnichannel Agent app") != NULL;
  g_assert_true (told);
  g_assert_cmpuint (harness_mock_count ("POST", "/"), ==, before);
  purple_conversation_destroy (conv);
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (NULL);
  HARNESS_ADD ("/handoff/inbox-four-sessions", &options, test_inbox_four_sessions);
  HARNESS_ADD ("/handoff/inbox-rejects", &options, test_inbox_rejects);
  HARNESS_ADD ("/handoff/command", &options, test_handoff_command);
  HARNESS_ADD ("/handoff/file-chooser-and-window", &options, test_file_chooser_and_window);
  HARNESS_ADD ("/handoff/exactly-once/drop-after-commit", &options, test_drop_after_commit_one_record);
  HARNESS_ADD ("/handoff/exactly-once/inbox-and-cli-at-once", &options, test_inbox_and_cli_at_once);
  HARNESS_ADD ("/handoff/exactly-once/restart-resumes-pending", &options, test_restart_resumes_pending);
  HARNESS_ADD ("/handoff/failure-leaves-no-audit-then-retry", &options, test_failure_leaves_no_audit_then_retry);
  return harness_run_tests ();
}
