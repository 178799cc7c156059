/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-guid.h — GUIDs as Dataverse spells them: 36 lower-case hex digits and dashes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Accepts upper case and {braces}; returns the canonical lower-case form or NULL. */
char     *oc_guid_normalize (const char *text);
gboolean  oc_guid_is_valid (const char *text);

G_END_DECLS
