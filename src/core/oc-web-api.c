/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-web-api.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "oc-error.h"
#include "oc-http.h"
#include "oc-json.h"


typedef enum {
  CALL_QUEUED,     /* waiting for a free slot */
  CALL_TOKEN,      /* waiting for a token */
  CALL_SENDING,    /* on the wire */
  CALL_BACKOFF,    /* waiting to retry */
  CALL_DONE,
} CallState;

typedef struct {
  OcWebApi     *api;
  GTask        *task;
  OcRequest    *request;
  GCancellable *cancellable;     /* ours; the caller's cancels it */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  SoupMessage  *message;
  char         *token;
  CallState     state;
  guint         attempt;
  gboolean      replayed_after_401;
  gboolean      holds_slot;
  guint         retry_source_id;
  guint         cancel_source_id;
  GList        *link;            /* this call's element of OcWebApi.calls */
} Call;

struct _OcWebApi {
  GObject          parent_instance;
  SoupSession     *session;
  OcTokenProvider *tokens;
  char            *base_url;
  OcBackoff        backoff;
  gsize            max_response;
  guint            max_in_flight;
  guint            in_flight;
  guint            peak_in_flight;
  GQueue           queued;      /* Call* waiting for a slot */
  GList           *calls;       /* every unfinished Call */
  gboolean         shut_down;
};

G_DEFINE_FINAL_TYPE (OcWebApi, oc_web_api, G_TYPE_OBJECT)

static void call_acquire_slot (Call *call);
static void call_get_token (Call *call);

static void
oc_web_api_dispose (GObject *object)
{
  OcWebApi *self = OC_WEB_API (object);
  oc_web_api_shutdown (self);
  g_clear_object (&self->tokens);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (oc_web_api_parent_class)->dispose (object);
}

static void
oc_web_api_finalize (GObject *object)
{
  OcWebApi *self = OC_WEB_API (object);
  g_free (self->base_url);
  G_OBJECT_CLASS (oc_web_api_parent_class)->finalize (object);
}

static void
oc_web_api_class_init (OcWebApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_web_api_dispose;
  G_OBJECT_CLASS (klass)->finalize = oc_web_api_finalize;
}

static void
oc_web_api_init (OcWebApi *self)
{
  self->backoff = (OcBackoff) OC_BACKOFF_INIT;
  self->max_in_flight = OC_WEB_API_MAX_IN_FLIGHT;
  self->max_response = OC_HTTP_DEFAULT_MAX_RESPONSE;
  g_queue_init (&self->queued);
}

OcWebApi *
oc_web_api_new (SoupSession *session, OcTokenProvider *tokens, const char *environment)
{
  OcWebApi *self = g_object_new (OC_TYPE_WEB_API, NULL);
  self->session = g_object_ref (session);
  self->tokens = g_object_ref (tokens);
  self->base_url = g_strdup_printf ("%s/api/data/v9.2/", environment);
  return self;
}

void oc_web_api_set_max_in_flight (OcWebApi *self, guint n) { self->max_in_flight = MAX (1, n); }
void oc_web_api_set_backoff (OcWebApi *self, const OcBackoff *backoff) { self->backoff = *backoff; }
void oc_web_api_set_max_response_size (OcWebApi *self, gsize n) { self->max_response = n; }
const char *oc_web_api_get_base_url (OcWebApi *self) { return self->base_url; }
const OcBackoff *oc_web_api_get_backoff (OcWebApi *self) { return &self->backoff; }
guint oc_web_api_get_in_flight (OcWebApi *self) { return self->in_flight; }
guint oc_web_api_get_peak_in_flight (OcWebApi *self) { return self->peak_in_flight; }

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->retry_source_id, g_source_remove);
  g_clear_handle_id (&call->cancel_source_id, g_source_remove);
  if (call->caller_handler)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->message);
  g_clear_pointer (&call->request, oc_request_unref);
  if (call->token)
    memset (call->token, 0, strlen (call->token));
  g_free (call->token);
  g_free (call);
}

static void
release_slot (Call *call)
{
  OcWebApi *self = call->api;

  if (!call->holds_slot)
    return;
  call->holds_slot = FALSE;
  self->in_flight--;

  Call *next = g_queue_pop_head (&self->queued);
  if (next != NULL)
    call_acquire_slot (next);
}

