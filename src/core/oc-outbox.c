/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-outbox.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "oc-codes.h"
#include "oc-json.h"
#include "oc-outbox-event.h"

typedef enum { ITEM_APPEND, ITEM_FLUSH, ITEM_QUIT } ItemOp;

typedef struct {
  ItemOp         op;
  OcOutboxEvent *event;     /* APPEND */
  OcHandoff     *handoff;   /* APPEND: a ref, only ever dropped on the main thread */
  char          *line;      /* set by the writer when it was written (or is announced anyway) */
  gboolean       placeholder;   /* created, but Dynamics has not reported the state yet */
} Item;

struct _OcOutbox {
  GObject       parent_instance;
  char         *dir;
  char         *path;
  goffset       max_bytes;
  GMainContext *context;    /* where ::appended is emitted */
  GThread      *thread;
  GAsyncQueue  *todo;       /* Item*: main → writer */
  GAsyncQueue  *done;       /* Item*: writer → main */
  gint          idle_pending;
  GMutex        lock;
  GCond         flushed;
  guint         flushes_done;
  guint64       last_seq;   /* under lock */
  GHashTable   *lines;      /* under lock: session id → last line written or recovered */

  /* the writer thread's own */
  int           fd;
  int           lock_fd;
  gboolean      read_only;   /* another process holds the lock */
  goffset       size;
  gboolean      torn;        /* the file does not end with a newline */
  GHashTable   *keys;        /* session id → key of the state last written */
  char         *warned;      /* the last problem logged */
};

enum { SIGNAL_APPENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcOutbox, oc_outbox, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
  oc_outbox_event_free (item->event);
  g_clear_object (&item->handoff);
  g_free (item->line);
  g_free (item);
}

/* ---- the writer thread ---- */

static void
warn (OcOutbox *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
warn (OcOutbox *self, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  if (g_strcmp0 (self->warned, text) == 0)
    return;
  g_free (self->warned);
  self->warned = g_strdup (text);
  g_warning ("%s", text);
}

/* The number N of the newest events.jsonl.N, 0 when there is none. */
static guint
newest_rotated (OcOutbox *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  guint newest = 0;
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (name, OC_OUTBOX_FILE "."))
        continue;
      const char *digits = name + strlen (OC_OUTBOX_FILE ".");
      guint64 n = 0;
      if (g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT, &n, NULL))
        newest = MAX (newest, (guint) n);
    }
  return newest;
}

/* One complete line of a file, read as an event through the bounded reader. */
static void
recover_line (OcOutbox *self, const char *line, gsize length)
{
  if (length == 0 || length > OC_OUTBOX_MAX_LINE)
    return;
  g_autoptr(JsonNode) node = oc_json_parse_bounded (line, (gssize) length, OC_OUTBOX_MAX_LINE, 4, NULL);
  OcJsonReader reader;
  oc_json_reader_init_node (&reader, node, NULL);
  gint64 seq = oc_json_reader_int (&reader, "seq", -1);
  OcOutboxEvent event = {
    .session_id = (char *) oc_json_reader_string (&reader, "session_id"),
    .ticket_number = (char *) oc_json_reader_string (&reader, "ticket_number"),
    .status = (char *) oc_json_reader_string (&reader, "status"),
    .rep = (char *) oc_json_reader_string (&reader, "rep"),
    .queue = (char *) oc_json_reader_string (&reader, "queue"),
    .reason = (char *) oc_json_reader_string (&reader, "reason"),
  };
  gboolean ok = oc_json_reader_ok (&reader) && node != NULL && seq >= 0 && event.session_id != NULL;
  if (ok)
    {
      g_mutex_lock (&self->lock);
      self->last_seq = MAX (self->last_seq, (guint64) seq);
      g_mutex_unlock (&self->lock);
      g_hash_table_insert (self->keys, g_strdup (event.session_id), oc_outbox_event_key (&event));
      g_mutex_lock (&self->lock);
      g_hash_table_insert (self->lines, g_strdup (event.session_id), g_strndup (line, length));
      g_mutex_unlock (&self->lock);
    }
  oc_json_reader_finish (&reader, NULL);
}

/* Every complete line of @path; TRUE when the file ends in a torn line. */
static gboolean
recover_file (OcOutbox *self, const char *path, goffset *size)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        warn (self, "Cannot read %s to recover the last seq: %s", path, error->message);
      if (size)
        *size = 0;
      return FALSE;
    }
  const char *start = contents;
  const char *end = contents + length;
  while (start < end)
    {
      const char *newline = memchr (start, '\n', (gsize) (end - start));
      if (newline == NULL)
        break;   /* torn: never counted */
      recover_line (self, start, (gsize) (newline - start));
      start = newline + 1;
    }
  if (size)
    *size = (goffset) length;
  return start < end;
}

static void
recover (OcOutbox *self)
{
  guint newest = newest_rotated (self);
  if (newest > 0)
    {
      /* the previous file holds the sessions' last states just after a rotation */
      g_autofree char *name = g_strdup_printf ("%s.%u", self->path, newest);
      recover_file (self, name, NULL);
    }
  self->torn = recover_file (self, self->path, &self->size);
}

