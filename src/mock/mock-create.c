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
 * Only then are the record and its children inserted, and routing starts. */
#include "mock-private.h"

#include <stdarg.h>
#include <string.h>

#include "mock-response.h"
#include "mock-util.h"

#define CODE_LENGTH    "0x80044331"
#define CODE_RANGE     "0x8004431a"
#define CODE_NOT_FOUND "0x80040217"
#define CODE_CUSTOMER  "0x80040278"
#define CODE_DUPLICATE "0x80040237"
#define CODE_NOT_IMPL  "0x80040216"

#define REASON_AWAITING_AGENT 192350001

typedef struct {
  guint       status;
  const char *code;
  char       *message;
} Fail;

static gboolean fail (Fail *f, guint status, const char *code, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (Fail *f, guint status, const char *code, const char *format, ...)
{
  va_list ap;

  if (f->message)
    return FALSE;
  f->status = status;
  f->code = code;
  va_start (ap, format);
  f->message = g_strdup_vprintf (format, ap);
  va_end (ap);
  return FALSE;
}

typedef struct {
  const MockNavigation *nav;
  const char           *logical_name;   /* of the bound table */
  char                 *id;             /* lower case */
} Bind;

typedef struct _Plan Plan;

typedef struct {
  const MockCollection *collection;
  Plan                 *plan;
} Child;

struct _Plan {
  const MockEntity *entity;
  JsonObject       *values;    /* column → value as sent (GUIDs in lower case) */
  GPtrArray        *binds;     /* Bind* */
  GPtrArray        *children;  /* Child* */
};

static void
bind_free (Bind *b)
{
  g_free (b->id);
  g_free (b);
}

static void plan_free (Plan *plan);

static void
child_free (Child *c)
{
  plan_free (c->plan);
  g_free (c);
}

static Plan *
plan_new (const MockEntity *entity)
{
  Plan *plan = g_new0 (Plan, 1);

  plan->entity = entity;
  plan->values = json_object_new ();
  plan->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_free);
  plan->children = g_ptr_array_new_with_free_func ((GDestroyNotify) child_free);
  return plan;
}

static void
plan_free (Plan *plan)
{
  if (plan == NULL)
    return;
  json_object_unref (plan->values);
  g_ptr_array_unref (plan->binds);
  g_ptr_array_unref (plan->children);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

/* ---- 2. the OData reader ----------------------------------------------------- */

static char *
literal (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return mock_json_to_string (node);
}

static const char *
node_kind (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) ? "StartObject" : JSON_NODE_HOLDS_ARRAY (node) ? "StartArray" : "PrimitiveValue";
}

