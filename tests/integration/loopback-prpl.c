/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal protocol plugin for tests: it "connects" at once and echoes
 * nothing, so a test can hold an IM conversation on an account of another
 * protocol and type /handoff in it. */
#define PURPLE_PLUGINS
#include <libpurple/purple.h>

static const char *list_icon (PurpleAccount *account, PurpleBuddy *buddy) { return "loopback"; }

static GList *
status_types (PurpleAccount *account)
{
  GList *types = NULL;
  types = g_list_append (types, purple_status_type_new (PURPLE_STATUS_AVAILABLE, NULL, NULL, TRUE));
  types = g_list_append (types, purple_status_type_new (PURPLE_STATUS_OFFLINE, NULL, NULL, TRUE));
  return types;
}

static void
login (PurpleAccount *account)
{
  purple_connection_set_state (purple_account_get_connection (account), PURPLE_CONNECTED);
}

static void close_connection (PurpleConnection *gc) { }

static int
send_im (PurpleConnection *gc, const char *who, const char *message, PurpleMessageFlags flags)
{
  return 1;
}

static PurplePluginProtocolInfo prpl_info = {
  .options = OPT_PROTO_PASSWORD_OPTIONAL,
  .icon_spec = NO_BUDDY_ICONS,
  .list_icon = list_icon,
  .status_types = status_types,
  .login = login,
  .close = close_connection,
  .send_im = send_im,
  .struct_size = sizeof (PurplePluginProtocolInfo),
};

static PurplePluginInfo info = {
  .magic = PURPLE_PLUGIN_MAGIC,
  .major_version = PURPLE_MAJOR_VERSION,
  .minor_version = PURPLE_MINOR_VERSION,
  .type = PURPLE_PLUGIN_PROTOCOL,
  .priority = PURPLE_PRIORITY_DEFAULT,
  .id = "prpl-omnichannel-test-loopback",
  .name = "Loopback (tests)",
  .version = "1",
  .summary = "test protocol",
  .description = "test protocol",
  .extra_info = &prpl_info,
};

static void init_plugin (PurplePlugin *plugin) { }

PURPLE_INIT_PLUGIN (loopback, init_plugin, info)
