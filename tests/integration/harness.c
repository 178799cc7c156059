/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"
#include "oc-test-fs.h"
#include "purple-glib-loop.h"

HarnessEvents harness_events;

static char        *user_dir;
static JsonNode    *records_node;
static char        *file_answer;
static GSubprocess *mock_process;
static char        *mock_url;
static char       **mock_args;      /* the extra arguments of the running mock */
static SoupSession *control_session;
static int          handle;   /* address used as the signal handle */

/* ---- UI ops that record what a user would see ---- */

static void
connect_progress (PurpleConnection *gc, const char *text, size_t step, size_t step_count)
{
  g_ptr_array_add (harness_events.progress, g_strdup (text));
  if (g_getenv ("HARNESS_VERBOSE"))
    g_printerr ("progress: %s\n", text);
}

static PurpleConnectionUiOps connection_ops = {
  .connect_progress = connect_progress,
};

static void
write_conv (PurpleConversation *conv, const char *who, const char *alias, const char *message,
            PurpleMessageFlags flags, time_t mtime)
{
  g_ptr_array_add (harness_events.notices, g_strdup_printf ("[%s] %s", purple_conversation_get_name (conv), message));
}

static PurpleConversationUiOps conversation_ops = {
  .write_conv = write_conv,
};

static void *
notify_message (PurpleNotifyMsgType type, const char *title, const char *primary, const char *secondary)
{
  g_ptr_array_add (harness_events.notices, g_strdup_printf ("%s: %s", primary ? primary : "", secondary ? secondary : ""));
  return NULL;
}

static PurpleNotifyUiOps notify_ops = {
  .notify_message = notify_message,
};

static PurpleBlistUiOps blist_ops;   /* zero: libpurple fills in saving */


static void *
request_file (const char *title, const char *filename, gboolean savedialog, GCallback ok_cb,
              GCallback cancel_cb, PurpleAccount *account, const char *who, PurpleConversation *conv,
              void *user_data)
{
  if (file_answer)
    ((PurpleRequestFileCb) ok_cb) (user_data, file_answer);
  else if (cancel_cb)
    ((PurpleRequestFileCb) cancel_cb) (user_data, NULL);
  /* libpurple keeps every request until it is closed: give it a handle */
  return &file_answer;
}

static void
close_request (PurpleRequestType type, void *ui_handle)
{
}

static void *
request_input (const char *title, const char *primary, const char *secondary, const char *default_value,
               gboolean multiline, gboolean masked, gchar *hint, const char *ok_text, GCallback ok_cb,
               const char *cancel_text, GCallback cancel_cb, PurpleAccount *account, const char *who,
               PurpleConversation *conv, void *user_data)
{
  g_ptr_array_add (harness_events.notices, g_strdup_printf ("input: %s: %s", title ? title : "",
                                                            default_value ? default_value : ""));
  return &file_answer;
}

static PurpleRequestUiOps request_ops = {
  .request_input = request_input,
  .request_file = request_file,
  .close_request = close_request,
};

void
harness_answer_file_requests (const char *path)
{
  g_free (file_answer);
  file_answer = g_strdup (path);
}

static void
ui_prefs_init (void)
{
  purple_glib_loop_quiet_network_prefs ();
}

static void
ui_init (void)
{
  purple_connections_set_ui_ops (&connection_ops);
  purple_conversations_set_ui_ops (&conversation_ops);
  purple_notify_set_ui_ops (&notify_ops);
  purple_blist_set_ui_ops (&blist_ops);
  purple_request_set_ui_ops (&request_ops);
}

static PurpleCoreUiOps core_ops = {
  .ui_prefs_init = ui_prefs_init,
  .ui_init = ui_init,
};

static void
on_signed_on (PurpleConnection *gc, gpointer data)
{
  harness_events.signed_on = TRUE;
}

static void
on_connection_error (PurpleConnection *gc, PurpleConnectionError reason, const char *description, gpointer data)
{
  harness_events.errored = TRUE;
  harness_events.reason = reason;
  g_free (harness_events.description);
  harness_events.description = g_strdup (description);
}

