/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-amqp-driver.h"

#include <gio/gio.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/sasl.h>
#include <proton/transport.h>
#include <string.h>

#include "oc-error.h"

/* A peer that says nothing for this long is gone (Proton sends empty
 * frames at half the peer's idle timeout to keep ours alive). */
#define IDLE_TIMEOUT_MS 60000
#define CONNECT_TIMEOUT_S 30

struct _OcAmqpDriver {
  OcAmqpUrl              url;
  OcAmqpEventFunc        on_event;
  OcAmqpClosedFunc       on_closed;
  gpointer               user_data;
  pn_connection_driver_t engine;
  GCancellable          *cancellable;
  GIOStream             *stream;
  GPollableInputStream  *input;
  GPollableOutputStream *output;
  GSource               *read_source;
  GSource               *write_source;
  guint                  tick_id;
  guint                  closed_id;
  GError                *closed_error;
  gboolean               in_pump;
  gboolean               pump_again;
  gboolean               finished;
};

static void pump (OcAmqpDriver *self);

char *
oc_amqp_condition_describe (pn_condition_t *condition)
{
  if (condition == NULL || !pn_condition_is_set (condition))
    return NULL;
  const char *name = pn_condition_get_name (condition);
  const char *description = pn_condition_get_description (condition);
  return g_strdup_printf ("%s%s%s", name ? name : "error", description && *description ? ": " : "",
                          description ? description : "");
}

OcAmqpDriver *
oc_amqp_driver_new (const OcAmqpUrl *url, const char *user, const char *password,
                    OcAmqpEventFunc on_event, OcAmqpClosedFunc on_closed, gpointer user_data)
{
  g_return_val_if_fail (url != NULL && url->host != NULL, NULL);
  g_return_val_if_fail (on_event != NULL && on_closed != NULL, NULL);

  OcAmqpDriver *self = g_new0 (OcAmqpDriver, 1);
  self->url.host = g_strdup (url->host);
  self->url.port = url->port;
  self->url.tls = url->tls;
  self->on_event = on_event;
  self->on_closed = on_closed;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  if (pn_connection_driver_init (&self->engine, NULL, NULL) != 0)
    g_error ("out of memory creating an AMQP connection");

  pn_connection_t *connection = self->engine.connection;
  pn_transport_t *transport = self->engine.transport;
  /* Service Bus picks the namespace by the open frame's hostname. */
  pn_connection_set_hostname (connection, url->host);
  g_autofree char *container = g_strdup_printf ("omnichannel-%s-%d", g_get_host_name (), (int) getpid ());
  pn_connection_set_container (connection, container);
  pn_transport_set_idle_timeout (transport, IDLE_TIMEOUT_MS);

  pn_sasl_t *sasl = pn_sasl (transport);
  if (user && *user)
    {
      pn_sasl_allowed_mechs (sasl, "PLAIN");
      pn_connection_set_user (connection, user);
      pn_connection_set_password (connection, password ? password : "");
    }
  else
    pn_sasl_allowed_mechs (sasl, "ANONYMOUS");
  /* Proton cannot see GIO's TLS, so it takes every link for clear text;
   * whether clear text is acceptable was decided by oc_amqp_url_parse. */
  pn_sasl_set_allow_insecure_mechs (sasl, true);
  return self;
}

pn_connection_t *
oc_amqp_driver_get_connection (OcAmqpDriver *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->engine.connection;
}

static void
clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static gboolean
report_closed (gpointer user_data)
{
  OcAmqpDriver *self = user_data;
  self->closed_id = 0;
  /* The owner may free us from the callback: touch nothing afterwards. */
  self->on_closed (self->closed_error, self->user_data);
  return G_SOURCE_REMOVE;
}

static void
schedule_closed (OcAmqpDriver *self, GError *error)
{
  if (self->finished)
    {
      g_clear_error (&error);
      return;
    }
  self->finished = TRUE;
  self->closed_error = error;
  clear_source (&self->read_source);
  clear_source (&self->write_source);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->closed_id = g_idle_add (report_closed, self);
}

/* The transport's own condition when it has one (SASL refused, framing,
 * the peer's close), else what the socket said. */
static void
finish_from_transport (OcAmqpDriver *self)
{
  pn_condition_t *condition = pn_transport_condition (self->engine.transport);
  pn_condition_t *remote = pn_connection_remote_condition (self->engine.connection);
  g_autofree char *text = oc_amqp_condition_describe (condition);
  if (text == NULL)
    text = oc_amqp_condition_describe (remote);
  gboolean clean = text == NULL && (pn_connection_state (self->engine.connection) & PN_LOCAL_CLOSED);
  if (clean)
    schedule_closed (self, NULL);
  else
    schedule_closed (self, g_error_new (OC_ERROR, OC_ERROR_NETWORK, "%s:%u: %s", self->url.host,
                                        self->url.port, text ? text : "the broker closed the connection"));
}

