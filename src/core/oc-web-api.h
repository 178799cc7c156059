/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-web-api.h — the Dataverse Web API client of one connection.
 *
 * Adds the bearer token and OData headers, caps requests in flight, replays a
 * request once after a 401 with a renewed token, retries transient failures
 * with backoff and jitter honouring Retry-After, bounds the size of answers,
 * and turns Dataverse error bodies into OcErrors. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "oc-backoff.h"
#include "oc-request.h"
#include "oc-token.h"

G_BEGIN_DECLS

#define OC_WEB_API_MAX_IN_FLIGHT 8

#define OC_TYPE_WEB_API (oc_web_api_get_type ())
G_DECLARE_FINAL_TYPE (OcWebApi, oc_web_api, OC, WEB_API, GObject)

OcWebApi   *oc_web_api_new (SoupSession     *session,
                            OcTokenProvider *tokens,
                            const char      *environment);

void        oc_web_api_set_max_in_flight (OcWebApi *self, guint max_in_flight);
void        oc_web_api_set_backoff (OcWebApi *self, const OcBackoff *backoff);
void        oc_web_api_set_max_response_size (OcWebApi *self, gsize max_bytes);
const char *oc_web_api_get_base_url (OcWebApi *self);
/* The backoff of this connection's retries, for callers that schedule their own. */
const OcBackoff *oc_web_api_get_backoff (OcWebApi *self);

void        oc_web_api_send_async  (OcWebApi           *self,
                                    OcRequest          *request,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
OcResponse *oc_web_api_send_finish (OcWebApi     *self,
                                    GAsyncResult *result,
                                    GError      **error);

/* Requests currently on the wire, and the most there ever were at once. */
guint       oc_web_api_get_in_flight (OcWebApi *self);
guint       oc_web_api_get_peak_in_flight (OcWebApi *self);

/* Cancels every request, queued, waiting to retry or on the wire. */
void        oc_web_api_shutdown (OcWebApi *self);

/* Turns a non-2xx Dataverse answer into an OcError (exposed for tests). */
GError     *oc_web_api_error_from_response (const char *what,
                                            guint       status,
                                            JsonNode   *body,
                                            gint64      retry_after_s);

G_END_DECLS
