/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-serve.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "cli-output.h"
#include "oc-amqp-url.h"
#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-handoff-engine.h"
#include "oc-inbox.h"
#include "oc-store.h"
#include "oc-service.h"
#include "oc-watcher.h"
#ifdef OC_HAVE_AMQP
#include "oc-amqp-intake.h"
#endif

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
    { "amqp", 0, 0, G_OPTION_ARG_STRING, &serve.amqp, "serve: the AMQP 1.0 broker, amqp://host[:port] or amqps://host[:port]", "URL" },
    { "amqp-user", 0, 0, G_OPTION_ARG_STRING, &serve.amqp_user, "serve: SASL PLAIN user (Service Bus: the shared access key name); none = ANONYMOUS", "NAME" },
    { "amqp-password-file", 0, 0, G_OPTION_ARG_FILENAME, &serve.amqp_password_file, "serve: read the AMQP password from FILE (or set OMNICHANNEL_AMQP_PASSWORD)", "FILE" },
    { "queue", 0, 0, G_OPTION_ARG_STRING, &serve.queue, "serve: the queue's address (Service Bus: its name; RabbitMQ 3.x: /queue/NAME)", "ADDRESS" },
    { "outcomes", 0, 0, G_OPTION_ARG_STRING, &serve.outcomes, "serve: also publish every state change as JSON to ADDRESS", "ADDRESS" },
    { "inbox", 0, 0, G_OPTION_ARG_FILENAME, &serve.inbox, "serve: also take session documents moved into DIR/inbox/ (refused ones: DIR/rejected/)", "DIR" },
    { "max-unsettled", 0, 0, G_OPTION_ARG_INT, &serve.max_unsettled, "serve: messages held at most while their handoffs run (default 32)", "N" },
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
  OcHandoffEngine *engine;
  gpointer         intake;   /* OcAmqpIntake* when built with AMQP and --amqp is given */
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

/* The outbox's own line (<store>/outbox/events.jsonl), once it is durable. */
static void
on_outcome (OcService *service, OcHandoff *handoff, const char *line, gpointer user_data)
{
#ifdef OC_HAVE_AMQP
  Serve *serve_run = user_data;
  if (serve_run->intake && !oc_handoff_is_foreign (handoff))
    oc_amqp_intake_publish (serve_run->intake, line);
#endif
}

#ifdef OC_HAVE_AMQP
static void
on_settled (OcAmqpIntake *intake, const char *session_id, const char *outcome, const char *reason, gpointer user_data)
{
  if (g_strcmp0 (outcome, "accepted") == 0)
    return;   /* the handoff's own line says it */
  log_line ("%s %s: %s", outcome, session_id ? session_id : "a message without a valid session",
            reason ? reason : "");
}

static void
on_connection (OcAmqpIntake *intake, gboolean up, const char *detail, gpointer user_data)
{
  log_line (up ? "AMQP: %s" : "AMQP connection lost: %s", detail);
}

static void
on_intake_failed (OcAmqpIntake *intake, GError *error, gpointer user_data)
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
  oc_amqp_intake_stop_finish (OC_AMQP_INTAKE (source), result, NULL);
  g_main_loop_quit (serve_run->loop);
}

static char *
read_password (GError **error)
{
  if (serve.amqp_password_file)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GError) read_error = NULL;
      if (!g_file_get_contents (serve.amqp_password_file, &contents, NULL, &read_error))
        {
          g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, "Cannot read --amqp-password-file: %s",
                       read_error->message);
          return NULL;
        }
      g_strchomp (contents);
      char *password = g_strdup (contents);
      memset (contents, 0, strlen (contents));
      return password;
    }
  return g_strdup (g_getenv ("OMNICHANNEL_AMQP_PASSWORD"));
}
#endif /* OC_HAVE_AMQP */

static void
on_drop_rejected (OcStore *drop, const char *name, const char *reason, gpointer user_data)
{
  log_line ("rejected %s (moved to %s): %s", name, oc_store_get_rejected_dir (drop), reason);
}

static gboolean
on_terminate (gpointer user_data)
{
  Serve *serve_run = user_data;
  if (serve_run->stopping)
    return G_SOURCE_CONTINUE;
  serve_run->stopping = TRUE;
  log_line (serve_run->intake ? "stopping: releasing held messages" : "stopping");
#ifdef OC_HAVE_AMQP
  if (serve_run->intake)
    {
      oc_amqp_intake_stop_async (serve_run->intake, NULL, on_stopped, serve_run);
      return G_SOURCE_CONTINUE;
    }
#endif
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
                           "serve needs --amqp URL with --queue ADDRESS, or --inbox DIR (or both)");
      return cli_output_usage_error (options->json, error);
    }
  if (serve.max_unsettled < 0 || serve.max_unsettled > 10000)
    {
      g_set_error_literal (&error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, "--max-unsettled must be 1 to 10000");
      return cli_output_usage_error (options->json, error);
    }
#ifdef OC_HAVE_AMQP
  g_autofree char *password = url ? read_password (&error) : NULL;
  if (password == NULL && error)
    return cli_output_usage_error (options->json, error);
  OcAmqpUrl checked;
  if (url && !oc_amqp_url_parse (url, user && *user, &checked, &error))
    return cli_output_usage_error (options->json, error);
  if (url)
    oc_amqp_url_clear (&checked);
