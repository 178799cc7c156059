/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-server.h — a strict stand-in for Microsoft Entra ID and Dataverse. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MOCK_TYPE_SERVER (mock_server_get_type ())
G_DECLARE_FINAL_TYPE (MockServer, mock_server, MOCK, SERVER, GObject)

MockServer *mock_server_new (void);                       /* loads no seed */
gboolean    mock_server_load_seed (MockServer *self, const char *path, GError **error);
/* Same as load_seed, from JSON text. */
gboolean    mock_server_load_seed_data (MockServer *self, const char *json, gssize length,
                                        GError **error);
/* A GUID sets the tenant id, anything else the tenant domain; wins over the seed. */
void        mock_server_set_tenant (MockServer *self, const char *tenant_id);
void        mock_server_set_client (MockServer *self, const char *client_id, const char *client_secret);
void        mock_server_set_token_lifetime (MockServer *self, guint seconds);     /* default 3599 */
/* Seconds of the routing simulation (default 3, 60, 10): a conversation created
 * through the API becomes Active after @assign_after, Wrap-up @wrap_up_after
 * later, Closed @close_after after that; a case is resolved @close_after after
 * creation. 0 stops the chain at that step. Applies to steps scheduled later. */
void        mock_server_set_routing_delays (MockServer *self, double assign_after,
                                            double wrap_up_after, double close_after);
/* Log one line per request (method, path, status) to stderr. Default off. */
void        mock_server_set_verbose (MockServer *self, gboolean verbose);

gboolean    mock_server_listen (MockServer *self, guint port, GError **error);    /* 127.0.0.1 only; 0 = any */
const char *mock_server_get_url (MockServer *self);  /* "http://127.0.0.1:PORT", no trailing slash */
guint       mock_server_get_port (MockServer *self);
const char *mock_server_get_tenant_id (MockServer *self);
const char *mock_server_get_client_id (MockServer *self);
const char *mock_server_get_application_user_id (MockServer *self);

void        mock_server_reset (MockServer *self);     /* back to the loaded seed, clears log, faults, scenario, tokens */
void        mock_server_expire_tokens (MockServer *self);
void        mock_server_add_fault (MockServer *self, const char *json_fault);       /* same JSON as POST /_mock/faults */
void        mock_server_set_scenario (MockServer *self, const char *json_scenario); /* same JSON as POST /_mock/scenario */
/* As the two above, reporting invalid JSON instead of g_critical(). */
gboolean    mock_server_add_fault_full (MockServer *self, const char *json_fault, GError **error);
gboolean    mock_server_set_scenario_full (MockServer *self, const char *json_scenario, GError **error);

guint       mock_server_count_requests (MockServer *self, const char *method /*nullable*/,
                                        const char *path_contains /*nullable*/);
JsonNode   *mock_server_dup_request_log (MockServer *self);
/* All records of an entity set (a JSON array), or NULL for an unknown set. */
JsonNode   *mock_server_dup_records (MockServer *self, const char *entity_set);
/* One record (all stored columns), or NULL. */
JsonNode   *mock_server_dup_record (MockServer *self, const char *entity_set, const char *id);

/* The same JSON as POST /_mock/seed: adds records, all or nothing. */
gboolean    mock_server_add_records (MockServer *self, const char *json_seed, GError **error);
/* The same JSON as POST /_mock/state; returns the updated record. */
JsonNode   *mock_server_set_state (MockServer *self, const char *json_state, GError **error);
/* The same JSON as POST /_mock/bulk-conversations; returns {"count":n,"ids":[…]}. */
JsonNode   *mock_server_bulk_conversations (MockServer *self, const char *json_request, GError **error);
/* The same JSON as POST /_mock/presence; returns a copy of the rep's agent-status row. */
JsonNode   *mock_server_set_presence (MockServer *self, const char *json_request, GError **error);

G_END_DECLS
