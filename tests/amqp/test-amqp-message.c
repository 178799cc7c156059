/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Message bodies as session documents: every AMQP body shape, and the
 * limits of the inbox. */
#include <proton/codec.h>
#include <proton/message.h>
#include <string.h>

#include "oc-amqp-message.h"
#include "oc-error.h"

#define VALID "{\"id\":\"m1\",\"channel\":\"web\",\"summary\":\"hello\"}"

typedef enum { BODY_DATA, BODY_STRING, BODY_BINARY_VALUE, BODY_LIST, BODY_MAP, BODY_SYMBOL, BODY_NONE } Body;

static char *
encode (Body shape, const char *text, gsize text_length, gsize *length)
{
  pn_message_t *message = pn_message ();
  pn_data_t *body = pn_message_body (message);
  pn_bytes_t bytes = pn_bytes (text_length, text);
  switch (shape)
    {
    case BODY_DATA: pn_message_set_inferred (message, true); pn_data_put_binary (body, bytes); break;
    case BODY_STRING: pn_data_put_string (body, bytes); break;
    case BODY_BINARY_VALUE: pn_data_put_binary (body, bytes); break;
    case BODY_LIST: pn_data_put_list (body); pn_data_enter (body); pn_data_put_string (body, bytes); pn_data_exit (body); break;
    case BODY_MAP: pn_data_put_map (body); pn_data_enter (body); pn_data_put_string (body, bytes); pn_data_put_int (body, 1); pn_data_exit (body); break;
    case BODY_SYMBOL: pn_data_put_symbol (body, pn_bytes (3, "web")); break;
    case BODY_NONE: break;
    }
  size_t size = text_length + 4096;
  char *buffer = g_malloc (size);
  g_assert_cmpint (pn_message_encode (message, buffer, &size), ==, 0);
  pn_message_free (message);
  *length = size;
  return buffer;
}

static void
test_accepted_shapes (void)
{
  Body shapes[] = { BODY_DATA, BODY_STRING, BODY_BINARY_VALUE };
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      gsize length;
      g_autofree char *encoded = encode (shapes[i], VALID, strlen (VALID), &length);
      g_autoptr(GError) error = NULL;
      g_autoptr(OcSession) session = oc_amqp_message_to_session (encoded, length, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (oc_session_get_id (session), ==, "m1");
      g_assert_cmpstr (oc_session_get_channel (session), ==, "web");
    }
}

static void
assert_refused (const char *encoded, gsize length, const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) session = oc_amqp_message_to_session (encoded, length, &error);
  g_assert_null (session);
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  if (strstr (error->message, says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, says);
}

static void
test_refused_shapes (void)
{
  static const struct { Body shape; const char *says; } cases[] = {
    { BODY_LIST, "amqp-sequence or list" },
    { BODY_MAP, "a map" },
    { BODY_SYMBOL, "a symbol" },
    { BODY_NONE, "body: " },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length;
      g_autofree char *encoded = encode (cases[i].shape, VALID, strlen (VALID), &length);
      assert_refused (encoded, length, cases[i].says);
    }
  gsize length;
  g_autofree char *empty = encode (BODY_DATA, "", 0, &length);
  assert_refused (empty, length, "body: empty");
}

static void
test_documents_and_limits (void)
{
  gsize length;
  g_autofree char *not_json = encode (BODY_DATA, "not json", 8, &length);
  assert_refused (not_json, length, "JSON");
  const char *no_channel = "{\"id\":\"m2\"}";
  g_autofree char *rule = encode (BODY_DATA, no_channel, strlen (no_channel), &length);
  assert_refused (rule, length, "channel");

  /* a body just over the document limit, inside the envelope bound */
  gsize big = OC_SESSION_MAX_BYTES + 10;
  g_autofree char *text = g_malloc (big);
  memset (text, ' ', big);
  memcpy (text, VALID, strlen (VALID));
  g_autofree char *over = encode (BODY_DATA, text, big, &length);
  assert_refused (over, length, "");

  /* bytes that are no AMQP message, and a message over the envelope bound */
  assert_refused ("garbage!!", 9, "");   /* Proton may read it as a message without a body */
  assert_refused (text, OC_AMQP_MESSAGE_MAX_BYTES + 1, "message: over");
  assert_refused ("", 0, "message: not a valid");
}

static void
test_encode_json (void)
{
  gsize length;
  g_autofree char *encoded = oc_amqp_message_encode_json (VALID, &length);
  g_assert_nonnull (encoded);
  g_autoptr(OcSession) session = oc_amqp_message_to_session (encoded, length, NULL);
  g_assert_nonnull (session);
  g_assert_cmpstr (oc_session_get_id (session), ==, "m1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/amqp/message/accepted-shapes", test_accepted_shapes);
  g_test_add_func ("/amqp/message/refused-shapes", test_refused_shapes);
  g_test_add_func ("/amqp/message/documents-and-limits", test_documents_and_limits);
  g_test_add_func ("/amqp/message/encode-json", test_encode_json);
  return g_test_run ();
}
