/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-dataverse.c — the Dataverse Web API under /api/data/v9.2/.
 *
 * Order of checks: bearer token (the front door), the Application User, the
 * OData headers, the resource path, the query options, then privileges and
 * data. A client therefore sees the same first error as against a real
 * environment when it gets several things wrong. Collection GETs page with a
 * keyset cursor (mock-collection.c); POSTs go to mock-create.c, PATCH and
 * DELETE to mock-update.c, the actions to mock-actions*.c, $metadata and
 * EntityDefinitions to mock-metadata.c. */
#include "mock-private.h"

#include <stdio.h>
#include <string.h>

#include "mock-expand.h"
#include "mock-filter.h"
#include "mock-odata.h"
#include "mock-order.h"
#include "mock-response.h"
#include "mock-util.h"

#define ACTION_ADD_TO_QUEUE "Microsoft.Dynamics.CRM.AddToQueue"
#define ACTION_APPLY_ROUTING "msdyn_ApplyRoutingRuleEntityRecord"

static void
respond_unauthorized (MockServer *self, SoupServerMessage *msg)
{
  g_autofree char *challenge =
    g_strdup_printf ("Bearer authorization_uri=%s/%s/oauth2/authorize, resource_id=%s",
                     self->url, self->tenant_id ? self->tenant_id : "common", self->url);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", challenge);
  mock_respond_empty (msg, SOUP_STATUS_UNAUTHORIZED);
}

static gboolean
accepts_json (const char *accept)
{
  g_auto (GStrv) ranges = NULL;

  if (accept == NULL)
    return FALSE;
  ranges = g_strsplit (accept, ",", -1);
  for (guint i = 0; ranges[i]; i++)
    {
      g_autofree char *type = g_strndup (ranges[i], strcspn (ranges[i], ";"));

      g_strstrip (type);
      if (g_ascii_strcasecmp (type, "application/json") == 0 ||
          g_ascii_strcasecmp (type, "application/*") == 0 || strcmp (type, "*/*") == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *accept = soup_message_headers_get_list (headers, "Accept");
  static const char *const versions[] = { "OData-MaxVersion", "OData-Version" };

  if (accept == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request has no Accept header; send 'Accept: application/json'.");
      return FALSE;
    }
  if (!accepts_json (accept))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The Accept header '%s' does not allow application/json, the only format this service returns.",
                                    accept);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      const char *v = soup_message_headers_get_one (headers, versions[i]);
      g_autofree char *trimmed = v ? g_strstrip (g_strdup (v)) : NULL;

      if (g_strcmp0 (trimmed, "4.0") != 0)
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                        "The request must carry the header '%s: 4.0'%s%s%s.", versions[i],
                                        v ? " (it sent '" : "", v ? v : "", v ? "')" : "");
          return FALSE;
        }
    }
  return TRUE;
}

void
mock_dataverse_respond_odata_error (SoupServerMessage *msg, const GError *error)
{
  if (g_error_matches (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED))
    mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216", "%s", error->message);
  else
    mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "%s", error->message);
}

void
mock_dataverse_respond_method_not_allowed (SoupServerMessage *msg)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, MOCK_ODATA_CODE,
                                "The requested resource does not support http method '%s'.",
                                soup_server_message_get_method (msg));
}

void
mock_dataverse_respond_privilege_denied (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                                         const char *operation)
{
  const char *privilege = self->scenario.missing_privilege;
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_MD5, privilege, -1);

  mock_respond_dataverse_error (msg, SOUP_STATUS_FORBIDDEN, "0x80042f09",
                                "Principal user (Id=%s, type=8, roleCount=1, privilegeCount=412, accessMode=0, MetadataCachePrivilegesCount=5321, businessUnitId=%s), is missing %s privilege (Id=%.8s-%.4s-%.4s-%.4s-%.12s) on OTC=%u for entity '%s'. context: Method=%s. Consider assigning a role with the required privilege.",
                                self->application_user_id, self->business_unit_id, privilege,
                                sum, sum + 8, sum + 12, sum + 16, sum + 20,
                                entity->otc, entity->logical_name, operation);
}

gboolean
mock_dataverse_denied (MockServer *self, SoupServerMessage *msg, const char *method,
                       const MockEntity *entity, const char *operation)
{
  if (!mock_scenario_denies (&self->scenario, method, entity))
    return FALSE;
  mock_dataverse_respond_privilege_denied (self, msg, entity, operation);
  return TRUE;
}

char *
mock_dataverse_context_url (MockServer *self, const MockEntity *entity, const MockODataQuery *query, gboolean single)
{
  g_autofree char *expanded = mock_expand_context (query->expansion);
  gboolean parens = query->select || expanded;

  return g_strdup_printf ("%s" MOCK_API_BASE "$metadata#%s%s%s%s%s%s%s", self->url, entity->entity_set,
                          parens ? "(" : "", query->select ? query->select_raw : "",
                          query->select && expanded ? "," : "", expanded ? expanded : "",
                          parens ? ")" : "", single ? "/$entity" : "");
}

