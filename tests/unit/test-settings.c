/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Settings validation: URL normalisation, GUIDs, tenant forms, field messages. */
#include <string.h>

#include "oc-error.h"
#include "oc-guid.h"
#include "oc-settings.h"

static OcSettings *
valid_settings (void)
{
  OcSettings *settings = oc_settings_new ();
  settings->environment = g_strdup ("https://contoso.crm.dynamics.com");
  settings->tenant_id = g_strdup ("5f3a8c2e-1b4d-4e6f-9a7b-2c8d0e1f3a5b");
  settings->client_id = g_strdup ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
  settings->client_secret = g_strdup ("secret");
  return settings;
}

static void
test_url_normalisation (void)
{
  static const struct { const char *in; const char *out; const char *host; } cases[] = {
    { "https://contoso.crm.dynamics.com", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "https://contoso.crm.dynamics.com/", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "HTTPS://Contoso.CRM4.Dynamics.com///", "https://contoso.crm4.dynamics.com", "contoso.crm4.dynamics.com" },
    { "  contoso.crm.dynamics.com  ", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "https://contoso.crm.dynamics.com/main.aspx?appid=1#x", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "https://contoso.crm.dynamics.com/api/data/v9.2/", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "https://contoso.crm.dynamics.com:443/", "https://contoso.crm.dynamics.com", "contoso.crm.dynamics.com" },
    { "https://contoso.crm.dynamics.com:8443", "https://contoso.crm.dynamics.com:8443", "contoso.crm.dynamics.com" },
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080", "127.0.0.1" },
    { "http://LOCALHOST:9", "http://localhost:9", "localhost" },
    { "http://[::1]:7000", "http://[::1]:7000", "::1" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      g_autofree char *out = oc_normalize_service_url ("Environment URL", "x", cases[i].in, &host, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpstr (host, ==, cases[i].host);
    }
}

static void
test_url_rejections (void)
{
  static const struct { const char *in; const char *needle; } cases[] = {
    { "", "is empty" },
    { "   ", "is empty" },
    { "http://contoso.crm.dynamics.com", "plain http://" },
    { "http://10.0.0.5", "plain http://" },
    { "ftp://contoso.crm.dynamics.com", "must start with https://" },
    { "https://", "is not a web address" },
    { "https://bad host.com", "is not a web address" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = oc_normalize_service_url ("Environment URL", "https://contoso.crm.dynamics.com",
                                                       cases[i].in, NULL, &error);
      g_assert_null (out);
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_nonnull (strstr (error->message, "Environment URL"));
      g_assert_cmpstr (oc_error_get_field (error), ==, "Environment URL");
    }
}

static void
test_loopback (void)
{
  g_assert_true (oc_host_is_loopback ("127.0.0.1"));
  g_assert_true (oc_host_is_loopback ("127.8.9.10"));
  g_assert_true (oc_host_is_loopback ("::1"));
  g_assert_true (oc_host_is_loopback ("localhost"));
  g_assert_false (oc_host_is_loopback ("localhost.evil.com"));
  g_assert_false (oc_host_is_loopback ("10.0.0.1"));
  g_assert_false (oc_host_is_loopback ("128.0.0.1"));
}

static void
test_guid (void)
{
  g_autofree char *a = oc_guid_normalize ("{0C1E2D3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F}");
  g_assert_cmpstr (a, ==, "0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
  g_autofree char *b = oc_guid_normalize (" 0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f ");
  g_assert_cmpstr (b, ==, "0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
  g_assert_null (oc_guid_normalize ("0c1e2d3f4a5b4c6d8e7f9a0b1c2d3e4f"));
  g_assert_null (oc_guid_normalize ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4g"));
  g_assert_null (oc_guid_normalize ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4"));
  g_assert_null (oc_guid_normalize ("{0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"));
  g_assert_null (oc_guid_normalize (NULL));
  g_assert_true (oc_guid_is_valid ("0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"));
  g_assert_false (oc_guid_is_valid ("0C1E2D3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F"));
}

static void
test_validate_normalises (void)
{
  g_autoptr(OcSettings) settings = valid_settings ();
  g_free (settings->environment);
  settings->environment = g_strdup ("Contoso.crm.dynamics.com/");
  g_free (settings->client_id);
  settings->client_id = g_strdup ("{0C1E2D3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F}");
  g_free (settings->tenant_id);
  settings->tenant_id = g_strdup ("Contoso.onmicrosoft.com");
  settings->workstream_id = g_strdup ("");
  settings->case_properties = g_strdup ("  ");
  g_free (settings->handoff_channel);
  settings->handoff_channel = g_strdup ("WhatsApp");

  g_autoptr(GError) error = NULL;
  g_assert_true (oc_settings_validate (settings, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (settings->environment, ==, "https://contoso.crm.dynamics.com");
  g_assert_cmpstr (settings->environment_host, ==, "contoso.crm.dynamics.com");
  g_assert_cmpstr (settings->client_id, ==, "0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
  g_assert_cmpstr (settings->tenant_id, ==, "contoso.onmicrosoft.com");
  g_assert_null (settings->workstream_id);
  g_assert_null (settings->case_properties);
  g_assert_cmpstr (settings->handoff_channel, ==, "whatsapp");
  g_assert_cmpstr (settings->authority, ==, "https://login.microsoftonline.com");
}

typedef void (*Mutator) (OcSettings *settings);

static void bad_tenant (OcSettings *s) { g_free (s->tenant_id); s->tenant_id = g_strdup ("not a tenant!"); }
static void empty_tenant (OcSettings *s) { g_free (s->tenant_id); s->tenant_id = NULL; }
static void bad_client (OcSettings *s) { g_free (s->client_id); s->client_id = g_strdup ("my-app"); }
static void empty_secret (OcSettings *s) { g_free (s->client_secret); s->client_secret = g_strdup (""); }
static void bad_workstream (OcSettings *s) { s->workstream_id = g_strdup ("12345"); }
static void bad_queue (OcSettings *s) { s->case_queue_id = g_strdup ("queue"); }
static void bad_owner (OcSettings *s) { s->default_owner_id = g_strdup ("alex"); }
static void bad_contact (OcSettings *s) { s->anonymous_contact_id = g_strdup ("x"); }
static void bad_priority (OcSettings *s) { s->default_priority = 0; }
static void negative_priority (OcSettings *s) { s->default_priority = -5; }
static void deep_properties (OcSettings *s)
{
  GString *deep = g_string_new ("{\"x\":");
  for (int i = 0; i < 60000; i++)   /* within 64 KiB: the depth is what is refused */
    g_string_append_c (deep, '[');
  s->case_properties = g_string_free (deep, FALSE);
}
static void bad_properties (OcSettings *s) { s->case_properties = g_strdup ("[1,2]"); }
static void broken_properties (OcSettings *s) { s->case_properties = g_strdup ("{\"a\":"); }
static void infinite_properties (OcSettings *s) { s->case_properties = g_strdup ("{\"a\":[1,{\"b\":-1e999}]}"); }
static void bad_channel (OcSettings *s) { g_free (s->handoff_channel); s->handoff_channel = g_strdup ("web chat"); }
static void http_authority (OcSettings *s) { g_free (s->authority); s->authority = g_strdup ("http://login.example.com"); }
static void workstream_mode (OcSettings *s) { s->show = OC_SHOW_WORKSTREAM; }

/* What is stored is what was checked: surrounding whitespace and a
 * byte-order mark are gone, so every later reader parses the same object. */
static void
test_case_properties_stored_as_checked (void)
{
  g_autoptr(OcSettings) settings = valid_settings ();
  g_autoptr(GError) error = NULL;
  settings->case_properties = g_strdup ("\n\t \xef\xbb\xbf{\"casetypecode\": 2} \n");
  g_assert_true (oc_settings_validate (settings, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (settings->case_properties, ==, "{\"casetypecode\": 2}");
}

static void
test_validate_rejects (void)
{
  static const struct { Mutator mutate; const char *field; const char *needle; } cases[] = {
    { bad_tenant, "Tenant ID", "neither a GUID nor a domain" },
    { empty_tenant, "Tenant ID", "Directory (tenant) ID" },
    { bad_client, "Client ID", "is not a GUID" },
    { empty_secret, "Client secret", "Value (not its Secret ID)" },
    { bad_workstream, "Workstream ID", "Workstreams" },
    { bad_queue, "Case queue ID", "is not a GUID" },
    { bad_owner, "Default owner ID", "is not a GUID" },
    { bad_contact, "Anonymous customer", "is not a GUID" },
    { bad_priority, "Default priority", "use 1 (High), 2 (Normal, the default) or 3 (Low)" },
    { negative_priority, "Default priority", "is not a case priority" },
    { deep_properties, "Case properties", "deeper than 64 levels" },
    { bad_properties, "Case properties", "JSON object" },
    { broken_properties, "Case properties", "JSON object" },
    { infinite_properties, "Case properties", "a[1].b: is a number out of range" },
    { bad_channel, "Chat channel", "one word" },
    { http_authority, "Authority", "plain http://" },
    { workstream_mode, "Show", "no Workstream ID" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OcSettings) settings = valid_settings ();
      g_autoptr(GError) error = NULL;
      cases[i].mutate (settings);
      g_assert_false (oc_settings_validate (settings, &error));
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
      g_assert_cmpstr (oc_error_get_field (error), ==, cases[i].field);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, error->message, cases[i].needle);
      g_assert_cmpint (oc_error_get_kind (error), ==, OC_ERROR_KIND_SETTINGS);
    }
}

/* Case properties are spread on top of the case: a key the handoff writes
 * itself would silently replace it (a customer bind moves the case to
 * another customer while the handoff reports the contact it linked). */
static void
test_case_properties_protected_keys (void)
{
  static const struct { const char *json; const char *key; } refused[] = {
    { "{\"customerid_contact@odata.bind\":\"/contacts(00000000-0000-0000-0000-000000000001)\"}",
      "customerid_contact@odata.bind" },
    { "{\"casetypecode\":2,\"customerid_account@odata.bind\":\"/accounts(x)\"}", "customerid_account@odata.bind" },
    { "{\"CustomerId_Contact@odata.bind\":\"/contacts(x)\"}", "CustomerId_Contact@odata.bind" },
    { "{\"customerid\":\"x\"}", "customerid" },
    { "{\"ownerid@odata.bind\":\"/systemusers(x)\"}", "ownerid@odata.bind" },
    { "{\"ownerid_team@odata.bind\":\"/teams(x)\"}", "ownerid_team@odata.bind" },
    { "{\"_ownerid_value\":\"x\"}", "_ownerid_value" },
    { "{\"incidentid\":\"00000000-0000-0000-0000-000000000000\"}", "incidentid" },
    { "{\"IncidentId\":\"x\"}", "IncidentId" },
    { "{\"title\":\"Forged\"}", "title" },
    { "{\"description\":\"Forged\"}", "description" },
    { "{\"prioritycode\":1}", "prioritycode" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(OcSettings) settings = valid_settings ();
      g_autoptr(GError) error = NULL;
      settings->case_properties = g_strdup (refused[i].json);
      g_assert_false (oc_settings_validate (settings, &error));
      g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS);
      g_assert_cmpstr (oc_error_get_field (error), ==, "Case properties");
      g_autofree char *quoted = g_strdup_printf ("“%s”", refused[i].key);
      if (strstr (error->message, quoted) == NULL)
        g_error ("%s: “%s” does not name %s", refused[i].json, error->message, quoted);
    }

  /* what the handoff does not write stays allowed */
  static const char *allowed[] = {
    "{\"casetypecode\":2,\"caseorigincode\":3,\"customerpriority\":1}",
    "{\"new_customeridnumber\":\"x\",\"msdyn_ownerpreference\":1,\"subjectid@odata.bind\":\"/subjects(x)\"}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr(OcSettings) settings = valid_settings ();
      g_autoptr(GError) error = NULL;
      settings->case_properties = g_strdup (allowed[i]);
      g_assert_true (oc_settings_validate (settings, &error));
      g_assert_no_error (error);
    }
}

/* 1–3 always; another positive value waits for the org's option set at sign-in. */
static void
test_priority_range (void)
{
  const int accepted[] = { 1, 2, 3, 4, 100000000, G_MAXINT32 };
  for (gsize i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(OcSettings) settings = valid_settings ();
      g_autoptr(GError) error = NULL;
      settings->default_priority = accepted[i];
      g_assert_true (oc_settings_validate (settings, &error));
      g_assert_no_error (error);
    }
}

static void
test_copy_and_show_modes (void)
{
  g_autoptr(OcSettings) settings = valid_settings ();
  g_autoptr(OcSettings) copy = oc_settings_copy (settings);
  g_assert_cmpstr (copy->client_secret, ==, "secret");
  g_assert_true (copy->client_secret != settings->client_secret);

  OcShowMode mode = OC_SHOW_MINE;
  g_assert_true (oc_show_mode_from_string ("workstream", &mode));
  g_assert_cmpint (mode, ==, OC_SHOW_WORKSTREAM);
  g_assert_false (oc_show_mode_from_string ("everything", &mode));
  g_assert_cmpstr (oc_show_mode_to_string (OC_SHOW_MINE), ==, "mine");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/settings/url-normalisation", test_url_normalisation);
  g_test_add_func ("/settings/url-rejections", test_url_rejections);
  g_test_add_func ("/settings/loopback", test_loopback);
  g_test_add_func ("/settings/guid", test_guid);
  g_test_add_func ("/settings/validate-normalises", test_validate_normalises);
  g_test_add_func ("/settings/validate-rejects", test_validate_rejects);
  g_test_add_func ("/settings/case-properties-stored-as-checked", test_case_properties_stored_as_checked);
  g_test_add_func ("/settings/copy-and-show-modes", test_copy_and_show_modes);
  g_test_add_func ("/settings/case-properties-protected-keys", test_case_properties_protected_keys);
  g_test_add_func ("/settings/priority-range", test_priority_range);
  return g_test_run ();
}
