/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-inbox.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "oc-error.h"
#include "oc-json.h"

/* A file written in place, waiting to be unchanged for the settle time:
 * in the inbox, or a rejected document a writer went on writing. */
typedef struct {
  OcInbox *inbox;
  char    *path;
  gint64   size;
  gint64   mtime_ns;
  guint    source;
  gboolean rejected;
} Settling;

struct _OcInbox {
  GObject          parent_instance;
  OcStore         *store;
  OcHandoffEngine *engine;
  GFileMonitor    *monitor;
  gulong           changed_handler;
  GFileMonitor    *rejected_monitor;
  gulong           rejected_handler;
  GHashTable      *settling;   /* path → Settling* */
  GHashTable      *taking;     /* paths queued or whose store write is in flight */
  GQueue           queue;      /* char* paths to take, a few at a time */
  guint            queue_idle;
  guint            in_flight;  /* submits whose store write is not done */
  guint            settle_ms;
};

G_DEFINE_FINAL_TYPE (OcInbox, oc_inbox, G_TYPE_OBJECT)

static void
settling_free (gpointer data)
{
  Settling *settling = data;
  g_clear_handle_id (&settling->source, g_source_remove);
  g_free (settling->path);
  g_free (settling);
}

static void
oc_inbox_dispose (GObject *object)
{
  OcInbox *self = OC_INBOX (object);
  oc_inbox_stop (self);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (oc_inbox_parent_class)->dispose (object);
}

static void
oc_inbox_finalize (GObject *object)
{
  g_hash_table_unref (OC_INBOX (object)->settling);
  g_hash_table_unref (OC_INBOX (object)->taking);
  G_OBJECT_CLASS (oc_inbox_parent_class)->finalize (object);
}

static void
oc_inbox_class_init (OcInboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_inbox_dispose;
  G_OBJECT_CLASS (klass)->finalize = oc_inbox_finalize;
}

static void
oc_inbox_init (OcInbox *self)
{
  self->settling = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, settling_free);
  self->taking = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settle_ms = OC_INBOX_SETTLE_MS;
}

OcInbox *
oc_inbox_new (OcStore *store, OcHandoffEngine *engine)
{
  g_return_val_if_fail (OC_IS_STORE (store) && OC_IS_HANDOFF_ENGINE (engine), NULL);
  OcInbox *self = g_object_new (OC_TYPE_INBOX, NULL);
  self->store = g_object_ref (store);
  self->engine = g_object_ref (engine);
  return self;
}

void
oc_inbox_set_settle_time (OcInbox *self, guint ms)
{
  g_return_if_fail (OC_IS_INBOX (self));
  self->settle_ms = ms;
}

static OcSession *
load_document (const char *path, gboolean follow_symlinks, GError **error)
{
  g_autoptr(GBytes) bytes = oc_json_read_file (path, OC_SESSION_MAX_BYTES, follow_symlinks, error);
  if (bytes == NULL)
    return NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  return oc_session_parse (data ? data : "", (gssize) size, error);
}

OcSession *
oc_session_load_file (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return load_document (path, TRUE, error);
}

static void
reject (OcInbox *self, const char *path, const GError *why)
{
  g_autoptr(GError) reject_error = NULL;
  if (!oc_store_reject (self->store, path, why->message, &reject_error))
    g_warning ("could not move %s to rejected/: %s", path, reject_error->message);
}

static gboolean
is_candidate (const char *name)
{
  /* Writers put temporary files beside the final one: leave those alone. */
  return name[0] != '.' && g_str_has_suffix (name, ".json");
}

typedef struct {
  OcInbox *inbox;
  char    *path;
} Taking;

/* The store said: durable (the document leaves the inbox), refused (it moves
 * to rejected/), or not durable (it stays, the next start looks again). */
static void schedule_queue (OcInbox *self);

static void
on_taken (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Taking *taking = user_data;
  taking->inbox->in_flight--;
  g_autoptr(GError) error = NULL;
  if (oc_handoff_engine_submit_finish (OC_HANDOFF_ENGINE (source), result, NULL, &error))
    {
      if (g_unlink (taking->path) != 0)
        g_warning ("accepted %s but could not remove it from the inbox", taking->path);
    }
  else if (g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_INPUT))
    reject (taking->inbox, taking->path, error);
  else
    g_debug ("inbox: %s not accepted: %s", taking->path, error->message);
  g_hash_table_remove (taking->inbox->taking, taking->path);
  schedule_queue (taking->inbox);
  g_object_unref (taking->inbox);
  g_free (taking->path);
  g_free (taking);
}

/* Reads, validates and submits one queued document; the store write runs
 * in a thread (see on_taken). */
static void
take_now (OcInbox *self, char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) session = load_document (path, FALSE, &error);
  if (session == NULL)
    {
      reject (self, path, error);
      g_debug ("inbox: %s not accepted: %s", path, error->message);
      g_hash_table_remove (self->taking, path);
      g_free (path);
      return;
    }
  Taking *taking = g_new0 (Taking, 1);
  taking->inbox = g_object_ref (self);
  taking->path = path;
  self->in_flight++;
  oc_handoff_engine_submit_async (self->engine, session, NULL, on_taken, taking);
}

