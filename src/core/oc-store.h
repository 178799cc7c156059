/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-store.h — the durable session store of one environment (SPEC §5.5):
 *   <root>/inbox/     documents dropped by integrators
 *   <root>/sessions/  accepted sessions, one file each, updated with meta
 *   <root>/rejected/  refused documents with a .reason file beside each
 * Every write is write + fsync + rename + fsync(dir): a session is on disk
 * before anyone is told it was accepted. */
#pragma once

#include <gio/gio.h>

#include "oc-session.h"

G_BEGIN_DECLS

#define OC_TYPE_STORE (oc_store_get_type ())
G_DECLARE_FINAL_TYPE (OcStore, oc_store, OC, STORE, GObject)

/* Signal ::rejected (const char *file_name, const char *reason): a document
 * was moved to rejected/ — refused at the inbox, or a stored session that
 * can no longer be read (never skipped silently). */

/* Creates the three directories (0700) under @root if needed, and removes
 * temp files left by writes that were killed (old and unlocked ones only). */
OcStore    *oc_store_new (const char *root, GError **error);
/* <base>/omnichannel/<host> (base: the purple user dir, or ~/.purple). */
char       *oc_store_default_root (const char *base_dir, const char *environment_host);

const char *oc_store_get_root (OcStore *self);
const char *oc_store_get_inbox_dir (OcStore *self);

/* Writes @session durably to sessions/. Returns FALSE with an error if it
 * could not be made durable, or (OC_ERROR_INVALID_INPUT) if it breaks a rule
 * of the session document and so could not be read back. An existing file
 * for the same id is replaced. */
gboolean    oc_store_save (OcStore *self, OcSession *session, GError **error);
/* The same, with the write + fsync + rename + fsync(dir) in a thread, so
 * that the main loop never waits for the disk. @session is validated and
 * serialised before this returns (later changes to it are not saved). */
void        oc_store_save_async (OcStore *self, OcSession *session, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean    oc_store_save_finish (OcStore *self, GAsyncResult *result, GError **error);
/* An intake's "accepted": if a readable session with this id is stored, the
 * first copy wins and is returned in *@stored; otherwise @session is saved
 * (validated as by oc_store_save). FALSE + error: not accepted. */
gboolean    oc_store_accept (OcStore *self, OcSession *session, OcSession **stored, GError **error);
/* oc_store_accept with the write in a thread (see oc_store_save_async);
 * finish gives *@stored (full, may be NULL) as accept does. */
void        oc_store_accept_async (OcStore *self, OcSession *session, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean    oc_store_accept_finish (OcStore *self, GAsyncResult *result, OcSession **stored, GError **error);
/* The stored session with this id (a new reference), or NULL. A stored file that cannot be
 * read back is moved to rejected/ (see ::rejected) by this and by list. */
OcSession  *oc_store_load (OcStore *self, const char *session_id, GError **error);
gboolean    oc_store_contains (OcStore *self, const char *session_id);
/* Every stored session (handed off or not), sorted by id: a new array
 * (transfer full) of OcSession* that it owns; free with g_ptr_array_unref. */
GPtrArray  *oc_store_list (OcStore *self);   /* OcSession* */
/* Removes a stored session file (retention is the UI's business; records stay in Dynamics). */
gboolean    oc_store_remove (OcStore *self, const char *session_id, GError **error);

/* Moves @path (a file in the inbox) to rejected/ and writes <name>.reason. */
gboolean    oc_store_reject (OcStore *self, const char *path, const char *reason, GError **error);
const char *oc_store_get_rejected_dir (OcStore *self);
/* TRUE if rejected/@name (a regular file) was written since it was refused
 * (a writer finished it, or someone fixed it): it deserves another look.
 * "Since" is against its size and mtime when this store refused it, or,
 * for one refused earlier, against the time of its .reason. */
gboolean    oc_store_rejected_changed (OcStore *self, const char *name);
/* A rejected document looked at again: still refused (@reason replaces its
 * .reason and ::rejected says so again), or accepted (@reason NULL: the
 * document and its .reason leave rejected/). */
gboolean    oc_store_review_rejected (OcStore *self, const char *name, const char *reason, GError **error);

/* The file name a session is stored under: ids are untrusted, so the name is
 * derived from a hash of the id, never from the id itself. */
char       *oc_store_file_name (const char *session_id);

G_END_DECLS
