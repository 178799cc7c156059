/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-private.h — state shared by the files that make up MockServer. */
#pragma once

#include <libsoup/soup.h>

#include "mock-faults.h"
#include "mock-format.h"
#include "mock-odata.h"
#include "mock-scenario.h"
#include "mock-server.h"
#include "mock-store.h"

G_BEGIN_DECLS

#define MOCK_API_PREFIX "/api/data/"
#define MOCK_API_BASE "/api/data/v9.2/"

/* One request as /_mock/requests reports it. Never holds an Authorization
 * value, a token or a client secret. Reference-counted (GRcBox) because a
 * delayed response outlives a reset of the log. */
typedef struct {
  guint64   seq;
  char     *method;
  char     *path;
  char     *query;       /* raw, with secret-looking parameters redacted */
  guint     status;      /* what the client got: 0 until answered, and for dropped connections */
  gint      handled;     /* status the handlers produced; -1 when a fault replaced the handling */
  gboolean  has_bearer;
  char     *prefer;
  JsonNode *body;        /* parsed JSON, or the token form without secrets, or NULL */
  char     *fault;
} MockLogEntry;

struct _MockServer {
  GObject       parent_instance;

  SoupServer   *soup;
  char         *url;
  guint         port;
  gboolean      verbose;

  /* Configuration: the seed's, unless set explicitly (the *_set flags). */
  JsonNode     *seed;
  char         *tenant_id;
  char         *tenant_domain;
  char         *client_id;
  char         *client_secret;
  gboolean      tenant_id_set, tenant_domain_set, client_set;
  char         *organization_id;
  char         *organization_name;
  char         *business_unit_id;
  char         *application_user_id;
  guint         token_lifetime;
  double        assign_after, wrap_up_after, close_after;

  /* State: back to the seed on reset. */
  MockStore    *store;
  GHashTable   *tokens;        /* access token → gint64* monotonic expiry (µs) */
  GQueue        faults;        /* MockFault*, injection order */
  MockScenario  scenario;
  GPtrArray    *log;           /* MockLogEntry* */
  guint64       next_seq;
  guint         token_requests;
  guint         api_requests;
  GHashTable   *by_path;       /* path → count */
  GList        *pending;       /* held-back responses (delays, drops) */

  /* Routing simulation and generated values; cleared on reset. */
  GMainContext *context;       /* where routing timers run: the thread-default one at creation */
  GHashTable   *routes;        /* "<set>/<id>" → MockRoute* with a pending timer */
  guint         next_rep;      /* round-robin index into the reps */
  guint         ticket_seq;    /* last ticketnumber sequence number */
  guint64       bulk_seq;      /* last /_mock/bulk-conversations id */
};

/* mock-seed.c */
gboolean mock_seed_apply (MockServer *self, JsonNode *seed, GError **error);
/* Adds the records of a seed-format object to the live store, all or nothing;
 * configuration sections are refused. Returns how many records were added. */
gboolean mock_seed_add (MockServer *self, JsonNode *seed, guint *added, GError **error);

/* mock-token.c */
gboolean mock_token_path_match (const char *path, char **tenant);
void     mock_token_handle (MockServer *self, SoupServerMessage *msg, const char *tenant);
typedef enum { MOCK_BEARER_OK, MOCK_BEARER_MISSING, MOCK_BEARER_UNKNOWN, MOCK_BEARER_EXPIRED } MockBearer;
MockBearer mock_token_check (MockServer *self, SoupServerMessage *msg);
JsonNode *mock_token_form_for_log (const char *body, gsize length);

/* mock-dataverse.c */
void     mock_dataverse_handle (MockServer *self, SoupServerMessage *msg, const char *path);
char    *mock_dataverse_context_url (MockServer *self, const MockEntity *entity,
                                     const MockODataQuery *query, gboolean single);
void     mock_dataverse_respond_odata_error (SoupServerMessage *msg, const GError *error);
void     mock_dataverse_respond_privilege_denied (MockServer *self, SoupServerMessage *msg,
                                                  const MockEntity *entity, const char *operation);
/* TRUE (having answered 403) when the scenario denies @method on @entity. */
gboolean mock_dataverse_denied (MockServer *self, SoupServerMessage *msg, const char *method,
                                const MockEntity *entity, const char *operation);
/* 405 for a method the resource does not support. */
void     mock_dataverse_respond_method_not_allowed (SoupServerMessage *msg);
/* The query options ($select only) and Prefer header of a request for one
 * record; NULL (having answered 400 or 501) when either is bad. */
