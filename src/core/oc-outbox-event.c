/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-outbox-event.h"

#include <json-glib/json-glib.h>

#include "oc-json.h"
#include "oc-presence.h"

static char *
dup_nonempty (const char *text)
{
  return text && *text ? g_strdup (text) : NULL;
}

OcOutboxEvent *
oc_outbox_event_new (OcHandoff *handoff, gint64 now_us)
{
  g_return_val_if_fail (OC_IS_HANDOFF (handoff), NULL);

  OcPresence presence = { 0 };
  oc_presence_compute (handoff, now_us, &presence);
  const OcLiveState *live = oc_handoff_get_live (handoff);
  const GError *error = oc_handoff_get_error (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;

  OcOutboxEvent *event = g_new0 (OcOutboxEvent, 1);
  event->session_id = dup_nonempty (oc_handoff_get_id (handoff));
  event->record_id = dup_nonempty (oc_handoff_get_record_id (handoff));
  event->ticket_number = dup_nonempty (oc_handoff_get_ticket_number (handoff));
  event->kind = g_strdup (is_case ? "case" : "conversation");
  event->status = g_strdup (presence.status_id);
  event->rep = dup_nonempty (live->agent_name);
  event->queue = dup_nonempty (live->queue_name ? live->queue_name
                               : is_case ? oc_handoff_get_case_queue_name (handoff) : NULL);
  event->reason = dup_nonempty (error ? error->message : live->reason);
  event->at = live->modified_on > 0 ? live->modified_on : now_us / G_USEC_PER_SEC;
  oc_presence_clear (&presence);
  return event;
}

void
oc_outbox_event_free (OcOutboxEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->session_id);
  g_free (event->record_id);
  g_free (event->ticket_number);
  g_free (event->kind);
  g_free (event->status);
  g_free (event->rep);
  g_free (event->queue);
  g_free (event->reason);
  g_free (event);
}

char *
oc_outbox_event_key (const OcOutboxEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);
  const char *parts[] = { event->status, event->rep, event->queue, event->reason, event->ticket_number };
  GString *key = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    g_string_append_printf (key, "%s%s", i ? "\x1f" : "", parts[i] ? parts[i] : "");
  return g_string_free (key, FALSE);
}

char *
oc_outbox_event_to_line (const OcOutboxEvent *event, guint64 seq)
{
  g_return_val_if_fail (event != NULL, NULL);

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  oc_json_builder_add_string_member (builder, "session_id", event->session_id);
  oc_json_builder_add_string_member (builder, "record_id", event->record_id);
  oc_json_builder_add_string_member (builder, "ticket_number", event->ticket_number);
  oc_json_builder_add_string_member (builder, "kind", event->kind);
  oc_json_builder_add_string_member (builder, "status", event->status);
  oc_json_builder_add_string_member (builder, "rep", event->rep);
  oc_json_builder_add_string_member (builder, "queue", event->queue);
  oc_json_builder_add_string_member (builder, "reason", event->reason);
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (MAX (event->at, 0));
  g_autofree char *stamp = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
  oc_json_builder_add_string_member (builder, "at", stamp);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, (gint64) MIN (seq, (guint64) G_MAXINT64));
  json_builder_end_object (builder);
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
