/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-service.c — OcService against the in-process mock Dynamics server
 * (src/mock, real HTTP on 127.0.0.1): every door accepts through it, online
 * or offline, and front ends get each presence change once. No libpurple. */

#include "mock-server.h"
#include "oc-error.h"
#include "oc-service.h"
#include "oc-test-fs.h"
#include "oc-test-seed.h"

#define CONV "msdyn_ocliveworkitems"

typedef struct {
  char *status_id;
  char *previous;
  char *announcement;
  char *message;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;
  g_free (change->status_id);
  g_free (change->previous);
  g_free (change->announcement);
  g_free (change->message);
  g_free (change);
}

typedef struct {
  MockServer   *mock;
  OcSettings   *settings;
  OcConnection *connection;
  char         *root;
  OcService    *service;
  GPtrArray    *changes;     /* Change* of presence-changed, in order */
  GPtrArray    *removed;     /* char* of handoff-removed */
  GPtrArray    *rejected;    /* char* file names of rejected */
  guint         added;
  OcHandoff    *current;     /* the handoff the case looks at (the service owns it) */
} Fixture;

/* Iterates the main context until *@flag or 10 s (a failure). */
static void
wait_for (gboolean (*done) (Fixture *f), Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (oc_connection_sign_in_finish (OC_CONNECTION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
on_presence (OcService *service, OcHandoff *handoff, const char *previous, const char *status_id,
             const char *message, const char *announcement, gpointer user_data)
{
  Fixture *f = user_data;
  g_assert_nonnull (message);
  Change *change = g_new0 (Change, 1);
  change->status_id = g_strdup (status_id);
  change->previous = g_strdup (previous);
  change->announcement = g_strdup (announcement);
  change->message = g_strdup (message);
  g_ptr_array_add (f->changes, change);
}

static void
on_removed (OcService *service, const char *id, gpointer user_data)
{
  g_ptr_array_add (((Fixture *) user_data)->removed, g_strdup (id));
}

static void
on_rejected (OcService *service, const char *name, const char *reason, gpointer user_data)
{
  g_ptr_array_add (((Fixture *) user_data)->rejected, g_strdup (name));
}

static void
on_added (OcService *service, OcHandoff *handoff, gpointer user_data)
{
  ((Fixture *) user_data)->added++;
}

static OcService *
open_service (Fixture *f, OcConnection *connection)
{
  g_autoptr(GError) error = NULL;
  OcService *service = oc_service_new (connection, f->root, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "presence-changed", G_CALLBACK (on_presence), f);
  g_signal_connect (service, "handoff-removed", G_CALLBACK (on_removed), f);
  g_signal_connect (service, "rejected", G_CALLBACK (on_rejected), f);
  g_signal_connect (service, "handoff-added", G_CALLBACK (on_added), f);
  if (connection)
    oc_watcher_set_intervals (oc_service_get_watcher (service), 1, 1);
  return service;
}

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->mock = mock_server_new ();
  g_assert_true (mock_server_load_seed (f->mock, g_getenv ("MOCK_SEED"), &error));
  g_assert_no_error (error);
  mock_server_set_routing_delays (f->mock, 0, 0, 0);   /* only the test changes states */
  g_assert_true (mock_server_listen (f->mock, 0, &error));

  f->settings = oc_settings_new ();
  g_free (f->settings->authority);
  f->settings->environment = g_strdup (mock_server_get_url (f->mock));
  f->settings->authority = g_strdup (mock_server_get_url (f->mock));
  f->settings->tenant_id = g_strdup (SEED_TENANT);
  f->settings->client_id = g_strdup (SEED_CLIENT);
  f->settings->client_secret = g_strdup (SEED_SECRET);
  f->settings->workstream_id = g_strdup (SEED_WORKSTREAM);
  f->settings->show = OC_SHOW_INTEGRATION;
  f->settings->closed_retention_hours = GPOINTER_TO_UINT (data);
  f->connection = oc_connection_new (f->settings, &error);
  g_assert_no_error (error);
  OcBackoff fast = { 20, 80 };
  oc_web_api_set_backoff (oc_connection_get_web_api (f->connection), &fast);
  gboolean signed_in = FALSE;
  oc_connection_sign_in_async (f->connection, NULL, on_signed_in, &signed_in);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!signed_in && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (signed_in);

  f->root = g_dir_make_tmp ("oc-service-XXXXXX", &error);
  g_assert_no_error (error);
  f->changes = g_ptr_array_new_with_free_func (change_free);
  f->removed = g_ptr_array_new_with_free_func (g_free);
  f->rejected = g_ptr_array_new_with_free_func (g_free);
  f->service = open_service (f, f->connection);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  oc_service_stop (f->service);
  oc_connection_close (f->connection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->service);
  g_clear_object (&f->connection);
  oc_settings_free (f->settings);
  g_clear_object (&f->mock);
  oc_test_remove_tree (f->root);
  g_free (f->root);
  g_ptr_array_unref (f->changes);
  g_ptr_array_unref (f->removed);
  g_ptr_array_unref (f->rejected);
}

static OcSession *
make_session (const char *id)
{
  OcSession *session = oc_session_new (id, "web");
  oc_session_set_summary (session, "Refund for order 1182");
  oc_session_add_line (session, "customer", "Please pass me to a person.", NULL);
  return session;
}

/* Starts the service with @parts, accepts a new session @id, and makes its
 * handoff the current one. */
static void
start_and_accept (Fixture *f, OcServiceParts parts, const char *id)
{
  oc_service_start (f->service, parts, NULL);
  g_autoptr(OcSession) session = make_session (id);
  g_assert_true (oc_service_accept (f->service, session, NULL, NULL));
  f->current = oc_service_lookup (f->service, id);
}

static gboolean
is_created (Fixture *f)
{
  return oc_handoff_get_phase (f->current) == OC_HANDOFF_PHASE_CREATED;
}

static gboolean
is_failed (Fixture *f)
{
  return oc_handoff_get_phase (f->current) == OC_HANDOFF_PHASE_FAILED;
}

static const char *
last_status (Fixture *f)
{
  return f->changes->len ? ((Change *) f->changes->pdata[f->changes->len - 1])->status_id : NULL;
}

static gboolean
is_shown_open (Fixture *f)
{
  return g_strcmp0 (last_status (f), "open") == 0;
}

static gboolean
is_shown_closed (Fixture *f)
{
  return g_strcmp0 (last_status (f), "closed") == 0;
}

static gboolean
is_removed (Fixture *f)
{
  return f->removed->len > 0;
}

static guint
count_posts (Fixture *f)
{
  return mock_server_count_requests (f->mock, "POST", CONV);
}

/* Online: stored, created in Dynamics, then mirrored by the watcher. */
static void
test_accept_online (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (oc_service_start (f->service, OC_SERVICE_ALL, &error));
  g_assert_no_error (error);

  g_autoptr(OcSession) session = make_session ("svc-online-1");
  gboolean known = TRUE;
  g_assert_true (oc_service_accept (f->service, session, &known, &error));
  g_assert_no_error (error);
  g_assert_false (known);
  g_assert_true (oc_store_contains (oc_service_get_store (f->service), "svc-online-1"));

  f->current = oc_service_lookup (f->service, "svc-online-1");
  g_assert_nonnull (f->current);
  g_assert_cmpuint (f->added, ==, 1);
  wait_for (is_created, f);
  g_autoptr(JsonNode) record = mock_server_dup_record (f->mock, CONV, oc_handoff_get_record_id (f->current));
  g_assert_nonnull (record);

  /* the watcher learns of the new record from the engine, not from a front end */
  wait_for (is_shown_open, f);
  g_assert_cmpuint (count_posts (f), ==, 1);
}

/* The same id twice: known, nothing sent twice. */
static void
test_duplicate (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  oc_service_start (f->service, OC_SERVICE_WATCH, NULL);
  g_autoptr(OcSession) first = make_session ("svc-dup");
  g_autoptr(OcSession) second = make_session ("svc-dup");
  gboolean known = TRUE;
  g_assert_true (oc_service_accept (f->service, first, &known, &error));
  g_assert_false (known);
  f->current = oc_service_lookup (f->service, "svc-dup");
  wait_for (is_created, f);
  g_assert_true (oc_service_accept (f->service, second, &known, &error));
  g_assert_no_error (error);
  g_assert_true (known);
  g_assert_true (oc_service_lookup (f->service, "svc-dup") == f->current);
  g_assert_cmpuint (f->added, ==, 1);
  g_assert_cmpuint (count_posts (f), ==, 1);
}

/* Offline: stored through the same validation, sent by the next start. */
static void
test_offline_then_resume (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcService) offline = open_service (f, NULL);
  g_assert_null (oc_service_get_engine (offline));

  g_autoptr(OcSession) session = make_session ("svc-offline");
  gboolean known = TRUE;
  g_assert_true (oc_service_accept (offline, session, &known, &error));
  g_assert_no_error (error);
  g_assert_false (known);
  g_assert_null (oc_service_lookup (offline, "svc-offline"));
  g_assert_true (oc_service_accept (offline, session, &known, &error));
  g_assert_true (known);

  /* a document that breaks a rule is refused offline as online */
  g_autoptr(OcSession) bad = oc_session_new ("svc-bad", "web");
  oc_session_set_customer (bad, "Eve", "not an address", FALSE, NULL);
  g_assert_false (oc_service_accept (offline, bad, NULL, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (oc_store_contains (oc_service_get_store (offline), "svc-bad"));
  g_assert_cmpuint (count_posts (f), ==, 0);

  /* the account signs in: the stored session is resumed */
  oc_service_start (f->service, 0, NULL);
  f->current = oc_service_lookup (f->service, "svc-offline");
  g_assert_nonnull (f->current);
  wait_for (is_created, f);
  g_assert_cmpuint (count_posts (f), ==, 1);
}

/* A transient failure (503) is retried by itself; the record is made once. */
static void
test_transient_retry (Fixture *f, gconstpointer data)
{
  mock_server_add_fault (f->mock, "{\"method\":\"POST\",\"path_contains\":\"" CONV "\",\"status\":503,"
                                  "\"retry_after\":\"0\",\"count\":2}");
  start_and_accept (f, 0, "svc-transient");
  wait_for (is_created, f);
  g_assert_cmpuint (count_posts (f), ==, 3);
  g_assert_nonnull (mock_server_dup_record (f->mock, CONV, oc_handoff_get_record_id (f->current)));
}

/* A permanent failure stops and says so once; retry starts it again. */
static void
test_permanent_failure (Fixture *f, gconstpointer data)
{
  mock_server_add_fault (f->mock, "{\"method\":\"POST\",\"path_contains\":\"" CONV "\",\"status\":400,"
                                  "\"body\":{\"error\":{\"code\":\"0x80040203\",\"message\":\"bad column\"}}}");
  start_and_accept (f, 0, "svc-permanent");
  wait_for (is_failed, f);
  g_assert_cmpstr (last_status (f), ==, "failed");
  Change *failed = f->changes->pdata[f->changes->len - 1];
  g_assert_cmpstr (failed->previous, ==, "handing-off");
  g_assert_nonnull (failed->announcement);
  guint failed_changes = f->changes->len;

  g_assert_false (oc_service_retry (f->service, "no-such-session"));
  g_assert_true (oc_service_retry (f->service, "svc-permanent"));
  wait_for (is_created, f);
  g_assert_cmpuint (count_posts (f), ==, 2);
  g_assert_cmpuint (f->changes->len, >, failed_changes);
}

static void
set_state (Fixture *f, int statecode, int statuscode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"entity\":\"" CONV "\",\"id\":\"%s\",\"statecode\":%d,"
                                           "\"statuscode\":%d,\"agent\":\"" SEED_REP1 "\"}",
                                           oc_handoff_get_record_id (f->current), statecode, statuscode);
  g_autoptr(JsonNode) record = mock_server_set_state (f->mock, json, &error);
  g_assert_no_error (error);
}

static gboolean
is_shown_active (Fixture *f)
{
  return g_strcmp0 (last_status (f), "active") == 0;
}

/* Each status is said once, with its line; polls that find nothing new say
 * nothing. */
static void
test_presence_once (Fixture *f, gconstpointer data)
{
  start_and_accept (f, OC_SERVICE_WATCH, "svc-presence");
  wait_for (is_shown_open, f);
  set_state (f, 0, 2);
  wait_for (is_shown_active, f);

  /* two more polls that see no change add nothing */
  guint seen = f->changes->len;
  guint polls = oc_watcher_get_polls (oc_service_get_watcher (f->service));
  while (oc_watcher_get_polls (oc_service_get_watcher (f->service)) < polls + 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->changes->len, ==, seen);

  /* Each status is entered once, with its announcement. The message alone
   * may change in between (the first poll adds the queue's name to
   * "Waiting"): that is a change without an announcement. */
  const char *expected[] = { "handing-off", "open", "active" };
  guint entered = 0;
  const char *accepted = NULL;
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = f->changes->pdata[i];
      if (g_strcmp0 (change->previous, change->status_id) == 0)
        {
          g_assert_null (change->announcement);
          g_assert_cmpstr (change->message, !=, ((Change *) f->changes->pdata[i - 1])->message);
          continue;
        }
      g_assert_cmpuint (entered, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (change->status_id, ==, expected[entered]);
      g_assert_cmpstr (change->previous, ==, entered ? expected[entered - 1] : NULL);
      g_assert_nonnull (change->announcement);
      accepted = change->announcement;
      entered++;
    }
  g_assert_cmpuint (entered, ==, G_N_ELEMENTS (expected));
  g_assert_true (g_str_has_prefix (accepted, "Alex Smith accepted"));
}

/* Closed with a retention of 0 hours: shown closed, then removed. */
static void
test_retention (Fixture *f, gconstpointer data)
{
  start_and_accept (f, OC_SERVICE_WATCH | OC_SERVICE_EXPIRE, "svc-retention");
  wait_for (is_shown_open, f);
  set_state (f, 1, 4);
  wait_for (is_shown_closed, f);
  wait_for (is_removed, f);
  g_assert_cmpstr (f->removed->pdata[0], ==, "svc-retention");
  g_assert_null (oc_service_lookup (f->service, "svc-retention"));
  g_assert_cmpuint (oc_service_list (f->service)->len, ==, 0);
  /* the record and the stored file stay */
  g_assert_true (oc_store_contains (oc_service_get_store (f->service), "svc-retention"));

  /* after a restart the stored session is tracked again until the watcher
   * says it is closed: then it leaves again */
  oc_service_stop (f->service);
  g_ptr_array_set_size (f->removed, 0);
  oc_service_start (f->service, OC_SERVICE_WATCH | OC_SERVICE_EXPIRE, NULL);
  f->current = oc_service_lookup (f->service, "svc-retention");
  g_assert_nonnull (f->current);
  wait_for (is_removed, f);
  g_assert_cmpstr (f->removed->pdata[0], ==, "svc-retention");
}

static gboolean
is_rejected (Fixture *f)
{
  return f->rejected->len > 0;
}

/* The inbox is one of the service's intakes; its refusals reach ::rejected. */
static void
test_inbox_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  OcStore *store = oc_service_get_store (f->service);
  g_autofree char *path = g_build_filename (oc_store_get_inbox_dir (store), "broken.json", NULL);
  g_assert_true (g_file_set_contents (path, "{\"id\": 7}", -1, &error));
  g_assert_true (oc_service_start (f->service, OC_SERVICE_INBOX, &error));
  g_assert_no_error (error);
  wait_for (is_rejected, f);
  g_assert_cmpstr (f->rejected->pdata[0], ==, "broken.json");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("MOCK_SEED") == NULL)
    g_setenv ("MOCK_SEED", OC_TEST_MOCK_SEED, TRUE);
#define ADD(path, func, retention) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (retention), set_up, func, tear_down)
  ADD ("/service/accept-online", test_accept_online, 24);
  ADD ("/service/duplicate", test_duplicate, 24);
  ADD ("/service/offline-then-resume", test_offline_then_resume, 24);
  ADD ("/service/transient-retry", test_transient_retry, 24);
  ADD ("/service/permanent-failure", test_permanent_failure, 24);
  ADD ("/service/presence-once", test_presence_once, 24);
  ADD ("/service/retention", test_retention, 0);
  ADD ("/service/inbox-rejected", test_inbox_rejected, 24);
  return g_test_run ();
}
