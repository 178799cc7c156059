/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-buddies.c — one buddy per handoff (SPEC §6.1): presence pushed only
 * when it really changed, every text markup-escaped (customer and rep names
 * are untrusted), a tooltip that answers "where is it and why", and closed
 * handoffs leaving the list after the retention time. */
#include "omni-prpl.h"

#include <libpurple/blist.h>
#include <libpurple/request.h>
#include <string.h>

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

static PurpleGroup *
group_for (OmniAccount *omni)
{
  const char *alias = purple_account_get_alias (omni->account);
  const OcSettings *settings = oc_connection_get_settings (omni->connection);
  g_autofree char *name = alias && *alias ? g_strdup (alias)
                                          : g_strdup_printf ("Dynamics 365 (%s)", settings->environment_host);
  PurpleGroup *group = purple_find_group (name);
  if (group == NULL)
    {
      group = purple_group_new (name);
      purple_blist_add_group (group, NULL);
    }
  return group;
}

static gboolean
is_expired (OmniAccount *omni, OcHandoff *handoff, const char *status_id)
{
  if (g_strcmp0 (status_id, "closed") != 0)
    return FALSE;
  const OcLiveState *live = oc_handoff_get_live (handoff);
  gint64 closed_at = live->modified_on;
  if (closed_at <= 0)
    return FALSE;
  gint64 retention = (gint64) oc_connection_get_settings (omni->connection)->closed_retention_hours * 3600;
  return g_get_real_time () / G_USEC_PER_SEC >= closed_at + retention;
}

static void
announce_to_origin (OmniAccount *omni, OcHandoff *handoff, const char *line)
{
  JsonObject *meta = oc_session_get_meta (oc_handoff_get_session (handoff));
  JsonNode *origin_node = json_object_get_member (meta, "origin");
  if (origin_node == NULL || !JSON_NODE_HOLDS_OBJECT (origin_node))
    return;

  JsonObject *origin = json_node_get_object (origin_node);
  const char *username = json_object_get_string_member_with_default (origin, "account", NULL);
  const char *protocol = json_object_get_string_member_with_default (origin, "protocol", NULL);
  const char *who = json_object_get_string_member_with_default (origin, "who", NULL);
  PurpleAccount *account = username && protocol ? purple_accounts_find (username, protocol) : NULL;
  if (account && who)
    omni_handoffs_system_line (account, who, line);
}

static gboolean
on_expire_idle (gpointer user_data)
{
  OmniAccount *omni = user_data;
  omni->expire_idle = 0;
  omni_buddies_expire (omni);
  return G_SOURCE_REMOVE;
}

void
omni_buddies_sync (OmniAccount *omni, OcHandoff *handoff)
{
  const char *id = oc_handoff_get_id (handoff);
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);

  PurpleBuddy *buddy = purple_find_buddy (omni->account, id);
  if (buddy == NULL)
    {
      if (is_expired (omni, handoff, presence.status_id))
        {
          oc_presence_clear (&presence);
          return;
        }
      buddy = purple_buddy_new (omni->account, id, NULL);
      purple_blist_add_buddy (buddy, NULL, group_for (omni), NULL);
    }
  const char *alias = alias_for (handoff);
  if (g_strcmp0 (purple_buddy_get_server_alias (buddy), alias) != 0)
    purple_blist_server_alias_buddy (buddy, alias);

  g_autofree char *shown = g_strdup_printf ("%s\n%s", presence.status_id, presence.message);
  const char *before = g_hash_table_lookup (omni->shown, id);
  if (g_strcmp0 (before, shown) != 0)
    {
      g_autofree char *before_id = before ? g_strndup (before, strcspn (before, "\n")) : NULL;
      g_autofree char *line = oc_presence_announce (handoff, before_id, g_get_real_time ());

      g_hash_table_insert (omni->shown, g_strdup (id), g_steal_pointer (&shown));
      /* status messages are markup in libpurple (Pidgin renders them, BitlBee
       * strips tags and decodes entities): names are untrusted, so escape */
      g_autofree char *escaped = g_markup_escape_text (presence.message, -1);
      purple_prpl_got_user_status (omni->account, id, presence.status_id, "message", escaped, NULL);
      if (line)
        {
          omni_handoffs_system_line (omni->account, id, line);
          announce_to_origin (omni, handoff, line);
        }
    }
  /* Closed past the retention time (at once when it is 0): leave the list,
   * from an idle, not from inside the handoff's own change signal. */
  if (omni->expire_idle == 0 && is_expired (omni, handoff, presence.status_id))
    omni->expire_idle = g_idle_add (on_expire_idle, omni);
  oc_presence_clear (&presence);
}

void
omni_buddies_expire (OmniAccount *omni)
{
  if (omni->engine == NULL)
    return;
  GPtrArray *handoffs = oc_handoff_engine_list (omni->engine);
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < handoffs->len; i++)
    {
      OcHandoff *handoff = handoffs->pdata[i];
      OcPresence presence = { 0 };
      oc_presence_compute (handoff, g_get_real_time (), &presence);
      if (is_expired (omni, handoff, presence.status_id))
        g_ptr_array_add (expired, g_strdup (oc_handoff_get_id (handoff)));
      oc_presence_clear (&presence);
    }
  for (guint i = 0; i < expired->len; i++)
    {
      const char *id = expired->pdata[i];
      PurpleBuddy *buddy = purple_find_buddy (omni->account, id);
      if (buddy)
        purple_blist_remove_buddy (buddy);
      g_hash_table_remove (omni->shown, id);
      oc_handoff_engine_forget (omni->engine, id);
    }
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
    return NULL;
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  char *text = g_markup_escape_text (presence.message, -1);
  oc_presence_clear (&presence);
  return text;
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

void
omni_buddies_tooltip (PurpleBuddy *buddy, PurpleNotifyUserInfo *info, gboolean full)
{
  OcHandoff *handoff = handoff_for (buddy);
  if (handoff == NULL)
    return;

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
  oc_presence_clear (&presence);
}

static void
on_retry (PurpleBlistNode *node, gpointer data)
{
  PurpleBuddy *buddy = (PurpleBuddy *) node;
  OmniAccount *omni = omni_account_from_purple (purple_buddy_get_account (buddy));
  if (omni && omni->engine)
    oc_handoff_engine_retry (omni->engine, purple_buddy_get_name (buddy));
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
