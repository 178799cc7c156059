/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buddy presence for each handoff state (SPEC §6.1), the announcements of
 * changes, and the watcher's filters (SPEC §6.2). */
#include <string.h>

#include "oc-connection.h"
#include "oc-enum-types.h"
#include "oc-error.h"
#include "oc-presence.h"
#include "oc-watcher.h"
#include "oc-handoff-private.h"

#define ENV "https://contoso.crm.dynamics.com"

static OcHandoff *
chat_handoff (void)
{
  g_autoptr(OcSession) session = oc_session_new ("sess_1", "web");
  oc_session_set_customer (session, "Ada <b>Lovelace</b>", NULL, FALSE, NULL);
  return oc_handoff_new (session, ENV);
}

static void
set_live (OcHandoff *handoff, int statecode, int statuscode, const char *reason, const char *agent,
          const char *queue, gint64 created, gint64 modified)
{
  OcLiveState live = { .statecode = statecode, .statuscode = statuscode, .reason = (char *) reason,
                       .agent_name = (char *) agent, .queue_name = (char *) queue,
                       .created_on = created, .modified_on = modified };
  oc_handoff_set_live (handoff, &live);
}

static void
expect (OcHandoff *handoff, const char *status_id, const char *message)
{
  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_get_real_time (), &presence);
  g_assert_cmpstr (presence.status_id, ==, status_id);
  if (strstr (presence.message, message) == NULL)
    g_error ("“%s” lacks “%s”", presence.message, message);
  oc_presence_clear (&presence);
}

static guint changes;
static void on_changed (OcHandoff *handoff, gpointer data) { changes++; }

static void
test_conversation_states (void)
{
  g_autoptr(OcHandoff) handoff = chat_handoff ();
  g_signal_connect (handoff, "changed", G_CALLBACK (on_changed), NULL);

  expect (handoff, "handing-off", "Handing off…");
  g_autoptr(GError) busy = g_error_new_literal (OC_ERROR, OC_ERROR_SERVER, "HTTP 503");
  oc_handoff_set_retrying (handoff, busy, g_get_real_time () + 40 * G_USEC_PER_SEC);
  expect (handoff, "handing-off", "retry in 40 s");

  oc_handoff_set_created (handoff, NULL);
  expect (handoff, "open", "Waiting");
  changes = 0;
  set_live (handoff, 0, 1, "AwaitingAgentAssignment", NULL, "Tier 1 Chat", 1000, 1000);
  expect (handoff, "open", "Waiting · Tier 1 Chat");
  g_assert_cmpuint (changes, ==, 1);
  /* the same row again (the watermark overlap) is not a change */
  set_live (handoff, 0, 1, "AwaitingAgentAssignment", NULL, "Tier 1 Chat", 1000, 1000);
  g_assert_cmpuint (changes, ==, 1);

  set_live (handoff, 0, 2, "InConversation", "Alex <Smith> & co", "Tier 1 Chat", 1000, 1133);
  expect (handoff, "active", "With Alex <Smith> & co");
  g_autofree char *accepted = oc_presence_announce (handoff, "open", g_get_real_time ());
  g_assert_cmpstr (accepted, ==, "Alex <Smith> & co accepted after 2 min 13 s.");
  g_assert_null (oc_presence_announce (handoff, "active", g_get_real_time ()));

  set_live (handoff, 0, 3, "AwaitingCustomerResponse", "Alex <Smith> & co", "Tier 1 Chat", 1000, 1200);
  expect (handoff, "waiting", "On hold · Alex");
  set_live (handoff, 0, 5, "AgentMovedToWrapUp", "Alex <Smith> & co", "Tier 1 Chat", 1000, 1300);
  expect (handoff, "wrap-up", "Wrap-up · Alex");
  set_live (handoff, 1, 4, "ConversationEndedByAgent", "Alex <Smith> & co", "Tier 1 Chat", 1000, 1400);
  expect (handoff, "closed", "Closed · Conversation ended by agent");
  g_autofree char *closed = oc_presence_announce (handoff, "wrap-up", g_get_real_time ());
  g_assert_cmpstr (closed, ==, "Closed: conversation ended by agent.");
  g_assert_cmpuint (changes, ==, 5);
}

static void
test_failed_and_case (void)
{
  g_autoptr(OcHandoff) failed = chat_handoff ();
  g_autoptr(GError) error = g_error_new_literal (OC_ERROR, OC_ERROR_FORBIDDEN, "lacks prvCreatemsdyn_ocliveworkitem");
  oc_handoff_set_failed (failed, error);
  expect (failed, "failed", "prvCreatemsdyn_ocliveworkitem");
  g_autofree char *line = oc_presence_announce (failed, "handing-off", g_get_real_time ());
  g_assert_true (g_str_has_prefix (line, "Handoff failed: "));

  g_autoptr(OcSession) session = oc_session_new ("call_1", "phone");
  g_autoptr(OcHandoff) handoff = oc_handoff_new (session, ENV);
  g_assert_cmpint (oc_handoff_get_path (handoff), ==, OC_HANDOFF_PATH_CASE);
  g_assert_nonnull (strstr (oc_handoff_get_path_reason (handoff), "not web, sms or whatsapp"));
  oc_handoff_set_created (handoff, "CAS-01001-ABC123");
  set_live (handoff, 0, 1, NULL, NULL, "Billing Cases", 10, 10);
  expect (handoff, "case-open", "Case CAS-01001-ABC123 · Billing Cases");
  set_live (handoff, 1, 5, NULL, NULL, NULL, 10, 20);
  expect (handoff, "closed", "Closed · Case CAS-01001-ABC123");
}

