/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The queue intake's URL rules (no Proton needed; its outcome events are the outbox's: tests/unit/test-outbox.c). */
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/amqp/url/forms", test_url_forms);
  g_test_add_func ("/amqp/url/refused", test_url_refused);
  g_test_add_func ("/amqp/url/loopback", test_loopback);
  return g_test_run ();
}
