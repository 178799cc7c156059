/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-settings.h — one account's settings, validated and normalised before any
 * request is made. Field names follow the account option keys of SPEC §10. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  OC_SHOW_MINE,
  OC_SHOW_INTEGRATION,
  OC_SHOW_WORKSTREAM,
} OcShowMode;

#define OC_DEFAULT_AUTHORITY "https://login.microsoftonline.com"
#define OC_DEFAULT_PRIORITY 2
#define OC_DEFAULT_CHANNEL "web"
#define OC_DEFAULT_RETENTION_HOURS 24

/* Supervisor alerts (SPEC §10 "supervisor options"): a handoff in one of
 * these states for longer than its threshold raises an alert. */
typedef enum {
  OC_ALERT_WAITING,       /* alert_waiting_minutes: open, no rep yet */
  OC_ALERT_WRAP_UP,       /* alert_wrapup_minutes: in wrap-up */
  OC_ALERT_HANDING_OFF,   /* alert_handing_off_minutes: the record is not created yet */
} OcAlertKind;
#define OC_ALERT_N_KINDS 3
#define OC_ALERT_MAX_MINUTES (7 * 24 * 60)

typedef struct {
  char      *environment;          /* "https://contoso.crm.dynamics.com" after validation */
  char      *environment_host;     /* "contoso.crm.dynamics.com" */
  char      *authority;            /* "https://login.microsoftonline.com" */
  char      *tenant_id;            /* GUID or domain */
  char      *client_id;
  char      *client_secret;        /* never logged; wiped on free */
  char      *workstream_id;        /* NULL when unset */
  char      *case_queue_id;
  char      *default_owner_id;
  int        default_priority;     /* 1..3, or another value of the org's option set */
  char      *case_properties;      /* JSON object text, NULL when unset */
  char      *anonymous_contact_id;
  char      *handoff_channel;
  OcShowMode show;
  guint      closed_retention_hours;
  gboolean   route_cases;          /* msdyn_ApplyRoutingRuleEntityRecord after a case is created */
  /* Alert thresholds as typed (decimal minutes; NULL, "" or 0 = off),
   * indexed by OcAlertKind; validation fills alert_s (seconds, 0 = off). */
  char      *alert_minutes[OC_ALERT_N_KINDS];
  guint      alert_s[OC_ALERT_N_KINDS];
  gboolean   show_agents;          /* reps of the workstream's queues as buddies (oc-roster.h) */
  gboolean   show_queues;          /* the workstream's queues as buddies */
} OcSettings;

OcSettings *oc_settings_new (void);
OcSettings *oc_settings_copy (const OcSettings *self);
void        oc_settings_free (OcSettings *self);

/* Normalises in place (URL case, trailing slash, path; GUID case and braces;
 * empty optional strings become NULL) and checks every field. The error names
 * the field and what it should look like. */
gboolean    oc_settings_validate (OcSettings *self, GError **error);

/* "https://contoso.crm.dynamics.com/main.aspx" → "https://contoso.crm.dynamics.com".
 * http:// is refused unless the host is loopback. */
char       *oc_normalize_service_url (const char *field_label,
                                      const char *example,
                                      const char *text,
                                      char      **host_out,
                                      GError    **error);
gboolean    oc_host_is_loopback (const char *host);

/* Why a Case properties key may not be set (a key the handoff writes itself:
 * incidentid, title, description, prioritycode, any customerid or ownerid
 * column or bind), or NULL if it may. */
const char *oc_case_property_protected_reason (const char *name);

/* "alert_waiting_minutes", "alert_wrapup_minutes", "alert_handing_off_minutes"
 * (the account option keys, static). */
const char *oc_alert_kind_to_key (OcAlertKind kind);

const char *oc_show_mode_to_string (OcShowMode mode);
gboolean    oc_show_mode_from_string (const char *text, OcShowMode *mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcSettings, oc_settings_free)

G_END_DECLS
