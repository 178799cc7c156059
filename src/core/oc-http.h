/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-http.h — one HTTP exchange with a bounded answer, transport failures
 * turned into OcErrors that name the host. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define OC_HTTP_DEFAULT_MAX_RESPONSE (16 * 1024 * 1024)

void    oc_http_send_async  (SoupSession        *session,
                             SoupMessage        *message,
                             gsize               max_response_bytes,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
/* Redirects are never followed (SOUP_MESSAGE_NO_REDIRECT is added to
 * @message): a 3xx answer is an error from oc_http_send_finish. */

/* Returns the body (possibly empty) for any other HTTP status; errors for
 * transport failures, cancellation, oversized answers and redirects. */
GBytes *oc_http_send_finish (GAsyncResult *result,
                             GError      **error);

/* A session sized for OC_WEB_API_MAX_IN_FLIGHT requests to one host plus a
 * token request (libsoup's default is 2 connections per host). */
SoupSession *oc_http_session_new (guint timeout_s);

/* "Could not reach contoso.crm.dynamics.com: Connection refused" as an OcError. */
GError *oc_http_transport_error (SoupMessage *message, const GError *cause);

/* "login.example.com answered with a redirect (HTTP 302) to evil.example.net; …":
 * a permanent OC_ERROR_HTTP naming the Location's host only. */
GError *oc_http_redirect_error (SoupMessage *message);

G_END_DECLS
