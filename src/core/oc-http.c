/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-http.h"

#include <glib/gi18n-lib.h>

#include "oc-error.h"

#define READ_CHUNK (64 * 1024)
#define MAX_CONNS_PER_HOST 10

typedef struct {
  SoupSession  *session;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         max_bytes;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->session);
  g_clear_object (&exchange->message);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->buffer, g_byte_array_unref);
  g_free (exchange);
}

SoupSession *
oc_http_session_new (guint timeout_s)
{
  return soup_session_new_with_options ("timeout", timeout_s,
                                        "idle-timeout", 60,
                                        "max-conns-per-host", MAX_CONNS_PER_HOST,
                                        "max-conns", MAX_CONNS_PER_HOST * 2,
                                        "user-agent", "purple-omnichannel/" PACKAGE_VERSION " ",
                                        NULL);
}

GError *
oc_http_transport_error (SoupMessage *message, const GError *cause)
{
  GUri *uri = soup_message_get_uri (message);
  const char *host = uri ? g_uri_get_host (uri) : _("the server");

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return oc_error_new_full (OC_ERROR_TIMEOUT, 0, NULL, -1,
                              "%s did not answer in time", host);
  if (cause->domain == G_TLS_ERROR)
    return oc_error_new_full (OC_ERROR_NETWORK, 0, NULL, -1,
                              _("Secure connection to %s failed: %s"), host, cause->message);
  if (g_error_matches (cause, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
      g_error_matches (cause, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    return oc_error_new_full (OC_ERROR_NETWORK, 0, NULL, -1,
                              _("Could not find %s (DNS): %s"), host, cause->message);
  return oc_error_new_full (OC_ERROR_NETWORK, 0, NULL, -1,
                            _("Could not reach %s: %s"), host, cause->message);
}

static void read_next_chunk (GTask *task);

/* "another.example.com", or a description when Location is absent or not a
 * URL. Only the host is named: a Location's path and query may carry
 * anything, a code or a token included. */
static char *
location_host (SoupMessage *message)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
  if (location == NULL || *location == '\0')
    return g_strdup (_("nowhere (no Location header)"));
  g_autoptr(GUri) target = g_uri_parse_relative (soup_message_get_uri (message), location,
                                                 G_URI_FLAGS_PARSE_RELAXED, NULL);
  const char *host = target ? g_uri_get_host (target) : NULL;
  if (host == NULL || *host == '\0' || !g_utf8_validate (host, -1, NULL))
    return g_strdup (_("an unreadable Location"));
  /* at most a host name's length, and nothing that could break a log line */
  GString *out = g_string_new (NULL);
  for (const char *p = host; *p && out->len < 253; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isprint (c))
        g_string_append_unichar (out, c);
      else
        g_string_append_c (out, '?');
    }
  return g_string_free (out, FALSE);
}

GError *
oc_http_redirect_error (SoupMessage *message)
{
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);
  GUri *uri = soup_message_get_uri (message);
  guint status = soup_message_get_status (message);
  g_autofree char *target = location_host (message);
  return oc_error_new_full (OC_ERROR_HTTP, status, NULL, -1,
                            _("%s answered with a redirect (HTTP %u) to %s; redirects are never followed, "
                            "because the request carries credentials. Check the Environment URL and "
                            "Authority (they must be the service's own addresses)."),
                            uri ? g_uri_get_host (uri) : _("the server"), status, target);
}

static void
on_chunk_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, oc_http_transport_error (exchange->message, error));
      return;
    }

  gsize size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      g_input_stream_close_async (exchange->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      GByteArray *buffer = g_steal_pointer (&exchange->buffer);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (buffer), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (exchange->buffer->len + size > exchange->max_bytes)
    {
      GUri *uri = soup_message_get_uri (exchange->message);
      g_input_stream_close_async (exchange->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, oc_error_new_full (OC_ERROR_BAD_RESPONSE,
          soup_message_get_status (exchange->message), NULL, -1,
          _("%s sent an answer larger than %lu KiB; it was refused"),
          uri ? g_uri_get_host (uri) : _("the server"), (unsigned long) (exchange->max_bytes / 1024)));
      return;
    }

  g_byte_array_append (exchange->buffer, g_bytes_get_data (chunk, NULL), size);
  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);
  g_input_stream_read_bytes_async (exchange->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_chunk_read, task);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (exchange->stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, oc_http_transport_error (exchange->message, error));
      return;
    }

  /* Never followed (see oc_http_send_async): a 3xx is the answer itself */
  if (SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (exchange->message)))
    {
      g_input_stream_close_async (exchange->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, oc_http_redirect_error (exchange->message));
      return;
    }

  goffset declared = soup_message_headers_get_content_length (
      soup_message_get_response_headers (exchange->message));
  if (declared > 0 && (gsize) declared > exchange->max_bytes)
    {
      exchange->buffer->len = 0;
      g_input_stream_close_async (exchange->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, oc_error_new_full (OC_ERROR_BAD_RESPONSE,
          soup_message_get_status (exchange->message), NULL, -1,
          _("The server announced an answer of %lld bytes, over the %lu KiB limit; it was refused"),
          (long long) declared, (unsigned long) (exchange->max_bytes / 1024)));
      return;
    }
  read_next_chunk (g_steal_pointer (&task));
}

void
oc_http_send_async (SoupSession *session, SoupMessage *message, gsize max_response_bytes,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (SOUP_IS_SESSION (session) && SOUP_IS_MESSAGE (message));
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, oc_http_send_async);

  /* Every Dataverse and token request passes here. A redirect is never
   * followed: the answer would come from a host we did not choose (and an
   * http:// Location would bypass "plain http only to loopback"). */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  Exchange *exchange = g_new0 (Exchange, 1);
  exchange->session = g_object_ref (session);
  exchange->message = g_object_ref (message);
  exchange->buffer = g_byte_array_new ();
  exchange->max_bytes = max_response_bytes ? max_response_bytes : OC_HTTP_DEFAULT_MAX_RESPONSE;
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, cancellable, on_sent, task);
}

GBytes *
oc_http_send_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
