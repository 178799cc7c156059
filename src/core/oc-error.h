/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-error.h — the purple-omnichannel GError domain.
 *
 * Every failure core reports is an OcError whose message is already the text a
 * user should read (what is wrong and what to do). The extended-error payload
 * carries what programs branch on: HTTP status, the service's own code
 * (Dataverse hex code or AADSTS number), Retry-After and the settings field. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OC_ERROR (oc_error_quark ())

typedef enum {
  OC_ERROR_INVALID_SETTINGS,      /* a field is empty or malformed (field name in payload) */
  OC_ERROR_SECRET_INVALID,        /* AADSTS7000215, invalid_client */
  OC_ERROR_SECRET_EXPIRED,        /* AADSTS7000222 */
  OC_ERROR_CLIENT_NOT_FOUND,      /* AADSTS700016, unauthorized_client */
  OC_ERROR_TENANT_NOT_FOUND,      /* AADSTS90002, AADSTS900023 */
  OC_ERROR_RESOURCE_NOT_FOUND,    /* AADSTS500011 */
  OC_ERROR_TOKEN_REJECTED,        /* any other token endpoint refusal */
  OC_ERROR_NO_APPLICATION_USER,   /* Dataverse 401 after a fresh token */
  OC_ERROR_FORBIDDEN,             /* Dataverse 403 */
  OC_ERROR_WORKSTREAM_INVALID,    /* workstream 404 or inactive */
  OC_ERROR_NOT_PROVISIONED,       /* Omnichannel tables missing */
  OC_ERROR_NETWORK,               /* DNS, TCP, TLS, dropped connection */
  OC_ERROR_TIMEOUT,
  OC_ERROR_THROTTLED,             /* 429 */
  OC_ERROR_SERVER,                /* 408, 5xx */
  OC_ERROR_BAD_RESPONSE,          /* malformed or oversized answer */
  OC_ERROR_BAD_REQUEST,           /* Dataverse 400 */
  OC_ERROR_NOT_FOUND,             /* Dataverse 404 */
  OC_ERROR_DUPLICATE,             /* 0x80040237 / 412: the record already exists */
  OC_ERROR_HTTP,                  /* any other unexpected status */
  OC_ERROR_INVALID_INPUT,         /* a session document or command argument is malformed */
} OcErrorCode;

/* How a failure should be treated by whoever drives the connection. */
typedef enum {
  OC_ERROR_KIND_SETTINGS,   /* the user must change a setting */
  OC_ERROR_KIND_AUTH,       /* credentials or permissions in Entra ID / Dataverse */
  OC_ERROR_KIND_TRANSIENT,  /* try again later; nothing is wrong with the setup */
  OC_ERROR_KIND_PERMANENT,  /* this request will never succeed as it is */
  OC_ERROR_KIND_CANCELLED,
} OcErrorKind;

GQuark       oc_error_quark (void);

GError      *oc_error_new_full (OcErrorCode  code,
                                guint        http_status,
                                const char  *service_code,
                                gint64       retry_after_s,
                                const char  *format,
                                ...) G_GNUC_PRINTF (5, 6);
GError      *oc_error_new_field (const char *field,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (2, 3);

guint        oc_error_get_http_status (const GError *error);
const char  *oc_error_get_service_code (const GError *error);
gint64       oc_error_get_retry_after (const GError *error);
const char  *oc_error_get_field (const GError *error);
void         oc_error_set_retry_after (GError *error, gint64 retry_after_s);

OcErrorKind  oc_error_get_kind (const GError *error);
gboolean     oc_error_is_transient (const GError *error);
const char  *oc_error_kind_to_string (OcErrorKind kind);

G_END_DECLS
