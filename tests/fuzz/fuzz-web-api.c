/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-web-api.c — Dataverse Web API answers: every body, success or
 * error, goes through oc_json_parse (as parse_body does) and error bodies
 * through oc_web_api_error_from_response for every status it maps.
 * Invariants: each status gives an OcError with its status and a UTF-8
 * message; 429, 500 and 503 stay transient unless the code says duplicate;
 * a secret beside the error object is never quoted. */
#include <string.h>

#include "fuzz-common.h"
#include "oc-error.h"
#include "oc-json.h"
#include "oc-web-api.h"

static const guint statuses[] = { 302, 400, 401, 403, 404, 405, 408, 412, 413, 429, 500, 501, 503 };

static void
check_body (const char *data, gsize size, const char *secret)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) body = oc_json_parse (data, (gssize) size, 0, NULL, &parse_error);
  if (parse_error)
    fuzz_check_message ("oc_json_parse", parse_error->message, secret);

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      guint status = statuses[i];
      g_autoptr(GError) error = oc_web_api_error_from_response ("GET WhoAmI", status, body, 12);
      fuzz_assert (error != NULL && error->domain == OC_ERROR, "HTTP %u: no OcError", status);
      fuzz_check_message ("oc_web_api_error_from_response", error->message, secret);
      fuzz_assert (oc_error_get_http_status (error) == status, "HTTP %u: status lost", status);
      const char *code = oc_error_get_service_code (error);
      fuzz_assert (code == NULL || g_utf8_validate (code, -1, NULL), "service code not UTF-8");
      /* A duplicate-key code decides whatever the status (issue 7 item 8);
       * any other body leaves throttling and server trouble transient. */
      if (g_strcmp0 (code, "0x80040237") == 0)
        continue;
      if (status == 429 || status == 503 || status == 500)
        fuzz_assert (oc_error_is_transient (error), "HTTP %u is not transient", status);
      if (status == 429)
        fuzz_assert (oc_error_get_retry_after (error) == 12, "429 lost its Retry-After");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  /* A secret beside the error object ({"note":SECRET,"error":…}) is never
   * part of a message; only error.code and error.message are. */
  fuzz_check_with_and_without_marker (data, size, check_body);
  return 0;
}
