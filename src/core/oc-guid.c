/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-guid.h"

#include <string.h>

char *
oc_guid_normalize (const char *text)
{
  if (text == NULL)
    return NULL;

  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char *p = trimmed;
  gsize len = strlen (p);

  if (len == 38 && p[0] == '{' && p[37] == '}')
    {
      p++;
      len -= 2;
    }
  if (len != 36)
    return NULL;

  char *out = g_malloc (37);
  for (gsize i = 0; i < 36; i++)
    {
      gboolean dash_pos = (i == 8 || i == 13 || i == 18 || i == 23);
      if (dash_pos ? p[i] != '-' : !g_ascii_isxdigit (p[i]))
        {
          g_free (out);
          return NULL;
        }
      out[i] = g_ascii_tolower (p[i]);
    }
  out[36] = '\0';
  return out;
}

gboolean
oc_guid_is_valid (const char *text)
{
  g_autofree char *normalized = oc_guid_normalize (text);
  return normalized != NULL && g_strcmp0 (normalized, text) == 0;
}
