/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-server.c — MockServer: configuration, dispatch, request log, faults.
 *
 * Every request outside /_mock/ is logged, counted and checked against the
 * fault queue before it reaches the Entra or Dataverse handlers. Responses
 * that must wait (delays) or never come (drops) are held with
 * soup_server_message_pause() so the main loop never blocks. */
#include "mock-private.h"

#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

typedef struct {
  MockServer        *self;
  SoupServerMessage *msg;
  MockLogEntry      *entry;
  MockFault         *fault;
  char              *path;
  guint              source_id;
  gulong             disconnected_id;
  gboolean           disconnected;
} Pending;

G_DEFINE_FINAL_TYPE (MockServer, mock_server, G_TYPE_OBJECT)


static void
pending_free (Pending *p)
{
  g_clear_handle_id (&p->source_id, g_source_remove);
  g_clear_signal_handler (&p->disconnected_id, p->msg);
  g_object_unref (p->msg);
  mock_log_entry_unref (p->entry);
  mock_fault_unref (p->fault);
  g_free (p->path);
  g_free (p);
}

static void
mock_server_dispose (GObject *object)
{
  MockServer *self = MOCK_SERVER (object);

  /* Held responses reference messages of connections the server is about to close. */
  g_list_free_full (g_steal_pointer (&self->pending), (GDestroyNotify) pending_free);
  g_clear_pointer (&self->routes, g_hash_table_unref);   /* cancels the routing timers */
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (mock_server_parent_class)->dispose (object);
}

static void
mock_server_finalize (GObject *object)
{
  MockServer *self = MOCK_SERVER (object);

  g_free (self->url);
  g_clear_pointer (&self->seed, json_node_unref);
  g_free (self->tenant_id);
  g_free (self->tenant_domain);
  g_free (self->client_id);
  if (self->client_secret)
    memset (self->client_secret, 0, strlen (self->client_secret));
  g_free (self->client_secret);
  g_free (self->organization_id);
  g_free (self->organization_name);
  g_free (self->business_unit_id);
  g_free (self->application_user_id);
  g_hash_table_unref (self->tokens);
  mock_fault_queue_clear (&self->faults);
  mock_scenario_clear (&self->scenario);
  g_ptr_array_unref (self->log);
  g_hash_table_unref (self->by_path);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (mock_server_parent_class)->finalize (object);
}

static void
mock_server_class_init (MockServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mock_server_dispose;
  object_class->finalize = mock_server_finalize;
}

static void server_callback (SoupServer *server, SoupServerMessage *msg, const char *path,
                             GHashTable *query, gpointer user_data);

static void
mock_server_init (MockServer *self)
{
  self->soup = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  self->store = mock_store_new ();
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->faults);
  mock_scenario_init (&self->scenario);
  self->log = g_ptr_array_new_with_free_func ((GDestroyNotify) mock_log_entry_unref);
  self->by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->context = g_main_context_ref_thread_default ();
  mock_routing_clear (self);
  self->token_lifetime = 3599;
  self->assign_after = 3;
  self->wrap_up_after = 60;
  self->close_after = 10;
  /* Without a seed there is still an organisation for WhoAmI to describe. */
  self->organization_id = mock_guid_new ();
  self->business_unit_id = mock_guid_new ();
  self->application_user_id = mock_guid_new ();
  self->organization_name = g_strdup ("Mock organization");
}

MockServer *
mock_server_new (void)
{
  return g_object_new (MOCK_TYPE_SERVER, NULL);
}

gboolean
mock_server_load_seed_data (MockServer *self, const char *json, gssize length, GError **error)
{
  g_autoptr (JsonNode) seed = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  seed = mock_json_parse (json, length < 0 ? strlen (json) : (gsize) length, error);
  if (seed == NULL || !mock_seed_apply (self, seed, error))
    return FALSE;
  g_clear_pointer (&self->seed, json_node_unref);
  self->seed = g_steal_pointer (&seed);
  return TRUE;
}

