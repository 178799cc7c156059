/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stuck-handoff alerts: the thresholds' validation, the state a handoff is
 * in, once per state, cleared on assignment, and the timer that raises an
 * alert when no row arrives. */
#include <string.h>

#include "oc-alerts.h"
#include "oc-codes.h"
#include "oc-error.h"
#include "oc-handoff-private.h"
#include "oc-json.h"
#include "oc-watcher-rows.h"

#define ENV "https://contoso.crm.dynamics.com"

typedef struct {
  guint       raised, cleared;
  int         last_kind;
  guint       last_elapsed, last_threshold;
  char       *last_line;
  GMainLoop  *loop;
} Seen;

static void
on_raised (OcAlerts *alerts, OcHandoff *handoff, OcAlertKind kind, guint elapsed, guint threshold,
           const char *line, gpointer data)
{
  Seen *seen = data;
  seen->raised++;
  seen->last_kind = kind;
  seen->last_elapsed = elapsed;
  seen->last_threshold = threshold;
  g_free (seen->last_line);
  seen->last_line = g_strdup (line);
  if (seen->loop)
    g_main_loop_quit (seen->loop);
}

static void
on_cleared (OcAlerts *alerts, OcHandoff *handoff, OcAlertKind kind, gpointer data)
{
  Seen *seen = data;
  seen->cleared++;
  seen->last_kind = kind;
}

static OcAlerts *
alerts_with (Seen *seen, guint waiting_s, guint wrapup_s, guint handing_off_s)
{
  const guint thresholds[OC_ALERT_N_KINDS] = { waiting_s, wrapup_s, handing_off_s };
  OcAlerts *alerts = oc_alerts_new (thresholds);
  memset (seen, 0, sizeof *seen);
  g_signal_connect (alerts, "alert-raised", G_CALLBACK (on_raised), seen);
  g_signal_connect (alerts, "alert-cleared", G_CALLBACK (on_cleared), seen);
  return alerts;
}

static OcHandoff *
conversation (const char *id)
{
  g_autoptr(OcSession) session = oc_session_new (id, "web");
  OcHandoff *handoff = oc_handoff_new (session, ENV);
  oc_handoff_set_created (handoff, NULL);
  return handoff;
}

