/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-i18n.h — the gettext domain "purple-omnichannel" (SPEC §10): core's
 * sentences, the plugin's and the CLI's all come from it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Binds the domain to its catalogue directory, in UTF-8 whatever the
 * locale's codeset. The directory is OMNICHANNEL_LOCALEDIR when that is set
 * and not empty (a build tree's po/, for tests and trying a translation out
 * before installing), else the LOCALEDIR meson configured. Call once from a
 * front end's start-up (the CLI's main, the plugin's init); core itself
 * never binds, so a host that binds the domain elsewhere is left alone. */
void oc_i18n_init (void);

G_END_DECLS
