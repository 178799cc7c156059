/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-token.h — client-credentials access tokens from Microsoft Entra ID.
 *
 * One token per provider, cached until shortly before it expires and renewed
 * ahead of time by a timer. Concurrent callers share a single token request. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "oc-settings.h"

G_BEGIN_DECLS

#define OC_TYPE_TOKEN_PROVIDER (oc_token_provider_get_type ())
G_DECLARE_FINAL_TYPE (OcTokenProvider, oc_token_provider, OC, TOKEN_PROVIDER, GObject)

OcTokenProvider *oc_token_provider_new (SoupSession      *session,
                                        const OcSettings *settings);

void   oc_token_provider_get_async  (OcTokenProvider    *self,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
char  *oc_token_provider_get_finish (OcTokenProvider *self,
                                     GAsyncResult    *result,
                                     GError         **error);

/* Drops the cached token if it is still @stale_token, so that many requests
 * that saw a 401 with the same token cause one refresh, not many. */
void   oc_token_provider_invalidate (OcTokenProvider *self,
                                     const char      *stale_token);

/* Cancels the request in flight and the renewal timer; pending callers get
 * G_IO_ERROR_CANCELLED. The provider is inert afterwards. */
void   oc_token_provider_shutdown   (OcTokenProvider *self);

/* How many token requests were sent (diagnostics and tests). */
guint  oc_token_provider_get_fetch_count (OcTokenProvider *self);
/* The lifetime in seconds of the current token as believed (answers past a
 * day are cut to a day), and how many seconds from now it is renewed in the
 * background; 0 when there is no token. */
gint64 oc_token_provider_get_lifetime (OcTokenProvider *self);
gint64 oc_token_provider_get_renewal_in (OcTokenProvider *self);

/* Reads a 200 answer of the token endpoint: a new copy of access_token
 * (free it after wiping it) and its lifetime in seconds, cut to a day.
 * Errors are OC_ERROR_BAD_RESPONSE naming a member or a shape, never the
 * token's text. Exposed for the fuzz targets and tests. */
gboolean oc_token_parse_answer (GBytes  *body,
                                char   **token,
                                gint64  *lifetime,
                                GError **error);

/* Maps a token endpoint answer to a precise OcError (exposed for tests). */
GError *oc_token_error_from_response (guint             status,
                                      GBytes           *body,
                                      const OcSettings *settings,
                                      gint64            retry_after_s);

G_END_DECLS
