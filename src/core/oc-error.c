/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-error.h"

#include <gio/gio.h>

typedef struct {
  guint  http_status;
  char  *service_code;
  gint64 retry_after_s;
  char  *field;
} OcErrorPrivate;

static void
oc_error_private_init (OcErrorPrivate *priv)
{
  priv->retry_after_s = -1;
}

static void
oc_error_private_copy (const OcErrorPrivate *src, OcErrorPrivate *dest)
{
  dest->http_status = src->http_status;
  dest->service_code = g_strdup (src->service_code);
  dest->retry_after_s = src->retry_after_s;
  dest->field = g_strdup (src->field);
}

static void
oc_error_private_clear (OcErrorPrivate *priv)
{
  g_clear_pointer (&priv->service_code, g_free);
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (OcError, oc_error)

GError *
oc_error_new_full (OcErrorCode code, guint http_status, const char *service_code,
                   gint64 retry_after_s, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  GError *error = g_error_new_valist (OC_ERROR, code, format, args);
  va_end (args);

  OcErrorPrivate *priv = oc_error_get_private (error);
  priv->http_status = http_status;
  priv->service_code = g_strdup (service_code);
  priv->retry_after_s = retry_after_s;
  return error;
}

GError *
oc_error_new_field (const char *field, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  GError *error = g_error_new_valist (OC_ERROR, OC_ERROR_INVALID_SETTINGS, format, args);
  va_end (args);

  oc_error_get_private (error)->field = g_strdup (field);
  return error;
}

guint
oc_error_get_http_status (const GError *error)
{
  OcErrorPrivate *priv = error ? oc_error_get_private (error) : NULL;
  return priv ? priv->http_status : 0;
}

const char *
oc_error_get_service_code (const GError *error)
{
  OcErrorPrivate *priv = error ? oc_error_get_private (error) : NULL;
  return priv ? priv->service_code : NULL;
}

gint64
oc_error_get_retry_after (const GError *error)
{
  OcErrorPrivate *priv = error ? oc_error_get_private (error) : NULL;
  return priv ? priv->retry_after_s : -1;
}

void
oc_error_set_retry_after (GError *error, gint64 retry_after_s)
{
  OcErrorPrivate *priv = error ? oc_error_get_private (error) : NULL;
  if (priv)
    priv->retry_after_s = retry_after_s;
}

const char *
oc_error_get_field (const GError *error)
{
  OcErrorPrivate *priv = error ? oc_error_get_private (error) : NULL;
  return priv ? priv->field : NULL;
}

OcErrorKind
oc_error_get_kind (const GError *error)
{
  g_return_val_if_fail (error != NULL, OC_ERROR_KIND_PERMANENT);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return OC_ERROR_KIND_CANCELLED;
  if (error->domain != OC_ERROR)
    return OC_ERROR_KIND_TRANSIENT; /* stray GIO/TLS errors are transport trouble */

  switch ((OcErrorCode) error->code)
    {
    case OC_ERROR_INVALID_SETTINGS:
    case OC_ERROR_CLIENT_NOT_FOUND:
    case OC_ERROR_TENANT_NOT_FOUND:
    case OC_ERROR_RESOURCE_NOT_FOUND:
    case OC_ERROR_WORKSTREAM_INVALID:
    case OC_ERROR_NOT_PROVISIONED:
      return OC_ERROR_KIND_SETTINGS;
    case OC_ERROR_SECRET_INVALID:
    case OC_ERROR_SECRET_EXPIRED:
    case OC_ERROR_TOKEN_REJECTED:
    case OC_ERROR_NO_APPLICATION_USER:
    case OC_ERROR_FORBIDDEN:
      return OC_ERROR_KIND_AUTH;
    case OC_ERROR_NETWORK:
    case OC_ERROR_TIMEOUT:
    case OC_ERROR_THROTTLED:
    case OC_ERROR_SERVER:
    case OC_ERROR_BAD_RESPONSE:
      return OC_ERROR_KIND_TRANSIENT;
    case OC_ERROR_BAD_REQUEST:
    case OC_ERROR_NOT_FOUND:
    case OC_ERROR_DUPLICATE:
    case OC_ERROR_HTTP:
    case OC_ERROR_INVALID_INPUT:
    default:
      return OC_ERROR_KIND_PERMANENT;
    }
}

gboolean
oc_error_is_transient (const GError *error)
{
  return error != NULL && oc_error_get_kind (error) == OC_ERROR_KIND_TRANSIENT;
}

const char *
oc_error_kind_to_string (OcErrorKind kind)
{
  switch (kind)
    {
    case OC_ERROR_KIND_SETTINGS: return "settings";
    case OC_ERROR_KIND_AUTH: return "auth";
    case OC_ERROR_KIND_TRANSIENT: return "transient";
    case OC_ERROR_KIND_PERMANENT: return "permanent";
    case OC_ERROR_KIND_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}
