/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-settings.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "oc-error.h"
#include "oc-guid.h"
#include "oc-json.h"
#include "oc-priority.h"

#define GUID_EXAMPLE "00000000-0000-0000-0000-000000000000"
#define CASE_PROPERTIES_MAX_BYTES (64 * 1024)

OcSettings *
oc_settings_new (void)
{
  OcSettings *self = g_new0 (OcSettings, 1);
  self->authority = g_strdup (OC_DEFAULT_AUTHORITY);
  self->default_priority = OC_DEFAULT_PRIORITY;
  self->handoff_channel = g_strdup (OC_DEFAULT_CHANNEL);
  self->show = OC_SHOW_INTEGRATION;
  self->closed_retention_hours = OC_DEFAULT_RETENTION_HOURS;
  return self;
}

OcSettings *
oc_settings_copy (const OcSettings *self)
{
  OcSettings *copy = g_new0 (OcSettings, 1);
  copy->environment = g_strdup (self->environment);
  copy->environment_host = g_strdup (self->environment_host);
  copy->authority = g_strdup (self->authority);
  copy->tenant_id = g_strdup (self->tenant_id);
  copy->client_id = g_strdup (self->client_id);
  copy->client_secret = g_strdup (self->client_secret);
  copy->workstream_id = g_strdup (self->workstream_id);
  copy->case_queue_id = g_strdup (self->case_queue_id);
  copy->default_owner_id = g_strdup (self->default_owner_id);
  copy->route_cases = self->route_cases;
  copy->show_agents = self->show_agents;
  copy->show_queues = self->show_queues;
  copy->default_priority = self->default_priority;
  copy->case_properties = g_strdup (self->case_properties);
  copy->anonymous_contact_id = g_strdup (self->anonymous_contact_id);
  copy->handoff_channel = g_strdup (self->handoff_channel);
  copy->show = self->show;
  copy->closed_retention_hours = self->closed_retention_hours;
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    {
      copy->alert_minutes[kind] = g_strdup (self->alert_minutes[kind]);
      copy->alert_s[kind] = self->alert_s[kind];
    }
  return copy;
}

static void
wipe_string (char **str)
{
  if (*str == NULL)
    return;
  /* volatile so the wipe of a secret is not optimised away before free */
  volatile char *p = *str;
  while (*p)
    *p++ = '\0';
  g_clear_pointer (str, g_free);
}

void
oc_settings_free (OcSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->environment);
  g_free (self->environment_host);
  g_free (self->authority);
  g_free (self->tenant_id);
  g_free (self->client_id);
  wipe_string (&self->client_secret);
  g_free (self->workstream_id);
  g_free (self->case_queue_id);
  g_free (self->default_owner_id);
  g_free (self->case_properties);
  g_free (self->anonymous_contact_id);
  g_free (self->handoff_channel);
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    g_free (self->alert_minutes[kind]);
  g_free (self);
}

gboolean
oc_host_is_loopback (const char *host)
{
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
oc_normalize_service_url (const char *field_label, const char *example,
                          const char *text, char **host_out, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));

  if (*trimmed == '\0')
    {
      g_propagate_error (error, oc_error_new_field (field_label,
          _("%s is empty. It should look like %s."), _(field_label), example));
      return NULL;
    }

  /* Users paste "contoso.crm.dynamics.com" as often as the full URL. */
  g_autofree char *with_scheme = strstr (trimmed, "://") ? g_strdup (trimmed)
                                                        : g_strconcat ("https://", trimmed, NULL);
  g_autoptr(GUri) uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' || strchr (host, ' ') != NULL)
    {
      g_propagate_error (error, oc_error_new_field (field_label,
          _("%s “%s” is not a web address. It should look like %s."),
          _(field_label), trimmed, example));
      return NULL;
    }

  g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  g_autofree char *lower_host = g_ascii_strdown (host, -1);

  if (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)
    {
      g_propagate_error (error, oc_error_new_field (field_label,
          _("%s “%s” must start with https://. It should look like %s."),
          _(field_label), trimmed, example));
      return NULL;
    }
  if (g_strcmp0 (scheme, "http") == 0 && !oc_host_is_loopback (lower_host))
    {
      g_propagate_error (error, oc_error_new_field (field_label,
          _("%s “%s” uses plain http:// to %s. Use https:// (plain http is only "
            "allowed to this computer, e.g. http://127.0.0.1 for the mock server)."),
          _(field_label), trimmed, lower_host));
      return NULL;
    }

  int port = g_uri_get_port (uri);
  gboolean default_port = port < 0 || (port == 443 && scheme[4] == 's') || (port == 80 && scheme[4] == '\0');
  gboolean ipv6 = strchr (lower_host, ':') != NULL;
  GString *out = g_string_new (scheme);
  g_string_append (out, "://");
  g_string_append_printf (out, ipv6 ? "[%s]" : "%s", lower_host);
  if (!default_port)
    g_string_append_printf (out, ":%d", port);

  if (host_out)
    *host_out = g_steal_pointer (&lower_host);
  return g_string_free (out, FALSE);
}

