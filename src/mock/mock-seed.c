/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-seed.c — the organisation fixture (data/mock-org.json) loaded into a MockServer.
 *
 * Format: an object with optional "organization", "tenant" and "application"
 * sections, a "workstreams" array (msdyn_liveworkstream records whose "queue"
 * member is the default queue), an "option_sets" object (custom choice options
 * of a customised org, see mock-options.h), a "conversations" array (msdyn_ocliveworkitem
 * records), and arrays named after any entity set the mock knows ("contacts",
 * "queues", "systemusers", "incidents", …). Unknown sections, members and
 * columns are errors: a typo in a fixture must not silently drop data. The seed
 * is applied to a fresh store and configuration; the server only changes when
 * all of it is valid. */
#include "mock-private.h"

#include <string.h>

#include "mock-options.h"
#include "mock-util.h"

typedef struct {
  char *tenant_id, *tenant_domain;
  char *client_id, *client_secret;
  char *organization_id, *organization_name, *business_unit_id, *application_user_id;
} SeedConfig;

static void
seed_config_clear (SeedConfig *c)
{
  g_free (c->tenant_id);
  g_free (c->tenant_domain);
  g_free (c->client_id);
  if (c->client_secret)
    memset (c->client_secret, 0, strlen (c->client_secret));
  g_free (c->client_secret);
  g_free (c->organization_id);
  g_free (c->organization_name);
  g_free (c->business_unit_id);
  g_free (c->application_user_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SeedConfig, seed_config_clear)

typedef enum { KIND_STRING, KIND_GUID, KIND_DOMAIN } Kind;

typedef struct {
  const char *name;
  Kind        kind;
  gsize       offset;   /* into SeedConfig, or (gsize) -1 to validate and ignore */
} Field;

#define F(member) G_STRUCT_OFFSET (SeedConfig, member)

static const Field organization_fields[] = {
  { "name", KIND_STRING, F (organization_name) },
  { "organization_id", KIND_GUID, F (organization_id) },
  { "business_unit_id", KIND_GUID, F (business_unit_id) },
  { NULL, 0, 0 }
};
static const Field tenant_fields[] = {
  { "id", KIND_GUID, F (tenant_id) },
  { "domain", KIND_DOMAIN, F (tenant_domain) },
  { NULL, 0, 0 }
};
static const Field application_fields[] = {
  { "client_id", KIND_GUID, F (client_id) },
  { "client_secret", KIND_STRING, F (client_secret) },
  { "secret_id", KIND_GUID, (gsize) -1 },
  { "application_user_id", KIND_GUID, F (application_user_id) },
  { NULL, 0, 0 }
};

static gboolean
read_section (JsonNode *node, const char *section, const Field *fields, SeedConfig *config,
              GError **error)
{
  g_autoptr (GList) members = NULL;
  JsonObject *obj;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "'%s' must be an object", section);
      return FALSE;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const Field *f = fields;
      JsonNode *v = json_object_get_member (obj, l->data);
      const char *s;
      gboolean ok;

      while (f->name && strcmp (f->name, l->data) != 0)
        f++;
      if (f->name == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown member '%s.%s'",
                       section, (const char *) l->data);
          return FALSE;
        }
      s = JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING ? json_node_get_string (v) : NULL;
      ok = s != NULL && *s != '\0';
      if (ok && f->kind == KIND_GUID)
        ok = mock_guid_is_valid (s);
      else if (ok && f->kind == KIND_DOMAIN)
        ok = mock_domain_is_valid (s);
      if (!ok)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "'%s.%s' must be a %s", section, f->name,
                       f->kind == KIND_GUID ? "GUID" : f->kind == KIND_DOMAIN ? "domain name" : "non-empty string");
          return FALSE;
        }
      if (f->offset != (gsize) -1)
        {
          char **slot = G_STRUCT_MEMBER_P (config, f->offset);

          g_free (*slot);
          *slot = f->kind == KIND_STRING ? g_strdup (s) : g_ascii_strdown (s, -1);
        }
    }
  return TRUE;
}

