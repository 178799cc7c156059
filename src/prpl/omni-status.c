/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-status.c — status types. Ids are persistent API (SPEC §10): saved
 * statuses, scripts and BitlBee refer to them. Every type carries its text in
 * the "message" attribute, which Finch and BitlBee read. */
#include "omni-prpl.h"

#include "oc-presence.h"
#include "oc-roster.h"
#include "omni-i18n.h"

typedef struct {
  PurpleStatusPrimitive primitive;
  const char           *name;
} StatusSpec;

/* the account itself */
static const struct {
  PurpleStatusPrimitive primitive;
  const char           *id;
  const char           *name;
} account_specs[] = {
  { PURPLE_STATUS_AVAILABLE, "available", N_("Available") },
  { PURPLE_STATUS_OFFLINE,   "offline",   N_("Offline") },
};

/* one buddy per handoff; the ids are core's (oc_presence_status_to_id) */
static const StatusSpec handoff_specs[OC_PRESENCE_N_STATUSES] = {
  [OC_PRESENCE_HANDING_OFF] = { PURPLE_STATUS_AWAY,          N_("Handing off…") },
  [OC_PRESENCE_FAILED]      = { PURPLE_STATUS_UNAVAILABLE,   N_("Failed") },
  [OC_PRESENCE_OPEN]        = { PURPLE_STATUS_AWAY,          N_("Waiting for a rep") },
  [OC_PRESENCE_ACTIVE]      = { PURPLE_STATUS_AVAILABLE,     N_("With a rep") },
  [OC_PRESENCE_WAITING]     = { PURPLE_STATUS_EXTENDED_AWAY, N_("Rep away") },
  [OC_PRESENCE_WRAP_UP]     = { PURPLE_STATUS_UNAVAILABLE,   N_("Wrap-up") },
  [OC_PRESENCE_CASE_OPEN]   = { PURPLE_STATUS_AWAY,          N_("Case open") },
  [OC_PRESENCE_CLOSED]      = { PURPLE_STATUS_OFFLINE,       N_("Closed") },
};

/* rep buddies (oc_roster_agent_status_to_id) and queue buddies */
static const StatusSpec agent_specs[] = {
  [OC_ROSTER_AGENT_AVAILABLE] = { PURPLE_STATUS_AVAILABLE,   N_("Rep available") },
  [OC_ROSTER_AGENT_BUSY]      = { PURPLE_STATUS_UNAVAILABLE, N_("Rep busy") },
  [OC_ROSTER_AGENT_DND]       = { PURPLE_STATUS_UNAVAILABLE, N_("Rep: do not disturb") },
  [OC_ROSTER_AGENT_AWAY]      = { PURPLE_STATUS_AWAY,        N_("Rep: away") },
  [OC_ROSTER_AGENT_OFFLINE]   = { PURPLE_STATUS_OFFLINE,     N_("Rep offline") },
};
static const StatusSpec queue_specs[] = {
  [OC_ROSTER_QUEUE_IDLE]    = { PURPLE_STATUS_AVAILABLE,   N_("Nobody waiting") },
  [OC_ROSTER_QUEUE_WAITING] = { PURPLE_STATUS_AWAY,        N_("Customers waiting") },
  [OC_ROSTER_QUEUE_OVERDUE] = { PURPLE_STATUS_UNAVAILABLE, N_("Waiting too long") },
};

static PurpleStatusType *
status_type (PurpleStatusPrimitive primitive, const char *id, const char *name, gboolean user_settable)
{
  return purple_status_type_new_with_attrs (primitive, id, _(name), TRUE, user_settable, FALSE,
                                            "message", _("Message"), purple_value_new (PURPLE_TYPE_STRING),
                                            NULL);
}

GList *
omni_status_types (PurpleAccount *account)
{
  GList *types = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (account_specs); i++)
    types = g_list_append (types, status_type (account_specs[i].primitive, account_specs[i].id,
                                               account_specs[i].name, TRUE));
  for (guint i = 0; i < OC_PRESENCE_N_STATUSES; i++)
    types = g_list_append (types, status_type (handoff_specs[i].primitive, oc_presence_status_to_id (i),
                                               handoff_specs[i].name, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (agent_specs); i++)
    types = g_list_append (types, status_type (agent_specs[i].primitive, oc_roster_agent_status_to_id (i),
                                               agent_specs[i].name, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (queue_specs); i++)
    types = g_list_append (types, status_type (queue_specs[i].primitive, oc_roster_queue_status_to_id (i),
                                               queue_specs[i].name, FALSE));
  return types;
}

const char *
omni_status_list_icon (PurpleAccount *account, PurpleBuddy *buddy)
{
  return OMNI_ICON_NAME;
}

void
omni_status_set_status (PurpleAccount *account, PurpleStatus *status)
{
  /* The account's own presence is local: Dynamics has no presence for an
   * application user, so there is nothing to send. */
}
