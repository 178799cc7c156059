/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Default priority against the org's incident.prioritycode options: 1–3
 * need no request; any other value is looked up once at sign-in, with
 * typed reads of the metadata answer, and a value the org lacks is a
 * settings error that lists the org's options. */
#include <string.h>

#include "oc-connection.h"
#include "oc-error.h"
#include "oc-priority.h"
#include "oc-retry-gate.h"
#include "test-server.h"

#define WHO_AM_I "{\"UserId\":\"" TEST_USER "\",\"BusinessUnitId\":\"" TEST_USER "\"}"
#define OPTION(v, label) "{\"Value\":" v ",\"Label\":{\"UserLocalizedLabel\":{\"Label\":\"" label "\"}}}"
#define ORG_OPTIONS                                                                                  \
  "{\"@odata.context\":\"x\",\"LogicalName\":\"prioritycode\",\"MetadataId\":\"m\",\"OptionSet\":{\"Options\":[" \
  OPTION ("1", "High") "," OPTION ("2", "Normal") "," OPTION ("3", "Low") "," OPTION ("100000000", "Urgent") "]}}"

static GArray *
parse (const char *text, GError **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_assert_nonnull (node);
  return oc_priority_options_parse (node, error);
}

static void
test_standard (void)
{
  g_assert_true (oc_priority_is_standard (1));
  g_assert_true (oc_priority_is_standard (2));
  g_assert_true (oc_priority_is_standard (3));
  g_assert_false (oc_priority_is_standard (4));   /* OpenCX's "1–4": no 4 in a standard org */
  g_assert_false (oc_priority_is_standard (0));
  g_assert_false (oc_priority_is_standard (100000000));
}

static void
test_parse_and_describe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) options = parse (ORG_OPTIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (options->len, ==, 4);
  g_autofree char *text = oc_priority_options_describe (options);
  g_assert_cmpstr (text, ==, "1 High, 2 Normal, 3 Low, 100000000 Urgent");
  g_assert_true (oc_priority_check (options, 100000000, &error));
  g_assert_true (oc_priority_check (options, 3, &error));
  g_assert_no_error (error);

  g_assert_false (oc_priority_check (options, 4, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
  g_assert_cmpstr (oc_error_get_field (error), ==, "Default priority");
  g_assert_nonnull (strstr (error->message, "Default priority 4 "));
  g_assert_nonnull (strstr (error->message, "1 High, 2 Normal, 3 Low, 100000000 Urgent"));

  /* labels are optional, and cleaned: one short line */
  g_clear_error (&error);
  g_autoptr(GArray) odd = parse ("{\"OptionSet\":{\"Options\":[{\"Value\":7},{\"Value\":8,\"Label\":{\"UserLocalizedLabel\":"
                                 "{\"Label\":\"Two\\nlines\"}}},{\"Value\":9,\"Label\":{\"UserLocalizedLabel\":null}}]}}",
                                 &error);
  g_assert_no_error (error);
  g_autofree char *odd_text = oc_priority_options_describe (odd);
  g_assert_cmpstr (odd_text, ==, "7, 8 Two lines, 9");
}

/* Never trust a member's type: Value must be a JSON integer in Int32 range. */
static void
test_parse_refuses_wrong_types (void)
{
  static const char *answers[] = {
    "[]",
    "{}",
    "{\"OptionSet\":null}",
    "{\"OptionSet\":{\"Options\":{}}}",
    "{\"OptionSet\":{\"Options\":[1]}}",
    "{\"OptionSet\":{\"Options\":[{\"Label\":{}}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":\"1\"}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":1.5}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":true}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":null}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":{\"x\":1}}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":4294967298}]}}",
    "{\"OptionSet\":{\"Options\":[{\"Value\":-4294967298}]}}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) options = parse (answers[i], &error);
      if (options != NULL)
        g_error ("accepted %s", answers[i]);
      g_assert_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE);
    }
  g_autoptr(GError) error = NULL;
  g_assert_null (oc_priority_options_parse (NULL, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
  guint    last_step;
} SignIn;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  sign_in->ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &sign_in->error);
  sign_in->done = TRUE;
}

