/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-i18n.h"

#include <glib/gi18n-lib.h>

void
oc_i18n_init (void)
{
  const char *dir = g_getenv ("OMNICHANNEL_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}