/* Fills what Dataverse would compute or default for a record made in the UI. */
static void
complete_record (const MockEntity *entity, JsonObject *record)
{
  if (json_object_has_member (record, "statecode") && !json_object_has_member (record, "statuscode") &&
      strcmp (entity->logical_name, "incident") != 0 && strcmp (entity->logical_name, "msdyn_ocliveworkitem") != 0)
    {
      /* For two-state tables status reason n+1 is the default of state n. */
      json_object_set_int_member (record, "statuscode",
                                  json_object_get_int_member (record, "statecode") + 1);
    }
  if (mock_entity_column (entity, "fullname") && !json_object_has_member (record, "fullname"))
    {
      const char *first = json_object_get_string_member_with_default (record, "firstname", NULL);
      const char *last = json_object_get_string_member_with_default (record, "lastname", NULL);
      g_autofree char *full = g_strjoin (first && last ? " " : "", first ? first : "", last ? last : "", NULL);

      if (*full)
        json_object_set_string_member (record, "fullname", full);
    }
}

static gboolean
load_records (MockStore *store, const char *section, const MockEntity *entity, JsonNode *node,
              GError **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "'%s' must be an array", section);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr (JsonObject) record = NULL;
      g_autoptr (GList) members = NULL;
      JsonObject *src;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s[%u] must be an object", section, i);
          return FALSE;
        }
      src = json_node_get_object (element);
      record = json_object_new ();
      members = json_object_get_members (src);
      for (GList *l = members; l; l = l->next)
        {
          const char *name = l->data;

          if (strcmp (section, "workstreams") == 0 && strcmp (name, "queue") == 0)
            name = "_msdyn_defaultqueue_value";
          json_object_set_member (record, name, json_node_copy (json_object_get_member (src, l->data)));
        }
      complete_record (entity, record);
      if (!mock_store_insert (store, entity, record, error))
        {
          g_prefix_error (error, "%s[%u]: ", section, i);
          return FALSE;
        }
    }
  return TRUE;
}

static const MockEntity *
section_entity (const char *name)
{
  if (strcmp (name, "workstreams") == 0)
    return mock_entity_by_set ("msdyn_liveworkstreams");
  if (strcmp (name, "conversations") == 0)
    return mock_entity_by_set ("msdyn_ocliveworkitems");
  return mock_entity_by_set (name);
}

static gboolean
add_application_user (MockStore *store, const char *user_id, const char *client_id,
                      const char *org_name, GError **error)
{
  const MockEntity *users = mock_entity_by_set ("systemusers");
  g_autoptr (JsonObject) record = NULL;
  g_autofree char *fullname = NULL;

  if (user_id == NULL || mock_store_lookup (store, users, user_id))
    return TRUE;
  /* Application users are named "# <app>" in Dataverse. */
  fullname = g_strdup_printf ("# %s integration", org_name ? org_name : "Mock");
  record = json_object_new ();
  json_object_set_string_member (record, "systemuserid", user_id);
  json_object_set_string_member (record, "fullname", fullname);
  if (client_id && mock_guid_is_valid (client_id))
    json_object_set_string_member (record, "applicationid", client_id);
  json_object_set_boolean_member (record, "isdisabled", FALSE);
  return mock_store_insert (store, users, record, error);
}

static void
take (char **slot, char **value, gboolean keep_current)
{
  if (keep_current || *value == NULL)
    return;
  g_free (*slot);
  *slot = g_steal_pointer (value);
}

static JsonObject *
seed_root (JsonNode *seed, GError **error)
{
  if (seed == NULL || !JSON_NODE_HOLDS_OBJECT (seed))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the seed must be a JSON object");
      return NULL;
    }
  return json_node_get_object (seed);
}

