/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-account.c — account options, sign-in and sign-out, and the mapping of
 * core failures onto libpurple's reasons (which decide whether the UI
 * reconnects: only NETWORK_ERROR is non-fatal). */
#include "omni-prpl.h"

#include <libpurple/accountopt.h>
#include <libpurple/debug.h>
#include <libpurple/proxy.h>

#include "oc-error.h"
#include "oc-retry-gate.h"
#include "omni-i18n.h"

static GList *
add_string_option (GList *options, const char *label, const char *key, const char *fallback)
{
  return g_list_append (options, purple_account_option_string_new (label, key, fallback));
}

static PurpleKeyValuePair *
key_value (const char *label, const char *value)
{
  PurpleKeyValuePair *pair = g_new0 (PurpleKeyValuePair, 1);
  pair->key = g_strdup (label);
  pair->value = g_strdup (value);
  return pair;
}

GList *
omni_account_options (void)
{
  GList *options = NULL;

  options = add_string_option (options, _("Tenant ID"), OMNI_OPT_TENANT_ID, "");
  options = add_string_option (options, _("Client ID"), OMNI_OPT_CLIENT_ID, "");
  options = add_string_option (options, _("Workstream ID"), OMNI_OPT_WORKSTREAM_ID, "");
  options = add_string_option (options, _("Case queue ID"), OMNI_OPT_CASE_QUEUE_ID, "");
  options = add_string_option (options, _("Default owner ID"), OMNI_OPT_DEFAULT_OWNER_ID, "");
  options = g_list_append (options, purple_account_option_int_new (_("Default priority"),
                                                                   OMNI_OPT_DEFAULT_PRIORITY,
                                                                   OC_DEFAULT_PRIORITY));
  options = add_string_option (options, _("Case properties (JSON)"), OMNI_OPT_CASE_PROPERTIES, "");
  options = add_string_option (options, _("Anonymous customer (contact ID)"), OMNI_OPT_ANONYMOUS_CONTACT_ID, "");
  options = add_string_option (options, _("Chat channel for /handoff"), OMNI_OPT_HANDOFF_CHANNEL, OC_DEFAULT_CHANNEL);

  /* A list option's default is its first entry. */
  GList *show = NULL;
  show = g_list_append (show, key_value (_("Everything made by this app"), "integration"));
  show = g_list_append (show, key_value (_("Handoffs made by this client"), "mine"));
  show = g_list_append (show, key_value (_("Every conversation in the workstream"), "workstream"));
  options = g_list_append (options, purple_account_option_list_new (_("Show"), OMNI_OPT_SHOW, show));

  options = add_string_option (options, _("Authority"), OMNI_OPT_AUTHORITY, OC_DEFAULT_AUTHORITY);
  options = g_list_append (options, purple_account_option_int_new (_("Closed retention (hours)"),
                                                                   OMNI_OPT_CLOSED_RETENTION,
                                                                   OC_DEFAULT_RETENTION_HOURS));
  options = g_list_append (options, purple_account_option_bool_new (_("Send new cases to unified routing"),
                                                                    OMNI_OPT_ROUTE_CASES, FALSE));
  /* decimal minutes as text (libpurple has no decimal option); empty = off */
  options = add_string_option (options, _("Alert: waiting for a rep longer than (minutes)"),
                               oc_alert_kind_to_key (OC_ALERT_WAITING), "");
  options = add_string_option (options, _("Alert: wrap-up longer than (minutes)"),
                               oc_alert_kind_to_key (OC_ALERT_WRAP_UP), "");
  options = add_string_option (options, _("Alert: handing off longer than (minutes)"),
                               oc_alert_kind_to_key (OC_ALERT_HANDING_OFF), "");
  options = omni_queue_options (options);
  options = g_list_append (options, purple_account_option_bool_new (_("Show reps as buddies"), OMNI_OPT_SHOW_AGENTS, FALSE));
  options = g_list_append (options, purple_account_option_bool_new (_("Show queues as buddies"), OMNI_OPT_SHOW_QUEUES, FALSE));
  return options;
}

GHashTable *
omni_account_text_table (PurpleAccount *account)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (table, "login_label", (gpointer) _("Environment URL..."));
  return table;
}