void
harness_events_reset (void)
{
  harness_events.signed_on = FALSE;
  harness_events.errored = FALSE;
  harness_events.reason = PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  g_clear_pointer (&harness_events.description, g_free);
  g_clear_pointer (&harness_events.progress, g_ptr_array_unref);
  g_clear_pointer (&harness_events.notices, g_ptr_array_unref);
  harness_events.progress = g_ptr_array_new_with_free_func (g_free);
  harness_events.notices = g_ptr_array_new_with_free_func (g_free);
}

void
harness_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  harness_events_reset ();

  user_dir = g_dir_make_tmp ("omnichannel-purple-XXXXXX", NULL);
  g_assert_nonnull (user_dir);
  purple_util_set_user_dir (user_dir);
  purple_debug_set_enabled (g_getenv ("PURPLE_DEBUG") != NULL);
  purple_core_set_ui_ops (&core_ops);
  purple_eventloop_set_ui_ops (purple_glib_loop_ops ());

  const char *plugin_dir = g_getenv ("OMNICHANNEL_PLUGIN_DIR");
  g_assert_nonnull (plugin_dir);
  purple_plugins_add_search_path (plugin_dir);
  if (g_getenv ("LOOPBACK_PLUGIN_DIR"))
    purple_plugins_add_search_path (g_getenv ("LOOPBACK_PLUGIN_DIR"));
  g_assert_true (purple_core_init (HARNESS_UI_ID));
  purple_set_blist (purple_blist_new ());
  purple_blist_load ();

  PurplePlugin *prpl = purple_find_prpl ("prpl-omnichannel");
  g_assert_nonnull (prpl);
  g_assert_cmpstr (purple_plugin_get_name (prpl), ==, "Dynamics 365 Omnichannel");
  g_assert_true (g_str_has_prefix (prpl->path, plugin_dir));   /* the build, not an installed copy */

  purple_signal_connect (purple_connections_get_handle (), "signed-on", &handle, PURPLE_CALLBACK (on_signed_on), NULL);
  purple_signal_connect (purple_connections_get_handle (), "connection-error", &handle,
                         PURPLE_CALLBACK (on_connection_error), NULL);
  control_session = soup_session_new ();
}

void
harness_quit (void)
{
  purple_signals_disconnect_by_handle (&handle);
  harness_mock_stop ();
  purple_core_quit ();
  g_clear_object (&control_session);
  oc_test_remove_tree (user_dir);
  g_clear_pointer (&user_dir, g_free);
  g_clear_pointer (&harness_events.description, g_free);
  g_clear_pointer (&harness_events.progress, g_ptr_array_unref);
  g_clear_pointer (&harness_events.notices, g_ptr_array_unref);
  g_clear_pointer (&records_node, json_node_unref);
  g_clear_pointer (&file_answer, g_free);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

const char *
harness_mock_start (const char *const *extra_args)
{
  const char *binary = g_getenv ("DYNAMICS_MOCK");
  const char *seed = g_getenv ("MOCK_SEED");
  g_assert_nonnull (binary);
  g_assert_nonnull (seed);

  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  g_ptr_array_add (argv, "--seed");
  g_ptr_array_add (argv, (char *) seed);
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);
  g_strfreev (mock_args);
  mock_args = g_strdupv ((char **) extra_args);

  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* a test that aborts must not leave its mock server behind */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  mock_process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock_process));
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "URL=http://127.0.0.1:"));
  mock_url = g_strdup (line + strlen ("URL="));
  return mock_url;
}

void
harness_mock_stop (void)
{
  if (mock_process == NULL)
    return;
  g_subprocess_send_signal (mock_process, SIGTERM);
  g_subprocess_wait (mock_process, NULL, NULL);
  g_clear_object (&mock_process);
  g_clear_pointer (&mock_url, g_free);
  g_clear_pointer (&mock_args, g_strfreev);
}

