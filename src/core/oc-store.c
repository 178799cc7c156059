/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-store.h"

#include <glib/gi18n-lib.h>

#include "oc-store-private.h"

#include "oc-json.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* oc_store_write_durably's temporary files: ".tmp-" and six mkstemp characters. */
#define TMP_PREFIX ".tmp-"
#define TMP_SUFFIX_CHARS 6
/* A temp file this old is no write in progress (a write is write + fsync +
 * rename); younger ones are left alone even when unlocked, which covers the
 * instant between mkstemp and flock in another process. */
#define STALE_TMP_AGE_S (10 * 60)

struct _OcStore {
  GObject parent_instance;
  char *root;
  char *inbox;
  char *sessions;
  char *rejected;
  GHashTable *warned;   /* file names list() already complained about */
  GHashTable *refused;  /* rejected/ name → FileState of the document when it was refused */
};

/* Enough of a stat to tell that a writer touched the file: an append
 * changes the size even within one tick of the coarse file-system clock. */
typedef struct {
  gint64 size;
  gint64 mtime_ns;
} FileState;

static gboolean
file_state (const char *path, FileState *state)
{
  struct stat st;
  if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  state->size = (gint64) st.st_size;
  state->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

static void
remember_refused (OcStore *self, const char *name, const FileState *state)
{
  /* Bounded: forgetting only falls back to comparing with the .reason's time. */
  if (g_hash_table_size (self->refused) >= 10000)
    g_hash_table_remove_all (self->refused);
  g_hash_table_insert (self->refused, g_strdup (name), g_memdup2 (state, sizeof *state));
}

enum { SIGNAL_REJECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (OcStore, oc_store, G_TYPE_OBJECT)

static void
oc_store_finalize (GObject *object)
{
  OcStore *self = OC_STORE (object);
  g_free (self->root);
  g_free (self->inbox);
  g_free (self->sessions);
  g_free (self->rejected);
  g_hash_table_unref (self->warned);
  g_hash_table_unref (self->refused);
  G_OBJECT_CLASS (oc_store_parent_class)->finalize (object);
}

static void
oc_store_class_init (OcStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = oc_store_finalize;
  /* (file name, reason) for every document moved to rejected/: refused at
   * the inbox, or a stored session that can no longer be read. Front ends
   * show it; the store has already decided and written the .reason. */
  signals[SIGNAL_REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
oc_store_init (OcStore *self)
{
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
set_errno_error (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* TRANSLATORS: what failed ("Could not remove"), the path, the system's reason */
               _("%s %s: %s"), what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  /* 0700: transcripts and customer details are personal data. */
  if (g_mkdir_with_parents (path, 0700) != 0)
    return set_errno_error (error, errno, _("Could not create the directory"), path);
  return TRUE;
}

static gboolean
is_temp_name (const char *name)
{
  if (!g_str_has_prefix (name, TMP_PREFIX) || strlen (name) != strlen (TMP_PREFIX) + TMP_SUFFIX_CHARS)
    return FALSE;
  for (const char *p = name + strlen (TMP_PREFIX); *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* A write killed between mkstemp and rename (SIGKILL, power cut) leaves its
 * temp file behind. Only our own pattern, only regular files, only old ones,
 * and only when no writer holds its lock: another process sharing the store
 * may be writing right now. */
static void
clean_stale_temp_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!is_temp_name (name))
        continue;
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      int fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
      if (fd < 0)
        continue;
      struct stat st;
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && now - (gint64) st.st_mtime >= STALE_TMP_AGE_S
          && flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          if (g_unlink (path) == 0)
            g_debug ("removed %s, left by an interrupted write", path);
        }
      close (fd);
    }
}

const char *
oc_store_get_sessions_dir (OcStore *self)
{
  return self->sessions;
}

OcStore *
oc_store_new (const char *root, GError **error)
{
  g_return_val_if_fail (root != NULL, NULL);

  g_autoptr(OcStore) self = g_object_new (OC_TYPE_STORE, NULL);
  self->root = g_strdup (root);
  self->inbox = g_build_filename (root, "inbox", NULL);
  self->sessions = g_build_filename (root, "sessions", NULL);
  self->rejected = g_build_filename (root, "rejected", NULL);
  if (!make_dir (self->inbox, error) || !make_dir (self->sessions, error) || !make_dir (self->rejected, error))
    return NULL;
  clean_stale_temp_files (self->sessions);
  clean_stale_temp_files (self->rejected);
  return g_steal_pointer (&self);
}

char *
oc_store_default_root (const char *base_dir, const char *environment_host)
{
  g_return_val_if_fail (base_dir != NULL && environment_host != NULL, NULL);

  /* The host comes from a validated URL, but a path separator or a bare
   * ".." here would put the store somewhere else entirely. */
  g_autofree char *host = g_strdup (environment_host);
  g_strdelimit (host, "/\\", '_');
  if (host[0] == '\0' || strcmp (host, ".") == 0 || strcmp (host, "..") == 0)
    {
      g_free (host);
      host = g_strdup ("_");
    }
  return g_build_filename (base_dir, "omnichannel", host, NULL);
}

const char *
oc_store_get_root (OcStore *self)
{
  g_return_val_if_fail (OC_IS_STORE (self), NULL);
  return self->root;
}

const char *
oc_store_get_rejected_dir (OcStore *self)
{
  g_return_val_if_fail (OC_IS_STORE (self), NULL);
  return self->rejected;
}

const char *
oc_store_get_inbox_dir (OcStore *self)
{
  g_return_val_if_fail (OC_IS_STORE (self), NULL);
  return self->inbox;
}

char *
oc_store_file_name (const char *session_id)
{
  g_return_val_if_fail (session_id != NULL, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, session_id, -1);
  return g_strdup_printf ("%.32s.json", hash);
}

static char *
session_path (OcStore *self, const char *session_id)
{
  g_autofree char *name = oc_store_file_name (session_id);
  return g_build_filename (self->sessions, name, NULL);
}

/* ---- durable writes --------------------------------------------------- */

static gboolean
sync_dir (const char *dir, GError **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return set_errno_error (error, errno, _("Could not open the directory"), dir);
  /* Some file systems cannot fsync a directory (EINVAL); there is nothing
   * more to do there and the rename itself already happened. */
  if (fsync (fd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      int saved = errno;
      close (fd);
      return set_errno_error (error, saved, _("Could not flush the directory"), dir);
    }
  close (fd);
  return TRUE;
}

static gboolean
write_all (int fd, const char *data, gsize length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* write + fsync + rename + fsync(dir): after this returns TRUE the file has
 * either its old or its new content after a crash, never a torn one, and
 * the new name survives a power cut. */
gboolean
oc_store_write_durably (const char *dir, const char *name, const char *data, gsize length, GError **error)
{
  g_autofree char *final_path = g_build_filename (dir, name, NULL);
  g_autofree char *tmp_path = g_build_filename (dir, TMP_PREFIX "XXXXXX", NULL);

  int fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_errno_error (error, errno, _("Could not create a file in"), dir);
  /* Held until close: clean_stale_temp_files() in another process leaves a
   * locked temp file alone. Advisory, so a file system without flock only
   * loses that protection, not the write. */
  (void) flock (fd, LOCK_EX | LOCK_NB);

  const char *step = NULL;
  const char *step_path = tmp_path;
  if (!write_all (fd, data, length))
    step = _("Could not write");
  else if (fsync (fd) != 0)
    step = _("Could not flush");
  int saved = errno;
  if (close (fd) != 0 && step == NULL)
    {
      step = _("Could not close");
      saved = errno;
    }
  if (step == NULL && g_rename (tmp_path, final_path) != 0)
    {
      step = _("Could not rename the new file to");
      step_path = final_path;
      saved = errno;
    }
  if (step != NULL)
    {
      g_unlink (tmp_path);
      return set_errno_error (error, saved, step, step_path);
    }
  return sync_dir (dir, error);
}

gboolean
oc_store_save (OcStore *self, OcSession *session, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && session != NULL, FALSE);

  /* Never store what could not be read back: the intake would say
   * "accepted" and the next sign-in would lose it. */
  if (!oc_session_check (session, error))
    return FALSE;
  gsize length = 0;
  g_autofree char *data = oc_session_to_json (session, &length);
  g_autofree char *name = oc_store_file_name (oc_session_get_id (session));
  return oc_store_write_durably (self->sessions, name, data, length, error);
}

/* The first readable stored copy of @session's id, or NULL. */
OcSession *
oc_store_load_existing (OcStore *self, OcSession *session)
{
  const char *id = oc_session_get_id (session);
  /* one that cannot be read is moved aside by load */
  return oc_store_contains (self, id) ? oc_store_load (self, id, NULL) : NULL;
}

gboolean
oc_store_accept (OcStore *self, OcSession *session, OcSession **stored, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && session != NULL, FALSE);

  if (stored)
    *stored = NULL;
  /* the first copy wins */
  OcSession *existing = oc_store_load_existing (self, session);
  if (existing == NULL)
    return oc_store_save (self, session, error);
  if (stored)
    *stored = existing;
  else
    oc_session_unref (existing);
  return TRUE;
}

/* ---- reading ---------------------------------------------------------- */

static OcSession *
load_file (const char *path, GError **error)
{
  /* Bounded and without following links, like any file from outside: the
   * directory is ours, but not every program that writes into it is. */
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GBytes) bytes = oc_json_read_file (path, OC_SESSION_MAX_BYTES, FALSE, &parse_error);
  gsize length = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &length) : NULL;
  OcSession *session = bytes ? oc_session_parse_stored (data ? data : "", (gssize) length, &parse_error) : NULL;
  if (session == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&parse_error), "%s: ", path);
  return session;
}

