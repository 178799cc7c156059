/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sign-in through a headless libpurple that loads the built plugin, against
 * dynamics-mock: success, and every row of the SPEC §3 failure table with the
 * libpurple reason it must produce and the words the message must contain. */
#include <string.h>

#include "harness.h"

static void
assert_error (PurpleConnectionError reason, const char *needle)
{
  g_assert_false (harness_events.signed_on);
  g_assert_true (harness_events.errored);
  if (harness_events.reason != reason)
    g_error ("expected reason %d, got %d: %s", reason, harness_events.reason, harness_events.description);
  if (strstr (harness_events.description, needle) == NULL)
    g_error ("“%s” lacks “%s”", harness_events.description, needle);
  /* a message that would leak the secret is a defect in itself */
  g_assert_null (strstr (harness_events.description, MOCK_SECRET));
}

/* Every case signs in itself: the set-up only makes the account. */
static const HarnessOptions offline = { .offline = TRUE };

static void
test_sign_in_succeeds (HarnessFixture *f, gconstpointer data)
{
  PurpleAccount *account = f->account;
  harness_connect (account);

  g_assert_true (harness_events.signed_on);
  g_assert_false (harness_events.errored);
  PurpleConnection *gc = purple_account_get_connection (account);
  g_assert_nonnull (gc);
  g_assert_cmpint (purple_connection_get_state (gc), ==, PURPLE_CONNECTED);
  g_assert_cmpstr (purple_connection_get_display_name (gc), ==, "127.0.0.1");

  /* each sign-in step was reported, in order */
  GPtrArray *progress = harness_events.progress;
  const char *steps[] = { "access token", "WhoAmI", "workstream", "read access" };
  guint found = 0;
  for (guint i = 0; i < progress->len && found < G_N_ELEMENTS (steps); i++)
    if (strstr (progress->pdata[i], steps[found]))
      found++;
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (steps));

  PurpleStatus *status = purple_account_get_active_status (account);
  g_assert_cmpstr (purple_status_get_id (status), ==, "available");

  /* the four documented requests, each with a bearer token */
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  g_assert_cmpuint (json_array_get_length (requests), ==, 4);
  g_assert_true (strstr (json_object_get_string_member (json_array_get_object_element (requests, 0), "path"), "/oauth2/v2.0/token"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 1), "path"), ==, "/api/data/v9.2/WhoAmI");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (requests, 3), "has_bearer"));
}

typedef void (*Setup) (PurpleAccount *account);

static void wrong_secret (PurpleAccount *a) { purple_account_set_password (a, "wrong~secret-value"); }
static void secret_id_pasted (PurpleAccount *a) { purple_account_set_password (a, MOCK_SECRET_ID); }
static void secret_expired (PurpleAccount *a)
{
  harness_mock_post ("/_mock/scenario", "{\"secret_expired\":true}");
}
static void unknown_client (PurpleAccount *a) { purple_account_set_string (a, "client_id", "99999999-9999-4999-8999-999999999999"); }
static void unknown_tenant (PurpleAccount *a) { purple_account_set_string (a, "tenant_id", "88888888-8888-4888-8888-888888888888"); }
static void unknown_tenant_domain (PurpleAccount *a) { purple_account_set_string (a, "tenant_id", "fabrikam.onmicrosoft.com"); }
static void environment_not_in_tenant (PurpleAccount *a)
{
  /* the same server under another name: Entra has no such resource */
  g_autofree char *other = g_strdup_printf ("http://localhost:%s", strrchr (harness_mock_url (), ':') + 1);
  purple_account_set_username (a, other);
}
static void no_application_user (PurpleAccount *a)
{
  harness_mock_post ("/_mock/scenario", "{\"application_user\":false}");
}
static void missing_privilege (PurpleAccount *a)
{
  harness_mock_post ("/_mock/scenario", "{\"missing_privilege\":\"prvReadmsdyn_ocliveworkitem\"}");
}
static void queue_as_workstream (PurpleAccount *a) { purple_account_set_string (a, "workstream_id", MOCK_QUEUE); }
static void inactive_workstream (PurpleAccount *a) { purple_account_set_string (a, "workstream_id", MOCK_WORKSTREAM_INACTIVE); }
static void malformed_client (PurpleAccount *a) { purple_account_set_string (a, "client_id", "my-app-registration"); }
static void malformed_workstream (PurpleAccount *a) { purple_account_set_string (a, "workstream_id", "Live chat"); }
static void empty_tenant (PurpleAccount *a) { purple_account_set_string (a, "tenant_id", ""); }
static void plain_http_remote (PurpleAccount *a) { purple_account_set_username (a, "http://contoso.crm.dynamics.com"); }
static void closed_port (PurpleAccount *a) { purple_account_set_string (a, "authority", "http://127.0.0.1:1"); }
static void unknown_host (PurpleAccount *a) { purple_account_set_string (a, "authority", "https://login.nonexistent.invalid"); }

/* Faults the mock is given before the sign-in (POST /_mock/faults). */
#define THROTTLED "{\"count\":2,\"path_contains\":\"WhoAmI\",\"status\":429,\"retry_after\":\"30\"}"
#define SERVER_ERROR "{\"count\":2,\"path_contains\":\"msdyn_ocliveworkitems\",\"status\":503}"
#define TOKEN_ENDPOINT_DOWN "{\"count\":1,\"path_contains\":\"/oauth2/\",\"status\":500}"
#define DROPPED_CONNECTION "{\"count\":10,\"path_contains\":\"WhoAmI\",\"drop\":true}"
/* Omnichannel is not installed there: the conversations table is missing */
#define NOT_PROVISIONED "{\"count\":1,\"path_contains\":\"msdyn_ocliveworkitems\",\"status\":404}"