MockODataQuery *
mock_dataverse_record_query (SoupServerMessage *msg, const MockEntity *entity, const char *raw_query,
                             MockPrefs *prefs)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = mock_odata_query_parse (raw_query, &error);

  if (query == NULL || !mock_odata_query_check (query, MOCK_ODATA_SELECT | MOCK_ODATA_EXPAND, TRUE, &error) ||
      !mock_odata_select_validate (query, entity, &error) || !mock_expand_bind (query, entity, &error) ||
      !mock_prefs_parse (prefs, soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Prefer"),
                         &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return NULL;
    }
  return g_steal_pointer (&query);
}

void
mock_dataverse_respond_record (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                               const MockODataQuery *query, const MockPrefs *prefs, JsonObject *record,
                               gboolean created)
{
  g_autoptr (JsonObject) out = json_object_new ();
  g_autofree char *context = mock_dataverse_context_url (self, entity, query, TRUE);
  g_autofree char *applied = NULL;

  json_object_set_string_member (out, "@odata.context", context);
  mock_format_record (self->store, entity, record, (const char *const *) query->select, prefs, out);
  mock_expand_apply (query->expansion, self->store, entity, record, prefs, out);
  /* return=representation is honoured by a write (POST 201, PATCH 200), not by a GET. */
  applied = mock_prefs_applied (prefs, strcmp (soup_server_message_get_method (msg), "GET") != 0, FALSE);
  if (applied)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Preference-Applied", applied);
  mock_respond_odata_object (msg, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, out);
}

static void
handle_whoami (MockServer *self, SoupServerMessage *msg, const char *raw_query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (JsonObject) obj = NULL;
  g_autofree char *context = NULL;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }
  query = mock_odata_query_parse (raw_query, &error);
  if (query == NULL || !mock_odata_query_check (query, 0, TRUE, &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  context = g_strdup_printf ("%s" MOCK_API_BASE "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse", self->url);
  obj = json_object_new ();
  json_object_set_string_member (obj, "@odata.context", context);
  json_object_set_string_member (obj, "BusinessUnitId", self->business_unit_id);
  json_object_set_string_member (obj, "UserId", self->application_user_id);
  json_object_set_string_member (obj, "OrganizationId", self->organization_id);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, obj);
}

/* "(guid)" or "(keyname=guid)"; NULL when malformed. */
static char *
parse_key (const MockEntity *entity, const char *inside)
{
  const char *eq = strchr (inside, '=');

  if (eq)
    {
      if ((gsize) (eq - inside) != strlen (entity->key) || strncmp (inside, entity->key, (gsize) (eq - inside)) != 0)
        return NULL;
      inside = eq + 1;
    }
  return mock_guid_is_valid (inside) ? g_ascii_strdown (inside, -1) : NULL;
}

/* Conditional retrieval: If-None-Match with the record's current ETag → 304,
 * except with $expand or annotations, as Dataverse documents
 * (perform-conditional-operations-using-web-api). "null" never matches. */
static gboolean
not_modified (SoupServerMessage *msg, const MockODataQuery *query, const MockPrefs *prefs, JsonObject *record)
{
  const char *want = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "If-None-Match");
  g_autofree char *etag = NULL;
  g_autofree char *trimmed = NULL;

  if (want == NULL || query->expansion || prefs->include_annotations)
    return FALSE;
  etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", json_object_get_int_member_with_default (record, "versionnumber", 0));
  trimmed = g_strstrip (g_strdup (want));
  if (strcmp (trimmed, etag) != 0)
    return FALSE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", etag);
  mock_respond_empty (msg, SOUP_STATUS_NOT_MODIFIED);
  return TRUE;
}

static void
handle_record (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
               const char *raw_query)
{
  g_autoptr (MockODataQuery) query = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  const char *method = soup_server_message_get_method (msg);
  JsonObject *record;

  if (strcmp (method, "PATCH") == 0)
    {
      mock_update_handle (self, msg, entity, id, raw_query);
      return;
    }
  if (strcmp (method, "DELETE") == 0)
    {
      mock_delete_handle (self, msg, entity, id, raw_query);
      return;
    }
  if (strcmp (method, "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }
  query = mock_dataverse_record_query (msg, entity, raw_query, &prefs);
  if (query == NULL)
    return;
  if (mock_dataverse_denied (self, msg, "GET", entity, "Retrieve"))
    return;
  record = mock_store_lookup (self->store, entity, id);
  if (record == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x80040217",
                                    "%s With Id = %s Does Not Exist", entity->logical_name, id);
      return;
    }
  if (not_modified (msg, query, &prefs, record))
    return;
  mock_dataverse_respond_record (self, msg, entity, query, &prefs, record, FALSE);
}

static void
respond_segment_not_found (SoupServerMessage *msg, const char *segment)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x8006088a",
                                "Resource not found for the segment '%s'.", segment);
}

