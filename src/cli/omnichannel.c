/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omnichannel.c — the command-line front end over core:
 *   omnichannel check | handoff FILE… | watch [SESSION-ID…] | serve */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-check.h"
#include "cli-handoff.h"
#include "cli-serve.h"
#include "cli-watch.h"
#include "cli-output.h"
#include "cli-settings.h"
#include "oc-error.h"
#include "oc-i18n.h"

#include <glib/gi18n-lib.h>

static const char *commands_help =
  N_("Commands:\n"
  "  check              sign in step by step and diagnose what fails\n"
  "  handoff FILE…      hand session documents off (conversation or case)\n"
  "  watch [ID…]        follow handoffs' state as it changes (until all given ids close)\n"
  "  serve              hand off sessions from an AMQP 1.0 queue (--amqp, --queue) and/or --inbox DIR, until SIGTERM\n"
  "\n"
  "Every option is also read from OMNICHANNEL_<OPTION> (e.g. OMNICHANNEL_TENANT_ID).\n"
  "The client secret is read only from OMNICHANNEL_CLIENT_SECRET or --secret-file.\n"
  "Exit status: 0 success, 1 check or handoff failed, 2 usage or invalid input.");

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  oc_i18n_init ();

  CliOptions options = { 0 };
  g_autofree GOptionEntry *entries = cli_options_entries (&options);
  g_autoptr(GOptionContext) context = g_option_context_new (N_("COMMAND [ARGS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, N_("Hand chat sessions off to Dynamics 365 Omnichannel."));
  g_option_context_set_description (context, commands_help);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_autofree GOptionEntry *serve_entries = cli_serve_entries ();
  g_option_context_add_main_entries (context, serve_entries, GETTEXT_PACKAGE);

  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      gboolean secret_flag = strstr (error->message, "secret") != NULL || strstr (error->message, "password") != NULL;
      fprintf (stderr, "omnichannel: %s\n%s", error->message,
               secret_flag ? _("The secret is never taken as a flag value (it would show in the process "
                               "list and shell history): use OMNICHANNEL_CLIENT_SECRET or --secret-file "
                               "(AMQP: OMNICHANNEL_AMQP_PASSWORD or --amqp-password-file).\n") : "");
      cli_options_clear (&options);
      cli_serve_options_clear ();
      return CLI_EXIT_USAGE;
    }
  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
      cli_options_clear (&options);
      cli_serve_options_clear ();
      return CLI_EXIT_USAGE;
    }

  /* --json is for programs, and so is serve (its outcome events carry core's
   * messages as reasons): their messages stay English whatever the locale */
  if (options.json || g_strcmp0 (argv[1], "serve") == 0)
    setlocale (LC_MESSAGES, "C");

  const char *command = argv[1];
  int status;
  g_autoptr(OcSettings) settings = cli_options_to_settings (&options, &error);
  if (settings == NULL)
    status = cli_output_usage_error (options.json, error);
  else if (g_strcmp0 (command, "check") == 0 && argc == 2)
    status = cli_check_run (&options, settings);
  else if (g_strcmp0 (command, "handoff") == 0 && argc >= 3)
    status = cli_handoff_run (&options, settings, argv + 2, argc - 2);
  else if (g_strcmp0 (command, "watch") == 0)
    status = cli_watch_run (&options, settings, argv + 2, argc - 2);
  else if (g_strcmp0 (command, "serve") == 0 && argc == 2)
    status = cli_serve_run (&options, settings);
  else
    {
      fprintf (stderr, _("omnichannel: unknown command “%s” (try --help)\n"), command);
      status = CLI_EXIT_USAGE;
    }
  cli_options_clear (&options);
  cli_serve_options_clear ();
  return status;
}
