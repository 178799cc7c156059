/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's queue intake (issue 11 item 4) against a real broker
 * (RabbitMQ with rabbitmq_amqp1_0, started by tests/amqp/broker.sh as the
 * amqp suite does) and dynamics-mock: a session published to the queue
 * becomes a handoff buddy; the AMQP password is asked through the request
 * API (answered here as a user would type it) and kept only when
 * "Remember password" is ticked; a wrong password is refused with an error
 * naming the user and the broker's condition, never the password; two
 * accounts on one queue are competing consumers, one record per session.
 * Skipped (TAP "1..0 # SKIP") only when no broker can be started here. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define QUEUE_USER     "desk"
#define QUEUE_PASSWORD "Queue-Passw0rd-of-desk"

static char *broker_dir;
static char *amqp_host;   /* 127.0.0.1:PORT */

/* ---- the broker, through the amqp suite's own script and tool ---- */

static gboolean
run_tool (const char *const *argv, char **out, int *status)
{
  g_autoptr(GError) error = NULL;
  gboolean ran = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, status, &error);
  if (!ran)
    g_printerr ("# %s: %s\n", argv[0], error->message);
  return ran;
}

/* rabbitmqctl against the test's node: @args NULL-terminated. */
static char *
broker_ctl (const char *const *args)
{
  const char *argv[16] = { g_getenv ("BROKER_SH"), "ctl", broker_dir };
  for (guint i = 0; args[i] && i < 12; i++)
    argv[3 + i] = args[i];
  char *out = NULL;
  int status = 0;
  g_assert_true (run_tool (argv, &out, &status));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static gboolean
broker_start (char **why)
{
  broker_dir = g_dir_make_tmp ("oc-queue-broker-XXXXXX", NULL);
  const char *argv[] = { g_getenv ("BROKER_SH"), "start", broker_dir, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!run_tool (argv, &out, &status) || !g_spawn_check_wait_status (status, NULL) ||
      !g_str_has_prefix (out, "AMQP_PORT="))
    {
      *why = g_strdup ("no AMQP 1.0 broker could be started here (scripts/deps.sh installs rabbitmq-server)");
      return FALSE;
    }
  amqp_host = g_strdup_printf ("127.0.0.1:%d", atoi (out + strlen ("AMQP_PORT=")));
  return TRUE;
}

static void
broker_stop (void)
{
  const char *argv[] = { g_getenv ("BROKER_SH"), "stop", broker_dir, NULL };
  g_autofree char *out = NULL;
  run_tool (argv, &out, NULL);
  const char *rm[] = { "rm", "-rf", broker_dir, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Declares @address (RabbitMQ makes /queue/NAME on first attach). */
static void
queue_declare (const char *address)
{
  const char *argv[] = { g_getenv ("AMQP_TOOL"), "drain", amqp_host, address, "100", NULL };
  int status = 0;
  g_autofree char *out = NULL;
  g_assert_true (run_tool (argv, &out, &status));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
publish (const char *address, const char *session_id, const char *summary)
{
  g_autofree char *dir = g_dir_make_tmp ("oc-queue-msg-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "session.json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"channel\":\"web\",\"summary\":\"%s\","
                                           "\"transcript\":[{\"role\":\"customer\",\"text\":\"hello\","
                                           "\"time\":\"2026-12-02T08:00:00Z\"}]}", session_id, summary);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  const char *argv[] = { g_getenv ("AMQP_TOOL"), "send", amqp_host, address, path, NULL };
  int status = 0;
  g_autofree char *out = NULL;
  g_assert_true (run_tool (argv, &out, &status));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);
}

/* Messages ready + unacknowledged of queue @name (-1: no such queue). */
static int
queue_backlog (const char *name)
{
  const char *args[] = { "list_queues", "name", "messages", "messages_unacknowledged", NULL };
  g_autofree char *out = broker_ctl (args);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit_set (lines[i], " \t", -1);
      if (g_strv_length (parts) == 3 && g_str_equal (parts[0], name))
        return atoi (parts[1]) + atoi (parts[2]);
    }
  return -1;
}

static gboolean
two_consumers (gpointer name)
{
  const char *args[] = { "list_queues", "name", "consumers", NULL };
  g_autofree char *out = broker_ctl (args);
  g_autofree char *line = g_strdup_printf ("%s\t2", (const char *) name);
  return strstr (out, line) != NULL;
}

static gboolean
queue_is_empty (gpointer name)
{
  return queue_backlog (name) == 0;
}

/* ---- the user at the password dialog: a request-ui stub ---- */

typedef struct {
  PurpleRequestFields *fields;
  GCallback            ok_cb;
  gpointer             user_data;
  guint                idle;
} Dialog;

static struct {
  const char *password;   /* what the user types (NULL: cancels) */
  gboolean    remember;   /* ticks "Remember password" */
  guint       asked;
  guint       answered;
  char       *primary;    /* of the last dialog */
  gboolean    had_remember_box;
} user;

static gboolean
answer_dialog (gpointer data)
{
  Dialog *dialog = data;
  dialog->idle = 0;
  user.answered++;
  PurpleRequestField *password = purple_request_fields_get_field (dialog->fields, "password");
  PurpleRequestField *remember = purple_request_fields_get_field (dialog->fields, "remember");
  g_assert_nonnull (password);
  g_assert_true (purple_request_field_string_is_masked (password));
  user.had_remember_box = remember != NULL && purple_request_field_get_type (remember) == PURPLE_REQUEST_FIELD_BOOLEAN;
  if (user.password)
    {
      purple_request_field_string_set_value (password, user.password);
      if (remember)
        purple_request_field_bool_set_value (remember, user.remember);
      ((PurpleRequestFieldsCb) dialog->ok_cb) (dialog->user_data, dialog->fields);
    }
  purple_request_close (PURPLE_REQUEST_FIELDS, dialog);
  return G_SOURCE_REMOVE;
}

static void *
request_fields (const char *title, const char *primary, const char *secondary, PurpleRequestFields *fields,
                const char *ok_text, GCallback ok_cb, const char *cancel_text, GCallback cancel_cb,
                PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data)
{
  user.asked++;
  g_free (user.primary);
  user.primary = g_strdup (primary);
  Dialog *dialog = g_new0 (Dialog, 1);
  dialog->fields = fields;
  dialog->ok_cb = ok_cb;
  dialog->user_data = user_data;
  /* a person answers later, never from inside the call */
  dialog->idle = g_idle_add (answer_dialog, dialog);
  return dialog;
}

static void
close_request (PurpleRequestType type, void *ui_handle)
{
  if (type != PURPLE_REQUEST_FIELDS)
    return;
  Dialog *dialog = ui_handle;
  g_clear_handle_id (&dialog->idle, g_source_remove);
  purple_request_fields_destroy (dialog->fields);
  g_free (dialog);
}

static PurpleRequestUiOps request_ops = {
  .request_fields = request_fields,
  .close_request = close_request,
};

/* ---- the tests ---- */

/* harness_account_new's account, or (@username) a second one set up the
 * same way for the same mock under another name. */
static PurpleAccount *
queue_account (const char *username, const char *queue, const char *queue_user)
{
  PurpleAccount *account = NULL;
  if (username == NULL)
    account = harness_account_new ();
  else
    {
      account = purple_account_new (username, "prpl-omnichannel");
      purple_account_set_password (account, MOCK_SECRET);
      purple_account_set_remember_password (account, TRUE);
      purple_account_set_string (account, "tenant_id", MOCK_TENANT);
      purple_account_set_string (account, "client_id", MOCK_CLIENT);
      purple_account_set_string (account, "workstream_id", MOCK_WORKSTREAM);
      purple_account_set_string (account, "authority", harness_mock_url ());
      purple_accounts_add (account);
    }
  g_autofree char *url = g_strdup_printf ("amqp://%s", amqp_host);
  purple_account_set_string (account, "intake_amqp_url", url);
  purple_account_set_string (account, "intake_amqp_user", queue_user);
  purple_account_set_string (account, "intake_queue", queue);
  return account;
}

/* The refusal is shown, naming the user and the broker's condition. */
static gboolean
refusal_shown (gpointer data)
{
  for (guint i = 0; i < harness_events.notices->len; i++)
    {
      const char *notice = harness_events.notices->pdata[i];
      if (strstr (notice, "The queue intake stopped") && strstr (notice, "user " QUEUE_USER) &&
          strstr (notice, "amqp:unauthorized-access"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
asked_once (gpointer data)
{
  return user.answered == 1;
}

static void
reset (void)
{
  harness_mock_post ("/_mock/reset", NULL);
  harness_events_reset ();
  user.asked = 0;
  user.answered = 0;
  user.had_remember_box = FALSE;
}

static void
handoff_from_queue (gboolean remember)
{
  reset ();
  const char *queue = remember ? "/queue/desk-remember" : "/queue/desk-forget";
  const char *id = remember ? "queue-remembered-1" : "queue-not-remembered-1";
  queue_declare (queue);
  user.password = QUEUE_PASSWORD;
  user.remember = remember;
  PurpleAccount *account = queue_account (NULL, queue, QUEUE_USER);
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
  harness_run_until (asked_once, NULL, 10);
  g_assert_true (user.had_remember_box);
  g_assert_nonnull (strstr (user.primary, QUEUE_USER));

  publish (queue, id, "From the queue");
  harness_wait_buddy (account, id, NULL, NULL);   /* its record exists */
  harness_run_until (queue_is_empty, (gpointer) (queue + strlen ("/queue/")), 30);
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, 1);
  g_assert_nonnull (harness_stored_session (id));
  const char *kept = purple_account_get_string (account, "intake_amqp_password", NULL);
  if (remember)
    g_assert_cmpstr (kept, ==, QUEUE_PASSWORD);
  else
    g_assert_true (kept == NULL || *kept == '\0');
  g_assert_cmpuint (user.asked, ==, 1);

  /* the next sign-in: a remembered password is used, a forgotten one asked again */
  purple_account_disconnect (account);
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
  g_autofree char *second = g_strconcat (id, "-again", NULL);
  publish (queue, second, "From the queue, again");
  harness_wait_buddy (account, second, NULL, NULL);
  g_assert_cmpuint (user.asked, ==, remember ? 1 : 2);
  harness_account_finish (account);
}

static void
test_remember (void)
{
  handoff_from_queue (TRUE);
}

static void
test_not_remembered (void)
{
  handoff_from_queue (FALSE);
}

static void
test_wrong_password (void)
{
  reset ();
  queue_declare ("/queue/desk-wrong");
  user.password = "Not-The-Passw0rd";
  user.remember = TRUE;
  PurpleAccount *account = queue_account (NULL, "/queue/desk-wrong", QUEUE_USER);
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
  harness_run_until (refusal_shown, NULL, 30);
  for (guint i = 0; i < harness_events.notices->len; i++)
    g_assert_null (strstr (harness_events.notices->pdata[i], "Not-The-Passw0rd"));
  /* the refused password is not kept, whatever the box said */
  const char *kept = purple_account_get_string (account, "intake_amqp_password", NULL);
  g_assert_true (kept == NULL || *kept == '\0');
  harness_account_finish (account);
}

typedef struct {
  PurpleAccount *a, *b;
  guint          n;
} Pair;

static gboolean
every_session_a_buddy (gpointer data)
{
  Pair *pair = data;
  for (guint i = 0; i < pair->n; i++)
    {
      g_autofree char *id = g_strdup_printf ("shared-%u", i);
      const char *a = harness_buddy_status (pair->a, id, NULL);
      const char *b = harness_buddy_status (pair->b, id, NULL);
      if ((a == NULL || g_str_equal (a, "handing-off")) && (b == NULL || g_str_equal (b, "handing-off")))
        return FALSE;
    }
  return TRUE;
}

/* Two Pidgin accounts consume one queue. */
static void
test_competing_consumers (void)
{
  reset ();
  queue_declare ("/queue/desk-shared");
  user.password = QUEUE_PASSWORD;
  user.remember = TRUE;
  PurpleAccount *a = queue_account (NULL, "/queue/desk-shared", QUEUE_USER);
  harness_connect (a);
  g_assert_true (harness_events.signed_on);
  /* The same environment under another account name. (One process has one
   * purple user dir, so both desks keep their sessions in the one store of
   * this host; on two machines each has its own. What competes here is the
   * queue: each message is taken and settled by one consumer.) */
  g_autofree char *username = g_strdup_printf ("%s/", harness_mock_url ());
  PurpleAccount *b = queue_account (username, "/queue/desk-shared", QUEUE_USER);
  harness_events.signed_on = FALSE;
  harness_connect (b);
  g_assert_true (harness_events.signed_on);

  harness_run_until (two_consumers, "desk-shared", 20);   /* both desks are on the queue */
  Pair pair = { a, b, 12 };
  for (guint i = 0; i < pair.n; i++)
    {
      g_autofree char *id = g_strdup_printf ("shared-%u", i);
      g_autofree char *summary = g_strdup_printf ("Shared queue %u", i);
      publish ("/queue/desk-shared", id, summary);
    }
  harness_run_until (every_session_a_buddy, &pair, 60);
  harness_run_until (queue_is_empty, "desk-shared", 30);
  /* exactly one record per session, whichever desk made it */
  g_assert_cmpuint (json_array_get_length (harness_mock_records ("msdyn_ocliveworkitems")), ==, pair.n);
  harness_account_delete (b);   /* its store goes with the purple user dir */
  harness_account_finish (a);
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  purple_request_set_ui_ops (&request_ops);
  g_autofree char *why = NULL;
  if (!broker_start (&why))
    {
      printf ("1..0 # SKIP %s\n", why);
      if (broker_dir)
        broker_stop ();
      harness_quit ();
      return 0;
    }
  harness_mock_start (NULL);
  const char *add_user[] = { "add_user", QUEUE_USER, QUEUE_PASSWORD, NULL };
  const char *permit[] = { "set_permissions", "-p", "/", QUEUE_USER, ".*", ".*", ".*", NULL };
  g_free (broker_ctl (add_user));
  g_free (broker_ctl (permit));

  g_test_add_func ("/queue/remember", test_remember);
  g_test_add_func ("/queue/not-remembered", test_not_remembered);
  g_test_add_func ("/queue/wrong-password", test_wrong_password);
  g_test_add_func ("/queue/competing-consumers", test_competing_consumers);
  int status = g_test_run ();
  broker_stop ();
  harness_quit ();
  return status;
}
