/* SPDX-License-Identifier: GPL-2.0-or-later */
/* amqp-tool — the amqp suite's own publisher and reader, on Proton's
 * proactor (a test tool may block; the product never does):
 *   amqp-tool send HOST:PORT ADDRESS FILE…
 *       one message per file: a data section with the file's bytes, except
 *       *.string (amqp-value string), *.list (amqp-value list of the bytes
 *       as a string) and *.nobody (no body at all)
 *   amqp-tool drain HOST:PORT ADDRESS IDLE_MS
 *       accepts every message, prints each body on a line of its own, and
 *       exits once nothing arrived for IDLE_MS; prints "count N" last
 * SASL ANONYMOUS (the test broker maps it to its guest user). Exit 1 with
 * the broker's condition on any error. */
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/message.h>
#include <proton/proactor.h>
#include <proton/sasl.h>
#include <proton/session.h>
#include <proton/terminus.h>
#include <proton/transport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int          sending;
  const char  *address;
  char       **files;
  int          n_files;
  int          next;        /* next file to send */
  int          confirmed;   /* sends the broker settled */
  int          idle_ms;
  int          received;
  int          failed;
  int          timed_out;   /* drain: idle long enough, we hung up */
  char        *buffer;
  size_t       buffer_size;
  pn_proactor_t *proactor;
} Tool;

static char *
read_file (const char *path, size_t *length)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  fseek (f, 0, SEEK_END);
  long size = ftell (f);
  fseek (f, 0, SEEK_SET);
  char *data = malloc ((size_t) size + 1);
  *length = fread (data, 1, (size_t) size, f);
  fclose (f);
  data[*length] = '\0';
  return data;
}

static int
ends_with (const char *text, const char *suffix)
{
  size_t a = strlen (text), b = strlen (suffix);
  return a >= b && strcmp (text + a - b, suffix) == 0;
}

static void
send_one (Tool *tool, pn_link_t *sender)
{
  const char *path = tool->files[tool->next];
  size_t length = 0;
  char *data = read_file (path, &length);
  if (data == NULL)
    {
      fprintf (stderr, "amqp-tool: cannot read %s\n", path);
      exit (1);
    }
  pn_message_t *message = pn_message ();
  pn_data_t *body = pn_message_body (message);
  if (ends_with (path, ".string"))
    pn_data_put_string (body, pn_bytes (length, data));
  else if (ends_with (path, ".list"))
    {
      pn_data_put_list (body);
      pn_data_enter (body);
      pn_data_put_string (body, pn_bytes (length, data));
      pn_data_exit (body);
    }
  else if (!ends_with (path, ".nobody"))
    {
      pn_message_set_inferred (message, true);
      pn_data_put_binary (body, pn_bytes (length, data));
    }
  char tag[32];
  int n = snprintf (tag, sizeof tag, "%d", tool->next);
  pn_delivery (sender, pn_dtag (tag, (size_t) n));
  size_t size = length + 4096;
  char *encoded = malloc (size);
  if (pn_message_encode (message, encoded, &size) != 0)
    {
      fprintf (stderr, "amqp-tool: cannot encode %s\n", path);
      exit (1);
    }
  pn_link_send (sender, encoded, size);
  pn_link_advance (sender);
  free (encoded);
  pn_message_free (message);
  free (data);
  tool->next++;
}

static void
print_body (Tool *tool, pn_delivery_t *delivery)
{
  pn_message_t *message = pn_message ();
  if (pn_message_decode (message, tool->buffer, tool->buffer_size) == 0)
    {
      pn_data_t *body = pn_message_body (message);
      pn_data_rewind (body);
      if (pn_data_next (body) && (pn_data_type (body) == PN_BINARY || pn_data_type (body) == PN_STRING))
        {
          pn_bytes_t bytes = pn_data_type (body) == PN_BINARY ? pn_data_get_binary (body) : pn_data_get_string (body);
          printf ("%.*s\n", (int) bytes.size, bytes.start);
        }
      else
        printf ("(no data body)\n");
    }
  pn_message_free (message);
  tool->received++;
}

static int
check_condition (pn_condition_t *condition, const char *what)
{
  if (condition && pn_condition_is_set (condition))
    {
      fprintf (stderr, "amqp-tool: %s: %s: %s\n", what, pn_condition_get_name (condition),
               pn_condition_get_description (condition) ? pn_condition_get_description (condition) : "");
      return 1;
    }
  return 0;
}