/* A burst of documents (a thousand renamed in at once arrive in one batch
 * of monitor events) is taken a slice at a time, and only a few writes are
 * in flight at once: GLib dispatches every ready completion in one
 * iteration, so a thousand finished writes would stall the main loop as
 * long as a thousand synchronous ones. bench/bench-inbox-burst measures it. */
#define SLICE_US 4000
#define MAX_IN_FLIGHT 4

static gboolean
on_queue_idle (gpointer user_data)
{
  OcInbox *self = user_data;
  gint64 until = g_get_monotonic_time () + SLICE_US;
  while (!g_queue_is_empty (&self->queue) && self->in_flight < MAX_IN_FLIGHT && g_get_monotonic_time () < until)
    take_now (self, g_queue_pop_head (&self->queue));
  if (!g_queue_is_empty (&self->queue) && self->in_flight < MAX_IN_FLIGHT)
    return G_SOURCE_CONTINUE;
  self->queue_idle = 0;   /* the next completion schedules it again */
  return G_SOURCE_REMOVE;
}

static void
schedule_queue (OcInbox *self)
{
  if (self->queue_idle == 0 && !g_queue_is_empty (&self->queue) && self->in_flight < MAX_IN_FLIGHT)
    self->queue_idle = g_idle_add (on_queue_idle, self);
}

static void
take_quietly (OcInbox *self, const char *path_in)
{
  g_autofree char *path = g_strdup (path_in);   /* @path_in may be a Settling's, freed here */
  g_hash_table_remove (self->settling, path);
  if (g_hash_table_contains (self->taking, path))
    return;   /* queued, or its write is in flight already */
  g_hash_table_add (self->taking, g_strdup (path));
  g_queue_push_tail (&self->queue, g_steal_pointer (&path));
  schedule_queue (self);
}

static gboolean on_settle_check (gpointer user_data);

static gint64
mtime_ns_of (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/* Waits for @path to stay as @st is for the settle time, from now. */
static void
settle (OcInbox *self, const char *path, const struct stat *st, gboolean rejected)
{
  Settling *settling = g_hash_table_lookup (self->settling, path);
  if (settling == NULL)
    {
      settling = g_new0 (Settling, 1);
      settling->inbox = self;
      settling->path = g_strdup (path);
      g_hash_table_insert (self->settling, settling->path, settling);
    }
  settling->rejected = rejected;
  settling->size = (gint64) st->st_size;
  settling->mtime_ns = mtime_ns_of (st);
  g_clear_handle_id (&settling->source, g_source_remove);
  settling->source = g_timeout_add (self->settle_ms, on_settle_check, settling);
}

/* What to do with an inbox entry now: take it (complete: renamed in, or
 * settled), wait for it to settle (written in place), or leave it alone. */
static void
examine (OcInbox *self, const char *path, gboolean complete)
{
  g_autofree char *name = g_path_get_basename (path);
  struct stat st;
  if (!is_candidate (name) || g_lstat (path, &st) != 0)
    {
      g_hash_table_remove (self->settling, path);   /* gone, or not ours */
      return;
    }
  if (S_ISDIR (st.st_mode))
    return;
  if (complete || !S_ISREG (st.st_mode))   /* links and FIFOs are refused at once, unread */
    take_quietly (self, path);
  else
    settle (self, path, &st, FALSE);
}

/* A rejected document written after its .reason: a writer that paused
 * longer than the settle time went on and finished it. Look again, once it
 * is quiet: accepted, it leaves rejected/; refused, its reason is renewed. */
static void
review_rejected (OcInbox *self, const char *path_in)
{
  g_autofree char *path = g_strdup (path_in);   /* may be a Settling's, freed here */
  g_hash_table_remove (self->settling, path);
  g_autofree char *name = g_path_get_basename (path);
  if (!oc_store_rejected_changed (self->store, name))
    return;

  /* Synchronous: only a document someone rewrote after it was refused
   * comes here, one at a time, and its .reason must agree with the store. */
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) session = load_document (path, FALSE, &error);
  OcHandoff *handoff = session ? oc_handoff_engine_submit (self->engine, session, NULL, &error) : NULL;
  if (handoff == NULL && session != NULL && !g_error_matches (error, OC_ERROR, OC_ERROR_INVALID_INPUT))
    {
      g_debug ("rejected/%s is valid now but not stored yet: %s", name, error->message);
      return;   /* not durable: it stays, the next change or start looks again */
    }
  g_autoptr(GError) review_error = NULL;
  if (!oc_store_review_rejected (self->store, name, handoff ? NULL : error->message, &review_error))
    g_warning ("could not update rejected/%s: %s", name, review_error->message);
}

