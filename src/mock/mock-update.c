/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-update.c — PATCH and DELETE <entityset>(<id>), with ETags.
 *
 * As Microsoft documents (webapi/update-delete-entities-using-web-api,
 * webapi/perform-conditional-operations-using-web-api):
 *   - PATCH with the changed columns and binds → 204 (200 and the record with
 *     Prefer: return=representation); a record that does not exist is
 *     created (upsert) unless If-Match is sent, then 404;
 *     If-None-Match: * makes it create-only (412 when it exists);
 *   - If-Match: W/"<versionnumber>" on PATCH or DELETE → 412
 *     0x80060882 when the record changed since; "*" matches any version;
 *   - statecode/statuscode must stay a pair of the table's option sets
 *     (mock_create_check_state_pair());
 *   - DELETE → 204, and the records that cascade (context items, notes and
 *     queue items of the record) go with it.
 * The body is read and validated by the create code in update mode, so a
 * PATCH is exactly as strict as a POST about names, types, lengths, choices
 * and binds. */
#include "mock-create-private.h"

#include <string.h>

#include "mock-options.h"
#include "mock-response.h"

#define CODE_VERSION_MISMATCH "0x80060882"

/* NULL when @msg has no such header; the quoted ETag otherwise. */
static const char *
header (SoupServerMessage *msg, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

/* TRUE when If-Match allows writing @record (absent, "*", or its current ETag). */
static gboolean
if_match_ok (SoupServerMessage *msg, JsonObject *record)
{
  const char *want = header (msg, "If-Match");
  g_autofree char *etag = NULL;
  g_auto (GStrv) tags = NULL;

  if (want == NULL)
    return TRUE;
  etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", json_object_get_int_member_with_default (record, "versionnumber", 0));
  tags = g_strsplit (want, ",", -1);
  for (guint i = 0; tags[i]; i++)
    {
      g_strstrip (tags[i]);
      if (strcmp (tags[i], "*") == 0 || strcmp (tags[i], etag) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
respond_version_mismatch (SoupServerMessage *msg)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_PRECONDITION_FAILED, CODE_VERSION_MISMATCH,
                                "The version of the existing record doesn't match the RowVersion property provided.");
}

static void
respond_missing (SoupServerMessage *msg, const MockEntity *entity, const char *id)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, MOCK_CREATE_CODE_NOT_FOUND,
                                "%s With Id = %s Does Not Exist", entity->logical_name, id);
}

static gboolean
writable_here (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *method,
               const char *operation)
{
  if (mock_dataverse_denied (self, msg, method, entity, operation))
    return FALSE;
  if (entity->creatable)
    return TRUE;
  mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, MOCK_CREATE_CODE_NOT_IMPL,
                                "The mock server does not implement %s on %s.", method, entity->entity_set);
  return FALSE;
}

/* The state and status after the update must be a pair; a new state alone
 * takes that state's first status reason, as SetState does. */
static gboolean
settle_state (const MockEntity *entity, JsonObject *record, JsonObject *values, const char *id, MockCreateFail *f)
{
  gboolean has_state = json_object_has_member (values, "statecode");
  gboolean has_status = json_object_has_member (values, "statuscode");
  const MockColumn *status_column = mock_entity_column (entity, "statuscode");
  gint64 state, status;

  if (!has_state && !has_status)
    return TRUE;
  if ((has_state && JSON_NODE_HOLDS_NULL (json_object_get_member (values, "statecode"))) ||
      (has_status && JSON_NODE_HOLDS_NULL (json_object_get_member (values, "statuscode"))))
    return mock_create_fail (f, 400, MOCK_CREATE_CODE_STATE_STATUS,
                             "State code is invalid or state code is valid but status code is invalid for a specified state code.");
  state = has_state ? json_object_get_int_member (values, "statecode")
                    : json_object_get_int_member_with_default (record, "statecode", 0);
  if (!has_status)
    {
      for (const MockOption *o = status_column->options; o && o->label; o++)
        if (o->state == state)
          {
            json_object_set_int_member (values, "statuscode", o->value);
            return TRUE;
          }
      return TRUE;   /* the state's own check has refused it already */
    }
  status = json_object_get_int_member (values, "statuscode");
  return mock_create_check_state_pair (entity, state, status, id, f);
}

