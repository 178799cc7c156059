/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create.c — POST <entityset>: creates with @odata.bind and deep insert.
 *
 * A create is checked in the order Dataverse's layers check it, and nothing is
 * stored unless every check passes:
 *   1. query options ($select only) and Content-Type;
 *   2. the body as the OData reader sees it: valid JSON object, no duplicate
 *      members, every property declared on the table (or its deep-insert
 *      children), JSON types matching the columns, @odata.bind values of the
 *      form "/<entityset>(<guid>)" naming a table the navigation property
 *      allows → 400 0x80060888;
 *   3. privileges (Create on the table and on deep-inserted children, Append
 *      when binding, AppendTo on the bound table) → 403;
 *   4. the platform: lengths (UTF-16 code units, as .NET counts), choice
 *      values, required columns, bound records existing, table rules such as
 *      a case's customer → 400 with the platform's code;
 *   5. the key: an existing id → 412 0x80040237 "Cannot insert duplicate key."
 * Only then are the record and its children inserted, and routing starts.
 *
 * This file is the endpoint: the query, Content-Type and JSON of step 1 and 2,
 * privileges, the key, and the answer. The rest is in the mock-create-*.c
 * files listed in mock-create-private.h. */
#include "mock-create-private.h"

#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

/* ---- 1. Content-Type, 2. the body as JSON --------------------------------------- */

gboolean
mock_create_check_content_type (SoupServerMessage *msg)
{
  g_autoptr (GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), &params);
  const char *charset;

  if (type == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request has a body but no Content-Type header; send 'Content-Type: application/json'.");
      return FALSE;
    }
  charset = params ? g_hash_table_lookup (params, "charset") : NULL;
  if (g_ascii_strcasecmp (type, "application/json") != 0 ||
      (charset && g_ascii_strcasecmp (charset, "utf-8") != 0))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, MOCK_ODATA_CODE,
                                    "The content type '%s%s%s' is not supported; use 'application/json; charset=utf-8'.",
                                    type, charset ? "; charset=" : "", charset ? charset : "");
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  GHashTable *names;       /* JsonObject* → GHashTable of member names */
  char       *duplicate;   /* the first repeated member name */
} DuplicateCheck;

static void
on_object_member (JsonParser *parser G_GNUC_UNUSED, JsonObject *object, const char *name, DuplicateCheck *d)
{
  GHashTable *seen = g_hash_table_lookup (d->names, object);

  if (seen == NULL)
    {
      seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (d->names, object, seen);
    }
  if (!g_hash_table_add (seen, g_strdup (name)) && d->duplicate == NULL)
    d->duplicate = g_strdup (name);
}

/* TRUE when something other than white space follows the first top-level
 * object or array (json-glib ignores it; the OData reader does not). */
static gboolean
has_trailing_data (const char *data, gsize length)
{
  gsize i = 0, depth = 0;
  gboolean in_string = FALSE;

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i == length || (data[i] != '{' && data[i] != '['))
    return FALSE;
  for (; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        break;
    }
  for (i++; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return TRUE;
  return FALSE;
}

JsonNode *
mock_create_read_body (SoupServerMessage *msg)
{
  g_autoptr (GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  DuplicateCheck d = { NULL, NULL };
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;

  if (length == 0)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request body is empty; a JSON object describing the record is required.");
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) length, NULL))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request body is not valid UTF-8.");
      return NULL;
    }
  if (has_trailing_data (data, length))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request body is not valid JSON: there is more data after the end of the top-level object.");
      return NULL;
    }
  d.names = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &d);
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error) || json_parser_get_root (parser) == NULL)
    {
      g_hash_table_unref (d.names);
      g_free (d.duplicate);
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The request body is not valid JSON: %s", error ? error->message : "empty document");
      return NULL;
    }
  g_hash_table_unref (d.names);
  if (d.duplicate)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "Multiple properties with the name '%s' were detected in an entry or a complex value. In OData, duplicate property names are not allowed.",
                                    d.duplicate);
      g_free (d.duplicate);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
                                    mock_create_node_kind (root));
      return NULL;
    }
  return json_node_ref (root);
}

