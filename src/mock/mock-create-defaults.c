/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-defaults.c — what the platform computes for a new record:
 * audit columns and owner, state and status, a conversation's queue and
 * reason, a contact's full name, a case's ticket number. Used by creates,
 * AddToQueue and /_mock/bulk-conversations alike; values already set win. */
#include "mock-private.h"

#include <string.h>

#define REASON_AWAITING_AGENT 192350001

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
      set_if_absent_string (record, "msdyn_firstwaitstartedon", now);   /* it waits from the start */
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