static gboolean
normalize_guid_field (char **value, const char *label, const char *where,
                      gboolean required, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (*value ? *value : ""));

  if (*trimmed == '\0')
    {
      g_clear_pointer (value, g_free);
      if (!required)
        return TRUE;
      g_propagate_error (error, oc_error_new_field (label,
          /* TRANSLATORS: the option, where to find its value, an example GUID */
          _("%s is empty. Paste the %s; it looks like %s."), _(label), _(where), GUID_EXAMPLE));
      return FALSE;
    }

  char *normalized = oc_guid_normalize (trimmed);
  if (normalized == NULL)
    {
      g_propagate_error (error, oc_error_new_field (label,
          _("%s “%s” is not a GUID. Paste the %s; it looks like %s."),
          _(label), trimmed, _(where), GUID_EXAMPLE));
      return FALSE;
    }
  g_free (*value);
  *value = normalized;
  return TRUE;
}

static gboolean
is_domain_name (const char *text)
{
  /* Entra accepts a verified domain such as contoso.onmicrosoft.com. */
  if (strchr (text, '.') == NULL || strlen (text) > 253)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return text[0] != '.' && text[0] != '-';
}

static gboolean
validate_tenant (OcSettings *self, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (self->tenant_id ? self->tenant_id : ""));
  char *guid = oc_guid_normalize (trimmed);

  if (guid != NULL)
    {
      g_free (self->tenant_id);
      self->tenant_id = guid;
      return TRUE;
    }
  if (*trimmed != '\0' && is_domain_name (trimmed))
    {
      g_free (self->tenant_id);
      self->tenant_id = g_ascii_strdown (trimmed, -1);
      return TRUE;
    }
  g_propagate_error (error, oc_error_new_field ("Tenant ID",
      *trimmed ? _("Tenant ID “%s” is neither a GUID nor a domain. Paste the Directory "
                   "(tenant) ID from the app registration's Overview page; it looks like "
                   "%s (or contoso.onmicrosoft.com).")
               : _("Tenant ID is empty%s. Paste the Directory (tenant) ID from the app "
                   "registration's Overview page; it looks like %s."),
      trimmed, GUID_EXAMPLE));
  return FALSE;
}

const char *
oc_case_property_protected_reason (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  /* "customerid_contact@odata.bind" → "customerid_contact"; a lookup's read
   * form "_ownerid_value" names the same column. */
  g_autofree char *base = g_ascii_strdown (name, strcspn (name, "@"));
  if (base[0] == '_' && g_str_has_suffix (base, "_value"))
    {
      char *inner = g_strndup (base + 1, strlen (base) - strlen ("_value") - 1);
      g_free (base);
      base = inner;
    }

  if (strcmp (base, "incidentid") == 0)
    return _("the handoff writes the case's id, which makes a retried create find the first case");
  if (strcmp (base, "title") == 0 || strcmp (base, "description") == 0)
    return _("the handoff writes the case's title and description from the session");
  if (strcmp (base, "prioritycode") == 0)
    return _("use the Default priority option");
  if (strcmp (base, "customerid") == 0 || g_str_has_prefix (base, "customerid_"))
    return _("the handoff links the case's customer (the session's contact, or the Anonymous customer option)");
  if (g_str_has_prefix (base, "ownerid"))
    return _("use the Default owner ID option");
  return NULL;
}

