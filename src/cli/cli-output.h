/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-output.h — helpers shared by the subcommands' output. */
#pragma once

#include <json-glib/json-glib.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1
#define CLI_EXIT_USAGE 2

/* Adds {"kind","code","http_status","service_code","field","retry_after","message"}. */
void cli_output_error_member (JsonBuilder *builder, const char *member, const GError *error);
void cli_output_print_json (JsonBuilder *builder);
/* A usage/invalid-input failure, as text on stderr or JSON on stdout. */
int  cli_output_usage_error (gboolean json, const GError *error);
