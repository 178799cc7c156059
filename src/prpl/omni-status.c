/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-status.c — status types. Ids are persistent API (SPEC §10): saved
 * statuses, scripts and BitlBee refer to them. Every type carries its text in
 * the "message" attribute, which Finch and BitlBee read. */
#include "omni-prpl.h"

#include "omni-i18n.h"

typedef struct {
  PurpleStatusPrimitive primitive;
  const char           *id;
  const char           *name;
  gboolean              user_settable;
} StatusSpec;

static const StatusSpec status_specs[] = {
  /* the account itself */
  { PURPLE_STATUS_AVAILABLE,     "available",   N_("Available"),         TRUE },
  { PURPLE_STATUS_OFFLINE,       "offline",     N_("Offline"),           TRUE },
  /* one buddy per handoff */
  { PURPLE_STATUS_AWAY,          "handing-off", N_("Handing off…"),      FALSE },
  { PURPLE_STATUS_UNAVAILABLE,   "failed",      N_("Failed"),            FALSE },
  { PURPLE_STATUS_AWAY,          "open",        N_("Waiting for a rep"), FALSE },
  { PURPLE_STATUS_AVAILABLE,     "active",      N_("With a rep"),        FALSE },
  { PURPLE_STATUS_EXTENDED_AWAY, "waiting",     N_("Rep away"),          FALSE },
  { PURPLE_STATUS_UNAVAILABLE,   "wrap-up",     N_("Wrap-up"),           FALSE },
  { PURPLE_STATUS_AWAY,          "case-open",   N_("Case open"),         FALSE },
  { PURPLE_STATUS_OFFLINE,       "closed",      N_("Closed"),            FALSE },
};

GList *
omni_status_types (PurpleAccount *account)
{
  GList *types = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (status_specs); i++)
    {
      const StatusSpec *spec = &status_specs[i];
      types = g_list_append (types,
          purple_status_type_new_with_attrs (spec->primitive, spec->id, _(spec->name),
                                             TRUE, spec->user_settable, FALSE,
                                             "message", _("Message"),
                                             purple_value_new (PURPLE_TYPE_STRING),
                                             NULL));
    }
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
