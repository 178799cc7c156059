/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-connection.h — one Dynamics 365 account: settings, HTTP session, tokens,
 * Web API client, and the sign-in ("Test & Save") sequence. */
#pragma once

#include <gio/gio.h>

#include "oc-settings.h"
#include "oc-web-api.h"

G_BEGIN_DECLS

typedef enum {
  OC_CONNECTION_STATE_NEW,
  OC_CONNECTION_STATE_SIGNING_IN,
  OC_CONNECTION_STATE_ONLINE,
  OC_CONNECTION_STATE_FAILED,
  OC_CONNECTION_STATE_CLOSED,
} OcConnectionState;

typedef enum {
  OC_SIGN_IN_STEP_TOKEN = 1,
  OC_SIGN_IN_STEP_IDENTITY,
  OC_SIGN_IN_STEP_WORKSTREAM,
  OC_SIGN_IN_STEP_READ_PROBE,
  OC_SIGN_IN_STEP_PRIORITY,     /* only when Default priority is not 1–3 */
} OcSignInStep;

#define OC_SIGN_IN_STEPS 5

#define OC_TYPE_CONNECTION (oc_connection_get_type ())
G_DECLARE_FINAL_TYPE (OcConnection, oc_connection, OC, CONNECTION, GObject)

/* Validates a copy of @settings; NULL + OC_ERROR_INVALID_SETTINGS if a field is wrong. */
OcConnection     *oc_connection_new (const OcSettings *settings, GError **error);

/* Before sign-in: route through a proxy (NULL = direct), change the I/O timeout. */
void              oc_connection_set_proxy_resolver (OcConnection *self, GProxyResolver *resolver);
void              oc_connection_set_timeout (OcConnection *self, guint seconds);
/* Which retry-gate entry this connection uses (default: environment|client).
 * A UI that may hold several accounts for one app passes a per-account key. */
void              oc_connection_set_retry_gate_key (OcConnection *self, const char *key);

/* token → WhoAmI → workstream (if set) → read probe → the org's case
 * priority options (if Default priority is not 1–3). Emits ::progress for each
 * step. On failure the error says which step failed and what to fix. */
void              oc_connection_sign_in_async  (OcConnection       *self,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean          oc_connection_sign_in_finish (OcConnection  *self,
                                                GAsyncResult  *result,
                                                GError       **error);

OcConnectionState oc_connection_get_state (OcConnection *self);
const OcSettings *oc_connection_get_settings (OcConnection *self);
OcWebApi         *oc_connection_get_web_api (OcConnection *self);
OcTokenProvider  *oc_connection_get_token_provider (OcConnection *self);
const char       *oc_connection_get_user_id (OcConnection *self);
const char       *oc_connection_get_workstream_name (OcConnection *self);
/* "contoso.crm.dynamics.com|<client id>": the key of per-account state. */
const char       *oc_connection_get_account_key (OcConnection *self);

/* Cancels everything in flight and every timer. Idempotent; afterwards no
 * signal is emitted and every pending operation ends with G_IO_ERROR_CANCELLED. */
void              oc_connection_close (OcConnection *self);

const char       *oc_sign_in_step_describe (OcSignInStep step);

G_END_DECLS
