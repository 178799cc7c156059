/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-token.c — the Microsoft Entra ID v2 token endpoint, client-credentials grant only.
 *
 * Checks run in the order Entra applies them as far as it is observable
 * (tenant, request shape, client, scope, credentials), so that a client that
 * gets several things wrong sees the error a real tenant would report first.
 * Texts follow the AADSTS messages; clients must branch on "error" and
 * "error_codes" only. */
#include "mock-private.h"

#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

#define TOKEN_SUFFIX "/oauth2/v2.0/token"

gboolean
mock_token_path_match (const char *path, char **tenant)
{
  const char *slash;

  if (path == NULL || path[0] != '/')
    return FALSE;
  slash = strchr (path + 1, '/');
  if (slash == NULL || slash == path + 1 || strcmp (slash, TOKEN_SUFFIX) != 0)
    return FALSE;
  if (tenant)
    *tenant = g_strndup (path + 1, (gsize) (slash - path - 1));
  return TRUE;
}

static const char *const form_fields[] = { "grant_type", "client_id", "client_secret", "scope" };

JsonNode *
mock_token_form_for_log (const char *body, gsize length)
{
  g_autofree char *text = g_strndup (body, length);
  g_autoptr (GPtrArray) params = mock_urlencoded_parse (text, NULL);
  g_autoptr (JsonObject) obj = NULL;
  JsonNode *node;

  if (params == NULL)
    return NULL;
  obj = json_object_new ();
  for (guint i = 0; i < params->len; i++)
    {
      MockParam *p = g_ptr_array_index (params, i);

      /* The secret stays out of the log; whether one was sent is still visible. */
      if (strcmp (p->name, "client_secret") == 0 || strcmp (p->name, "client_assertion") == 0)
        json_object_set_boolean_member (obj, "has_client_secret", TRUE);
      else
        json_object_set_string_member (obj, p->name, p->value);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, obj);
  return node;
}

static gboolean
secrets_equal (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guchar diff = la != lb;

  /* Constant time in the length of the sent secret. */
  for (gsize i = 0; i < la; i++)
    diff |= (guchar) a[i] ^ (guchar) (lb ? b[i % lb] : 0);
  return diff == 0;
}

