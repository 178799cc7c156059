/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-session.c — oc_session_parse, the session document of SPEC §4.
 * Invariants: an accepted document keeps every rule (id, channel, email,
 * phone), its getters return UTF-8, and it survives a write and a re-read
 * unchanged; a refused one has a message that quotes nothing of a secret
 * beside it. */
#include <string.h>

#include "fuzz-common.h"
#include "oc-error.h"
#include "oc-session.h"

static void
check_utf8 (const char *what, const char *text)
{
  fuzz_assert (text == NULL || g_utf8_validate (text, -1, NULL), "%s is not UTF-8", what);
}

static void
check_session (OcSession *session)
{
  const char *id = oc_session_get_id (session);
  fuzz_assert (id != NULL && g_utf8_validate (id, -1, NULL), "id");
  glong chars = g_utf8_strlen (id, -1);
  fuzz_assert (chars >= 1 && chars <= OC_SESSION_ID_MAX_CHARS, "an id of %ld characters was accepted", chars);
  fuzz_assert (oc_session_get_channel (session) != NULL && *oc_session_get_channel (session), "channel");
  check_utf8 ("channel", oc_session_get_channel (session));
  check_utf8 ("summary", oc_session_get_summary (session));
  check_utf8 ("classification", oc_session_get_classification (session));
  check_utf8 ("sentiment", oc_session_get_sentiment (session));
  check_utf8 ("customer name", oc_session_get_customer_name (session));
  check_utf8 ("customer phone", oc_session_get_customer_phone (session));
  const char *email = oc_session_get_customer_email (session);
  fuzz_assert (email == NULL || oc_email_is_valid (email), "an invalid email was accepted");
  const char *phone = oc_session_get_customer_phone (session);
  fuzz_assert (phone == NULL || g_utf8_strlen (phone, -1) <= 50, "a phone over 50 characters was accepted");
  GPtrArray *lines = oc_session_get_transcript (session);
  for (guint i = 0; lines && i < lines->len; i++)
    {
      OcTranscriptLine *line = lines->pdata[i];
      fuzz_assert (line->role && line->text, "transcript line %u lacks role or text", i);
      check_utf8 ("role", line->role);
      check_utf8 ("text", line->text);
      check_utf8 ("time", line->time);
    }
  fuzz_assert (oc_session_get_meta (session) != NULL, "meta is never NULL");
  (void) oc_session_is_handed_off (session);

  /* what is stored must read back as the same session */
  gsize length = 0;
  g_autofree char *text = oc_session_to_json (session, &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) again = oc_session_parse (text, (gssize) length, &error);
  fuzz_assert (again != NULL, "a stored session does not read back: %s", error ? error->message : "?");
  fuzz_assert (g_strcmp0 (oc_session_get_id (again), id) == 0, "id changed on re-read");
  fuzz_assert (g_strcmp0 (oc_session_get_channel (again), oc_session_get_channel (session)) == 0, "channel changed");
  fuzz_assert (g_strcmp0 (oc_session_get_customer_email (again), email) == 0, "email changed");
  fuzz_assert (oc_session_get_transcript (again)->len == lines->len, "transcript length changed");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();

  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) session = oc_session_parse ((const char *) data, (gssize) size, &error);
  if (session)
    check_session (session);
  else
    {
      fuzz_assert (g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_INPUT), "refused without OC_ERROR_INVALID_INPUT");
      fuzz_check_message ("oc_session_parse", error->message, NULL);
    }

  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker (data, size, &length);
  if (wrapped)
    {
      g_autoptr(GError) wrapped_error = NULL;
      g_autoptr(OcSession) other = oc_session_parse (wrapped, (gssize) length, &wrapped_error);
      if (other)
        check_session (other);
      else
        fuzz_check_message ("oc_session_parse (beside a secret)", wrapped_error->message, FUZZ_MARKER);
    }
  return 0;
}