static gboolean
read_value (const MockColumn *column, JsonNode *node, JsonObject *values, Fail *f)
{
  GType vt;
  gboolean ok;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      json_object_set_null_member (values, column->name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return fail (f, 400, MOCK_ODATA_CODE,
                 "An unexpected '%s' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.",
                 node_kind (node));
  vt = json_node_get_value_type (node);
  switch (column->type)
    {
    case MOCK_COL_STRING:
      ok = vt == G_TYPE_STRING;
      break;
    case MOCK_COL_INT:
      ok = vt == G_TYPE_INT64 && json_node_get_int (node) >= G_MININT32 && json_node_get_int (node) <= G_MAXINT32;
      break;
    case MOCK_COL_BOOL:
      ok = vt == G_TYPE_BOOLEAN;
      break;
    case MOCK_COL_GUID:
      ok = vt == G_TYPE_STRING && mock_guid_is_valid (json_node_get_string (node));
      if (ok)
        {
          g_autofree char *lower = g_ascii_strdown (json_node_get_string (node), -1);

          json_object_set_string_member (values, column->name, lower);
          return TRUE;
        }
      break;
    default:
      ok = FALSE;
      break;
    }
  if (!ok)
    {
      g_autofree char *text = literal (node);

      return fail (f, 400, MOCK_ODATA_CODE, "Cannot convert the literal '%s' to the expected type '%s'.",
                   text, mock_column_type_edm (column->type));
    }
  json_object_set_member (values, column->name, json_node_copy (node));
  return TRUE;
}

/* "/<set>(<guid>)" */
static gboolean
read_bind (const MockNavigation *nav, JsonNode *node, Plan *plan, Fail *f)
{
  const char *text, *open;
  g_autofree char *set = NULL;
  g_autofree char *guid = NULL;
  const char *logical;
  gsize len;
  Bind *bind;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *shown = literal (node);

      return fail (f, 400, MOCK_ODATA_CODE,
                   "The value '%s' of the annotation 'odata.bind' on the navigation property '%s' must be a string with an entity reference such as '/%s(<id>)'.",
                   shown, nav->name, nav->targets ? nav->targets[0].entity_set : "<set>");
    }
  text = json_node_get_string (node);
  len = strlen (text);
  open = strchr (text, '(');
  if (text[0] != '/' || open == NULL || len < 4 || text[len - 1] != ')' ||
      !mock_guid_is_valid_len (open + 1, (gsize) (text + len - 1 - (open + 1))))
    return fail (f, 400, MOCK_ODATA_CODE,
                 "The @odata.bind value '%s' of '%s' is not an entity reference of the form '/<entityset>(<id>)'.",
                 text, nav->name);
  set = g_strndup (text + 1, (gsize) (open - text - 1));
  guid = g_ascii_strdown (open + 1, 36);
  logical = mock_bind_target_logical_name (nav, set);
  if (logical == NULL)
    return fail (f, 400, MOCK_ODATA_CODE,
                 "The entity set '%s' in the @odata.bind value '%s' is not a target of the navigation property '%s' (expected '%s').",
                 set, text, nav->name, nav->targets[0].entity_set);
  for (guint i = 0; i < plan->binds->len; i++)
    if (g_strcmp0 (((Bind *) g_ptr_array_index (plan->binds, i))->nav->column, nav->column) == 0)
      return fail (f, 400, MOCK_ODATA_CODE,
                   "The navigation property '%s' sets '%s', which another navigation property in the payload already sets.",
                   nav->name, nav->column);
  bind = g_new0 (Bind, 1);
  bind->nav = nav;
  bind->logical_name = logical;
  bind->id = g_steal_pointer (&guid);
  g_ptr_array_add (plan->binds, bind);
  return TRUE;
}

static gboolean read_object (JsonObject *body, Plan *plan, gboolean child, Fail *f);

