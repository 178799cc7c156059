/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-output.h — helpers shared by the subcommands' output. */
#pragma once

#include <json-glib/json-glib.h>

#include "cli-settings.h"
#include "oc-connection.h"
#include "oc-service.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1
#define CLI_EXIT_USAGE 2

/* Adds {"kind","code","http_status","service_code","field","retry_after","message"}. */
void cli_output_error_member (JsonBuilder *builder, const char *member, const GError *error);
void cli_output_print_json (JsonBuilder *builder);
/* A usage/invalid-input failure, as text on stderr or JSON on stdout. */
int  cli_output_usage_error (gboolean json, const GError *error);

/* A validated connection and the (not yet started) service of the store the
 * plugin uses (<--store or ~/.purple>/omnichannel/<host>), whose rejections
 * are printed on stderr. Returns CLI_EXIT_OK, or the exit status of a usage
 * error it already reported. */
int      cli_prepare (CliOptions *options, OcSettings *settings, OcConnection **connection,
                      OcService **service, char **root);
/* Runs the sign-in to completion on @loop. CLI_EXIT_OK, or prints the failure
 * and returns its exit status (see cli_exit_status_for). */
int      cli_sign_in (OcConnection *connection, GMainLoop *loop);
/* CLI_EXIT_USAGE for a settings error (also one found at sign-in, such as a
 * priority the org does not have), CLI_EXIT_FAILED otherwise. */
int      cli_exit_status_for (const GError *error);
