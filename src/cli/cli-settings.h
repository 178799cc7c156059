/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-settings.h — account settings from flags and OMNICHANNEL_* variables. */
#pragma once

#include <glib.h>

#include "oc-settings.h"

G_BEGIN_DECLS

typedef struct {
  char    *environment;
  char    *tenant_id;
  char    *client_id;
  char    *workstream_id;
  char    *case_queue_id;
  char    *default_owner_id;
  char    *default_priority;
  char    *case_properties;
  char    *anonymous_contact_id;
  char    *handoff_channel;
  char    *show;
  char    *authority;
  char    *closed_retention_hours;
  char    *secret_file;
  char    *store_dir;
  char    *alert_minutes[OC_ALERT_N_KINDS];   /* --alert-waiting-minutes … (OcAlertKind order) */
  gboolean route_cases;
  gboolean show_agents;
  gboolean show_queues;
  gboolean json;
} CliOptions;

GOptionEntry *cli_options_entries (CliOptions *options);
void          cli_options_clear (CliOptions *options);

/* Flags win over OMNICHANNEL_<KEY>; the secret comes only from
 * OMNICHANNEL_CLIENT_SECRET or --secret-file. Errors are usage errors. */
OcSettings   *cli_options_to_settings (CliOptions *options, GError **error);
/* A secret from @file (named --@file_flag in errors; its last line end
 * dropped) or, without one, from the environment @variable. A new string
 * (NULL when neither gives one, or + @error when @file cannot be read);
 * wipe it before freeing. */
char         *cli_read_secret (const char *file, const char *file_flag, const char *variable, GError **error);

G_END_DECLS
