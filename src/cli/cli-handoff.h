/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "cli-settings.h"

/* `omnichannel handoff FILE…`: signs in, stores each valid document durably,
 * hands it off, and reports the record id / ticket number or the precise
 * failure. Returns the process exit status. */
int cli_handoff_run (CliOptions *options, OcSettings *settings, char **files, int n_files);
