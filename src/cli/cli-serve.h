/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-serve.h — `omnichannel serve`, the headless daemon: sessions from an
 * AMQP 1.0 queue (--amqp, --queue) handed off exactly once, their outcomes
 * published (--outcomes), one log line per handoff and per failure. */
#pragma once

#include "cli-settings.h"

G_BEGIN_DECLS

/* The serve flags, added to the main options (they show in --help). */
GOptionEntry *cli_serve_entries (void);
void          cli_serve_options_clear (void);
int           cli_serve_run (CliOptions *options, OcSettings *settings);

G_END_DECLS