static void
set_state (OcHandoff *handoff, int statecode, int statuscode, const char *agent, gint64 first_wait_on,
           gint64 wrapup_on, gint64 modified_on)
{
  OcLiveState live = { .statecode = statecode, .statuscode = statuscode, .agent_name = (char *) agent,
                       .queue_name = (char *) "Tier 1 Chat", .created_on = first_wait_on - 1,
                       .modified_on = modified_on, .first_wait_on = first_wait_on, .wrapup_on = wrapup_on };
  oc_handoff_set_live (handoff, &live);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_settings (void)
{
  static const struct { const char *text; guint seconds; } good[] = {
    { NULL, 0 }, { "", 0 }, { "0", 0 }, { " 5 ", 300 }, { "2.5", 150 }, { "0.001", 1 }, { "10080", 10080 * 60 },
  };
  static const char *bad[] = { "-1", "abc", "5 min", "nan", "inf", "10080.5", "1e9", "0x10", "5,5" };
  static const char *labels[] = { "Waiting alert (minutes)", "Wrap-up alert (minutes)", "Handing-off alert (minutes)" };

  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
        {
          g_autoptr(OcSettings) settings = oc_settings_new ();
          settings->environment = g_strdup (ENV);
          settings->tenant_id = g_strdup ("contoso.onmicrosoft.com");
          settings->client_id = g_strdup ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
          settings->client_secret = g_strdup ("secret");
          settings->alert_minutes[kind] = g_strdup (good[i].text);
          g_autoptr(GError) error = NULL;
          g_assert_true (oc_settings_validate (settings, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (settings->alert_s[kind], ==, good[i].seconds);
          g_autoptr(OcSettings) copy = oc_settings_copy (settings);
          g_assert_cmpuint (copy->alert_s[kind], ==, good[i].seconds);
          g_assert_cmpstr (copy->alert_minutes[kind], ==, good[i].text);
        }
      for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          g_autoptr(OcSettings) settings = oc_settings_new ();
          settings->environment = g_strdup (ENV);
          settings->tenant_id = g_strdup ("contoso.onmicrosoft.com");
          settings->client_id = g_strdup ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
          settings->client_secret = g_strdup ("secret");
          settings->alert_minutes[kind] = g_strdup (bad[i]);
          g_autoptr(GError) error = NULL;
          g_assert_false (oc_settings_validate (settings, &error));
          g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
          /* the field is named, by its label and by its option key */
          g_assert_cmpstr (oc_error_get_field (error), ==, labels[kind]);
          g_assert_nonnull (strstr (error->message, oc_alert_kind_to_key (kind)));
        }
    }
}

static void
test_state_of (void)
{
  g_autoptr(OcSession) session = oc_session_new ("pending", "web");
  g_autoptr(OcHandoff) pending = oc_handoff_new (session, ENV);
  gint64 since = -1;
  g_assert_cmpint (oc_alerts_state_of (pending, &since), ==, OC_ALERT_HANDING_OFF);
  g_assert_cmpint (since, ==, 0);   /* no time from Dynamics: the alerts use when they first saw it */

  g_autoptr(OcHandoff) chat = conversation ("chat");
  set_state (chat, 0, OC_CONVERSATION_STATUS_OPEN, NULL, 1000, 0, 1000);
  g_assert_cmpint (oc_alerts_state_of (chat, &since), ==, OC_ALERT_WAITING);
  g_assert_cmpint (since, ==, 1000);
  set_state (chat, 0, OC_CONVERSATION_STATUS_ACTIVE, "Alex", 1000, 0, 1100);
  g_assert_cmpint (oc_alerts_state_of (chat, NULL), ==, -1);
  set_state (chat, 0, OC_CONVERSATION_STATUS_WRAP_UP, "Alex", 1000, 1200, 1200);
  g_assert_cmpint (oc_alerts_state_of (chat, &since), ==, OC_ALERT_WRAP_UP);
  g_assert_cmpint (since, ==, 1200);
  set_state (chat, 1, OC_CONVERSATION_STATUS_CLOSED, "Alex", 1000, 1200, 1300);
  g_assert_cmpint (oc_alerts_state_of (chat, NULL), ==, -1);

  /* without msdyn_firstwaitstartedon: the record's createdon */
  g_autoptr(OcHandoff) old = conversation ("old");
  OcLiveState live = { .statecode = 0, .statuscode = 1, .created_on = 500, .modified_on = 500 };
  oc_handoff_set_live (old, &live);
  g_assert_cmpint (oc_alerts_state_of (old, &since), ==, OC_ALERT_WAITING);
  g_assert_cmpint (since, ==, 500);

  /* a case waits in a queue, but "no rep yet" is a conversation's state */
  g_autoptr(OcSession) phone = oc_session_new ("phone", "phone");
  g_autoptr(OcHandoff) a_case = oc_handoff_new (phone, ENV);
  oc_handoff_set_created (a_case, "CAS-1");
  OcLiveState open_case = { .statecode = 0, .statuscode = 1, .created_on = 500, .modified_on = 500 };
  oc_handoff_set_live (a_case, &open_case);
  g_assert_cmpint (oc_alerts_state_of (a_case, NULL), ==, -1);
}

static void
test_once_and_clear (void)
{
  Seen seen;
  g_autoptr(OcAlerts) alerts = alerts_with (&seen, 300, 600, 0);
  g_autoptr(OcHandoff) chat = conversation ("chat");
  gint64 now = now_s ();

  /* under the threshold: nothing */
  set_state (chat, 0, 1, NULL, now - 60, 0, now - 60);
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.raised, ==, 0);
  g_assert_null (oc_alerts_lookup (alerts, "chat"));

  /* past it: once, with the line */
  set_state (chat, 0, 1, NULL, now - 361, 0, now - 10);
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.raised, ==, 1);
  g_assert_cmpint (seen.last_kind, ==, OC_ALERT_WAITING);
  g_assert_cmpuint (seen.last_threshold, ==, 300);
  g_assert_cmpuint (seen.last_elapsed, >=, 361);
  g_assert_cmpstr (seen.last_line, ==, "Waiting 6 min — longer than 5 min, no rep yet");
  g_assert_cmpstr (oc_alerts_lookup (alerts, "chat"), ==, seen.last_line);

  /* the same state again (another row, the queue changed…): never twice */
  for (int i = 0; i < 3; i++)
    oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.raised, ==, 1);
  g_assert_cmpuint (seen.cleared, ==, 0);

  /* a rep accepted: cleared */
  set_state (chat, 0, 2, "Alex Smith", now - 361, 0, now);
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.cleared, ==, 1);
  g_assert_cmpint (seen.last_kind, ==, OC_ALERT_WAITING);
  g_assert_null (oc_alerts_lookup (alerts, "chat"));
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.cleared, ==, 1);

  /* wrap-up past its own threshold: the rep is named */
  set_state (chat, 0, 5, "Alex <Smith>", now - 361, now - 720, now);
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.raised, ==, 2);
  g_assert_cmpint (seen.last_kind, ==, OC_ALERT_WRAP_UP);
  g_assert_cmpstr (seen.last_line, ==, "Wrap-up 12 min — longer than 10 min (Alex <Smith>)");

  /* closed: cleared, and forgetting says nothing more */
  set_state (chat, 1, 4, "Alex <Smith>", now - 361, now - 720, now);
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.cleared, ==, 2);
  g_assert_cmpint (seen.last_kind, ==, OC_ALERT_WRAP_UP);
  oc_alerts_forget (alerts, "chat");
  g_assert_cmpuint (seen.raised, ==, 2);
  g_free (seen.last_line);
}