gboolean
mock_seed_apply (MockServer *self, JsonNode *seed, GError **error)
{
  g_autoptr (MockStore) store = mock_store_new ();
  g_auto (SeedConfig) config = { 0 };
  g_autoptr (GList) members = NULL;
  JsonObject *root = seed_root (seed, error);

  if (root == NULL)
    return FALSE;
  members = json_object_get_members (root);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (root, name);
      const MockEntity *entity;
      gboolean ok;

      if (strcmp (name, "organization") == 0)
        ok = read_section (node, name, organization_fields, &config, error);
      else if (strcmp (name, "tenant") == 0)
        ok = read_section (node, name, tenant_fields, &config, error);
      else if (strcmp (name, "application") == 0)
        ok = read_section (node, name, application_fields, &config, error);
      else if (strcmp (name, "option_sets") == 0)
        ok = mock_options_load (store, node, error);
      else if ((entity = section_entity (name)))
        ok = load_records (store, name, entity, node, error);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown seed section '%s'", name);
          ok = FALSE;
        }
      if (!ok)
        return FALSE;
    }

  if (!add_application_user (store,
                             config.application_user_id ? config.application_user_id : self->application_user_id,
                             self->client_set || config.client_id == NULL ? self->client_id : config.client_id,
                             config.organization_name ? config.organization_name : self->organization_name,
                             error))
    return FALSE;

  take (&self->tenant_id, &config.tenant_id, self->tenant_id_set);
  take (&self->tenant_domain, &config.tenant_domain, self->tenant_domain_set);
  take (&self->client_id, &config.client_id, self->client_set);
  take (&self->client_secret, &config.client_secret, self->client_set);
  take (&self->organization_id, &config.organization_id, FALSE);
  take (&self->organization_name, &config.organization_name, FALSE);
  take (&self->business_unit_id, &config.business_unit_id, FALSE);
  take (&self->application_user_id, &config.application_user_id, FALSE);
  g_set_object (&self->store, store);
  mock_routing_clear (self);
  return TRUE;
}

gboolean
mock_seed_add (MockServer *self, JsonNode *seed, guint *added, GError **error)
{
  g_autoptr (MockStore) staging = mock_store_new ();
  g_autoptr (GList) members = NULL;
  JsonObject *root = seed_root (seed, error);
  guint n = 0;

  if (root == NULL)
    return FALSE;
  members = json_object_get_members (root);
  /* Everything is checked in a staging store first: all or nothing. */
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      const MockEntity *entity = section_entity (name);

      if (strcmp (name, "organization") == 0 || strcmp (name, "tenant") == 0 || strcmp (name, "application") == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "section '%s' configures the server; it can only be loaded with the seed file", name);
          return FALSE;
        }
      if (strcmp (name, "option_sets") == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "section 'option_sets' is loaded with the seed file or POST /_mock/option-sets");
          return FALSE;
        }
      if (entity == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown seed section '%s'", name);
          return FALSE;
        }
      if (!load_records (staging, name, entity, json_object_get_member (root, name), error))
        return FALSE;
    }
  for (guint i = 0; mock_entity_nth (i); i++)
    {
      const MockEntity *entity = mock_entity_nth (i);
      g_autoptr (GPtrArray) records = mock_store_query (staging, entity, NULL, -1);

      for (guint j = 0; j < records->len; j++)
        {
          const char *id = json_object_get_string_member (g_ptr_array_index (records, j), entity->key);

          if (mock_store_lookup (self->store, entity, id))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s %s already exists", entity->logical_name, id);
              return FALSE;
            }
        }
    }
  for (guint i = 0; mock_entity_nth (i); i++)
    {
      const MockEntity *entity = mock_entity_nth (i);
      g_autoptr (GPtrArray) records = mock_store_query (staging, entity, NULL, -1);

      for (guint j = 0; j < records->len; j++)
        {
          g_autoptr (GError) local = NULL;

          if (!mock_store_insert (self->store, entity, g_ptr_array_index (records, j), &local))
            g_error ("seed: a staged record was refused: %s", local->message);
          n++;
        }
    }
  if (added)
    *added = n;
  return TRUE;
}
