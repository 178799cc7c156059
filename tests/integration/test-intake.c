/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Intake hardening (issue 7): every door validates before "accepted", an
 * unreadable stored session is announced, incoming meta is never trusted,
 * session ids are buddy names as they are, half-written and linked inbox
 * files, and the CLI's check and resume. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MOCK_ANONYMOUS_CONTACT "c0a7ac70-0004-4000-8000-000000000004"

/* Every case gets a freshly reset mock and its own account, signed in or
 * not (the CLI cases do not use it). */
static const HarnessOptions online = { .anonymous_contact_id = MOCK_ANONYMOUS_CONTACT };
static const HarnessOptions offline = { .offline = TRUE, .anonymous_contact_id = MOCK_ANONYMOUS_CONTACT };

static void
write_file (const char *path, const char *text)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static guint
count_entries (const char *sub)
{
  g_autofree char *path = harness_store_path (sub);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

/* ---- 3. accepted, then lost ---- */

static PurpleConversation *
loopback_conversation (PurpleAccount **irc_out, const char *who)
{
  PurpleAccount *irc = harness_loopback_account_new ();
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, irc, who);
  purple_conv_im_write (purple_conversation_get_im_data (conv), who, "My order never came", PURPLE_MESSAGE_RECV,
                        time (NULL) - 30);
  *irc_out = irc;
  return conv;
}

static void
assert_command_refused (PurpleConversation *conv, const char *command, const char *needle)
{
  g_autofree char *error = NULL;
  guint notices = harness_events.notices->len;
  PurpleCmdStatus status = purple_cmd_do_command (conv, command, command, &error);
  g_assert_cmpint (status, ==, PURPLE_CMD_STATUS_FAILED);
  g_assert_nonnull (error);
  g_test_message ("%s → %s", command, error);
  g_assert_nonnull (strstr (error, "not accepted"));
  g_assert_nonnull (strstr (error, needle));
  for (guint i = notices; i < harness_events.notices->len; i++)
    g_assert_null (strstr (harness_events.notices->pdata[i], "Accepted"));
}

/* /handoff email=x (or a phone over 50 characters) is refused by the
 * session rules before anything says "accepted", offline and online. */
static void
test_handoff_command_validates (HarnessFixture *f, gconstpointer data)
{
  PurpleAccount *irc = NULL;
  PurpleConversation *conv = loopback_conversation (&irc, "ada");

  assert_command_refused (conv, "handoff Late parcel email=x", "customer.email");
  assert_command_refused (conv, "handoff Late parcel phone=+44-1632-960001-extension-1234567890-ask-for-ada-please",
                          "customer.phone");
  g_assert_cmpuint (count_entries ("sessions"), ==, 0);

  harness_connect (f->account);
  g_assert_true (harness_events.signed_on);
  assert_command_refused (conv, "handoff Late parcel email=x", "customer.email");
  harness_run_for (200);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 0);
  g_assert_cmpuint (count_entries ("sessions"), ==, 0);

  purple_conversation_destroy (conv);
  purple_accounts_delete (irc);
}

/* A stored session that can no longer be read is moved to rejected/ with
 * its reason and announced at sign-in, never skipped silently. */