#else
  (void) user;
  (void) outcomes;
  if (url)
    {
      g_set_error_literal (&error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                           "--amqp: this omnichannel was built without AMQP support (meson -Damqp=enabled, "
                           "libqpid-proton11-dev); --inbox works without it");
      return cli_output_usage_error (options->json, error);
    }
#endif

  g_autoptr(OcConnection) prepared_connection = NULL;
  g_autoptr(OcService) prepared_service = NULL;
  g_autofree char *root = NULL;
  int prepared = cli_prepare (options, settings, &prepared_connection, &prepared_service, &root);
  if (prepared != CLI_EXIT_OK)
    return prepared;
  /* The service is made again below for the connection that signed in
   * (sign-in may be retried on a fresh one); this one only proved the
   * store opens. */
  g_clear_object (&prepared_service);
  /* The drop directory has the store's layout: DIR/inbox/ in, DIR/rejected/
   * for refused documents with their .reason. Accepted ones go to the store. */
  g_autoptr(OcStore) drop = inbox ? oc_store_new (inbox, &error) : NULL;
  if (inbox && drop == NULL)
    return cli_output_usage_error (options->json, error);

  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Serve serve_run = { .loop = loop, .status = CLI_EXIT_OK };
  guint sigint = g_unix_signal_add (SIGINT, on_terminate, &serve_run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_terminate, &serve_run);
  int status = CLI_EXIT_OK;
  g_autoptr(OcConnection) connection = sign_in_until_online (&serve_run, prepared_connection, settings, &status);
  if (connection == NULL)
    {
      g_source_remove (sigint);
      g_source_remove (sigterm);
#ifdef OC_HAVE_AMQP
      if (password)
        memset (password, 0, strlen (password));
#endif
      return status;
    }
  log_line ("signed in to %s; sessions stored in %s", oc_connection_get_settings (connection)->environment, root);

  g_autoptr(OcService) service = oc_service_new (connection, root, &error);
  if (service == NULL)
    {
      g_source_remove (sigint);
      g_source_remove (sigterm);
      return cli_output_usage_error (options->json, error);
    }
  g_signal_connect (service, "handoff-added", G_CALLBACK (on_handoff), &serve_run);
  g_signal_connect (service, "handoff-changed", G_CALLBACK (on_handoff), &serve_run);
  g_signal_connect (service, "outcome", G_CALLBACK (on_outcome), &serve_run);
  /* The engine and the watcher; what an earlier run stored and did not
   * finish goes on first. The drop directory and the queue are intakes of
   * their own, below. */
  if (!oc_service_start (service, OC_SERVICE_WATCH, &error))
    {
      log_line ("%s", error->message);
      g_clear_error (&error);
    }
  OcHandoffEngine *engine = oc_service_get_engine (service);
  serve_run.engine = engine;
#ifdef OC_HAVE_AMQP
  g_autoptr(OcAmqpIntake) intake = NULL;
  if (url)
    {
      OcAmqpIntakeOptions intake_options = {
        .url = url, .user = user, .password = password, .queue = queue, .outcomes = outcomes,
        .max_unsettled = (guint) serve.max_unsettled,
      };
      intake = oc_amqp_intake_new (engine, &intake_options, &error);
      if (password)
        memset (password, 0, strlen (password));
      if (intake == NULL)
        {
          g_source_remove (sigint);
          g_source_remove (sigterm);
          return cli_output_usage_error (options->json, error);
        }
      serve_run.intake = intake;
      g_signal_connect (intake, "settled", G_CALLBACK (on_settled), &serve_run);
      g_signal_connect (intake, "connection", G_CALLBACK (on_connection), &serve_run);
      g_signal_connect (intake, "failed", G_CALLBACK (on_intake_failed), &serve_run);
    }
#endif

  g_autoptr(OcInbox) drop_intake = drop ? oc_inbox_new (drop, engine) : NULL;
  if (drop_intake)
    {
      g_signal_connect (drop, "rejected", G_CALLBACK (on_drop_rejected), &serve_run);
      if (!oc_inbox_start (drop_intake, &error))
        {
          log_line ("--inbox %s: %s", inbox, error->message);
          serve_run.status = CLI_EXIT_FAILED;
          serve_run.stopping = TRUE;
        }
      else
        log_line ("taking session documents moved into %s", oc_store_get_inbox_dir (drop));
    }
#ifdef OC_HAVE_AMQP
  if (intake)
    oc_amqp_intake_start (intake);
#endif

  if (!serve_run.stopping)
    g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (drop_intake)
    {
      oc_inbox_stop (drop_intake);
      g_signal_handlers_disconnect_by_data (drop, &serve_run);
    }
  g_signal_handlers_disconnect_by_data (service, &serve_run);
#ifdef OC_HAVE_AMQP
  if (intake)
    g_signal_handlers_disconnect_by_data (intake, &serve_run);
#endif
  oc_service_stop (service);
  oc_connection_close (connection);
  log_line ("stopped");
  return serve_run.status;
}
