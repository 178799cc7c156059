/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-session.h — the session document (SPEC §4): a handoff's input and its
 * audit record. Parsing validates every rule and names the member and the
 * rule that a document breaks; unknown members are kept untouched. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OC_SESSION_MAX_BYTES (1024 * 1024)
#define OC_SESSION_ID_MAX_CHARS 100

typedef struct {
  char *role;   /* "customer", "ai", "agent", "bot", "system" */
  char *text;
  char *time;   /* ISO 8601 as given, or NULL */
} OcTranscriptLine;

typedef struct _OcSession OcSession;

/* Validates and parses a document from outside (every intake). Errors are
 * OC_ERROR_INVALID_INPUT with a message such as "customer.email: must be a
 * string" or "id: must be 1–100 printable characters"; none quotes more than
 * a short, escaped excerpt of the document. "meta" is ours (§5.5): an
 * incoming one is never trusted — it is kept aside as "meta_received" and
 * the session starts with no meta, so nothing arrives "handed off". */
OcSession   *oc_session_parse (const char *data, gssize length, GError **error);
/* The same rules for a document the store wrote itself: its meta is kept. */
OcSession   *oc_session_parse_stored (const char *data, gssize length, GError **error);
/* TRUE if the session, as it would be saved, passes oc_session_parse_stored:
 * a session built in code (/handoff) is held to the rules of a file, so
 * nothing is stored that could not be read back. */
gboolean     oc_session_check (OcSession *self, GError **error);
OcSession   *oc_session_ref (OcSession *self);
void         oc_session_unref (OcSession *self);

/* Building a session programmatically (the /handoff intake). */
OcSession   *oc_session_new (const char *id, const char *channel);
void         oc_session_set_summary (OcSession *self, const char *summary);
void         oc_session_set_customer (OcSession *self, const char *name, const char *email,
                                      gboolean email_verified, const char *phone);
void         oc_session_add_line (OcSession *self, const char *role, const char *text, const char *time);

const char  *oc_session_get_id (OcSession *self);
const char  *oc_session_get_channel (OcSession *self);         /* lower case */
const char  *oc_session_get_summary (OcSession *self);         /* NULL when absent or empty */
const char  *oc_session_get_classification (OcSession *self);
const char  *oc_session_get_sentiment (OcSession *self);
const char  *oc_session_get_customer_name (OcSession *self);
const char  *oc_session_get_customer_email (OcSession *self);
gboolean     oc_session_get_email_verified (OcSession *self);
const char  *oc_session_get_customer_phone (OcSession *self);
GPtrArray   *oc_session_get_transcript (OcSession *self);      /* OcTranscriptLine* */

/* meta (SPEC §5.5): the audit keys the plugin writes. */
JsonObject  *oc_session_get_meta (OcSession *self);            /* never NULL */
const char  *oc_session_get_meta_string (OcSession *self, const char *key);
gboolean     oc_session_is_handed_off (OcSession *self);       /* meta.handed_off == true */
void         oc_session_mark_handed_off (OcSession *self,
                                         const char *chat_id,        /* or NULL */
                                         const char *incident_id,    /* or NULL */
                                         const char *ticket_number,  /* or NULL */
                                         GDateTime  *when);

/* meta.origin: where a /handoff session was typed (an account of another
 * protocol and the buddy), so that its changes are announced there too. */
void         oc_session_set_origin (OcSession *self, const char *account, const char *protocol,
                                    const char *who);
/* TRUE with the three strings (borrowed from the session) when meta.origin
 * holds all of them as strings; FALSE (and NULLs) for anything else — a
 * stored meta is read with type checks, never trusted. */
gboolean     oc_session_get_origin (OcSession *self, const char **account, const char **protocol,
                                    const char **who);

/* The whole document, unknown members included, pretty-printed UTF-8. */
char        *oc_session_to_json (OcSession *self, gsize *length);

/* "web", "sms", "whatsapp" → a conversation; anything else → a case. */
gboolean     oc_channel_is_chat (const char *channel);

/* The customer.email rule of oc_session_parse (one '@', non-empty local part
 * and domain, no spaces or control characters, at most 100 characters), for
 * intakes that build a session from user input. */
gboolean     oc_email_is_valid (const char *email);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcSession, oc_session_unref)

G_END_DECLS
