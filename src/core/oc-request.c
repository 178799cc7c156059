/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-request.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "oc-error.h"
#include "oc-guid.h"

struct _OcRequest {
  gatomicrefcount ref_count;
  char           *method;
  char           *path;
  JsonNode       *body;
  GPtrArray      *headers;
  OcRetryPolicy   retry_policy;
  guint           max_attempts;
  guint64         max_delay_ms;
  OcRetryNotify   retry_notify;
  gpointer        retry_data;
  GDestroyNotify  retry_destroy;
};

OcRequest *
oc_request_new (const char *method, const char *path)
{
  OcRequest *self = g_new0 (OcRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->retry_policy = OC_RETRY_BOUNDED;
  self->max_attempts = 3;
  return self;
}

OcRequest *
oc_request_ref (OcRequest *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
oc_request_unref (OcRequest *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  if (self->retry_destroy)
    self->retry_destroy (self->retry_data);
  g_free (self->method);
  g_free (self->path);
  g_clear_pointer (&self->body, json_node_unref);
  g_ptr_array_unref (self->headers);
  g_free (self);
}

void
oc_request_set_body (OcRequest *self, JsonNode *body)
{
  g_clear_pointer (&self->body, json_node_unref);
  self->body = body ? json_node_ref (body) : NULL;
}

void
oc_request_add_header (OcRequest *self, const char *name, const char *value)
{
  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

void
oc_request_set_retry (OcRequest *self, OcRetryPolicy policy, guint max_attempts)
{
  self->retry_policy = policy;
  self->max_attempts = MAX (1, max_attempts);
}

void
oc_request_set_max_retry_delay (OcRequest *self, guint64 max_delay_ms)
{
  self->max_delay_ms = max_delay_ms;
}

guint64 oc_request_get_max_retry_delay (OcRequest *self) { return self->max_delay_ms; }

void
oc_request_set_retry_notify (OcRequest *self, OcRetryNotify notify, gpointer user_data, GDestroyNotify destroy)
{
  if (self->retry_destroy)
    self->retry_destroy (self->retry_data);
  self->retry_notify = notify;
  self->retry_data = user_data;
  self->retry_destroy = destroy;
}

const char *oc_request_get_method (OcRequest *self) { return self->method; }
const char *oc_request_get_path (OcRequest *self) { return self->path; }
JsonNode *oc_request_get_body (OcRequest *self) { return self->body; }
GPtrArray *oc_request_get_headers (OcRequest *self) { return self->headers; }
OcRetryPolicy oc_request_get_retry_policy (OcRequest *self) { return self->retry_policy; }
guint oc_request_get_max_attempts (OcRequest *self) { return self->max_attempts; }

void
oc_request_notify_retry (OcRequest *self, guint attempt, guint64 delay_ms, const GError *error)
{
  if (self->retry_notify)
    self->retry_notify (self, attempt, delay_ms, error, self->retry_data);
}

char *
oc_request_describe (OcRequest *self)
{
  const char *path = self->path;
  const char *api = strstr (path, "/api/data/v9.2/");
  if (api)
    path = api + strlen ("/api/data/v9.2/");
  gsize len = strcspn (path, "(?");
  return g_strdup_printf ("%s %.*s", self->method, (int) len, path);
}

void
oc_response_free (OcResponse *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_free (self);
}

char *
oc_response_dup_entity_id (const OcResponse *self)
{
  const char *entity_id = self->headers ? soup_message_headers_get_one (self->headers, "OData-EntityId") : NULL;
  if (entity_id == NULL)
    return NULL;

  const char *open = strrchr (entity_id, '(');
  const char *close = open ? strchr (open, ')') : NULL;
  if (close == NULL)
    return NULL;
  g_autofree char *inside = g_strndup (open + 1, (gsize) (close - open - 1));
  return oc_guid_normalize (inside);
}

void
oc_response_reader_init (OcJsonReader *reader, const OcResponse *response)
{
  g_return_if_fail (reader != NULL);
  oc_json_reader_init_node (reader, response ? response->body : NULL, NULL);
}

GError *
oc_response_malformed_error (const char *what, const GError *cause)
{
  g_return_val_if_fail (what != NULL && cause != NULL, NULL);
  return g_error_new (OC_ERROR, OC_ERROR_BAD_RESPONSE, _("Malformed answer from Dynamics 365 to %s (%s)"),
                      what, cause->message);
}

gboolean
oc_response_reader_finish (OcJsonReader *reader, const char *what, GError **error)
{
  g_return_val_if_fail (reader != NULL && what != NULL, FALSE);
  g_autoptr(GError) cause = NULL;
  if (oc_json_reader_finish (reader, &cause))
    return TRUE;
  g_propagate_error (error, oc_response_malformed_error (what, cause));
  return FALSE;
}