/* Returns 0 to go on, 1 when done. */
static int
handle (Tool *tool, pn_event_t *event)
{
  switch (pn_event_type (event))
    {
    case PN_CONNECTION_INIT:
      {
        pn_connection_t *c = pn_event_connection (event);
        pn_connection_set_container (c, "amqp-tool");
        pn_connection_open (c);
        pn_session_t *s = pn_session (c);
        pn_session_open (s);
        pn_link_t *link = tool->sending ? pn_sender (s, "amqp-tool-send") : pn_receiver (s, "amqp-tool-drain");
        pn_terminus_set_address (tool->sending ? pn_link_target (link) : pn_link_source (link), tool->address);
        pn_link_open (link);
        if (!tool->sending)
          {
            pn_link_flow (link, 100);
            pn_proactor_set_timeout (tool->proactor, (pn_millis_t) tool->idle_ms);
          }
      }
      break;
    case PN_CONNECTION_BOUND:
      pn_sasl_allowed_mechs (pn_sasl (pn_event_transport (event)), "ANONYMOUS");
      break;
    case PN_LINK_FLOW:
      {
        pn_link_t *link = pn_event_link (event);
        while (tool->sending && pn_link_is_sender (link) && pn_link_credit (link) > 0 && tool->next < tool->n_files)
          send_one (tool, link);
      }
      break;
    case PN_DELIVERY:
      {
        pn_delivery_t *d = pn_event_delivery (event);
        pn_link_t *link = pn_delivery_link (d);
        if (pn_link_is_sender (link))
          {
            if (pn_delivery_updated (d))
              {
                uint64_t state = pn_delivery_remote_state (d);
                if (state != PN_ACCEPTED)
                  {
                    fprintf (stderr, "amqp-tool: the broker did not accept a message (state %llu)\n",
                             (unsigned long long) state);
                    tool->failed = 1;
                  }
                pn_delivery_settle (d);
                if (++tool->confirmed == tool->n_files)
                  pn_connection_close (pn_event_connection (event));
              }
          }
        else
          /* Bytes come from the link's current delivery, whichever the event named. */
          while ((d = pn_link_current (link)) != NULL && pn_delivery_readable (d))
            {
              size_t pending = pn_delivery_pending (d);
              tool->buffer = realloc (tool->buffer, tool->buffer_size + pending + 1);
              ssize_t n = pn_link_recv (link, tool->buffer + tool->buffer_size, pending);
              if (n > 0)
                tool->buffer_size += (size_t) n;
              if (pn_delivery_partial (d))
                break;
              print_body (tool, d);
              tool->buffer_size = 0;
              /* advance first: settling the current delivery advances too */
              pn_link_advance (link);
              pn_delivery_update (d, PN_ACCEPTED);
              pn_delivery_settle (d);
              if (pn_link_credit (link) < 50)
                pn_link_flow (link, 100 - pn_link_credit (link));
              pn_proactor_set_timeout (tool->proactor, (pn_millis_t) tool->idle_ms);
            }
      }
      break;
    case PN_PROACTOR_TIMEOUT:
      tool->timed_out = 1;
      pn_proactor_disconnect (tool->proactor, NULL);
      break;
    case PN_LINK_REMOTE_CLOSE:
      tool->failed |= check_condition (pn_link_remote_condition (pn_event_link (event)), "link");
      pn_connection_close (pn_event_connection (event));
      break;
    case PN_CONNECTION_REMOTE_CLOSE:
      tool->failed |= check_condition (pn_connection_remote_condition (pn_event_connection (event)), "connection");
      pn_connection_close (pn_event_connection (event));
      break;
    case PN_TRANSPORT_CLOSED:
      if (pn_transport_condition (pn_event_transport (event)) &&
          pn_condition_is_set (pn_transport_condition (pn_event_transport (event))) &&
          !(tool->sending && tool->confirmed == tool->n_files) && !tool->timed_out)
        tool->failed |= check_condition (pn_transport_condition (pn_event_transport (event)), "transport");
      break;
    case PN_PROACTOR_INACTIVE:
      return 1;
    default:
      break;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 4 || (strcmp (argv[1], "send") != 0 && strcmp (argv[1], "drain") != 0) ||
      (strcmp (argv[1], "drain") == 0 && argc != 5))
    {
      fprintf (stderr, "usage: amqp-tool send HOST:PORT ADDRESS FILE…\n"
                       "       amqp-tool drain HOST:PORT ADDRESS IDLE_MS\n");
      return 2;
    }
  Tool tool = { .sending = strcmp (argv[1], "send") == 0, .address = argv[3] };
  if (tool.sending)
    {
      tool.files = argv + 4;
      tool.n_files = argc - 4;
      if (tool.n_files == 0)
        return 0;
    }
  else
    tool.idle_ms = atoi (argv[4]);
  tool.proactor = pn_proactor ();
  pn_proactor_connect2 (tool.proactor, NULL, NULL, argv[2]);
  int done = 0;
  while (!done)
    {
      pn_event_batch_t *batch = pn_proactor_wait (tool.proactor);
      pn_event_t *event;
      while (!done && (event = pn_event_batch_next (batch)))
        done = handle (&tool, event);
      pn_proactor_done (tool.proactor, batch);
    }
  pn_proactor_free (tool.proactor);
  free (tool.buffer);
  if (!tool.sending)
    printf ("count %d\n", tool.received);
  if (tool.sending && tool.confirmed != tool.n_files)
    {
      fprintf (stderr, "amqp-tool: %d of %d messages confirmed\n", tool.confirmed, tool.n_files);
      return 1;
    }
  return tool.failed;
}
