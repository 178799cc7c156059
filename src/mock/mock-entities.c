/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-entities.c — column lists of the tables the mock serves.
 *
 * Only columns listed here exist: $select, $filter, $orderby and request
 * bodies naming anything else get the same 400 as real Dataverse gives for an
 * unknown property. Names, lengths and choice values come from the Microsoft
 * table references quoted in research/dataverse.md. Add a table here and the
 * generic collection and by-key GETs serve it; columns flagged MOCK_COL_CREATE
 * and the navigation properties are what a POST may send. */
#include "mock-entities.h"

#include <string.h>

#define COMMON_AUDIT \
  { "createdon", MOCK_COL_DATETIME, NULL }, \
  { "modifiedon", MOCK_COL_DATETIME, NULL }, \
  { "_createdby_value", MOCK_COL_LOOKUP, "systemuser" }, \
  { "_modifiedby_value", MOCK_COL_LOOKUP, "systemuser" }, \
  { "versionnumber", MOCK_COL_BIGINT, NULL }

#define C MOCK_COL_CREATE
#define R MOCK_COL_REQUIRED
#define U MOCK_COL_UPDATE

/* ---- choices (option sets), values and labels from research/dataverse.md ---- */

static const MockOption active_state[] = { { 0, "Active" }, { 1, "Inactive" }, { 0, NULL } };
static const MockOption active_status[] = { { 1, "Active", 0 }, { 2, "Inactive", 1 }, { 0, NULL } };

static const MockOption conversation_state[] = {
  { 0, "Open" }, { 1, "Closed" }, { 2, "Resolved" }, { 3, "Scheduled" }, { 4, "Wrap-up (Deprecated)" }, { 0, NULL }
};
static const MockOption conversation_status[] = {
  { 1, "Open", 0 }, { 2, "Active", 0 }, { 3, "Waiting", 0 }, { 4, "Closed", 1 }, { 5, "Wrap-up", 0 },
  { 6, "Resolved", 2 }, { 7, "Scheduled", 3 }, { 0, NULL }
};
static const MockOption status_change_reason[] = {
  { 192350001, "AwaitingAgentAssignment" }, { 192350002, "AwaitingAgentAcceptance" },
  { 192350003, "InConversation" }, { 192350004, "AwaitingCustomerResponse" },
  { 192350005, "AgentMovedToWrapUp" }, { 192350006, "CustomerDisconnectedOrLeftActiveConversation" },
  { 192350007, "CutomerMovedToWrapUp" }, { 192350008, "ConversationEndedByAgent" },
  { 192350009, "AutoClosedFromWaitingState" }, { 192350010, "AutoClosedBySystem" },
  { 192350011, "ClosedDueToOverflow" }, { 192350012, "CustomerDisconnectedOrLeftOpenConversation" },
  { 192350013, "ConversationEndedByBot" }, { 192350014, "ClosedDueToFailure" },
  { 192350015, "ForceClosedBySupervisor" }, { 192350016, "ClosedInDataverseDirectlyByAdmin" },
  { 192350017, "AssignedBySupervisor" }, { 0, NULL }
};
static const MockOption stream_source[] = {
  { 19241000, "Microsoft Teams" }, { 192300000, "WhatsApp" }, { 192310000, "LINE" }, { 192320000, "WeChat" },
  { 192330000, "Facebook" }, { 192340000, "SMS" }, { 192350000, "Entity Records" }, { 192350001, "Twitter" },
  { 192350002, "Custom" }, { 192360000, "Live chat" }, { 192370000, "Voice" }, { 192380000, "Video" },
  { 192390000, "Co-browse" }, { 192400000, "Screen sharing" }, { 192440000, "Voice call" },
  { 192450000, "Apple Messages for Business" }, { 192450001, "Google's Business Messages" }, { 0, NULL }
};
static const MockOption conversation_priority[] = { { 0, "Low" }, { 1, "Normal" }, { 2, "High" }, { 0, NULL } };
static const MockOption distribution_mode[] = { { 192350000, "Push" }, { 192350001, "Pick" }, { 0, NULL } };
static const MockOption direction[] = {
  { 0, "Inbound" }, { 1, "Outbound" }, { 2, "Direct Inbound" }, { 3, "Direct Outbound" }, { 0, NULL }
};
static const MockOption conversation_mode[] = { { 192350000, "Live Chat" }, { 192350001, "Persistent Chat" }, { 0, NULL } };
static const MockOption context_datatype[] = {
  { 192350000, "Text" }, { 192350001, "Number" }, { 192350100, "Entity Reference" }, { 0, NULL }
};
static const MockOption incident_state[] = { { 0, "Active" }, { 1, "Resolved" }, { 2, "Cancelled" }, { 0, NULL } };
static const MockOption incident_status[] = {
  { 1, "In Progress", 0 }, { 2, "On Hold", 0 }, { 3, "Waiting for Details", 0 }, { 4, "Researching", 0 },
  { 5, "Problem Solved", 1 }, { 1000, "Information Provided", 1 }, { 6, "Cancelled", 2 }, { 2000, "Merged", 2 },
  { 0, NULL }
};
/* Out of the box 1–3 (the incident table reference); OpenCX's 1–4 needs a
 * customised org, which a seed's "option_sets" or /_mock/option-sets models. */
