/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-output.h"

#include <stdio.h>

#include "oc-error.h"
#include "oc-json.h"

#include <glib/gi18n-lib.h>

void
cli_output_error_member (JsonBuilder *builder, const char *member, const GError *error)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, oc_error_kind_to_string (oc_error_get_kind (error)));
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, error->domain == OC_ERROR ? error->code : -1);
  json_builder_set_member_name (builder, "http_status");
  json_builder_add_int_value (builder, oc_error_get_http_status (error));
  oc_json_builder_add_string_member (builder, "service_code", oc_error_get_service_code (error));
  oc_json_builder_add_string_member (builder, "field", oc_error_get_field (error));
  json_builder_set_member_name (builder, "retry_after");
  json_builder_add_int_value (builder, oc_error_get_retry_after (error));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_end_object (builder);
}

void
cli_output_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

int
cli_output_usage_error (gboolean json, const GError *error)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, FALSE);
      cli_output_error_member (builder, "error", error);
      json_builder_end_object (builder);
      cli_output_print_json (builder);
    }
  else
    fprintf (stderr, "omnichannel: %s\n", error->message);
  return CLI_EXIT_USAGE;
}

/* The store moved a document to rejected/ (and wrote its .reason): say so. */
static void
on_rejected (OcService *service, const char *name, const char *reason, gpointer user_data)
{
  fprintf (stderr, _("%s: moved to rejected/ in %s: %s\n"), name,
           oc_store_get_root (oc_service_get_store (service)), reason);
}

int
cli_prepare (CliOptions *options, OcSettings *settings, OcConnection **connection, OcService **service, char **root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcConnection) made = oc_connection_new (settings, &error);
  if (made == NULL)
    return cli_output_usage_error (options->json, error);

  const OcSettings *valid = oc_connection_get_settings (made);
  /* --store, then OMNICHANNEL_STORE, as for every other option */
  const char *store_dir = options->store_dir ? options->store_dir : g_getenv ("OMNICHANNEL_STORE");
  g_autofree char *purple_dir = store_dir && *store_dir ? NULL : g_build_filename (g_get_home_dir (), ".purple", NULL);
  g_autofree char *path = oc_store_default_root (purple_dir ? purple_dir : store_dir, valid->environment_host);
  OcService *opened = oc_service_new (made, path, &error);
  if (opened == NULL)
    return cli_output_usage_error (options->json, error);

  g_signal_connect (opened, "rejected", G_CALLBACK (on_rejected), NULL);
  *connection = g_steal_pointer (&made);
  *service = opened;
  *root = g_steal_pointer (&path);
  return CLI_EXIT_OK;
}

typedef struct {
  GMainLoop *loop;
  GError    *error;
} SignIn;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  oc_connection_sign_in_finish (OC_CONNECTION (source), result, &sign_in->error);
  g_main_loop_quit (sign_in->loop);
}

int
cli_exit_status_for (const GError *error)
{
  if (error == NULL)
    return CLI_EXIT_OK;
  return g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS) ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
}

int
cli_sign_in (OcConnection *connection, GMainLoop *loop)
{
  SignIn sign_in = { loop, NULL };
  oc_connection_sign_in_async (connection, NULL, on_signed_in, &sign_in);
  g_main_loop_run (loop);
  if (sign_in.error == NULL)
    return CLI_EXIT_OK;
  fprintf (stderr, _("error: sign-in failed: %s\n"), sign_in.error->message);
  int status = cli_exit_status_for (sign_in.error);
  g_error_free (sign_in.error);
  return status;
}
