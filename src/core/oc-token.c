/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-token.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-guid.h"
#include "oc-http.h"
#include "oc-json.h"

#define MAX_TOKEN_RESPONSE (256 * 1024)

struct _OcTokenProvider {
  GObject       parent_instance;

  SoupSession  *session;
  OcSettings   *settings;
  char         *token_url;
  char         *scope;

  char         *token;
  gint64        usable_until_us;    /* monotonic */
  gint64        lifetime_s;

  GPtrArray    *waiters;            /* GTask* waiting for the request in flight */
  GCancellable *fetch_cancellable;  /* non-NULL while a request is in flight */
  guint         renew_source_id;
  guint         renew_attempt;
  guint         fetch_count;
  gboolean      shut_down;
};

enum { SIGNAL_RENEWAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcTokenProvider, oc_token_provider, G_TYPE_OBJECT)

static void start_fetch (OcTokenProvider *self);

static void
wipe_token (OcTokenProvider *self)
{
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  self->usable_until_us = 0;
}

static void
fail_waiters (OcTokenProvider *self, const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiters->len; i++)
    g_task_return_error (waiters->pdata[i], g_error_copy (error));
}

static void
oc_token_provider_dispose (GObject *object)
{
  OcTokenProvider *self = OC_TOKEN_PROVIDER (object);

  oc_token_provider_shutdown (self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (oc_token_provider_parent_class)->dispose (object);
}

static void
oc_token_provider_finalize (GObject *object)
{
  OcTokenProvider *self = OC_TOKEN_PROVIDER (object);

  wipe_token (self);
  g_clear_pointer (&self->settings, oc_settings_free);
  g_free (self->token_url);
  g_free (self->scope);
  g_ptr_array_unref (self->waiters);
  G_OBJECT_CLASS (oc_token_provider_parent_class)->finalize (object);
}

static void
oc_token_provider_class_init (OcTokenProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = oc_token_provider_dispose;
  object_class->finalize = oc_token_provider_finalize;

  /* Emitted when a renewal ahead of expiry fails for a reason retrying cannot
   * fix (secret expired or revoked while online). */
  signals[SIGNAL_RENEWAL_FAILED] =
    g_signal_new ("renewal-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
oc_token_provider_init (OcTokenProvider *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

OcTokenProvider *
oc_token_provider_new (SoupSession *session, const OcSettings *settings)
{
  OcTokenProvider *self = g_object_new (OC_TYPE_TOKEN_PROVIDER, NULL);

  self->session = g_object_ref (session);
  self->settings = oc_settings_copy (settings);
  g_autofree char *tenant = g_uri_escape_string (settings->tenant_id, NULL, FALSE);
  self->token_url = g_strdup_printf ("%s/%s/oauth2/v2.0/token", settings->authority, tenant);
  self->scope = g_strdup_printf ("%s/.default", settings->environment);
  return self;
}

guint
oc_token_provider_get_fetch_count (OcTokenProvider *self)
{
  g_return_val_if_fail (OC_IS_TOKEN_PROVIDER (self), 0);
  return self->fetch_count;
}

gint64
oc_token_provider_get_lifetime (OcTokenProvider *self)
{
  g_return_val_if_fail (OC_IS_TOKEN_PROVIDER (self), 0);
  return self->token ? self->lifetime_s : 0;
}

gint64
oc_token_provider_get_renewal_in (OcTokenProvider *self)
{
  g_return_val_if_fail (OC_IS_TOKEN_PROVIDER (self), 0);
  if (self->renew_source_id == 0)
    return 0;
  GSource *source = g_main_context_find_source_by_id (NULL, self->renew_source_id);
  gint64 ready = source ? g_source_get_ready_time (source) : -1;
  return ready < 0 ? 0 : MAX (0, (ready - g_get_monotonic_time ()) / G_USEC_PER_SEC);
}

/* Entra ID's error_codes: an array of numbers. Anything else in it is ignored
 * (never trusted as a code), as is an error_codes member of another type. */
static gboolean
json_codes_contain (JsonArray *codes, gint64 wanted)
{
  for (guint i = 0; codes != NULL && i < json_array_get_length (codes); i++)
    {
      JsonNode *code = json_array_get_element (codes, i);
      if (JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_INT64 &&
          json_node_get_int (code) == wanted)
        return TRUE;
    }
  return FALSE;
}

static gint64
json_first_code (JsonArray *codes)
{
  if (codes == NULL || json_array_get_length (codes) == 0)
    return 0;
  JsonNode *code = json_array_get_element (codes, 0);
  return JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_INT64 ? json_node_get_int (code) : 0;
}

/* RFC 6749 §5.2 error codes are short ASCII words ("invalid_client").
 * Only such a word is quoted back: "error" is the server's text, and a
 * broken or hostile one may put anything there, even the secret it was
 * sent, or a quarter of a megabyte. */
static gboolean
is_error_word (const char *text)
{
  gsize n = 0;
  for (const char *p = text; *p != '\0'; p++, n++)
    if (n >= 64 || !(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return n > 0;
}

GError *
oc_token_error_from_response (guint status, GBytes *body, const OcSettings *settings, gint64 retry_after_s)
{
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  g_autoptr(JsonNode) root = oc_json_parse (data, (gssize) size, 0, NULL, NULL);
  OcJsonReader reader;
  oc_json_reader_init_node (&reader, root, NULL);
  const char *error_name = oc_json_reader_string (&reader, "error");
  JsonArray *codes = oc_json_reader_array (&reader, "error_codes");
  /* A body that is no Entra ID error (unreadable, no "error", or members of
   * the wrong type) counts as none: the status alone decides, and nothing
   * of the body is quoted. */
  gboolean entra_error = oc_json_reader_finish (&reader, NULL) && error_name != NULL;
  if (!entra_error)
    error_name = NULL, codes = NULL;
  gint64 code = json_first_code (codes);
  g_autofree char *code_text = code ? g_strdup_printf ("AADSTS%" G_GINT64_FORMAT, code) : NULL;

  if (status == 429 || status == 408 || (status >= 500 && status != 501) || g_strcmp0 (error_name, "temporarily_unavailable") == 0)
    {
      OcErrorCode transient = status == 429 ? OC_ERROR_THROTTLED : OC_ERROR_SERVER;
      return oc_error_new_full (transient, status, code_text, retry_after_s,
                                _("Microsoft Entra ID is temporarily unavailable (HTTP %u)"), status);
    }

  if (!entra_error)
    {
      if (status == 404)
        return oc_error_new_full (OC_ERROR_INVALID_SETTINGS, status, NULL, -1,
            _("The sign-in authority %s has no token endpoint for tenant %s (HTTP 404). "
            "Check the Authority and Tenant ID options."), settings->authority, settings->tenant_id);
      return oc_error_new_full (OC_ERROR_TOKEN_REJECTED, status, NULL, -1,
          _("The sign-in authority %s answered HTTP %u without an Entra ID error; "
          "check the Authority option."), settings->authority, status);
    }

  if (json_codes_contain (codes, 7000222))
    return oc_error_new_full (OC_ERROR_SECRET_EXPIRED, status, code_text, -1,
        _("The client secret has expired (AADSTS7000222). Create a new secret under "
        "Certificates & secrets in the app registration and paste its Value here."));

  if (json_codes_contain (codes, 7000215) || g_strcmp0 (error_name, "invalid_client") == 0)
    {
      g_autofree char *as_guid = oc_guid_normalize (settings->client_secret);
      gboolean looks_like_id = as_guid != NULL;
      return oc_error_new_full (OC_ERROR_SECRET_INVALID, status, code_text ? code_text : "invalid_client", -1,
          _("The client secret is wrong (%s). Paste the secret's Value, not its Secret ID, "
          "from Certificates & secrets in the app registration.%s"),
          code_text ? code_text : "invalid_client",
          looks_like_id ? _(" What was entered looks like a Secret ID (a GUID).") : "");
    }

  if (json_codes_contain (codes, 700016) || g_strcmp0 (error_name, "unauthorized_client") == 0)
    return oc_error_new_full (OC_ERROR_CLIENT_NOT_FOUND, status, code_text, -1,
        _("No app with client ID %s exists in tenant %s (%s). Check the Application (client) ID "
        "and that the Tenant ID is the app's Directory (tenant) ID."),
        settings->client_id, settings->tenant_id, code_text ? code_text : "unauthorized_client");

  if (json_codes_contain (codes, 90002) || json_codes_contain (codes, 900023))
    return oc_error_new_full (OC_ERROR_TENANT_NOT_FOUND, status, code_text, -1,
        _("Tenant %s was not found (%s). Use the Directory (tenant) ID from the app "
        "registration's Overview page."), settings->tenant_id, code_text);

  if (json_codes_contain (codes, 500011) || g_strcmp0 (error_name, "invalid_resource") == 0)
    return oc_error_new_full (OC_ERROR_RESOURCE_NOT_FOUND, status, code_text, -1,
        _("The environment URL %s is not a resource in tenant %s (%s). Check the Environment "
        "URL (e.g. https://contoso.crm.dynamics.com) and that it belongs to this tenant."),
        settings->environment, settings->tenant_id, code_text ? code_text : "invalid_resource");

  return oc_error_new_full (OC_ERROR_TOKEN_REJECTED, status, code_text, -1,
      /* TRANSLATORS: the OAuth error name (or "an unrecognised error"), then " (AADSTS codes)" or nothing */
      _("Microsoft Entra ID refused the token request: %s%s%s%s."),
      error_name && is_error_word (error_name) ? error_name : _("an unrecognised error"),
      code_text ? " (" : "", code_text ? code_text : "",
      code_text ? ")" : "");
}

static void
schedule_renewal (OcTokenProvider *self, guint delay_ms);

static gboolean
on_renewal_due (gpointer user_data)
{
  OcTokenProvider *self = user_data;

  self->renew_source_id = 0;
  if (self->fetch_cancellable == NULL)
    start_fetch (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_renewal (OcTokenProvider *self, guint delay_ms)
{
  g_clear_handle_id (&self->renew_source_id, g_source_remove);
  self->renew_source_id = g_timeout_add (delay_ms, on_renewal_due, self);
}

/* Entra ID's own tokens live 60–90 minutes. A lifetime past a day is not
 * believed: it is cut to a day, so no sum below can overflow and a
 * renewal is never scheduled weeks (or, wrapped, milliseconds) away. */
#define TOKEN_MAX_LIFETIME_S (24 * 60 * 60)

/* expires_in is a number; the v1 endpoint sent it as a string of digits. */
static gint64
read_lifetime (OcJsonReader *reader)
{
  JsonNode *node = reader->object ? json_object_get_member (reader->object, "expires_in") : NULL;
  gint64 lifetime = 0;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!g_ascii_string_to_signed (json_node_get_string (node), 10, 1, G_MAXINT64, &lifetime, NULL))
        return 0;
    }
  else
    lifetime = oc_json_reader_int (reader, "expires_in", 0);
  return lifetime <= 0 ? 0 : MIN (lifetime, TOKEN_MAX_LIFETIME_S);
}

gboolean
oc_token_parse_answer (GBytes *body, char **token, gint64 *lifetime, GError **error)
{
  g_return_val_if_fail (token != NULL && lifetime != NULL, FALSE);

  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = oc_json_parse (data, (gssize) size, 0, NULL, &parse_error);

  OcJsonReader reader;
  oc_json_reader_init_node (&reader, root, NULL);
  const char *value = oc_json_reader_require_string (&reader, "access_token");
  gint64 seconds = read_lifetime (&reader);
  gboolean readable = oc_json_reader_finish (&reader, parse_error ? NULL : &parse_error);
  if (!readable || value == NULL || seconds <= 0)
    {
      /* The reason names a member or a shape, never the token's text. */
      g_set_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE,
                   _("Microsoft Entra ID sent a token answer that could not be read (%s)"),
                   parse_error ? parse_error->message
                   : value == NULL ? _("no access_token") : _("expires_in: must be a positive number of seconds"));
      return FALSE;
    }

  *token = g_strdup (value);
  *lifetime = seconds;
  /* do not leave a copy of the token in the parsed tree */
  memset ((char *) value, 0, strlen (value));
  return TRUE;
}

static gboolean
store_token (OcTokenProvider *self, GBytes *body, GError **error)
{
  g_autofree char *token = NULL;
  gint64 lifetime = 0;
  if (!oc_token_parse_answer (body, &token, &lifetime, error))
    return FALSE;

  wipe_token (self);
  self->token = g_steal_pointer (&token);
  self->lifetime_s = lifetime;
  gint64 now = g_get_monotonic_time ();
  /* Stop handing out a token a little before it expires, so a request never
   * reaches Dataverse with a token that dies on the way. */
  gint64 skew_s = MIN (60, lifetime / 10);
  self->usable_until_us = now + (lifetime - skew_s) * G_USEC_PER_SEC;
  /* Renew earlier still, in the background, so callers rarely wait. Both
   * values fit a guint in milliseconds: lifetime ≤ one day. */
  gint64 renew_in_s = lifetime - MIN (300, lifetime / 5);
  self->renew_attempt = 0;
  schedule_renewal (self, (guint) (MAX (1, renew_in_s) * 1000));
  return TRUE;
}

static void
on_token_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SoupMessage) message = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = oc_http_send_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* shutdown already failed the waiters; self may be gone */

  OcTokenProvider *self = g_object_get_data (G_OBJECT (message), "oc-provider");
  g_clear_object (&self->fetch_cancellable);

  if (error == NULL)
    {
      guint status = soup_message_get_status (message);
      if (status == SOUP_STATUS_OK)
        store_token (self, body, &error);
      else
        {
          const char *header = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                             "Retry-After");
          error = oc_token_error_from_response (status, body, self->settings,
                                                oc_parse_retry_after (header, NULL));
        }
    }

  if (error != NULL)
    {
      g_debug ("token request failed: %s", error->message);
      if (self->waiters->len == 0)
        {
          /* A background renewal failed. Retry transient trouble while the
           * current token lasts; report anything else at once. */
          if (oc_error_is_transient (error) && self->token != NULL)
            {
              OcBackoff backoff = { 5000, 60000 };
              schedule_renewal (self, (guint) oc_backoff_next_delay_ms (&backoff, ++self->renew_attempt,
                                                                        oc_error_get_retry_after (error)));
            }
          else if (!oc_error_is_transient (error))
            g_signal_emit (self, signals[SIGNAL_RENEWAL_FAILED], 0, error);
        }
      fail_waiters (self, error);
      return;
    }

  g_debug ("token acquired, valid for %" G_GINT64_FORMAT " s", self->lifetime_s);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    g_task_return_pointer (waiters->pdata[i], g_strdup (self->token), g_free);
}

static void
start_fetch (OcTokenProvider *self)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "grant_type", "client_credentials");
  g_hash_table_insert (form, "client_id", self->settings->client_id);
  g_hash_table_insert (form, "client_secret", self->settings->client_secret);
  g_hash_table_insert (form, "scope", self->scope);

  SoupMessage *message = soup_message_new_from_encoded_form ("POST", self->token_url,
                                                             soup_form_encode_hash (form));
  if (message == NULL)
    {
      g_autoptr(GError) error = oc_error_new_field ("Authority",
          _("The token URL built from Authority %s and Tenant ID %s is not valid."),
          self->settings->authority, self->settings->tenant_id);
      fail_waiters (self, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  g_object_set_data (G_OBJECT (message), "oc-provider", self);

  self->fetch_cancellable = g_cancellable_new ();
  self->fetch_count++;
  g_debug ("requesting a token from %s", self->token_url);
  oc_http_send_async (self->session, message, MAX_TOKEN_RESPONSE, self->fetch_cancellable,
                      on_token_response, message);
}

void
oc_token_provider_get_async (OcTokenProvider *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (OC_IS_TOKEN_PROVIDER (self));

  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_token_provider_get_async);

  if (self->shut_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The connection is closed"));
      g_object_unref (task);
      return;
    }
  if (self->token != NULL && g_get_monotonic_time () < self->usable_until_us)
    {
      g_task_return_pointer (task, g_strdup (self->token), g_free);
      g_object_unref (task);
      return;
    }

  g_ptr_array_add (self->waiters, task);
  if (self->fetch_cancellable == NULL)
    start_fetch (self);
}

char *
oc_token_provider_get_finish (OcTokenProvider *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
oc_token_provider_invalidate (OcTokenProvider *self, const char *stale_token)
{
  if (self->token != NULL && g_strcmp0 (self->token, stale_token) == 0)
    wipe_token (self);
}

void
oc_token_provider_shutdown (OcTokenProvider *self)
{
  if (self->shut_down)
    return;
  self->shut_down = TRUE;

  g_clear_handle_id (&self->renew_source_id, g_source_remove);
  if (self->fetch_cancellable)
    {
      g_cancellable_cancel (self->fetch_cancellable);
      g_clear_object (&self->fetch_cancellable);
    }
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The connection is closed"));
  fail_waiters (self, cancelled);
  wipe_token (self);
}
