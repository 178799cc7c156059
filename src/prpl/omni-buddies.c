/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-buddies.c — one buddy per handoff (SPEC §6.1): presence pushed only
 * when it really changed, every text markup-escaped (customer and rep names
 * are untrusted), a tooltip that answers "where is it and why", and closed
 * handoffs leaving the list after the retention time. */
#include "omni-prpl.h"

#include <libpurple/blist.h>
#include <libpurple/conversation.h>
#include <libpurple/request.h>
#include <libpurple/server.h>

#include "oc-codes.h"
#include "oc-presence.h"
#include "omni-i18n.h"

static const char *
alias_for (OcHandoff *handoff)
{
  OcSession *session = oc_handoff_get_session (handoff);
  /* a record someone else created has no session document: show its subject */
  if (oc_handoff_is_foreign (handoff) && oc_session_get_summary (session))
    return oc_session_get_summary (session);
  const char *name = oc_session_get_customer_name (session);
  const char *email = oc_session_get_customer_email (session);
  return name && *name ? name : email && *email ? email : _("Anonymous visitor");
}

PurpleGroup *
omni_buddies_group (OmniAccount *omni, const char *suffix)
{
  const char *alias = purple_account_get_alias (omni->account);
  const OcSettings *settings = oc_connection_get_settings (omni->connection);
  g_autofree char *base = alias && *alias ? g_strdup (alias)
                                          : g_strdup_printf ("Dynamics 365 (%s)", settings->environment_host);
  g_autofree char *name = suffix ? g_strdup_printf ("%s · %s", base, suffix) : g_steal_pointer (&base);
  PurpleGroup *group = purple_find_group (name);
  if (group == NULL)
    {
      group = purple_group_new (name);
      purple_blist_add_group (group, NULL);
    }
  return group;
}

/* A system line in the conversation /handoff was typed in, if it is open. */
static void
write_to_origin (OcHandoff *handoff, const char *text, PurpleMessageFlags extra)
{
  const char *username, *protocol, *who;
  if (!oc_session_get_origin (oc_handoff_get_session (handoff), &username, &protocol, &who))
    return;
  PurpleAccount *account = purple_accounts_find (username, protocol);
  PurpleConversation *conv = account ? purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, who, account)
                                     : NULL;
  if (conv == NULL)
    return;
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  purple_conversation_write (conv, NULL, escaped, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LINKIFY | extra,
                             time (NULL));
}

static void
set_alias (PurpleBuddy *buddy, OcHandoff *handoff)
{
  const char *alias = alias_for (handoff);
  if (g_strcmp0 (purple_buddy_get_server_alias (buddy), alias) != 0)
    purple_blist_server_alias_buddy (buddy, alias);
}

/* The status message, with the handoff's raised alert if it has one. */
static void
push_status (OmniAccount *omni, const char *id, const char *status_id, const char *message)
{
  const char *alert = oc_service_get_alert (omni->service, id);
  /* TRANSLATORS: a status message and the alert it gained:
   * "Waiting · Tier 1 Chat · ⚠ Waiting 6 min — longer than 5 min, no rep yet" */
  g_autofree char *text = alert ? g_strdup_printf (_("%s · ⚠ %s"), message, alert) : g_strdup (message);
  /* status messages are markup in libpurple (Pidgin renders them, BitlBee
   * strips tags and decodes entities): names are untrusted, so escape */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  purple_prpl_got_user_status (omni->account, id, status_id, "message", escaped, NULL);
}

static void
push_current_status (OmniAccount *omni, OcHandoff *handoff)
{
  const char *id = oc_handoff_get_id (handoff);
  if (purple_find_buddy (omni->account, id) == NULL)
    return;
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  push_status (omni, id, presence.status_id, presence.message);
  oc_presence_clear (&presence);
}

/* A stuck handoff: its status message says so, and the line arrives the way
 * libpurple's own attention requests do (serv_got_im with SYSTEM | NOTIFY |
 * RECV, got_attention in prpl.c), which opens the window and is what
 * Pidgin's notification plugins, Finch and BitlBee surface; the /handoff
 * origin conversation gets the line too. */
static void
on_alert_raised (OcService *service, OcHandoff *handoff, OcAlertKind kind, guint elapsed_s, guint threshold_s,
                 const char *line, gpointer user_data)
{
  OmniAccount *omni = user_data;
  const char *id = oc_handoff_get_id (handoff);
  if (purple_find_buddy (omni->account, id) == NULL)
    return;
  push_current_status (omni, handoff);
  g_autofree char *escaped = g_markup_escape_text (line, -1);
  serv_got_im (omni->gc, id, escaped, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NOTIFY | PURPLE_MESSAGE_RECV |
                                      PURPLE_MESSAGE_NO_LINKIFY, time (NULL));

  /* TRANSLATORS: in the conversation /handoff came from: "Ann Lee: Waiting 6 min — …" */
  g_autofree char *text = g_strdup_printf (_("%s: %s"), alias_for (handoff), line);
  write_to_origin (handoff, text, PURPLE_MESSAGE_NOTIFY);
}

