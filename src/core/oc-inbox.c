/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-inbox.h"

#include <glib/gstdio.h>

#include "oc-error.h"

struct _OcInbox {
  GObject          parent_instance;
  OcStore         *store;
  OcHandoffEngine *engine;
  GFileMonitor    *monitor;
  gulong           changed_handler;
};

enum { SIGNAL_REJECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcInbox, oc_inbox, G_TYPE_OBJECT)

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
oc_inbox_class_init (OcInboxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_inbox_dispose;
  /* (file name, reason) for each document moved to rejected/. */
  signals[SIGNAL_REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
oc_inbox_init (OcInbox *self)
{
}

OcInbox *
oc_inbox_new (OcStore *store, OcHandoffEngine *engine)
{
  OcInbox *self = g_object_new (OC_TYPE_INBOX, NULL);
  self->store = g_object_ref (store);
  self->engine = g_object_ref (engine);
  return self;
}

OcSession *
oc_session_load_file (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, &local);
  if (stream == NULL)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "cannot read the file: %s", local->message);
      return NULL;
    }

  /* Read one byte more than allowed, to tell "exactly 1 MiB" from "more". */
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes (G_INPUT_STREAM (stream), OC_SESSION_MAX_BYTES + 1,
                                                       NULL, &local);
  if (bytes == NULL)
    {
      g_set_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT, "cannot read the file: %s", local->message);
      return NULL;
    }
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  return oc_session_parse (data ? data : "", (gssize) size, error);
}

static gboolean
is_candidate (const char *name)
{
  /* Writers put temporary files beside the final one: leave those alone. */
  return name[0] != '.' && g_str_has_suffix (name, ".json");
}

OcHandoff *
oc_inbox_take_file (OcInbox *self, const char *path, gboolean remove_source, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(OcSession) session = oc_session_load_file (path, &local);

  if (session == NULL)
    {
      if (remove_source)
        {
          g_autoptr(GError) reject_error = NULL;
          g_autofree char *name = g_path_get_basename (path);
          if (!oc_store_reject (self->store, path, local->message, &reject_error))
            g_warning ("could not move %s to rejected/: %s", path, reject_error->message);
          g_signal_emit (self, signals[SIGNAL_REJECTED], 0, name, local->message);
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  OcHandoff *handoff = oc_handoff_engine_submit (self->engine, session, NULL, &local);
  if (handoff == NULL)
    {
      /* Not durable yet: keep the document where it is, nothing is lost. */
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (remove_source && g_unlink (path) != 0)
    g_warning ("accepted %s but could not remove it from the inbox", path);
  return handoff;
}

static void
take_quietly (OcInbox *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  if (oc_inbox_take_file (self, path, TRUE, &error) == NULL)
    g_debug ("inbox: %s not accepted: %s", path, error->message);
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  OcInbox *self = user_data;
  GFile *target = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:  /* written in place and closed */
    case G_FILE_MONITOR_EVENT_MOVED_IN:           /* moved in from elsewhere */
      target = file;
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:            /* renamed inside the inbox */
      target = other;
      break;
    default:
      return;
    }
  if (target == NULL)
    return;

  g_autofree char *name = g_file_get_basename (target);
  g_autofree char *path = g_file_get_path (target);
  if (is_candidate (name) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    take_quietly (self, path);
}

static void
scan (OcInbox *self)
{
  const char *dir_path = oc_store_get_inbox_dir (self->store);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (is_candidate (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);   /* a stable, explainable order */

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, names->pdata[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        take_quietly (self, path);
    }
}

gboolean
oc_inbox_start (OcInbox *self, GError **error)
{
  if (self->monitor)
    return TRUE;

  g_autoptr(GFile) dir = g_file_new_for_path (oc_store_get_inbox_dir (self->store));
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (self->monitor == NULL)
    return FALSE;
  self->changed_handler = g_signal_connect (self->monitor, "changed", G_CALLBACK (on_changed), self);
  scan (self);
  return TRUE;
}

void
oc_inbox_stop (OcInbox *self)
{
  if (self->monitor == NULL)
    return;
  g_clear_signal_handler (&self->changed_handler, self->monitor);
  g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
}