const char *
harness_mock_url (void)
{
  return mock_url;
}

JsonNode *
harness_mock_control (const char *method, const char *path, const char *json_body)
{
  g_autofree char *url = g_strconcat (mock_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  if (json_body)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (control_session, message, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (message) >= 300)
    g_error ("mock control %s %s → %u", method, path, soup_message_get_status (message));
  gsize size = 0;
  const char *data = g_bytes_get_data (reply, &size);
  g_autofree char *text = g_strndup (data, size);
  return size ? json_from_string (text, NULL) : NULL;
}

void
harness_mock_post (const char *path, const char *json_body)
{
  JsonNode *reply = harness_mock_control ("POST", path, json_body);
  if (reply)
    json_node_unref (reply);
}

PurpleAccount *
harness_account_new (void)
{
  PurpleAccount *account = purple_account_new (mock_url, "prpl-omnichannel");
  purple_account_set_password (account, MOCK_SECRET);
  purple_account_set_remember_password (account, TRUE);
  purple_account_set_string (account, "tenant_id", MOCK_TENANT);
  purple_account_set_string (account, "client_id", MOCK_CLIENT);
  purple_account_set_string (account, "workstream_id", MOCK_WORKSTREAM);
  purple_account_set_string (account, "authority", mock_url);
  purple_accounts_add (account);
  return account;
}

static gboolean is_disconnected (gpointer account);

void
harness_account_delete (PurpleAccount *account)
{
  /* a connection error schedules the teardown with the account pointer:
   * let it run before the account is freed */
  if (harness_events.errored)
    harness_run_until (is_disconnected, account, 10);
  purple_account_set_enabled (account, HARNESS_UI_ID, FALSE);
  purple_accounts_delete (account);
  harness_run_for (20);
}

static gboolean
signed_on_or_errored (gpointer data)
{
  return harness_events.signed_on || harness_events.errored;
}

static gboolean
is_disconnected (gpointer account)
{
  return purple_account_is_disconnected (account);
}

void
harness_connect (PurpleAccount *account)
{
  /* after an error libpurple tears the old connection down from a 0 ms timeout */
  harness_run_until (is_disconnected, account, 10);
  harness_events_reset ();
  if (purple_account_get_enabled (account, HARNESS_UI_ID))
    purple_account_connect (account);
  else
    purple_account_set_enabled (account, HARNESS_UI_ID, TRUE);
  harness_run_until (signed_on_or_errored, NULL, 30);
}

static gboolean
on_guard (gpointer data)
{
  gboolean *expired = data;
  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
harness_run_until (gboolean (*predicate) (gpointer), gpointer data, guint timeout_s)
{
  gboolean expired = FALSE;
  guint guard = g_timeout_add_seconds (timeout_s, on_guard, &expired);
  while (!predicate (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("timed out after %u s", timeout_s);
  g_source_remove (guard);
}

void
harness_run_for (guint ms)
{
  gboolean expired = FALSE;
  guint guard = g_timeout_add (ms, on_guard, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
  (void) guard;
}

char *
harness_store_path (const char *sub)
{
  return g_build_filename (user_dir, "omnichannel", "127.0.0.1", sub, NULL);
}

char *
harness_stored_name (const char *session_id)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, session_id, -1);
  return g_strdup_printf ("%.32s.json", digest);
}

char *
harness_stored_path (const char *session_id)
{
  g_autofree char *name = harness_stored_name (session_id);
  g_autofree char *dir = harness_store_path ("sessions");
  return g_build_filename (dir, name, NULL);
}

JsonNode *
harness_stored_session (const char *session_id)
{
  g_autofree char *path = harness_stored_path (session_id);
  g_autofree char *contents = NULL;
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return json_from_string (contents, NULL);
}

void
harness_drop_in_inbox (const char *source_path, const char *name)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (source_path, &contents, &length, NULL));
  g_autofree char *inbox = harness_store_path ("inbox");
  g_assert_cmpint (g_mkdir_with_parents (inbox, 0700), ==, 0);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.part", inbox, name);
  g_autofree char *final = g_build_filename (inbox, name, NULL);
  g_assert_true (g_file_set_contents (tmp, contents, (gssize) length, NULL));
  g_assert_cmpint (g_rename (tmp, final), ==, 0);
}

void
harness_drop_document (const char *name, const char *json)
{
  g_autofree char *dir = g_dir_make_tmp ("omnichannel-doc-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  harness_drop_in_inbox (path, name);
  g_unlink (path);
  g_rmdir (dir);
}

JsonArray *
harness_mock_records (const char *entity_set)
{
  g_autofree char *path = g_strdup_printf ("/_mock/store/%s", entity_set);
  g_clear_pointer (&records_node, json_node_unref);
  records_node = harness_mock_control ("GET", path, NULL);
  g_assert_nonnull (records_node);
  return json_node_get_array (records_node);
}

guint
harness_mock_count (const char *method, const char *needle)
{
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  guint count = 0;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      if (g_strcmp0 (json_object_get_string_member (request, "method"), method) == 0 &&
          strstr (json_object_get_string_member (request, "path"), needle))
        count++;
    }
  return count;
}

const char *
harness_buddy_status (PurpleAccount *account, const char *name, const char **message)
{
  PurpleBuddy *buddy = purple_find_buddy (account, name);
  if (buddy == NULL)
    return NULL;
  PurpleStatus *status = purple_presence_get_active_status (purple_buddy_get_presence (buddy));
  if (message)
    *message = purple_status_get_attr_string (status, "message");
  return purple_status_get_id (status);
}

void
harness_reset_store (void)
{
  g_autofree char *root = harness_store_path ("");
  oc_test_remove_tree (root);
}

typedef struct {
  PurpleAccount *account;
  const char    *name;
  const char    *status;
  const char    *needle;
} BuddyWait;

static gboolean
buddy_matches (gpointer data)
{
  const BuddyWait *wait = data;
  const char *message = NULL;
  const char *status = harness_buddy_status (wait->account, wait->name, &message);
  if (status == NULL)
    return FALSE;
  if (wait->status ? !g_str_equal (status, wait->status) : g_str_equal (status, "handing-off"))
    return FALSE;
  return wait->needle == NULL || (message && strstr (message, wait->needle));
}

void
harness_wait_buddy (PurpleAccount *account, const char *name, const char *status, const char *needle)
{
  BuddyWait wait = { account, name, status, needle };
  harness_run_until (buddy_matches, &wait, 40);
}

const char *
harness_record_id (const char *session_id)
{
  g_autoptr(JsonNode) stored = harness_stored_session (session_id);
  g_assert_nonnull (stored);
  JsonObject *root = json_node_get_object (stored);
  g_assert_true (json_object_has_member (root, "meta"));
  JsonObject *meta = json_object_get_object_member (root, "meta");
  const char *id = json_object_get_string_member_with_default (meta, "dynamics365_chat_id", NULL);
  if (id == NULL)
    id = json_object_get_string_member_with_default (meta, "dynamics365_incident_id", NULL);
  g_assert_nonnull (id);
  return g_intern_string (id);
}

void
harness_account_finish (PurpleAccount *account)
{
  harness_account_delete (account);
  harness_reset_store ();
}

/* ---- small helpers the test files share ---- */

const char *const harness_manual_routing[] = { "--assign-after", "0", "--wrap-up-after", "0",
                                               "--close-after", "0", NULL };

int
harness_run_tests (void)
{
  int status = g_test_run ();
  harness_quit ();
  return status;
}

gboolean
harness_noticed (const char *needle)
{
  for (guint i = 0; i < harness_events.notices->len; i++)
    if (strstr (harness_events.notices->pdata[i], needle))
      return TRUE;
  return FALSE;
}

char *
harness_session_file (const char *name)
{
  g_assert_nonnull (g_getenv ("SESSIONS_DIR"));
  return g_build_filename (g_getenv ("SESSIONS_DIR"), name, NULL);
}

void
harness_mock_set_state (const char *entity, const char *id, int statecode, int statuscode, int reason,
                        const char *agent, const char *modifiedon)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_string_printf (body, "{\"entity\":\"%s\",\"id\":\"%s\",\"statecode\":%d,\"statuscode\":%d", entity, id,
                   statecode, statuscode);
  if (reason)
    g_string_append_printf (body, ",\"reason\":%d", reason);
  if (agent)
    g_string_append_printf (body, ",\"agent\":\"%s\"", agent);
  if (modifiedon)
    g_string_append_printf (body, ",\"modifiedon\":\"%s\"", modifiedon);
  g_string_append (body, "}");
  harness_mock_post ("/_mock/state", body->str);
}

