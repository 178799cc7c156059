/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-metadata.c — EntityDefinitions(LogicalName='<table>') and its
 * Attributes(LogicalName='<column>'), optionally cast to
 * Microsoft.Dynamics.CRM.{Picklist,MultiSelectPicklist,State,Status}AttributeMetadata
 * with $expand=OptionSet($select=Options) (or GlobalOptionSet).
 *
 * This is how a client reads a column's choices (Microsoft Learn:
 * webapi/query-metadata-web-api, "Retrieve attributes"). The options are the
 * ones the create and update checks use (mock-options.c), custom options of
 * the org included, so a client that reads them can never be told a value is
 * valid that the mock then refuses. Labels are en-US (1033), the language of
 * the mock's application user. */
#include "mock-private.h"

#include <string.h>

#include "mock-options.h"
#include "mock-response.h"
#include "mock-util.h"

#define NS "Microsoft.Dynamics.CRM."

/* A stable id for a metadata item, from its name. */
static char *
metadata_id (const char *kind, const char *name)
{
  g_autofree char *text = g_strconcat (kind, ":", name, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);

  return g_strdup_printf ("%.8s-%.4s-4%.3s-8%.3s-%.12s", sum, sum + 8, sum + 13, sum + 17, sum + 20);
}

static void
not_found (SoupServerMessage *msg, const char *what, const char *name)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x80040217", "Could not find %s with name '%s'.", what, name);
}

/* "(LogicalName='x')" → x; NULL when the key has another form. */
static char *
logical_name_key (const char *segment, const char *prefix)
{
  gsize len = strlen (segment), plen = strlen (prefix);

  if (!g_str_has_prefix (segment, prefix) || len < plen + 3 || strcmp (segment + len - 2, "')") != 0)
    return NULL;
  return g_strndup (segment + plen, len - plen - 2);
}

static const char *
attribute_kind (const MockColumn *c)
{
  if (strcmp (c->name, "statecode") == 0)
    return "State";
  if (strcmp (c->name, "statuscode") == 0)
    return "Status";
  if (c->options && (c->flags & MOCK_COL_MULTI))
    return "MultiSelectPicklist";
  if (c->options)
    return "Picklist";
  switch (c->type)
    {
    case MOCK_COL_STRING: return c->max_length > 4000 ? "Memo" : "String";
    case MOCK_COL_INT: return "Integer";
    case MOCK_COL_BIGINT: return "BigInt";
    case MOCK_COL_DECIMAL: return "Decimal";
    case MOCK_COL_BOOL: return "Boolean";
    case MOCK_COL_GUID: return "Uniqueidentifier";
    case MOCK_COL_LOOKUP: return "Lookup";
    case MOCK_COL_DATETIME: return "DateTime";
    default: return "Virtual";
    }
}

static JsonObject *
label_object (const char *text, const char *id_name)
{
  JsonObject *label = json_object_new ();
  JsonObject *local = json_object_new ();
  JsonArray *list = json_array_new ();
  g_autofree char *id = metadata_id ("label", id_name);

  json_object_set_string_member (local, "Label", text);
  json_object_set_int_member (local, "LanguageCode", 1033);
  json_object_set_boolean_member (local, "IsManaged", TRUE);
  json_object_set_string_member (local, "MetadataId", id);
  json_object_set_null_member (local, "HasChanged");
  json_array_add_object_element (list, json_object_ref (local));
  json_object_set_array_member (label, "LocalizedLabels", list);
  json_object_set_object_member (label, "UserLocalizedLabel", local);
  return label;
}