/* Every path out of a call ends here exactly once. */
static void
call_finish (Call *call, OcResponse *response, GError *error)
{
  OcWebApi *self = call->api;
  GTask *task = call->task;

  g_assert (call->state != CALL_DONE);
  /* O(1) bookkeeping: a burst of thousands of calls must not cost n² */
  if (call->state == CALL_QUEUED)
    g_queue_remove (&self->queued, call);
  call->state = CALL_DONE;
  self->calls = g_list_delete_link (self->calls, call->link);
  release_slot (call);

  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) oc_response_free);
  call_free (call);
  g_object_unref (task);
}

static gboolean
on_cancel_idle (gpointer user_data)
{
  Call *call = user_data;
  call->cancel_source_id = 0;
  if (call->state == CALL_QUEUED || call->state == CALL_BACKOFF)
    call_finish (call, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
on_call_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Call *call = user_data;
  /* Calls on the wire finish through their own callback; the others are
   * finished from an idle so we never re-enter the canceller. */
  if ((call->state == CALL_QUEUED || call->state == CALL_BACKOFF) && call->cancel_source_id == 0)
    call->cancel_source_id = g_idle_add (on_cancel_idle, call);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  Call *call = user_data;
  g_cancellable_cancel (call->cancellable);
}

static gboolean
on_retry_due (gpointer user_data)
{
  Call *call = user_data;
  call->retry_source_id = 0;
  call_acquire_slot (call);
  return G_SOURCE_REMOVE;
}

/* Returns TRUE when the call will be retried later. */
static gboolean
maybe_retry (Call *call, const GError *error)
{
  OcRetryPolicy policy = oc_request_get_retry_policy (call->request);

  if (!oc_error_is_transient (error) || call->api->shut_down ||
      policy == OC_RETRY_NONE ||
      (policy == OC_RETRY_BOUNDED && call->attempt >= oc_request_get_max_attempts (call->request)))
    return FALSE;

  guint64 delay = oc_backoff_next_delay_ms (&call->api->backoff, call->attempt,
                                            oc_error_get_retry_after (error));
  guint64 max_delay = oc_request_get_max_retry_delay (call->request);
  if (max_delay > 0 && delay > max_delay)
    return FALSE;
  g_debug ("%s failed (%s); retry %u in %" G_GUINT64_FORMAT " ms",
           oc_request_get_method (call->request), error->message, call->attempt + 1, delay);
  oc_request_notify_retry (call->request, call->attempt, delay, error);

  release_slot (call);
  call->state = CALL_BACKOFF;
  call->retry_source_id = g_timeout_add ((guint) MIN (delay, (guint64) G_MAXUINT), on_retry_due, call);
  return TRUE;
}

static void
call_fail (Call *call, GError *error)
{
  if (maybe_retry (call, error))
    g_error_free (error);
  else
    call_finish (call, NULL, error);
}

static char *
extract_privilege (const char *message)
{
  const char *prv = message ? strstr (message, "prv") : NULL;
  if (prv == NULL)
    return NULL;
  gsize len = 3;
  while (g_ascii_isalnum (prv[len]) || prv[len] == '_')
    len++;
  return len > 3 ? g_strndup (prv, len) : NULL;
}

GError *
oc_web_api_error_from_response (const char *what, guint status, JsonNode *body, gint64 retry_after_s)
{
  const char *code = NULL;
  const char *server_message = NULL;

  /* An error body of another shape (or with members of the wrong types)
   * is ignored: the status alone decides what the failure is. */
  OcJsonReader reader;
  oc_json_reader_init (&reader, body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL, NULL);
  JsonObject *error_object = oc_json_reader_object (&reader, "error");
  if (oc_json_reader_finish (&reader, NULL) && error_object != NULL)
    {
      oc_json_reader_init (&reader, error_object, "error");
      code = oc_json_reader_string (&reader, "code");
      server_message = oc_json_reader_string (&reader, "message");
      if (!oc_json_reader_finish (&reader, NULL))
        code = server_message = NULL;
    }
  if (code && *code == '\0')
    code = NULL;
  const char *reason = server_message && *server_message ? server_message : soup_status_get_phrase (status);
  g_autofree char *code_note = code ? g_strdup_printf (", %s", code) : g_strdup ("");

  /* The service's code decides before the status: Dataverse has been seen
   * answering a duplicate key with HTTP 500, and a retry of that create
   * would only meet the same key again. */
  if (status == 412 || g_strcmp0 (code, "0x80040237") == 0)
    return oc_error_new_full (OC_ERROR_DUPLICATE, status, code, -1,
        _("The record already exists (HTTP %u%s on %s): %s"), status, code_note, what, reason);
  if (status == 429)
    return oc_error_new_full (OC_ERROR_THROTTLED, status, code, retry_after_s,
        _("Dynamics 365 is throttling this app (HTTP 429%s) on %s"), code_note, what);
  /* 501 is Dataverse saying "not supported": retrying cannot help */
  if (status == 408 || (status >= 500 && status != 501))
    return oc_error_new_full (OC_ERROR_SERVER, status, code, retry_after_s,
        _("Dynamics 365 answered HTTP %u (%s%s) to %s"), status, soup_status_get_phrase (status),
        code_note, what);
  if (status == 401)
    return oc_error_new_full (OC_ERROR_NO_APPLICATION_USER, status, code, -1,
        _("Dynamics 365 refused the app's fresh token (HTTP 401) on %s: there is no Application "
        "User for this app in the environment. In the Power Platform admin center open the "
        "environment → Settings → Users + permissions → Application users and add one for "
        "this app's client ID."), what);
  if (status == 403)
    {
      g_autofree char *privilege = extract_privilege (server_message);
      if (privilege)
        return oc_error_new_full (OC_ERROR_FORBIDDEN, status, code, -1,
            _("The Application User lacks the privilege %s (HTTP 403 on %s). Give it a security "
            "role that grants %s (System Administrator is simplest) in the Power Platform admin "
            "center."), privilege, what, privilege);
      return oc_error_new_full (OC_ERROR_FORBIDDEN, status, code, -1,
          _("The Application User lacks a security role or privilege (HTTP 403 on %s): %s. Assign "
          "it a role in the Power Platform admin center."), what, reason);
    }
  if (status == 404)
    return oc_error_new_full (OC_ERROR_NOT_FOUND, status, code, -1,
        _("Dynamics 365 could not find what %s asked for (HTTP 404%s): %s"), what, code_note, reason);
  if (status == 400)
    return oc_error_new_full (OC_ERROR_BAD_REQUEST, status, code, -1,
        _("Dynamics 365 rejected %s (HTTP 400%s): %s"), what, code_note, reason);
  return oc_error_new_full (OC_ERROR_HTTP, status, code, -1,
      _("Dynamics 365 answered HTTP %u (%s%s) to %s"), status, reason, code_note, what);
}

/* Every answer, success or error, is parsed with the bounds of oc-json:
 * a hostile body is an error here, never a crash further on. */
static JsonNode *
parse_body (GBytes *bytes, const char *what, GError **error)
{
  gsize size = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  g_autoptr(GError) json_error = NULL;
  JsonNode *node = oc_json_parse (data, (gssize) size, 0, NULL, &json_error);
  if (json_error != NULL)
    g_propagate_error (error, oc_response_malformed_error (what, json_error));
  return node;
}

static void
on_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = oc_http_send_finish (result, &error);
  g_autofree char *what = oc_request_describe (call->request);

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        call_finish (call, NULL, g_steal_pointer (&error));
      else
        call_fail (call, g_steal_pointer (&error));
      return;
    }

  guint status = soup_message_get_status (call->message);
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->message);
  g_debug ("%s → %u", what, status);

  if (status == 401 && !call->replayed_after_401)
    {
      /* The token may have been revoked or expired early: renew once, replay once. */
      call->replayed_after_401 = TRUE;
      oc_token_provider_invalidate (call->api->tokens, call->token);
      call_get_token (call);
      return;
    }

  g_autoptr(GError) parse_error = NULL;
  JsonNode *body = parse_body (bytes, what, &parse_error);

  if (status >= 200 && status < 300)
    {
      if (parse_error)
        {
          call_fail (call, g_steal_pointer (&parse_error));
          return;
        }
      OcResponse *response = g_new0 (OcResponse, 1);
      response->status = status;
      response->body = body;
      response->headers = soup_message_headers_ref (headers);
      call_finish (call, response, NULL);
      return;
    }

  gint64 retry_after = oc_parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"), NULL);
  GError *http_error = oc_web_api_error_from_response (what, status, body, retry_after);
  g_clear_pointer (&body, json_node_unref);
  call_fail (call, http_error);
}

