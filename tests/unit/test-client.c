/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test-client.h"

#include "oc-test-fs.h"

#include <glib/gstdio.h>
#include <string.h>

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_assert_true (oc_connection_sign_in_finish (OC_CONNECTION (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

void
test_client_set_up (TestClient *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->server = test_server_new ();
  f->settings = test_server_settings (f->server);
  f->settings->anonymous_contact_id = g_strdup ("c0a7ac70-0000-4000-8000-000000000009");
  f->connection = oc_connection_new (f->settings, &error);
  g_assert_no_error (error);
  OcBackoff fast = { 20, 80 };
  oc_web_api_set_backoff (oc_connection_get_web_api (f->connection), &fast);

  gboolean done = FALSE;
  oc_connection_sign_in_async (f->connection, NULL, on_signed_in, &done);
  test_wait_for (&done);
  f->requests_before = f->server->api_requests;

  f->store_dir = g_dir_make_tmp ("oc-client-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = oc_store_new (f->store_dir, &error);
  g_assert_no_error (error);
  f->engine = oc_handoff_engine_new (f->connection, f->store);
}

void
test_client_tear_down (TestClient *f, gconstpointer data)
{
  oc_handoff_engine_shutdown (f->engine);
  oc_connection_close (f->connection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (f->engine);
  g_object_unref (f->store);
  g_object_unref (f->connection);
  oc_settings_free (f->settings);
  test_server_free (f->server);
  oc_test_remove_tree (f->store_dir);
  g_free (f->store_dir);
}

guint
test_client_count (TestClient *f, const char *prefix)
{
  guint n = 0;
  for (guint i = f->requests_before; i < f->server->api_paths->len; i++)
    if (g_str_has_prefix (f->server->api_paths->pdata[i], prefix))
      n++;
  return n;
}

guint
test_client_count_containing (TestClient *f, const char *needle)
{
  guint n = 0;
  for (guint i = f->requests_before; i < f->server->api_paths->len; i++)
    if (strstr (f->server->api_paths->pdata[i], needle) != NULL)
      n++;
  return n;
}