static gboolean
on_readable (GObject *stream, gpointer user_data)
{
  OcAmqpDriver *self = user_data;
  g_clear_pointer (&self->read_source, g_source_unref);
  pn_rwbytes_t buffer = pn_connection_driver_read_buffer (&self->engine);
  if (buffer.size > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (self->input, buffer.start, buffer.size, NULL, &error);
      if (n > 0)
        pn_connection_driver_read_done (&self->engine, (size_t) n);
      else if (n == 0)
        pn_connection_driver_read_close (&self->engine);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          pn_connection_driver_errorf (&self->engine, "amqp:connection:framing-error", "read: %s", error->message);
          pn_connection_driver_close (&self->engine);
        }
    }
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_writable (GObject *stream, gpointer user_data)
{
  OcAmqpDriver *self = user_data;
  g_clear_pointer (&self->write_source, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  OcAmqpDriver *self = user_data;
  self->tick_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
write_out (OcAmqpDriver *self)
{
  for (;;)
    {
      pn_bytes_t buffer = pn_connection_driver_write_buffer (&self->engine);
      if (buffer.size == 0)
        return;
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (self->output, buffer.start, buffer.size, NULL, &error);
      if (n > 0)
        {
          pn_connection_driver_write_done (&self->engine, (size_t) n);
          continue;
        }
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->write_source == NULL)
            {
              self->write_source = g_pollable_output_stream_create_source (self->output, self->cancellable);
              g_source_set_callback (self->write_source, G_SOURCE_FUNC (on_writable), self, NULL);
              g_source_attach (self->write_source, NULL);
            }
          return;
        }
      pn_connection_driver_errorf (&self->engine, "amqp:connection:framing-error", "write: %s",
                                   error ? error->message : "nothing written");
      pn_connection_driver_close (&self->engine);
      return;
    }
}

/* Events, then output, then input interest and the next timer, until the
 * engine has nothing more to say. Re-entry (an event handler that flushes)
 * just asks the outer round to go again. */
static void
pump (OcAmqpDriver *self)
{
  if (self->finished || self->stream == NULL)
    return;
  if (self->in_pump)
    {
      self->pump_again = TRUE;
      return;
    }
  self->in_pump = TRUE;
  do
    {
      self->pump_again = FALSE;
      pn_event_t *event;
      while ((event = pn_connection_driver_next_event (&self->engine)) != NULL)
        self->on_event (event, self->user_data);
      write_out (self);
    }
  while (self->pump_again || pn_connection_driver_has_event (&self->engine));
  self->in_pump = FALSE;

  if (pn_connection_driver_finished (&self->engine))
    {
      finish_from_transport (self);
      return;
    }
  pn_rwbytes_t read_buffer = pn_connection_driver_read_buffer (&self->engine);
  if (read_buffer.size > 0 && self->read_source == NULL)
    {
      self->read_source = g_pollable_input_stream_create_source (self->input, self->cancellable);
      g_source_set_callback (self->read_source, G_SOURCE_FUNC (on_readable), self, NULL);
      g_source_attach (self->read_source, NULL);
    }
  gint64 now_ms = g_get_monotonic_time () / 1000;
  int64_t deadline = pn_transport_tick (self->engine.transport, now_ms);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (deadline > 0)
    self->tick_id = g_timeout_add ((guint) CLAMP (deadline - now_ms, 1, IDLE_TIMEOUT_MS), on_tick, self);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* freed: nobody to tell */
      OcAmqpDriver *self = user_data;
      schedule_closed (self, g_error_new (OC_ERROR, OC_ERROR_NETWORK, "%s:%u: %s", self->url.host,
                                          self->url.port, error->message));
      return;
    }
  OcAmqpDriver *self = user_data;
  self->stream = G_IO_STREAM (connection);
  self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (self->stream));
  self->output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (self->stream));
  pump (self);
}

void
oc_amqp_driver_connect (OcAmqpDriver *self)
{
  g_return_if_fail (self != NULL && self->stream == NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  if (self->url.tls)
    g_socket_client_set_tls (client, TRUE);   /* default validation: never disabled */
  g_socket_client_connect_to_host_async (client, self->url.host, self->url.port, self->cancellable,
                                         on_connected, self);
}

void
oc_amqp_driver_flush (OcAmqpDriver *self)
{
  g_return_if_fail (self != NULL);
  pump (self);
}

void
oc_amqp_driver_free (OcAmqpDriver *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  clear_source (&self->read_source);
  clear_source (&self->write_source);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->closed_id, g_source_remove);
  g_clear_error (&self->closed_error);
  pn_connection_driver_destroy (&self->engine);
  if (self->stream)
    g_io_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  oc_amqp_url_clear (&self->url);
  g_free (self);
}
