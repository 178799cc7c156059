/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets never reach a log line or an error message: every log record of a
 * successful and of several failing sign-ins is captured and searched for the
 * client secret, the access tokens and the Authorization header. */
#include <string.h>

#include "oc-connection.h"
#include "oc-error.h"
#include "oc-retry-gate.h"
#include "test-server.h"

static GString *captured;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (captured, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
    else
      g_string_append_printf (captured, "%s=%.*s\n", fields[i].key, (int) fields[i].length,
                              (const char *) fields[i].value);
  return G_LOG_WRITER_HANDLED;
}

static void
capture_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  g_string_append_printf (captured, "%s: %s\n", domain ? domain : "", message);
}

static void
on_progress (OcConnection *connection, guint step, guint total, const char *text, gpointer user_data)
{
  g_string_append_printf (captured, "progress %u/%u %s\n", step, total, text);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} SignIn;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  sign_in->ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &sign_in->error);
  sign_in->done = TRUE;
}

static void
sign_in_once (TestServer *server)
{
  g_autoptr(OcSettings) settings = test_server_settings (server);
  g_autoptr(OcConnection) connection = oc_connection_new (settings, NULL);
  SignIn sign_in = { 0 };

  g_signal_connect (connection, "progress", G_CALLBACK (on_progress), NULL);
  oc_connection_sign_in_async (connection, NULL, on_signed_in, &sign_in);
  test_wait_for (&sign_in.done);
  if (sign_in.error)
    g_string_append_printf (captured, "error: %s\n", sign_in.error->message);
  g_clear_error (&sign_in.error);
  oc_connection_close (connection);
  oc_retry_gate_reset_all ();
}

static void
assert_clean (GPtrArray *tokens)
{
  g_assert_null (strstr (captured->str, TEST_SECRET));
  g_assert_null (strstr (captured->str, "Bearer "));
  g_assert_null (strstr (captured->str, "SENSITIVE"));
  for (guint i = 0; i < tokens->len; i++)
    g_assert_null (strstr (captured->str, tokens->pdata[i]));
}

static void
test_no_secret_in_logs (void)
{
  TestServer *server = test_server_new ();
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);

  /* success */
  sign_in_once (server);
  g_ptr_array_add (tokens, g_strdup (server->current_token));
  g_assert_nonnull (strstr (captured->str, "progress 4/" G_STRINGIFY (OC_SIGN_IN_STEPS)));

  /* wrong secret, expired secret, server errors, 401 twice, 403 */
  test_server_script_token (server, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
                                          "Invalid client secret provided.\",\"error_codes\":[7000215]}", NULL);
  sign_in_once (server);
  test_server_script_token (server, 401, "{\"error\":\"invalid_client\",\"error_codes\":[7000222]}", NULL);
  sign_in_once (server);
  /* sign-in tries each request twice */
  for (guint i = 0; i < 2; i++)
    test_server_script (server, 503, "{\"error\":{\"code\":\"0x80040216\",\"message\":\"busy\"}}", "0", 0);
  sign_in_once (server);
  g_ptr_array_add (tokens, g_strdup (server->current_token));
  test_server_script (server, 401, NULL, NULL, 0);
  test_server_script (server, 401, NULL, NULL, 0);
  sign_in_once (server);
  g_ptr_array_add (tokens, g_strdup (server->current_token));
  test_server_script (server, 200, "{\"UserId\":\"" TEST_USER "\"}", NULL, 0);
  test_server_script (server, 403, "{\"error\":{\"code\":\"0x80042f09\",\"message\":\"missing prvReadmsdyn_ocliveworkitem privilege\"}}", NULL, 0);
  sign_in_once (server);
  g_ptr_array_add (tokens, g_strdup (server->current_token));

  /* the failures really happened and were captured */
  g_assert_nonnull (strstr (captured->str, "secret is wrong"));
  g_assert_nonnull (strstr (captured->str, "has expired"));
  g_assert_nonnull (strstr (captured->str, "Will retry automatically"));
  g_assert_nonnull (strstr (captured->str, "no Application User"));
  g_assert_nonnull (strstr (captured->str, "prvReadmsdyn_ocliveworkitem"));
  g_assert_cmpuint (g_queue_get_length (&server->script), ==, 0);
  /* debug logging was on: request lines are there, credentials are not */
  g_assert_nonnull (strstr (captured->str, "requesting a token"));
  g_assert_nonnull (strstr (captured->str, "WhoAmI"));
  assert_clean (tokens);
  test_server_free (server);
}

int
main (int argc, char **argv)
{
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_test_init (&argc, &argv, NULL);
  captured = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_handler ("omnichannel", G_LOG_LEVEL_MASK, capture_handler, NULL);
  g_log_set_default_handler (capture_handler, NULL);
  g_test_add_func ("/redaction/no-secret-in-logs", test_no_secret_in_logs);
  int status = g_test_run ();
  g_string_free (captured, TRUE);
  return status;
}
