/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stuck-handoff alerts in the plugin against dynamics-mock (routing off, so
 * a conversation stays waiting): once the waiting threshold passes, with no
 * new row, a notify-flagged system line arrives in the handoff's window and
 * in the /handoff origin, the buddy's status message gains the alert; once
 * only; a rep accepting clears it. The outbox has every state change. */
#include <string.h>

#include "harness.h"

static int handle;
static guint notify_lines;    /* received IMs flagged SYSTEM | NOTIFY: what notification plugins see */
static char *notify_sender;

static void
on_received_im (PurpleAccount *account, char *sender, char *message, PurpleConversation *conv,
                PurpleMessageFlags flags, gpointer data)
{
  if ((flags & PURPLE_MESSAGE_SYSTEM) && (flags & PURPLE_MESSAGE_NOTIFY) && (flags & PURPLE_MESSAGE_RECV) &&
      strstr (message, "no rep yet"))
    {
      notify_lines++;
      g_free (notify_sender);
      notify_sender = g_strdup (sender);
    }
}

static guint
count_notices (const char *prefix, const char *needle)
{
  guint count = 0;
  for (guint i = 0; i < harness_events.notices->len; i++)
    {
      const char *line = harness_events.notices->pdata[i];
      if (g_str_has_prefix (line, prefix) && strstr (line, needle))
        count++;
    }
  return count;
}

static gboolean
alert_arrived (gpointer data)
{
  return notify_lines > 0;
}

static gboolean
outbox_has_active (gpointer path)
{
  g_autofree char *contents = NULL;
  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, "\"status\":\"active\"");
}

static const char *
session_from_notices (void)
{
  for (guint i = 0; i < harness_events.notices->len; i++)
    {
      const char *at = strstr (harness_events.notices->pdata[i], "Accepted as session ");
      if (at)
        {
          g_autofree char *copy = g_strndup (at + strlen ("Accepted as session "), strlen ("purple-") + 20);
          return g_intern_string (copy);
        }
    }
  return NULL;
}

static void
test_waiting_alert (void)
{
  harness_mock_post ("/_mock/reset", NULL);
  PurpleAccount *account = harness_account_new ();
  purple_account_set_string (account, "alert_waiting_minutes", "0.02");   /* 1 s */
  harness_connect (account);
  g_assert_true (harness_events.signed_on);

  PurpleAccount *irc = purple_account_new ("operator", "prpl-omnichannel-test-loopback");
  purple_accounts_add (irc);
  purple_account_set_enabled (irc, HARNESS_UI_ID, TRUE);
  PurpleConversation *conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, irc, "ada");
  purple_conv_im_write (purple_conversation_get_im_data (conv), "ada", "My parcel is late", PURPLE_MESSAGE_RECV,
                        time (NULL));
  g_autofree char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (conv, "handoff Parcel late", "handoff Parcel late", &error), ==,
                   PURPLE_CMD_STATUS_OK);
  const char *id = session_from_notices ();
  g_assert_nonnull (id);
  harness_wait_buddy (account, id, "open", NULL);

  /* no rep: the alert comes from the plugin's own timer */
  harness_run_until (alert_arrived, NULL, 30);
  g_assert_cmpstr (notify_sender, ==, id);
  g_autofree char *window = g_strdup_printf ("[%s] ", id);
  g_assert_cmpuint (count_notices (window, "longer than 1 s, no rep yet"), ==, 1);
  g_assert_cmpuint (count_notices ("[ada] ", "longer than 1 s, no rep yet"), ==, 1);
  const char *message = NULL;
  g_assert_cmpstr (harness_buddy_status (account, id, &message), ==, "open");
  g_assert_nonnull (strstr (message, "Waiting · "));
  g_assert_nonnull (strstr (message, "⚠ Waiting"));

  /* polls go on (5 s apart while open): once per state, never again */
  harness_run_for (6000);
  g_assert_cmpuint (notify_lines, ==, 1);
  g_assert_cmpuint (count_notices (window, "no rep yet"), ==, 1);

  /* a rep accepts: the alert clears from the status message */
  const char *record = harness_record_id (id);
  g_autofree char *body = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,"
                                           "\"statuscode\":2,\"reason\":192350003,\"agent\":\"%s\"}", record, SEED_REP1);
  harness_mock_post ("/_mock/state", body);
  harness_wait_buddy (account, id, "active", NULL);
  g_assert_cmpstr (harness_buddy_status (account, id, &message), ==, "active");
  g_assert_null (strstr (message, "⚠"));
  g_assert_cmpuint (notify_lines, ==, 1);

  /* the outbox (written off the main loop, so wait for the line): every state change once, seq increasing */
  g_autofree char *events = harness_store_path ("outbox/events.jsonl");
  harness_run_until (outbox_has_active, events, 20);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (events, &contents, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  GString *statuses = g_string_new (NULL);
  gint64 previous = 0;
  for (char **line = lines; *line && **line; line++)
    {
      g_autoptr(JsonNode) node = json_from_string (*line, NULL);
      g_assert_nonnull (node);
      JsonObject *event = json_node_get_object (node);
      g_assert_cmpuint (json_object_get_size (event), ==, 10);
      if (g_strcmp0 (json_object_get_string_member (event, "session_id"), id) != 0)
        continue;
      gint64 seq = json_object_get_int_member (event, "seq");
      g_assert_cmpint (seq, >, previous);
      previous = seq;
      /* a line per change of status, rep, queue, reason or ticket: "open", then "open" in its queue */
      g_autofree char *word = g_strdup_printf ("%s ", json_object_get_string_member (event, "status"));
      if (!g_str_has_suffix (statuses->str, word))
        g_string_append (statuses, word);
    }
  g_assert_cmpstr (statuses->str, ==, "handing-off open active ");
  g_string_free (statuses, TRUE);

  purple_account_set_enabled (irc, HARNESS_UI_ID, FALSE);
  purple_accounts_delete (irc);
  harness_account_finish (account);
}

/* A threshold that is not a number stops the sign-in, naming the field. */
static void
test_bad_threshold (void)
{
  PurpleAccount *account = harness_account_new ();
  purple_account_set_string (account, "alert_wrapup_minutes", "ten");
  harness_connect (account);
  g_assert_false (harness_events.signed_on);
  g_assert_true (harness_events.errored);
  g_assert_cmpint (harness_events.reason, ==, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS);
  g_assert_nonnull (strstr (harness_events.description, "alert_wrapup_minutes"));
  harness_account_finish (account);
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  const char *manual[] = { "--assign-after", "0", "--wrap-up-after", "0", "--close-after", "0", NULL };
  harness_mock_start (manual);
  purple_signal_connect (purple_conversations_get_handle (), "received-im-msg", &handle,
                         PURPLE_CALLBACK (on_received_im), NULL);
  g_test_add_func ("/alerts/waiting", test_waiting_alert);
  g_test_add_func ("/alerts/bad-threshold", test_bad_threshold);
  int status = g_test_run ();
  purple_signals_disconnect_by_handle (&handle);
  harness_quit ();
  g_free (notify_sender);
  return status;
}
