/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-prpl.h — shared declarations of the libpurple glue. */
#pragma once

#define PURPLE_PLUGINS
#include <glib.h>
#include <libpurple/account.h>
#include <libpurple/connection.h>
#include <libpurple/plugin.h>
#include <libpurple/prpl.h>
#include <libpurple/status.h>

#include "oc-connection.h"
#include "oc-service.h"

#define OMNI_PLUGIN_ID "prpl-omnichannel"
#define OMNI_ICON_NAME "omnichannel"

/* Option keys: persistent API (SPEC §10). */
#define OMNI_OPT_TENANT_ID            "tenant_id"
#define OMNI_OPT_CLIENT_ID            "client_id"
#define OMNI_OPT_WORKSTREAM_ID        "workstream_id"
#define OMNI_OPT_CASE_QUEUE_ID        "case_queue_id"
#define OMNI_OPT_DEFAULT_OWNER_ID     "default_owner_id"
#define OMNI_OPT_DEFAULT_PRIORITY     "default_priority"
#define OMNI_OPT_CASE_PROPERTIES      "case_properties"
#define OMNI_OPT_ANONYMOUS_CONTACT_ID "anonymous_contact_id"
#define OMNI_OPT_HANDOFF_CHANNEL      "handoff_channel"
#define OMNI_OPT_SHOW                 "show"
#define OMNI_OPT_AUTHORITY            "authority"
#define OMNI_OPT_CLOSED_RETENTION     "closed_retention_hours"
#define OMNI_OPT_ROUTE_CASES          "route_cases"
#define OMNI_OPT_INTAKE_AMQP_URL      "intake_amqp_url"
#define OMNI_OPT_INTAKE_AMQP_USER     "intake_amqp_user"
#define OMNI_OPT_INTAKE_QUEUE         "intake_queue"
/* kept only when the user ticks "Remember password" (not an option shown) */
#define OMNI_OPT_INTAKE_AMQP_PASSWORD "intake_amqp_password"
/* alert_waiting_minutes, alert_wrapup_minutes, alert_handing_off_minutes:
 * oc_alert_kind_to_key () */
#define OMNI_OPT_SHOW_AGENTS          "show_agents"
#define OMNI_OPT_SHOW_QUEUES          "show_queues"

/* Per-connection state, the protocol data of a PurpleConnection. */
typedef struct {
  PurpleConnection *gc;
  PurpleAccount    *account;
  OcConnection     *connection;
  gulong            progress_handler;
  gulong            failed_handler;
  OcService        *service;   /* the account's handoffs, once signed in */
} OmniAccount;

/* omni-account.c */
GList        *omni_account_options (void);
OcSettings   *omni_account_read_settings (PurpleAccount *account);
void          omni_account_login (PurpleAccount *account);
void          omni_account_close (PurpleConnection *gc);
void          omni_account_forget_all (void);
PurpleConnectionError omni_account_error_reason (const GError *error);
GHashTable   *omni_account_text_table (PurpleAccount *account);

/* omni-handoffs.c */
/* The service of @account's store (under the purple user dir): signed in
 * with @omni, or offline (only storing) when @omni is NULL. Every document
 * it rejects is shown. */
OcService    *omni_handoffs_open_service (PurpleAccount *account, OmniAccount *omni, GError **error);
void          omni_handoffs_start (OmniAccount *omni);
void          omni_handoffs_stop (OmniAccount *omni);
OmniAccount  *omni_account_from_purple (PurpleAccount *account);
OcHandoff    *omni_handoffs_lookup (OmniAccount *omni, const char *session_id);
void          omni_handoffs_system_line (PurpleAccount *account, const char *who, const char *text);
int           omni_handoffs_send_im (PurpleConnection *gc, const char *who, const char *message,
                                     PurpleMessageFlags flags);
GList        *omni_handoffs_actions (PurplePlugin *plugin, gpointer context);

/* omni-buddies.c */
/* Renders what the service says (see OcService's signals). */
void          omni_buddies_connect (OmniAccount *omni);
/* The account's group, or "<it> · @suffix" (created when absent). */
PurpleGroup  *omni_buddies_group (OmniAccount *omni, const char *suffix);

/* omni-roster.c: rep and queue buddies (show_agents, show_queues) */
void          omni_roster_connect (OmniAccount *omni);
/* The message of a rep or queue buddy (already escaped), or NULL for any other buddy. */
char         *omni_roster_status_text (PurpleBuddy *buddy);
void          omni_roster_tooltip (PurpleBuddy *buddy, PurpleNotifyUserInfo *info);
char         *omni_buddies_status_text (PurpleBuddy *buddy);
void          omni_buddies_tooltip (PurpleBuddy *buddy, PurpleNotifyUserInfo *info, gboolean full);
GList        *omni_buddies_menu (PurpleBlistNode *node);

/* omni-command.c */
void          omni_command_register (void);
void          omni_command_unregister (void);

/* omni-queue.c */
GList        *omni_queue_options (GList *options);
/* With a queue configured, adds it to the started service (asking for the
 * password first unless remembered or anonymous). */
void          omni_queue_start (OmniAccount *omni);

/* omni-status.c */
GList        *omni_status_types (PurpleAccount *account);
const char   *omni_status_list_icon (PurpleAccount *account, PurpleBuddy *buddy);
void          omni_status_set_status (PurpleAccount *account, PurpleStatus *status);
