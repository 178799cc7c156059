/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-session-parse.c — oc_session_parse: the size, UTF-8 and nesting
 * pre-checks on the raw text, then member-by-member validation of the
 * session document (SPEC §4) with member-path error messages. */
#include "oc-session-private.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "oc-error.h"
#include "oc-json.h"

#define MAX_TRANSCRIPT_LINES 10000
#define CHANNEL_MAX_CHARS 32
#define ROLE_MAX_CHARS 32
#define EMAIL_MAX_CHARS 100   /* contact.emailaddress1 is String(100) */
#define PHONE_MAX_CHARS 50    /* contact.mobilephone is String(50) */

/* ---- validation helpers ---------------------------------------------- */

static gboolean
fail (GError **error, const char *path, const char *rule)
{
  g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "%s: %s", path, rule);
  return FALSE;
}

/* Optional string member: absent, null and "" all mean "not given". */
static gboolean
optional_string (JsonObject *obj, const char *member, const char *path, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!oc_session_node_is_string (node))
    return fail (error, path, _("must be a string"));
  const char *value = json_node_get_string (node);
  if (value[0] != '\0')
    *out = g_strdup (value);
  return TRUE;
}

static gboolean
is_printable (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
is_channel_word (const char *text)
{
  gsize n = 0;
  for (const char *p = text; *p != '\0'; p++, n++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return n >= 1 && n <= CHANNEL_MAX_CHARS;
}

gboolean
oc_email_is_valid (const char *email)
{
  if (email == NULL || !g_utf8_validate (email, -1, NULL))
    return FALSE;
  glong chars = g_utf8_strlen (email, -1);
  const char *at = strchr (email, '@');
  if (chars < 3 || chars > EMAIL_MAX_CHARS || at == NULL || at == email
      || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = email; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        return FALSE;
    }
  return TRUE;
}

/* ---- parsing ---------------------------------------------------------- */

static gboolean
parse_customer (OcSession *self, GError **error)
{
  JsonNode *node = json_object_get_member (self->doc, "customer");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "customer", _("must be an object"));

  JsonObject *customer = json_node_get_object (node);
  if (!optional_string (customer, "name", "customer.name", &self->name, error)
      || !optional_string (customer, "email", "customer.email", &self->email, error)
      || !optional_string (customer, "phone", "customer.phone", &self->phone, error))
    return FALSE;

  if (self->email != NULL && !oc_email_is_valid (self->email))
    return fail (error, "customer.email", _("must be an email address of at most 100 characters"));
  if (self->phone != NULL && g_utf8_strlen (self->phone, -1) > PHONE_MAX_CHARS)
    return fail (error, "customer.phone", _("must be at most 50 characters"));

  JsonNode *verified = json_object_get_member (customer, "email_verified");
  if (verified != NULL && !JSON_NODE_HOLDS_NULL (verified))
    {
      if (!JSON_NODE_HOLDS_VALUE (verified) || json_node_get_value_type (verified) != G_TYPE_BOOLEAN)
        return fail (error, "customer.email_verified", _("must be true or false"));
      self->email_verified = json_node_get_boolean (verified);
    }
  return TRUE;
}

static gboolean
parse_line (OcSession *self, JsonNode *node, guint index, GTimeZone *utc, GError **error)
{
  g_autofree char *path = g_strdup_printf ("transcript[%u]", index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, _("must be an object with role and text"));
  JsonObject *obj = json_node_get_object (node);

  g_autofree char *role_path = g_strconcat (path, ".role", NULL);
  JsonNode *role = json_object_get_member (obj, "role");
  if (!oc_session_node_is_string (role))
    return fail (error, role_path, _("must be a string of 1–32 characters"));
  glong role_chars = g_utf8_strlen (json_node_get_string (role), -1);
  if (role_chars < 1 || role_chars > ROLE_MAX_CHARS)
    return fail (error, role_path, _("must be a string of 1–32 characters"));

  g_autofree char *text_path = g_strconcat (path, ".text", NULL);
  JsonNode *text = json_object_get_member (obj, "text");
  if (text == NULL)
    return fail (error, text_path, _("is required"));
  if (!oc_session_node_is_string (text))
    return fail (error, text_path, _("must be a string"));

  g_autofree char *time_path = g_strconcat (path, ".time", NULL);
  JsonNode *time = json_object_get_member (obj, "time");
  const char *time_text = NULL;
  if (time != NULL && !JSON_NODE_HOLDS_NULL (time))
    {
      if (!oc_session_node_is_string (time))
        return fail (error, time_path, _("must be an ISO 8601 date-time"));
      time_text = json_node_get_string (time);
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (time_text, utc);
      if (parsed == NULL)
        return fail (error, time_path, _("must be an ISO 8601 date-time"));
    }

  OcTranscriptLine *line = g_new0 (OcTranscriptLine, 1);
  line->role = g_utf8_strdown (json_node_get_string (role), -1);
  line->text = g_strdup (json_node_get_string (text));
  line->time = g_strdup (time_text);
  json_object_set_string_member (obj, "role", line->role);   /* stored normalised */
  g_ptr_array_add (self->transcript, line);
  return TRUE;
}

static gboolean
parse_transcript (OcSession *self, GError **error)
{
  JsonNode *node = json_object_get_member (self->doc, "transcript");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "transcript", _("must be an array of lines"));

  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  if (n > MAX_TRANSCRIPT_LINES)
    return fail (error, "transcript", _("must have at most 10000 lines"));

  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  for (guint i = 0; i < n; i++)
    if (!parse_line (self, json_array_get_element (array, i), i, utc, error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_members (OcSession *self, GError **error)
{
  JsonNode *id = json_object_get_member (self->doc, "id");
  if (!oc_session_node_is_string (id))
    return fail (error, "id", _("must be 1–100 printable characters"));
  const char *id_text = json_node_get_string (id);
  glong id_chars = g_utf8_strlen (id_text, -1);
  if (id_chars < 1 || id_chars > OC_SESSION_ID_MAX_CHARS || !is_printable (id_text))
    return fail (error, "id", _("must be 1–100 printable characters"));
  /* the front ends name rep and queue buddies agent:<id> and queue:<id>:
   * a session of that name would be shown as (and mistaken for) one */
  if (g_str_has_prefix (id_text, "agent:") || g_str_has_prefix (id_text, "queue:"))
    return fail (error, "id", _("must not begin with “agent:” or “queue:” (the names of rep and queue buddies)"));
  self->id = g_strdup (id_text);

  JsonNode *channel = json_object_get_member (self->doc, "channel");
  const char *channel_rule = _("must be one word such as web, sms, whatsapp, phone, email");
  if (!oc_session_node_is_string (channel))
    return fail (error, "channel", channel_rule);
  self->channel = g_ascii_strdown (json_node_get_string (channel), -1);
  if (!is_channel_word (self->channel))
    return fail (error, "channel", channel_rule);
  json_object_set_string_member (self->doc, "channel", self->channel);

  if (!optional_string (self->doc, "summary", "summary", &self->summary, error)
      || !optional_string (self->doc, "classification", "classification", &self->classification, error)
      || !optional_string (self->doc, "sentiment", "sentiment", &self->sentiment, error)
      || !parse_customer (self, error)
      || !parse_transcript (self, error))
    return FALSE;

  JsonNode *meta = json_object_get_member (self->doc, "meta");
  if (meta != NULL && !JSON_NODE_HOLDS_NULL (meta) && !JSON_NODE_HOLDS_OBJECT (meta))
    return fail (error, "meta", _("must be an object"));
  return TRUE;
}

/* @trust_meta: the store reading back what it wrote. Anything else is
 * intake: its "meta" is not ours, so it is set aside under "meta_received"
 * (kept for the audit, never read), whatever its type. */
static OcSession *
parse_document (const char *data, gssize length, gboolean trust_meta, GError **error)
{
  g_autoptr(JsonNode) root = oc_json_parse_bounded (data, length, OC_SESSION_MAX_BYTES, OC_JSON_MAX_DEPTH, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, _("the document must be a JSON object"));
      return NULL;
    }

  JsonObject *doc = json_node_get_object (root);
  if (!trust_meta && json_object_has_member (doc, "meta"))
    {
      JsonNode *received = json_object_dup_member (doc, "meta");
      json_object_remove_member (doc, "meta");
      json_object_set_member (doc, "meta_received", received);
    }

  g_autoptr(OcSession) self = oc_session_alloc (json_object_ref (doc));
  if (!parse_members (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

OcSession *
oc_session_parse (const char *data, gssize length, GError **error)
{
  return parse_document (data, length, FALSE, error);
}

OcSession *
oc_session_parse_stored (const char *data, gssize length, GError **error)
{
  return parse_document (data, length, TRUE, error);
}

gboolean
oc_session_check (OcSession *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  gsize length = 0;
  g_autofree char *data = oc_session_to_json (self, &length);
  g_autoptr(OcSession) back = oc_session_parse_stored (data, (gssize) length, error);
  return back != NULL;
}
