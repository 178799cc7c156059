/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-i18n.h — our own gettext domain, never the host application's. */
#pragma once

#include <glib/gi18n-lib.h>
