/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-store-private.h — what oc-store.c and oc-store-async.c share. */
#pragma once

#include "oc-store.h"

G_BEGIN_DECLS

const char *oc_store_get_sessions_dir (OcStore *self);
/* write + fsync + rename + fsync(dir) of @data as @dir/@name. Touches
 * nothing but the file system: safe in any thread. */
gboolean    oc_store_write_durably (const char *dir, const char *name, const char *data, gsize length,
                                    GError **error);
/* The first readable stored copy of @session's id (a new reference), or NULL. */
OcSession  *oc_store_load_existing (OcStore *self, OcSession *session);

G_END_DECLS