/* A file that cannot be moved aside stays where it is: say so once per
 * store, not on every refresh of the buddy list. */
static void
warn_once (OcStore *self, const char *name, const char *detail)
{
  if (g_hash_table_add (self->warned, g_strdup (name)))
    g_warning ("Stored session %s cannot be read and could not be moved to rejected/: %s", name, detail);
}

/* The session in sessions/@name, or NULL. A file that can no longer be read
 * (edited, truncated, from an older version, or holding another id than its
 * name promises) is never skipped silently: it moves to rejected/ with its
 * reason, and ::rejected announces it. */
static OcSession *
load_or_reject (OcStore *self, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (self->sessions, name, NULL);
  g_autoptr(GError) load_error = NULL;
  g_autoptr(OcSession) session = load_file (path, &load_error);
  if (session != NULL)
    {
      g_autofree char *expected = oc_store_file_name (oc_session_get_id (session));
      if (strcmp (expected, name) == 0)
        return g_steal_pointer (&session);
      g_set_error (&load_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds session %s, whose file name would be %s (copied by hand?)"),
                   path, oc_session_get_id (session), expected);
    }

  g_autofree char *reason = g_strdup_printf (_("a stored session could not be read back: %s"), load_error->message);
  g_autoptr(GError) reject_error = NULL;
  if (!oc_store_reject (self, path, reason, &reject_error))
    warn_once (self, name, reject_error->message);
  g_propagate_error (error, g_steal_pointer (&load_error));
  return NULL;
}

