/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-csdl.c — GET $metadata: the CSDL (OData 4.0 XML) service document.
 *
 * Generated from the same tables (mock-entities.c) and actions the mock
 * validates against, so the document and the behaviour cannot disagree:
 * every entity set with its columns (types, text lengths), keys, single- and
 * collection-valued navigation properties and their referential
 * constraints, the WhoAmI function, and the AddToQueue and
 * msdyn_ApplyRoutingRuleEntityRecord actions, as Dataverse describes them
 * (webapi/web-api-service-documents, webapi/web-api-types-operations). */
#include "mock-private.h"

#include <string.h>

#include "mock-response.h"

#define NS "Microsoft.Dynamics.CRM"

static void
add_bind_only_types (GString *xml)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Tables a navigation property may point at though the mock holds none
   * (accounts, teams): declared with their key so every type resolves. */
  for (guint i = 0; mock_entity_nth (i); i++)
    for (const MockNavigation *n = mock_entity_nth (i)->navigations; n && n->name; n++)
      for (const MockBindTarget *t = n->targets; t && t->entity_set; t++)
        if (mock_entity_by_name (t->logical_name) == NULL && g_hash_table_add (seen, (gpointer) t->logical_name))
          g_string_append_printf (xml,
                                  "<EntityType Name=\"%s\" BaseType=\"mscrm.crmbaseentity\"><Key><PropertyRef Name=\"%sid\"/></Key>"
                                  "<Property Name=\"%sid\" Type=\"Edm.Guid\" Nullable=\"false\"/></EntityType>\n",
                                  t->logical_name, t->logical_name, t->logical_name);
}

static const char *
target_type (const MockNavigation *nav)
{
  return nav->targets ? nav->targets[0].logical_name : "crmbaseentity";
}

static void
add_entity_type (GString *xml, const MockEntity *e)
{
  g_string_append_printf (xml, "<EntityType Name=\"%s\" BaseType=\"mscrm.crmbaseentity\">\n"
                               "<Key><PropertyRef Name=\"%s\"/></Key>\n", e->logical_name, e->key);
  for (const MockColumn *c = e->columns; c->name; c++)
    {
      g_string_append_printf (xml, "<Property Name=\"%s\" Type=\"%s\"", c->name, mock_column_type_edm (c->type));
      if (strcmp (c->name, e->key) == 0)
        g_string_append (xml, " Nullable=\"false\"");
      if (c->type == MOCK_COL_STRING && c->max_length)
        g_string_append_printf (xml, " MaxLength=\"%u\"", c->max_length);
      g_string_append (xml, "/>\n");
    }
  for (const MockNavigation *n = e->navigations; n && n->name; n++)
    {
      const MockEntity *target = n->targets ? mock_entity_by_name (n->targets[0].logical_name) : NULL;

      g_string_append_printf (xml, "<NavigationProperty Name=\"%s\" Type=\"mscrm.%s\"", n->name, target_type (n));
      if (n->column && n->targets)
        g_string_append_printf (xml, "><ReferentialConstraint Property=\"%s\" ReferencedProperty=\"%s\"/></NavigationProperty>\n",
                                n->column, target ? target->key : "id");
      else
        g_string_append (xml, "/>\n");
    }
  for (const MockCollection *c = e->collections; c && c->name; c++)
    g_string_append_printf (xml, "<NavigationProperty Name=\"%s\" Type=\"Collection(mscrm.%s)\"/>\n", c->name,
                            mock_entity_by_set (c->child_set)->logical_name);
  g_string_append (xml, "</EntityType>\n");
}

