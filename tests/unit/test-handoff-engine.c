/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Handoff engine against hostile or unlucky answers: a duplicate key carried
 * by HTTP 500, ambiguous create failures (5xx, timeout) that are verified by
 * reading the record before creating again, throttling that is not
 * ambiguous, and wrong-typed members in the answers it reads. Every test
 * counts the POSTs the server saw. */
#include <string.h>

#include "oc-error.h"
#include "test-client.h"

typedef TestClient Fixture;

static guint
count (Fixture *f, const char *prefix)
{
  return test_client_count (f, prefix);
}

static gboolean
settled (OcHandoff *handoff)
{
  return oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_PENDING;
}

static OcHandoff *
submit_and_wait (Fixture *f, OcSession *session)
{
  g_autoptr(GError) error = NULL;
  OcHandoff *handoff = oc_handoff_engine_submit (f->engine, session, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (handoff);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!settled (handoff))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return handoff;
}

static OcSession *
chat_session (const char *id)
{
  OcSession *session = oc_session_new (id, "web");
  oc_session_set_summary (session, "Customer asks about SSO");
  return session;
}

#define DUPLICATE_BODY "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}"
#define NOT_FOUND_BODY "{\"error\":{\"code\":\"0x80040217\",\"message\":\"Does Not Exist\"}}"

static void
test_duplicate_as_500 (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = chat_session ("dup-500");
  test_server_script (f->server, 500, DUPLICATE_BODY, NULL, 0);
  test_server_script (f->server, 200, "{\"activityid\":\"00000000-0000-4000-8000-000000000001\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  /* one create, then the record is read back by its deterministic id */
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/msdyn_ocliveworkitems"), ==, 1);
  g_autofree char *read = g_strdup_printf ("GET /api/data/v9.2/msdyn_ocliveworkitems(%s)",
                                           oc_handoff_get_record_id (handoff));
  g_assert_cmpuint (count (f, read), ==, 1);
  /* a duplicate is not a failure to wait on and retry */
  g_assert_cmpuint (oc_handoff_get_attempts (handoff), ==, 0);
}

static void
test_ambiguous_5xx_verified_before_creating_again (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = chat_session ("ambiguous-missing");
  /* two ambiguous failures, each followed by a read that finds nothing */
  test_server_script (f->server, 503, NULL, NULL, 0);
  test_server_script (f->server, 404, NOT_FOUND_BODY, NULL, 0);
  test_server_script (f->server, 500, "{\"error\":{\"code\":\"0x80040216\",\"message\":\"Generic SQL error.\"}}", NULL, 0);
  test_server_script (f->server, 404, NOT_FOUND_BODY, NULL, 0);
  test_server_script (f->server, 201, "{\"activityid\":\"00000000-0000-4000-8000-000000000002\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  /* at most one more create per ambiguous failure, each after a read */
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/msdyn_ocliveworkitems"), ==, 3);
  g_assert_cmpuint (count (f, "GET /api/data/v9.2/msdyn_ocliveworkitems("), ==, 2);
  GPtrArray *paths = f->server->api_paths;
  for (guint i = f->requests_before; i + 1 < paths->len; i++)
    if (g_str_has_prefix (paths->pdata[i], "POST"))
      g_assert_true (g_str_has_prefix (paths->pdata[i + 1], "GET"));
  g_assert_cmpuint (oc_handoff_get_attempts (handoff), ==, 2);
}

static void
test_ambiguous_5xx_record_exists (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = chat_session ("ambiguous-exists");
  test_server_script (f->server, 502, NULL, NULL, 0);
  test_server_script (f->server, 200, "{\"activityid\":\"00000000-0000-4000-8000-000000000003\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/msdyn_ocliveworkitems"), ==, 1);
  g_assert_cmpuint (count (f, "GET /api/data/v9.2/msdyn_ocliveworkitems("), ==, 1);
}

static void
test_timeout_is_ambiguous (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = chat_session ("timeout");
  oc_connection_set_timeout (f->connection, 1);
  /* the server creates it, but answers after the client gave up */
  test_server_script (f->server, 201, "{\"activityid\":\"00000000-0000-4000-8000-000000000004\"}", NULL, 2500);
  test_server_script (f->server, 200, "{\"activityid\":\"00000000-0000-4000-8000-000000000004\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/msdyn_ocliveworkitems"), ==, 1);
  g_assert_cmpuint (count (f, "GET /api/data/v9.2/msdyn_ocliveworkitems("), ==, 1);
}

