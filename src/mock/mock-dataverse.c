/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-dataverse.c — the Dataverse Web API under /api/data/v9.2/.
 *
 * Order of checks: bearer token (the front door), the Application User, the
 * OData headers, the resource path, the query options, then privileges and
 * data. A client therefore sees the same first error as against a real
 * environment when it gets several things wrong. Collection GETs page with a
 * keyset cursor (mock-order.c); POSTs go to mock-create.c, the AddToQueue
 * action to mock-actions.c. */
#include "mock-private.h"

#include <stdio.h>
#include <string.h>

#include "mock-filter.h"
#include "mock-odata.h"
#include "mock-order.h"
#include "mock-response.h"
#include "mock-util.h"

#define ACTION_ADD_TO_QUEUE "Microsoft.Dynamics.CRM.AddToQueue"

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
  return g_strdup_printf ("%s" MOCK_API_BASE "$metadata#%s%s%s%s%s", self->url, entity->entity_set,
                          query->select ? "(" : "", query->select ? query->select_raw : "",
                          query->select ? ")" : "", single ? "/$entity" : "");
}

MockODataQuery *
mock_dataverse_record_query (SoupServerMessage *msg, const MockEntity *entity, const char *raw_query,
                             MockPrefs *prefs)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = mock_odata_query_parse (raw_query, &error);

  if (query == NULL || !mock_odata_query_check (query, MOCK_ODATA_SELECT, TRUE, &error) ||
      !mock_odata_select_validate (query, entity, &error) ||
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
  applied = mock_prefs_applied (prefs, created, FALSE);
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

static void
handle_record (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
               const char *raw_query)
{
  g_autoptr (MockODataQuery) query = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  const char *method = soup_server_message_get_method (msg);
  JsonObject *record;

  if (strcmp (method, "PATCH") == 0 || strcmp (method, "DELETE") == 0)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216",
                                    "The mock server does not implement %s on %s yet.", method, entity->entity_set);
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
  mock_dataverse_respond_record (self, msg, entity, query, &prefs, record, FALSE);
}

/* The next page: the same query with the cursor after @last in $skiptoken.
 * The cookie is Dataverse's shape; "last" holds the sort values (JSON). */
static char *
next_link (MockServer *self, SoupServerMessage *msg, const char *path, guint page, guint page_size,
           JsonNode *cursor)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto (GStrv) parts = g_strsplit (raw ? raw : "", "&", -1);
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  g_auto (GStrv) joined = NULL;
  g_autofree char *query = NULL;
  g_autofree char *values = mock_json_to_string (cursor);
  g_autofree char *escaped_values = g_uri_escape_string (values, NULL, FALSE);
  g_autofree char *cookie = g_strdup_printf ("<cookie pagenumber=\"%u\" pagesize=\"%u\" last=\"%s\" />",
                                             page + 1, page_size, escaped_values);
  g_autofree char *escaped = g_uri_escape_string (cookie, NULL, FALSE);

  for (guint i = 0; parts[i]; i++)
    if (*parts[i] && !g_str_has_prefix (parts[i], "$skiptoken=") && !g_str_has_prefix (parts[i], "%24skiptoken="))
      g_strv_builder_add (kept, parts[i]);
  joined = g_strv_builder_end (kept);
  query = g_strjoinv ("&", joined);
  return g_strdup_printf ("%s%s?%s%s$skiptoken=%s", self->url, path, query, *query ? "&" : "", escaped);
}

static gboolean
parse_skiptoken (const char *token, guint page_size, const MockOrder *order, guint *page,
                 JsonNode **cursor, GError **error)
{
  g_autoptr (GRegex) re = g_regex_new ("^<cookie pagenumber=\"([0-9]{1,9})\" pagesize=\"([0-9]{1,9})\" last=\"([^\"]*)\" />$",
                                       0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *number = NULL, *size = NULL, *last = NULL, *values = NULL;

  if (!g_regex_match (re, token, 0, &match))
    goto bad;
  number = g_match_info_fetch (match, 1);
  size = g_match_info_fetch (match, 2);
  last = g_match_info_fetch (match, 3);
  if ((guint) g_ascii_strtoull (size, NULL, 10) != page_size)
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                   "An @odata.nextLink must be requested with the same 'Prefer: odata.maxpagesize=%s' as the first page.",
                   size);
      return FALSE;
    }
  values = g_uri_unescape_string (last, NULL);
  *cursor = values ? mock_json_parse (values, strlen (values), NULL) : NULL;
  if (*cursor == NULL || !mock_order_cursor_valid (order, *cursor))
    {
      g_clear_pointer (cursor, json_node_unref);
      goto bad;
    }
  *page = (guint) g_ascii_strtoull (number, NULL, 10);
  return TRUE;