static gboolean
validate_case_properties (OcSettings *self, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (self->case_properties ? self->case_properties : ""));
  if (*trimmed == '\0')
    {
      g_clear_pointer (&self->case_properties, g_free);
      return TRUE;
    }

  /* Errors below quote an excerpt of the text; a secret pasted into the
   * wrong field must not be echoed into a dialog or a log. */
  if (self->client_secret && *self->client_secret && strstr (trimmed, self->client_secret))
    {
      g_propagate_error (error, oc_error_new_field ("Case properties",
          _("Case properties contains the client secret. The secret belongs only in the password "
          "field; remove it from Case properties (and consider creating a new secret).")));
      return FALSE;
    }

  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = oc_json_parse_bounded (trimmed, -1, CASE_PROPERTIES_MAX_BYTES, OC_JSON_MAX_DEPTH,
                                                    &parse_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, oc_error_new_field ("Case properties",
          _("Case properties must be a JSON object such as {\"casetypecode\": 2}%s%s."),
          parse_error ? "; " : "", parse_error ? parse_error->message : ""));
      return FALSE;
    }

  /* Spread on top of the case, a key the handoff writes would silently
   * replace it: a customer bind would move the case to another customer
   * while the handoff reports the contact it linked. */
  g_autoptr(GList) names = json_object_get_members (json_node_get_object (root));
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *why = oc_case_property_protected_reason (l->data);
      if (why == NULL)
        continue;
      g_autofree char *shown = oc_json_excerpt (l->data, -1, OC_JSON_EXCERPT_CHARS);
      g_propagate_error (error, oc_error_new_field ("Case properties",
          _("Case properties may not set “%s”: %s. Remove it from Case properties."), shown, why));
      return FALSE;
    }
  /* Keep the bytes that were checked, not what was typed: the text may
   * carry whitespace and a byte-order mark that only this parse skips, and
   * every later reader must read exactly the object validated here. */
  const char *checked = g_str_has_prefix (trimmed, "\xef\xbb\xbf") ? trimmed + 3 : trimmed;
  g_free (self->case_properties);
  self->case_properties = g_strdup (checked);
  return TRUE;
}

static gboolean
validate_channel (OcSettings *self, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (
      self->handoff_channel && *self->handoff_channel ? self->handoff_channel : OC_DEFAULT_CHANNEL));
  g_autofree char *channel = g_ascii_strdown (trimmed, -1);

  for (const char *p = channel; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      {
        g_propagate_error (error, oc_error_new_field ("Chat channel",
            _("Chat channel for /handoff “%s” must be one word such as web, sms or whatsapp."),
            channel));
        return FALSE;
      }
  g_free (self->handoff_channel);
  self->handoff_channel = g_steal_pointer (&channel);
  return TRUE;
}

const char *
oc_alert_kind_to_key (OcAlertKind kind)
{
  static const char *keys[] = { "alert_waiting_minutes", "alert_wrapup_minutes", "alert_handing_off_minutes" };
  g_return_val_if_fail ((guint) kind < OC_ALERT_N_KINDS, NULL);
  return keys[kind];
}

/* Decimal minutes ("5", "2.5"; "" or 0 = off) into whole seconds. */
static gboolean
validate_alerts (OcSettings *self, GError **error)
{
  static const char *labels[] = { N_("Waiting alert (minutes)"), N_("Wrap-up alert (minutes)"),
                                  N_("Handing-off alert (minutes)") };
  for (int kind = 0; kind < OC_ALERT_N_KINDS; kind++)
    {
      g_autofree char *text = g_strstrip (g_strdup (self->alert_minutes[kind] ? self->alert_minutes[kind] : ""));
      char *end = NULL;
      double minutes = *text ? g_ascii_strtod (text, &end) : 0;
      /* digits and one point only: g_ascii_strtod would also take hex, exponents, inf and nan */
      gboolean plain = strspn (text, "0123456789.") == strlen (text) && strchr (text, '.') == strrchr (text, '.');
      if (*text && (!plain || end == text || *end != '\0' || !isfinite (minutes) || minutes < 0 ||
                    minutes > OC_ALERT_MAX_MINUTES))
        {
          g_propagate_error (error, oc_error_new_field (labels[kind],
              _("%s (%s) must be a number of minutes from 0 (off) to %d (7 days), e.g. 5 or 2.5."),
              _(labels[kind]), oc_alert_kind_to_key (kind), OC_ALERT_MAX_MINUTES));
          return FALSE;
        }
      /* a threshold under a second still means "at once", never "off" */
      self->alert_s[kind] = minutes > 0 ? MAX (1, (guint) (minutes * 60 + 0.5)) : 0;
    }
  return TRUE;
}

