/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-handoffs.c — an account's handoff service in libpurple terms: its
 * store under the purple user dir, started once signed in, the file-chooser
 * intake, and the conversation window of a handoff buddy. */
#include "omni-prpl.h"

#include <libpurple/conversation.h>
#include <libpurple/debug.h>
#include <libpurple/notify.h>
#include <libpurple/request.h>
#include <libpurple/util.h>

#include "oc-error.h"
#include "omni-i18n.h"

OmniAccount *
omni_account_from_purple (PurpleAccount *account)
{
  PurpleConnection *gc = account ? purple_account_get_connection (account) : NULL;
  return gc && PURPLE_CONNECTION_IS_CONNECTED (gc) ? purple_connection_get_protocol_data (gc) : NULL;
}

/* The store decided (and wrote the .reason); this only shows it. @user_data:
 * the PurpleConnection, or NULL for a service opened while offline. */
static void
on_rejected (OcService *service, const char *name, const char *reason, gpointer user_data)
{
  purple_debug_warning ("omnichannel", "%s moved to rejected/: %s\n", name, reason);
  g_autofree char *text = g_strdup_printf (_("%s was moved to rejected/ in %s: %s"), name,
                                           oc_store_get_root (oc_service_get_store (service)), reason);
  purple_notify_error (user_data, _("Session document rejected"), _("A session document was rejected"), text);
}

OcService *
omni_handoffs_open_service (PurpleAccount *account, OmniAccount *omni, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *environment = oc_normalize_service_url (N_("Environment URL"), "https://contoso.crm.dynamics.com",
                                                           purple_account_get_username (account), &host, error);
  if (environment == NULL)
    return NULL;
  g_autofree char *root = oc_store_default_root (purple_user_dir (), host);
  OcService *service = oc_service_new (omni ? omni->connection : NULL, root, error);
  if (service)
    g_signal_connect (service, "rejected", G_CALLBACK (on_rejected), omni ? omni->gc : NULL);
  return service;
}

OcHandoff *
omni_handoffs_lookup (OmniAccount *omni, const char *session_id)
{
  return omni && omni->service ? oc_service_lookup (omni->service, session_id) : NULL;
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

void
omni_handoffs_start (OmniAccount *omni)
{
  g_autoptr(GError) error = NULL;
  omni->service = omni_handoffs_open_service (omni->account, omni, &error);
  if (omni->service == NULL)
    {
      purple_connection_error_reason (omni->gc, PURPLE_CONNECTION_ERROR_OTHER_ERROR, error->message);
      return;
    }
  omni_buddies_connect (omni);
  omni_roster_connect (omni);
  if (!oc_service_start (omni->service, OC_SERVICE_ALL, &error))
    purple_debug_error ("omnichannel", "cannot watch %s: %s\n",
                        oc_store_get_inbox_dir (oc_service_get_store (omni->service)), error->message);
  omni_queue_start (omni);
}

void
omni_handoffs_stop (OmniAccount *omni)
{
  if (omni->service)
    {
      g_signal_handlers_disconnect_by_data (omni->service, omni);
      oc_service_stop (omni->service);
    }
  g_clear_object (&omni->service);
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

typedef struct {
  PurpleAccount *account;
  char          *filename;
  OcSession     *session;
} Chosen;

/* The session is durable (or refused): say so. */
static void
on_file_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Chosen *chosen = user_data;
  OcService *service = OC_SERVICE (source);
  gboolean offline = !oc_service_is_started (service);
  OmniAccount *omni = omni_account_from_purple (chosen->account);
  PurpleConnection *gc = omni ? omni->gc : NULL;
  g_autoptr(GError) error = NULL;
  gboolean known = FALSE;

  if (!oc_service_accept_finish (service, result, &known, &error))
    {
      g_autofree char *text = g_strdup_printf (offline ? _("%s was not accepted: %s") : _("%s was not handed off: %s"),
                                               chosen->filename, error->message);
      purple_notify_error (gc, _("Hand off a session file"), _("The session was not accepted"), text);
    }
  else
    {
      OcHandoff *handoff = oc_service_lookup (service, oc_session_get_id (chosen->session));
      g_autofree char *text = handoff
        ? g_strdup_printf (_("Session %s was accepted: %s."), oc_handoff_get_id (handoff),
                           oc_handoff_get_path_reason (handoff))
        : g_strdup_printf (known ? _("Session %s was already stored; it will be handed off "
                                     "when the account signs in.")
                                 : _("Session %s is stored and will be handed off when the "
                                     "account signs in."), oc_session_get_id (chosen->session));
      purple_notify_info (gc, _("Hand off a session file"), _("Session accepted"), text);
    }
  g_free (chosen->filename);
  oc_session_unref (chosen->session);
  g_free (chosen);
}

static void
on_file_chosen (gpointer user_data, const char *filename)
{
  PurpleAccount *account = user_data;
  OmniAccount *omni = omni_account_from_purple (account);
  g_autoptr(GError) error = NULL;

  if (filename == NULL || *filename == '\0')
    return;

  /* Online or offline, the same parser and the same decision of core;
   * offline, the session waits in the store for the next sign-in. */
  g_autoptr(OcSession) session = oc_session_load_file (filename, &error);
  g_autoptr(OcService) offline = session && omni == NULL ? omni_handoffs_open_service (account, NULL, &error) : NULL;
  OcService *service = omni ? omni->service : offline;
  if (session == NULL || service == NULL)
    {
      g_autofree char *text = g_strdup_printf (omni ? _("%s was not handed off: %s") : _("%s was not accepted: %s"),
                                               filename, error ? error->message
                                                               : _("The Dynamics 365 account is not ready."));
      purple_notify_error (omni ? omni->gc : NULL, _("Hand off a session file"), _("The session was not accepted"),
                           text);
      return;
    }
  Chosen *chosen = g_new0 (Chosen, 1);
  chosen->account = account;
  chosen->filename = g_strdup (filename);
  chosen->session = oc_session_ref (session);
  /* the task holds the service until the write is done */
  oc_service_accept_async (service, session, NULL, on_file_accepted, chosen);
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