bad:
  g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
               "The skiptoken value '%s' is not valid for this query. Follow @odata.nextLink unchanged.", token);
  return FALSE;
}

static void
handle_collection (MockServer *self, SoupServerMessage *msg, const char *path,
                   const MockEntity *entity, const char *raw_query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (MockFilter) filter = NULL;
  g_autoptr (MockOrder) order = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonObject) out = NULL;
  g_autoptr (JsonArray) value = NULL;
  g_autoptr (JsonNode) cursor = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  g_autofree char *context = NULL;
  g_autofree char *applied = NULL;
  const char *method = soup_server_message_get_method (msg);
  guint page_size, page = 1, start = 0, end;

  if (strcmp (method, "POST") == 0)
    {
      mock_create_handle (self, msg, entity, raw_query);
      return;
    }
  if (strcmp (method, "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }

  query = mock_odata_query_parse (raw_query, &error);
  if (query == NULL ||
      !mock_odata_query_check (query, MOCK_ODATA_SELECT | MOCK_ODATA_FILTER | MOCK_ODATA_TOP | MOCK_ODATA_SKIPTOKEN |
                               MOCK_ODATA_ORDERBY, FALSE, &error) ||
      !mock_odata_select_validate (query, entity, &error) ||
      (query->filter && ((filter = mock_filter_parse (query->filter, &error)) == NULL ||
                         !mock_filter_bind (filter, entity, &error))) ||
      (order = mock_order_parse (query->orderby, entity, &error)) == NULL ||
      !mock_prefs_parse (&prefs, soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Prefer"),
                         &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  page_size = prefs.maxpagesize ? prefs.maxpagesize : MOCK_MAX_PAGE_SIZE;
  if (query->skiptoken && !parse_skiptoken (query->skiptoken, page_size, order, &page, &cursor, &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (mock_dataverse_denied (self, msg, "GET", entity, "RetrieveMultiple"))
    return;

  /* Keyset paging: sort, then start after the cursor's sort values. $top is
   * ignored when a page size is preferred, as Dataverse documents. */
  rows = mock_store_query (self->store, entity, filter, -1);
  mock_order_sort (order, rows);
  if (query->top >= 0 && prefs.maxpagesize == 0 && (guint64) query->top < rows->len)
    g_ptr_array_set_size (rows, (guint) query->top);
  if (cursor)
    start = mock_order_seek (order, rows, cursor);
  end = MIN (rows->len, start + page_size);
  value = json_array_new ();
  for (guint i = start; i < end; i++)
    {
      JsonObject *row = json_object_new ();

      mock_format_record (self->store, entity, g_ptr_array_index (rows, i), (const char *const *) query->select,
                          &prefs, row);
      json_array_add_object_element (value, row);
    }
  context = mock_dataverse_context_url (self, entity, query, FALSE);
  out = json_object_new ();
  json_object_set_string_member (out, "@odata.context", context);
  json_object_set_array_member (out, "value", g_steal_pointer (&value));
  if (end < rows->len)
    {
      g_autoptr (JsonNode) last = mock_order_cursor (order, g_ptr_array_index (rows, end - 1));
      g_autofree char *link = next_link (self, msg, path, page, page_size, last);

      json_object_set_string_member (out, "@odata.nextLink", link);
    }
  applied = mock_prefs_applied (&prefs, FALSE, TRUE);
  if (applied)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Preference-Applied", applied);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
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
  if (!check_headers (msg))
    return;

  resource = path + strlen (MOCK_API_BASE);
  segment = g_strndup (resource, strcspn (resource, "/"));
  if (resource[strlen (segment)] == '/')
    {
      const char *after = resource + strlen (segment) + 1;
      g_autofree char *next = g_strndup (after, strcspn (after, "/"));
      g_autofree char *queue_id = NULL;

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
      handle_collection (self, msg, path, entity, raw_query);
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
