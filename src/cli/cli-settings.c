/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli-settings.h"

#include <gio/gio.h>
#include <string.h>

#include "oc-error.h"

#include <glib/gi18n-lib.h>

GOptionEntry *
cli_options_entries (CliOptions *o)
{
  GOptionEntry entries[] = {
    { "environment", 0, 0, G_OPTION_ARG_STRING, &o->environment, N_("Environment URL, e.g. https://contoso.crm.dynamics.com"), "URL" },
    { "tenant-id", 0, 0, G_OPTION_ARG_STRING, &o->tenant_id, N_("Directory (tenant) ID or domain"), "ID" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &o->client_id, N_("Application (client) ID"), "GUID" },
    { "workstream-id", 0, 0, G_OPTION_ARG_STRING, &o->workstream_id, N_("Omnichannel workstream for chat handoffs"), "GUID" },
    { "case-queue-id", 0, 0, G_OPTION_ARG_STRING, &o->case_queue_id, N_("Queue for handoffs that become cases"), "GUID" },
    { "default-owner-id", 0, 0, G_OPTION_ARG_STRING, &o->default_owner_id, N_("systemuser written as case owner"), "GUID" },
    { "default-priority", 0, 0, G_OPTION_ARG_STRING, &o->default_priority, N_("Case prioritycode: 1 High, 2 Normal (default), 3 Low, or another value of the org's option set"), "N" },
    { "case-properties", 0, 0, G_OPTION_ARG_STRING, &o->case_properties, N_("JSON object spread onto every case"), "JSON" },
    { "anonymous-contact-id", 0, 0, G_OPTION_ARG_STRING, &o->anonymous_contact_id, N_("Contact used for cases without an email"), "GUID" },
    { "handoff-channel", 0, 0, G_OPTION_ARG_STRING, &o->handoff_channel, N_("Channel for /handoff (default web)"), N_("NAME") },
    { "show", 0, 0, G_OPTION_ARG_STRING, &o->show, N_("mine, integration (default) or workstream"), N_("MODE") },
    { "authority", 0, 0, G_OPTION_ARG_STRING, &o->authority, N_("Sign-in authority (default https://login.microsoftonline.com)"), "URL" },
    { "closed-retention-hours", 0, 0, G_OPTION_ARG_STRING, &o->closed_retention_hours, N_("Hours a closed handoff stays listed"), "N" },
    { "route-cases", 0, 0, G_OPTION_ARG_NONE, &o->route_cases, N_("Send each new case to unified routing (msdyn_ApplyRoutingRuleEntityRecord)"), NULL },
    { "alert-waiting-minutes", 0, 0, G_OPTION_ARG_STRING, &o->alert_minutes[OC_ALERT_WAITING], N_("Alert when a handoff waits for a rep longer than N minutes (decimal; 0 = off)"), "N" },
    { "alert-wrapup-minutes", 0, 0, G_OPTION_ARG_STRING, &o->alert_minutes[OC_ALERT_WRAP_UP], N_("Alert when wrap-up lasts longer than N minutes (decimal; 0 = off)"), "N" },
    { "alert-handing-off-minutes", 0, 0, G_OPTION_ARG_STRING, &o->alert_minutes[OC_ALERT_HANDING_OFF], N_("Alert when a handoff is not created after N minutes (decimal; 0 = off)"), "N" },
    { "show-agents", 0, 0, G_OPTION_ARG_NONE, &o->show_agents, N_("Show the reps of the workstream's queues (plugin; counted in check's request budget)"), NULL },
    { "show-queues", 0, 0, G_OPTION_ARG_NONE, &o->show_queues, N_("Show the workstream's queues (plugin; counted in check's request budget)"), NULL },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &o->secret_file, N_("Read the client secret's Value from FILE (or set OMNICHANNEL_CLIENT_SECRET)"), N_("FILE") },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &o->store_dir, N_("Keep sessions under DIR/omnichannel/<host> (default ~/.purple, as the plugin)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Machine-readable output"), NULL },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

void
cli_options_clear (CliOptions *o)
{
  char **fields[] = { &o->environment, &o->tenant_id, &o->client_id, &o->workstream_id,
                      &o->case_queue_id, &o->default_owner_id, &o->default_priority,
                      &o->case_properties, &o->anonymous_contact_id, &o->handoff_channel,
                      &o->show, &o->authority, &o->closed_retention_hours, &o->secret_file,
                      &o->store_dir };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    g_clear_pointer (&o->alert_minutes[kind], g_free);
}