static gboolean
read_collection (const MockCollection *collection, JsonNode *node, Plan *plan, Fail *f)
{
  const MockEntity *child_entity = mock_entity_by_set (collection->child_set);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (f, 400, MOCK_ODATA_CODE,
                 "An unexpected '%s' node was found when reading from the JSON reader. A 'StartArray' node was expected for the collection navigation property '%s'.",
                 node_kind (node), collection->name);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      Child *c;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (f, 400, MOCK_ODATA_CODE,
                     "An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
                     node_kind (element));
      c = g_new0 (Child, 1);
      c->collection = collection;
      c->plan = plan_new (child_entity);
      g_ptr_array_add (plan->children, c);
      if (!read_object (json_node_get_object (element), c->plan, TRUE, f))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_object (JsonObject *body, Plan *plan, gboolean child, Fail *f)
{
  const MockEntity *entity = plan->entity;
  g_autoptr (GList) members = json_object_get_members (body);

  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (body, name);
      const char *at = strchr (name, '@');
      const MockCollection *collection;
      const MockColumn *column;

      if (strcmp (name, "@odata.type") == 0)
        {
          g_autofree char *want = g_strconcat ("Microsoft.Dynamics.CRM.", entity->logical_name, NULL);
          const char *type = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                             ? json_node_get_string (node) : "";

          if (strcmp (type[0] == '#' ? type + 1 : type, want) != 0)
            return fail (f, 400, MOCK_ODATA_CODE,
                         "A resource with type '%s' was found, but it is not assignable to the expected type '%s'. The type specified in the resource must be equal to either the expected type or a derived type.",
                         type, want);
          continue;
        }
      if (at == name)
        return fail (f, 400, MOCK_ODATA_CODE,
                     "The instance annotation '%s' is not supported in a request body by the mock.", name);
      if (at)
        {
          g_autofree char *property = g_strndup (name, (gsize) (at - name));
          const MockNavigation *nav;

          if (strcmp (at + 1, "odata.bind") != 0)
            return fail (f, 400, MOCK_ODATA_CODE,
                         "The property annotation '%s' is not supported in a request body by the mock.", name);
          nav = mock_entity_navigation (entity, property);
          if (nav == NULL)
            return fail (f, 400, MOCK_ODATA_CODE,
                         "An undeclared property '%s' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.",
                         property);
          if (child)
            return fail (f, 400, MOCK_ODATA_CODE,
                         "The mock does not accept '%s' inside a deep insert: the parent is bound by the insert itself.",
                         name);
          if (!nav->supported)
            return fail (f, 501, CODE_NOT_IMPL,
                         "The mock server does not implement the navigation property '%s'.", property);
          if (!read_bind (nav, node, plan, f))
            return FALSE;
          continue;
        }
      if ((collection = mock_entity_collection (entity, name)) != NULL)
        {
          if (!read_collection (collection, node, plan, f))
            return FALSE;
          continue;
        }
      if (mock_entity_navigation (entity, name) != NULL)
        return fail (f, 501, CODE_NOT_IMPL,
                     "The mock server does not implement deep insert through the single-valued navigation property '%s'; bind an existing record with '%s@odata.bind'.",
                     name, name);
      column = mock_entity_column (entity, name);
      if (column == NULL)
        return fail (f, 400, MOCK_ODATA_CODE,
                     "The property '%s' does not exist on type 'Microsoft.Dynamics.CRM.%s'. Make sure to only use property names that are defined by the type.",
                     name, entity->logical_name);
      if (column->type == MOCK_COL_LOOKUP)
        return fail (f, 400, MOCK_ODATA_CODE,
                     "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.");
      if (!(column->flags & MOCK_COL_CREATE))
        return fail (f, 400, MOCK_ODATA_CODE,
                     "The property '%s' of 'Microsoft.Dynamics.CRM.%s' cannot be set on create.",
                     name, entity->logical_name);
      if (!read_value (column, node, plan->values, f))
        return FALSE;
    }
  return TRUE;
}

/* ---- 3. privileges -------------------------------------------------------------- */

static gboolean
plan_allowed (MockServer *self, SoupServerMessage *msg, Plan *plan)
{
  if (mock_dataverse_denied (self, msg, "POST", plan->entity, "Create"))
    return FALSE;
  if (plan->binds->len > 0 && mock_dataverse_denied (self, msg, "APPEND", plan->entity, "Create"))
    return FALSE;
  for (guint i = 0; i < plan->binds->len; i++)
    {
      Bind *b = g_ptr_array_index (plan->binds, i);
      const MockEntity *target = mock_entity_by_name (b->logical_name);

      if (target && mock_dataverse_denied (self, msg, "APPENDTO", target, "Create"))
        return FALSE;
    }
  for (guint i = 0; i < plan->children->len; i++)
    if (!plan_allowed (self, msg, ((Child *) g_ptr_array_index (plan->children, i))->plan))
      return FALSE;
  return TRUE;
}

/* ---- 4. the platform -------------------------------------------------------------- */

