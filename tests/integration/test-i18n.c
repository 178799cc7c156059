/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Translations (issue 9 item 6): under de_DE.UTF-8 the headless plugin shows
 * German sign-in steps, connection errors, buddy status messages and tooltip
 * rows, from core as well as from the plugin, while the persistent ids of
 * SPEC §10 (status ids, the account option keys) stay English.
 *
 * Needs the locale de_DE.UTF-8 (scripts/deps.sh generates it); without it,
 * the test generates one into a temporary LOCPATH with localedef, and skips
 * (never passes) only when that is impossible too. The catalogue comes from
 * the build tree (OMNICHANNEL_LOCALEDIR=<build>/po). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static PurpleAccount *account;

static gboolean
progress_has (const char *needle)
{
  for (guint i = 0; i < harness_events.progress->len; i++)
    if (strstr (g_ptr_array_index (harness_events.progress, i), needle))
      return TRUE;
  return FALSE;
}

static gboolean
noticed (const char *needle)
{
  for (guint i = 0; i < harness_events.notices->len; i++)
    if (strstr (g_ptr_array_index (harness_events.notices, i), needle))
      return TRUE;
  return FALSE;
}

static void
test_wrong_secret_is_german (void)
{
  harness_mock_post ("/_mock/reset", NULL);
  account = harness_account_new ();
  purple_account_set_password (account, "wrong~secret-value");
  harness_connect (account);

  g_assert_true (harness_events.errored);
  g_assert_cmpint (harness_events.reason, ==, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED);
  g_test_message ("connection error: %s", harness_events.description);
  /* core's GError text (oc-token.c), translated */
  g_assert_nonnull (strstr (harness_events.description, "Der geheime Clientschlüssel ist falsch"));
  g_assert_null (strstr (harness_events.description, "client secret is wrong"));
  /* the code Entra ID sent is an id: untouched */
  g_assert_nonnull (strstr (harness_events.description, "AADSTS7000215"));
  /* the sign-in step shown in the connection dialog (oc-connection.c) */
  g_assert_true (progress_has ("Zugriffstoken bei Microsoft Entra ID anfordern"));

  harness_account_finish (account);
  account = NULL;
}

static void
test_buddy_status_is_german (void)
{
  harness_mock_post ("/_mock/reset", NULL);
  account = harness_account_new ();
  harness_connect (account);
  g_assert_true (harness_events.signed_on);

  g_autofree char *file = g_build_filename (g_getenv ("SESSIONS_DIR"), "web-verified.json", NULL);
  harness_drop_in_inbox (file, "web-verified.json");
  /* waiting for a rep: "Waiting · Tier 1 Chat" */
  harness_wait_buddy (account, "sess_8f2c", "open", "Wartet");
  purple_conversation_new (PURPLE_CONV_TYPE_IM, account, "sess_8f2c");   /* where announcements go */

  /* a rep accepts (the mock's control, not a clock): "With Alex Smith" in
   * German, the status id stays the persistent "active", and the system line
   * "Alex Smith accepted after …" is German with a German duration */
  g_autofree char *state = g_strdup_printf ("{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":0,"
                                            "\"statuscode\":2,\"reason\":192350003,\"agent\":\"%s\"}",
                                            harness_record_id ("sess_8f2c"), SEED_REP1);
  harness_mock_post ("/_mock/state", state);
  harness_wait_buddy (account, "sess_8f2c", "active", "Bei ");
  const char *message = NULL;
  const char *status = harness_buddy_status (account, "sess_8f2c", &message);
  g_test_message ("buddy sess_8f2c: %s “%s”", status, message);
  g_assert_cmpstr (status, ==, "active");
  g_assert_true (g_str_has_prefix (message, "Bei "));
  g_assert_null (strstr (message, "With "));
  g_assert_true (noticed ("Alex Smith hat nach "));
  g_assert_false (noticed ("accepted"));

  /* the tooltip: the plugin's labels and core's values, both German */
  PurpleBuddy *buddy = purple_find_buddy (account, "sess_8f2c");
  g_assert_nonnull (buddy);
  PurplePluginProtocolInfo *prpl = PURPLE_PLUGIN_PROTOCOL_INFO (purple_find_prpl ("prpl-omnichannel"));
  PurpleNotifyUserInfo *info = purple_notify_user_info_new ();
  prpl->tooltip_text (buddy, info, TRUE);
  g_autofree char *text = purple_notify_user_info_get_text_with_newline (info, "\n");
  purple_notify_user_info_destroy (info);
  g_test_message ("tooltip:\n%s", text);
  g_assert_nonnull (strstr (text, "Zustand"));       /* "State" */
  g_assert_nonnull (strstr (text, "Kanal"));         /* "Channel" */
  g_assert_nonnull (strstr (text, "Chatkanal"));     /* the path reason, from core */
  g_assert_null (strstr (text, "is a chat channel"));

  /* the account option keys are ids (SPEC §10): the stored account still
   * reads them under their English names */
  g_assert_cmpstr (purple_account_get_string (account, "workstream_id", NULL), ==, MOCK_WORKSTREAM);

  harness_account_finish (account);
  account = NULL;
}

/* de_DE.UTF-8 from the system, or generated into a temporary LOCPATH. */
static gboolean
use_german_locale (char **why)
{
  g_unsetenv ("LANGUAGE");   /* it would take precedence over LC_ALL */
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") != NULL)
    return TRUE;

  g_autofree char *dir = g_dir_make_tmp ("omnichannel-locale-XXXXXX", NULL);
  g_autofree char *out = dir ? g_build_filename (dir, "de_DE.UTF-8", NULL) : NULL;
  const char *argv[] = { "localedef", "-i", "de_DE", "-c", "-f", "UTF-8", out, NULL };
  g_autofree char *err = NULL;
  gint wait_status = 0;
  if (dir == NULL || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                    NULL, NULL, NULL, &err, &wait_status, NULL))
    {
      *why = g_strdup ("the locale de_DE.UTF-8 is not installed and localedef could not run "
                       "(scripts/deps.sh installs and generates it)");
      return FALSE;
    }
  g_setenv ("LOCPATH", dir, TRUE);
  if (setlocale (LC_ALL, "") != NULL)
    return TRUE;
  *why = g_strdup_printf ("the locale de_DE.UTF-8 is not installed and could not be generated "
                          "(localedef: %s); scripts/deps.sh installs and generates it", err ? g_strchomp (err) : "");
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autofree char *why = NULL;
  if (!use_german_locale (&why))
    {
      /* TAP: the whole program skipped, which meson reports as SKIP */
      printf ("1..0 # SKIP %s\n", why);
      return 0;
    }
  g_assert_nonnull (g_getenv ("OMNICHANNEL_LOCALEDIR"));

  harness_init (&argc, &argv);
  const char *const manual[] = { "--assign-after", "0", NULL };   /* states come from the test */
  harness_mock_start (manual);
  g_test_add_func ("/i18n/plugin/wrong-secret-is-german", test_wrong_secret_is_german);
  g_test_add_func ("/i18n/plugin/buddy-status-is-german", test_buddy_status_is_german);
  int status = g_test_run ();
  harness_mock_stop ();
  harness_quit ();
  return status;
}
