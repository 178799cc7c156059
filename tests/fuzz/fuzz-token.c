/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-token.c — answers of the Entra ID token endpoint: the success parse
 * (oc_token_parse_answer) and the error mapping
 * (oc_token_error_from_response) for every status class.
 * Invariants: a token is a non-empty UTF-8 string with a lifetime of
 * 1 s … 24 h; every failure is an OcError whose message contains neither
 * the client secret nor an access token. */
#include <string.h>

#include "fuzz-common.h"
#include "fuzz-settings-common.h"
#include "oc-error.h"
#include "oc-token.h"

/* one status of each branch: refused, not found, throttled, transient, 501 */
static const guint statuses[] = { 400, 404, 429, 503, 501 };

static void
check_answer (const char *data, gsize size, const OcSettings *settings, const char *secret)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autofree char *token = NULL;
  gint64 lifetime = -1;
  g_autoptr(GError) error = NULL;

  if (oc_token_parse_answer (body, &token, &lifetime, &error))
    {
      fuzz_assert (token != NULL && *token != '\0' && g_utf8_validate (token, -1, NULL), "token");
      fuzz_assert (lifetime >= 1 && lifetime <= 24 * 3600, "a lifetime of %" G_GINT64_FORMAT " s", lifetime);
      fuzz_assert (error == NULL, "success with an error");
    }
  else
    {
      fuzz_assert (token == NULL, "a failed parse returned a token");
      fuzz_assert (g_error_matches (error, OC_ERROR, OC_ERROR_BAD_RESPONSE), "not OC_ERROR_BAD_RESPONSE");
      fuzz_check_message ("oc_token_parse_answer", error->message, secret);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) mapped = oc_token_error_from_response (statuses[i], body, settings, 30);
      fuzz_assert (mapped != NULL && mapped->domain == OC_ERROR, "HTTP %u: no OcError", statuses[i]);
      fuzz_check_message ("oc_token_error_from_response", mapped->message, secret);
      fuzz_assert (strstr (mapped->message, FUZZ_CLIENT_SECRET) == NULL, "the client secret is shown");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  static OcSettings *settings;
  if (settings == NULL)
    {
      settings = fuzz_settings_new ();
      fuzz_assert (oc_settings_validate (settings, NULL), "the fixed settings are valid");
    }

  check_answer ((const char *) data, size, settings, FUZZ_CLIENT_SECRET);

  /* The input beside an access token: {"note":TOKEN,…} reads the note as
   * nothing, but no message may quote it. */
  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker (data, size, &length);
  if (wrapped)
    check_answer (wrapped, length, settings, FUZZ_MARKER);

  /* And the marker as the access token itself, with the input as the rest. */
  if (!fuzz_contains (data, size, FUZZ_MARKER) && size > 0 && data[0] == '{')
    {
      g_autoptr(GString) text = g_string_new ("{\"access_token\":\"" FUZZ_MARKER "\",");
      g_string_append_len (text, (const char *) data + 1, (gssize) size - 1);
      check_answer (text->str, text->len, settings, FUZZ_MARKER);
    }
  return 0;
}
