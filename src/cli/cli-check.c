/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-check.h"

#include <stdio.h>

#include "cli-output.h"
#include "oc-budget.h"
#include "oc-connection.h"
#include "oc-error.h"
#include "oc-roster.h"
#include "oc-watcher.h"

#include <glib/gi18n-lib.h>

typedef struct {
  GMainLoop   *loop;
  gboolean     json;
  guint        current_step;
  guint        total;
  gboolean     ok;
  GError      *error;
  JsonBuilder *steps;    /* array of {step, name, ok} */
  char       **names;
} Check;

static void
close_step (Check *check, gboolean ok)
{
  if (check->current_step == 0)
    return;
  if (!check->json)
    printf ("%s\n", ok ? _("ok") : _("FAILED"));
  json_builder_begin_object (check->steps);
  json_builder_set_member_name (check->steps, "step");
  json_builder_add_int_value (check->steps, check->current_step);
  json_builder_set_member_name (check->steps, "name");
  json_builder_add_string_value (check->steps, check->names[check->current_step]);
  json_builder_set_member_name (check->steps, "ok");
  json_builder_add_boolean_value (check->steps, ok);
  json_builder_end_object (check->steps);
  check->current_step = 0;
  fflush (stdout);
}

static void
on_progress (OcConnection *connection, guint step, guint total, const char *text, gpointer user_data)
{
  Check *check = user_data;
  if (step == 0 || step > OC_SIGN_IN_STEPS)   /* names[] has a slot per step */
    return;

  if (step == check->current_step)
    {
      /* the same step again: a wait at the retry gate, then the real work */
      if (!check->json)
        printf ("%s\n", _("waiting"));
      check->current_step = 0;
    }
  else
    close_step (check, TRUE);
  check->current_step = step;
  check->total = total;
  g_free (check->names[step]);
  check->names[step] = g_strdup (text);
  if (!check->json)
    {
      /* TRANSLATORS: step number, number of steps, the step (a sentence without a full stop) */
      printf (_("[%u/%u] %s… "), step, total, text);
      fflush (stdout);
    }
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  check->ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &check->error);
  close_step (check, check->ok);
  g_main_loop_quit (check->loop);
}

static void
budget_json (JsonBuilder *builder, const OcBudget *b)
{
  json_builder_set_member_name (builder, "budget");
  json_builder_begin_object (builder);
  const struct { const char *name; double value; } figures[] = {
    { "busy_per_5min", b->busy_5min }, { "busy_per_day", b->busy_day },
    { "idle_per_5min", b->idle_5min }, { "idle_per_day", b->idle_day },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      json_builder_set_member_name (builder, figures[i].name);
      json_builder_add_int_value (builder, (gint64) (figures[i].value + 0.5));
    }
  json_builder_set_member_name (builder, "limit_per_5min");
  json_builder_add_int_value (builder, OC_BUDGET_LIMIT_5MIN);
  json_builder_set_member_name (builder, "watcher_tables");
  json_builder_add_int_value (builder, b->watcher_tables);
  json_builder_set_member_name (builder, "roster_per_poll");
  json_builder_add_int_value (builder, b->roster_per_poll);
  json_builder_end_object (builder);
}

static void
budget_print (const OcSettings *settings, const OcBudget *b)
{
  printf ("%s\n", _("Request budget (projected for these options, one client):"));
  printf (_("  while a handoff is open: %.0f requests / 5 min (%.1f %% of the %d per user), %.0f / day\n"),
          b->busy_5min, b->limit_share * 100.0, OC_BUDGET_LIMIT_5MIN, b->busy_day);
  printf (_("  when all are closed:     %.0f requests / 5 min, %.0f / day\n"), b->idle_5min, b->idle_day);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_string_append_printf (detail, _("watcher: %u tables every %d s, every %d s when all are closed"),
                          b->watcher_tables, OC_WATCHER_FAST_S, OC_WATCHER_SLOW_S);
  if (settings->show_agents || settings->show_queues)
    g_string_append_printf (detail, _("; reps and queues: %u every %d s, and the queues' members every %d min"),
                            b->roster_per_poll, OC_ROSTER_POLL_S, OC_ROSTER_POLL_S * OC_ROSTER_MEMBERS_EVERY / 60);
  printf ("  (%s)\n", detail->str);
  printf ("  %s\n", _("Daily entitlement: application users share the tenant's pool "
                       "(500,000 + 5,000 per licensed user per 24 h)."));
}

int
cli_check_run (CliOptions *options, OcSettings *settings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcConnection) connection = oc_connection_new (settings, &error);
  if (connection == NULL)
    return cli_output_usage_error (options->json, error);

  const OcSettings *valid = oc_connection_get_settings (connection);
  OcBudget budget;
  oc_budget_compute (valid, &budget);
  Check check = { .json = options->json, .steps = json_builder_new (),
                  .names = g_new0 (char *, OC_SIGN_IN_STEPS + 1) };
  check.loop = g_main_loop_new (NULL, FALSE);
  json_builder_begin_array (check.steps);

  if (!check.json)
    printf (_("Signing in to %s (tenant %s, client %s)\n"), valid->environment, valid->tenant_id, valid->client_id);
  g_signal_connect (connection, "progress", G_CALLBACK (on_progress), &check);
  oc_connection_sign_in_async (connection, NULL, on_signed_in, &check);
  g_main_loop_run (check.loop);

  json_builder_end_array (check.steps);
  if (check.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, check.ok);
      json_builder_set_member_name (builder, "environment");
      json_builder_add_string_value (builder, valid->environment);
      json_builder_set_member_name (builder, "user_id");
      if (oc_connection_get_user_id (connection))
        json_builder_add_string_value (builder, oc_connection_get_user_id (connection));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "workstream");
      if (oc_connection_get_workstream_name (connection))
        json_builder_add_string_value (builder, oc_connection_get_workstream_name (connection));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "steps");
      json_builder_add_value (builder, json_builder_get_root (check.steps));
      if (check.error)
        cli_output_error_member (builder, "error", check.error);
      budget_json (builder, &budget);
      json_builder_end_object (builder);
      cli_output_print_json (builder);
    }
  else if (check.ok)
    {
      if (oc_connection_get_workstream_name (connection))
        printf (_("Active: signed in as application user %s, workstream “%s”.\n"),
                oc_connection_get_user_id (connection), oc_connection_get_workstream_name (connection));
      else
        printf (_("Active: signed in as application user %s.\n"), oc_connection_get_user_id (connection));
    }
  else
    /* TRANSLATORS: the error, then its kind, an English id (auth, network, …) */
    fprintf (stderr, _("error: %s\n(%s problem)\n"), check.error->message,
             oc_error_kind_to_string (oc_error_get_kind (check.error)));

  if (!check.json)
    budget_print (valid, &budget);

  int status = check.ok ? CLI_EXIT_OK : cli_exit_status_for (check.error);
  oc_connection_close (connection);
  g_clear_error (&check.error);
  g_object_unref (check.steps);
  /* Not g_strfreev: names[0] is never set (steps count from 1), so it would
   * stop at once and leak every name. */
  for (guint i = 0; i <= OC_SIGN_IN_STEPS; i++)
    g_free (check.names[i]);
  g_free (check.names);
  g_main_loop_unref (check.loop);
  return status;
}