static void
on_progress (OcConnection *connection, guint step, guint total, const char *text, gpointer user_data)
{
  ((SignIn *) user_data)->last_step = step;
}

static void
sign_in (TestServer *server, int priority, SignIn *result)
{
  g_autoptr(OcSettings) settings = test_server_settings (server);
  settings->default_priority = priority;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcConnection) connection = oc_connection_new (settings, &error);
  g_assert_no_error (error);
  g_signal_connect (connection, "progress", G_CALLBACK (on_progress), result);
  oc_connection_sign_in_async (connection, NULL, on_signed_in, result);
  test_wait_for (&result->done);
  oc_connection_close (connection);
  oc_retry_gate_reset_all ();
}

static guint
metadata_requests (TestServer *server)
{
  guint n = 0;
  for (guint i = 0; i < server->api_paths->len; i++)
    n += strstr (server->api_paths->pdata[i], "EntityDefinitions") != NULL;
  return n;
}

static void
test_sign_in_standard_asks_nothing (void)
{
  for (int priority = 1; priority <= 3; priority++)
    {
      TestServer *server = test_server_new ();
      SignIn result = { 0 };
      sign_in (server, priority, &result);
      g_assert_no_error (result.error);
      g_assert_true (result.ok);
      g_assert_cmpuint (metadata_requests (server), ==, 0);
      g_assert_cmpuint (result.last_step, ==, OC_SIGN_IN_STEP_READ_PROBE);
      test_server_free (server);
    }
}

/* WhoAmI, the read probe, then @options_answer for the metadata. */
static TestServer *
server_answering (const char *options_answer)
{
  TestServer *server = test_server_new ();
  test_server_script (server, 200, WHO_AM_I, NULL, 0);
  test_server_script (server, 200, "{\"value\":[]}", NULL, 0);
  test_server_script (server, 200, options_answer, NULL, 0);
  return server;
}

static void
test_sign_in_custom_value (void)
{
  TestServer *server = server_answering (ORG_OPTIONS);
  SignIn result = { 0 };
  sign_in (server, 100000000, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpuint (result.last_step, ==, OC_SIGN_IN_STEP_PRIORITY);
  g_assert_cmpuint (metadata_requests (server), ==, 1);
  const char *path = server->api_paths->pdata[server->api_paths->len - 1];
  g_assert_cmpstr (path, ==, "GET /api/data/v9.2/EntityDefinitions(LogicalName='incident')/Attributes(LogicalName="
                             "'prioritycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&"
                             "$expand=OptionSet($select=Options)");
  test_server_free (server);
}

/* 4 is OpenCX's; a standard org has 1–3 only: a settings error listing them. */
static void
test_sign_in_missing_value (void)
{
  TestServer *server = server_answering ("{\"LogicalName\":\"prioritycode\",\"OptionSet\":{\"Options\":["
                                         OPTION ("1", "High") "," OPTION ("2", "Normal") "," OPTION ("3", "Low") "]}}");
  SignIn result = { 0 };
  sign_in (server, 4, &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
  g_assert_cmpint (oc_error_get_kind (result.error), ==, OC_ERROR_KIND_SETTINGS);
  g_assert_nonnull (strstr (result.error->message, "1 High, 2 Normal, 3 Low"));
  g_clear_error (&result.error);
  test_server_free (server);
}

static void
test_sign_in_malformed_answer (void)
{
  TestServer *server = server_answering ("{\"OptionSet\":{\"Options\":[{\"Value\":\"100000000\"}]}}");
  SignIn result = { 0 };
  sign_in (server, 100000000, &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_clear_error (&result.error);
  test_server_free (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/priority/standard", test_standard);
  g_test_add_func ("/priority/parse-and-describe", test_parse_and_describe);
  g_test_add_func ("/priority/parse-refuses-wrong-types", test_parse_refuses_wrong_types);
  g_test_add_func ("/priority/sign-in/standard-asks-nothing", test_sign_in_standard_asks_nothing);
  g_test_add_func ("/priority/sign-in/custom-value", test_sign_in_custom_value);
  g_test_add_func ("/priority/sign-in/missing-value", test_sign_in_missing_value);
  g_test_add_func ("/priority/sign-in/malformed-answer", test_sign_in_malformed_answer);
  return g_test_run ();
}