gboolean
oc_settings_validate (OcSettings *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  g_autofree char *host = NULL;
  char *environment = oc_normalize_service_url (N_("Environment URL"), "https://contoso.crm.dynamics.com",
                                                self->environment, &host, error);
  if (environment == NULL)
    return FALSE;
  g_free (self->environment);
  self->environment = environment;
  g_free (self->environment_host);
  self->environment_host = g_steal_pointer (&host);

  char *authority = oc_normalize_service_url (N_("Authority"), OC_DEFAULT_AUTHORITY,
                                              self->authority && *self->authority ? self->authority
                                                                                  : OC_DEFAULT_AUTHORITY,
                                              NULL, error);
  if (authority == NULL)
    return FALSE;
  g_free (self->authority);
  self->authority = authority;

  if (!validate_tenant (self, error) ||
      !normalize_guid_field (&self->client_id, N_("Client ID"),
                             N_("Application (client) ID from the app registration's Overview page"),
                             TRUE, error))
    return FALSE;

  if (self->client_secret == NULL || *self->client_secret == '\0')
    {
      g_propagate_error (error, oc_error_new_field ("Client secret",
          _("Client secret is empty. Paste the secret's Value (not its Secret ID) from "
          "Certificates & secrets in the app registration.")));
      return FALSE;
    }

  if (!normalize_guid_field (&self->workstream_id, N_("Workstream ID"),
                             N_("workstream's ID from Omnichannel admin center → Workstreams"), FALSE, error) ||
      !normalize_guid_field (&self->case_queue_id, N_("Case queue ID"),
                             N_("queue's ID from Customer Service admin center → Queues"), FALSE, error) ||
      !normalize_guid_field (&self->default_owner_id, N_("Default owner ID"),
                             N_("user's ID (systemuserid) from Power Platform admin center"), FALSE, error) ||
      !normalize_guid_field (&self->anonymous_contact_id, N_("Anonymous customer"),
                             N_("contact's ID (contactid) used for cases without an email"), FALSE, error))
    return FALSE;

  /* 1–3 are every org's; another positive value only if the org's option
   * set has it, which sign-in checks (oc-priority.h). */
  if (!oc_priority_is_standard (self->default_priority) && self->default_priority < 1)
    {
      g_propagate_error (error, oc_error_new_field ("Default priority",
          _("Default priority %d is not a case priority; use 1 (High), 2 (Normal, the default) or 3 (Low), "
          "or a value your org added to the case Priority options."),
          self->default_priority));
      return FALSE;
    }
  if (self->closed_retention_hours > 24 * 365)
    {
      g_propagate_error (error, oc_error_new_field ("Closed retention",
          _("Closed retention of %u hours is too long; use 0 to 8760 hours (default 24)."),
          self->closed_retention_hours));
      return FALSE;
    }
  if (self->show == OC_SHOW_WORKSTREAM && self->workstream_id == NULL)
    {
      g_propagate_error (error, oc_error_new_field ("Show",
          _("Show is set to “workstream” but no Workstream ID is set. Set the Workstream ID "
          "or choose “integration”.")));
      return FALSE;
    }

  return validate_case_properties (self, error) && validate_channel (self, error) &&
         validate_alerts (self, error);
}

const char *
oc_show_mode_to_string (OcShowMode mode)
{
  switch (mode)
    {
    case OC_SHOW_MINE: return "mine";
    case OC_SHOW_WORKSTREAM: return "workstream";
    case OC_SHOW_INTEGRATION:
    default: return "integration";
    }
}

gboolean
oc_show_mode_from_string (const char *text, OcShowMode *mode)
{
  static const struct { const char *name; OcShowMode mode; } modes[] = {
    { "mine", OC_SHOW_MINE },
    { "integration", OC_SHOW_INTEGRATION },
    { "workstream", OC_SHOW_WORKSTREAM },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_strcmp0 (text, modes[i].name) == 0)
      {
        *mode = modes[i].mode;
        return TRUE;
      }
  return FALSE;
}
