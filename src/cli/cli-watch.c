/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-watch.h"

#include <glib-unix.h>
#include <stdio.h>

#include "cli-output.h"
#include "oc-error.h"

#include <glib/gi18n-lib.h>

typedef struct {
  GMainLoop       *loop;
  gboolean         json;
  char           **ids;
  int              n_ids;
  GHashTable      *shown;   /* id → last status id printed */
  GHashTable      *printed; /* --json: id → last line printed */
} Watch;

static gboolean
wanted (Watch *watch, const char *id)
{
  if (watch->n_ids == 0)
    return TRUE;
  for (int i = 0; i < watch->n_ids; i++)
    if (g_str_equal (watch->ids[i], id))
      return TRUE;
  return FALSE;
}

static gboolean
all_done (Watch *watch)
{
  if (watch->n_ids == 0)
    return FALSE;
  for (int i = 0; i < watch->n_ids; i++)
    {
      const char *status = g_hash_table_lookup (watch->shown, watch->ids[i]);
      if (g_strcmp0 (status, "closed") != 0 && g_strcmp0 (status, "failed") != 0)
        return FALSE;
    }
  return TRUE;
}

/* --json: the outbox's lines, byte for byte (oc-outbox.h), once durable. */
static void
on_outcome (OcService *service, OcHandoff *handoff, const char *line, gpointer user_data)
{
  Watch *watch = user_data;
  const char *id = oc_handoff_get_id (handoff);
  if (!watch->json || !wanted (watch, id) || g_strcmp0 (g_hash_table_lookup (watch->printed, id), line) == 0)
    return;
  printf ("%s\n", line);
  fflush (stdout);
  g_hash_table_insert (watch->printed, g_strdup (id), g_strdup (line));
}

/* --json starts with each handoff's current state: the last line the outbox
 * has for it (written by this run, an earlier one, or the plugin). */
static void
print_current (Watch *watch, OcService *service)
{
  OcOutbox *outbox = oc_service_get_outbox (service);
  if (!watch->json || outbox == NULL)
    return;
  oc_outbox_flush (outbox);   /* recovered, and what this start changed is written */
  GPtrArray *handoffs = oc_service_list (service);
  for (guint i = 0; i < handoffs->len; i++)
    {
      g_autofree char *line = oc_outbox_dup_last_line (outbox, oc_handoff_get_id (handoffs->pdata[i]));
      if (line)
        on_outcome (service, handoffs->pdata[i], line, watch);
    }
}

/* The service says each change of status or message once. */
static void
on_presence (OcService *service, OcHandoff *handoff, const char *previous, const char *status_id,
             const char *message, const char *line, gpointer user_data)
{
  Watch *watch = user_data;
  const char *id = oc_handoff_get_id (handoff);
  if (!wanted (watch, id))
    return;

  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");

  if (!watch->json)
    printf ("%s  %-24s %-12s %s\n", stamp, id, status_id, message);
  fflush (stdout);

  g_hash_table_insert (watch->shown, g_strdup (id), g_strdup (status_id));
  if (all_done (watch))
    g_main_loop_quit (watch->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_main_loop_quit (((Watch *) user_data)->loop);
  return G_SOURCE_CONTINUE;
}

int
cli_watch_run (CliOptions *options, OcSettings *settings, char **ids, int n_ids)
{
  g_autoptr(OcConnection) connection = NULL;
  g_autoptr(OcService) service = NULL;
  g_autofree char *root = NULL;
  int prepared = cli_prepare (options, settings, &connection, &service, &root);
  if (prepared != CLI_EXIT_OK)
    return prepared;

  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  int signed_in = cli_sign_in (connection, loop);
  if (signed_in != CLI_EXIT_OK)
    return signed_in;

  Watch watch = { .loop = loop, .json = options->json, .ids = ids, .n_ids = n_ids,
                  .shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
                  .printed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };
  g_signal_connect (service, "presence-changed", G_CALLBACK (on_presence), &watch);
  g_signal_connect (service, "outcome", G_CALLBACK (on_outcome), &watch);
  /* every handoff asked about is reported, however long ago it closed */
  oc_service_start (service, OC_SERVICE_WATCH, NULL);
  print_current (&watch, service);
  for (int i = 0; i < n_ids; i++)
    if (oc_service_lookup (service, ids[i]) == NULL)
      fprintf (stderr, _("%s: no such session in %s (watching for it anyway)\n"), ids[i], root);

  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, &watch);
  guint sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &watch);
  if (!all_done (&watch))
    g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* the stop writes and announces the last outcomes: --json prints them */
  oc_service_stop (service);
  g_signal_handlers_disconnect_by_data (service, &watch);
  oc_connection_close (connection);
  g_hash_table_unref (watch.shown);
  g_hash_table_unref (watch.printed);
  return CLI_EXIT_OK;
}
