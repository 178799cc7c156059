/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-handoffs.c — an account's handoff machinery in libpurple terms: the
 * store under the purple user dir, the engine and inbox once signed in, the
 * file-chooser intake, and the conversation window of a handoff buddy. */
#include "omni-prpl.h"

#include <libpurple/conversation.h>
#include <libpurple/debug.h>
#include <libpurple/notify.h>
#include <libpurple/request.h>
#include <libpurple/util.h>
#include <glib/gstdio.h>

#include "oc-error.h"
#include "omni-i18n.h"

OmniAccount *
omni_account_from_purple (PurpleAccount *account)
{
  PurpleConnection *gc = account ? purple_account_get_connection (account) : NULL;
  return gc && PURPLE_CONNECTION_IS_CONNECTED (gc) ? purple_connection_get_protocol_data (gc) : NULL;
}

OcStore *
omni_handoffs_open_store (PurpleAccount *account, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *environment = oc_normalize_service_url ("Environment URL", "https://contoso.crm.dynamics.com",
                                                           purple_account_get_username (account), &host, error);
  if (environment == NULL)
    return NULL;
  g_autofree char *root = oc_store_default_root (purple_user_dir (), host);
  return oc_store_new (root, error);
}

OcHandoff *
omni_handoffs_lookup (OmniAccount *omni, const char *session_id)
{
  return omni && omni->engine ? oc_handoff_engine_lookup (omni->engine, session_id) : NULL;
}

void
omni_handoffs_system_line (PurpleAccount *account, const char *who, const char *text)
{
  PurpleConversation *conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, who, account);
  if (conv == NULL)
    return;
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  purple_conversation_write (conv, NULL, escaped, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LINKIFY, time (NULL));
}

static void
on_handoff (OcHandoffEngine *engine, OcHandoff *handoff, gpointer user_data)
{
  OmniAccount *omni = user_data;
  omni_buddies_sync (omni, handoff);
  /* a record Dynamics has not reported on yet: ask soon, not at the next tick */
  if (omni->watcher && oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED &&
      oc_handoff_get_live (handoff)->statecode < 0)
    oc_watcher_poke (omni->watcher);
}

/* The store decided (and wrote the .reason); this only shows it. @user_data:
 * the PurpleConnection, or NULL for a store opened while offline. */
static void
on_rejected (OcStore *store, const char *name, const char *reason, gpointer user_data)
{
  purple_debug_warning ("omnichannel", "%s moved to rejected/: %s\n", name, reason);
  g_autofree char *text = g_strdup_printf (_("%s was moved to rejected/ in %s: %s"), name,
                                           oc_store_get_root (store), reason);
  purple_notify_error (user_data, _("Session document rejected"), _("A session document was rejected"), text);
}

gulong
omni_handoffs_watch_store (OcStore *store, PurpleConnection *gc)
{
  return g_signal_connect (store, "rejected", G_CALLBACK (on_rejected), gc);
}

static gboolean
on_retention_tick (gpointer user_data)
{
  omni_buddies_expire (user_data);
  return G_SOURCE_CONTINUE;
}

void
omni_handoffs_start (OmniAccount *omni)
{
  g_autoptr(GError) error = NULL;
  omni->store = omni_handoffs_open_store (omni->account, &error);
  if (omni->store == NULL)
    {
      purple_connection_error_reason (omni->gc, PURPLE_CONNECTION_ERROR_OTHER_ERROR, error->message);
      return;
    }
  omni->rejected_handler = omni_handoffs_watch_store (omni->store, omni->gc);
  omni->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  omni->engine = oc_handoff_engine_new (omni->connection, omni->store);
  omni->added_handler = g_signal_connect (omni->engine, "handoff-added", G_CALLBACK (on_handoff), omni);
  omni->changed_handler = g_signal_connect (omni->engine, "handoff-changed", G_CALLBACK (on_handoff), omni);
  omni->watcher = oc_watcher_new (omni->connection, omni->engine);
  oc_handoff_engine_resume (omni->engine);
  oc_watcher_start (omni->watcher);

  omni->inbox = oc_inbox_new (omni->store, omni->engine);
  if (!oc_inbox_start (omni->inbox, &error))
    purple_debug_error ("omnichannel", "cannot watch %s: %s\n", oc_store_get_inbox_dir (omni->store), error->message);
  omni_buddies_expire (omni);
  omni->retention_source = g_timeout_add_seconds (60, on_retention_tick, omni);
}