static JsonObject *
option_set (MockStore *store, const MockEntity *entity, const MockColumn *column, const char *const *select)
{
  g_autoptr (GPtrArray) options = mock_options_list (store, entity, column);
  g_autofree char *local_name = g_strconcat (entity->logical_name, "_", column->name, NULL);
  /* The channel column uses the global choice msdyn_streamsource; the others are the table's own. */
  gboolean is_global = strcmp (column->name, "msdyn_channel") == 0;
  const char *name = is_global ? "msdyn_streamsource" : local_name;
  g_autofree char *id = metadata_id ("optionset", name);
  JsonObject *set = json_object_new ();
  JsonArray *list = json_array_new ();

  json_object_set_string_member (set, "MetadataId", id);
  for (guint i = 0; select && select[i]; i++)
    if (strcmp (select[i], "Name") == 0)
      json_object_set_string_member (set, "Name", name);
    else if (strcmp (select[i], "IsGlobal") == 0)
      json_object_set_boolean_member (set, "IsGlobal", is_global);
    else if (strcmp (select[i], "OptionSetType") == 0)
      json_object_set_string_member (set, "OptionSetType", column->options == NULL ? "Picklist"
                                     : strcmp (column->name, "statecode") == 0 ? "State"
                                     : strcmp (column->name, "statuscode") == 0 ? "Status" : "Picklist");
  for (guint i = 0; i < options->len; i++)
    {
      const MockOption *o = g_ptr_array_index (options, i);
      g_autofree char *label_id = g_strdup_printf ("%s.%" G_GINT64_FORMAT, name, o->value);
      JsonObject *item = json_object_new ();
      JsonObject *description = json_object_new ();

      json_object_set_int_member (item, "Value", o->value);
      json_object_set_null_member (item, "Color");
      json_object_set_boolean_member (item, "IsManaged", TRUE);
      json_object_set_null_member (item, "ExternalValue");
      json_object_set_array_member (item, "ParentValues", json_array_new ());
      json_object_set_null_member (item, "Tag");
      json_object_set_boolean_member (item, "IsHidden", FALSE);
      json_object_set_null_member (item, "MetadataId");
      json_object_set_null_member (item, "HasChanged");
      if (strcmp (column->name, "statuscode") == 0)
        json_object_set_int_member (item, "State", o->state);
      json_object_set_object_member (item, "Label", label_object (o->label, label_id));
      json_object_set_array_member (description, "LocalizedLabels", json_array_new ());
      json_object_set_null_member (description, "UserLocalizedLabel");
      json_object_set_object_member (item, "Description", description);
      json_array_add_object_element (list, item);
    }
  json_object_set_array_member (set, "Options", list);
  return set;
}

static gboolean
unknown_property (SoupServerMessage *msg, const char *name, const char *type)
{
  mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                "Could not find a property named '%s' on type '%s'.", name, type);
  return FALSE;
}

static const char *const attribute_properties[] = {
  "LogicalName", "MetadataId", "SchemaName", "AttributeType", "EntityLogicalName", "IsValidForCreate",
  "IsValidForUpdate", "MaxLength", NULL
};

/* The expansions of an attribute answer: OptionSet and GlobalOptionSet. */
typedef struct {
  gboolean wanted[2];
  GStrv    select[2];   /* NULL: all */
} Expansions;

static const char *const expansion_names[2] = { "OptionSet", "GlobalOptionSet" };

static void
expansions_clear (Expansions *e)
{
  g_strfreev (e->select[0]);
  g_strfreev (e->select[1]);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Expansions, expansions_clear)

