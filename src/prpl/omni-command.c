/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-command.c — /handoff [summary] [email=…] [phone=…], typed in an IM
 * conversation of any other account (SPEC §5.1). The session is built from
 * the conversation: a stable id, the buddy's alias, the history as transcript. */
#include "omni-prpl.h"

#include <libpurple/cmds.h>
#include <libpurple/conversation.h>
#include <libpurple/util.h>
#include <string.h>

#include "oc-error.h"
#include "omni-i18n.h"

static PurpleCmdId handoff_cmd;

/* The Dynamics account to hand off through: the first one signed in, else
 * the first one configured (the session then waits in its store). */
static PurpleAccount *
target_account (void)
{
  PurpleAccount *fallback = NULL;
  for (GList *l = purple_accounts_get_all (); l; l = l->next)
    {
      PurpleAccount *account = l->data;
      if (g_strcmp0 (purple_account_get_protocol_id (account), OMNI_PLUGIN_ID) != 0)
        continue;
      if (omni_account_from_purple (account))
        return account;
      if (fallback == NULL)
        fallback = account;
    }
  return fallback;
}

static char *
session_id_for (PurpleConversation *conv)
{
  PurpleAccount *account = purple_conversation_get_account (conv);
  g_autofree char *key = g_strdup_printf ("%s\n%s\n%s", purple_account_get_protocol_id (account),
                                          purple_account_get_username (account),
                                          purple_normalize (account, purple_conversation_get_name (conv)));
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strdup_printf ("purple-%.20s", digest);
}

static char *
iso_time (time_t when)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (when);
  return date ? g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static OcSession *
session_from_conversation (PurpleConversation *conv, const char *id, const char *channel,
                           const char *summary, const char *email, const char *phone)
{
  PurpleAccount *account = purple_conversation_get_account (conv);
  const char *who = purple_conversation_get_name (conv);
  PurpleBuddy *buddy = purple_find_buddy (account, who);
  const char *name = buddy ? purple_buddy_get_alias (buddy) : purple_conversation_get_title (conv);

  OcSession *session = oc_session_new (id, channel);
  oc_session_set_customer (session, name, email, FALSE, phone);   /* typed here: never verified */

  g_autofree char *first_customer_line = NULL;
  GList *history = g_list_copy (purple_conversation_get_message_history (conv));
  history = g_list_reverse (history);   /* libpurple keeps the newest first */
  for (GList *l = history; l; l = l->next)
    {
      PurpleConvMessage *message = l->data;
      PurpleMessageFlags flags = purple_conversation_message_get_flags (message);
      const char *role = (flags & PURPLE_MESSAGE_SEND) ? "agent" : (flags & PURPLE_MESSAGE_RECV) ? "customer" : NULL;
      if (role == NULL || (flags & (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_ERROR)))
        continue;
      g_autofree char *text = purple_markup_strip_html (purple_conversation_message_get_message (message));
      g_autofree char *time = iso_time (purple_conversation_message_get_timestamp (message));
      if (text == NULL || *text == '\0')
        continue;
      oc_session_add_line (session, role, text, time);
      if (first_customer_line == NULL && g_str_equal (role, "customer"))
        first_customer_line = g_strdup (text);
    }
  g_list_free (history);
  oc_session_set_summary (session, summary && *summary ? summary : first_customer_line);

  oc_session_set_origin (session, purple_account_get_username (account), purple_account_get_protocol_id (account),
                         who);
  return session;
}

static void
say (PurpleConversation *conv, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  purple_conversation_write (conv, NULL, escaped, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG, time (NULL));
}

static PurpleCmdRet
cmd_handoff (PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  PurpleAccount *source = purple_conversation_get_account (conv);
  if (purple_conversation_get_type (conv) != PURPLE_CONV_TYPE_IM)
    {
      *error = g_strdup (_("/handoff works in a one-to-one conversation."));
      return PURPLE_CMD_RET_FAILED;
    }
  if (g_strcmp0 (purple_account_get_protocol_id (source), OMNI_PLUGIN_ID) == 0)
    {
      *error = g_strdup (_("This conversation already is a handoff."));
      return PURPLE_CMD_RET_FAILED;
    }
  PurpleAccount *target = target_account ();
  if (target == NULL)
    {
      *error = g_strdup (_("Add a Dynamics 365 Omnichannel account first."));
      return PURPLE_CMD_RET_FAILED;
    }

  /* words: email=… phone=… and the rest is the summary */
  g_autofree char *email = NULL, *phone = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit_set (args && args[0] ? args[0] : "", " \t", -1);
  for (char **w = words; *w; w++)
    {
      if (**w == '\0')
        continue;
      if (g_str_has_prefix (*w, "email="))
        g_free (email), email = g_strdup (*w + 6);
      else if (g_str_has_prefix (*w, "phone="))
        g_free (phone), phone = g_strdup (*w + 6);
      else
        g_string_append_printf (summary, "%s%s", summary->len ? " " : "", *w);
    }

  g_autofree char *id = session_id_for (conv);
  OmniAccount *omni = omni_account_from_purple (target);
  g_autoptr(GError) failure = NULL;
  g_autoptr(OcService) offline = omni ? NULL : omni_handoffs_open_service (target, NULL, &failure);
  OcService *service = omni ? omni->service : offline;
  if (service == NULL)
    {
      *error = g_strdup (failure ? failure->message : _("The Dynamics 365 account is not ready."));
      return PURPLE_CMD_RET_FAILED;
    }

  const char *channel = purple_account_get_string (target, OMNI_OPT_HANDOFF_CHANNEL, OC_DEFAULT_CHANNEL);
  g_autoptr(OcSession) session = session_from_conversation (conv, id, channel && *channel ? channel : "web",
                                                            summary->str, email, phone);
  /* The decision is core's (the same parser and store as every other door):
   * "accepted" is said only once the session is stored and readable. */
  gboolean known = FALSE;
  if (!oc_service_accept (service, session, &known, &failure))
    {
      *error = g_strdup_printf (_("The handoff was not accepted: %s"), failure->message);
      return PURPLE_CMD_RET_FAILED;
    }
  OcHandoff *handoff = oc_service_lookup (service, id);
  g_autofree char *text = NULL;
  if (handoff)
    text = known
      ? g_strdup_printf (_("This conversation was already handed off as session %s (%s). See the buddy "
                           "“%s” in the Dynamics 365 group."), id, oc_handoff_get_path_reason (handoff), id)
      : g_strdup_printf (_("Accepted as session %s: %s."), id, oc_handoff_get_path_reason (handoff));
  else
    text = known
      ? g_strdup_printf (_("This conversation was already handed off as session %s; it is stored and "
                           "will be handed off when the Dynamics 365 account signs in."), id)
      : g_strdup_printf (_("Accepted as session %s. It is stored and will be handed off "
                           "when %s signs in."), id, purple_account_get_username (target));
  say (conv, text);
  return PURPLE_CMD_RET_OK;
}

void
omni_command_register (void)
{
  handoff_cmd = purple_cmd_register ("handoff", "s", PURPLE_CMD_P_PLUGIN,
                                     PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_ALLOW_WRONG_ARGS, NULL,
                                     cmd_handoff,
                                     _("handoff [summary] [email=ADDRESS] [phone=NUMBER]: hand this conversation "
                                       "off to a rep in Dynamics 365 Omnichannel."), NULL);
}

void
omni_command_unregister (void)
{
  if (handoff_cmd)
    purple_cmd_unregister (handoff_cmd);
  handoff_cmd = 0;
}
