/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-amqp-message.h"

#include <proton/codec.h>
#include <proton/message.h>
#include <string.h>

#include "oc-error.h"

static void
message_free (pn_message_t *message)
{
  pn_message_free (message);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (pn_message_t, message_free)

static const char *
type_label (pn_type_t type)
{
  switch (type)
    {
    case PN_LIST: return "an amqp-sequence or list";
    case PN_MAP: return "a map";
    case PN_SYMBOL: return "a symbol";
    case PN_DESCRIBED: return "a described value";
    case PN_NULL: return "null";
    default: return "a scalar";
    }
}

OcSession *
oc_amqp_message_to_session (const char *encoded, gsize length, GError **error)
{
  g_return_val_if_fail (encoded != NULL || length == 0, NULL);
  if (length > OC_AMQP_MESSAGE_MAX_BYTES)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "message: over %d bytes (a session document "
                   "is at most %d)", OC_AMQP_MESSAGE_MAX_BYTES, OC_SESSION_MAX_BYTES);
      return NULL;
    }
  g_autoptr(pn_message_t) message = pn_message ();
  if (length == 0 || pn_message_decode (message, encoded, length) != 0)
    {
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "message: not a valid AMQP 1.0 message");
      return NULL;
    }
  pn_data_t *body = pn_message_body (message);
  pn_data_rewind (body);
  if (!pn_data_next (body))
    {
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT,
                           "body: missing (the session document goes in a data section)");
      return NULL;
    }
  pn_bytes_t bytes;
  pn_type_t type = pn_data_type (body);
  if (type == PN_BINARY)
    bytes = pn_data_get_binary (body);
  else if (type == PN_STRING)
    bytes = pn_data_get_string (body);
  else
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "body: must be a data section or an amqp-value "
                   "string or binary holding the session document, not %s", type_label (type));
      return NULL;
    }
  if (bytes.size == 0)
    {
      g_set_error_literal (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "body: empty (no session document)");
      return NULL;
    }
  /* Same parser and limits as the inbox. */
  return oc_session_parse (bytes.start, (gssize) bytes.size, error);
}

char *
oc_amqp_message_encode_json (const char *text, gsize *length)
{
  g_return_val_if_fail (text != NULL && length != NULL, NULL);
  g_autoptr(pn_message_t) message = pn_message ();
  pn_message_set_content_type (message, "application/json");
  pn_message_set_durable (message, true);
  pn_message_set_inferred (message, true);   /* a binary body is a data section */
  pn_data_put_binary (pn_message_body (message), pn_bytes (strlen (text), text));

  size_t size = strlen (text) + 1024;
  for (;;)
    {
      char *buffer = g_malloc (size);
      size_t used = size;
      int status = pn_message_encode (message, buffer, &used);
      if (status == 0)
        {
          *length = used;
          return buffer;
        }
      g_free (buffer);
      if (status != PN_OVERFLOW)
        return NULL;
      size *= 2;
    }
}