void
mock_dataverse_handle (MockServer *self, SoupServerMessage *msg, const char *path)
{
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  const char *resource;
  g_autofree char *segment = NULL;
  g_autofree char *set_name = NULL;
  const char *paren;
  const MockEntity *entity;

  if (!g_str_has_prefix (path, MOCK_API_BASE))
    {
      const char *version = path + strlen (MOCK_API_PREFIX);
      g_autofree char *first = g_strndup (version, strcspn (version, "/"));

      respond_segment_not_found (msg, first);
      return;
    }
  switch (mock_token_check (self, msg))
    {
    case MOCK_BEARER_OK:
      break;
    case MOCK_BEARER_MISSING:
    case MOCK_BEARER_UNKNOWN:
    case MOCK_BEARER_EXPIRED:
    default:
      respond_unauthorized (self, msg);
      return;
    }
  if (!self->scenario.application_user)
    {
      respond_unauthorized (self, msg);
      mock_respond_dataverse_error (msg, SOUP_STATUS_UNAUTHORIZED, "0x80072560",
                                    "The user is not a member of the organization.");
      return;
    }
  resource = path + strlen (MOCK_API_BASE);
  /* The service document is XML; every other answer is JSON. */
  if (strcmp (resource, "$metadata") == 0)
    {
      mock_metadata_csdl (self, msg, raw_query);
      return;
    }
  if (!check_headers (msg))
    return;

  segment = g_strndup (resource, strcspn (resource, "/"));
  if (g_str_has_prefix (segment, "EntityDefinitions(") || strcmp (segment, "EntityDefinitions") == 0)
    {
      mock_metadata_entity_definitions (self, msg, resource, raw_query);
      return;
    }
  if (resource[strlen (segment)] == '/')
    {
      const char *after = resource + strlen (segment) + 1;
      g_autofree char *next = g_strndup (after, strcspn (after, "/"));
      g_autofree char *queue_id = NULL;

      if (strcmp (after, "$count") == 0 && strchr (segment, '(') == NULL)
        {
          if ((entity = mock_entity_by_set (segment)) == NULL)
            respond_segment_not_found (msg, segment);
          else
            mock_collection_count (self, msg, entity, raw_query);
          return;
        }

      /* The one bound action the mock serves: queues(<id>)/Microsoft.Dynamics.CRM.AddToQueue. */
      if (g_str_has_prefix (segment, "queues(") && g_str_has_suffix (segment, ")") &&
          strcmp (after, ACTION_ADD_TO_QUEUE) == 0)
        {
          g_autofree char *inside = g_strndup (segment + strlen ("queues("), strlen (segment) - strlen ("queues(") - 1);

          queue_id = parse_key (mock_entity_by_set ("queues"), inside);
          if (queue_id == NULL)
            {
              mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "Bad Request - Error in query syntax.");
              return;
            }
          mock_actions_add_to_queue (self, msg, queue_id, raw_query);
          return;
        }
      respond_segment_not_found (msg, next);
      return;
    }
  if (strcmp (segment, "WhoAmI") == 0 || strcmp (segment, "WhoAmI()") == 0)
    {
      handle_whoami (self, msg, raw_query);
      return;
    }
  if (strcmp (segment, ACTION_APPLY_ROUTING) == 0)
    {
      mock_actions_apply_routing_rule (self, msg, raw_query);
      return;
    }
  paren = strchr (segment, '(');
  set_name = paren ? g_strndup (segment, (gsize) (paren - segment)) : g_strdup (segment);
  entity = mock_entity_by_set (set_name);
  if (entity == NULL)
    {
      respond_segment_not_found (msg, set_name);
      return;
    }
  if (paren == NULL)
    {
      if (strcmp (soup_server_message_get_method (msg), "POST") == 0)
        mock_create_handle (self, msg, entity, raw_query);
      else
        mock_collection_handle (self, msg, path, entity, raw_query);
      return;
    }
  if (!g_str_has_suffix (paren, ")"))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "Bad Request - Error in query syntax.");
      return;
    }
  {
    g_autofree char *inside = g_strndup (paren + 1, strlen (paren) - 2);
    g_autofree char *id = parse_key (entity, inside);

    if (id == NULL)
      {
        mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "Bad Request - Error in query syntax.");
        return;
      }
    handle_record (self, msg, entity, id, raw_query);
  }
}