static void
test_throttled_create_is_not_ambiguous (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = chat_session ("throttled");
  test_server_script (f->server, 429, NULL, "0", 0);
  test_server_script (f->server, 201, "{\"activityid\":\"00000000-0000-4000-8000-000000000005\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  /* a 429 was refused unprocessed: created again without a read */
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/msdyn_ocliveworkitems"), ==, 2);
  g_assert_cmpuint (count (f, "GET /api/data/v9.2/msdyn_ocliveworkitems("), ==, 0);
}

static void
test_contact_create_verified (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = oc_session_new ("case-contact", "phone");
  oc_session_set_summary (session, "Printer on fire");
  oc_session_set_customer (session, "Ada", "ada@example.com", TRUE, NULL);

  test_server_script (f->server, 200, "{\"value\":[]}", NULL, 0);          /* lookup: no contact */
  test_server_script (f->server, 504, NULL, NULL, 0);                      /* create: ambiguous */
  test_server_script (f->server, 404, NOT_FOUND_BODY, NULL, 0);            /* read: absent */
  test_server_script (f->server, 201, "{\"contactid\":\"c0a7ac70-0000-4000-8000-000000000001\"}", NULL, 0);
  test_server_script (f->server, 201, "{\"incidentid\":\"00000000-0000-4000-8000-000000000006\","
                                      "\"ticketnumber\":\"CAS-01001\"}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  g_assert_cmpstr (oc_handoff_get_ticket_number (handoff), ==, "CAS-01001");
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/contacts"), ==, 2);
  g_assert_cmpuint (count (f, "GET /api/data/v9.2/contacts("), ==, 1);
  g_assert_cmpuint (count (f, "POST /api/data/v9.2/incidents"), ==, 1);
  g_assert_nonnull (oc_handoff_get_contact_id (handoff));
}

static void
test_wrong_types_in_contact_lookup (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = oc_session_new ("case-typed", "phone");
  oc_session_set_customer (session, "Ada", "ada@example.com", TRUE, NULL);
  /* an object where the contact id belongs: a clear failure, not a critical */
  test_server_script (f->server, 200, "{\"value\":[{\"contactid\":{\"id\":1}}]}", NULL, 0);

  OcHandoff *handoff = submit_and_wait (f, session);
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_FAILED);
  const GError *error = oc_handoff_get_error (handoff);
  g_assert_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "value[0].contactid: must be a string, not an object"));
  g_assert_cmpuint (count (f, "POST"), ==, 0);
}

static void
test_wrong_type_ticket_number (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = oc_session_new ("case-ticket", "phone");
  oc_session_set_summary (session, "No email");
  /* the case exists either way: the wrong-typed number is reported, left unknown */
  test_server_script (f->server, 201, "{\"incidentid\":\"00000000-0000-4000-8000-000000000007\","
                                      "\"ticketnumber\":[\"CAS\"]}", NULL, 0);
  g_test_expect_message ("omnichannel", G_LOG_LEVEL_WARNING, "*ticketnumber: must be a string, not an array*");
  OcHandoff *handoff = submit_and_wait (f, session);
  g_test_assert_expected_messages ();
  g_assert_cmpint (oc_handoff_get_phase (handoff), ==, OC_HANDOFF_PHASE_CREATED);
  g_assert_null (oc_handoff_get_ticket_number (handoff));
  g_assert_cmpuint (count (f, "POST"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, test_client_set_up, fn, test_client_tear_down)
  ADD ("/handoff-engine/duplicate-as-500", test_duplicate_as_500);
  ADD ("/handoff-engine/ambiguous-5xx-verified-before-creating-again", test_ambiguous_5xx_verified_before_creating_again);
  ADD ("/handoff-engine/ambiguous-5xx-record-exists", test_ambiguous_5xx_record_exists);
  ADD ("/handoff-engine/timeout-is-ambiguous", test_timeout_is_ambiguous);
  ADD ("/handoff-engine/throttled-create-is-not-ambiguous", test_throttled_create_is_not_ambiguous);
  ADD ("/handoff-engine/contact-create-verified", test_contact_create_verified);
  ADD ("/handoff-engine/wrong-types-in-contact-lookup", test_wrong_types_in_contact_lookup);
  ADD ("/handoff-engine/wrong-type-ticket-number", test_wrong_type_ticket_number);
#undef ADD
  return g_test_run ();
}