static void
apply (MockServer *self, MockCreatePlan *plan, JsonObject *record)
{
  mock_create_plan_write (plan, record);
  json_object_set_string_member (record, "_modifiedby_value", self->application_user_id);
  mock_store_touch (self->store, record);
}

void
mock_update_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
                    const char *raw_query)
{
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (MockCreatePlan) plan = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  MockCreateFail f = { 0, NULL, NULL };
  const char *none_match = header (msg, "If-None-Match");
  JsonObject *record;
  gint64 old_state;

  query = mock_dataverse_record_query (msg, entity, raw_query, &prefs);
  if (query == NULL || !writable_here (self, msg, entity, "PATCH", "Update"))
    return;
  if (!mock_create_check_content_type (msg) || (body = mock_create_read_body (msg)) == NULL)
    return;
  record = mock_store_lookup (self->store, entity, id);
  if (record == NULL)
    {
      if (header (msg, "If-Match"))
        respond_missing (msg, entity, id);
      else
        mock_create_insert (self, msg, entity, query, &prefs, body, id);   /* upsert */
      return;
    }
  /* "If-None-Match: null", which Microsoft's samples send on every request, is not "*". */
  if (none_match)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (none_match));

      if (strcmp (trimmed, "*") == 0)
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_PRECONDITION_FAILED, MOCK_CREATE_CODE_DUPLICATE,
                                        "A record with matching key values already exists.");
          return;
        }
    }
  if (!if_match_ok (msg, record))
    {
      respond_version_mismatch (msg);
      return;
    }

  plan = mock_create_plan_new (entity);
  plan->update = TRUE;
  if (!mock_create_read_object (json_node_get_object (body), plan, FALSE, &f))
    {
      mock_create_respond_fail (msg, &f);
      return;
    }
  if (!mock_create_plan_allowed (self, msg, plan))
    return;
  if (!mock_create_validate (self, plan, &f) || !settle_state (entity, record, plan->values, id, &f))
    {
      mock_create_respond_fail (msg, &f);
      return;
    }
  old_state = json_object_get_int_member_with_default (record, "statecode", 0);
  apply (self, plan, record);
  /* Closed by hand: the routing simulation must not reopen or advance it. */
  if (json_object_get_int_member_with_default (record, "statecode", 0) != old_state)
    mock_routing_cancel (self, entity, id);
  mock_create_respond_written (self, msg, entity, query, &prefs, id, FALSE);
}

/* Records whose @column points at @id, in every table the mock holds. */
static void
cascade (MockServer *self, const MockEntity *parent, const char *id)
{
  static const struct { const char *set, *column; } children[] = {
    { "msdyn_ocliveworkitemcontextitems", "_msdyn_ocliveworkitemid_value" },
    { "annotations", "_objectid_value" },
    { "queueitems", "_objectid_value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      const MockEntity *child = mock_entity_by_set (children[i].set);
      g_autoptr (GPtrArray) rows = mock_store_query (self->store, child, NULL, -1);
      g_autoptr (GPtrArray) doomed = g_ptr_array_new_with_free_func (g_free);

      if (child == parent)
        continue;
      for (guint j = 0; j < rows->len; j++)
        {
          JsonObject *row = g_ptr_array_index (rows, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (row, children[i].column, NULL), id) == 0)
            g_ptr_array_add (doomed, g_strdup (json_object_get_string_member (row, child->key)));
        }
      for (guint j = 0; j < doomed->len; j++)
        mock_store_remove (self->store, child, g_ptr_array_index (doomed, j));
    }
}

void
mock_delete_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *id,
                    const char *raw_query)
{
  JsonObject *record;

  if (raw_query && *raw_query)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "Query options are not allowed on a DELETE request.");
      return;
    }
  if (!writable_here (self, msg, entity, "DELETE", "Delete"))
    return;
  record = mock_store_lookup (self->store, entity, id);
  if (record == NULL)
    {
      respond_missing (msg, entity, id);
      return;
    }
  if (!if_match_ok (msg, record))
    {
      respond_version_mismatch (msg);
      return;
    }
  mock_routing_cancel (self, entity, id);
  cascade (self, entity, id);
  mock_store_remove (self->store, entity, id);
  mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "OData-Version", "4.0");
}
