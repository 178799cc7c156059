/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-text.h — text shaping for Dataverse columns. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* At most @max_chars characters as Dataverse counts them (UTF-16 code units:
 * an emoji is 2); when cut, ends with "…" and the result including the
 * ellipsis is still within the limit. Never splits a UTF-8 sequence. Control characters other than \n and \t become spaces. */
char *oc_text_cut (const char *text, gsize max_chars);

/* One line per transcript entry: "[2026-11-23T10:02:11Z] customer: text".
 * Entries without a time omit the bracket. */
char *oc_text_format_transcript (GPtrArray *lines /* OcTranscriptLine* */);

G_END_DECLS