static gboolean
open_file (OcOutbox *self)
{
  if (self->fd >= 0)
    return TRUE;
  self->fd = g_open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      warn (self, "Cannot open %s: %s", self->path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (OcOutbox *self, const char *data, gsize length)
{
  while (length > 0)
    {
      gssize written = write (self->fd, data, length);
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          warn (self, "Cannot write to %s: %s", self->path, g_strerror (errno));
          return FALSE;
        }
      data += written;
      length -= (gsize) written;
      self->size += written;
    }
  return TRUE;
}

/* Renames the full file to events.jsonl.N and begins a new one. */
static void
rotate (OcOutbox *self)
{
  if (self->fd >= 0)
    {
      fsync (self->fd);
      close (self->fd);
      self->fd = -1;
    }
  g_autofree char *name = g_strdup_printf ("%s.%u", self->path, newest_rotated (self) + 1);
  if (g_rename (self->path, name) != 0)
    {
      warn (self, "Cannot rotate %s: %s", self->path, g_strerror (errno));
      return;
    }
  self->size = 0;
  self->torn = FALSE;
  int dir_fd = g_open (self->dir, O_RDONLY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);   /* the rename itself is durable */
      close (dir_fd);
    }
}

/* Gives @item its seq and line, and writes it unless it says nothing new. */
static gboolean
write_item (OcOutbox *self, Item *item)
{
  g_autofree char *key = oc_outbox_event_key (item->event);
  const char *session = item->event->session_id ? item->event->session_id : "";
  const char *last = g_hash_table_lookup (self->keys, session);
  if (g_strcmp0 (last, key) == 0)
    return FALSE;
  /* A created record Dynamics has not reported on yet shows a placeholder
   * ("open", "case-open"): news just after the create, but after a restart
   * it would go back on a state Dynamics already reported. */
  if (item->placeholder && last && !g_str_has_prefix (last, "handing-off\x1f") &&
      !g_str_has_prefix (last, "failed\x1f"))
    return FALSE;
  g_hash_table_insert (self->keys, g_strdup (session), g_steal_pointer (&key));

  g_mutex_lock (&self->lock);
  guint64 seq = ++self->last_seq;
  item->line = oc_outbox_event_to_line (item->event, seq);
  g_hash_table_insert (self->lines, g_strdup (session), g_strdup (item->line));
  g_mutex_unlock (&self->lock);
  if (self->read_only)
    return TRUE;

  gsize length = strlen (item->line);
  if (self->size > 0 && self->size + (goffset) length + 1 > self->max_bytes)
    rotate (self);
  if (!open_file (self))
    return TRUE;
  if (self->torn && write_all (self, "\n", 1))
    self->torn = FALSE;   /* the torn line stays as it is, ended */
  g_autofree char *text = g_strconcat (item->line, "\n", NULL);
  write_all (self, text, length + 1);
  return TRUE;
}