static const MockOption incident_priority[] = {
  { 1, "High" }, { 2, "Normal" }, { 3, "Low" }, { 0, NULL }
};
static const MockOption case_origin[] = {
  { 1, "Phone" }, { 2, "Email" }, { 3, "Web" }, { 2483, "Facebook" }, { 3986, "Twitter" }, { 700610000, "IoT" },
  { 0, NULL }
};
static const MockOption case_type[] = { { 1, "Question" }, { 2, "Problem" }, { 3, "Request" }, { 0, NULL } };
static const MockOption queue_type[] = {
  { 192350000, "Messaging" }, { 192350001, "Entity" }, { 192350002, "Voice" }, { 0, NULL }
};

/* msdyn_presence.msdyn_basepresencestatus (global choice msdyn_basepresencestatus) */
static const MockOption base_presence[] = {
  { 192360000, "Available" }, { 192360001, "Busy" }, { 192360002, "Busy - DND" }, { 192360003, "Away" },
  { 192360004, "Offline" }, { 0, NULL }
};

/* ---- bind targets ---- */

static const MockBindTarget to_workstreams[] = { { "msdyn_liveworkstreams", "msdyn_liveworkstream" }, { NULL, NULL } };
static const MockBindTarget to_contacts[] = { { "contacts", "contact" }, { NULL, NULL } };
static const MockBindTarget to_accounts[] = { { "accounts", "account" }, { NULL, NULL } };
static const MockBindTarget to_queues[] = { { "queues", "queue" }, { NULL, NULL } };
static const MockBindTarget to_users[] = { { "systemusers", "systemuser" }, { NULL, NULL } };
static const MockBindTarget to_owners[] = { { "systemusers", "systemuser" }, { "teams", "team" }, { NULL, NULL } };
static const MockBindTarget to_incidents[] = { { "incidents", "incident" }, { NULL, NULL } };
static const MockBindTarget to_conversations[] = { { "msdyn_ocliveworkitems", "msdyn_ocliveworkitem" }, { NULL, NULL } };

/* ---- tables ---- */