static void
call_send (Call *call)
{
  OcWebApi *self = call->api;
  const char *path = oc_request_get_path (call->request);
  g_autofree char *url = g_str_has_prefix (path, "http") ? g_strdup (path)
                                                         : g_strconcat (self->base_url, path, NULL);

  /* A nextLink is followed only inside our environment: the bearer token
   * must never travel to another host. */
  if (!g_str_has_prefix (url, self->base_url))
    {
      call_finish (call, NULL, g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE,
          _("Refused to follow a link outside %s"), self->base_url));
      return;
    }

  g_clear_object (&call->message);
  call->message = soup_message_new (oc_request_get_method (call->request), url);
  if (call->message == NULL)
    {
      call_finish (call, NULL, g_error_new (OC_ERROR, OC_ERROR_INVALID_INPUT,
          _("Could not build a request for %s"), url));
      return;
    }

  SoupMessageHeaders *headers = soup_message_get_request_headers (call->message);
  g_autofree char *authorization = g_strconcat ("Bearer ", call->token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  memset (authorization, 0, strlen (authorization));
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "OData-MaxVersion", "4.0");
  soup_message_headers_replace (headers, "OData-Version", "4.0");
  soup_message_headers_replace (headers, "If-None-Match", "null");

  GPtrArray *extra = oc_request_get_headers (call->request);
  for (guint i = 0; i + 1 < extra->len; i += 2)
    soup_message_headers_replace (headers, extra->pdata[i], extra->pdata[i + 1]);

  JsonNode *body = oc_request_get_body (call->request);
  if (body)
    {
      gsize length = 0;
      char *text = json_to_string (body, FALSE);
      length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (call->message, "application/json; charset=utf-8", bytes);
    }

  call->state = CALL_SENDING;
  call->attempt++;
  oc_http_send_async (self->session, call->message, self->max_response, call->cancellable,
                      on_response, call);
}

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  char *token = oc_token_provider_get_finish (OC_TOKEN_PROVIDER (source), result, &error);

  if (token == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !oc_error_is_transient (error))
        call_finish (call, NULL, g_steal_pointer (&error));
      else
        {
          call->attempt++;   /* a failed token request counts as an attempt */
          call_fail (call, g_steal_pointer (&error));
        }
      return;
    }
  if (g_cancellable_is_cancelled (call->cancellable))
    {
      g_free (token);
      call_finish (call, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }

  if (call->token)
    memset (call->token, 0, strlen (call->token));
  g_free (call->token);
  call->token = token;
  call_send (call);
}