gboolean
mock_server_load_seed (MockServer *self, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  if (!mock_server_load_seed_data (self, data, (gssize) length, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

void
mock_server_set_tenant (MockServer *self, const char *tenant_id)
{
  g_return_if_fail (MOCK_IS_SERVER (self));
  g_return_if_fail (tenant_id != NULL);
  if (mock_guid_is_valid (tenant_id))
    {
      g_free (self->tenant_id);
      self->tenant_id = g_ascii_strdown (tenant_id, -1);
      self->tenant_id_set = TRUE;
    }
  else
    {
      g_free (self->tenant_domain);
      self->tenant_domain = g_ascii_strdown (tenant_id, -1);
      self->tenant_domain_set = TRUE;
    }
}

void
mock_server_set_client (MockServer *self, const char *client_id, const char *client_secret)
{
  g_return_if_fail (MOCK_IS_SERVER (self));
  g_return_if_fail (client_id != NULL && client_secret != NULL);
  g_free (self->client_id);
  self->client_id = g_ascii_strdown (client_id, -1);
  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
  self->client_set = TRUE;
}

void
mock_server_set_token_lifetime (MockServer *self, guint seconds)
{
  g_return_if_fail (MOCK_IS_SERVER (self));
  self->token_lifetime = seconds;
}

void
mock_server_set_routing_delays (MockServer *self, double assign_after, double wrap_up_after,
                                double close_after)
{
  g_return_if_fail (MOCK_IS_SERVER (self));
  self->assign_after = assign_after;
  self->wrap_up_after = wrap_up_after;
  self->close_after = close_after;
}

void
mock_server_set_verbose (MockServer *self, gboolean verbose)
{
  g_return_if_fail (MOCK_IS_SERVER (self));
  self->verbose = verbose;
}

gboolean
mock_server_listen (MockServer *self, guint port, GError **error)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->url == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (self->soup, address, 0, error))
    return FALSE;
  uris = soup_server_get_uris (self->soup);
  self->port = uris ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  return TRUE;
}

const char *
mock_server_get_url (MockServer *self)
{
  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  return self->url;
}

guint
mock_server_get_port (MockServer *self)
{
  g_return_val_if_fail (MOCK_IS_SERVER (self), 0);
  return self->port;
}

const char *
mock_server_get_tenant_id (MockServer *self)
{
  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  return self->tenant_id;
}

const char *
mock_server_get_client_id (MockServer *self)
{
  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  return self->client_id;
}

const char *
mock_server_get_application_user_id (MockServer *self)
{
  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  return self->application_user_id;
}


void
mock_server_reset (MockServer *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (MOCK_IS_SERVER (self));
  if (self->seed && !mock_seed_apply (self, self->seed, &error))
    g_critical ("reloading the seed failed: %s", error->message);  /* it loaded before */
  else if (self->seed == NULL)
    {
      mock_store_clear (self->store);
      mock_routing_clear (self);
    }
  mock_server_clear_log (self);
  mock_fault_queue_clear (&self->faults);
  mock_scenario_clear (&self->scenario);
  g_hash_table_remove_all (self->tokens);
}

void
mock_server_expire_tokens (MockServer *self)
{
  GHashTableIter iter;
  gpointer expiry;

  g_return_if_fail (MOCK_IS_SERVER (self));
  /* Kept, not forgotten: an expired token is still one the mock issued. */
  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, NULL, &expiry))
    *(gint64 *) expiry = 0;
}

gboolean
mock_server_add_fault_full (MockServer *self, const char *json_fault, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (MockFault) fault = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  node = mock_json_parse (json_fault, strlen (json_fault), error);
  if (node == NULL || (fault = mock_fault_parse (node, error)) == NULL)
    return FALSE;
  mock_fault_queue_push (&self->faults, fault);
  return TRUE;
}

void
mock_server_add_fault (MockServer *self, const char *json_fault)
{
  g_autoptr (GError) error = NULL;

  if (!mock_server_add_fault_full (self, json_fault, &error))
    g_critical ("mock_server_add_fault: %s", error->message);
}

gboolean
mock_server_set_scenario_full (MockServer *self, const char *json_scenario, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  node = mock_json_parse (json_scenario, strlen (json_scenario), error);
  return node != NULL && mock_scenario_update (&self->scenario, node, error);
}

void
mock_server_set_scenario (MockServer *self, const char *json_scenario)
{
  g_autoptr (GError) error = NULL;

  if (!mock_server_set_scenario_full (self, json_scenario, &error))
    g_critical ("mock_server_set_scenario: %s", error->message);
}


gboolean
mock_server_add_records (MockServer *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), FALSE);
  node = mock_json_parse (json, strlen (json), error);
  return node != NULL && mock_seed_add (self, node, NULL, error);
}

JsonNode *
mock_server_set_state (MockServer *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  node = mock_json_parse (json, strlen (json), error);
  return node ? mock_routing_set_state (self, node, error) : NULL;
}

JsonNode *
mock_server_bulk_conversations (MockServer *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  node = mock_json_parse (json, strlen (json), error);
  return node ? mock_routing_bulk_conversations (self, node, error) : NULL;
}

JsonNode *
mock_server_set_presence (MockServer *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) row = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  node = mock_json_parse (json, strlen (json), error);
  row = node ? mock_presence_control (self, node, error) : NULL;
  if (row == NULL)
    return NULL;
  text = mock_json_to_string (row);   /* a copy: the store keeps changing its own */
  return mock_json_parse (text, strlen (text), error);
}

JsonNode *
mock_server_dup_record (MockServer *self, const char *entity_set, const char *id)
{
  const MockEntity *entity = mock_entity_by_set (entity_set);
  JsonObject *record;
  g_autoptr (JsonNode) shared = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  record = entity ? mock_store_lookup (self->store, entity, id) : NULL;
  if (record == NULL)
    return NULL;
  shared = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (shared, record);
  text = mock_json_to_string (shared);
  return mock_json_parse (text, strlen (text), NULL);
}

JsonNode *
mock_server_dup_records (MockServer *self, const char *entity_set)
{
  const MockEntity *entity = mock_entity_by_set (entity_set);
  g_autoptr (JsonNode) shared = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (MOCK_IS_SERVER (self), NULL);
  if (entity == NULL)
    return NULL;
  /* The dump shares the live records; the caller gets its own copy. */
  shared = mock_store_dump (self->store, entity);
  text = mock_json_to_string (shared);
  return mock_json_parse (text, strlen (text), NULL);
}


