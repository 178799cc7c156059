/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c — the dynamics-mock program: a MockServer on 127.0.0.1 until SIGINT/SIGTERM. */
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "mock-server.h"

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static const char *
default_seed (void)
{
  /* A build tree first, so developers get the fixture they are editing. */
  if (g_file_test (MOCK_SOURCE_SEED, G_FILE_TEST_IS_REGULAR))
    return MOCK_SOURCE_SEED;
  if (g_file_test (MOCK_INSTALLED_SEED, G_FILE_TEST_IS_REGULAR))
    return MOCK_INSTALLED_SEED;
  return NULL;
}

int
main (int argc, char **argv)
{
  gint port = 0, token_lifetime = 3599;
  double assign_after = 3, wrap_up_after = 60, close_after = 10;
  g_autofree char *seed = NULL, *tenant = NULL, *client_id = NULL, *client_secret = NULL;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free port)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_FILENAME, &seed, "Organisation fixture (default: data/mock-org.json)", "FILE" },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &tenant, "Tenant id (GUID) or domain, instead of the seed's", "T" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "Application (client) id, instead of the seed's", "C" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &client_secret, "Client secret value, instead of the seed's", "S" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT, &token_lifetime, "Access token lifetime in seconds (default 3599)", "S" },
    { "assign-after", 0, 0, G_OPTION_ARG_DOUBLE, &assign_after, "Seconds until a new conversation gets a rep (0: never; default 3)", "S" },
    { "wrap-up-after", 0, 0, G_OPTION_ARG_DOUBLE, &wrap_up_after, "Seconds until an active conversation goes to wrap-up (0: never; default 60)", "S" },
    { "close-after", 0, 0, G_OPTION_ARG_DOUBLE, &close_after, "Seconds until wrap-up closes, and until a new case is resolved (0: never; default 10)", "S" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- mock Dynamics 365 / Dataverse / Entra ID server");
  g_autoptr (GError) error = NULL;
  g_autoptr (MockServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  const char *seed_path;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("dynamics-mock: %s\n", error->message);
      return 2;
    }
  if (argc > 1 || port < 0 || port > 65535 || token_lifetime < 0 ||
      assign_after < 0 || wrap_up_after < 0 || close_after < 0)
    {
      g_printerr ("dynamics-mock: invalid arguments (see --help)\n");
      return 2;
    }
  if ((client_id == NULL) != (client_secret == NULL))
    {
      g_printerr ("dynamics-mock: --client-id and --client-secret go together\n");
      return 2;
    }

  server = mock_server_new ();
  mock_server_set_verbose (server, TRUE);
  if (tenant)
    mock_server_set_tenant (server, tenant);
  if (client_id)
    mock_server_set_client (server, client_id, client_secret);
  mock_server_set_token_lifetime (server, (guint) token_lifetime);
  mock_server_set_routing_delays (server, assign_after, wrap_up_after, close_after);

  seed_path = seed ? seed : default_seed ();
  if (seed_path == NULL)
    {
      g_printerr ("dynamics-mock: no seed found at %s or %s; pass --seed FILE\n",
                  MOCK_SOURCE_SEED, MOCK_INSTALLED_SEED);
      return 1;
    }
  if (!mock_server_load_seed (server, seed_path, &error))
    {
      g_printerr ("dynamics-mock: %s\n", error->message);
      return 1;
    }
  if (!mock_server_listen (server, (guint) port, &error))
    {
      g_printerr ("dynamics-mock: cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }

  printf ("URL=%s\n", mock_server_get_url (server));
  fflush (stdout);
  g_printerr ("dynamics-mock: seed %s, tenant %s, client %s\n", seed_path,
              mock_server_get_tenant_id (server) ? mock_server_get_tenant_id (server) : "(none)",
              mock_server_get_client_id (server) ? mock_server_get_client_id (server) : "(none)");

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);
  return 0;
}