static gboolean
read_expand (SoupServerMessage *msg, const char *value, const char *type, gboolean has_options, Expansions *out)
{
  static const char *const set_properties[] = { "Options", "Name", "MetadataId", "IsGlobal", "OptionSetType", NULL };
  g_autoptr (GPtrArray) items = mock_odata_split_top (value, ',');

  if (items == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "Bad Request - Error in query syntax.");
      return FALSE;
    }
  for (guint i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);
      const char *inner = strchr (item, '(');
      g_autofree char *name = inner ? g_strndup (item, (gsize) (inner - item)) : g_strdup (item);
      guint k = strcmp (name, expansion_names[0]) == 0 ? 0 : strcmp (name, expansion_names[1]) == 0 ? 1 : 2;

      if (!has_options || k == 2)
        return unknown_property (msg, name, type);
      out->wanted[k] = TRUE;
      if (inner == NULL)
        continue;
      if (!g_str_has_prefix (inner, "($select=") || !g_str_has_suffix (inner, ")"))
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                        "The mock takes only '$select' inside the $expand of '%s'.", name);
          return FALSE;
        }
      {
        g_autofree char *list = g_strndup (inner + strlen ("($select="), strlen (inner) - strlen ("($select=") - 1);

        g_strfreev (out->select[k]);
        out->select[k] = g_strsplit (list, ",", -1);
        for (guint j = 0; out->select[k][j]; j++)
          if (!g_strv_contains (set_properties, g_strstrip (out->select[k][j])))
            return unknown_property (msg, out->select[k][j], NS "OptionSetMetadata");
      }
    }
  return TRUE;
}

/* Reads $select and $expand of an attribute request; FALSE having answered. */
static gboolean
read_attribute_query (SoupServerMessage *msg, const char *raw_query, const char *type, gboolean has_options,
                      GStrv *select, Expansions *expansions)
{
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GError) error = NULL;

  params = mock_query_parse (raw_query ? raw_query : "", &error);
  if (params == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE, "Bad Request - Error in query syntax.");
      return FALSE;
    }
  for (guint i = 0; i < params->len; i++)
    {
      MockParam *p = g_ptr_array_index (params, i);

      if (strcmp (p->name, "$select") == 0)
        {
          g_strfreev (*select);
          *select = g_strsplit (p->value, ",", -1);
          for (guint j = 0; (*select)[j]; j++)
            if (!g_strv_contains (attribute_properties, g_strstrip ((*select)[j])))
              return unknown_property (msg, (*select)[j], type);
        }
      else if (strcmp (p->name, "$expand") == 0)
        {
          if (!read_expand (msg, p->value, type, has_options, expansions))
            return FALSE;
        }
      else
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                        "The query parameter '%s' is not supported on attribute metadata by the mock.", p->name);
          return FALSE;
        }
    }
  return TRUE;
}

static void
respond_attribute (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const MockColumn *column,
                   const char *cast, const char *raw_query)
{
  g_auto (GStrv) select = NULL;
  g_auto (Expansions) expansions = { { FALSE, FALSE }, { NULL, NULL } };
  g_autofree char *type = g_strdup_printf (NS "%sAttributeMetadata", cast ? attribute_kind (column) : "");
  g_autofree char *id = NULL, *context = NULL;
  g_autoptr (JsonObject) out = json_object_new ();

  if (!read_attribute_query (msg, raw_query, type, cast && column->options, &select, &expansions))
    return;
  {
    g_autofree char *qualified = g_strconcat (entity->logical_name, ".", column->name, NULL);

    id = metadata_id ("attribute", qualified);
  }
  context = g_strdup_printf ("%s" MOCK_API_BASE "$metadata#EntityDefinitions('%s')/Attributes%s%s/$entity", self->url,
                             entity->logical_name, cast ? "/" : "", cast ? type : "");
  json_object_set_string_member (out, "@odata.context", context);
  for (guint i = 0; attribute_properties[i]; i++)
    {
      const char *p = attribute_properties[i];

      if (select && !g_strv_contains ((const char *const *) select, p) && strcmp (p, "MetadataId") != 0)
        continue;
      if (strcmp (p, "LogicalName") == 0)
        json_object_set_string_member (out, p, column->name);
      else if (strcmp (p, "MetadataId") == 0)
        json_object_set_string_member (out, p, id);
      else if (strcmp (p, "SchemaName") == 0 || strcmp (p, "EntityLogicalName") == 0)
        json_object_set_string_member (out, p, strcmp (p, "SchemaName") == 0 ? column->name : entity->logical_name);
      else if (strcmp (p, "AttributeType") == 0)
        json_object_set_string_member (out, p, attribute_kind (column));
      else if (strcmp (p, "IsValidForCreate") == 0)
        json_object_set_boolean_member (out, p, (column->flags & MOCK_COL_CREATE) != 0);
      else if (strcmp (p, "IsValidForUpdate") == 0)
        json_object_set_boolean_member (out, p, (column->flags & (MOCK_COL_CREATE | MOCK_COL_UPDATE)) != 0);
      else if (strcmp (p, "MaxLength") == 0 && column->type == MOCK_COL_STRING)
        json_object_set_int_member (out, p, column->max_length);
    }
  /* OptionSet is the column's choice; GlobalOptionSet is the same when the
   * choice is global, and null for a table's own choice, as in Dataverse. */
  for (guint k = 0; k < 2; k++)
    if (expansions.wanted[k] && k == 1 && strcmp (column->name, "msdyn_channel") != 0)
      json_object_set_null_member (out, expansion_names[k]);
    else if (expansions.wanted[k])
      json_object_set_object_member (out, expansion_names[k],
                                     option_set (self->store, entity, column, (const char *const *) expansions.select[k]));
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
}

