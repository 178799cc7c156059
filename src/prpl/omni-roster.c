/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-roster.c — the supervisor's buddies: one per rep of the watched
 * queues (agent:<systemuserid>, group "<account group> · Reps") and one per
 * queue (queue:<queueid>, group "<account group> · Queues"), from the
 * service's ::agent-changed and ::queue-changed. Names are untrusted:
 * aliases are plain text for libpurple, messages are markup-escaped. */
#include "omni-prpl.h"

#include <libpurple/blist.h>

#include "oc-roster.h"
#include "omni-i18n.h"

static PurpleBuddy *
buddy_for (OmniAccount *omni, const char *name, const char *group_suffix, const char *alias)
{
  PurpleBuddy *buddy = purple_find_buddy (omni->account, name);
  if (buddy == NULL)
    {
      buddy = purple_buddy_new (omni->account, name, NULL);
      purple_blist_add_buddy (buddy, NULL, omni_buddies_group (omni, group_suffix), NULL);
    }
  if (alias && *alias && g_strcmp0 (purple_buddy_get_server_alias (buddy), alias) != 0)
    purple_blist_server_alias_buddy (buddy, alias);
  return buddy;
}

static char *
omni_roster_agent_message (const OcRosterAgent *agent)
{
  if (agent->presence_unknown)
    return g_strdup (_("unknown presence"));
  g_autofree char *conversations = g_strdup_printf (ngettext ("%u conversation", "%u conversations", agent->conversations),
                                                    agent->conversations);
  if (agent->capacity_free < 0)
    return g_steal_pointer (&conversations);
  /* TRANSLATORS: "2 conversations · 40 % capacity free" */
  return g_strdup_printf (_("%s · %d %% capacity free"), conversations, agent->capacity_free);
}

static char *
omni_roster_queue_message (const OcRosterQueue *queue)
{
  GString *text = g_string_new (NULL);
  g_string_append_printf (text, ngettext ("%u waiting", "%u waiting", queue->waiting), queue->waiting);
  if (queue->oldest_wait_s >= 0)
    {
      guint minutes = (guint) MIN (queue->oldest_wait_s / 60, G_MAXUINT);
      g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("oldest %u min", "oldest %u min", minutes), minutes);
    }
  g_string_append (text, " · ");
  g_string_append_printf (text, ngettext ("%u with a rep", "%u with reps", queue->with_reps), queue->with_reps);
  return g_string_free (text, FALSE);
}

/* The buddy @prefix@id in "<group> · @group_suffix", with its status and
 * @message (plain text: escaped here). */
static void
show (OmniAccount *omni, const char *prefix, const char *id, const char *group_suffix, const char *alias,
      const char *status_id, const char *message)
{
  g_autofree char *name = g_strconcat (prefix, id, NULL);
  buddy_for (omni, name, group_suffix, alias);
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  purple_prpl_got_user_status (omni->account, name, status_id, "message", escaped, NULL);
}

static void
on_agent (OcService *service, const OcRosterAgent *agent, gpointer user_data)
{
  g_autofree char *message = omni_roster_agent_message (agent);
  show (user_data, "agent:", agent->id, _("Reps"), agent->name, agent->status_id, message);
}

static void
on_queue (OcService *service, const OcRosterQueue *queue, gpointer user_data)
{
  g_autofree char *message = omni_roster_queue_message (queue);
  show (user_data, "queue:", queue->id, _("Queues"), queue->name, queue->status_id, message);
}

static gboolean
is_roster_buddy (PurpleBuddy *buddy)
{
  const char *name = purple_buddy_get_name (buddy);
  return g_str_has_prefix (name, "agent:") || g_str_has_prefix (name, "queue:");
}

/* The "message" attribute holds the escaped text. */
static const char *
current_message (PurpleBuddy *buddy, const char **status_name)
{
  PurpleStatus *status = purple_presence_get_active_status (purple_buddy_get_presence (buddy));
  if (status_name)
    *status_name = status ? purple_status_get_name (status) : NULL;
  return status ? purple_status_get_attr_string (status, "message") : NULL;
}

char *
omni_roster_status_text (PurpleBuddy *buddy)
{
  if (!is_roster_buddy (buddy))
    return NULL;
  return g_strdup (current_message (buddy, NULL));
}

void
omni_roster_tooltip (PurpleBuddy *buddy, PurpleNotifyUserInfo *info)
{
  if (!is_roster_buddy (buddy))
    return;
  const char *status_name = NULL;
  const char *message = current_message (buddy, &status_name);
  gboolean rep = g_str_has_prefix (purple_buddy_get_name (buddy), "agent:");
  purple_notify_user_info_add_pair_plaintext (info, rep ? _("Rep") : _("Queue"), purple_buddy_get_alias (buddy));
  if (status_name)
    purple_notify_user_info_add_pair_plaintext (info, _("State"), status_name);
  if (message && *message)
    purple_notify_user_info_add_pair (info, rep ? _("Load") : _("Depth"), message);   /* escaped when set */
}

void
omni_roster_connect (OmniAccount *omni)
{
  g_signal_connect (omni->service, "agent-changed", G_CALLBACK (on_agent), omni);
  g_signal_connect (omni->service, "queue-changed", G_CALLBACK (on_queue), omni);
}
