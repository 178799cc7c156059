/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "cli-settings.h"

/* `omnichannel check`: the sign-in steps, each reported, then a diagnosis.
 * Returns the process exit status. */
int cli_check_run (CliOptions *options, OcSettings *settings);