MockODataQuery *mock_dataverse_record_query (SoupServerMessage *msg, const MockEntity *entity,
                                             const char *raw_query, MockPrefs *prefs);
/* Answers @record as one entity: @odata.context, the $select columns and
 * Preference-Applied; 201 with return=representation honoured when @created,
 * else 200. */
void     mock_dataverse_respond_record (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                                        const MockODataQuery *query, const MockPrefs *prefs,
                                        JsonObject *record, gboolean created);

/* mock-collection.c: GET <set> and GET <set>/$count */
void     mock_collection_handle (MockServer *self, SoupServerMessage *msg, const char *path,
                                 const MockEntity *entity, const char *raw_query);
/* Reps' capacity and presence (mock-presence.c): @taken TRUE when
 * @conversation was assigned to @agent_id, FALSE when it closed. */
void      mock_presence_take (MockServer *self, const char *agent_id, JsonObject *conversation, gboolean taken);
/* POST /_mock/presence {"agent", "presence", "capacity", "logged_in"}: the
 * rep's agent-status row after the change (created when absent). */
JsonNode *mock_presence_control (MockServer *self, JsonNode *request, GError **error);
/* GET <set>?$apply=… (mock-apply.c). */
void     mock_apply_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                            const MockODataQuery *query, const MockPrefs *prefs);
void     mock_collection_count (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                                const char *raw_query);

/* mock-update.c: PATCH and DELETE <set>(<id>) */
void     mock_update_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
                             const char *raw_query);
void     mock_delete_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
                             const char *raw_query);

/* mock-metadata.c: GET $metadata (CSDL) and EntityDefinitions(…)/Attributes(…) */
void     mock_metadata_csdl (MockServer *self, SoupServerMessage *msg, const char *raw_query);
/* @resource is the path after the API base, starting with "EntityDefinitions(". */
void     mock_metadata_entity_definitions (MockServer *self, SoupServerMessage *msg, const char *resource,
                                           const char *raw_query);

/* mock-create.c: POST <set> (the other mock-create-*.c files are private to it) */
void     mock_create_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                             const char *raw_query);
/* mock-create-defaults.c: fills what the platform computes for a new record
 * (state, owner, audit columns, ticket number, …) on @record, which has its key. */
void     mock_create_defaults (MockServer *self, const MockEntity *entity, JsonObject *record,
                               const char *now);

/* mock-actions.c: POST queues(<id>)/Microsoft.Dynamics.CRM.AddToQueue */
void     mock_actions_add_to_queue (MockServer *self, SoupServerMessage *msg, const char *queue_id,
                                    const char *raw_query);
/* mock-actions-routing.c: POST msdyn_ApplyRoutingRuleEntityRecord */
void     mock_actions_apply_routing_rule (MockServer *self, SoupServerMessage *msg, const char *raw_query);
/* The action body as a JSON object, or NULL having answered 400/415 (query
 * options, Content-Type, JSON). */
JsonNode *mock_actions_read_body (SoupServerMessage *msg, const char *raw_query, const char *action);

/* mock-routing.c */
void     mock_routing_start (MockServer *self, const MockEntity *entity, const char *id);
void     mock_routing_cancel (MockServer *self, const MockEntity *entity, const char *id);
void     mock_routing_clear (MockServer *self);
/* POST /_mock/state: answers the updated record (transfer full) or fails with
 * G_IO_ERROR_NOT_FOUND (404) or G_IO_ERROR_INVALID_ARGUMENT (400). */
JsonNode *mock_routing_set_state (MockServer *self, JsonNode *request, GError **error);
/* POST /_mock/bulk-conversations */
JsonNode *mock_routing_bulk_conversations (MockServer *self, JsonNode *request, GError **error);

/* mock-controls.c */
void     mock_controls_handle (MockServer *self, SoupServerMessage *msg, const char *path);

/* mock-log.c */
MockLogEntry *mock_log_entry_new (MockServer *self, SoupServerMessage *msg, const char *path,
                                  gboolean token_endpoint);
void          mock_log_entry_finish (MockServer *self, MockLogEntry *entry, guint status);
void          mock_log_entry_unref (MockLogEntry *entry);
JsonNode     *mock_server_counters_to_json (MockServer *self);
void          mock_server_clear_log (MockServer *self);

G_END_DECLS