static void
respond_entity (MockServer *self, SoupServerMessage *msg, const MockEntity *entity)
{
  g_autoptr (JsonObject) out = json_object_new ();
  g_autofree char *id = metadata_id ("entity", entity->logical_name);
  g_autofree char *context = g_strdup_printf ("%s" MOCK_API_BASE "$metadata#EntityDefinitions/$entity", self->url);

  json_object_set_string_member (out, "@odata.context", context);
  json_object_set_string_member (out, "MetadataId", id);
  json_object_set_string_member (out, "LogicalName", entity->logical_name);
  json_object_set_string_member (out, "EntitySetName", entity->entity_set);
  json_object_set_string_member (out, "PrimaryIdAttribute", entity->key);
  if (entity->primary_name)
    json_object_set_string_member (out, "PrimaryNameAttribute", entity->primary_name);
  json_object_set_int_member (out, "ObjectTypeCode", entity->otc);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
}

void
mock_metadata_entity_definitions (MockServer *self, SoupServerMessage *msg, const char *resource,
                                  const char *raw_query)
{
  g_auto (GStrv) segments = g_strsplit (resource, "/", -1);
  g_autofree char *table = NULL, *column_name = NULL;
  const MockEntity *entity;
  const MockColumn *column;
  const char *cast = NULL;
  guint n = g_strv_length (segments);

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }
  table = logical_name_key (segments[0], "EntityDefinitions(LogicalName='");
  if (table == NULL || n > 3)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216",
                                    "The mock server serves EntityDefinitions(LogicalName='<table>') and its "
                                    "Attributes(LogicalName='<column>') only.");
      return;
    }
  entity = mock_entity_by_name (table);
  if (entity == NULL)
    {
      not_found (msg, "an entity", table);
      return;
    }
  if (n == 1)
    {
      if (raw_query && *raw_query)
        mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216",
                                      "The mock server does not implement query options on EntityDefinitions.");
      else
        respond_entity (self, msg, entity);
      return;
    }
  column_name = logical_name_key (segments[1], "Attributes(LogicalName='");
  if (column_name == NULL)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "0x80040216",
                                    "The mock server serves Attributes(LogicalName='<column>') only.");
      return;
    }
  column = mock_entity_column (entity, column_name);
  if (column == NULL)
    {
      not_found (msg, "an attribute", column_name);
      return;
    }
  if (n == 3)
    {
      g_autofree char *want = g_strdup_printf (NS "%sAttributeMetadata", attribute_kind (column));

      cast = segments[2];
      if (strcmp (cast, want) != 0)
        {
          mock_respond_dataverse_error (msg, SOUP_STATUS_NOT_FOUND, "0x8006088a",
                                        "Resource not found for the segment '%s'.", cast);
          return;
        }
    }
  respond_attribute (self, msg, entity, column, cast, raw_query);
}