typedef struct {
  const char           *name;
  Setup                 setup;     /* NULL: nothing to change */
  PurpleConnectionError reason;
  const char           *needle;
  const char           *faults;    /* NULL: none */
} Row;

static const Row rows[] = {
  { "wrong-secret", wrong_secret, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "Value, not its Secret ID" },
  { "secret-id-pasted", secret_id_pasted, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "looks like a Secret ID" },
  { "secret-expired", secret_expired, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "has expired" },
  { "unknown-client", unknown_client, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "No app with client ID 99999999" },
  { "unknown-tenant", unknown_tenant, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "Directory (tenant) ID" },
  { "unknown-tenant-domain", unknown_tenant_domain, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "fabrikam.onmicrosoft.com was not found" },
  { "environment-not-in-tenant", environment_not_in_tenant, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "is not a resource in tenant" },
  { "no-application-user", no_application_user, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "no Application User" },
  { "missing-privilege", missing_privilege, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "prvReadmsdyn_ocliveworkitem" },
  { "not-provisioned", NULL, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "is not provisioned there", NOT_PROVISIONED },
  { "queue-as-workstream", queue_as_workstream, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "not a queue" },
  { "inactive-workstream", inactive_workstream, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "is inactive" },
  { "malformed-client-id", malformed_client, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "Client ID “my-app-registration” is not a GUID" },
  { "malformed-workstream-id", malformed_workstream, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "Workstream ID" },
  { "empty-tenant", empty_tenant, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "Tenant ID is empty" },
  { "plain-http-remote", plain_http_remote, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "plain http://" },
  /* transient: NETWORK_ERROR, so the UI reconnects; the message says when */
  { "closed-port", closed_port, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "Will retry automatically" },
  { "unknown-host", unknown_host, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "login.nonexistent.invalid" },
  { "throttled", NULL, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "throttling", THROTTLED },
  { "server-error", NULL, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "HTTP 503", SERVER_ERROR },
  { "token-endpoint-down", NULL, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "temporarily unavailable", TOKEN_ENDPOINT_DOWN },
  { "dropped-connection", NULL, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "Could not reach 127.0.0.1", DROPPED_CONNECTION },
};

/* The row's account, set up the row's way. */
static void
row_set_up (HarnessFixture *f, gconstpointer data)
{
  const Row *row = data;
  harness_fixture_set_up (f, &offline);
  if (row->setup)
    row->setup (f->account);
  if (row->faults)
    harness_mock_post ("/_mock/faults", row->faults);
}

static void
test_failure_row (HarnessFixture *f, gconstpointer data)
{
  const Row *row = data;
  harness_connect (f->account);
  assert_error (row->reason, row->needle);
  g_test_message ("%s → reason %d: %s", row->name, harness_events.reason, harness_events.description);
}

static void
test_throttle_names_retry_after (HarnessFixture *f, gconstpointer data)
{
  harness_mock_post ("/_mock/faults", THROTTLED);
  harness_connect (f->account);
  assert_error (PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "in 30 s");
}

static void
test_transient_then_success (HarnessFixture *f, gconstpointer data)
{
  PurpleAccount *account = f->account;
  harness_mock_post ("/_mock/faults",
      "{\"count\":2,\"path_contains\":\"WhoAmI\",\"status\":502}");

  harness_connect (account);
  assert_error (PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "HTTP 502");

  /* what the UI does after a non-fatal error: connect again. The plugin's
   * retry gate makes this wait a little (and says so), then it works. */
  harness_connect (account);
  g_assert_true (harness_events.signed_on);
  g_assert_false (harness_events.errored);
  gboolean waited = FALSE;
  for (guint i = 0; i < harness_events.progress->len; i++)
    waited |= strstr (harness_events.progress->pdata[i], "before trying again") != NULL;
  g_assert_true (waited);
}

static gboolean
errored (gpointer data)
{
  return harness_events.errored;
}

/* a mock whose tokens live 3 s: the plugin renews them in the background */
static const char *const short_tokens[] = { "--token-lifetime", "3", NULL };
static const HarnessOptions short_lived_tokens = { .mock_args = short_tokens };

static void
test_secret_expires_while_online (HarnessFixture *f, gconstpointer data)
{
  /* the secret expires while online: the next renewal fails, and the user
   * gets the same precise message as at sign-in */
  harness_mock_post ("/_mock/scenario", "{\"secret_expired\":true}");
  harness_run_until (errored, NULL, 15);
  g_assert_cmpint (harness_events.reason, ==, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (harness_events.description, "has expired"));
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (NULL);

  HARNESS_ADD ("/signin/succeeds", &offline, test_sign_in_succeeds);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/signin/failure/%s", rows[i].name);
      g_test_add (path, HarnessFixture, &rows[i], row_set_up, test_failure_row, harness_fixture_tear_down);
    }
  HARNESS_ADD ("/signin/throttle-names-retry-after", &offline, test_throttle_names_retry_after);
  HARNESS_ADD ("/signin/transient-then-success", &offline, test_transient_then_success);
  HARNESS_ADD ("/signin/secret-expires-while-online", &short_lived_tokens, test_secret_expires_while_online);
  return harness_run_tests ();
}
