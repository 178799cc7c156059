/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-text.h"

#include <string.h>

#include "oc-session.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026 "…" */

/* Appends @c, turning control characters into spaces: Dataverse columns and
 * the agent UI show text, and a stray ESC or NUL-like byte there only hides
 * or garbles what the customer wrote. \n and \t carry meaning in notes. */
static void
append_clean (GString *out, gunichar c)
{
  if (c != '\n' && c != '\t' && g_unichar_iscntrl (c))
    g_string_append_c (out, ' ');
  else
    g_string_append_unichar (out, c);
}

char *
oc_text_cut (const char *text, gsize max_chars)
{
  if (text == NULL)
    return NULL;

  /* Callers pass strings that came from untrusted documents; never walk an
   * invalid sequence with the g_utf8_* helpers, which trust their input. */
  g_autofree char *valid = NULL;
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  /* Dataverse measures lengths in UTF-16 code units (.NET strings): a
   * character outside the Basic Multilingual Plane, such as an emoji, counts
   * twice. Count the same way, or a "200-character" subject is refused. */
  gsize total = 0;
  for (const char *q = text; *q != '\0'; q = g_utf8_next_char (q))
    total += g_utf8_get_char (q) > 0xFFFF ? 2 : 1;
  gboolean cut = total > max_chars;
  /* The ellipsis (one unit) counts against the limit. */
  gsize budget = cut ? (max_chars > 0 ? max_chars - 1 : 0) : total;

  GString *out = g_string_sized_new (strlen (text) + 1);
  gsize used = 0;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize units = c > 0xFFFF ? 2 : 1;
      if (used + units > budget)
        break;
      used += units;
      append_clean (out, c);
    }
  if (cut && max_chars > 0)
    g_string_append (out, ELLIPSIS);
  return g_string_free (out, FALSE);
}

char *
oc_text_format_transcript (GPtrArray *lines)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const OcTranscriptLine *line = g_ptr_array_index (lines, i);
      if (i > 0)
        g_string_append_c (out, '\n');
      if (line->time != NULL)
        g_string_append_printf (out, "[%s] ", line->time);
      g_string_append_printf (out, "%s: %s",
                              line->role != NULL ? line->role : "",
                              line->text != NULL ? line->text : "");
    }
  return g_string_free (out, FALSE);
}
