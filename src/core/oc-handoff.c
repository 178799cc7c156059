/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-handoff.h"

#include <glib/gi18n-lib.h>

#include "oc-codes.h"
#include "oc-uuid.h"
#include "oc-handoff-private.h"

struct _OcHandoff {
  GObject         parent_instance;
  OcSession      *session;
  OcHandoffPath   path;
  char           *path_reason;
  OcHandoffPhase  phase;
  char           *record_id;
  char           *ticket_number;
  char           *contact_id;
  char           *contact_note;
  char           *queue_note;
  char           *routing_note;
  char           *case_queue_name;
  GError         *error;
  gint64          retry_at;
  guint           attempts;
  OcLiveState     live;
  gboolean        foreign;
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcHandoff, oc_handoff, G_TYPE_OBJECT)

static void
oc_handoff_finalize (GObject *object)
{
  OcHandoff *self = OC_HANDOFF (object);
  g_clear_pointer (&self->session, oc_session_unref);
  g_free (self->path_reason);
  g_free (self->record_id);
  g_free (self->ticket_number);
  g_free (self->contact_id);
  g_free (self->contact_note);
  g_free (self->queue_note);
  g_free (self->routing_note);
  g_free (self->case_queue_name);
  g_clear_error (&self->error);
  oc_live_state_clear (&self->live);
  G_OBJECT_CLASS (oc_handoff_parent_class)->finalize (object);
}

static void
oc_handoff_class_init (OcHandoffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = oc_handoff_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
oc_handoff_init (OcHandoff *self)
{
  self->live.statecode = OC_CODE_UNKNOWN;
  self->live.statuscode = OC_CODE_UNKNOWN;
}

static void
emit_changed (OcHandoff *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

OcHandoff *
oc_handoff_new (OcSession *session, const char *environment)
{
  OcHandoff *self = g_object_new (OC_TYPE_HANDOFF, NULL);
  const char *channel = oc_session_get_channel (session);

  self->session = oc_session_ref (session);
  self->record_id = oc_uuid_for_session (environment, oc_session_get_id (session));
  if (oc_channel_is_chat (channel))
    {
      self->path = OC_HANDOFF_PATH_CONVERSATION;
      self->path_reason = g_strdup_printf (_("channel “%s” is a chat channel, so it goes to Omnichannel "
                                           "as a conversation"), channel);
    }
  else
    {
      self->path = OC_HANDOFF_PATH_CASE;
      self->path_reason = g_strdup_printf (_("channel “%s” is not web, sms or whatsapp, so it becomes a "
                                           "case (the routing rule is fixed)"), channel);
    }

  const char *chat_id = oc_session_get_meta_string (session, "dynamics365_chat_id");
  const char *incident_id = oc_session_get_meta_string (session, "dynamics365_incident_id");
  if (oc_session_is_handed_off (session) && (chat_id || incident_id))
    {
      self->phase = OC_HANDOFF_PHASE_CREATED;
      g_free (self->record_id);
      self->record_id = g_strdup (chat_id ? chat_id : incident_id);
      self->ticket_number = g_strdup (oc_session_get_meta_string (session, "dynamics365_ticket_number"));
    }
  return self;
}

OcHandoff *
oc_handoff_new_foreign (const char *record_id, OcHandoffPath path, const char *subject)
{
  OcHandoff *self = g_object_new (OC_TYPE_HANDOFF, NULL);
  self->session = oc_session_new (record_id, path == OC_HANDOFF_PATH_CASE ? "case" : "web");
  oc_session_set_summary (self->session, subject);
  self->foreign = TRUE;
  self->path = path;
  self->path_reason = g_strdup (path == OC_HANDOFF_PATH_CASE
                                  ? _("a case created in Dynamics by another client or system")
                                  : _("a conversation created in Dynamics by another client or system"));
  self->record_id = g_strdup (record_id);
  self->phase = OC_HANDOFF_PHASE_CREATED;
  return self;
}

gboolean
oc_handoff_is_foreign (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), FALSE);
  return self->foreign;
}

OcSession *
oc_handoff_get_session (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->session;
}

const char *
oc_handoff_get_id (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return oc_session_get_id (self->session);
}

OcHandoffPath
oc_handoff_get_path (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), 0);
  return self->path;
}

const char *
oc_handoff_get_path_reason (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->path_reason;
}

OcHandoffPhase
oc_handoff_get_phase (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), 0);
  return self->phase;
}

const char *
oc_handoff_get_record_id (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->record_id;
}

const char *
oc_handoff_get_ticket_number (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->ticket_number;
}

const char *
oc_handoff_get_contact_id (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->contact_id;
}

const char *
oc_handoff_get_contact_note (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->contact_note;
}

const char *
oc_handoff_get_queue_note (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->queue_note;
}

const char *
oc_handoff_get_routing_note (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->routing_note;
}

const char *
oc_handoff_get_case_queue_name (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->case_queue_name;
}

void
oc_handoff_set_case_queue_name (OcHandoff *self, const char *name)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  if (g_strcmp0 (self->case_queue_name, name) == 0)
    return;
  g_free (self->case_queue_name);
  self->case_queue_name = g_strdup (name);
  emit_changed (self);
}

const GError *
oc_handoff_get_error (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return self->error;
}

gint64 oc_handoff_get_retry_at (OcHandoff *self) { return self->retry_at; }
guint
oc_handoff_get_attempts (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), 0);
  return self->attempts;
}

void
oc_handoff_set_contact (OcHandoff *self, const char *contact_id, const char *note)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_free (self->contact_id);
  self->contact_id = g_strdup (contact_id);
  g_free (self->contact_note);
  self->contact_note = g_strdup (note);
  emit_changed (self);
}

