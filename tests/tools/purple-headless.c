/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-headless — a minimal libpurple UI for the demo on machines without a
 * terminal: loads the plugin, signs in every account of the given user dir,
 * and prints a timeline of what a Pidgin user would see. */
#include <libpurple/purple.h>
#include <signal.h>
#include <stdio.h>

#include "purple-glib-loop.h"

#define UI_ID "omnichannel-headless"

static gint64     started;
static GMainLoop *loop;
static int        handle;

static void G_GNUC_PRINTF (1, 2)
say (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("[%6.2f s] %s\n", (g_get_monotonic_time () - started) / 1e6, text);
  fflush (stdout);
}

static void
connect_progress (PurpleConnection *gc, const char *text, size_t step, size_t count)
{
  say ("progress %zu/%zu: %s", step + 1, count, text);
}

static PurpleConnectionUiOps connection_ops = { .connect_progress = connect_progress };

static void
write_conv (PurpleConversation *conv, const char *who, const char *alias, const char *message,
            PurpleMessageFlags flags, time_t mtime)
{
  g_autofree char *plain = purple_markup_strip_html (message);
  say ("conversation %s: %s", purple_conversation_get_name (conv), plain);
}

static PurpleConversationUiOps conversation_ops = { .write_conv = write_conv };

static void *
notify_message (PurpleNotifyMsgType type, const char *title, const char *primary, const char *secondary)
{
  say ("notice: %s %s", primary ? primary : "", secondary ? secondary : "");
  return NULL;
}

static PurpleNotifyUiOps notify_ops = { .notify_message = notify_message };
static PurpleBlistUiOps blist_ops;

static void ui_init (void)
{
  purple_connections_set_ui_ops (&connection_ops);
  purple_conversations_set_ui_ops (&conversation_ops);
  purple_notify_set_ui_ops (&notify_ops);
  purple_blist_set_ui_ops (&blist_ops);
}

static PurpleCoreUiOps core_ops = {
  .ui_prefs_init = purple_glib_loop_quiet_network_prefs,
  .ui_init = ui_init,
};

static void
describe_buddy (PurpleBuddy *buddy, const char *what)
{
  PurpleStatus *status = purple_presence_get_active_status (purple_buddy_get_presence (buddy));
  const char *message = purple_status_get_attr_string (status, "message");
  say ("buddy %s (%s) %s: %s%s%s", purple_buddy_get_name (buddy), purple_buddy_get_alias (buddy), what,
       purple_status_get_id (status), message ? " · " : "", message ? message : "");
}

static void on_signed_on (PurpleConnection *gc, gpointer d) { say ("signed on: %s is Active", purple_account_get_username (purple_connection_get_account (gc))); }
static void on_signed_off (PurpleConnection *gc, gpointer d) { say ("signed off"); }
static void on_error (PurpleConnection *gc, PurpleConnectionError reason, const char *text, gpointer d)
{
  say ("connection error (reason %d, %s): %s", reason,
       purple_connection_error_is_fatal (reason) ? "fatal" : "will reconnect", text);
}
static void on_buddy_status (PurpleBuddy *b, PurpleStatus *o, PurpleStatus *n, gpointer d) { describe_buddy (b, "changed"); }
static void on_buddy_on (PurpleBuddy *b, gpointer d) { describe_buddy (b, "appeared"); }
static void on_buddy_off (PurpleBuddy *b, gpointer d) { describe_buddy (b, "went offline"); }

static gboolean on_stop (gpointer d) { g_main_loop_quit (loop); return G_SOURCE_REMOVE; }

int
main (int argc, char **argv)
{
  char *user_dir = NULL, *plugin_dir = NULL;
  int seconds = 20;
  GOptionEntry entries[] = {
    { "user-dir", 0, 0, G_OPTION_ARG_FILENAME, &user_dir, "libpurple user directory", "DIR" },
    { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &plugin_dir, "where libomnichannel.so is", "DIR" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "how long to run (default 20)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL) || !user_dir || !plugin_dir)
    {
      fprintf (stderr, "usage: purple-headless --user-dir DIR --plugin-dir DIR [--seconds N]\n");
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);
  started = g_get_monotonic_time ();
  loop = g_main_loop_new (NULL, FALSE);
  purple_util_set_user_dir (user_dir);
  purple_debug_set_enabled (g_getenv ("PURPLE_DEBUG") != NULL);
  purple_core_set_ui_ops (&core_ops);
  purple_eventloop_set_ui_ops (purple_glib_loop_ops ());
  purple_plugins_add_search_path (plugin_dir);
  if (!purple_core_init (UI_ID))
    return 1;
  purple_set_blist (purple_blist_new ());
  purple_blist_load ();

  void *connections = purple_connections_get_handle ();
  void *blist = purple_blist_get_handle ();
  purple_signal_connect (connections, "signed-on", &handle, PURPLE_CALLBACK (on_signed_on), NULL);
  purple_signal_connect (connections, "signed-off", &handle, PURPLE_CALLBACK (on_signed_off), NULL);
  purple_signal_connect (connections, "connection-error", &handle, PURPLE_CALLBACK (on_error), NULL);
  purple_signal_connect (blist, "buddy-status-changed", &handle, PURPLE_CALLBACK (on_buddy_status), NULL);
  purple_signal_connect (blist, "buddy-signed-on", &handle, PURPLE_CALLBACK (on_buddy_on), NULL);
  purple_signal_connect (blist, "buddy-signed-off", &handle, PURPLE_CALLBACK (on_buddy_off), NULL);

  for (GList *l = purple_accounts_get_all (); l; l = l->next)
    if (g_strcmp0 (purple_account_get_protocol_id (l->data), "prpl-omnichannel") == 0)
      {
        say ("signing in %s", purple_account_get_username (l->data));
        purple_account_set_enabled (l->data, UI_ID, TRUE);
      }

  g_timeout_add_seconds ((guint) MAX (1, seconds), on_stop, NULL);
  g_main_loop_run (loop);
  purple_signals_disconnect_by_handle (&handle);
  purple_core_quit ();
  g_main_loop_unref (loop);
  g_free (user_dir);
  g_free (plugin_dir);
  return 0;
}
