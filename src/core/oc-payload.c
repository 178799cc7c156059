/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-payload.h"

#include <string.h>

#include "oc-json.h"
#include "oc-text.h"
#include "oc-odata.h"

#define CONTACT_NAME_MAX_CHARS 50     /* contact.firstname / lastname: String(50) */
#define CONTACT_PHONE_MAX_CHARS 50    /* contact.mobilephone: String(50) */
#define CONTACT_DESCRIPTION_MAX_CHARS 2000

const char *
oc_payload_channel_code (const char *channel)
{
  /* msdyn_streamsource values (research/dataverse.md §2.2). */
  if (channel == NULL)
    return NULL;
  if (g_ascii_strcasecmp (channel, "web") == 0)
    return "192360000";
  if (g_ascii_strcasecmp (channel, "sms") == 0)
    return "192340000";
  if (g_ascii_strcasecmp (channel, "whatsapp") == 0)
    return "192300000";
  return NULL;
}

static void
add_string (JsonBuilder *builder, const char *member, const char *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_cut (JsonBuilder *builder, const char *member, const char *value, gsize max_chars)
{
  g_autofree char *cut = oc_text_cut (value, max_chars);
  add_string (builder, member, cut);
}

static void
add_bind (JsonBuilder *builder, const char *member, const char *entity_set, const char *id)
{
  g_autofree char *target = g_strdup_printf ("/%s(%s)", entity_set, id);
  add_string (builder, member, target);
}

static void
add_context_item (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_begin_object (builder);
  add_string (builder, "msdyn_name", name);
  add_cut (builder, "msdyn_value", value, OC_CONTEXT_VALUE_MAX_CHARS);
  json_builder_set_member_name (builder, "msdyn_isdisplayable");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
}

char *
oc_payload_fallback_subject (OcSession *session)
{
  const char *who = oc_session_get_customer_name (session);
  if (who == NULL)
    who = oc_session_get_customer_email (session);
  if (who == NULL)
    who = "anonymous visitor";
  g_autofree char *subject = g_strconcat ("Chat with ", who, NULL);
  return oc_text_cut (subject, OC_SUBJECT_MAX_CHARS);
}

JsonNode *
oc_payload_conversation (OcSession *session, const OcSettings *settings,
                         const char *activity_id, const char *contact_id)
{
  g_return_val_if_fail (session != NULL && activity_id != NULL, NULL);

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *summary = oc_session_get_summary (session);
  g_autofree char *fallback = summary == NULL ? oc_payload_fallback_subject (session) : NULL;
  const char *title = summary != NULL ? summary : fallback;
  const char *code = oc_payload_channel_code (oc_session_get_channel (session));

  json_builder_begin_object (builder);
  add_string (builder, "activityid", activity_id);
  add_cut (builder, "subject", title, OC_SUBJECT_MAX_CHARS);
  add_cut (builder, "msdyn_title", title, OC_TITLE_MAX_CHARS);
  /* A case channel has no live-chat code; the routing rule never sends one here. */
  if (code != NULL)
    add_string (builder, "msdyn_channel", code);
  if (settings != NULL && settings->workstream_id != NULL)
    add_bind (builder, "msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind",
              "msdyn_liveworkstreams", settings->workstream_id);
  if (contact_id != NULL)
    add_bind (builder, "msdyn_customer_msdyn_ocliveworkitem_contact@odata.bind", "contacts", contact_id);

  json_builder_set_member_name (builder, "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid");
  json_builder_begin_array (builder);
  add_context_item (builder, "sessionId", oc_session_get_id (session));
  add_context_item (builder, "channel", oc_session_get_channel (session));
  /* Shown even when unverified: the agent may use it, the client never links on it. */
  add_context_item (builder, "customerName", oc_session_get_customer_name (session));
  add_context_item (builder, "customerEmail", oc_session_get_customer_email (session));
  add_context_item (builder, "customerPhone", oc_session_get_customer_phone (session));
  json_builder_end_array (builder);

  GPtrArray *lines = oc_session_get_transcript (session);
  if (lines->len > 0)
    {
      g_autofree char *transcript = oc_text_format_transcript (lines);
      json_builder_set_member_name (builder, "msdyn_ocliveworkitem_Annotations");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string (builder, "subject", "Transcript");
      add_cut (builder, "notetext", transcript, OC_NOTE_MAX_CHARS);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The part of the email before '@' stands in for a name nobody gave. */
static char *
email_local_part (const char *email)
{
  const char *at = email != NULL ? strchr (email, '@') : NULL;
  return at != NULL ? g_strndup (email, (gsize) (at - email)) : g_strdup (email);
}

JsonNode *
oc_payload_contact (OcSession *session)
{
  g_return_val_if_fail (session != NULL, NULL);

  const char *name = oc_session_get_customer_name (session);
  const char *email = oc_session_get_customer_email (session);
  const char *phone = oc_session_get_customer_phone (session);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (trimmed[0] != '\0')
    {
      /* "Ada King Lovelace": the family name is the last word in most of the
       * names a chat widget collects; agents can fix the rest. */
      char *space = strrchr (trimmed, ' ');
      if (space != NULL)
        {
          *space = '\0';
          first = g_strstrip (g_strdup (trimmed));
          last = g_strstrip (g_strdup (space + 1));
        }
      else
        last = g_strdup (trimmed);
    }
  else
    last = email_local_part (email);
  if (last == NULL || last[0] == '\0')
    {
      g_free (last);
      last = g_strdup ("Anonymous");
    }

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (first != NULL && first[0] != '\0')
    add_cut (builder, "firstname", first, CONTACT_NAME_MAX_CHARS);
  add_cut (builder, "lastname", last, CONTACT_NAME_MAX_CHARS);
  if (email != NULL)
    add_string (builder, "emailaddress1", email);
  if (phone != NULL)
    add_cut (builder, "mobilephone", phone, CONTACT_PHONE_MAX_CHARS);
  g_autofree char *description = g_strconcat ("Created from chat session ", oc_session_get_id (session), NULL);
  add_cut (builder, "description", description, CONTACT_DESCRIPTION_MAX_CHARS);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
oc_payload_case_title (OcSession *session)
{
  const char *kind = oc_session_get_classification (session);
  const char *who = oc_session_get_customer_name (session);
  if (who == NULL)
    who = oc_session_get_customer_email (session);
  g_autofree char *title = g_strdup_printf ("%s - %s", kind != NULL ? kind : "Support",
                                            who != NULL ? who : "Anonymous");
  return oc_text_cut (title, OC_CASE_TITLE_MAX_CHARS);
}

/* Header values are one line each: a newline in a summary must not be able
 * to forge another "Customer:" line in the case description. */
static void
append_header (GString *out, const char *label, const char *value)
{
  if (value == NULL)
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  gsize start = out->len;
  g_string_append_printf (out, "%s: %s", label, value);
  for (gsize i = start; i < out->len; i++)
    if (out->str[i] == '\n' || out->str[i] == '\r')
      out->str[i] = ' ';
}

static char *
incident_description (OcSession *session)
{
  GString *out = g_string_new (NULL);
  append_header (out, "Channel", oc_session_get_channel (session));
  append_header (out, "Summary", oc_session_get_summary (session));
  append_header (out, "Classification", oc_session_get_classification (session));
  append_header (out, "Sentiment", oc_session_get_sentiment (session));

  const char *parts[] = { oc_session_get_customer_name (session), oc_session_get_customer_email (session),
                          oc_session_get_customer_phone (session) };
  g_autoptr(GString) customer = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL)
      g_string_append_printf (customer, "%s%s", customer->len > 0 ? ", " : "", parts[i]);
  if (customer->len > 0)
    append_header (out, "Customer", customer->str);

  g_string_append (out, "\n\nTranscript:");
  g_autofree char *transcript = oc_text_format_transcript (oc_session_get_transcript (session));
  if (transcript[0] != '\0')
    g_string_append_printf (out, "\n%s", transcript);

  g_autofree char *text = g_string_free (out, FALSE);
  return oc_text_cut (text, OC_DESCRIPTION_MAX_CHARS);
}

/* Case properties are the user's own JSON object (validated with the
 * settings); each member goes on top of what the plugin computed. */
static void
spread_case_properties (JsonObject *incident, const char *case_properties)
{
  if (case_properties == NULL)
    return;
  g_autoptr(JsonNode) root = oc_json_parse_bounded (case_properties, -1, G_MAXINT32, OC_JSON_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Case properties are not a JSON object; ignored");
      return;
    }

  /* In the order the user wrote them, so the body is predictable. */
  JsonObject *properties = json_node_get_object (root);
  g_autoptr(GList) names = json_object_get_members (properties);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      /* Settings validation refuses these; a caller that skipped it still
       * must not replace what the handoff writes (the id that makes a
       * retried create find the first case, the customer, the owner…). */
      if (oc_case_property_protected_reason (name) != NULL)
        continue;
      json_object_set_member (incident, name, json_node_copy (json_object_get_member (properties, name)));
    }
}

JsonNode *
oc_payload_incident (OcSession *session, const OcSettings *settings,
                     const char *incident_id, const char *contact_id)
{
  g_return_val_if_fail (session != NULL && settings != NULL && incident_id != NULL, NULL);

  g_autofree char *title = oc_payload_case_title (session);
  g_autofree char *description = incident_description (session);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "incidentid", incident_id);
  add_string (builder, "title", title);
  add_string (builder, "description", description);
  json_builder_set_member_name (builder, "prioritycode");
  json_builder_add_int_value (builder, settings->default_priority);
  /* customerid is SystemRequired; the engine always resolves a contact
   * (found, created, or the Anonymous customer) before building this. */
  if (contact_id != NULL)
    add_bind (builder, "customerid_contact@odata.bind", "contacts", contact_id);
  if (settings->default_owner_id != NULL)
    add_bind (builder, "ownerid@odata.bind", "systemusers", settings->default_owner_id);
  json_builder_end_object (builder);

  JsonNode *root = json_builder_get_root (builder);
  spread_case_properties (json_node_get_object (root), settings->case_properties);
  return root;
}

/* Microsoft's reference for msdyn_ApplyRoutingRuleEntityRecord gives the
 * Target as the entity path string, {"Target":"incidents(<id>)"}; that
 * documented form is what is sent. */
JsonNode *
oc_payload_apply_routing (const char *incident_id)
{
  g_return_val_if_fail (incident_id != NULL, NULL);

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  g_autofree char *target = oc_odata_entity_path ("incidents", incident_id, NULL);
  add_string (builder, "Target", target);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
oc_payload_add_to_queue (const char *incident_id)
{
  g_return_val_if_fail (incident_id != NULL, NULL);

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Target");
  json_builder_begin_object (builder);
  add_string (builder, "@odata.type", "Microsoft.Dynamics.CRM.incident");
  add_string (builder, "incidentid", incident_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