/* ---- dispatch ---------------------------------------------------------- */

static void
route (MockServer *self, SoupServerMessage *msg, const char *path, MockLogEntry *entry)
{
  g_autofree char *tenant = NULL;

  if (mock_token_path_match (path, &tenant))
    mock_token_handle (self, msg, tenant);
  else if (g_str_has_prefix (path, MOCK_API_PREFIX))
    mock_dataverse_handle (self, msg, path);
  else
    {
      const char *seg = path[0] == '/' ? path + 1 : path;
      g_autofree char *first = g_strndup (seg, strcspn (seg, "/"));

      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x8006088a",
                                    "Resource not found for the segment '%s'.", first);
    }
  entry->handled = (gint) soup_server_message_get_status (msg);
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr (GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
pending_fire (gpointer data)
{
  Pending *p = data;
  MockServer *self = p->self;
  gboolean token_endpoint = mock_token_path_match (p->path, NULL);

  p->source_id = 0;
  self->pending = g_list_remove (self->pending, p);
  if (p->disconnected)
    mock_log_entry_finish (self, p->entry, 0);
  else if (p->fault->drop)
    {
      drop_connection (p->msg);
      mock_log_entry_finish (self, p->entry, 0);
    }
  else
    {
      /* A pure delay before handling: the request reaches the "service" late. */
      if (p->fault->phase == MOCK_FAULT_BEFORE && !mock_fault_replaces_response (p->fault))
        route (self, p->msg, p->path, p->entry);
      if (mock_fault_replaces_response (p->fault))
        mock_fault_respond (p->fault, p->msg, token_endpoint);
      mock_log_entry_finish (self, p->entry, soup_server_message_get_status (p->msg));
      soup_server_message_unpause (p->msg);
    }
  pending_free (p);
  return G_SOURCE_REMOVE;
}

static void
pending_disconnected (SoupServerMessage *msg G_GNUC_UNUSED, Pending *p)
{
  p->disconnected = TRUE;
}

static void
hold (MockServer *self, SoupServerMessage *msg, MockLogEntry *entry, MockFault *fault, const char *path)
{
  Pending *p = g_new0 (Pending, 1);

  p->self = self;
  p->msg = g_object_ref (msg);
  p->entry = g_rc_box_acquire (entry);
  p->fault = mock_fault_ref (fault);
  p->path = g_strdup (path);
  p->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (pending_disconnected), p);
  soup_server_message_pause (msg);
  p->source_id = g_timeout_add (fault->delay_ms, pending_fire, p);
  self->pending = g_list_prepend (self->pending, p);
}

/* libsoup 3.2 removes Content-Length from a 204 (RFC 9110 §8.6) and then
 * judges the connection by the headers left: no length means "body ends at
 * EOF", so it closes the connection without saying "Connection: close".
 * A 204 or 304 has no body by definition; saying so once the headers are
 * written keeps the connection open for the next request, as HTTP/1.1 wants. */
static void
on_wrote_headers (SoupServerMessage *msg, gpointer data G_GNUC_UNUSED)
{
  guint status = soup_server_message_get_status (msg);

  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_NONE);
}

static void
server_callback (SoupServer *server G_GNUC_UNUSED, SoupServerMessage *msg, const char *path,
                 GHashTable *query G_GNUC_UNUSED, gpointer user_data)
{
  MockServer *self = user_data;
  g_autoptr (MockFault) fault = NULL;
  MockLogEntry *entry;
  gboolean token_endpoint;
  guint count;

  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), NULL);
  if (strcmp (path, "/_mock") == 0 || g_str_has_prefix (path, "/_mock/"))
    {
      mock_controls_handle (self, msg, path);
      if (self->verbose)
        g_printerr ("dynamics-mock: %s %s -> %u\n", soup_server_message_get_method (msg), path,
                    soup_server_message_get_status (msg));
      return;
    }

  token_endpoint = mock_token_path_match (path, NULL);
  entry = mock_log_entry_new (self, msg, path, token_endpoint);
  if (token_endpoint)
    self->token_requests++;
  else if (g_str_has_prefix (path, MOCK_API_PREFIX))
    self->api_requests++;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_path, path));
  g_hash_table_replace (self->by_path, g_strdup (path), GUINT_TO_POINTER (count + 1));

  fault = mock_fault_queue_take (&self->faults, soup_server_message_get_method (msg), path);
  if (fault)
    entry->fault = g_strdup (fault->name);

  if (fault == NULL || fault->phase == MOCK_FAULT_AFTER)
    route (self, msg, path, entry);
  if (fault && (fault->delay_ms > 0 || fault->drop))
    hold (self, msg, entry, fault, path);
  else
    {
      if (fault && mock_fault_replaces_response (fault))
        mock_fault_respond (fault, msg, token_endpoint);
      mock_log_entry_finish (self, entry, soup_server_message_get_status (msg));
    }
  mock_log_entry_unref (entry);
}
