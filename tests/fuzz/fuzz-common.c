/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE   /* memmem */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
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
fuzz_check_message (const char *what, const char *message, const char *secret)
{
  fuzz_assert (message != NULL && *message != '\0', "%s: an error without a message", what);
  fuzz_assert (g_utf8_validate (message, -1, NULL), "%s: the error message is not UTF-8", what);
  fuzz_assert (secret == NULL || strstr (message, secret) == NULL,
               "%s: the error message quotes a secret: %s", what, message);
}
