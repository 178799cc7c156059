/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-handoff.h"

#include <glib-unix.h>
#include <stdio.h>

#include "cli-output.h"
#include "oc-error.h"

#include "oc-json.h"

#include <glib/gi18n-lib.h>

typedef struct {
  GMainLoop       *loop;
  gboolean         json;
  GPtrArray       *handoffs;     /* OcHandoff* we wait for */
  GHashTable      *resumed;      /* OcHandoff* of earlier runs, resumed by this one */
  gboolean         interrupted;
} Run;

/* The files given wait until created or failed (transient failures are
 * retried until then, or until Ctrl-C). A resumed session gets its attempt
 * too, but one that is waiting to retry does not hold the run: it stays
 * stored, and the next run, watch or the plugin carries on. */
static gboolean
all_settled (Run *run)
{
  for (guint i = 0; i < run->handoffs->len; i++)
    {
      OcHandoff *handoff = run->handoffs->pdata[i];
      if (oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_PENDING)
        continue;
      if (!g_hash_table_contains (run->resumed, handoff) || oc_handoff_get_retry_at (handoff) == 0)
        return FALSE;
    }
  return TRUE;
}

static void
on_changed (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  Run *run = user_data;
  if (!g_ptr_array_find (run->handoffs, handoff, NULL))
    return;
  if (!run->json && oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_PENDING && oc_handoff_get_retry_at (handoff))
    {
      gint64 left = (oc_handoff_get_retry_at (handoff) - g_get_real_time ()) / G_USEC_PER_SEC;
      const GError *error = oc_handoff_get_error (handoff);
      fprintf (stderr, _("%s: retry in %ld s (%s)\n"), oc_handoff_get_id (handoff),
               (long) MAX (left, 0), error ? error->message : _("transient failure"));
    }
  if (all_settled (run))
    g_main_loop_quit (run->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Run *run = user_data;
  run->interrupted = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static void
report_text (Run *run, OcHandoff *handoff)
{
  const char *id = oc_handoff_get_id (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;

  switch (oc_handoff_get_phase (handoff))
    {
    case OC_HANDOFF_PHASE_CREATED:
      if (is_case)
        printf (_("%s: case %s (incident %s)\n"), id, oc_handoff_get_ticket_number (handoff),
                oc_handoff_get_record_id (handoff));
      else
        printf (_("%s: conversation %s\n"), id, oc_handoff_get_record_id (handoff));
      break;
    case OC_HANDOFF_PHASE_FAILED:
      printf (_("%s: FAILED: %s\n"), id, oc_handoff_get_error (handoff)->message);
      break;
    case OC_HANDOFF_PHASE_PENDING:
    default:
      printf (_("%s: still pending (stored; the next omnichannel handoff or watch, or the plugin, resumes it)\n"), id);
      break;
    }
  if (g_hash_table_contains (run->resumed, handoff))
    printf ("%s", _("  resumed: stored by an earlier run that did not finish it\n"));
  printf (_("  path: %s\n"), oc_handoff_get_path_reason (handoff));
  if (oc_handoff_get_contact_note (handoff))
    printf (_("  contact: %s\n"), oc_handoff_get_contact_note (handoff));
  if (oc_handoff_get_queue_note (handoff))
    printf (_("  queue: %s\n"), oc_handoff_get_queue_note (handoff));
  if (oc_handoff_get_routing_note (handoff))
    printf (_("  routing: %s\n"), oc_handoff_get_routing_note (handoff));
}

static void
report_json (Run *run, JsonBuilder *builder, OcHandoff *handoff)
{
  json_builder_begin_object (builder);
  oc_json_builder_add_string_member (builder, "session_id", oc_handoff_get_id (handoff));
  oc_json_builder_add_string_member (builder, "state", oc_handoff_phase_to_string (oc_handoff_get_phase (handoff)));
  oc_json_builder_add_string_member (builder, "path", oc_handoff_path_to_string (oc_handoff_get_path (handoff)));
  oc_json_builder_add_string_member (builder, "path_reason", oc_handoff_get_path_reason (handoff));
  oc_json_builder_add_string_member (builder, "record_id", oc_handoff_get_record_id (handoff));
  oc_json_builder_add_string_member (builder, "ticket_number", oc_handoff_get_ticket_number (handoff));
  oc_json_builder_add_string_member (builder, "contact", oc_handoff_get_contact_note (handoff));
  oc_json_builder_add_string_member (builder, "queue", oc_handoff_get_queue_note (handoff));
  oc_json_builder_add_string_member (builder, "routing", oc_handoff_get_routing_note (handoff));
  json_builder_set_member_name (builder, "resumed");
  json_builder_add_boolean_value (builder, g_hash_table_contains (run->resumed, handoff));
  if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_FAILED)
    cli_output_error_member (builder, "error", oc_handoff_get_error (handoff));
  json_builder_end_object (builder);
}

int
cli_handoff_run (CliOptions *options, OcSettings *settings, char **files, int n_files)
{
  g_autoptr(OcConnection) connection = NULL;
  g_autoptr(OcService) service = NULL;
  g_autofree char *root = NULL;
  int prepared = cli_prepare (options, settings, &connection, &service, &root);
  if (prepared != CLI_EXIT_OK)
    return prepared;

  /* Validate every document before signing in: bad input is exit 2, nothing sent. */
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) oc_session_unref);
  int invalid = 0;
  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GError) parse_error = NULL;
      OcSession *session = oc_session_load_file (files[i], &parse_error);
      if (session == NULL)
        {
          fprintf (stderr, _("%s: rejected: %s\n"), files[i], parse_error->message);
          invalid++;
          continue;
        }
      g_ptr_array_add (sessions, session);
    }
  if (sessions->len == 0)
    return CLI_EXIT_USAGE;

  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  int signed_in = cli_sign_in (connection, loop);
  if (signed_in != CLI_EXIT_OK)
    return signed_in;

  Run run = { .loop = loop, .json = options->json,
              .handoffs = g_ptr_array_new_with_free_func (g_object_unref),
              .resumed = g_hash_table_new (NULL, NULL) };
  g_signal_connect (service, "handoff-changed", G_CALLBACK (on_changed), &run);
  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, &run);

  /* Sessions an earlier run left pending (interrupted, Dynamics down) go
   * too: every run resumes them, as watch and the plugin do. The engine
   * alone: no polling, no inbox. */
  g_autoptr(GHashTable) earlier = g_hash_table_new (NULL, NULL);
  oc_service_start (service, 0, NULL);
  GPtrArray *tracked = oc_service_list (service);
  for (guint i = 0; i < tracked->len; i++)
    g_hash_table_add (earlier, tracked->pdata[i]);

  for (guint i = 0; i < sessions->len; i++)
    {
      g_autoptr(GError) submit_error = NULL;
      OcSession *session = sessions->pdata[i];
      if (!oc_service_accept (service, session, NULL, &submit_error))
        {
          fprintf (stderr, _("%s: not stored: %s\n"), oc_session_get_id (session), submit_error->message);
          invalid++;
          continue;
        }
      OcHandoff *handoff = oc_service_lookup (service, oc_session_get_id (session));
      if (!g_ptr_array_find (run.handoffs, handoff, NULL))
        g_ptr_array_add (run.handoffs, g_object_ref (handoff));
    }

  for (guint i = 0; i < tracked->len; i++)
    {
      OcHandoff *handoff = tracked->pdata[i];
      if (g_hash_table_contains (earlier, handoff) && oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_PENDING
          && !g_ptr_array_find (run.handoffs, handoff, NULL))
        {
          g_ptr_array_add (run.handoffs, g_object_ref (handoff));
          g_hash_table_add (run.resumed, handoff);
        }
    }
  if (run.handoffs->len > 0 && !all_settled (&run))
    g_main_loop_run (loop);
  g_source_remove (sigint);

  int failed = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < run.handoffs->len; i++)
    {
      OcHandoff *handoff = run.handoffs->pdata[i];
      /* the exit status is about the files given; resumed ones are reported */
      if (!g_hash_table_contains (run.resumed, handoff))
        failed += oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_CREATED;
      if (run.json)
        report_json (&run, builder, handoff);
      else
        report_text (&run, handoff);
    }
  json_builder_end_array (builder);
  if (run.json)
    cli_output_print_json (builder);
  if (run.interrupted)
    fprintf (stderr, _("interrupted: pending sessions stay stored in %s; the next omnichannel handoff or watch, "
                       "or the plugin, resumes them\n"), root);

  g_signal_handlers_disconnect_by_data (service, &run);
  oc_service_stop (service);
  oc_connection_close (connection);
  g_ptr_array_unref (run.handoffs);
  g_hash_table_unref (run.resumed);
  return invalid ? CLI_EXIT_USAGE : failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