static gboolean
on_done (gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(OcOutbox) self = g_weak_ref_get (ref);
  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_atomic_int_set (&self->idle_pending, 0);
  Item *item;
  while ((item = g_async_queue_try_pop (self->done)) != NULL)
    {
      if (item->line)
        g_signal_emit (self, signals[SIGNAL_APPENDED], 0, item->handoff, item->line);
      item_free (item);
    }
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
announce (OcOutbox *self)
{
  if (!g_atomic_int_compare_and_exchange (&self->idle_pending, 0, 1))
    return;
  GWeakRef *ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  GSource *source = g_idle_source_new ();
  g_source_set_callback (source, on_done, ref, weak_ref_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static gpointer
writer (gpointer data)
{
  OcOutbox *self = data;
  recover (self);
  for (;;)
    {
      /* everything queued now is one batch: written, then one fsync */
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_ptr_array_add (batch, g_async_queue_pop (self->todo));
      gpointer more;
      while ((more = g_async_queue_try_pop (self->todo)) != NULL)
        g_ptr_array_add (batch, more);

      gboolean wrote = FALSE, quit = FALSE;
      guint flushes = 0;
      for (guint i = 0; i < batch->len; i++)
        {
          Item *item = batch->pdata[i];
          if (item->op == ITEM_APPEND)
            wrote |= write_item (self, item);
          else if (item->op == ITEM_FLUSH)
            flushes++;
          else
            quit = TRUE;
        }
      if (wrote && self->fd >= 0 && fsync (self->fd) != 0)
        warn (self, "Cannot sync %s: %s", self->path, g_strerror (errno));

      /* announced only once durable; items without a line go back to be freed on the main thread */
      for (guint i = 0; i < batch->len; i++)
        {
          Item *item = batch->pdata[i];
          if (item->op == ITEM_APPEND)
            g_async_queue_push (self->done, item);
          else
            item_free (item);
        }
      if (batch->len > flushes + (quit ? 1u : 0u))
        announce (self);   /* appends came back: to announce, or only to free */
      if (flushes)
        {
          g_mutex_lock (&self->lock);
          self->flushes_done += flushes;
          g_cond_broadcast (&self->flushed);
          g_mutex_unlock (&self->lock);
        }
      if (quit)
        return NULL;
    }
}

/* ---- the main thread's side ---- */

static void
oc_outbox_dispose (GObject *object)
{
  OcOutbox *self = OC_OUTBOX (object);
  if (self->thread)
    {
      Item *quit = g_new0 (Item, 1);
      quit->op = ITEM_QUIT;
      g_async_queue_push (self->todo, quit);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  if (self->done)
    {
      Item *item;
      while ((item = g_async_queue_try_pop (self->done)) != NULL)
        item_free (item);   /* written, but nobody is listening any more */
    }
  G_OBJECT_CLASS (oc_outbox_parent_class)->dispose (object);
}

static void
oc_outbox_finalize (GObject *object)
{
  OcOutbox *self = OC_OUTBOX (object);
  if (self->fd >= 0)
    close (self->fd);
  if (self->lock_fd >= 0)
    close (self->lock_fd);   /* releases the lock */
  g_clear_pointer (&self->todo, g_async_queue_unref);
  g_clear_pointer (&self->done, g_async_queue_unref);
  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->flushed);
  g_free (self->warned);
  g_free (self->dir);
  g_free (self->path);
  G_OBJECT_CLASS (oc_outbox_parent_class)->finalize (object);
}

static void
oc_outbox_class_init (OcOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_outbox_dispose;
  G_OBJECT_CLASS (klass)->finalize = oc_outbox_finalize;
  signals[SIGNAL_APPENDED] = g_signal_new ("appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, OC_TYPE_HANDOFF, G_TYPE_STRING);
}

static void
oc_outbox_init (OcOutbox *self)
{
  self->fd = -1;
  self->lock_fd = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->flushed);
  self->todo = g_async_queue_new ();
  self->done = g_async_queue_new ();
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

OcOutbox *
oc_outbox_new (const char *dir, goffset max_bytes, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (max_bytes >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create %s: %s"), dir,
                   g_strerror (saved));
      return NULL;
    }
  OcOutbox *self = g_object_new (OC_TYPE_OUTBOX, NULL);
  self->dir = g_strdup (dir);
  self->path = g_build_filename (dir, OC_OUTBOX_FILE, NULL);
  self->max_bytes = max_bytes > 0 ? max_bytes : OC_OUTBOX_MAX_BYTES;
  self->context = g_main_context_ref_thread_default ();

  g_autofree char *lock_path = g_build_filename (dir, ".lock", NULL);
  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      self->read_only = TRUE;
      /* Expected, not a fault: two accounts (or processes) on one store;
       * the one holding the lock writes every handoff's lines. */
      g_message ("Another writer holds %s: this one announces its outcomes but does not write them",
                 self->path);
    }
  self->thread = g_thread_new ("oc-outbox", writer, self);
  return self;
}

void
oc_outbox_push (OcOutbox *self, OcHandoff *handoff)
{
  g_return_if_fail (OC_IS_OUTBOX (self));
  g_return_if_fail (OC_IS_HANDOFF (handoff));

  Item *item = g_new0 (Item, 1);
  item->op = ITEM_APPEND;
  item->placeholder = oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED &&
                      oc_handoff_get_live (handoff)->statecode == OC_CODE_UNKNOWN;
  item->event = oc_outbox_event_new (handoff, g_get_real_time ());
  item->handoff = g_object_ref (handoff);
  g_async_queue_push (self->todo, item);
}

void
oc_outbox_flush (OcOutbox *self)
{
  g_return_if_fail (OC_IS_OUTBOX (self));

  g_mutex_lock (&self->lock);
  guint target = self->flushes_done + 1;
  g_mutex_unlock (&self->lock);
  Item *flush = g_new0 (Item, 1);
  flush->op = ITEM_FLUSH;
  g_async_queue_push (self->todo, flush);
  g_mutex_lock (&self->lock);
  while (self->flushes_done < target)
    g_cond_wait (&self->flushed, &self->lock);
  g_mutex_unlock (&self->lock);

  Item *item;
  while ((item = g_async_queue_try_pop (self->done)) != NULL)
    {
      if (item->line)
        g_signal_emit (self, signals[SIGNAL_APPENDED], 0, item->handoff, item->line);
      item_free (item);
    }
}

char *
oc_outbox_dup_last_line (OcOutbox *self, const char *session_id)
{
  g_return_val_if_fail (OC_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);
  g_mutex_lock (&self->lock);
  char *line = g_strdup (g_hash_table_lookup (self->lines, session_id));
  g_mutex_unlock (&self->lock);
  return line;
}

guint64
oc_outbox_get_last_seq (OcOutbox *self)
{
  g_return_val_if_fail (OC_IS_OUTBOX (self), 0);
  g_mutex_lock (&self->lock);
  guint64 seq = self->last_seq;
  g_mutex_unlock (&self->lock);
  return seq;
}

const char *
oc_outbox_get_path (OcOutbox *self)
{
  g_return_val_if_fail (OC_IS_OUTBOX (self), NULL);
  return self->path;
}
