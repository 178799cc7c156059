/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-message.h — a received AMQP 1.0 message, as the session document
 * it carries: the body is one `data` section or an `amqp-value` holding a
 * string or binary (what Service Bus SDKs and Proton clients send). Every
 * other shape is refused with a reason naming it; the document itself is
 * then parsed with the inbox's parser and limits (oc_session_parse). */
#pragma once

#include <glib.h>

#include "oc-session.h"

G_BEGIN_DECLS

/* An encoded message may carry headers and properties besides the
 * document: this much on top of OC_SESSION_MAX_BYTES is tolerated before
 * the delivery is refused unread. */
#define OC_AMQP_MESSAGE_OVERHEAD (64 * 1024)
#define OC_AMQP_MESSAGE_MAX_BYTES (OC_SESSION_MAX_BYTES + OC_AMQP_MESSAGE_OVERHEAD)

/* The session of an encoded message, or NULL + OC_ERROR_INVALID_INPUT:
 * "message: …" for the envelope, "body: …" for its shape, and otherwise
 * oc_session_parse's "member: rule". */
OcSession *oc_amqp_message_to_session (const char *encoded, gsize length, GError **error);

/* An encoded message whose body is one data section with @text, content
 * type application/json (what outcome events are sent as). */
char      *oc_amqp_message_encode_json (const char *text, gsize *length);

G_END_DECLS
