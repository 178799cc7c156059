/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The queue intake's URL rules and its outcome events (no Proton needed). */
#include "oc-amqp-outcome.h"
#include "oc-amqp-url.h"
#include "oc-error.h"
#include "oc-handoff-private.h"

static void
test_url_forms (void)
{
  OcAmqpUrl url;
  g_autoptr(GError) error = NULL;

  g_assert_true (oc_amqp_url_parse ("amqps://contoso.servicebus.windows.net", TRUE, &url, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (url.host, ==, "contoso.servicebus.windows.net");
  g_assert_cmpuint (url.port, ==, 5671);
  g_assert_true (url.tls);
  oc_amqp_url_clear (&url);

  g_assert_true (oc_amqp_url_parse ("amqp://127.0.0.1:5673/", TRUE, &url, &error));
  g_assert_cmpuint (url.port, ==, 5673);
  g_assert_false (url.tls);
  oc_amqp_url_clear (&url);

  g_assert_true (oc_amqp_url_parse ("amqp://broker.example", FALSE, &url, &error));
  g_assert_cmpuint (url.port, ==, 5672);
  oc_amqp_url_clear (&url);
}

static void
test_url_refused (void)
{
  static const struct { const char *url; gboolean password; const char *says; } cases[] = {
    { "", FALSE, "amqp://host" },
    { "http://broker", FALSE, "scheme" },
    { "amqps://user:hunter2@broker", TRUE, "no user or password in the URL" },
    { "amqps://broker/queue", TRUE, "--queue" },
    { "amqps://broker?x=1", TRUE, "--queue" },
    { "amqp://broker.example", TRUE, "clear text" },
    { "not a url", FALSE, "not a URL" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      OcAmqpUrl url;
      g_autoptr(GError) error = NULL;
      g_assert_false (oc_amqp_url_parse (cases[i].url, cases[i].password, &url, &error));
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      /* the secret in a URL never reaches the message */
      g_assert_null (strstr (error->message, "hunter2"));
    }
}

static void
test_loopback (void)
{
  g_assert_true (oc_amqp_host_is_loopback ("localhost"));
  g_assert_true (oc_amqp_host_is_loopback ("127.0.0.1"));
  g_assert_true (oc_amqp_host_is_loopback ("::1"));
  g_assert_false (oc_amqp_host_is_loopback ("10.0.0.1"));
  g_assert_false (oc_amqp_host_is_loopback ("localhost.example"));
}

static void
test_outcome_event (void)
{
  g_autoptr(OcSession) session = oc_session_parse ("{\"id\":\"s1\",\"channel\":\"phone\"}", -1, NULL);
  g_assert_nonnull (session);
  g_autoptr(OcHandoff) handoff = oc_handoff_new (session, "https://contoso.crm.dynamics.com");
  g_autoptr(GDateTime) at = g_date_time_new_utc (2026, 12, 2, 8, 0, 0);
  guint64 last = 0;

  guint64 first_seq = oc_amqp_outcome_next_seq (&last);
  g_autofree char *first = oc_amqp_outcome_event (handoff, first_seq, at);
  g_assert_nonnull (first);
  g_autoptr(JsonNode) node = json_from_string (first, NULL);
  JsonObject *event = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (event), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (event, "session_id"), ==, "s1");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "case");
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "handing-off");
  g_assert_cmpstr (json_object_get_string_member (event, "record_id"), ==, oc_handoff_get_record_id (handoff));
  g_assert_cmpstr (json_object_get_string_member (event, "at"), ==, "2026-12-02T08:00:00Z");
  g_assert_true (json_object_get_null_member (event, "ticket_number"));

  /* unchanged: not announced again */
  g_autofree char *again = oc_amqp_outcome_event (handoff, oc_amqp_outcome_next_seq (&last), at);
  g_assert_null (again);

  oc_handoff_set_created (handoff, "CAS-01001");
  guint64 second_seq = oc_amqp_outcome_next_seq (&last);
  g_assert_cmpuint (second_seq, >, first_seq);
  g_autofree char *second = oc_amqp_outcome_event (handoff, second_seq, at);
  g_assert_nonnull (second);
  g_autoptr(JsonNode) node2 = json_from_string (second, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node2), "ticket_number"), ==, "CAS-01001");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node2), "status"), !=, "handing-off");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/amqp/url/forms", test_url_forms);
  g_test_add_func ("/amqp/url/refused", test_url_refused);
  g_test_add_func ("/amqp/url/loopback", test_loopback);
  g_test_add_func ("/amqp/outcome/event", test_outcome_event);
  return g_test_run ();
}