OcSession *
oc_store_load (OcStore *self, const char *session_id, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && session_id != NULL, NULL);

  g_autofree char *path = session_path (self, session_id);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No stored session has the id %s"), session_id);
      return NULL;
    }
  g_autofree char *name = g_path_get_basename (path);
  return load_or_reject (self, name, error);
}

gboolean
oc_store_contains (OcStore *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_STORE (self) && session_id != NULL, FALSE);
  g_autofree char *path = session_path (self, session_id);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static gint
compare_by_id (gconstpointer a, gconstpointer b)
{
  OcSession *sa = *(OcSession * const *) a;
  OcSession *sb = *(OcSession * const *) b;
  return strcmp (oc_session_get_id (sa), oc_session_get_id (sb));
}

GPtrArray *
oc_store_list (OcStore *self)
{
  g_return_val_if_fail (OC_IS_STORE (self), NULL);

  GPtrArray *sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) oc_session_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (self->sessions, 0, &error);
  if (dir == NULL)
    {
      warn_once (self, self->sessions, error->message);
      return sessions;
    }

  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
        continue;   /* temp files of a write in progress, editor leftovers */
      OcSession *session = load_or_reject (self, name, NULL);
      if (session != NULL)
        g_ptr_array_add (sessions, session);
    }
  g_ptr_array_sort (sessions, compare_by_id);
  return sessions;
}

gboolean
oc_store_remove (OcStore *self, const char *session_id, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && session_id != NULL, FALSE);

  g_autofree char *path = session_path (self, session_id);
  if (g_unlink (path) != 0)
    {
      if (errno == ENOENT)
        return TRUE;   /* already gone is what the caller wanted */
      return set_errno_error (error, errno, _("Could not remove"), path);
    }
  return sync_dir (self->sessions, error);
}

/* ---- rejecting -------------------------------------------------------- */

/* "doc.json", then "doc-1.json", "doc-2.json", …: a rejected document is
 * evidence and must never overwrite an earlier one with the same name. */