static char *
accepted_values (const MockColumn *column)
{
  GString *s = g_string_new (NULL);

  for (const MockOption *o = column->options; o && o->label; o++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", o->value);
  return g_string_free (s, FALSE);
}

static gboolean
check_multi (const MockColumn *column, const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (*text == '\0')
    return FALSE;
  for (guint i = 0; parts[i]; i++)
    {
      gint64 v = 0;

      if (!g_ascii_string_to_signed (parts[i], 10, G_MININT32, G_MAXINT32, &v, NULL) ||
          mock_column_option_label (column, v) == NULL || !g_hash_table_add (seen, parts[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_values (const MockEntity *entity, JsonObject *values, Fail *f)
{
  g_autoptr (GList) members = json_object_get_members (values);

  for (GList *l = members; l; l = l->next)
    {
      const MockColumn *column = mock_entity_column (entity, l->data);
      JsonNode *node = json_object_get_member (values, l->data);

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (column->type == MOCK_COL_STRING && column->max_length &&
          mock_utf16_length (json_node_get_string (node)) > column->max_length)
        return fail (f, 400, CODE_LENGTH,
                     "A validation error occurred.  The length of the '%s' attribute of the '%s' entity exceeded the maximum allowed length of '%u'.",
                     column->name, entity->logical_name, column->max_length);
      if (column->options && (column->flags & MOCK_COL_MULTI) &&
          !check_multi (column, json_node_get_string (node)))
        {
          g_autofree char *accepted = accepted_values (column);

          return fail (f, 400, CODE_RANGE,
                       "A validation error occurred.  The value '%s' of '%s' on record of type '%s' is outside the valid range. Accepted Values: %s",
                       json_node_get_string (node), column->name, entity->logical_name, accepted);
        }
      if (column->options && column->type == MOCK_COL_INT &&
          mock_column_option_label (column, json_node_get_int (node)) == NULL)
        {
          g_autofree char *accepted = accepted_values (column);

          return fail (f, 400, CODE_RANGE,
                       "A validation error occurred.  The value %" G_GINT64_FORMAT " of '%s' on record of type '%s' is outside the valid range. Accepted Values: %s",
                       json_node_get_int (node), column->name, entity->logical_name, accepted);
        }
    }
  for (const MockColumn *c = entity->columns; c->name; c++)
    {
      JsonNode *node = json_object_get_member (values, c->name);

      if ((c->flags & MOCK_COL_REQUIRED) &&
          (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
           (c->type == MOCK_COL_STRING && *json_node_get_string (node) == '\0')))
        return fail (f, 400, CODE_LENGTH,
                     "A validation error occurred.  The '%s' attribute of the '%s' entity is required and cannot be empty.",
                     c->name, entity->logical_name);
    }
  return TRUE;
}

static gboolean
plan_check (MockServer *self, Plan *plan, Fail *f)
{
  if (!check_values (plan->entity, plan->values, f))
    return FALSE;
  for (guint i = 0; i < plan->children->len; i++)
    if (!plan_check (self, ((Child *) g_ptr_array_index (plan->children, i))->plan, f))
      return FALSE;
  for (guint i = 0; i < plan->binds->len; i++)
    {
      Bind *b = g_ptr_array_index (plan->binds, i);
      const MockEntity *target = mock_entity_by_name (b->logical_name);

      if (target == NULL || mock_store_lookup (self->store, target, b->id) == NULL)
        return fail (f, 400, CODE_NOT_FOUND, "%s With Id = %s Does Not Exist", b->logical_name, b->id);
    }
  if (strcmp (plan->entity->logical_name, "incident") == 0)
    {
      gboolean customer = FALSE;

      for (guint i = 0; i < plan->binds->len; i++)
        customer |= strcmp (((Bind *) g_ptr_array_index (plan->binds, i))->nav->column, "_customerid_value") == 0;
      if (!customer)
        return fail (f, 400, CODE_CUSTOMER, "You should specify a parent contact or account.");
    }
  return TRUE;
}

/* ---- 5. commit -------------------------------------------------------------------- */

static void
set_if_absent_string (JsonObject *record, const char *name, const char *value)
{
  if (json_object_has_member (record, name))
    return;
  if (value)
    json_object_set_string_member (record, name, value);
  else
    json_object_set_null_member (record, name);
}

static void
set_if_absent_int (JsonObject *record, const char *name, gint64 value)
{
  if (!json_object_has_member (record, name))
    json_object_set_int_member (record, name, value);
}

static char *
ticket_number (MockServer *self)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char suffix[7];

  for (guint i = 0; i < 6; i++)
    suffix[i] = alphabet[g_random_int_range (0, (gint32) strlen (alphabet))];
  suffix[6] = '\0';
  return g_strdup_printf ("CAS-%05u-%s", ++self->ticket_seq, suffix);
}

void
mock_create_defaults (MockServer *self, const MockEntity *entity, JsonObject *record, const char *now)
{
  const char *name = entity->logical_name;

  set_if_absent_string (record, "createdon", now);
  set_if_absent_string (record, "modifiedon", now);
  set_if_absent_string (record, "_createdby_value", self->application_user_id);
  set_if_absent_string (record, "_modifiedby_value", self->application_user_id);
  if (mock_entity_column (entity, "_ownerid_value"))
    set_if_absent_string (record, "_ownerid_value", self->application_user_id);

  if (strcmp (name, "msdyn_ocliveworkitem") == 0)
    {
      const char *ws = json_object_get_string_member_with_default (record, "_msdyn_liveworkstreamid_value", NULL);
      JsonObject *workstream = ws ? mock_store_lookup (self->store, mock_entity_by_set ("msdyn_liveworkstreams"), ws) : NULL;

      set_if_absent_int (record, "statecode", 0);
      set_if_absent_int (record, "statuscode", 1);
      set_if_absent_int (record, "msdyn_statuschangereason", REASON_AWAITING_AGENT);
      set_if_absent_string (record, "msdyn_ocliveworkitemid", json_object_get_string_member (record, "activityid"));
      set_if_absent_string (record, "_msdyn_liveworkstreamid_value", NULL);
      set_if_absent_string (record, "_msdyn_customer_value", NULL);
      set_if_absent_string (record, "_msdyn_activeagentid_value", NULL);
      set_if_absent_string (record, "_msdyn_cdsqueueid_value",
                            workstream ? json_object_get_string_member_with_default (workstream, "_msdyn_defaultqueue_value", NULL)
                                       : NULL);
      set_if_absent_string (record, "msdyn_createdon", now);
    }
  else if (strcmp (name, "contact") == 0)
    {
      const char *first = json_object_get_string_member_with_default (record, "firstname", NULL);
      const char *last = json_object_get_string_member_with_default (record, "lastname", NULL);
      g_autofree char *full = g_strjoin (first && last ? " " : "", first ? first : "", last ? last : "", NULL);

      set_if_absent_int (record, "statecode", 0);
      set_if_absent_int (record, "statuscode", 1);
      set_if_absent_string (record, "fullname", *full ? full : NULL);
    }
  else if (strcmp (name, "incident") == 0)
    {
      g_autofree char *ticket = ticket_number (self);

      set_if_absent_int (record, "statecode", 0);
      set_if_absent_int (record, "statuscode", 1);
      set_if_absent_int (record, "prioritycode", 2);
      set_if_absent_string (record, "ticketnumber", ticket);
    }
  else if (strcmp (name, "msdyn_ocliveworkitemcontextitem") == 0)
    {
      set_if_absent_int (record, "statecode", 0);
      set_if_absent_int (record, "statuscode", 1);
    }
  else if (strcmp (name, "annotation") == 0)
    {
      if (!json_object_has_member (record, "isdocument"))
        json_object_set_boolean_member (record, "isdocument", FALSE);
    }
}

/* The record to insert: the values sent (empty text is null, as in
 * Dataverse), the key, the bound lookups. */
static JsonObject *
plan_record (Plan *plan, const char *id)
{
  JsonObject *record = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (plan->values);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (plan->values, l->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) == '\0')
        json_object_set_null_member (record, l->data);
      else
        json_object_set_member (record, l->data, json_node_copy (node));
    }
  json_object_set_string_member (record, plan->entity->key, id);
  for (guint i = 0; i < plan->binds->len; i++)
    {
      Bind *b = g_ptr_array_index (plan->binds, i);

      json_object_set_string_member (record, b->nav->column, b->id);
    }
  return record;
}

static void
commit (MockServer *self, Plan *plan, const char *id, const char *now)
{
  g_autoptr (JsonObject) record = plan_record (plan, id);
  g_autoptr (GError) error = NULL;

  mock_create_defaults (self, plan->entity, record, now);
  if (!mock_store_insert (self->store, plan->entity, record, &error))
    g_error ("create: a checked record was refused: %s", error->message);
  for (guint i = 0; i < plan->children->len; i++)
    {
      Child *c = g_ptr_array_index (plan->children, i);
      g_autofree char *child_id = mock_guid_new ();
      g_autoptr (JsonObject) child = plan_record (c->plan, child_id);

      json_object_set_string_member (child, c->collection->child_lookup, id);
      if (c->collection->child_type_column)
        json_object_set_string_member (child, c->collection->child_type_column, plan->entity->logical_name);
      mock_create_defaults (self, c->plan->entity, child, now);
      if (!mock_store_insert (self->store, c->plan->entity, child, &error))
        g_error ("create: a checked child record was refused: %s", error->message);
    }
}

/* ---- the request -------------------------------------------------------------------- */

static gboolean
check_content_type (SoupServerMessage *msg)
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

/* The body as a JSON object, or NULL having answered 400. */
static JsonNode *
read_body (SoupServerMessage *msg)
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
                                    node_kind (root));
      return NULL;
    }
  return json_node_ref (root);
}