static char *
pick (const char *flag, const char *key)
{
  if (flag)
    return g_strdup (flag);
  g_autofree char *upper = g_ascii_strup (key, -1);
  g_autofree char *variable = g_strconcat ("OMNICHANNEL_", upper, NULL);
  return g_strdup (g_getenv (variable));
}

static gboolean
parse_uint (const char *text, const char *flag, guint max, guint *out, GError **error)
{
  char *end = NULL;
  guint64 value = text ? g_ascii_strtoull (text, &end, 10) : 0;
  if (text == NULL || end == text || *end != '\0' || value > max)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                   _("--%s must be a whole number from 0 to %u, not “%s”"), flag, max, text ? text : "");
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

/* For OMNICHANNEL_ROUTE_CASES and the like: true/false, yes/no, 1/0. */
static gboolean
parse_bool (const char *text, const char *flag, gboolean *out, GError **error)
{
  static const char *yes[] = { "1", "true", "yes", "on" };
  static const char *no[] = { "0", "false", "no", "off", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      return *out = TRUE, TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      return *out = FALSE, TRUE;
  g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
               _("--%s must be true or false, not “%s”"), flag, text);
  return FALSE;
}

char *
cli_read_secret (const char *file, const char *file_flag, const char *variable, GError **error)
{
  g_return_val_if_fail (file_flag != NULL && variable != NULL, NULL);
  if (file)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GError) read_error = NULL;
      if (!g_file_get_contents (file, &contents, NULL, &read_error))
        {
          g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                       _("Cannot read --%s: %s"), file_flag, read_error->message);
          return NULL;
        }
      g_strchomp (contents);
      char *secret = g_strdup (contents);
      memset (contents, 0, strlen (contents));
      return secret;
    }
  return g_strdup (g_getenv (variable));
}

OcSettings *
cli_options_to_settings (CliOptions *o, GError **error)
{
  g_autoptr(OcSettings) settings = oc_settings_new ();

#define TAKE(field, key) do { char *v = pick (o->field, key); if (v) { g_free (settings->field); settings->field = v; } } while (0)
  TAKE (environment, "environment");
  TAKE (tenant_id, "tenant_id");
  TAKE (client_id, "client_id");
  TAKE (workstream_id, "workstream_id");
  TAKE (case_queue_id, "case_queue_id");
  TAKE (default_owner_id, "default_owner_id");
  TAKE (case_properties, "case_properties");
  TAKE (anonymous_contact_id, "anonymous_contact_id");
  TAKE (handoff_channel, "handoff_channel");
  TAKE (authority, "authority");
#undef TAKE

  g_autofree char *priority = pick (o->default_priority, "default_priority");
  g_autofree char *retention = pick (o->closed_retention_hours, "closed_retention_hours");
  g_autofree char *show = pick (o->show, "show");
  guint number = 0;
  if (priority)
    {
      /* Option values are Int32; whether the org has this one is checked at sign-in. */
      if (!parse_uint (priority, "default-priority", G_MAXINT32, &number, error))
        return NULL;
      settings->default_priority = (int) number;
    }
  if (retention)
    {
      if (!parse_uint (retention, "closed-retention-hours", 24 * 365, &number, error))
        return NULL;
      settings->closed_retention_hours = number;
    }
  if (show && !oc_show_mode_from_string (show, &settings->show))
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS,
                   _("--show must be mine, integration or workstream, not “%s”"), show);
      return NULL;
    }

  /* checked (and turned into seconds) by oc_settings_validate, naming the field */
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    settings->alert_minutes[kind] = pick (o->alert_minutes[kind], oc_alert_kind_to_key (kind));

  g_autofree char *route = o->route_cases ? g_strdup ("true") : pick (NULL, "route_cases");
  if (route && !parse_bool (route, "route-cases", &settings->route_cases, error))
    return NULL;

  const struct { gboolean flag; const char *key, *name; gboolean *out; } bools[] = {
    { o->show_agents, "show_agents", "show-agents", &settings->show_agents },
    { o->show_queues, "show_queues", "show-queues", &settings->show_queues },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bools); i++)
    {
      g_autofree char *value = bools[i].flag ? g_strdup ("true") : pick (NULL, bools[i].key);
      if (value && !parse_bool (value, bools[i].name, bools[i].out, error))
        return NULL;
    }

  settings->client_secret = cli_read_secret (o->secret_file, "secret-file", "OMNICHANNEL_CLIENT_SECRET", error);
  if (settings->client_secret == NULL && error && *error)
    return NULL;
  return g_steal_pointer (&settings);
}
