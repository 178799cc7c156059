/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "cli-settings.h"

/* `omnichannel watch [SESSION-ID…]`: prints each handoff's state as it
 * changes, as the buddy list would show it. With ids, exits once all of them
 * are closed or failed. Returns the process exit status. */
int cli_watch_run (CliOptions *options, OcSettings *settings, char **ids, int n_ids);