/* Back under the threshold: the status message loses the alert. */
static void
on_alert_cleared (OcService *service, OcHandoff *handoff, OcAlertKind kind, gpointer user_data)
{
  push_current_status (user_data, handoff);
}

/* The service says each change once, with the line to show (if any). */
static void
on_presence (OcService *service, OcHandoff *handoff, const char *previous, const char *status_id,
             const char *message, const char *announcement, gpointer user_data)
{
  OmniAccount *omni = user_data;
  const char *id = oc_handoff_get_id (handoff);
  PurpleBuddy *buddy = purple_find_buddy (omni->account, id);
  if (buddy == NULL)
    {
      buddy = purple_buddy_new (omni->account, id, NULL);
      purple_blist_add_buddy (buddy, NULL, omni_buddies_group (omni, NULL), NULL);
    }
  set_alias (buddy, handoff);
  push_status (omni, id, status_id, message);
  if (announcement)
    {
      omni_handoffs_system_line (omni->account, id, announcement);
      write_to_origin (handoff, announcement, 0);
    }
}

static void
on_changed (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  OmniAccount *omni = user_data;
  PurpleBuddy *buddy = purple_find_buddy (omni->account, oc_handoff_get_id (handoff));
  if (buddy)
    set_alias (buddy, handoff);
}

/* Closed past the retention time: the buddy leaves the list. */
static void
on_removed (OcService *service, const char *session_id, gpointer user_data)
{
  OmniAccount *omni = user_data;
  PurpleBuddy *buddy = purple_find_buddy (omni->account, session_id);
  if (buddy)
    purple_blist_remove_buddy (buddy);
}

void
omni_buddies_connect (OmniAccount *omni)
{
  g_signal_connect (omni->service, "presence-changed", G_CALLBACK (on_presence), omni);
  g_signal_connect (omni->service, "handoff-changed", G_CALLBACK (on_changed), omni);
  g_signal_connect (omni->service, "handoff-removed", G_CALLBACK (on_removed), omni);
  g_signal_connect (omni->service, "alert-raised", G_CALLBACK (on_alert_raised), omni);
  g_signal_connect (omni->service, "alert-cleared", G_CALLBACK (on_alert_cleared), omni);
}

static OcHandoff *
handoff_for (PurpleBuddy *buddy)
{
  OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
  return omni_handoffs_lookup (omni, purple_buddy_get_name (buddy));
}

char *
omni_buddies_status_text (PurpleBuddy *buddy)
{
  OcHandoff *handoff = handoff_for (buddy);
  if (handoff == NULL)
    return omni_roster_status_text (buddy);
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
  const char *alert = omni ? oc_service_get_alert (omni->service, oc_handoff_get_id (handoff)) : NULL;
  g_autofree char *text = alert ? g_strdup_printf (_("%s · ⚠ %s"), presence.message, alert)
                                : g_strdup (presence.message);
  oc_presence_clear (&presence);
  return g_markup_escape_text (text, -1);
}

static void
add_row (PurpleNotifyUserInfo *info, const char *label, const char *value)
{
  if (value && *value)
    purple_notify_user_info_add_pair_plaintext (info, label, value);
}

static char *
format_time (gint64 unix_seconds)
{
  if (unix_seconds <= 0)
    return NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_seconds);
  return when ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : NULL;
}

static void
add_duration_row (PurpleNotifyUserInfo *info, const char *label, gint64 seconds)
{
  if (seconds <= 0)
    return;
  g_autofree char *text = oc_presence_format_duration (seconds);
  add_row (info, label, text);
}

/* Dynamics' metric columns once it has computed them; the time so far
 * while the state lasts. */
static void
add_metric_rows (PurpleNotifyUserInfo *info, const OcLiveState *live)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  add_duration_row (info, _("First wait"), live->first_wait_s);
  if (live->handle_s > 0)
    add_duration_row (info, _("Handle time"), live->handle_s);
  else if (live->agent_assigned_on > 0 && live->statecode == OC_CONVERSATION_STATE_OPEN)
    add_duration_row (info, _("Handle time so far"), now - live->agent_assigned_on);
  if (live->wrapup_s > 0)
    add_duration_row (info, _("Wrap-up time"), live->wrapup_s);
  else if (live->wrapup_on > 0 && live->statuscode == OC_CONVERSATION_STATUS_WRAP_UP)
    add_duration_row (info, _("Wrap-up so far"), now - live->wrapup_on);
}