static const MockColumn liveworkstream_columns[] = {
  { "msdyn_liveworkstreamid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL, 100 },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status },
  { "msdyn_streamsource", MOCK_COL_INT, NULL, 0, stream_source },
  { "msdyn_workdistributionmode", MOCK_COL_INT, NULL, 0, distribution_mode },
  { "msdyn_direction", MOCK_COL_INT, NULL, 0, direction },
  { "msdyn_conversationmode", MOCK_COL_INT, NULL, 0, conversation_mode },
  { "msdyn_capacityrequired", MOCK_COL_INT, NULL },
  { "_msdyn_defaultqueue_value", MOCK_COL_LOOKUP, "queue" },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn liveworkitem_columns[] = {
  { "activityid", MOCK_COL_GUID, NULL, 0, NULL, C },
  { "subject", MOCK_COL_STRING, NULL, 200, NULL, C | R },
  { "msdyn_title", MOCK_COL_STRING, NULL, 4000, NULL, C },
  { "description", MOCK_COL_STRING, NULL, 2000, NULL, C },
  { "statecode", MOCK_COL_INT, NULL, 0, conversation_state, U },
  { "statuscode", MOCK_COL_INT, NULL, 0, conversation_status, C | U },
  { "msdyn_statuschangereason", MOCK_COL_INT, NULL, 0, status_change_reason },
  { "msdyn_statereason", MOCK_COL_STRING, NULL, 4000 },
  { "msdyn_channel", MOCK_COL_STRING, NULL, 0, stream_source, C | MOCK_COL_MULTI },
  { "msdyn_ocliveworkitemid", MOCK_COL_STRING, NULL, 100 },
  { "msdyn_isagentsession", MOCK_COL_BOOL, NULL },
  { "prioritycode", MOCK_COL_INT, NULL, 0, conversation_priority },
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
  /* metric columns (Learn: "Calculate conversation metrics"), read-only */
  { "msdyn_firstwaitstartedon", MOCK_COL_DATETIME, NULL },
  { "msdyn_conversationfirstwaittimeinseconds", MOCK_COL_INT, NULL },
  { "msdyn_conversationhandletimeinseconds", MOCK_COL_INT, NULL },
  { "msdyn_conversationwrapuptimeinseconds", MOCK_COL_INT, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

/* Navigation properties from research/dataverse.md §1.5; those the mock does
 * not model answer 501 rather than pretending they do not exist. */
static const MockNavigation liveworkitem_navigations[] = {
  { "msdyn_liveworkstreamid_msdyn_ocliveworkitem", "_msdyn_liveworkstreamid_value", to_workstreams, TRUE },
  { "msdyn_customer_msdyn_ocliveworkitem_contact", "_msdyn_customer_value", to_contacts, TRUE },
  { "msdyn_customer_msdyn_ocliveworkitem_account", "_msdyn_customer_value", to_accounts, TRUE },
  { "msdyn_cdsqueueid_msdyn_ocliveworkitem", "_msdyn_cdsqueueid_value", to_queues, TRUE },
  { "msdyn_activeagentid_msdyn_ocliveworkitem", "_msdyn_activeagentid_value", to_users, TRUE },
  { "msdyn_IssueId_msdyn_ocliveworkitem", "_msdyn_issueid_value", to_incidents, TRUE },
  { "ownerid_msdyn_ocliveworkitem", "_ownerid_value", to_owners, TRUE },
  { "regardingobjectid_contact_msdyn_ocliveworkitem", "_regardingobjectid_value", to_contacts, FALSE },
  { "regardingobjectid_account_msdyn_ocliveworkitem", "_regardingobjectid_value", to_accounts, FALSE },
  { "regardingobjectid_incident_msdyn_ocliveworkitem", "_regardingobjectid_value", to_incidents, FALSE },
  { "msdyn_queueid_msdyn_ocliveworkitem", NULL, NULL, FALSE },
  { "msdyn_lastsessionid_msdyn_ocliveworkitem", NULL, NULL, FALSE },
  { "msdyn_channelinstanceid", NULL, NULL, FALSE },
  { "msdyn_customerlanguageid_msdyn_ocliveworkitem", NULL, NULL, FALSE },
  { "msdyn_externalcontext_msdyn_ocliveworkitem", NULL, NULL, FALSE },
  { NULL, NULL, NULL, FALSE }
};

static const MockCollection liveworkitem_collections[] = {
  { "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid",
    "msdyn_ocliveworkitemcontextitems", "_msdyn_ocliveworkitemid_value", NULL },
  { "msdyn_ocliveworkitem_Annotations", "annotations", "_objectid_value", "objecttypecode" },
  { NULL, NULL, NULL, NULL }
};

static const MockColumn contextitem_columns[] = {
  { "msdyn_ocliveworkitemcontextitemid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL, 100, NULL, C | R },
  { "msdyn_value", MOCK_COL_STRING, NULL, 4000, NULL, C },
  { "msdyn_isdisplayable", MOCK_COL_BOOL, NULL, 0, NULL, C },
  { "msdyn_datatype", MOCK_COL_INT, NULL, 0, context_datatype },
  { "_msdyn_ocliveworkitemid_value", MOCK_COL_LOOKUP, "msdyn_ocliveworkitem" },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state, U },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status, C | U },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockNavigation contextitem_navigations[] = {
  { "msdyn_ocliveworkitemid", "_msdyn_ocliveworkitemid_value", to_conversations, TRUE },
  { NULL, NULL, NULL, FALSE }
};

static const MockColumn annotation_columns[] = {
  { "annotationid", MOCK_COL_GUID, NULL },
  { "subject", MOCK_COL_STRING, NULL, 500, NULL, C },
  { "notetext", MOCK_COL_STRING, NULL, 100000, NULL, C },
  { "objecttypecode", MOCK_COL_STRING, NULL },
  { "isdocument", MOCK_COL_BOOL, NULL },
  { "_objectid_value", MOCK_COL_LOOKUP, NULL },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn contact_columns[] = {
  { "contactid", MOCK_COL_GUID, NULL, 0, NULL, C },
  { "firstname", MOCK_COL_STRING, NULL, 50, NULL, C },
  { "lastname", MOCK_COL_STRING, NULL, 50, NULL, C },
  { "fullname", MOCK_COL_STRING, NULL, 160 },
  { "emailaddress1", MOCK_COL_STRING, NULL, 100, NULL, C },
  { "mobilephone", MOCK_COL_STRING, NULL, 50, NULL, C },
  { "telephone1", MOCK_COL_STRING, NULL, 50 },
  { "description", MOCK_COL_STRING, NULL, 2000, NULL, C },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state, U },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status, C | U },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockNavigation contact_navigations[] = {
  { "ownerid", "_ownerid_value", to_owners, TRUE },
  { NULL, NULL, NULL, FALSE }
};

static const MockColumn incident_columns[] = {
  { "incidentid", MOCK_COL_GUID, NULL, 0, NULL, C },
  { "title", MOCK_COL_STRING, NULL, 200, NULL, C | R },
  { "description", MOCK_COL_STRING, NULL, 2000, NULL, C },
  { "ticketnumber", MOCK_COL_STRING, NULL, 100 },
  { "prioritycode", MOCK_COL_INT, NULL, 0, incident_priority, C },
  { "caseorigincode", MOCK_COL_INT, NULL, 0, case_origin, C },
  { "casetypecode", MOCK_COL_INT, NULL, 0, case_type, C },
  { "statecode", MOCK_COL_INT, NULL, 0, incident_state, U },
  { "statuscode", MOCK_COL_INT, NULL, 0, incident_status, C | U },
  { "_customerid_value", MOCK_COL_LOOKUP, "contact" },
  { "_primarycontactid_value", MOCK_COL_LOOKUP, "contact" },
  { "_ownerid_value", MOCK_COL_LOOKUP, "systemuser" },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockNavigation incident_navigations[] = {
  { "customerid_contact", "_customerid_value", to_contacts, TRUE },
  { "customerid_account", "_customerid_value", to_accounts, TRUE },
  { "primarycontactid", "_primarycontactid_value", to_contacts, TRUE },
  { "ownerid", "_ownerid_value", to_owners, TRUE },
  { NULL, NULL, NULL, FALSE }
};

static const MockColumn queue_columns[] = {
  { "queueid", MOCK_COL_GUID, NULL },
  { "name", MOCK_COL_STRING, NULL, 200 },
  { "msdyn_isomnichannelqueue", MOCK_COL_BOOL, NULL },
  { "msdyn_queuetype", MOCK_COL_INT, NULL, 0, queue_type },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn queueitem_columns[] = {
  { "queueitemid", MOCK_COL_GUID, NULL },
  { "title", MOCK_COL_STRING, NULL, 300 },
  { "objecttypecode", MOCK_COL_STRING, NULL },
  { "_queueid_value", MOCK_COL_LOOKUP, "queue" },
  { "_objectid_value", MOCK_COL_LOOKUP, NULL },
  { "_workerid_value", MOCK_COL_LOOKUP, "systemuser" },
  { "enteredon", MOCK_COL_DATETIME, NULL },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

/* Queue members (Dataverse's N:N queuemembership_association), read through
 * $expand on queues; the intersect rows themselves are readable too. */
static const MockCollection queue_collections[] = {
  { "queuemembership_association", "systemusers", "queueid", NULL, "queuememberships", "systemuserid" },
  { NULL, NULL, NULL, NULL, NULL, NULL }
};

static const MockColumn queuemembership_columns[] = {
  { "queuemembershipid", MOCK_COL_GUID, NULL },
  { "queueid", MOCK_COL_GUID, NULL },
  { "systemuserid", MOCK_COL_GUID, NULL },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

/* One row per rep (msdyn_agentstatus table reference, research/dataverse.md §10.2). */
static const MockColumn agentstatus_columns[] = {
  { "msdyn_agentstatusid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL, 100 },
  { "_msdyn_agentid_value", MOCK_COL_LOOKUP, "systemuser" },
  { "_msdyn_currentpresenceid_value", MOCK_COL_LOOKUP, "msdyn_presence" },
  { "msdyn_isagentloggedin", MOCK_COL_BOOL, NULL },
  { "msdyn_availableunitscapacity", MOCK_COL_INT, NULL },
  { "msdyn_isblockedbysomeprofile", MOCK_COL_BOOL, NULL },
  { "msdyn_presencemodifiedon", MOCK_COL_DATETIME, NULL },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn presence_columns[] = {
  { "msdyn_presenceid", MOCK_COL_GUID, NULL },
  { "msdyn_name", MOCK_COL_STRING, NULL, 100 },
  { "msdyn_presencestatustext", MOCK_COL_STRING, NULL, 100 },
  { "msdyn_basepresencestatus", MOCK_COL_INT, NULL, 0, base_presence },
  { "msdyn_canuserset", MOCK_COL_BOOL, NULL },
  { "statecode", MOCK_COL_INT, NULL, 0, active_state },
  { "statuscode", MOCK_COL_INT, NULL, 0, active_status },
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

static const MockColumn systemuser_columns[] = {
  { "systemuserid", MOCK_COL_GUID, NULL },
  { "fullname", MOCK_COL_STRING, NULL, 200 },
  { "firstname", MOCK_COL_STRING, NULL, 64 },
  { "lastname", MOCK_COL_STRING, NULL, 64 },
  { "internalemailaddress", MOCK_COL_STRING, NULL, 100 },
  { "applicationid", MOCK_COL_GUID, NULL },
  { "azureactivedirectoryobjectid", MOCK_COL_GUID, NULL },
  { "isdisabled", MOCK_COL_BOOL, NULL },
  { "msdyn_capacity", MOCK_COL_INT, NULL },   /* the rep's units of capacity (Omnichannel) */
  COMMON_AUDIT,
  { NULL, 0, NULL }
};

#undef C
#undef R
#undef U

/* Object type codes: the system tables' are fixed by Dataverse; custom
 * (msdyn_) tables get org-specific codes above 10000 — these are plausible. */
static const MockEntity entities[] = {
  { "msdyn_liveworkstream", "msdyn_liveworkstreams", "msdyn_liveworkstreamid", "msdyn_name", 10697,
    liveworkstream_columns, NULL, NULL, FALSE },
  { "msdyn_ocliveworkitem", "msdyn_ocliveworkitems", "activityid", "subject", 10717,
    liveworkitem_columns, liveworkitem_navigations, liveworkitem_collections, TRUE },
  { "msdyn_ocliveworkitemcontextitem", "msdyn_ocliveworkitemcontextitems", "msdyn_ocliveworkitemcontextitemid",
    "msdyn_name", 10718, contextitem_columns, contextitem_navigations, NULL, TRUE },
  { "annotation", "annotations", "annotationid", "subject", 5, annotation_columns, NULL, NULL, FALSE },
  { "contact", "contacts", "contactid", "fullname", 2, contact_columns, contact_navigations, NULL, TRUE },
  { "incident", "incidents", "incidentid", "title", 112, incident_columns, incident_navigations, NULL, TRUE },
  { "queue", "queues", "queueid", "name", 2020, queue_columns, NULL, queue_collections, FALSE },
  { "queuemembership", "queuememberships", "queuemembershipid", NULL, 2027, queuemembership_columns, NULL, NULL, FALSE },
  { "queueitem", "queueitems", "queueitemid", "title", 2029, queueitem_columns, NULL, NULL, FALSE },
  { "systemuser", "systemusers", "systemuserid", "fullname", 8, systemuser_columns, NULL, NULL, FALSE },
  { "msdyn_agentstatus", "msdyn_agentstatuses", "msdyn_agentstatusid", "msdyn_name", 10620,
    agentstatus_columns, NULL, NULL, FALSE },
  { "msdyn_presence", "msdyn_presences", "msdyn_presenceid", "msdyn_name", 10669, presence_columns, NULL, NULL, FALSE },
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

const MockNavigation *
mock_entity_navigation (const MockEntity *entity, const char *name)
{
  for (const MockNavigation *n = entity->navigations; n && name && n->name; n++)
    if (strcmp (n->name, name) == 0)
      return n;
  return NULL;
}

const MockCollection *
mock_entity_collection (const MockEntity *entity, const char *name)
{
  for (const MockCollection *c = entity->collections; c && name && c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

const char *
mock_column_option_label (const MockColumn *column, gint64 value)
{
  for (const MockOption *o = column->options; o && o->label; o++)
    if (o->value == value)
      return o->label;
  return NULL;
}

const char *
mock_bind_target_logical_name (const MockNavigation *nav, const char *entity_set)
{
  for (const MockBindTarget *t = nav->targets; t && entity_set && t->entity_set; t++)
    if (strcmp (t->entity_set, entity_set) == 0)
      return t->logical_name;
  return NULL;
}

guint
mock_utf16_length (const char *text)
{
  guint n = 0;

  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;
  return n;
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
