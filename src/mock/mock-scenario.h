/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-scenario.h — misconfigurations of a tenant or environment to simulate. */
#pragma once

#include <json-glib/json-glib.h>

#include "mock-entities.h"

G_BEGIN_DECLS

typedef struct {
  gboolean application_user;   /* FALSE: the app has no Application User in the environment */
  char    *missing_privilege;  /* e.g. "prvReadmsdyn_ocliveworkitem", or NULL */
  gboolean secret_expired;     /* the right secret, but expired (AADSTS7000222) */
} MockScenario;

void      mock_scenario_init (MockScenario *scenario);
void      mock_scenario_clear (MockScenario *scenario);
/* Sets only the members present; all or nothing. */
gboolean  mock_scenario_update (MockScenario *scenario, JsonNode *node, GError **error);
JsonNode *mock_scenario_to_json (const MockScenario *scenario);

/* prv<Action><entity> → the HTTP method it guards and the table, e.g. prvReadcontact → GET contact. */
gboolean  mock_privilege_parse (const char *privilege, const char **method,
                                const MockEntity **entity, GError **error);
/* TRUE when the scenario's missing privilege forbids @method on @entity. */
gboolean  mock_scenario_denies (const MockScenario *scenario, const char *method,
                                const MockEntity *entity);

G_END_DECLS
