/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-amqp-outcome.h"

#include <json-glib/json-glib.h>

#include "oc-presence.h"

#define LAST_KEY "oc-amqp-outcome-last"

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value && *value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
oc_amqp_outcome_event (OcHandoff *handoff, guint64 seq, GDateTime *at)
{
  g_return_val_if_fail (OC_IS_HANDOFF (handoff), NULL);
  g_return_val_if_fail (at != NULL, NULL);

  OcPresence presence = { 0 };
  oc_presence_compute (handoff, g_date_time_to_unix (at) * G_USEC_PER_SEC, &presence);
  const OcLiveState *live = oc_handoff_get_live (handoff);
  const GError *error = oc_handoff_get_error (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;
  const char *queue = live->queue_name ? live->queue_name : is_case ? oc_handoff_get_case_queue_name (handoff) : NULL;
  /* failed and retrying: the error; closed: Dynamics' status change reason. */
  const char *reason = error ? error->message : live->reason;

  g_autofree char *key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%s", presence.status_id,
                                          live->agent_name ? live->agent_name : "", queue ? queue : "",
                                          reason ? reason : "", oc_handoff_get_ticket_number (handoff)
                                            ? oc_handoff_get_ticket_number (handoff) : "");
  if (g_strcmp0 (g_object_get_data (G_OBJECT (handoff), LAST_KEY), key) == 0)
    {
      oc_presence_clear (&presence);
      return NULL;
    }

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "session_id", oc_handoff_get_id (handoff));
  add_string (builder, "record_id", oc_handoff_get_record_id (handoff));
  add_string (builder, "ticket_number", oc_handoff_get_ticket_number (handoff));
  add_string (builder, "kind", is_case ? "case" : "conversation");
  add_string (builder, "status", presence.status_id);
  add_string (builder, "rep", live->agent_name);
  add_string (builder, "queue", queue);
  add_string (builder, "reason", reason);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (at);
  g_autofree char *stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  add_string (builder, "at", stamp);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, (gint64) seq);
  json_builder_end_object (builder);
  oc_presence_clear (&presence);

  g_object_set_data_full (G_OBJECT (handoff), LAST_KEY, g_steal_pointer (&key), g_free);
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

guint64
oc_amqp_outcome_next_seq (guint64 *last)
{
  g_return_val_if_fail (last != NULL, 0);
  guint64 now = (guint64) g_get_real_time ();
  *last = MAX (*last + 1, now);
  return *last;
}