static void
call_get_token (Call *call)
{
  call->state = CALL_TOKEN;
  oc_token_provider_get_async (call->api->tokens, call->cancellable, on_token, call);
}

static void
call_acquire_slot (Call *call)
{
  OcWebApi *self = call->api;

  if (g_cancellable_is_cancelled (call->cancellable))
    {
      call_finish (call, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }
  if (self->in_flight >= self->max_in_flight)
    {
      call->state = CALL_QUEUED;
      g_queue_push_tail (&self->queued, call);
      return;
    }
  call->holds_slot = TRUE;
  self->in_flight++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);
  call_get_token (call);
}

void
oc_web_api_send_async (OcWebApi *self, OcRequest *request, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_WEB_API (self));

  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_web_api_send_async);
  /* Cancellation is handled by the call itself (so a queued call can end). */
  g_task_set_check_cancellable (task, FALSE);

  if (self->shut_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The connection is closed"));
      g_object_unref (task);
      return;
    }

  Call *call = g_new0 (Call, 1);
  call->api = self;
  call->task = task;
  call->request = oc_request_ref (request);
  call->cancellable = g_cancellable_new ();
  g_signal_connect (call->cancellable, "cancelled", G_CALLBACK (on_call_cancelled), call);
  if (cancellable)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled), call, NULL);
    }
  self->calls = g_list_prepend (self->calls, call);
  call->link = self->calls;
  call_acquire_slot (call);
}

OcResponse *
oc_web_api_send_finish (OcWebApi *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
oc_web_api_shutdown (OcWebApi *self)
{
  if (self->shut_down)
    return;
  self->shut_down = TRUE;

  g_autoptr(GList) calls = g_list_copy (self->calls);
  for (GList *l = calls; l; l = l->next)
    g_cancellable_cancel (((Call *) l->data)->cancellable);
}
