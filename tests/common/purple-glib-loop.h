/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-glib-loop.h — libpurple event-loop ops on the GLib main loop, as
 * Pidgin, Finch and BitlBee provide them. Shared by the test harness and the
 * headless demo runner. */
#pragma once

#include <libpurple/purple.h>

PurpleEventLoopUiOps *purple_glib_loop_ops (void);
/* Pre-sets network prefs so libpurple never probes UPnP/NAT-PMP. */
void                  purple_glib_loop_quiet_network_prefs (void);