void
harness_mock_clear_requests (void)
{
  JsonNode *cleared = harness_mock_control ("DELETE", "/_mock/requests", NULL);
  if (cleared)
    json_node_unref (cleared);
}

typedef struct {
  PurpleAccount *account;
  const char    *name;
  gboolean       present;
} PresenceWait;

static gboolean
buddy_presence_is (gpointer data)
{
  const PresenceWait *wait = data;
  return (purple_find_buddy (wait->account, wait->name) != NULL) == wait->present;
}

void
harness_wait_buddy_present (PurpleAccount *account, const char *name, gboolean present, guint timeout_s)
{
  PresenceWait wait = { account, name, present };
  harness_run_until (buddy_presence_is, &wait, timeout_s);
}

char *
harness_buddy_tooltip (PurpleBuddy *buddy)
{
  PurplePlugin *prpl = purple_find_prpl ("prpl-omnichannel");
  PurpleNotifyUserInfo *info = purple_notify_user_info_new ();
  PURPLE_PLUGIN_PROTOCOL_INFO (prpl)->tooltip_text (buddy, info, TRUE);
  char *tooltip = purple_notify_user_info_get_text_with_newline (info, "\n");
  purple_notify_user_info_destroy (info);
  return tooltip;
}

void
harness_reconnect (PurpleAccount *account)
{
  purple_account_disconnect (account);
  harness_run_for (50);
  harness_connect (account);
}