static void
examine_rejected (OcInbox *self, const char *path, gboolean quiet)
{
  g_autofree char *name = g_path_get_basename (path);
  struct stat st;
  if (!is_candidate (name) || g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode)
      || !oc_store_rejected_changed (self->store, name))
    {
      g_hash_table_remove (self->settling, path);
      return;
    }
  if (quiet)
    review_rejected (self, path);
  else
    settle (self, path, &st, TRUE);
}

static gboolean
on_settle_check (gpointer user_data)
{
  Settling *settling = user_data;
  OcInbox *self = settling->inbox;
  settling->source = 0;

  struct stat st;
  if (g_lstat (settling->path, &st) != 0)
    {
      g_hash_table_remove (self->settling, settling->path);
      return G_SOURCE_REMOVE;
    }
  gboolean unchanged = S_ISREG (st.st_mode) && (gint64) st.st_size == settling->size
                       && mtime_ns_of (&st) == settling->mtime_ns;
  if (settling->rejected)
    examine_rejected (self, settling->path, unchanged);   /* written again: wait again */
  else if (unchanged)
    take_quietly (self, settling->path);
  else
    examine (self, settling->path, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  OcInbox *self = user_data;
  GFile *target = file;
  gboolean complete = FALSE;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_MOVED_IN:           /* moved in from elsewhere: complete */
      complete = TRUE;
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:            /* renamed inside the inbox: complete */
      target = other;
      complete = TRUE;
      {
        g_autofree char *old_path = g_file_get_path (file);
        if (old_path)
          g_hash_table_remove (self->settling, old_path);
      }
      break;
    case G_FILE_MONITOR_EVENT_CREATED:            /* written in place: wait until settled */
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      break;
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      return;
    }
  if (target == NULL)
    return;

  g_autofree char *path = g_file_get_path (target);
  if (path)
    examine (self, path, complete);
}

static void
on_rejected_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  /* Only writes count; our own moves into rejected/ are older than their .reason. */
  if (event != G_FILE_MONITOR_EVENT_CHANGED && event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT
      && event != G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  g_autofree char *path = g_file_get_path (file);
  if (path)
    examine_rejected (user_data, path, FALSE);
}

/* The candidates of @dir_path, sorted: a stable, explainable order. */
static GPtrArray *
candidates (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    if (is_candidate (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

static gboolean
is_quiet (OcInbox *self, const char *path)
{
  struct stat st;
  return g_lstat (path, &st) == 0
         && g_get_real_time () * 1000 - mtime_ns_of (&st) >= (gint64) self->settle_ms * 1000000;
}

static void
scan (OcInbox *self)
{
  /* What arrived while nobody watched is complete if it has been quiet for
   * the settle time already; anything younger may be mid-write. */
  const char *inbox = oc_store_get_inbox_dir (self->store);
  g_autoptr(GPtrArray) names = candidates (inbox);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (inbox, names->pdata[i], NULL);
      examine (self, path, is_quiet (self, path));
    }

  const char *rejected = oc_store_get_rejected_dir (self->store);
  g_autoptr(GPtrArray) refused = candidates (rejected);
  for (guint i = 0; i < refused->len; i++)
    {
      g_autofree char *path = g_build_filename (rejected, refused->pdata[i], NULL);
      examine_rejected (self, path, is_quiet (self, path));
    }
}

gboolean
oc_inbox_start (OcInbox *self, GError **error)
{
  g_return_val_if_fail (OC_IS_INBOX (self), FALSE);
  if (self->monitor)
    return TRUE;

  g_autoptr(GFile) dir = g_file_new_for_path (oc_store_get_inbox_dir (self->store));
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (self->monitor == NULL)
    return FALSE;
  self->changed_handler = g_signal_connect (self->monitor, "changed", G_CALLBACK (on_changed), self);

  g_autoptr(GFile) rejected = g_file_new_for_path (oc_store_get_rejected_dir (self->store));
  g_autoptr(GError) rejected_error = NULL;
  self->rejected_monitor = g_file_monitor_directory (rejected, G_FILE_MONITOR_NONE, NULL, &rejected_error);
  if (self->rejected_monitor)
    self->rejected_handler = g_signal_connect (self->rejected_monitor, "changed", G_CALLBACK (on_rejected_changed), self);
  else
    g_debug ("rejected/ is not watched (a finished document is looked at again at the next start): %s",
             rejected_error->message);
  scan (self);
  return TRUE;
}

void
oc_inbox_stop (OcInbox *self)
{
  g_return_if_fail (OC_IS_INBOX (self));
  g_hash_table_remove_all (self->settling);
  g_clear_handle_id (&self->queue_idle, g_source_remove);
  /* not taken yet: they stay in the inbox for the next start */
  for (char *path; (path = g_queue_pop_head (&self->queue)) != NULL; g_free (path))
    g_hash_table_remove (self->taking, path);
  if (self->rejected_monitor)
    {
      g_clear_signal_handler (&self->rejected_handler, self->rejected_monitor);
      g_file_monitor_cancel (self->rejected_monitor);
      g_clear_object (&self->rejected_monitor);
    }
  if (self->monitor == NULL)
    return;
  g_clear_signal_handler (&self->changed_handler, self->monitor);
  g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
}
