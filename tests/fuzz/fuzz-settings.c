/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-settings.c — the case_properties option (JSON text), then the same
 * bytes as the alert_waiting_minutes option, through oc_settings_validate,
 * every other field valid. Invariants: accepted text is a JSON object; an
 * accepted threshold is at most 7 days; a refusal is an OcError naming the
 * field and quoting neither the client secret nor a secret inside the text. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "fuzz-common.h"
#include "fuzz-settings-common.h"
#include "oc-error.h"

static void
check_properties (const char *text, const char *secret)
{
  g_autoptr(OcSettings) settings = fuzz_settings_new ();
  settings->case_properties = g_strdup (text);
  g_autoptr(GError) error = NULL;
  if (oc_settings_validate (settings, &error))
    {
      if (settings->case_properties != NULL)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          fuzz_assert (json_parser_load_from_data (parser, settings->case_properties, -1, NULL)
                       && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)),
                       "accepted case properties that are no JSON object");
        }
      return;
    }
  fuzz_assert (g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS), "not OC_ERROR_INVALID_SETTINGS");
  fuzz_assert (g_strcmp0 (oc_error_get_field (error), "Case properties") == 0,
               "refused in field %s", oc_error_get_field (error));
  fuzz_check_message ("oc_settings_validate", error->message, secret);
  fuzz_assert (strstr (error->message, FUZZ_CLIENT_SECRET) == NULL, "the client secret is shown");
}

static void
check_alert (const char *text, const char *secret)
{
  g_autoptr(OcSettings) settings = fuzz_settings_new ();
  settings->alert_minutes[OC_ALERT_WAITING] = g_strdup (text);
  g_autoptr(GError) error = NULL;
  if (oc_settings_validate (settings, &error))
    {
      fuzz_assert (settings->alert_s[OC_ALERT_WAITING] <= OC_ALERT_MAX_MINUTES * 60, "accepted a threshold over 7 days");
      return;
    }
  fuzz_assert (g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS), "not OC_ERROR_INVALID_SETTINGS");
  fuzz_assert (g_strcmp0 (oc_error_get_field (error), "Waiting alert (minutes)") == 0,
               "refused in field %s", oc_error_get_field (error));
  fuzz_check_message ("oc_settings_validate", error->message, secret);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();

  /* An option value is a C string: it ends at the first NUL. */
  g_autofree char *text = size > 0 ? fuzz_cstring (data, size) : g_strdup ("");
  check_properties (text, NULL);
  check_alert (text, NULL);

  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker ((const guint8 *) text, strlen (text), &length);
  if (wrapped)
    {
      check_properties (wrapped, FUZZ_MARKER);
      check_alert (wrapped, FUZZ_MARKER);
    }
  return 0;
}