OcSettings *
omni_account_read_settings (PurpleAccount *account)
{
  OcSettings *settings = oc_settings_new ();

#define SET_STRING(field, key, fallback) \
  g_free (settings->field); \
  settings->field = g_strdup (purple_account_get_string (account, key, fallback))

  g_free (settings->environment);
  settings->environment = g_strdup (purple_account_get_username (account));
  settings->client_secret = g_strdup (purple_account_get_password (account));
  SET_STRING (tenant_id, OMNI_OPT_TENANT_ID, "");
  SET_STRING (client_id, OMNI_OPT_CLIENT_ID, "");
  SET_STRING (workstream_id, OMNI_OPT_WORKSTREAM_ID, "");
  SET_STRING (case_queue_id, OMNI_OPT_CASE_QUEUE_ID, "");
  SET_STRING (default_owner_id, OMNI_OPT_DEFAULT_OWNER_ID, "");
  SET_STRING (case_properties, OMNI_OPT_CASE_PROPERTIES, "");
  SET_STRING (anonymous_contact_id, OMNI_OPT_ANONYMOUS_CONTACT_ID, "");
  SET_STRING (handoff_channel, OMNI_OPT_HANDOFF_CHANNEL, OC_DEFAULT_CHANNEL);
  SET_STRING (authority, OMNI_OPT_AUTHORITY, OC_DEFAULT_AUTHORITY);
#undef SET_STRING

  settings->default_priority = purple_account_get_int (account, OMNI_OPT_DEFAULT_PRIORITY, OC_DEFAULT_PRIORITY);
  int retention = purple_account_get_int (account, OMNI_OPT_CLOSED_RETENTION, OC_DEFAULT_RETENTION_HOURS);
  settings->closed_retention_hours = retention < 0 ? G_MAXUINT : (guint) retention;
  settings->route_cases = purple_account_get_bool (account, OMNI_OPT_ROUTE_CASES, FALSE);
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    settings->alert_minutes[kind] = g_strdup (purple_account_get_string (account, oc_alert_kind_to_key (kind), ""));
  settings->show_agents = purple_account_get_bool (account, OMNI_OPT_SHOW_AGENTS, FALSE);
  settings->show_queues = purple_account_get_bool (account, OMNI_OPT_SHOW_QUEUES, FALSE);
  const char *show = purple_account_get_string (account, OMNI_OPT_SHOW, "integration");
  if (!oc_show_mode_from_string (show, &settings->show))
    settings->show = OC_SHOW_INTEGRATION;
  return settings;
}

PurpleConnectionError
omni_account_error_reason (const GError *error)
{
  switch (oc_error_get_kind (error))
    {
    case OC_ERROR_KIND_SETTINGS:
      return PURPLE_CONNECTION_ERROR_INVALID_SETTINGS;
    case OC_ERROR_KIND_AUTH:
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case OC_ERROR_KIND_TRANSIENT:
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case OC_ERROR_KIND_PERMANENT:
    case OC_ERROR_KIND_CANCELLED:
    default:
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
    }
}

/* libpurple's per-account proxy settings, as GIO understands them. */
static GProxyResolver *
proxy_resolver_for (PurpleAccount *account)
{
  PurpleProxyInfo *info = purple_proxy_get_setup (account);
  PurpleProxyType type = info ? purple_proxy_info_get_type (info) : PURPLE_PROXY_NONE;
  const char *scheme = NULL;

  switch (type)
    {
    case PURPLE_PROXY_USE_ENVVAR:
      return g_object_ref (g_proxy_resolver_get_default ());
    case PURPLE_PROXY_HTTP: scheme = "http"; break;
    case PURPLE_PROXY_SOCKS4: scheme = "socks4"; break;
    case PURPLE_PROXY_SOCKS5:
    case PURPLE_PROXY_TOR: scheme = "socks5"; break;
    case PURPLE_PROXY_USE_GLOBAL:
    case PURPLE_PROXY_NONE:
    default:
      return NULL;
    }

  const char *host = purple_proxy_info_get_host (info);
  if (host == NULL || *host == '\0')
    return NULL;
  const char *user = purple_proxy_info_get_username (info);
  const char *password = purple_proxy_info_get_password (info);
  g_autofree char *userinfo = user && *user
    ? g_strdup_printf ("%s%s%s@", user, password ? ":" : "", password ? password : "") : g_strdup ("");
  g_autofree char *uri = g_strdup_printf ("%s://%s%s:%d", scheme, userinfo, host,
                                          purple_proxy_info_get_port (info));
  /* Loopback (the mock server) never goes through a proxy. */
  const char *ignore[] = { "localhost", "127.0.0.0/8", "::1", NULL };
  return g_simple_proxy_resolver_new (uri, (char **) ignore);
}

static void
on_progress (OcConnection *connection, guint step, guint total, const char *text, gpointer user_data)
{
  OmniAccount *omni = user_data;
  g_autofree char *line = g_strdup_printf ("%s…", text);
  purple_connection_update_progress (omni->gc, line, step - 1, total + 1);
}