void
oc_handoff_set_retrying (OcHandoff *self, const GError *error, gint64 retry_at)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_clear_error (&self->error);
  self->error = error ? g_error_copy (error) : NULL;
  self->retry_at = retry_at;
  self->attempts++;
  emit_changed (self);
}

void
oc_handoff_set_failed (OcHandoff *self, const GError *error)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  self->retry_at = 0;
  self->phase = OC_HANDOFF_PHASE_FAILED;
  emit_changed (self);
}

void
oc_handoff_set_pending (OcHandoff *self)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_clear_error (&self->error);
  self->retry_at = 0;
  self->phase = OC_HANDOFF_PHASE_PENDING;
  emit_changed (self);
}

void
oc_handoff_set_created (OcHandoff *self, const char *ticket_number)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_clear_error (&self->error);
  self->retry_at = 0;
  if (ticket_number)
    {
      g_free (self->ticket_number);
      self->ticket_number = g_strdup (ticket_number);
    }
  self->phase = OC_HANDOFF_PHASE_CREATED;
  emit_changed (self);
}

void
oc_handoff_set_queue_note (OcHandoff *self, const char *note)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_free (self->queue_note);
  self->queue_note = g_strdup (note);
}

void
oc_handoff_set_routing_note (OcHandoff *self, const char *note)
{
  g_return_if_fail (OC_IS_HANDOFF (self));
  g_free (self->routing_note);
  self->routing_note = g_strdup (note);
}

void
oc_live_state_clear (OcLiveState *live)
{
  g_clear_pointer (&live->reason, g_free);
  g_clear_pointer (&live->status_label, g_free);
  g_clear_pointer (&live->agent_name, g_free);
  g_clear_pointer (&live->queue_name, g_free);
  g_clear_pointer (&live->agent_id, g_free);
  g_clear_pointer (&live->queue_id, g_free);
  g_clear_pointer (&live->workstream_name, g_free);
}

const OcLiveState *
oc_handoff_get_live (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), NULL);
  return &self->live;
}

gboolean
oc_handoff_set_live (OcHandoff *self, const OcLiveState *live)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), FALSE);
  OcLiveState *old = &self->live;
  gboolean changed = old->statecode != live->statecode || old->statuscode != live->statuscode ||
                     g_strcmp0 (old->reason, live->reason) != 0 ||
                     g_strcmp0 (old->agent_name, live->agent_name) != 0 ||
                     g_strcmp0 (old->queue_name, live->queue_name) != 0 ||
                     g_strcmp0 (old->agent_id, live->agent_id) != 0 || g_strcmp0 (old->queue_id, live->queue_id) != 0;

  gint64 assigned_on = old->assigned_on;
  if (assigned_on == 0 && live->statuscode == OC_CONVERSATION_STATUS_ACTIVE)
    assigned_on = live->modified_on ? live->modified_on : g_get_real_time () / G_USEC_PER_SEC;

  oc_live_state_clear (old);
  old->statecode = live->statecode;
  old->statuscode = live->statuscode;
  old->reason = g_strdup (live->reason);
  old->status_label = g_strdup (live->status_label);
  old->agent_name = g_strdup (live->agent_name);
  old->queue_name = g_strdup (live->queue_name);
  old->agent_id = g_strdup (live->agent_id);
  old->queue_id = g_strdup (live->queue_id);
  old->workstream_name = g_strdup (live->workstream_name);
  old->created_on = live->created_on ? live->created_on : old->created_on;
  old->modified_on = live->modified_on;
  old->assigned_on = live->assigned_on ? live->assigned_on : assigned_on;
  old->first_wait_on = live->first_wait_on;
  old->agent_assigned_on = live->agent_assigned_on;
  old->wrapup_on = live->wrapup_on;
  old->first_wait_s = live->first_wait_s;
  old->handle_s = live->handle_s;
  old->wrapup_s = live->wrapup_s;

  if (changed)
    emit_changed (self);
  return changed;
}

gboolean
oc_handoff_set_deleted (OcHandoff *self)
{
  g_return_val_if_fail (OC_IS_HANDOFF (self), FALSE);
  const char *handed_off_at = oc_session_get_meta_string (self->session, "handed_off_at");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = handed_off_at ? g_date_time_new_from_iso8601 (handed_off_at, utc) : NULL;
  gboolean is_case = self->path == OC_HANDOFF_PATH_CASE;

  OcLiveState live = { 0 };
  /* conversation: 1 Closed / 4 Closed; case: 2 Cancelled (its statuscode unknown) */
  live.statecode = is_case ? OC_CASE_STATE_CANCELLED : OC_CONVERSATION_STATE_CLOSED;
  live.statuscode = is_case ? OC_CODE_UNKNOWN : OC_CONVERSATION_STATUS_CLOSED;
  live.reason = (char *) "RecordDeleted";
  live.status_label = (char *) _("Record deleted");
  live.created_on = self->live.created_on;
  live.modified_on = when ? g_date_time_to_unix (when) : g_get_real_time () / G_USEC_PER_SEC;
  return oc_handoff_set_live (self, &live);
}

const char *
oc_handoff_phase_to_string (OcHandoffPhase phase)
{
  switch (phase)
    {
    case OC_HANDOFF_PHASE_PENDING: return "pending";
    case OC_HANDOFF_PHASE_FAILED:  return "failed";
    case OC_HANDOFF_PHASE_CREATED: return "created";
    default: g_return_val_if_reached (NULL);
    }
}

const char *
oc_handoff_path_to_string (OcHandoffPath path)
{
  switch (path)
    {
    case OC_HANDOFF_PATH_CONVERSATION: return "conversation";
    case OC_HANDOFF_PATH_CASE:         return "case";
    default: g_return_val_if_reached (NULL);
    }
}