static void
respond_fail (SoupServerMessage *msg, Fail *f)
{
  mock_respond_dataverse_error (msg, f->status, f->code, "%s", f->message);
  g_clear_pointer (&f->message, g_free);
}

void
mock_create_handle (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *raw_query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (Plan) plan = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  g_autofree char *applied = NULL;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  Fail f = { 0, NULL, NULL };
  const char *given;

  query = mock_odata_query_parse (raw_query, &error);
  if (query == NULL || !mock_odata_query_check (query, MOCK_ODATA_SELECT, TRUE, &error) ||
      !mock_odata_select_validate (query, entity, &error) ||
      !mock_prefs_parse (&prefs, soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Prefer"),
                         &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (!entity->creatable)
    {
      if (!mock_dataverse_denied (self, msg, "POST", entity, "Create"))
        mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, CODE_NOT_IMPL,
                                      "The mock server does not implement POST on %s.", entity->entity_set);
      return;
    }
  if (!check_content_type (msg) || (body = read_body (msg)) == NULL)
    return;

  plan = plan_new (entity);
  if (!read_object (json_node_get_object (body), plan, FALSE, &f))
    {
      respond_fail (msg, &f);
      return;
    }
  if (!plan_allowed (self, msg, plan))
    return;
  if (!plan_check (self, plan, &f))
    {
      respond_fail (msg, &f);
      return;
    }

  /* The empty GUID asks the platform for a new one, as when the key is absent. */
  given = json_object_get_string_member_with_default (plan->values, entity->key, NULL);
  id = given && strcmp (given, "00000000-0000-0000-0000-000000000000") != 0 ? g_strdup (given) : mock_guid_new ();
  json_object_remove_member (plan->values, entity->key);
  if (mock_store_lookup (self->store, entity, id))
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_PRECONDITION_FAILED, CODE_DUPLICATE, "Cannot insert duplicate key.");
      return;
    }

  now = mock_now_iso8601 ();
  commit (self, plan, id, now);
  mock_routing_start (self, entity, id);

  applied = mock_prefs_applied (&prefs, TRUE, FALSE);
  if (prefs.return_representation)
    {
      g_autoptr (JsonObject) out = json_object_new ();
      g_autofree char *context = mock_dataverse_context_url (self, entity, query, TRUE);

      json_object_set_string_member (out, "@odata.context", context);
      mock_format_record (self->store, entity, mock_store_lookup (self->store, entity, id),
                          (const char *const *) query->select, &prefs, out);
      soup_message_headers_replace (response_headers, "Preference-Applied", applied);
      mock_respond_odata_object (msg, SOUP_STATUS_CREATED, out);
    }
  else
    {
      g_autofree char *entity_id = g_strdup_printf ("%s" MOCK_API_BASE "%s(%s)", self->url, entity->entity_set, id);

      soup_message_headers_replace (response_headers, "OData-EntityId", entity_id);
      mock_respond_empty (msg, SOUP_STATUS_NO_CONTENT);
      soup_message_headers_replace (response_headers, "OData-Version", "4.0");
    }
}
