/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sign-in answers of the wrong types are clear errors naming the member:
 * a workstream statecode sent as "1" is not read as 0 (active), an object
 * where the UserId belongs raises no Json-CRITICAL (the suite runs with
 * G_DEBUG=fatal-criticals), a value list that is not a list fails the
 * read probe. */
#include <stdlib.h>
#include <string.h>

#include "oc-connection.h"
#include "oc-error.h"
#include "oc-retry-gate.h"
#include "test-server.h"

#define WORKSTREAM "e5f6a7b8-1111-4111-8111-111111111111"
#define WHO_AM_I "{\"UserId\":\"" TEST_USER "\",\"BusinessUnitId\":\"" TEST_USER "\"}"

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} Result;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &r->error);
  r->done = TRUE;
}

/* Signs in against a server answering the Dataverse requests with @replies
 * (NULL-terminated status/body pairs); returns the error. */
static GError *
sign_in_with (gboolean workstream, const char *const *replies)
{
  oc_retry_gate_reset_all ();
  TestServer *server = test_server_new ();
  for (guint i = 0; replies[i] != NULL; i += 2)
    test_server_script (server, (guint) atoi (replies[i]), replies[i + 1], NULL, 0);
  OcSettings *settings = test_server_settings (server);
  if (workstream)
    settings->workstream_id = g_strdup (WORKSTREAM);
  g_autoptr(GError) error = NULL;
  OcConnection *connection = oc_connection_new (settings, &error);
  g_assert_no_error (error);

  Result r = { 0 };
  oc_connection_sign_in_async (connection, NULL, on_signed_in, &r);
  test_wait_for (&r.done);
  g_assert_false (r.ok);
  /* a malformed answer is not retried into a second request */
  guint expected = 0;
  while (replies[expected] != NULL)
    expected++;
  g_assert_cmpuint (server->api_requests, ==, expected / 2);

  oc_connection_close (connection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (connection);
  oc_settings_free (settings);
  test_server_free (server);
  return r.error;
}

static void
assert_names (const GError *error, const char *what, const char *member_message)
{
  g_assert_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_autofree char *expected = g_strdup_printf ("Malformed answer from Dynamics 365 to %s (%s)", what, member_message);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” lacks “%s”", error->message, expected);
}

static void
test_user_id_object (void)
{
  const char *replies[] = { "200", "{\"UserId\":{\"id\":\"" TEST_USER "\"}}", NULL };
  g_autoptr(GError) error = sign_in_with (FALSE, replies);
  assert_names (error, "GET WhoAmI", "UserId: must be a string, not an object");
}

static void
test_workstream_statecode_string (void)
{
  const char *replies[] = { "200", WHO_AM_I, "200", "{\"msdyn_name\":\"Support\",\"statecode\":\"1\"}", NULL };
  g_autoptr(GError) error = sign_in_with (TRUE, replies);
  assert_names (error, "GET msdyn_liveworkstreams", "statecode: must be a number, not a string");
}

static void
test_workstream_name_array (void)
{
  const char *replies[] = { "200", WHO_AM_I, "200", "{\"msdyn_name\":[\"Support\"],\"statecode\":0}", NULL };
  g_autoptr(GError) error = sign_in_with (TRUE, replies);
  assert_names (error, "GET msdyn_liveworkstreams", "msdyn_name: must be a string, not an array");
}

static void
test_read_probe_value_object (void)
{
  const char *replies[] = { "200", WHO_AM_I, "200", "{\"value\":{}}", NULL };
  g_autoptr(GError) error = sign_in_with (FALSE, replies);
  assert_names (error, "GET msdyn_ocliveworkitems", "value: must be an array, not an object");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/connection/wrong-types/user-id-object", test_user_id_object);
  g_test_add_func ("/connection/wrong-types/workstream-statecode-string", test_workstream_statecode_string);
  g_test_add_func ("/connection/wrong-types/workstream-name-array", test_workstream_name_array);
  g_test_add_func ("/connection/wrong-types/read-probe-value-object", test_read_probe_value_object);
  return g_test_run ();
}
