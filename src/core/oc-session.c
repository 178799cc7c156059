/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-session.c — the session object: lifetime, building, accessors, meta and
 * serialisation. Parsing and validation live in oc-session-parse.c. */
#include "oc-session-private.h"

static void
transcript_line_free (gpointer data)
{
  OcTranscriptLine *line = data;
  g_free (line->role);
  g_free (line->text);
  g_free (line->time);
  g_free (line);
}

OcSession *
oc_session_alloc (JsonObject *doc)
{
  OcSession *self = g_new0 (OcSession, 1);
  g_atomic_ref_count_init (&self->refs);
  self->doc = doc;
  self->transcript = g_ptr_array_new_with_free_func (transcript_line_free);
  return self;
}

OcSession *
oc_session_ref (OcSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->refs);
  return self;
}

void
oc_session_unref (OcSession *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->refs))
    return;
  json_object_unref (self->doc);
  g_free (self->id);
  g_free (self->channel);
  g_free (self->summary);
  g_free (self->classification);
  g_free (self->sentiment);
  g_free (self->name);
  g_free (self->email);
  g_free (self->phone);
  g_ptr_array_unref (self->transcript);
  g_free (self);
}

gboolean
oc_session_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* ---- building --------------------------------------------------------- */

/* Sets or (for NULL and "") removes a string member, keeping its position. */
static void
set_or_remove (JsonObject *obj, const char *member, const char *value)
{
  if (value != NULL && value[0] != '\0')
    json_object_set_string_member (obj, member, value);
  else if (json_object_has_member (obj, member))
    json_object_remove_member (obj, member);
}

static char *
dup_nonempty (const char *value)
{
  return value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

OcSession *
oc_session_new (const char *id, const char *channel)
{
  g_return_val_if_fail (id != NULL && channel != NULL, NULL);

  OcSession *self = oc_session_alloc (json_object_new ());
  self->id = g_strdup (id);
  self->channel = g_ascii_strdown (channel, -1);
  json_object_set_string_member (self->doc, "id", self->id);
  json_object_set_string_member (self->doc, "channel", self->channel);
  return self;
}

void
oc_session_set_summary (OcSession *self, const char *summary)
{
  g_return_if_fail (self != NULL);
  g_free (self->summary);
  self->summary = dup_nonempty (summary);
  set_or_remove (self->doc, "summary", self->summary);
}

void
oc_session_set_customer (OcSession *self, const char *name, const char *email,
                         gboolean email_verified, const char *phone)
{
  g_return_if_fail (self != NULL);

  JsonNode *node = json_object_get_member (self->doc, "customer");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_object_member (self->doc, "customer", json_object_new ());
  JsonObject *customer = json_object_get_object_member (self->doc, "customer");

  g_free (self->name);
  g_free (self->email);
  g_free (self->phone);
  self->name = dup_nonempty (name);
  self->email = dup_nonempty (email);
  self->phone = dup_nonempty (phone);
  self->email_verified = email_verified;

  set_or_remove (customer, "name", self->name);
  set_or_remove (customer, "email", self->email);
  json_object_set_boolean_member (customer, "email_verified", email_verified);
  set_or_remove (customer, "phone", self->phone);
}

void
oc_session_add_line (OcSession *self, const char *role, const char *text, const char *time)
{
  g_return_if_fail (self != NULL && role != NULL && text != NULL);

  JsonNode *node = json_object_get_member (self->doc, "transcript");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (self->doc, "transcript", json_array_new ());
  JsonArray *array = json_object_get_array_member (self->doc, "transcript");

  OcTranscriptLine *line = g_new0 (OcTranscriptLine, 1);
  line->role = g_utf8_strdown (role, -1);
  line->text = g_strdup (text);
  line->time = g_strdup (time);
  g_ptr_array_add (self->transcript, line);

  JsonObject *obj = json_object_new ();
  json_object_set_string_member (obj, "role", line->role);
  json_object_set_string_member (obj, "text", line->text);
  if (line->time != NULL)
    json_object_set_string_member (obj, "time", line->time);
  json_array_add_object_element (array, obj);
}

/* ---- accessors -------------------------------------------------------- */

const char *oc_session_get_id (OcSession *self) { return self->id; }
const char *oc_session_get_channel (OcSession *self) { return self->channel; }
const char *oc_session_get_summary (OcSession *self) { return self->summary; }
const char *oc_session_get_classification (OcSession *self) { return self->classification; }
const char *oc_session_get_sentiment (OcSession *self) { return self->sentiment; }
const char *oc_session_get_customer_name (OcSession *self) { return self->name; }
const char *oc_session_get_customer_email (OcSession *self) { return self->email; }
gboolean    oc_session_get_email_verified (OcSession *self) { return self->email_verified; }
const char *oc_session_get_customer_phone (OcSession *self) { return self->phone; }
GPtrArray  *oc_session_get_transcript (OcSession *self) { return self->transcript; }

JsonObject *
oc_session_get_meta (OcSession *self)
{
  JsonNode *node = json_object_get_member (self->doc, "meta");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_object_member (self->doc, "meta", json_object_new ());
  return json_object_get_object_member (self->doc, "meta");
}

const char *
oc_session_get_meta_string (OcSession *self, const char *key)
{
  JsonNode *meta = json_object_get_member (self->doc, "meta");
  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return NULL;
  JsonNode *node = json_object_get_member (json_node_get_object (meta), key);
  return oc_session_node_is_string (node) ? json_node_get_string (node) : NULL;
}

/* meta.<object>.<key> if both are of the right type, else NULL. */
static const char *
meta_object_string (OcSession *self, const char *object, const char *key)
{
  JsonNode *meta = json_object_get_member (self->doc, "meta");
  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return NULL;
  JsonNode *inner = json_object_get_member (json_node_get_object (meta), object);
  if (inner == NULL || !JSON_NODE_HOLDS_OBJECT (inner))
    return NULL;
  JsonNode *node = json_object_get_member (json_node_get_object (inner), key);
  return oc_session_node_is_string (node) ? json_node_get_string (node) : NULL;
}

void
oc_session_set_origin (OcSession *self, const char *account, const char *protocol, const char *who)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (account != NULL && protocol != NULL && who != NULL);

  JsonObject *origin = json_object_new ();
  json_object_set_string_member (origin, "account", account);
  json_object_set_string_member (origin, "protocol", protocol);
  json_object_set_string_member (origin, "who", who);
  json_object_set_object_member (oc_session_get_meta (self), "origin", origin);
}