void
mock_create_respond_fail (SoupServerMessage *msg, MockCreateFail *f)
{
  mock_respond_dataverse_error (msg, f->status, f->code, "%s", f->message);
  g_clear_pointer (&f->message, g_free);
}

/* ---- 3. privileges -------------------------------------------------------------- */

gboolean
mock_create_plan_allowed (MockServer *self, SoupServerMessage *msg, MockCreatePlan *plan)
{
  if (plan->update ? mock_dataverse_denied (self, msg, "PATCH", plan->entity, "Update")
                   : mock_dataverse_denied (self, msg, "POST", plan->entity, "Create"))
    return FALSE;
  if (!mock_create_binds_allowed (self, msg, plan))
    return FALSE;
  for (guint i = 0; i < plan->children->len; i++)
    if (!mock_create_plan_allowed (self, msg, ((MockCreateChild *) g_ptr_array_index (plan->children, i))->plan))
      return FALSE;
  return TRUE;
}

/* ---- the request ------------------------------------------------------------------ */

void
mock_create_insert (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                    const MockODataQuery *query, const MockPrefs *prefs, JsonNode *body, const char *key)
{
  g_autoptr (MockCreatePlan) plan = mock_create_plan_new (entity);
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  MockCreateFail f = { 0, NULL, NULL };
  const char *given;

  if (!mock_create_read_object (json_node_get_object (body), plan, FALSE, &f))
    {
      mock_create_respond_fail (msg, &f);
      return;
    }
  if (!mock_create_plan_allowed (self, msg, plan))
    return;
  if (!mock_create_validate (self, plan, &f))
    {
      mock_create_respond_fail (msg, &f);
      return;
    }

  /* 5. The empty GUID asks the platform for a new one, as when the key is absent. */
  given = json_object_get_string_member_with_default (plan->values, entity->key, NULL);
  if (key && given && g_ascii_strcasecmp (key, given) != 0)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The key '%s' in the body differs from the key '%s' in the URL.", given, key);
      return;
    }
  if (key)
    id = g_ascii_strdown (key, -1);
  else
    id = given && strcmp (given, "00000000-0000-0000-0000-000000000000") != 0 ? g_strdup (given) : mock_guid_new ();
  json_object_remove_member (plan->values, entity->key);
  if (mock_store_lookup (self->store, entity, id))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_PRECONDITION_FAILED, MOCK_CREATE_CODE_DUPLICATE,
                                    "Cannot insert duplicate key.");
      return;
    }

  now = mock_now_iso8601 ();
  mock_create_plan_commit (self, plan, id, now);
  mock_routing_start (self, entity, id);
  mock_create_respond_written (self, msg, entity, query, prefs, id, TRUE);
}

void
mock_create_respond_written (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                             const MockODataQuery *query, const MockPrefs *prefs, const char *id, gboolean created)
{
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autofree char *entity_id = NULL;

  if (prefs->return_representation)
    {
      mock_dataverse_respond_record (self, msg, entity, query, prefs, mock_store_lookup (self->store, entity, id),
                                     created);
      return;
    }
  entity_id = g_strdup_printf ("%s" MOCK_API_BASE "%s(%s)", self->url, entity->entity_set, id);
  soup_message_headers_replace (response_headers, "OData-EntityId", entity_id);
  mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
  soup_message_headers_replace (response_headers, "OData-Version", "4.0");
}

void
mock_create_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *raw_query)
{
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_auto (MockPrefs) prefs = { 0 };

  query = mock_dataverse_record_query (msg, entity, raw_query, &prefs);
  if (query == NULL)
    return;
  if (!entity->creatable)
    {
      if (!mock_dataverse_denied (self, msg, "POST", entity, "Create"))
        mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, MOCK_CREATE_CODE_NOT_IMPL,
                                      "The mock server does not implement POST on %s.", entity->entity_set);
      return;
    }
  if (!mock_create_check_content_type (msg) || (body = mock_create_read_body (msg)) == NULL)
    return;
  mock_create_insert (self, msg, entity, query, &prefs, body, NULL);
}