void
omni_buddies_tooltip (PurpleBuddy *buddy, PurpleNotifyUserInfo *info, gboolean full)
{
  OcHandoff *handoff = handoff_for (buddy);
  if (handoff == NULL)
    {
      omni_roster_tooltip (buddy, info);
      return;
    }

  OcSession *session = oc_handoff_get_session (handoff);
  const OcLiveState *live = oc_handoff_get_live (handoff);
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;

  add_row (info, _("State"), presence.message);
  add_row (info, _("Session"), oc_session_get_id (session));
  add_row (info, _("Channel"), oc_session_get_channel (session));
  add_row (info, _("Path"), oc_handoff_get_path_reason (handoff));
  add_row (info, is_case ? _("Case id") : _("Conversation id"), oc_handoff_get_record_id (handoff));
  add_row (info, _("Ticket"), oc_handoff_get_ticket_number (handoff));
  add_row (info, _("Queue"), live->queue_name ? live->queue_name : oc_handoff_get_case_queue_name (handoff));
  if (!is_case)
    {
      OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
      add_row (info, _("Rep"), live->agent_name);
      add_row (info, _("Workstream"), live->workstream_name ? live->workstream_name
                                      : omni ? oc_connection_get_workstream_name (omni->connection) : NULL);
    }

  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *details[] = { oc_session_get_customer_name (session), oc_session_get_customer_email (session),
                            oc_session_get_customer_phone (session) };
  for (gsize i = 0; i < G_N_ELEMENTS (details); i++)
    if (details[i] && *details[i])
      g_ptr_array_add (parts, (gpointer) details[i]);
  g_ptr_array_add (parts, NULL);
  g_autofree char *customer = parts->len > 1 ? g_strjoinv (", ", (char **) parts->pdata)
                                             : g_strdup (oc_handoff_is_foreign (handoff) ? NULL : _("Anonymous visitor"));
  add_row (info, _("Customer"), customer);
  add_row (info, _("Contact"), oc_handoff_get_contact_note (handoff));
  add_row (info, _("Case queue"), oc_handoff_get_queue_note (handoff));
  add_row (info, _("Unified routing"), oc_handoff_get_routing_note (handoff));

  if (live->created_on > 0 && !is_case)
    {
      gint64 until = live->assigned_on > 0 ? live->assigned_on : g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *waited = oc_presence_format_duration (until - live->created_on);
      add_row (info, live->assigned_on > 0 ? _("Waited") : _("Waiting for"), waited);
      g_autofree char *created = format_time (live->created_on);
      add_row (info, _("Created"), created);
    }
  else if (live->created_on > 0)
    {
      g_autofree char *created = format_time (live->created_on);
      add_row (info, _("Created"), created);
    }
  else
    add_row (info, _("Created"), oc_session_get_meta_string (session, "handed_off_at"));
  if (!is_case)
    add_metric_rows (info, live);
  OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
  add_row (info, _("Alert"), omni ? oc_service_get_alert (omni->service, oc_handoff_get_id (handoff)) : NULL);
  oc_presence_clear (&presence);
}

static void
on_retry (PurpleBlistNode *node, gpointer data)
{
  PurpleBuddy *buddy = (PurpleBuddy *) node;
  OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
  if (omni && omni->service)
    oc_service_retry (omni->service, purple_buddy_get_name (buddy));
}

static void
on_show_id (PurpleBlistNode *node, gpointer data)
{
  PurpleBuddy *buddy = (PurpleBuddy *) node;
  OcHandoff *handoff = handoff_for (buddy);
  if (handoff == NULL)
    return;
  /* libpurple has no clipboard API: an input field with the id selected is
   * what every UI (Pidgin, Finch) lets the user copy from. */
  purple_request_input (purple_account_get_connection (purple_buddy_get_account (buddy)),
                        _("Record id"), _("Dynamics 365 record id"),
                        oc_handoff_get_path_reason (handoff), oc_handoff_get_record_id (handoff),
                        FALSE, FALSE, NULL, _("Close"), NULL, NULL, NULL,
                        purple_buddy_get_account (buddy), purple_buddy_get_name (buddy), NULL, NULL);
}

GList *
omni_buddies_menu (PurpleBlistNode *node)
{
  if (!PURPLE_BLIST_NODE_IS_BUDDY (node))
    return NULL;
  OcHandoff *handoff = handoff_for ((PurpleBuddy *) node);
  if (handoff == NULL)
    return NULL;

  GList *menu = NULL;
  if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_FAILED)
    menu = g_list_append (menu, purple_menu_action_new (_("Retry handoff"), PURPLE_CALLBACK (on_retry), NULL, NULL));
  menu = g_list_append (menu, purple_menu_action_new (_("Copy record id"), PURPLE_CALLBACK (on_show_id), NULL, NULL));
  return menu;
}