gboolean
oc_session_get_origin (OcSession *self, const char **account, const char **protocol, const char **who)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (account != NULL && protocol != NULL && who != NULL, FALSE);

  *account = meta_object_string (self, "origin", "account");
  *protocol = meta_object_string (self, "origin", "protocol");
  *who = meta_object_string (self, "origin", "who");
  if (*account && *protocol && *who)
    return TRUE;
  *account = *protocol = *who = NULL;
  return FALSE;
}

gboolean
oc_session_is_handed_off (OcSession *self)
{
  JsonNode *meta = json_object_get_member (self->doc, "meta");
  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return FALSE;
  JsonNode *node = json_object_get_member (json_node_get_object (meta), "handed_off");
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

void
oc_session_mark_handed_off (OcSession *self, const char *chat_id, const char *incident_id,
                            const char *ticket_number, GDateTime *when)
{
  g_return_if_fail (self != NULL);
  JsonObject *meta = oc_session_get_meta (self);

  if (chat_id != NULL)
    json_object_set_string_member (meta, "dynamics365_chat_id", chat_id);
  if (incident_id != NULL)
    {
      json_object_set_string_member (meta, "dynamics365_incident_id", incident_id);
      if (ticket_number != NULL)
        json_object_set_string_member (meta, "dynamics365_ticket_number", ticket_number);
    }
  json_object_set_boolean_member (meta, "handed_off", TRUE);

  g_autoptr(GDateTime) now = when == NULL ? g_date_time_new_now_utc () : NULL;
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when != NULL ? when : now);
  g_autofree char *stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (meta, "handed_off_at", stamp);
}

char *
oc_session_to_json (OcSession *self, gsize *length)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), self->doc);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

gboolean
oc_channel_is_chat (const char *channel)
{
  return channel != NULL
         && (g_ascii_strcasecmp (channel, "web") == 0 || g_ascii_strcasecmp (channel, "sms") == 0
             || g_ascii_strcasecmp (channel, "whatsapp") == 0);
}
