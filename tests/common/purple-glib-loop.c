/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "purple-glib-loop.h"

typedef struct {
  PurpleInputFunction function;
  gpointer            data;
} InputClosure;

static gboolean
on_io (GIOChannel *channel, GIOCondition condition, gpointer user_data)
{
  InputClosure *closure = user_data;
  PurpleInputCondition purple_condition = 0;
  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    purple_condition |= PURPLE_INPUT_READ;
  if (condition & (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    purple_condition |= PURPLE_INPUT_WRITE;
  closure->function (closure->data, g_io_channel_unix_get_fd (channel), purple_condition);
  return TRUE;
}

static guint
input_add (int fd, PurpleInputCondition condition, PurpleInputFunction function, gpointer data)
{
  InputClosure *closure = g_new0 (InputClosure, 1);
  closure->function = function;
  closure->data = data;
  GIOCondition io = 0;
  if (condition & PURPLE_INPUT_READ)
    io |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (condition & PURPLE_INPUT_WRITE)
    io |= G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL;
  GIOChannel *channel = g_io_channel_unix_new (fd);
  guint id = g_io_add_watch_full (channel, G_PRIORITY_DEFAULT, io, on_io, closure, g_free);
  g_io_channel_unref (channel);
  return id;
}

static PurpleEventLoopUiOps loop_ops = {
  .timeout_add = g_timeout_add,
  .timeout_remove = g_source_remove,
  .input_add = input_add,
  .input_remove = g_source_remove,
  .timeout_add_seconds = g_timeout_add_seconds,
};

PurpleEventLoopUiOps *
purple_glib_loop_ops (void)
{
  return &loop_ops;
}

void
purple_glib_loop_quiet_network_prefs (void)
{
  purple_prefs_add_none ("/purple/network");
  purple_prefs_add_bool ("/purple/network/map_ports", FALSE);
  purple_prefs_add_bool ("/purple/network/auto_ip", FALSE);
}