void
omni_handoffs_stop (OmniAccount *omni)
{
  g_clear_handle_id (&omni->retention_source, g_source_remove);
  g_clear_handle_id (&omni->expire_idle, g_source_remove);
  if (omni->inbox)
    {
      oc_inbox_stop (omni->inbox);
      g_clear_object (&omni->inbox);
    }
  if (omni->watcher)
    {
      oc_watcher_stop (omni->watcher);
      g_clear_object (&omni->watcher);
    }
  if (omni->engine)
    {
      g_clear_signal_handler (&omni->added_handler, omni->engine);
      g_clear_signal_handler (&omni->changed_handler, omni->engine);
      oc_handoff_engine_shutdown (omni->engine);
      g_clear_object (&omni->engine);
    }
  if (omni->store)
    g_clear_signal_handler (&omni->rejected_handler, omni->store);
  g_clear_object (&omni->store);
  g_clear_pointer (&omni->shown, g_hash_table_unref);
}

/* ---- the conversation window of a handoff buddy ---- */

int
omni_handoffs_send_im (PurpleConnection *gc, const char *who, const char *message, PurpleMessageFlags flags)
{
  /* The rep's conversation lives in Dynamics; nothing typed here goes anywhere. */
  omni_handoffs_system_line (purple_connection_get_account (gc), who,
      _("Not sent: this window only mirrors the handoff's status. The rep continues the "
        "conversation in the Omnichannel Agent app."));
  return 0;
}

/* ---- "Hand off a session file…" ---- */

static void
on_file_chosen (gpointer user_data, const char *filename)
{
  PurpleAccount *account = user_data;
  OmniAccount *omni = omni_account_from_purple (account);
  g_autoptr(GError) error = NULL;

  if (filename == NULL || *filename == '\0')
    return;

  if (omni && omni->inbox)
    {
      OcHandoff *handoff = oc_inbox_take_file (omni->inbox, filename, FALSE, &error);
      if (handoff == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s was not handed off: %s"), filename, error->message);
          purple_notify_error (omni->gc, _("Hand off a session file"), _("The session was not accepted"), text);
          return;
        }
      g_autofree char *text = g_strdup_printf (_("Session %s was accepted: %s."), oc_handoff_get_id (handoff),
                                               oc_handoff_get_path_reason (handoff));
      purple_notify_info (omni->gc, _("Hand off a session file"), _("Session accepted"), text);
      return;
    }

  /* Offline: the same parser and the same store decision as online; the
   * session waits in the store for the next sign-in. */
  g_autoptr(OcSession) session = oc_session_load_file (filename, &error);
  g_autoptr(OcStore) store = session ? omni_handoffs_open_store (account, &error) : NULL;
  g_autoptr(OcSession) stored = NULL;
  if (store)
    omni_handoffs_watch_store (store, NULL);
  if (store == NULL || !oc_store_accept (store, session, &stored, &error))
    {
      g_autofree char *text = g_strdup_printf (_("%s was not accepted: %s"), filename, error->message);
      purple_notify_error (NULL, _("Hand off a session file"), _("The session was not accepted"), text);
      return;
    }
  g_autofree char *text = g_strdup_printf (stored ? _("Session %s was already stored; it will be handed off "
                                                      "when the account signs in.")
                                                  : _("Session %s is stored and will be handed off when the "
                                                      "account signs in."), oc_session_get_id (session));
  purple_notify_info (NULL, _("Hand off a session file"), _("Session accepted"), text);
}

static void
action_hand_off_file (PurplePluginAction *action)
{
  PurpleConnection *gc = action->context;
  PurpleAccount *account = purple_connection_get_account (gc);
  purple_request_file (gc, _("Hand off a session file…"), NULL, FALSE,
                       G_CALLBACK (on_file_chosen), NULL, account, NULL, NULL, account);
}

GList *
omni_handoffs_actions (PurplePlugin *plugin, gpointer context)
{
  return g_list_append (NULL, purple_plugin_action_new (_("Hand off a session file…"), action_hand_off_file));
}