static char *
free_rejected_name (OcStore *self, const char *base)
{
  const char *dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    dot = base + strlen (base);

  for (guint n = 0; n < 100000; n++)
    {
      g_autofree char *name = n == 0 ? g_strdup (base)
                                     : g_strdup_printf ("%.*s-%u%s", (int) (dot - base), base, n, dot);
      g_autofree char *path = g_build_filename (self->rejected, name, NULL);
      g_autofree char *reason = g_strconcat (path, ".reason", NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (reason, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
  return NULL;
}

gboolean
oc_store_reject (OcStore *self, const char *path, const char *reason, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && path != NULL, FALSE);

  g_autofree char *base = g_path_get_basename (path);
  if (strcmp (base, ".") == 0 || strcmp (base, "..") == 0 || strcmp (base, G_DIR_SEPARATOR_S) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("%s is not a file name"), path);
      return FALSE;
    }

  g_autofree char *name = free_rejected_name (self, base);
  if (name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("No free name in %s for %s"), self->rejected, base);
      return FALSE;
    }
  g_autofree char *target = g_build_filename (self->rejected, name, NULL);
  /* Taken before the move: any write after it, also one by a writer that
   * still holds the file, shows as a change (oc_store_rejected_changed). */
  FileState before;
  gboolean regular = file_state (path, &before);
  if (g_rename (path, target) != 0)
    return set_errno_error (error, errno, _("Could not move the rejected document"), path);
  if (regular)
    remember_refused (self, name, &before);

  /* The document left its directory: make that survive a crash too, or it
   * would reappear in the inbox and be rejected again without a reason. */
  g_autofree char *source_dir = g_path_get_dirname (path);
  if (!sync_dir (source_dir, error))
    return FALSE;

  g_autofree char *reason_name = g_strconcat (name, ".reason", NULL);
  g_autofree char *text = g_strconcat (reason != NULL ? reason : "", "\n", NULL);
  gboolean written = oc_store_write_durably (self->rejected, reason_name, text, strlen (text), error);
  g_signal_emit (self, signals[SIGNAL_REJECTED], 0, base, reason != NULL ? reason : "");
  return written;
}

static gboolean
is_plain_name (const char *name)
{
  return name[0] != '\0' && name[0] != '.' && strchr (name, G_DIR_SEPARATOR) == NULL;
}

gboolean
oc_store_rejected_changed (OcStore *self, const char *name)
{
  g_return_val_if_fail (OC_IS_STORE (self) && name != NULL, FALSE);
  if (!is_plain_name (name) || g_str_has_suffix (name, ".reason"))
    return FALSE;

  g_autofree char *path = g_build_filename (self->rejected, name, NULL);
  g_autofree char *reason = g_strconcat (path, ".reason", NULL);
  FileState now, reason_state;
  if (!file_state (path, &now) || !file_state (reason, &reason_state))
    return FALSE;
  /* Refused by this store: compared with what it was then. Else (refused
   * before a restart, or by another process): written after its reason. */
  const FileState *then = g_hash_table_lookup (self->refused, name);
  if (then != NULL)
    return now.size != then->size || now.mtime_ns != then->mtime_ns;
  return now.mtime_ns > reason_state.mtime_ns;
}

gboolean
oc_store_review_rejected (OcStore *self, const char *name, const char *reason, GError **error)
{
  g_return_val_if_fail (OC_IS_STORE (self) && name != NULL, FALSE);
  if (!is_plain_name (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("%s is not a file name"), name);
      return FALSE;
    }

  g_autofree char *reason_name = g_strconcat (name, ".reason", NULL);
  g_autofree char *doc_path = g_build_filename (self->rejected, name, NULL);
  if (reason != NULL)
    {
      FileState state;
      if (file_state (doc_path, &state))
        remember_refused (self, name, &state);
      g_autofree char *text = g_strconcat (reason, "\n", NULL);
      gboolean written = oc_store_write_durably (self->rejected, reason_name, text, strlen (text), error);
      g_signal_emit (self, signals[SIGNAL_REJECTED], 0, name, reason);
      return written;
    }

  g_hash_table_remove (self->refused, name);
  g_autofree char *reason_path = g_build_filename (self->rejected, reason_name, NULL);
  if (g_unlink (doc_path) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, _("Could not remove"), doc_path);
  if (g_unlink (reason_path) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, _("Could not remove"), reason_path);
  return sync_dir (self->rejected, error);
}