PurpleAccount *
harness_loopback_account_new (void)
{
  PurpleAccount *irc = purple_account_new ("operator", "prpl-omnichannel-test-loopback");
  purple_accounts_add (irc);
  purple_account_set_enabled (irc, HARNESS_UI_ID, TRUE);
  g_assert_true (purple_account_is_connected (irc));
  return irc;
}

/* ---- fixtures ---- */

static const HarnessOptions default_options;

void
harness_fixture_set_up (HarnessFixture *f, gconstpointer options)
{
  f->options = options ? options : &default_options;
  if (f->options->mock_args)
    {
      f->mock_args = g_strdupv (mock_args);
      harness_mock_stop ();
      harness_mock_start (f->options->mock_args);
    }
  harness_mock_post ("/_mock/reset", NULL);
  harness_events_reset ();
  f->account = harness_account_new ();
  if (f->options->anonymous_contact_id)
    purple_account_set_string (f->account, "anonymous_contact_id", f->options->anonymous_contact_id);
  if (f->options->case_queue_id)
    purple_account_set_string (f->account, "case_queue_id", f->options->case_queue_id);
  if (f->options->show)
    purple_account_set_string (f->account, "show", f->options->show);
  if (!f->options->offline)
    harness_fixture_sign_in (f);
}

void
harness_fixture_sign_in (HarnessFixture *f)
{
  harness_connect (f->account);
  g_assert_true (harness_events.signed_on);
}

void
harness_fixture_tear_down (HarnessFixture *f, gconstpointer unused)
{
  harness_account_finish (f->account);
  f->account = NULL;
  if (f->options->mock_args)
    {
      harness_mock_stop ();
      harness_mock_start ((const char *const *) f->mock_args);
      g_clear_pointer (&f->mock_args, g_strfreev);
    }
}
