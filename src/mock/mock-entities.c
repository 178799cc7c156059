/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-entities.c — column lists of the tables the mock serves.
 *
 * Only columns listed here exist: $select, $filter and (later) request bodies
 * naming anything else get the same 400 as real Dataverse gives for an unknown
 * property. Names come from the Microsoft table references quoted in
 * research/dataverse.md. Add a table here and the generic collection and
 * by-key GETs serve it. */
#include "mock-entities.h"

#include <string.h>

#define COMMON_AUDIT \
  { "createdon", MOCK_COL_DATETIME, NULL }, \
  { "modifiedon", MOCK_COL_DATETIME, NULL }, \
  { "_createdby_value", MOCK_COL_LOOKUP, "systemuser" }, \
  { "_modifiedby_value", MOCK_COL_LOOKUP, "systemuser" }, \
  { "versionnumber", MOCK_COL_BIGINT, NULL }

static const MockColumn liveworkstream_columns[] = {
  { "msdyn_liveworkstreamid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  { "msdyn_streamsource", MOCK_COL_INT, NULL },
  { "msdyn_workdistributionmode", MOCK_COL_INT, NULL },
  { "msdyn_direction", MOCK_COL_INT, NULL },
  { "msdyn_conversationmode", MOCK_COL_INT, NULL },
  { "msdyn_capacityrequired", MOCK_COL_INT, NULL },
  { "_msdyn_defaultqueue_value", MOCK_COL_LOOKUP, "queue" },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn liveworkitem_columns[] = {
  { "activityid", MOCK_COL_GUID, NULL },
  { "subject", MOCK_COL_STRING, NULL },
  { "msdyn_title", MOCK_COL_STRING, NULL },
  { "description", MOCK_COL_STRING, NULL },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  { "msdyn_statuschangereason", MOCK_COL_INT, NULL },
  { "msdyn_statereason", MOCK_COL_STRING, NULL },
  { "msdyn_channel", MOCK_COL_STRING, NULL },
  { "msdyn_ocliveworkitemid", MOCK_COL_STRING, NULL },
  { "msdyn_isagentsession", MOCK_COL_BOOL, NULL },
  { "prioritycode", MOCK_COL_INT, NULL },
  { "_msdyn_liveworkstreamid_value", MOCK_COL_LOOKUP, "msdyn_liveworkstream" },
  { "_msdyn_cdsqueueid_value", MOCK_COL_LOOKUP, "queue" },
  { "_msdyn_activeagentid_value", MOCK_COL_LOOKUP, "systemuser" },
  { "_msdyn_customer_value", MOCK_COL_LOOKUP, "contact" },
  { "_regardingobjectid_value", MOCK_COL_LOOKUP, NULL },
  { "_msdyn_issueid_value", MOCK_COL_LOOKUP, "incident" },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  { "msdyn_activeagentassignedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_createdon", MOCK_COL_DATETIME, NULL },
  { "msdyn_modifiedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_startedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_statusupdatedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_wrapupinitiatedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_closedon", MOCK_COL_DATETIME, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn contextitem_columns[] = {
  { "msdyn_ocliveworkitemcontextitemid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL },
  { "msdyn_value", MOCK_COL_STRING, NULL },
  { "msdyn_isdisplayable", MOCK_COL_BOOL, NULL },
  { "msdyn_datatype", MOCK_COL_INT, NULL },
  { "_msdyn_ocliveworkitemid_value", MOCK_COL_LOOKUP, "msdyn_ocliveworkitem" },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn annotation_columns[] = {
  { "annotationid", MOCK_COL_GUID, NULL },
  { "subject", MOCK_COL_STRING, NULL },
  { "notetext", MOCK_COL_STRING, NULL },
  { "objecttypecode", MOCK_COL_STRING, NULL },
  { "isdocument", MOCK_COL_BOOL, NULL },
  { "_objectid_value", MOCK_COL_LOOKUP, NULL },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn contact_columns[] = {
  { "contactid", MOCK_COL_GUID, NULL },
  { "firstname", MOCK_COL_STRING, NULL },
  { "lastname", MOCK_COL_STRING, NULL },
  { "fullname", MOCK_COL_STRING, NULL },
  { "emailaddress1", MOCK_COL_STRING, NULL },
  { "mobilephone", MOCK_COL_STRING, NULL },
  { "telephone1", MOCK_COL_STRING, NULL },
  { "description", MOCK_COL_STRING, NULL },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn incident_columns[] = {
  { "incidentid", MOCK_COL_GUID, NULL },
  { "title", MOCK_COL_STRING, NULL },
  { "description", MOCK_COL_STRING, NULL },
  { "ticketnumber", MOCK_COL_STRING, NULL },
  { "prioritycode", MOCK_COL_INT, NULL },
  { "caseorigincode", MOCK_COL_INT, NULL },
  { "casetypecode", MOCK_COL_INT, NULL },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  { "_customerid_value", MOCK_COL_LOOKUP, "contact" },
  { "_primarycontactid_value", MOCK_COL_LOOKUP, "contact" },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn queue_columns[] = {
  { "queueid", MOCK_COL_GUID, NULL },
  { "name", MOCK_COL_STRING, NULL },
  { "msdyn_isomnichannelqueue", MOCK_COL_BOOL, NULL },
  { "msdyn_queuetype", MOCK_COL_INT, NULL },
  { "statecode", MOCK_COL_INT, NULL },
  { "statuscode", MOCK_COL_INT, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn systemuser_columns[] = {
  { "systemuserid", MOCK_COL_GUID, NULL },
  { "fullname", MOCK_COL_STRING, NULL },
  { "firstname", MOCK_COL_STRING, NULL },
  { "lastname", MOCK_COL_STRING, NULL },
  { "internalemailaddress", MOCK_COL_STRING, NULL },
  { "applicationid", MOCK_COL_GUID, NULL },
  { "azureactivedirectoryobjectid", MOCK_COL_GUID, NULL },
  { "isdisabled", MOCK_COL_BOOL, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

/* Object type codes: the system tables' are fixed by Dataverse; custom
 * (msdyn_) tables get org-specific codes above 10000 — these are plausible. */
static const MockEntity entities[] = {
  { "msdyn_liveworkstream", "msdyn_liveworkstreams", "msdyn_liveworkstreamid", "msdyn_name", 10697, liveworkstream_columns },
  { "msdyn_ocliveworkitem", "msdyn_ocliveworkitems", "activityid", "subject", 10717, liveworkitem_columns },
  { "msdyn_ocliveworkitemcontextitem", "msdyn_ocliveworkitemcontextitems", "msdyn_ocliveworkitemcontextitemid", "msdyn_name", 10718, contextitem_columns },
  { "annotation", "annotations", "annotationid", "subject", 5, annotation_columns },
  { "contact", "contacts", "contactid", "fullname", 2, contact_columns },
  { "incident", "incidents", "incidentid", "title", 112, incident_columns },
  { "queue", "queues", "queueid", "name", 2020, queue_columns },
  { "systemuser", "systemusers", "systemuserid", "fullname", 8, systemuser_columns },
};

const MockEntity *
mock_entity_nth (guint index)
{
  return index < G_N_ELEMENTS (entities) ? &entities[index] : NULL;
}

const MockEntity *
mock_entity_by_set (const char *entity_set)
{
  /* Entity set names are case-sensitive in OData URLs. */
  for (guint i = 0; entity_set && i < G_N_ELEMENTS (entities); i++)
    if (strcmp (entities[i].entity_set, entity_set) == 0)
      return &entities[i];
  return NULL;
}

const MockEntity *
mock_entity_by_name (const char *logical_name)
{
  for (guint i = 0; logical_name && i < G_N_ELEMENTS (entities); i++)
    if (strcmp (entities[i].logical_name, logical_name) == 0)
      return &entities[i];
  return NULL;
}

const MockColumn *
mock_entity_column (const MockEntity *entity, const char *name)
{
  for (const MockColumn *c = entity->columns; name && c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

const char *
mock_column_type_edm (MockColumnType type)
{
  switch (type)
    {
    case MOCK_COL_STRING: return "Edm.String";
    case MOCK_COL_INT: return "Edm.Int32";
    case MOCK_COL_BIGINT: return "Edm.Int64";
    case MOCK_COL_DECIMAL: return "Edm.Decimal";
    case MOCK_COL_BOOL: return "Edm.Boolean";
    case MOCK_COL_GUID:
    case MOCK_COL_LOOKUP: return "Edm.Guid";
    case MOCK_COL_DATETIME: return "Edm.DateTimeOffset";
    default: return "Edm.Untyped";
    }
}