static void
report_error (OmniAccount *omni, const GError *error)
{
  purple_debug_info ("omnichannel", "connection error (%s): %s\n",
                     oc_error_kind_to_string (oc_error_get_kind (error)), error->message);
  purple_connection_error_reason (omni->gc, omni_account_error_reason (error), error->message);
}

static void
on_failed (OcConnection *connection, GError *error, gpointer user_data)
{
  report_error (user_data, error);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = oc_connection_sign_in_finish (OC_CONNECTION (source), result, &error);

  /* After close() the OmniAccount is gone; a cancelled sign-in must not touch it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  OmniAccount *omni = user_data;
  if (!ok)
    {
      report_error (omni, error);
      return;
    }

  const OcSettings *settings = oc_connection_get_settings (omni->connection);
  purple_connection_set_display_name (omni->gc, settings->environment_host);
  purple_connection_update_progress (omni->gc, _("Active"), OC_SIGN_IN_STEPS, OC_SIGN_IN_STEPS + 1);
  purple_connection_set_state (omni->gc, PURPLE_CONNECTED);
  omni_handoffs_start (omni);
  purple_debug_info ("omnichannel", "online as application user %s\n",
                     oc_connection_get_user_id (omni->connection));
}

/* The retry gate remembers transient failures per PurpleAccount (not per
 * app registration: two accounts for one app must not hold each other back).
 * Keys live in memory only and go with the account. */
static GHashTable *gate_keys;   /* PurpleAccount* → "account-N" */
static int         gate_handle;

static void
on_account_destroying (PurpleAccount *account, gpointer data)
{
  const char *key = g_hash_table_lookup (gate_keys, account);
  if (key)
    {
      oc_retry_gate_forget (key);
      g_hash_table_remove (gate_keys, account);
    }
}

static const char *
gate_key_for (PurpleAccount *account)
{
  static guint serial;
  if (gate_keys == NULL)
    {
      gate_keys = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
      purple_signal_connect (purple_accounts_get_handle (), "account-destroying", &gate_handle,
                             PURPLE_CALLBACK (on_account_destroying), NULL);
    }
  const char *key = g_hash_table_lookup (gate_keys, account);
  if (key == NULL)
    {
      key = g_strdup_printf ("account-%u", ++serial);
      g_hash_table_insert (gate_keys, account, (gpointer) key);
    }
  return key;
}

void
omni_account_forget_all (void)
{
  if (gate_keys == NULL)
    return;
  purple_signals_disconnect_by_handle (&gate_handle);
  g_clear_pointer (&gate_keys, g_hash_table_unref);
  oc_retry_gate_reset_all ();
}

void
omni_account_login (PurpleAccount *account)
{
  PurpleConnection *gc = purple_account_get_connection (account);
  g_autoptr(OcSettings) settings = omni_account_read_settings (account);
  g_autoptr(GError) error = NULL;

  gc->flags |= PURPLE_CONNECTION_NO_IMAGES | PURPLE_CONNECTION_NO_FONTSIZE | PURPLE_CONNECTION_NO_BGCOLOR;

  OcConnection *connection = oc_connection_new (settings, &error);
  if (connection == NULL)
    {
      purple_connection_error_reason (gc, omni_account_error_reason (error), error->message);
      return;
    }

  OmniAccount *omni = g_new0 (OmniAccount, 1);
  omni->gc = gc;
  omni->account = account;
  omni->connection = connection;
  purple_connection_set_protocol_data (gc, omni);
  oc_connection_set_retry_gate_key (connection, gate_key_for (account));

  g_autoptr(GProxyResolver) resolver = proxy_resolver_for (account);
  if (resolver)
    oc_connection_set_proxy_resolver (connection, resolver);

  omni->progress_handler = g_signal_connect (connection, "progress", G_CALLBACK (on_progress), omni);
  omni->failed_handler = g_signal_connect (connection, "failed", G_CALLBACK (on_failed), omni);
  oc_connection_sign_in_async (connection, NULL, on_signed_in, omni);
}

void
omni_account_close (PurpleConnection *gc)
{
  OmniAccount *omni = purple_connection_get_protocol_data (gc);
  if (omni == NULL)
    return;
  purple_connection_set_protocol_data (gc, NULL);

  omni_handoffs_stop (omni);
  g_clear_signal_handler (&omni->progress_handler, omni->connection);
  g_clear_signal_handler (&omni->failed_handler, omni->connection);
  oc_connection_close (omni->connection);
  g_clear_object (&omni->connection);
  g_free (omni);
}
