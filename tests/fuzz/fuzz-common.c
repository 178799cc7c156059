/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE   /* memmem */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A warning or critical from GLib or json-glib (a wrong-type read, say) is
 * a finding: fuzz_fail aborts, which libFuzzer records with the input that
 * caused it (G_DEBUG=fatal-criticals would raise SIGTRAP, which it does
 * not catch). Debug and info messages are dropped. */
static void
on_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    fuzz_fail (domain ? domain : "(no log domain)", "%s", message);
}

static GLogWriterOutput
on_structured_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL, *message = NULL;
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
    }
  on_log (domain, level, message ? message : "(no message)", NULL);
  return G_LOG_WRITER_HANDLED;
}

void
fuzz_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      g_log_set_default_handler (on_log, NULL);
      g_log_set_writer_func (on_structured_log, NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}

void
fuzz_fail (const char *where, const char *format, ...)
{
  va_list args;
  fprintf (stderr, "fuzz invariant broken at %s: ", where);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  fflush (stderr);
  abort ();
}

gboolean
fuzz_contains (const void *data, size_t size, const char *needle)
{
  return data != NULL && memmem (data, size, needle, strlen (needle)) != NULL;
}

char *
fuzz_cstring (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  return g_strndup ((const char *) data, nul ? (gsize) (nul - data) : size);
}

char *
fuzz_with_marker (const uint8_t *data, size_t size, gsize *length)
{
  if (fuzz_contains (data, size, FUZZ_MARKER))
    return NULL;

  GString *out = g_string_sized_new (size + 64);
  if (size > 0 && data[0] == '{')
    {
      g_string_append (out, "{\"note\":\"" FUZZ_MARKER "\",");
      g_string_append_len (out, (const char *) data + 1, (gssize) size - 1);
    }
  else
    {
      g_string_append (out, "[\"" FUZZ_MARKER "\",");
      g_string_append_len (out, (const char *) data, (gssize) size);
      g_string_append_c (out, ']');
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

void
fuzz_check_with_and_without_marker (const uint8_t *data, size_t size, FuzzCheck check)
{
  check ((const char *) data, size, NULL);
  gsize length = 0;
  g_autofree char *wrapped = fuzz_with_marker (data, size, &length);
  if (wrapped)
    check (wrapped, length, FUZZ_MARKER);
}

void
fuzz_check_message (const char *what, const char *message, const char *secret)
{
  fuzz_assert (message != NULL && *message != '\0', "%s: an error without a message", what);
  fuzz_assert (g_utf8_validate (message, -1, NULL), "%s: the error message is not UTF-8", what);
  fuzz_assert (secret == NULL || strstr (message, secret) == NULL,
               "%s: the error message quotes a secret: %s", what, message);
}