static void
test_off (void)
{
  Seen seen;
  g_autoptr(OcAlerts) alerts = alerts_with (&seen, 0, 0, 0);
  g_autoptr(OcHandoff) chat = conversation ("chat");
  set_state (chat, 0, 1, NULL, now_s () - 24 * 3600, 0, now_s ());
  oc_alerts_update (alerts, chat);
  g_assert_cmpuint (seen.raised, ==, 0);

  /* only the waiting threshold set: a long wrap-up is no alert */
  g_autoptr(OcAlerts) waiting_only = alerts_with (&seen, 60, 0, 0);
  set_state (chat, 0, 5, "Alex", now_s () - 3600, now_s () - 3600, now_s ());
  oc_alerts_update (waiting_only, chat);
  g_assert_cmpuint (seen.raised, ==, 0);
}

static gboolean
on_give_up (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* No row arrives: the alert's own timer raises it. */
static void
test_timer (void)
{
  Seen seen;
  g_autoptr(OcAlerts) alerts = alerts_with (&seen, 0, 0, 1);
  g_autoptr(OcSession) session = oc_session_new ("slow", "web");
  g_autoptr(OcHandoff) pending = oc_handoff_new (session, ENV);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  oc_alerts_update (alerts, pending);
  g_assert_cmpuint (seen.raised, ==, 0);   /* just seen: not yet */
  seen.loop = loop;
  guint give_up = g_timeout_add_seconds (10, on_give_up, loop);
  g_main_loop_run (loop);
  g_source_remove (give_up);
  g_assert_cmpuint (seen.raised, ==, 1);
  g_assert_cmpint (seen.last_kind, ==, OC_ALERT_HANDING_OFF);
  g_assert_cmpstr (seen.last_line, ==, "Handing off 1 s — longer than 1 s, not created in Dynamics 365 yet");

  /* raised: the timer does not fire again for it */
  seen.loop = NULL;
  guint quit = g_timeout_add (1500, on_give_up, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (seen.raised, ==, 1);
  (void) quit;

  /* created: cleared */
  oc_handoff_set_created (pending, NULL);
  oc_alerts_update (alerts, pending);
  g_assert_cmpuint (seen.cleared, ==, 1);
  g_free (seen.last_line);
}

/* Stopped: its timer is gone with what it tracked. */
static void
test_stop (void)
{
  Seen seen;
  g_autoptr(OcAlerts) alerts = alerts_with (&seen, 0, 0, 1);
  g_autoptr(OcSession) session = oc_session_new ("slow", "web");
  g_autoptr(OcHandoff) pending = oc_handoff_new (session, ENV);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  oc_alerts_update (alerts, pending);
  oc_alerts_stop (alerts);
  g_timeout_add (1500, on_give_up, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (seen.raised, ==, 0);
  g_assert_null (oc_alerts_lookup (alerts, "slow"));
}

static void
test_format (void)
{
  g_autofree char *fraction = oc_alerts_format_line (OC_ALERT_WAITING, 200, 150, NULL);
  g_assert_cmpstr (fraction, ==, "Waiting 3 min — longer than 2.5 min, no rep yet");
  g_autofree char *seconds = oc_alerts_format_line (OC_ALERT_WAITING, 45, 30, NULL);
  g_assert_cmpstr (seconds, ==, "Waiting 45 s — longer than 30 s, no rep yet");
  g_autofree char *no_rep = oc_alerts_format_line (OC_ALERT_WRAP_UP, 3600, 600, "");
  g_assert_cmpstr (no_rep, ==, "Wrap-up 60 min — longer than 10 min");
}

/* What the alerts read comes from the watcher's rows: the metric columns. */
static void
test_metric_columns (void)
{
  const char *columns[] = { "msdyn_firstwaitstartedon", "msdyn_activeagentassignedon", "msdyn_wrapupinitiatedon",
                            "msdyn_conversationfirstwaittimeinseconds", "msdyn_conversationhandletimeinseconds",
                            "msdyn_conversationwrapuptimeinseconds" };
  for (gsize i = 0; i < G_N_ELEMENTS (columns); i++)
    g_assert_nonnull (strstr (OC_WATCHER_CONVERSATION_COLUMNS, columns[i]));

  const char *body =
    "{\"value\":["
    "{\"activityid\":\"f22884fb-a2c1-50d7-9474-a547270f720f\",\"statecode\":0,\"statuscode\":5,"
    "\"modifiedon\":\"2026-11-23T10:15:00Z\",\"msdyn_firstwaitstartedon\":\"2026-11-23T10:04:00Z\","
    "\"msdyn_activeagentassignedon\":\"2026-11-23T10:09:00Z\",\"msdyn_wrapupinitiatedon\":\"2026-11-23T10:14:00Z\","
    "\"msdyn_conversationfirstwaittimeinseconds\":300,\"msdyn_conversationhandletimeinseconds\":-4,"
    "\"msdyn_conversationwrapuptimeinseconds\":null},"
    "{\"activityid\":\"f22884fb-a2c1-50d7-9474-a547270f7210\",\"msdyn_conversationhandletimeinseconds\":\"12\"},"
    "{\"activityid\":\"f22884fb-a2c1-50d7-9474-a547270f7211\",\"msdyn_wrapupinitiatedon\":\"soon\"}]}";
  g_autoptr(JsonNode) node = oc_json_parse (body, -1, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OcWatcherPage) page = oc_watcher_page_parse (node, OC_WATCHER_ROWS_CONVERSATIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 1);
  g_assert_cmpuint (page->skipped, ==, 2);   /* a duration as a string, a date that is none */
  g_assert_nonnull (strstr (page->skip_reason, "msdyn_conversationhandletimeinseconds"));
  OcWatcherRow *row = page->rows->pdata[0];
  g_assert_cmpint (row->live.first_wait_on, ==, row->live.modified_on - 660);
  g_assert_cmpint (row->live.agent_assigned_on, ==, row->live.modified_on - 360);
  g_assert_cmpint (row->live.wrapup_on, ==, row->live.modified_on - 60);
  g_assert_cmpint (row->live.first_wait_s, ==, 300);
  g_assert_cmpint (row->live.handle_s, ==, 0);   /* out of range: unknown */
  g_assert_cmpint (row->live.wrapup_s, ==, 0);

  /* and the handoff keeps them, so a wrap-up alert counts from Dynamics' own time */
  g_autoptr(OcHandoff) chat = conversation ("chat");
  oc_handoff_set_live (chat, &row->live);
  gint64 since = 0;
  g_assert_cmpint (oc_alerts_state_of (chat, &since), ==, OC_ALERT_WRAP_UP);
  g_assert_cmpint (since, ==, row->live.wrapup_on);
  g_assert_cmpint (oc_handoff_get_live (chat)->first_wait_s, ==, 300);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/alerts/settings", test_settings);
  g_test_add_func ("/alerts/state-of", test_state_of);
  g_test_add_func ("/alerts/once-and-clear", test_once_and_clear);
  g_test_add_func ("/alerts/off", test_off);
  g_test_add_func ("/alerts/timer", test_timer);
  g_test_add_func ("/alerts/stop", test_stop);
  g_test_add_func ("/alerts/format", test_format);
  g_test_add_func ("/alerts/metric-columns", test_metric_columns);
  return g_test_run ();
}
