/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-serve.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "cli-output.h"
#include "cli-settings.h"
#include "oc-amqp-url.h"
#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-service.h"

#include <glib/gi18n-lib.h>

static struct {
  char *amqp;
  char *amqp_user;
  char *amqp_password_file;
  char *queue;
  char *outcomes;
  char *inbox;
  int   max_unsettled;
} serve;

GOptionEntry *
cli_serve_entries (void)
{
  GOptionEntry entries[] = {
    { "amqp", 0, 0, G_OPTION_ARG_STRING, &serve.amqp, N_("serve: the AMQP 1.0 broker, amqp://host[:port] or amqps://host[:port]"), "URL" },
    { "amqp-user", 0, 0, G_OPTION_ARG_STRING, &serve.amqp_user, N_("serve: SASL PLAIN user (Service Bus: the shared access key name); none = ANONYMOUS"), N_("NAME") },
    { "amqp-password-file", 0, 0, G_OPTION_ARG_FILENAME, &serve.amqp_password_file, N_("serve: read the AMQP password from FILE (or set OMNICHANNEL_AMQP_PASSWORD)"), N_("FILE") },
    { "queue", 0, 0, G_OPTION_ARG_STRING, &serve.queue, N_("serve: the queue's address (Service Bus: its name; RabbitMQ 3.x: /queue/NAME)"), N_("ADDRESS") },
    { "outcomes", 0, 0, G_OPTION_ARG_STRING, &serve.outcomes, N_("serve: also publish every state change as JSON to ADDRESS"), N_("ADDRESS") },
    { "inbox", 0, 0, G_OPTION_ARG_FILENAME, &serve.inbox, N_("serve: also take session documents moved into DIR/inbox/ (refused ones: DIR/rejected/)"), N_("DIR") },
    { "max-unsettled", 0, 0, G_OPTION_ARG_INT, &serve.max_unsettled, N_("serve: messages held at most while their handoffs run (default 32)"), "N" },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

void
cli_serve_options_clear (void)
{
  g_clear_pointer (&serve.amqp, g_free);
  g_clear_pointer (&serve.amqp_user, g_free);
  g_clear_pointer (&serve.amqp_password_file, g_free);
  g_clear_pointer (&serve.queue, g_free);
  g_clear_pointer (&serve.outcomes, g_free);
  g_clear_pointer (&serve.inbox, g_free);
}

/* One line each, stamped, on stderr (the journal under systemd). Never a secret. */
G_GNUC_PRINTF (1, 2) static void
log_line (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  fprintf (stderr, "%s %s\n", stamp, text);
  fflush (stderr);
}

static char *
flag_or_env (const char *flag, const char *variable)
{
  return g_strdup (flag ? flag : g_getenv (variable));
}

typedef struct {
  GMainLoop       *loop;
  gboolean         queue;    /* --amqp is given: outcome events, messages to release */
  int              status;
  gboolean         stopping;
} Serve;

static void
log_handoff (OcHandoff *handoff)
{
  OcHandoffPhase phase = oc_handoff_get_phase (handoff);
  gpointer logged = g_object_get_data (G_OBJECT (handoff), "serve-logged-phase");
  if (logged && GPOINTER_TO_INT (logged) - 1 == (int) phase)
    return;
  g_object_set_data (G_OBJECT (handoff), "serve-logged-phase", GINT_TO_POINTER (phase + 1));
  const char *id = oc_handoff_get_id (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;
  if (phase == OC_HANDOFF_PHASE_CREATED)
    log_line ("handed off %s: %s %s%s%s", id, is_case ? "case" : "conversation", oc_handoff_get_record_id (handoff),
              is_case ? " ticket " : "", is_case && oc_handoff_get_ticket_number (handoff)
                                         ? oc_handoff_get_ticket_number (handoff) : "");
  else if (phase == OC_HANDOFF_PHASE_FAILED)
    log_line ("handoff failed %s: %s", id, oc_handoff_get_error (handoff) ? oc_handoff_get_error (handoff)->message : "");
}

static void
on_handoff (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  /* Records other consumers made (shown in integration mode) are theirs to
   * log and announce: N consumers must not publish N events per change. */
  if (!oc_handoff_is_foreign (handoff))
    log_handoff (handoff);
}

/* The outbox's own line (<store>/outbox/events.jsonl), once it is durable:
 * with --outcomes it is published as it is. */
static void
on_outcome (OcService *service, OcHandoff *handoff, const char *line, gpointer user_data)
{
  Serve *serve_run = user_data;
  if (serve_run->queue && !oc_handoff_is_foreign (handoff))
    oc_service_publish_outcome (service, line);
}

static void
on_settled (OcService *service, const char *session_id, const char *outcome, const char *reason, gpointer user_data)
{
  if (g_strcmp0 (outcome, "accepted") == 0)
    return;   /* the handoff's own line says it */
  log_line ("%s %s: %s", outcome, session_id ? session_id : "a message without a valid session",
            reason ? reason : "");
}

static void
on_connection (OcService *service, gboolean up, const char *detail, gpointer user_data)
{
  log_line (up ? "AMQP: %s" : "AMQP connection lost: %s", detail);
}

static void
on_intake_failed (OcService *service, GError *error, gpointer user_data)
{
  Serve *serve_run = user_data;
  log_line ("AMQP intake stopped: %s", error->message);
  serve_run->status = CLI_EXIT_FAILED;
  g_main_loop_quit (serve_run->loop);
}

static void
on_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Serve *serve_run = user_data;
  oc_service_stop_finish (OC_SERVICE (source), result, NULL);
  g_main_loop_quit (serve_run->loop);
}

static void
on_rejected (OcService *service, const char *name, const char *reason, gpointer user_data)
{
  log_line ("rejected %s: %s", name, reason);
}

typedef struct {
  Serve     *serve_run;
  OcService *service;   /* NULL until it runs */
} Terminate;

static gboolean
on_terminate (gpointer user_data)
{
  Terminate *terminate = user_data;
  Serve *serve_run = terminate->serve_run;
  if (serve_run->stopping)
    return G_SOURCE_CONTINUE;
  serve_run->stopping = TRUE;
  log_line (serve_run->queue ? "stopping: releasing held messages" : "stopping");
  if (terminate->service)
    oc_service_stop_async (terminate->service, NULL, on_stopped, serve_run);
  else
    g_main_loop_quit (serve_run->loop);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GMainLoop *loop;
  GError    *error;
  gboolean   done;
} SignIn;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  oc_connection_sign_in_finish (OC_CONNECTION (source), result, &sign_in->error);
  sign_in->done = TRUE;
  g_main_loop_quit (sign_in->loop);
}

static gboolean
on_wait_over (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* A daemon outlives an outage: transient sign-in failures (Entra or
 * Dataverse unavailable, throttled, the network) are retried with backoff;
 * settings and credentials that are wrong end it (exit 1 or 2). NULL with
 * *status set when it ends, or when SIGTERM came first (status 0). */
static OcConnection *
sign_in_until_online (Serve *serve_run, OcConnection *first, OcSettings *settings, int *status)
{
  static const OcBackoff backoff = { 2000, 60000 };
  g_autoptr(OcConnection) connection = g_object_ref (first);
  for (guint attempt = 1;; attempt++)
    {
      SignIn sign_in = { .loop = serve_run->loop };
      oc_connection_sign_in_async (connection, NULL, on_signed_in, &sign_in);
      while (!sign_in.done)
        g_main_loop_run (serve_run->loop);
      if (sign_in.error == NULL)
        return g_steal_pointer (&connection);

      g_autoptr(GError) error = sign_in.error;
      if (oc_error_get_kind (error) != OC_ERROR_KIND_TRANSIENT)
        {
          log_line ("sign-in failed: %s", error->message);
          *status = cli_exit_status_for (error);
          return NULL;
        }
      guint delay = oc_backoff_next_delay_ms (&backoff, attempt, oc_error_get_retry_after (error));
      log_line ("sign-in failed: %s (retrying in %.1f s)", error->message, delay / 1000.0);
      oc_connection_close (connection);
      g_clear_object (&connection);
      connection = oc_connection_new (settings, NULL);
      guint wait = g_timeout_add (delay, on_wait_over, serve_run->loop);
      g_main_loop_run (serve_run->loop);
      if (serve_run->stopping)
        {
          g_source_remove (wait);
          *status = CLI_EXIT_OK;
          return NULL;
        }
    }
}

/* Forgets the password (its copy in the service is the service's). */
static void
wipe (char *secret)
{
  if (secret)
    memset (secret, 0, strlen (secret));
}

int
cli_serve_run (CliOptions *options, OcSettings *settings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = flag_or_env (serve.amqp, "OMNICHANNEL_AMQP");
  g_autofree char *user = flag_or_env (serve.amqp_user, "OMNICHANNEL_AMQP_USER");
  g_autofree char *queue = flag_or_env (serve.queue, "OMNICHANNEL_QUEUE");
  g_autofree char *outcomes = flag_or_env (serve.outcomes, "OMNICHANNEL_OUTCOMES");
  g_autofree char *inbox = flag_or_env (serve.inbox, "OMNICHANNEL_INBOX");

  if ((url == NULL) != (queue == NULL) || (url == NULL && inbox == NULL))
    {
      g_set_error_literal (&error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                           _("serve needs --amqp URL with --queue ADDRESS, or --inbox DIR (or both)"));
      return cli_output_usage_error (options->json, error);
    }
  if (serve.max_unsettled < 0 || serve.max_unsettled > 10000)
    {
      g_set_error_literal (&error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, _("--max-unsettled must be 1 to 10000"));
      return cli_output_usage_error (options->json, error);
    }
  g_autofree char *password = url ? cli_read_secret (serve.amqp_password_file, "amqp-password-file",
                                                     "OMNICHANNEL_AMQP_PASSWORD", &error) : NULL;
  if (password == NULL && error)
    return cli_output_usage_error (options->json, error);
  OcAmqpIntakeOptions queue_options = {
    .url = url, .user = user, .password = password, .queue = queue, .outcomes = outcomes,
    .max_unsettled = (guint) serve.max_unsettled,
  };
  /* Settings errors are usage errors, found before signing in. */
  OcAmqpUrl checked;
  if (url && !oc_amqp_url_parse (url, user && *user, &checked, &error))
    {
      wipe (password);
      return cli_output_usage_error (options->json, error);
    }
  if (url)
    oc_amqp_url_clear (&checked);

  g_autoptr(OcConnection) prepared_connection = NULL;
  g_autoptr(OcService) prepared_service = NULL;
  g_autofree char *root = NULL;
  int prepared = cli_prepare (options, settings, &prepared_connection, &prepared_service, &root);
  if (prepared == CLI_EXIT_OK && url && !oc_service_add_queue (prepared_service, &queue_options, &error))
    prepared = cli_output_usage_error (options->json, error);
  if (prepared == CLI_EXIT_OK && inbox && !oc_service_add_inbox_dir (prepared_service, inbox, &error))
    prepared = cli_output_usage_error (options->json, error);
  /* The service is made again below for the connection that signed in
   * (sign-in may be retried on a fresh one); this one proved the store
   * opens and the intakes' options are good. */
  g_clear_object (&prepared_service);
  if (prepared != CLI_EXIT_OK)
    {
      wipe (password);
      return prepared;
    }

  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Serve serve_run = { .loop = loop, .status = CLI_EXIT_OK, .queue = url != NULL };
  Terminate terminate = { .serve_run = &serve_run };
  guint sigint = g_unix_signal_add (SIGINT, on_terminate, &terminate);
  guint sigterm = g_unix_signal_add (SIGTERM, on_terminate, &terminate);
  int status = CLI_EXIT_OK;
  g_autoptr(OcConnection) connection = sign_in_until_online (&serve_run, prepared_connection, settings, &status);
  g_autoptr(OcService) service = NULL;
  if (connection)
    {
      log_line ("signed in to %s; sessions stored in %s", oc_connection_get_settings (connection)->environment,
                root);
      service = oc_service_new (connection, root, &error);
    }
  if (service && url && !oc_service_add_queue (service, &queue_options, &error))
    g_clear_object (&service);
  if (service && inbox && !oc_service_add_inbox_dir (service, inbox, &error))
    g_clear_object (&service);
  wipe (password);
  if (service == NULL)
    {
      g_source_remove (sigint);
      g_source_remove (sigterm);
      if (connection)
        oc_connection_close (connection);
      return connection ? cli_output_usage_error (options->json, error) : status;
    }

  g_signal_connect (service, "handoff-added", G_CALLBACK (on_handoff), &serve_run);
  g_signal_connect (service, "handoff-changed", G_CALLBACK (on_handoff), &serve_run);
  g_signal_connect (service, "rejected", G_CALLBACK (on_rejected), &serve_run);
  g_signal_connect (service, "queue-settled", G_CALLBACK (on_settled), &serve_run);
  g_signal_connect (service, "queue-connection", G_CALLBACK (on_connection), &serve_run);
  g_signal_connect (service, "queue-failed", G_CALLBACK (on_intake_failed), &serve_run);
  g_signal_connect (service, "outcome", G_CALLBACK (on_outcome), &serve_run);
  /* The engine and the watcher; what an earlier run stored and did not
   * finish goes on first; then the intakes: the drop directory, the queue. */
  if (!oc_service_start (service, OC_SERVICE_WATCH, &error))
    {
      log_line ("--inbox %s: %s", inbox, error->message);
      serve_run.status = CLI_EXIT_FAILED;
      serve_run.stopping = TRUE;
    }
  else if (inbox)
    log_line ("taking session documents moved into %s/inbox", inbox);
  terminate.service = service;

  if (!serve_run.stopping)
    g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  g_signal_handlers_disconnect_by_data (service, &serve_run);
  oc_service_stop (service);
  oc_connection_close (connection);
  log_line ("stopped");
  return serve_run.status;
}
