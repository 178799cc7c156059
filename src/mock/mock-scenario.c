/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-scenario.c — misconfigurations of a tenant or environment to simulate. */
#include "mock-scenario.h"

#include <string.h>

void
mock_scenario_init (MockScenario *scenario)
{
  scenario->application_user = TRUE;
  scenario->missing_privilege = NULL;
  scenario->secret_expired = FALSE;
}

void
mock_scenario_clear (MockScenario *scenario)
{
  g_clear_pointer (&scenario->missing_privilege, g_free);
  mock_scenario_init (scenario);
}

/* Dataverse privilege names: prv + action + the table's schema name. Read,
 * Create, Write and Delete map onto Web API verbs; Append (the record being
 * created gets an @odata.bind) and AppendTo (the bind's target) onto the
 * pseudo-methods "APPEND" and "APPENDTO" that creates check. */
static const struct { const char *action; const char *method; } actions[] = {
  { "Read", "GET" }, { "Create", "POST" }, { "Write", "PATCH" }, { "Delete", "DELETE" },
  { "AppendTo", "APPENDTO" }, { "Append", "APPEND" }, { "Assign", NULL }, { "Share", NULL },
};

gboolean
mock_privilege_parse (const char *privilege, const char **method, const MockEntity **entity,
                      GError **error)
{
  for (guint i = 0; privilege && g_str_has_prefix (privilege, "prv") && i < G_N_ELEMENTS (actions); i++)
    {
      const char *rest = privilege + 3;
      g_autofree char *name = NULL;

      if (!g_str_has_prefix (rest, actions[i].action))
        continue;
      name = g_ascii_strdown (rest + strlen (actions[i].action), -1);
      *entity = mock_entity_by_name (name);
      *method = actions[i].method;
      if (*entity == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "privilege '%s' names table '%s', which the mock does not know", privilege, name);
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "privilege '%s' is not of the form prv{Read|Create|Write|Delete|Append|AppendTo|Assign|Share}<table>",
               privilege ? privilege : "");
  return FALSE;
}

gboolean
mock_scenario_denies (const MockScenario *scenario, const char *method, const MockEntity *entity)
{
  const MockEntity *denied = NULL;
  const char *denied_method = NULL;

  if (scenario->missing_privilege == NULL ||
      !mock_privilege_parse (scenario->missing_privilege, &denied_method, &denied, NULL))
    return FALSE;
  return denied == entity && g_strcmp0 (denied_method, method) == 0;
}

static gboolean
get_bool (JsonNode *node, const char *name, gboolean *out, GError **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "scenario member '%s' must be true or false", name);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
mock_scenario_update (MockScenario *scenario, JsonNode *node, GError **error)
{
  MockScenario next = *scenario;
  g_autofree char *privilege = g_strdup (scenario->missing_privilege);
  g_autoptr (GList) members = NULL;
  JsonObject *obj;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a scenario must be a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (obj, name);

      if (strcmp (name, "application_user") == 0)
        {
          if (!get_bool (value, name, &next.application_user, error))
            return FALSE;
        }
      else if (strcmp (name, "secret_expired") == 0)
        {
          if (!get_bool (value, name, &next.secret_expired, error))
            return FALSE;
        }
      else if (strcmp (name, "missing_privilege") == 0)
        {
          const MockEntity *entity;
          const char *method;

          g_clear_pointer (&privilege, g_free);
          if (JSON_NODE_HOLDS_NULL (value))
            continue;
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "scenario member 'missing_privilege' must be a string or null");
              return FALSE;
            }
          if (!mock_privilege_parse (json_node_get_string (value), &method, &entity, error))
            return FALSE;
          privilege = g_strdup (json_node_get_string (value));
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown scenario member '%s'", name);
          return FALSE;
        }
    }
  g_free (scenario->missing_privilege);
  next.missing_privilege = g_steal_pointer (&privilege);
  *scenario = next;
  return TRUE;
}

JsonNode *
mock_scenario_to_json (const MockScenario *scenario)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "application_user");
  json_builder_add_boolean_value (b, scenario->application_user);
  json_builder_set_member_name (b, "missing_privilege");
  if (scenario->missing_privilege)
    json_builder_add_string_value (b, scenario->missing_privilege);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "secret_expired");
  json_builder_add_boolean_value (b, scenario->secret_expired);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