static char *
new_access_token (void)
{
  guint8 raw[36];
  g_autofree char *b64 = NULL;

  for (guint i = 0; i < sizeof raw; i++)
    raw[i] = (guint8) g_random_int_range (0, 256);
  b64 = g_base64_encode (raw, sizeof raw);
  /* base64url, so it never needs escaping in a header. */
  for (char *p = b64; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  return g_strconcat ("mock.", b64, NULL);
}

static const char *
param (GPtrArray *params, const char *name)
{
  for (guint i = 0; i < params->len; i++)
    {
      MockParam *p = g_ptr_array_index (params, i);

      if (strcmp (p->name, name) == 0)
        return *p->value ? p->value : NULL;
    }
  return NULL;
}

static gboolean
tenant_matches (MockServer *self, const char *tenant)
{
  if (mock_guid_is_valid (tenant))
    return self->tenant_id && g_ascii_strcasecmp (tenant, self->tenant_id) == 0;
  return self->tenant_domain && g_ascii_strcasecmp (tenant, self->tenant_domain) == 0;
}

/* NULL if the scope is not "<absolute URI>/.default"; else the resource part. */
static char *
scope_resource (const char *scope)
{
  g_autofree char *resource = NULL;
  g_autoptr (GUri) uri = NULL;

  if (!g_str_has_suffix (scope, "/.default") || strpbrk (scope, " \t\r\n") != NULL)
    return NULL;
  resource = g_strndup (scope, strlen (scope) - strlen ("/.default"));
  uri = g_uri_parse (resource, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  return g_steal_pointer (&resource);
}

static gboolean
resource_is_self (MockServer *self, const char *resource)
{
  g_autoptr (GUri) uri = g_uri_parse (resource, G_URI_FLAGS_NONE, NULL);

  /* Entra compares identifier URIs case-insensitively, and nothing else. */
  return uri && self->url &&
         g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
         g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0 &&
         g_uri_get_port (uri) == (gint) self->port &&
         *g_uri_get_path (uri) == '\0' && g_uri_get_query (uri) == NULL &&
         g_uri_get_userinfo (uri) == NULL && g_uri_get_fragment (uri) == NULL;
}

static void
issue_token (MockServer *self, SoupServerMessage *msg)
{
  g_autofree char *token = new_access_token ();
  g_autoptr (JsonObject) obj = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gint64 *expiry = g_new (gint64, 1);

  *expiry = g_get_monotonic_time () + (gint64) self->token_lifetime * G_USEC_PER_SEC;
  g_hash_table_insert (self->tokens, g_strdup (token), expiry);

  json_object_set_string_member (obj, "token_type", "Bearer");
  json_object_set_int_member (obj, "expires_in", self->token_lifetime);
  json_object_set_int_member (obj, "ext_expires_in", self->token_lifetime);
  json_object_set_string_member (obj, "access_token", token);
  json_node_set_object (node, obj);
  soup_message_headers_replace (headers, "Cache-Control", "no-store, no-cache");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  mock_respond_json (msg, SOUP_STATUS_OK, node);
}

void
mock_token_handle (MockServer *self, SoupServerMessage *msg, const char *tenant)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autofree char *resource = NULL;
  const char *grant_type, *client_id, *client_secret, *scope;

  if (strcmp (method, "POST") != 0)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900561,
                              "The endpoint only accepts POST, OPTIONS requests. Received a %s request.", method);
      return;
    }
  if (!mock_guid_is_valid (tenant) && !mock_domain_is_valid (tenant))
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900023,
                              "Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.",
                              tenant);
      return;
    }
  if (!tenant_matches (self, tenant))
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 90002,
                              "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
                              tenant);
      return;
    }
  /* Entra reads only form bodies; JSON and the like look like an empty form. */
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'grant_type'.");
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  params = mock_urlencoded_parse (text, NULL);
  if (text)
    memset (text, 0, strlen (text));
  if (params == NULL)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 9002313,
                              "Invalid request. Request is malformed or invalid.");
      return;
    }
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < params->len; i++)
    {
      MockParam *p = g_ptr_array_index (params, i);
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (form_fields); j++)
        known |= strcmp (p->name, form_fields[j]) == 0;
      if (strcmp (p->name, "resource") == 0)
        {
          mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 901002,
                                  "The 'resource' request parameter is not supported.");
          return;
        }
      if (!known || !g_hash_table_add (seen, p->name))
        {
          mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 9002313,
                                  "Invalid request. Request is malformed or invalid. The parameter '%s' is %s.",
                                  p->name, known ? "repeated" : "not expected in a client credentials request");
          return;
        }
    }

  grant_type = param (params, "grant_type");
  client_id = param (params, "client_id");
  client_secret = param (params, "client_secret");
  scope = param (params, "scope");
  if (grant_type == NULL)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'grant_type'.");
      return;
    }
  if (strcmp (grant_type, "client_credentials") != 0)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", 70003,
                              "The app requested an unsupported grant type '%s'.", grant_type);
      return;
    }
  if (client_id == NULL || scope == NULL)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", 900144,
                              "The request body must contain the following parameter: '%s'.",
                              client_id == NULL ? "client_id" : "scope");
      return;
    }
  if (client_secret == NULL)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", 7000218,
                              "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
      return;
    }
  if (self->client_id == NULL || g_ascii_strcasecmp (client_id, self->client_id) != 0)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "unauthorized_client", 700016,
                              "Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                              client_id, tenant);
      return;
    }
  resource = scope_resource (scope);
  if (resource == NULL)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_scope", 70011,
                              "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.",
                              scope);
      return;
    }
  if (!resource_is_self (self, resource))
    {
      mock_respond_aad_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_resource", 500011,
                              "The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                              resource, tenant);
      return;
    }
  if (self->client_secret == NULL || !secrets_equal (client_secret, self->client_secret))
    {
      mock_respond_aad_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", 7000215,
                              "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.",
                              self->client_id);
      return;
    }
  if (self->scenario.secret_expired)
    {
      mock_respond_aad_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", 7000222,
                              "The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                              self->client_id);
      return;
    }
  issue_token (self, msg);
}

MockBearer
mock_token_check (MockServer *self, SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  gint64 *expiry;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    return MOCK_BEARER_MISSING;
  expiry = g_hash_table_lookup (self->tokens, auth + 7);
  if (expiry == NULL)
    return MOCK_BEARER_UNKNOWN;
  if (*expiry <= g_get_monotonic_time ())
    return MOCK_BEARER_EXPIRED;
  return MOCK_BEARER_OK;
}