static void
test_unreadable_stored_session_announced (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *broken = harness_stored_path ("old-client-1");
  write_file (broken, "{\"id\":\"old-client-1\",\"channel\":\"web\",\"customer\":{\"email\":\"x\"}}");
  g_autofree char *good = harness_stored_path ("good-1");
  write_file (good, "{\"id\":\"good-1\",\"channel\":\"web\",\"summary\":\"still fine\"}");

  harness_connect (f->account);
  g_assert_true (harness_events.signed_on);
  harness_wait_buddy (f->account, "good-1", "open", NULL);

  g_autofree char *name = g_path_get_basename (broken);
  g_autofree char *rejected_dir = harness_store_path ("rejected");
  g_autofree char *moved = g_build_filename (rejected_dir, name, NULL);
  g_autofree char *reason_path = g_strconcat (moved, ".reason", NULL);
  g_assert_false (g_file_test (broken, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_autofree char *reason = NULL;
  g_assert_true (g_file_get_contents (reason_path, &reason, NULL, NULL));
  g_assert_nonnull (strstr (reason, "customer.email"));
  g_assert_true (harness_noticed ("was moved to rejected/"));
  g_assert_true (harness_noticed (name));
  g_assert_null (purple_find_buddy (f->account, "old-client-1"));
}

/* ---- 4. forged success ---- */

static void
test_forged_meta_is_created (HarnessFixture *f, gconstpointer data)
{
  harness_drop_document ("forged.json",
                 "{\"id\":\"forged-1\",\"channel\":\"web\",\"summary\":\"Please call me\","
                 "\"meta\":{\"handed_off\":true,\"handed_off_at\":\"2026-01-01T00:00:00Z\","
                 "\"dynamics365_chat_id\":\"00000000-0000-4000-8000-0000000000aa\"}}");
  harness_drop_document ("forged-case.json",
                 "{\"id\":\"forged-2\",\"channel\":\"email\",\"summary\":\"Refund\","
                 "\"meta\":{\"handed_off\":true,\"dynamics365_incident_id\":\"00000000-0000-4000-8000-0000000000bb\","
                 "\"dynamics365_ticket_number\":\"CAS-FAKE\"}}");
  harness_wait_buddy (f->account, "forged-1", "open", NULL);
  harness_wait_buddy (f->account, "forged-2", "case-open", NULL);

  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
  g_assert_cmpuint (harness_mock_count ("POST", "/incidents"), ==, 1);
  const char *chat_id = harness_record_id ("forged-1");
  g_assert_cmpstr (chat_id, !=, "00000000-0000-4000-8000-0000000000aa");
  const char *incident_id = harness_record_id ("forged-2");
  g_assert_cmpstr (incident_id, !=, "00000000-0000-4000-8000-0000000000bb");

  /* the incoming meta is kept aside, the store's own meta is the truth */
  g_autoptr(JsonNode) stored = harness_stored_session ("forged-1");
  JsonObject *root = json_node_get_object (stored);
  g_assert_true (json_object_has_member (root, "meta_received"));
  JsonObject *meta = json_object_get_object_member (root, "meta");
  g_assert_cmpstr (json_object_get_string_member (meta, "dynamics365_chat_id"), ==, chat_id);
  g_assert_cmpstr (json_object_get_string_member (meta, "handed_off_at"), !=, "2026-01-01T00:00:00Z");
}

/* ---- 10. two session ids, one buddy ---- */

static void
test_unicode_ids_keep_their_buddies (HarnessFixture *f, gconstpointer data)
{
  const char *nfc = "caf\xc3\xa9-1";     /* é as one code point */
  const char *nfd = "cafe\xcc\x81-1";    /* e + combining acute accent */
  g_assert_cmpstr (nfc, !=, nfd);
  harness_drop_document ("nfc.json", "{\"id\":\"caf\xc3\xa9-1\",\"channel\":\"web\",\"customer\":{\"name\":\"Composed\"}}");
  harness_drop_document ("nfd.json", "{\"id\":\"cafe\xcc\x81-1\",\"channel\":\"web\",\"customer\":{\"name\":\"Decomposed\"}}");
  harness_wait_buddy (f->account, nfc, "open", NULL);
  harness_wait_buddy (f->account, nfd, "open", NULL);

  PurpleBuddy *composed = purple_find_buddy (f->account, nfc);
  PurpleBuddy *decomposed = purple_find_buddy (f->account, nfd);
  g_assert_nonnull (composed);
  g_assert_nonnull (decomposed);
  g_assert_true (composed != decomposed);
  g_assert_cmpstr (purple_buddy_get_name (composed), ==, nfc);
  g_assert_cmpstr (purple_buddy_get_name (decomposed), ==, nfd);
  g_assert_cmpstr (purple_buddy_get_alias (composed), ==, "Composed");
  g_assert_cmpstr (purple_buddy_get_alias (decomposed), ==, "Decomposed");
  GSList *buddies = purple_find_buddies (f->account, NULL);
  g_assert_cmpuint (g_slist_length (buddies), ==, 2);
  g_slist_free (buddies);
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 2);
}

/* ---- 11. half-written and linked inbox files ---- */

/* A writer that writes in place and pauses longer than GLib's 2 s "changes
 * done" guess keeps its file until it is finished and quiet. */
static void
test_slow_writer_in_place (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *inbox = harness_store_path ("inbox");
  g_autofree char *path = g_build_filename (inbox, "slow-writer.json", NULL);
  FILE *out = fopen (path, "w");
  g_assert_nonnull (out);
  fputs ("{\"id\":\"slow-2\",\"channel\":\"web\",", out);
  fflush (out);
  harness_run_for (3000);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries ("rejected"), ==, 0);
  fputs ("\"summary\":\"paused for three seconds\"}", out);
  fclose (out);

  harness_wait_buddy (f->account, "slow-2", "open", NULL);
  g_assert_cmpuint (count_entries ("rejected"), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
}

/* A writer that pauses even longer than the settle time has its document
 * rejected while incomplete; when it goes on and finishes (writing into the
 * file it still holds, now in rejected/), the document is looked at again
 * and accepted, and leaves rejected/. */
static void
test_rejected_then_finished (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *inbox = harness_store_path ("inbox");
  g_autofree char *rejected = harness_store_path ("rejected");
  g_autofree char *path = g_build_filename (inbox, "very-slow.json", NULL);
  g_autofree char *moved = g_build_filename (rejected, "very-slow.json", NULL);
  g_autofree char *reason = g_build_filename (rejected, "very-slow.json.reason", NULL);
  FILE *out = fopen (path, "w");
  g_assert_nonnull (out);
  fputs ("{\"id\":\"slow-3\",\"channel\":\"web\",", out);
  fflush (out);
  harness_run_until (file_exists, reason, 30);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (harness_noticed ("very-slow.json"));

  fputs ("\"summary\":\"finally finished\"}", out);
  fclose (out);
  harness_wait_buddy (f->account, "slow-3", "open", NULL);
  g_assert_false (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (reason, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 1);
}

/* A symbolic link in the inbox is refused without reading its target:
 * neither the .reason nor the notification quotes it. */
static void
test_symlink_refused_unread (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *tmp = g_dir_make_tmp ("omnichannel-secret-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (tmp, "shadow", NULL);
  write_file (target, "root:$6$SECRETHASH:19000:0:99999:7:::\n");
  g_autofree char *inbox = harness_store_path ("inbox");
  g_autofree char *link = g_build_filename (inbox, "link.json", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);

  g_autofree char *rejected = harness_store_path ("rejected");
  g_autofree char *reason_path = g_build_filename (rejected, "link.json.reason", NULL);
  harness_run_until (file_exists, reason_path, 20);
  g_autofree char *reason = NULL;
  g_assert_true (g_file_get_contents (reason_path, &reason, NULL, NULL));
  g_assert_nonnull (strstr (reason, "symbolic link"));
  g_assert_null (strstr (reason, "SECRETHASH"));
  g_assert_null (strstr (reason, "root:"));
  g_assert_true (harness_noticed ("link.json"));
  g_assert_false (harness_noticed ("SECRETHASH"));
  g_autofree char *moved = g_build_filename (rejected, "link.json", NULL);
  g_assert_true (g_file_test (moved, G_FILE_TEST_IS_SYMLINK));

  /* and a broken document is described by an excerpt, not quoted whole */
  GString *doc = g_string_new ("{\"id\":\"leak-1\",\"channel\":\"web\",\"summary\": ");
  for (int i = 0; i < 500; i++)
    g_string_append (doc, "PRIVATE");
  g_string_append (doc, "}");
  harness_drop_document ("broken.json", doc->str);
  g_string_free (doc, TRUE);
  g_autofree char *broken_reason = g_build_filename (rejected, "broken.json.reason", NULL);
  harness_run_until (file_exists, broken_reason, 20);
  g_autofree char *broken_text = NULL;
  g_assert_true (g_file_get_contents (broken_reason, &broken_text, NULL, NULL));
  g_assert_cmpuint (strlen (broken_text), <, 200);
  g_assert_nonnull (strstr (broken_text, "not valid JSON at line 1"));
  g_assert_false (harness_noticed ("PRIVATEPRIVATEPRIVATEPRIVATEPRIVATEPRIVATE"));

  g_unlink (target);
  g_rmdir (tmp);
}

/* ---- 13. the CLI ---- */

static int
run_cli (const char *store, const char *const *extra, char **output)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *base[] = { g_getenv ("OMNICHANNEL_CLI"), "--environment", harness_mock_url (),
                         "--authority", harness_mock_url (), "--tenant-id", MOCK_TENANT,
                         "--client-id", MOCK_CLIENT, "--workstream-id", MOCK_WORKSTREAM,
                         "--anonymous-contact-id", MOCK_ANONYMOUS_CONTACT, "--store", store };
  for (gsize i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (gsize i = 0; extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "OMNICHANNEL_CLIENT_SECRET", MOCK_SECRET, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, output, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("cli: %s", *output);
  return g_subprocess_get_if_exited (cli) ? g_subprocess_get_exit_status (cli) : -1;
}

static void
remove_tree (const char *path)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", path);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* `check` exits 0 on success, also in the ASan build (it used to leak its
 * step names, and LeakSanitizer turned success into exit 1). */
static void
test_cli_check_exits_zero (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *store = g_dir_make_tmp ("omnichannel-cli-XXXXXX", NULL);
  g_autofree char *output = NULL;
  const char *args[] = { "check", NULL };
  g_assert_cmpint (run_cli (store, args, &output), ==, 0);
  g_assert_nonnull (strstr (output, "Active: signed in as application user " MOCK_APP_USER));
  remove_tree (store);
}

/* `handoff` resumes what an earlier run left pending, as watch and the plugin do. */
static void
test_cli_handoff_resumes_pending (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *store = g_dir_make_tmp ("omnichannel-cli-XXXXXX", NULL);
  g_autofree char *host_root = g_build_filename (store, "omnichannel", "127.0.0.1", "sessions", NULL);
  g_autofree char *name = harness_stored_name ("left-pending");
  g_autofree char *pending = g_build_filename (host_root, name, NULL);
  write_file (pending, "{\"id\":\"left-pending\",\"channel\":\"web\",\"summary\":\"from an interrupted run\"}");

  g_autofree char *doc = g_build_filename (store, "new.json", NULL);
  write_file (doc, "{\"id\":\"new-one\",\"channel\":\"web\",\"summary\":\"given now\"}");
  g_autofree char *output = NULL;
  const char *args[] = { "handoff", doc, NULL };
  g_assert_cmpint (run_cli (store, args, &output), ==, 0);
  g_assert_nonnull (strstr (output, "new-one: conversation "));
  g_assert_nonnull (strstr (output, "left-pending: conversation "));
  g_assert_nonnull (strstr (output, "resumed"));
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 2);

  g_autofree char *stored = NULL;
  g_assert_true (g_file_get_contents (pending, &stored, NULL, NULL));
  g_assert_nonnull (strstr (stored, "dynamics365_chat_id"));

  /* A resumed session that meets a transient failure does not hold the run
   * (nor its exit status): it stays stored for the next run. */
  harness_mock_post ("/_mock/reset", NULL);
  harness_mock_post ("/_mock/faults",
      "{\"count\":1000,\"method\":\"POST\",\"path_contains\":\"incidents\",\"status\":503,\"retry_after\":\"1\"}");
  g_autofree char *case_name = harness_stored_name ("case-pending");
  g_autofree char *case_path = g_build_filename (host_root, case_name, NULL);
  write_file (case_path, "{\"id\":\"case-pending\",\"channel\":\"phone\",\"summary\":\"Dynamics is down for cases\"}");
  write_file (doc, "{\"id\":\"new-two\",\"channel\":\"web\",\"summary\":\"given now\"}");
  g_autofree char *second = NULL;
  g_assert_cmpint (run_cli (store, args, &second), ==, 0);
  g_assert_nonnull (strstr (second, "new-two: conversation "));
  g_assert_nonnull (strstr (second, "case-pending: still pending"));
  g_assert_true (g_file_test (case_path, G_FILE_TEST_EXISTS));
  remove_tree (store);
}

/* `watch ID` ends when the handoff closes, exits 0 (a leak check under the
 * ASan build), and prints what the store moved to rejected/. */
static void
test_cli_watch_until_closed (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *store = g_dir_make_tmp ("omnichannel-cli-XXXXXX", NULL);
  g_autofree char *doc = g_build_filename (store, "watched.json", NULL);
  write_file (doc, "{\"id\":\"watched-1\",\"channel\":\"web\",\"summary\":\"watch me\"}");
  g_autofree char *output = NULL;
  const char *handoff[] = { "handoff", doc, NULL };
  g_assert_cmpint (run_cli (store, handoff, &output), ==, 0);
  const char *at = strstr (output, "watched-1: conversation ");
  g_assert_nonnull (at);
  g_autofree char *record = g_strndup (at + strlen ("watched-1: conversation "), 36);

  g_autofree char *broken = g_build_filename (store, "omnichannel", "127.0.0.1", "sessions", "broken.json", NULL);
  write_file (broken, "{\"id\":");
  harness_mock_set_state ("msdyn_ocliveworkitems", record, 1, 4, 192350008, NULL, NULL);

  g_autofree char *watched = NULL;
  const char *watch[] = { "watch", "watched-1", NULL };
  g_assert_cmpint (run_cli (store, watch, &watched), ==, 0);
  g_assert_nonnull (strstr (watched, "closed"));
  g_assert_nonnull (strstr (watched, "broken.json: moved to rejected/"));
  g_assert_false (g_file_test (broken, G_FILE_TEST_EXISTS));
  remove_tree (store);
}

/* ---- 12. case properties that would replace the customer ---- */

static void
test_case_properties_refused (HarnessFixture *f, gconstpointer data)
{
  g_autofree char *store = g_dir_make_tmp ("omnichannel-cli-XXXXXX", NULL);
  g_autofree char *doc = g_build_filename (store, "case.json", NULL);
  write_file (doc, "{\"id\":\"case-props\",\"channel\":\"email\",\"customer\":{\"email\":\"ada@example.com\"}}");
  g_autofree char *output = NULL;
  const char *args[] = { "--case-properties",
                         "{\"casetypecode\":2,\"customerid_contact@odata.bind\":\"/contacts(c0a7ac70-0004-4000-8000-000000000004)\"}",
                         "handoff", doc, NULL };
  g_assert_cmpint (run_cli (store, args, &output), ==, 2);
  g_assert_nonnull (strstr (output, "“customerid_contact@odata.bind”"));
  g_assert_cmpuint (harness_mock_count ("POST", "/"), ==, 0);
  remove_tree (store);

  /* the plugin refuses it as a settings error */
  purple_account_set_string (f->account, "case_properties", "{\"ownerid@odata.bind\":\"/systemusers(x)\"}");
  harness_connect (f->account);
  g_assert_true (harness_events.errored);
  g_assert_cmpint (harness_events.reason, ==, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS);
  g_assert_nonnull (strstr (harness_events.description, "“ownerid@odata.bind”"));
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (NULL);
  HARNESS_ADD ("/intake/handoff-command-validates", &offline, test_handoff_command_validates);
  HARNESS_ADD ("/intake/unreadable-stored-session-announced", &offline, test_unreadable_stored_session_announced);
  HARNESS_ADD ("/intake/forged-meta-is-created", &online, test_forged_meta_is_created);
  HARNESS_ADD ("/intake/unicode-ids-keep-their-buddies", &online, test_unicode_ids_keep_their_buddies);
  HARNESS_ADD ("/intake/slow-writer-in-place", &online, test_slow_writer_in_place);
  HARNESS_ADD ("/intake/rejected-then-finished", &online, test_rejected_then_finished);
  HARNESS_ADD ("/intake/symlink-refused-unread", &online, test_symlink_refused_unread);
  HARNESS_ADD ("/intake/cli-check-exits-zero", &offline, test_cli_check_exits_zero);
  HARNESS_ADD ("/intake/cli-handoff-resumes-pending", &offline, test_cli_handoff_resumes_pending);
  HARNESS_ADD ("/intake/cli-watch-until-closed", &offline, test_cli_watch_until_closed);
  HARNESS_ADD ("/intake/case-properties-refused", &offline, test_case_properties_refused);
  return harness_run_tests ();
}
