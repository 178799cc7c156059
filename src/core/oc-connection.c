/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-connection.h"

#include <glib/gi18n-lib.h>

#include "oc-codes.h"
#include "oc-enum-types.h"
#include "oc-error.h"
#include "oc-guid.h"
#include "oc-http.h"
#include "oc-priority.h"
#include "oc-retry-gate.h"
#include "oc-odata.h"

#define DEFAULT_TIMEOUT_S 30
#define SIGN_IN_MAX_RETRY_DELAY_MS 5000

struct _OcConnection {
  GObject            parent_instance;

  OcSettings        *settings;
  char              *account_key;
  char              *gate_key;
  SoupSession       *session;
  OcTokenProvider   *tokens;
  OcWebApi          *web_api;
  GCancellable      *cancellable;
  OcConnectionState  state;
  char              *user_id;
  char              *workstream_name;
  gulong             renewal_handler;
  GTask             *gate_task;   /* a sign-in waiting at the retry gate */
};

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_PROGRESS, SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcConnection, oc_connection, G_TYPE_OBJECT)

typedef struct {
  OcSignInStep step;
  guint        gate_source_id;
  gulong       cancel_handler;
} SignIn;

static void
set_state (OcConnection *self, OcConnectionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
oc_connection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  OcConnection *self = OC_CONNECTION (object);
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oc_connection_dispose (GObject *object)
{
  OcConnection *self = OC_CONNECTION (object);
  oc_connection_close (self);
  g_clear_object (&self->web_api);
  g_clear_object (&self->tokens);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (oc_connection_parent_class)->dispose (object);
}

static void
oc_connection_finalize (GObject *object)
{
  OcConnection *self = OC_CONNECTION (object);
  g_clear_pointer (&self->settings, oc_settings_free);
  g_free (self->account_key);
  g_free (self->gate_key);
  g_free (self->user_id);
  g_free (self->workstream_name);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (oc_connection_parent_class)->finalize (object);
}

static void
oc_connection_class_init (OcConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = oc_connection_get_property;
  object_class->dispose = oc_connection_dispose;
  object_class->finalize = oc_connection_finalize;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OC_TYPE_CONNECTION_STATE, OC_CONNECTION_STATE_NEW,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (step, total, text) before each sign-in step. */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  /* A failure after sign-in that ends the connection (e.g. the secret expired
   * while online). The error is as precise as at sign-in. */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
oc_connection_init (OcConnection *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
on_renewal_failed (OcTokenProvider *tokens, GError *error, gpointer user_data)
{
  OcConnection *self = user_data;

  if (self->state != OC_CONNECTION_STATE_ONLINE)
    return;
  set_state (self, OC_CONNECTION_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
}

OcConnection *
oc_connection_new (const OcSettings *settings, GError **error)
{
  g_autoptr(OcSettings) copy = oc_settings_copy (settings);
  if (!oc_settings_validate (copy, error))
    return NULL;

  OcConnection *self = g_object_new (OC_TYPE_CONNECTION, NULL);
  self->settings = g_steal_pointer (&copy);
  self->account_key = g_strdup_printf ("%s|%s", self->settings->environment, self->settings->client_id);
  self->gate_key = g_strdup (self->account_key);
  self->session = oc_http_session_new (DEFAULT_TIMEOUT_S);
  self->tokens = oc_token_provider_new (self->session, self->settings);
  self->web_api = oc_web_api_new (self->session, self->tokens, self->settings->environment);
  self->renewal_handler = g_signal_connect (self->tokens, "renewal-failed", G_CALLBACK (on_renewal_failed), self);
  return self;
}

void
oc_connection_set_proxy_resolver (OcConnection *self, GProxyResolver *resolver)
{
  soup_session_set_proxy_resolver (self->session, resolver);
}

void
oc_connection_set_retry_gate_key (OcConnection *self, const char *key)
{
  g_free (self->gate_key);
  self->gate_key = g_strdup (key);
}

void
oc_connection_set_timeout (OcConnection *self, guint seconds)
{
  soup_session_set_timeout (self->session, seconds);
}

OcConnectionState oc_connection_get_state (OcConnection *self) { return self->state; }
const OcSettings *oc_connection_get_settings (OcConnection *self) { return self->settings; }
OcWebApi *oc_connection_get_web_api (OcConnection *self) { return self->web_api; }
OcTokenProvider *oc_connection_get_token_provider (OcConnection *self) { return self->tokens; }
const char *oc_connection_get_user_id (OcConnection *self) { return self->user_id; }
const char *oc_connection_get_workstream_name (OcConnection *self) { return self->workstream_name; }
const char *oc_connection_get_account_key (OcConnection *self) { return self->account_key; }

const char *
oc_sign_in_step_describe (OcSignInStep step)
{
  switch (step)
    {
    case OC_SIGN_IN_STEP_TOKEN: return _("Requesting an access token from Microsoft Entra ID");
    case OC_SIGN_IN_STEP_IDENTITY: return _("Checking the Application User (WhoAmI)");
    case OC_SIGN_IN_STEP_WORKSTREAM: return _("Checking the workstream");
    case OC_SIGN_IN_STEP_READ_PROBE: return _("Checking read access to conversations");
    case OC_SIGN_IN_STEP_PRIORITY: return _("Checking the case priority options");
    default: return _("Signing in");
    }
}

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_handle_id (&sign_in->gate_source_id, g_source_remove);
  g_free (sign_in);
}

static void run_step (GTask *task);

static void
emit_progress (OcConnection *self, OcSignInStep step, const char *text)
{
  if (self->state != OC_CONNECTION_STATE_CLOSED)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, (guint) step, (guint) OC_SIGN_IN_STEPS, text);
}

static void
sign_in_fail (GTask *task, GError *error)
{
  OcConnection *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (oc_error_is_transient (error))
    {
      /* Wrap transport trouble with the step and when it will be retried. */
      guint delay = oc_retry_gate_record_failure (self->gate_key, oc_error_get_retry_after (error));
      GError *wrapped = oc_error_new_full (error->domain == OC_ERROR ? error->code : OC_ERROR_NETWORK,
                                           oc_error_get_http_status (error),
                                           oc_error_get_service_code (error), (gint64) delay,
                                           g_dngettext (GETTEXT_PACKAGE,
                                                        "%s failed: %s. Will retry automatically in %u s or later.",
                                                        "%s failed: %s. Will retry automatically in %u s or later.",
                                                        delay),
                                           oc_sign_in_step_describe (sign_in->step), error->message, delay);
      g_error_free (error);
      error = wrapped;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, OC_CONNECTION_STATE_FAILED);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static OcRequest *
sign_in_request (const char *path)
{
  OcRequest *request = oc_request_new ("GET", path);
  oc_request_set_retry (request, OC_RETRY_BOUNDED, 2);
  oc_request_set_max_retry_delay (request, SIGN_IN_MAX_RETRY_DELAY_MS);
  return request;
}

static void
sign_in_succeed (GTask *task)
{
  OcConnection *self = g_task_get_source_object (task);
  oc_retry_gate_record_success (self->gate_key);
  set_state (self, OC_CONNECTION_STATE_ONLINE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Finishes the request of a sign-in step: the response, or NULL once the
 * sign-in failed with the error. A 404 fails it with @missing_code and
 * @missing (when not NULL), the step's words for what is not there. */
static OcResponse *
sign_in_finish_request (GTask *task, GObject *source, GAsyncResult *result, OcErrorCode missing_code,
                        const char *missing)
{
  GError *error = NULL;
  OcResponse *response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);
  if (response)
    return response;
  if (missing && g_error_matches (error, OC_ERROR, OC_ERROR_NOT_FOUND))
    {
      GError *wrapped = oc_error_new_full (missing_code, 404, oc_error_get_service_code (error), -1, "%s", missing);
      g_error_free (error);
      error = wrapped;
    }
  sign_in_fail (task, error);
  return NULL;
}

/* Finishes reading a step's answer: FALSE once the sign-in failed with what
 * the reader found wrong. */
static gboolean
sign_in_read_finish (GTask *task, OcJsonReader *reader, const char *what)
{
  GError *error = NULL;
  if (oc_response_reader_finish (reader, what, &error))
    return TRUE;
  sign_in_fail (task, error);
  return FALSE;
}

/* Default priority outside 1–3 must be one of the org's own options. */
static void
on_priority_options (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OcConnection *self = g_task_get_source_object (task);
  g_autoptr(OcResponse) response = sign_in_finish_request (task, source, result, 0, NULL);
  if (response == NULL)
    return;
  GError *error = NULL;
  g_autoptr(GArray) options = oc_priority_options_parse (response->body, &error);

  if (options == NULL || !oc_priority_check (options, self->settings->default_priority, &error))
    {
      sign_in_fail (task, error);
      return;
    }
  sign_in_succeed (task);
}

static void
on_read_probe (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OcConnection *self = g_task_get_source_object (task);
  g_autofree char *missing = g_strdup_printf (
              _("The environment %s has no conversations table (msdyn_ocliveworkitems): Omnichannel "
              "for Customer Service is not provisioned there. Provision it, or check the Environment URL."),
              self->settings->environment);
  g_autoptr(OcResponse) response = sign_in_finish_request (task, source, result, OC_ERROR_NOT_PROVISIONED, missing);
  if (response == NULL)
    return;
  OcJsonReader reader;
  oc_response_reader_init (&reader, response);
  JsonArray *rows = oc_json_reader_array (&reader, "value");
  if (!sign_in_read_finish (task, &reader, "GET msdyn_ocliveworkitems"))
    return;
  if (rows == NULL)
    {
      sign_in_fail (task, g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE,
                                       _("The read probe got an answer without a value list")));
      return;
    }

  /* Every channel but web, sms and whatsapp becomes a case, whatever the
   * settings say (SPEC §5.2): cases are always possible, so a priority the
   * org lacks would fail every one of them. Ask the org once, now. */
  if (!oc_priority_is_standard (self->settings->default_priority))
    {
      ((SignIn *) g_task_get_task_data (task))->step = OC_SIGN_IN_STEP_PRIORITY;
      run_step (task);
      return;
    }
  sign_in_succeed (task);
}

static void
on_workstream (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OcConnection *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  const char *id = self->settings->workstream_id;
  g_autofree char *missing = g_strdup_printf (
              _("Workstream ID %s was not found in %s. It must be the GUID of an Omnichannel "
              "workstream (Omnichannel admin center → Workstreams), not a queue."),
              id, self->settings->environment);
  g_autoptr(OcResponse) response = sign_in_finish_request (task, source, result, OC_ERROR_WORKSTREAM_INVALID, missing);
  if (response == NULL)
    return;

  /* A statecode sent as "1" (a string) is an error, never read as 0 */
  OcJsonReader reader;
  oc_response_reader_init (&reader, response);
  const char *name = oc_json_reader_string (&reader, "msdyn_name");
  gint64 statecode = oc_json_reader_int (&reader, "statecode", OC_CODE_UNKNOWN);
  if (!sign_in_read_finish (task, &reader, "GET msdyn_liveworkstreams"))
    return;
  if (statecode != OC_RECORD_STATE_ACTIVE)
    {
      sign_in_fail (task, oc_error_new_full (OC_ERROR_WORKSTREAM_INVALID, response->status, NULL, -1,
          _("Workstream “%s” (%s) is inactive. Activate it in Omnichannel admin center, or set the "
          "Workstream ID of an active workstream."), name ? name : "?", id));
      return;
    }
  g_free (self->workstream_name);
  self->workstream_name = g_strdup (name);
  sign_in->step = OC_SIGN_IN_STEP_READ_PROBE;
  run_step (task);
}

static void
on_who_am_i (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OcConnection *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(OcResponse) response = sign_in_finish_request (task, source, result, 0, NULL);
  if (response == NULL)
    return;

  OcJsonReader reader;
  oc_response_reader_init (&reader, response);
  g_autofree char *user_id = oc_guid_normalize (oc_json_reader_string (&reader, "UserId"));
  if (!sign_in_read_finish (task, &reader, "GET WhoAmI"))
    return;
  if (user_id == NULL)
    {
      sign_in_fail (task, g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE,
                                       _("WhoAmI answered without a UserId")));
      return;
    }
  g_free (self->user_id);
  self->user_id = g_steal_pointer (&user_id);
  g_debug ("signed in as application user %s", self->user_id);

  sign_in->step = self->settings->workstream_id ? OC_SIGN_IN_STEP_WORKSTREAM : OC_SIGN_IN_STEP_READ_PROBE;
  run_step (task);
}

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *token = oc_token_provider_get_finish (OC_TOKEN_PROVIDER (source), result, &error);

  if (token == NULL)
    {
      sign_in_fail (task, error);
      return;
    }
  sign_in->step = OC_SIGN_IN_STEP_IDENTITY;
  run_step (task);
}

static void
run_step (GTask *task)
{
  OcConnection *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GCancellable *cancellable = self->cancellable;
  g_autoptr(OcRequest) request = NULL;

  emit_progress (self, sign_in->step, oc_sign_in_step_describe (sign_in->step));
  switch (sign_in->step)
    {
    case OC_SIGN_IN_STEP_TOKEN:
      oc_token_provider_get_async (self->tokens, cancellable, on_token, task);
      return;
    case OC_SIGN_IN_STEP_IDENTITY:
      request = sign_in_request ("WhoAmI");
      oc_web_api_send_async (self->web_api, request, cancellable, on_who_am_i, task);
      return;
    case OC_SIGN_IN_STEP_WORKSTREAM:
      {
        g_autofree char *path = oc_odata_entity_path ("msdyn_liveworkstreams", self->settings->workstream_id,
                                                      "?$select=msdyn_name,statecode,msdyn_streamsource");
        request = sign_in_request (path);
        oc_web_api_send_async (self->web_api, request, cancellable, on_workstream, task);
        return;
      }
    case OC_SIGN_IN_STEP_PRIORITY:
      request = sign_in_request (OC_PRIORITY_OPTIONS_PATH);
      oc_web_api_send_async (self->web_api, request, cancellable, on_priority_options, task);
      return;
    case OC_SIGN_IN_STEP_READ_PROBE:
    default:
      request = sign_in_request ("msdyn_ocliveworkitems?$top=1&$select=activityid");
      oc_web_api_send_async (self->web_api, request, cancellable, on_read_probe, task);
      return;
    }
}

static gboolean
on_gate_open (gpointer user_data)
{
  GTask *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  OcConnection *self = g_task_get_source_object (task);
  sign_in->gate_source_id = 0;
  self->gate_task = NULL;
  run_step (task);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable, gpointer user_data)
{
  /* Abandoning a sign-in abandons the connection: nothing half-done stays. */
  oc_connection_close (OC_CONNECTION (user_data));
}

void
oc_connection_sign_in_async (OcConnection *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_CONNECTION (self));

  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_connection_sign_in_async);
  SignIn *sign_in = g_new0 (SignIn, 1);
  sign_in->step = OC_SIGN_IN_STEP_TOKEN;
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  if (self->state == OC_CONNECTION_STATE_CLOSED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The connection is closed"));
      g_object_unref (task);
      return;
    }
  if (cancellable)
    g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                           g_object_ref (self), g_object_unref);
  set_state (self, OC_CONNECTION_STATE_SIGNING_IN);

  guint wait = oc_retry_gate_remaining (self->gate_key);
  if (wait > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting %u s before trying again",
                                                             "Waiting %u s before trying again", wait), wait);
      emit_progress (self, OC_SIGN_IN_STEP_TOKEN, text);
      /* The gate is honoured even if the UI reconnects early. close() ends the
       * wait. */
      sign_in->gate_source_id = g_timeout_add_seconds (wait, on_gate_open, task);
      self->gate_task = task;
      return;
    }
  run_step (task);
}

gboolean
oc_connection_sign_in_finish (OcConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
oc_connection_close (OcConnection *self)
{
  if (self->state == OC_CONNECTION_STATE_CLOSED)
    return;
  set_state (self, OC_CONNECTION_STATE_CLOSED);

  g_clear_signal_handler (&self->renewal_handler, self->tokens);
  if (self->gate_task)
    {
      GTask *task = g_steal_pointer (&self->gate_task);
      SignIn *sign_in = g_task_get_task_data (task);
      g_clear_handle_id (&sign_in->gate_source_id, g_source_remove);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The connection is closed"));
      g_object_unref (task);
    }
  g_cancellable_cancel (self->cancellable);
  if (self->web_api)
    oc_web_api_shutdown (self->web_api);
  if (self->tokens)
    oc_token_provider_shutdown (self->tokens);
  if (self->session)
    soup_session_abort (self->session);
}
