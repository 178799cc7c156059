/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-plugin.c — the plugin and protocol tables; everything else lives in
 * the omni-*.c files and in core. */
#include "omni-prpl.h"

#include <libpurple/debug.h>
#include <libpurple/version.h>

#include "oc-i18n.h"
#include "omni-i18n.h"

static guint log_handler_id;
static char *last_normalized;   /* omni_normalize's result, freed at unload (the module's statics go with it) */

/* Core logs through GLib under the "omnichannel" domain; libpurple users read
 * the debug window, so forward it there. Core never logs secrets. */
static void
forward_core_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    purple_debug_error ("omnichannel", "%s\n", message);
  else if (level & G_LOG_LEVEL_WARNING)
    purple_debug_warning ("omnichannel", "%s\n", message);
  else
    purple_debug_misc ("omnichannel", "%s\n", message);
}

static gboolean
plugin_load (PurplePlugin *plugin)
{
  log_handler_id = g_log_set_handler ("omnichannel", G_LOG_LEVEL_MASK, forward_core_log, NULL);
  omni_command_register ();
  return TRUE;
}

static gboolean
plugin_unload (PurplePlugin *plugin)
{
  omni_command_unregister ();
  omni_account_forget_all ();
  g_clear_pointer (&last_normalized, g_free);
  if (log_handler_id)
    g_log_remove_handler ("omnichannel", log_handler_id);
  log_handler_id = 0;
  return TRUE;
}

/* Buddy names are session ids, and ids are opaque: "café-1" written in NFC
 * and in NFD are two sessions with two records. libpurple's default
 * normalisation (purple_normalize() without a prpl normalize is
 * g_utf8_normalize (G_NORMALIZE_DEFAULT), i.e. NFD) is what purple_find_buddy()
 * and the buddy cache key on, so both handoffs would share one buddy. The
 * identity keeps one buddy per session. The copy (kept until the next call,
 * like libpurple's own static buffer) survives callers that free @who. */
static const char *
omni_normalize (const PurpleAccount *account, const char *who)
{
  char *copy = g_strdup (who);   /* before freeing: @who may be the last result */
  g_free (last_normalized);
  last_normalized = copy;
  return last_normalized;
}

static PurplePluginProtocolInfo prpl_info = {
  .icon_spec = NO_BUDDY_ICONS,
  .list_icon = omni_status_list_icon,
  .status_types = omni_status_types,
  .login = omni_account_login,
  .close = omni_account_close,
  .set_status = omni_status_set_status,
  .status_text = omni_buddies_status_text,
  .tooltip_text = omni_buddies_tooltip,
  .blist_node_menu = omni_buddies_menu,
  .send_im = omni_handoffs_send_im,
  .normalize = omni_normalize,
  .get_account_text_table = omni_account_text_table,
  .struct_size = sizeof (PurplePluginProtocolInfo),
};

static PurplePluginInfo plugin_info = {
  .magic = PURPLE_PLUGIN_MAGIC,
  .major_version = PURPLE_MAJOR_VERSION,
  .minor_version = PURPLE_MINOR_VERSION,
  .type = PURPLE_PLUGIN_PROTOCOL,
  .priority = PURPLE_PRIORITY_DEFAULT,
  .id = OMNI_PLUGIN_ID,
  .name = N_("Dynamics 365 Omnichannel"),
  .version = PACKAGE_VERSION,
  .summary = N_("Hand chats off to Dynamics 365 Omnichannel and watch them as buddies"),
  .description = N_("Hands escalated conversations off to Microsoft Dynamics 365 Omnichannel "
                    "for Customer Service and shows the state of every handoff as buddy presence."),
  .author = "purple-omnichannel developers",
  .homepage = "https://github.com/purple-omnichannel/purple-omnichannel",
  .load = plugin_load,
  .unload = plugin_unload,
  .extra_info = &prpl_info,
  .actions = omni_handoffs_actions,
};

static void
plugin_init (PurplePlugin *plugin)
{
  oc_i18n_init ();   /* our own domain, at LOCALEDIR or OMNICHANNEL_LOCALEDIR */

  plugin_info.name = _("Dynamics 365 Omnichannel");
  plugin_info.summary = _(plugin_info.summary);
  plugin_info.description = _(plugin_info.description);
  prpl_info.protocol_options = omni_account_options ();
}

PURPLE_INIT_PLUGIN (omnichannel, plugin_init, plugin_info)
