/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-request.h — what to send to the Dataverse Web API, and what came back. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "oc-json.h"

G_BEGIN_DECLS

typedef enum {
  OC_RETRY_NONE,      /* report the first failure */
  OC_RETRY_BOUNDED,   /* transient failures retried up to max_attempts in all */
  OC_RETRY_FOREVER,   /* transient failures retried until cancelled */
} OcRetryPolicy;

typedef struct _OcRequest OcRequest;

/* Called before each retry wait, e.g. to show "retry in 40 s". */
typedef void (*OcRetryNotify) (OcRequest    *request,
                               guint         attempt,
                               guint64       delay_ms,
                               const GError *error,
                               gpointer      user_data);

/* @path is relative to {environment}/api/data/v9.2/ ("WhoAmI",
 * "contacts?$filter=…") or an absolute URL inside it (an @odata.nextLink). */
OcRequest  *oc_request_new (const char *method, const char *path);
OcRequest  *oc_request_ref (OcRequest *self);
void        oc_request_unref (OcRequest *self);

void        oc_request_set_body (OcRequest *self, JsonNode *body);
void        oc_request_add_header (OcRequest *self, const char *name, const char *value);
void        oc_request_set_retry (OcRequest *self, OcRetryPolicy policy, guint max_attempts);
/* Give up instead of waiting longer than this for a retry (0 = no limit),
 * e.g. at sign-in, where the UI's reconnect takes over. */
void        oc_request_set_max_retry_delay (OcRequest *self, guint64 max_delay_ms);
guint64     oc_request_get_max_retry_delay (OcRequest *self);
void        oc_request_set_retry_notify (OcRequest     *self,
                                         OcRetryNotify  notify,
                                         gpointer       user_data,
                                         GDestroyNotify destroy);

const char *oc_request_get_method (OcRequest *self);
const char *oc_request_get_path (OcRequest *self);
JsonNode   *oc_request_get_body (OcRequest *self);
GPtrArray  *oc_request_get_headers (OcRequest *self);  /* name, value, name, value… */
OcRetryPolicy oc_request_get_retry_policy (OcRequest *self);
guint       oc_request_get_max_attempts (OcRequest *self);
void        oc_request_notify_retry (OcRequest *self, guint attempt, guint64 delay_ms, const GError *error);

/* The label used in messages: "GET msdyn_liveworkstreams". */
char       *oc_request_describe (OcRequest *self);

typedef struct {
  guint               status;
  JsonNode           *body;      /* NULL for an empty body */
  SoupMessageHeaders *headers;
} OcResponse;

void        oc_response_free (OcResponse *self);
/* The GUID in an OData-EntityId header, or NULL. */
char       *oc_response_dup_entity_id (const OcResponse *self);

/* Reading an answer's members by type (see oc-json.h): @reader starts on
 * the body's object, or failed ("the answer: must be an object, not …")
 * when the body is anything else. */
void        oc_response_reader_init (OcJsonReader     *reader,
                                     const OcResponse *response);
/* oc_json_reader_finish with the error a user reads, e.g.
 * "Malformed answer from Dynamics 365 to GET WhoAmI (UserId: must be a
 * string, not an object)". @what labels the request (oc_request_describe). */
gboolean    oc_response_reader_finish (OcJsonReader *reader,
                                       const char   *what,
                                       GError      **error);
/* The one wording of a malformed answer (OC_ERROR_BAD_RESPONSE, transient:
 * a proxy or a service in trouble). @cause names what is wrong, never
 * quoting the answer. */
GError     *oc_response_malformed_error (const char   *what,
                                         const GError *cause);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcRequest, oc_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcResponse, oc_response_free)

G_END_DECLS