static void
test_deterministic_ids (void)
{
  g_autoptr(OcSession) a = oc_session_new ("sess_1", "web");
  g_autoptr(OcSession) b = oc_session_new ("sess_1", "sms");
  g_autoptr(OcHandoff) one = oc_handoff_new (a, ENV);
  g_autoptr(OcHandoff) two = oc_handoff_new (b, ENV);
  g_autoptr(OcHandoff) other_env = oc_handoff_new (a, "https://fabrikam.crm.dynamics.com");
  g_assert_cmpstr (oc_handoff_get_record_id (one), ==, oc_handoff_get_record_id (two));
  g_assert_cmpstr (oc_handoff_get_record_id (one), !=, oc_handoff_get_record_id (other_env));
}

static void
test_humanize_and_durations (void)
{
  g_autofree char *a = oc_presence_humanize_reason ("ConversationEndedByAgent");
  g_assert_cmpstr (a, ==, "conversation ended by agent");
  g_autofree char *b = oc_presence_humanize_reason ("CutomerMovedToWrapUp");
  g_assert_cmpstr (b, ==, "cutomer moved to wrap up");
  g_assert_null (oc_presence_humanize_reason (""));
  g_autofree char *d1 = oc_presence_format_duration (45);
  g_autofree char *d2 = oc_presence_format_duration (133);
  g_autofree char *d3 = oc_presence_format_duration (3900);
  g_autofree char *d4 = oc_presence_format_duration (-5);
  g_assert_cmpstr (d1, ==, "45 s");
  g_assert_cmpstr (d2, ==, "2 min 13 s");
  g_assert_cmpstr (d3, ==, "1 h 5 min");
  g_assert_cmpstr (d4, ==, "0 s");
}

static void
test_watcher_filters (void)
{
  const char *user = "a1b2c3d4-0000-4000-8000-000000000001";
  const char *ws = "e5f6a7b8-1111-4111-8111-111111111111";
  gint64 now = 1795000000;   /* 2026-11-18T… */

  g_autofree char *first = oc_watcher_build_filter (OC_SHOW_INTEGRATION, user, ws, 0, now, 24 * 3600);
  g_assert_cmpstr (first, ==, "_createdby_value eq a1b2c3d4-0000-4000-8000-000000000001 and "
                              "(statecode eq 0 or modifiedon ge 2026-11-17T11:06:40Z)");
  g_autofree char *next = oc_watcher_build_filter (OC_SHOW_MINE, user, ws, now, now, 24 * 3600);
  g_assert_cmpstr (next, ==, "_createdby_value eq a1b2c3d4-0000-4000-8000-000000000001 and "
                             "modifiedon ge 2026-11-18T11:06:35Z");
  g_autofree char *workstream = oc_watcher_build_filter (OC_SHOW_WORKSTREAM, user, ws, now, now, 3600);
  g_assert_true (g_str_has_prefix (workstream, "_msdyn_liveworkstreamid_value eq e5f6a7b8-1111-4111-8111-111111111111 and "));
}

/* The persistent ids (SPEC §10) come from one table, and the GObject enum
 * type generated from the header names them alike. */
static void
test_status_ids (void)
{
  static const char *const spec[] = { "handing-off", "failed", "open", "active", "waiting", "wrap-up",
                                      "case-open", "closed" };
  g_assert_cmpuint (G_N_ELEMENTS (spec), ==, OC_PRESENCE_N_STATUSES);
  GEnumClass *klass = g_type_class_ref (OC_TYPE_PRESENCE_STATUS);
  for (guint i = 0; i < OC_PRESENCE_N_STATUSES; i++)
    {
      OcPresenceStatus status = OC_PRESENCE_CLOSED;
      g_assert_cmpstr (oc_presence_status_to_id (i), ==, spec[i]);
      g_assert_true (oc_presence_status_from_id (spec[i], &status));
      g_assert_cmpint (status, ==, i);
      g_assert_cmpstr (g_enum_get_value (klass, i)->value_nick, ==, spec[i]);
    }
  g_type_class_unref (klass);
  OcPresenceStatus untouched = OC_PRESENCE_OPEN;
  g_assert_false (oc_presence_status_from_id ("Closed", &untouched));
  g_assert_false (oc_presence_status_from_id (NULL, &untouched));
  g_assert_cmpint (untouched, ==, OC_PRESENCE_OPEN);

  g_assert_cmpstr (oc_handoff_phase_to_string (OC_HANDOFF_PHASE_PENDING), ==, "pending");
  g_assert_cmpstr (oc_handoff_phase_to_string (OC_HANDOFF_PHASE_FAILED), ==, "failed");
  g_assert_cmpstr (oc_handoff_phase_to_string (OC_HANDOFF_PHASE_CREATED), ==, "created");
  g_assert_cmpstr (oc_handoff_path_to_string (OC_HANDOFF_PATH_CASE), ==, "case");
  g_assert_cmpstr (oc_handoff_path_to_string (OC_HANDOFF_PATH_CONVERSATION), ==, "conversation");

  /* the connection's state is an enum property */
  gpointer connection_class = g_type_class_ref (OC_TYPE_CONNECTION);
  GParamSpec *pspec = g_object_class_find_property (connection_class, "state");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (pspec->value_type == OC_TYPE_CONNECTION_STATE);
  g_type_class_unref (connection_class);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/presence/conversation-states", test_conversation_states);
  g_test_add_func ("/presence/status-ids", test_status_ids);
  g_test_add_func ("/presence/failed-and-case", test_failed_and_case);
  g_test_add_func ("/presence/deterministic-ids", test_deterministic_ids);
  g_test_add_func ("/presence/humanize-and-durations", test_humanize_and_durations);
  g_test_add_func ("/presence/watcher-filters", test_watcher_filters);
  return g_test_run ();
}
