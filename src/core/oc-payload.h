/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-payload.h — the JSON bodies a handoff sends (SPEC §5.3, §5.4). Pure
 * functions of the session and the settings, so tests can assert them exactly. */
#pragma once

#include <json-glib/json-glib.h>

#include "oc-session.h"
#include "oc-settings.h"

G_BEGIN_DECLS

#define OC_SUBJECT_MAX_CHARS 200
#define OC_TITLE_MAX_CHARS 4000
#define OC_CONTEXT_VALUE_MAX_CHARS 4000
#define OC_CASE_TITLE_MAX_CHARS 200
#define OC_NOTE_MAX_CHARS 100000
#define OC_DESCRIPTION_MAX_CHARS 2000   /* incident.description is Memo(2000) by default */

/* msdyn_channel value for web/sms/whatsapp ("192360000", …), NULL otherwise. */
const char *oc_payload_channel_code (const char *channel);

/* POST msdyn_ocliveworkitems body. @contact_id may be NULL (no link). */
JsonNode   *oc_payload_conversation (OcSession        *session,
                                     const OcSettings *settings,
                                     const char       *activity_id,
                                     const char       *contact_id);

/* POST contacts body for a new contact (SPEC §5.4 step 1). */
JsonNode   *oc_payload_contact (OcSession *session);

/* POST incidents body; case_properties from settings are spread on top. */
JsonNode   *oc_payload_incident (OcSession        *session,
                                 const OcSettings *settings,
                                 const char       *incident_id,
                                 const char       *contact_id);

/* POST queues(<id>)/Microsoft.Dynamics.CRM.AddToQueue body for a case. */
/* {"Target":"incidents(<id>)"} for msdyn_ApplyRoutingRuleEntityRecord. */
JsonNode   *oc_payload_apply_routing (const char *incident_id);
JsonNode   *oc_payload_add_to_queue (const char *incident_id);

/* "Chat with Ada Lovelace" / "Chat with ada@example.com" / "Chat with anonymous visitor". */
char       *oc_payload_fallback_subject (OcSession *session);
/* "{classification} - {name or email}" or "Support - Anonymous". */
char       *oc_payload_case_title (OcSession *session);

G_END_DECLS