static void
add_entity_set (GString *xml, const MockEntity *e)
{
  g_string_append_printf (xml, "<EntitySet Name=\"%s\" EntityType=\"mscrm.%s\">", e->entity_set, e->logical_name);
  for (const MockNavigation *n = e->navigations; n && n->name; n++)
    if (n->targets && mock_entity_by_set (n->targets[0].entity_set))
      g_string_append_printf (xml, "<NavigationPropertyBinding Path=\"%s\" Target=\"%s\"/>", n->name,
                              n->targets[0].entity_set);
  for (const MockCollection *c = e->collections; c && c->name; c++)
    g_string_append_printf (xml, "<NavigationPropertyBinding Path=\"%s\" Target=\"%s\"/>", c->name, c->child_set);
  g_string_append (xml, "</EntitySet>\n");
}

/* The document, built once per request: small, and always the tables' truth. */
static char *
build_csdl (void)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                               "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n"
                               "<edmx:DataServices>\n"
                               "<Schema Namespace=\"" NS "\" Alias=\"mscrm\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n"
                               "<EntityType Name=\"crmbaseentity\" Abstract=\"true\"/>\n");

  for (guint i = 0; mock_entity_nth (i); i++)
    add_entity_type (xml, mock_entity_nth (i));
  add_bind_only_types (xml);
  g_string_append (xml,
                   "<ComplexType Name=\"WhoAmIResponse\">"
                   "<Property Name=\"BusinessUnitId\" Type=\"Edm.Guid\" Nullable=\"false\"/>"
                   "<Property Name=\"UserId\" Type=\"Edm.Guid\" Nullable=\"false\"/>"
                   "<Property Name=\"OrganizationId\" Type=\"Edm.Guid\" Nullable=\"false\"/></ComplexType>\n"
                   "<ComplexType Name=\"AddToQueueResponse\">"
                   "<Property Name=\"QueueItemId\" Type=\"Edm.Guid\" Nullable=\"false\"/></ComplexType>\n"
                   "<Function Name=\"WhoAmI\"><ReturnType Type=\"mscrm.WhoAmIResponse\" Nullable=\"false\"/></Function>\n"
                   "<Action Name=\"AddToQueue\" IsBound=\"true\">"
                   "<Parameter Name=\"entity\" Type=\"mscrm.queue\" Nullable=\"false\"/>"
                   "<Parameter Name=\"Target\" Type=\"mscrm.crmbaseentity\" Nullable=\"false\"/>"
                   "<Parameter Name=\"SourceQueue\" Type=\"mscrm.queue\"/>"
                   "<Parameter Name=\"QueueItemProperties\" Type=\"mscrm.queueitem\"/>"
                   "<ReturnType Type=\"mscrm.AddToQueueResponse\" Nullable=\"false\"/></Action>\n"
                   "<Action Name=\"msdyn_ApplyRoutingRuleEntityRecord\">"
                   "<Parameter Name=\"Target\" Type=\"mscrm.crmbaseentity\" Nullable=\"false\"/></Action>\n"
                   "<EntityContainer Name=\"System\">\n");
  for (guint i = 0; mock_entity_nth (i); i++)
    add_entity_set (xml, mock_entity_nth (i));
  g_string_append (xml,
                   "<FunctionImport Name=\"WhoAmI\" Function=\"mscrm.WhoAmI\" IncludeInServiceDocument=\"false\"/>\n"
                   "<ActionImport Name=\"msdyn_ApplyRoutingRuleEntityRecord\" Action=\"mscrm.msdyn_ApplyRoutingRuleEntityRecord\"/>\n"
                   "</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n");
  return g_string_free (xml, FALSE);
}

void
mock_metadata_csdl (MockServer *self, SoupServerMessage *msg, const char *raw_query)
{
  g_autofree char *xml = NULL;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }
  /* $metadata?annotations=true is how Dataverse offers its annotations; the mock has none to add. */
  if (raw_query && *raw_query && strcmp (raw_query, "annotations=true") != 0 && strcmp (raw_query, "annotations=false") != 0)
    {
      mock_respond_dataverse_error (msg, SOUP_STATUS_BAD_REQUEST, MOCK_ODATA_CODE,
                                    "The query '%s' is not supported on $metadata.", raw_query);
      return;
    }
  xml = build_csdl ();
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "OData-Version", "4.0");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}
