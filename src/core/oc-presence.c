/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-presence.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "oc-codes.h"
#include "oc-error.h"

/* The one table of the persistent ids (SPEC §10), in enum order. */
static const char *const status_ids[OC_PRESENCE_N_STATUSES] = {
  [OC_PRESENCE_HANDING_OFF] = "handing-off",
  [OC_PRESENCE_FAILED]      = "failed",
  [OC_PRESENCE_OPEN]        = "open",
  [OC_PRESENCE_ACTIVE]      = "active",
  [OC_PRESENCE_WAITING]     = "waiting",
  [OC_PRESENCE_WRAP_UP]     = "wrap-up",
  [OC_PRESENCE_CASE_OPEN]   = "case-open",
  [OC_PRESENCE_CLOSED]      = "closed",
};

const char *
oc_presence_status_to_id (OcPresenceStatus status)
{
  g_return_val_if_fail ((guint) status < OC_PRESENCE_N_STATUSES, NULL);
  return status_ids[status];
}

gboolean
oc_presence_status_from_id (const char *id, OcPresenceStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);
  for (guint i = 0; id && i < OC_PRESENCE_N_STATUSES; i++)
    if (g_str_equal (id, status_ids[i]))
      {
        *status = (OcPresenceStatus) i;
        return TRUE;
      }
  return FALSE;
}

static void
set_status (OcPresence *out, OcPresenceStatus status)
{
  out->status = status;
  out->status_id = status_ids[status];
}

/* "2 min 13 s": each unit with its own plural form (ngettext), for the
 * languages whose unit words or abbreviations change with the number. */
static char *
seconds_text (gint64 n)
{
  /* TRANSLATORS: seconds, abbreviated */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld s", "%ld s", (gulong) n), (long) n);
}

static char *
minutes_text (gint64 n)
{
  /* TRANSLATORS: minutes, abbreviated */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld min", "%ld min", (gulong) n), (long) n);
}

static char *
hours_text (gint64 n)
{
  /* TRANSLATORS: hours, abbreviated */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld h", "%ld h", (gulong) n), (long) n);
}

static char *
unit_pair (char *big, char *small)
{
  /* TRANSLATORS: a duration of two units, e.g. "2 min" and "13 s" */
  char *pair = g_strdup_printf (_("%s %s"), big, small);
  g_free (big);
  g_free (small);
  return pair;
}

char *
oc_presence_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds < 60)
    return seconds_text (seconds);
  if (seconds < 3600)
    return seconds % 60 ? unit_pair (minutes_text (seconds / 60), seconds_text (seconds % 60))
                        : minutes_text (seconds / 60);
  return (seconds % 3600) / 60 ? unit_pair (hours_text (seconds / 3600), minutes_text ((seconds % 3600) / 60))
                               : hours_text (seconds / 3600);
}

char *
oc_presence_humanize_reason (const char *reason)
{
  if (reason == NULL || *reason == '\0')
    return NULL;
  /* our own reason (oc_handoff_set_deleted); Dynamics sends its labels */
  if (strcmp (reason, "RecordDeleted") == 0)
    return g_strdup (_("record deleted"));

  GString *out = g_string_new (NULL);
  for (const char *p = reason; *p; p++)
    {
      if (g_ascii_isupper (*p) && p != reason && !g_ascii_isupper (p[-1]))
        g_string_append_c (out, ' ');
      g_string_append_c (out, p == reason ? *p : g_ascii_tolower (*p));
    }
  /* "Conversation ended by agent" reads better lower-cased after a colon */
  out->str[0] = g_ascii_tolower (out->str[0]);
  return g_string_free (out, FALSE);
}

static char *
with_suffix (const char *head, const char *suffix)
{
  return suffix && *suffix ? g_strdup_printf ("%s · %s", head, suffix) : g_strdup (head);
}

void
oc_presence_compute (OcHandoff *handoff, gint64 now_us, OcPresence *out)
{
  g_return_if_fail (OC_IS_HANDOFF (handoff));
  g_return_if_fail (out != NULL);

  const OcLiveState *live = oc_handoff_get_live (handoff);
  const GError *error = oc_handoff_get_error (handoff);
  const char *rep = live->agent_name ? live->agent_name : _("a rep");

  switch (oc_handoff_get_phase (handoff))
    {
    case OC_HANDOFF_PHASE_PENDING:
      set_status (out, OC_PRESENCE_HANDING_OFF);
      if (oc_handoff_get_retry_at (handoff) > 0)
        {
          gint64 left = (oc_handoff_get_retry_at (handoff) - now_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
          g_autofree char *when = oc_presence_format_duration (MAX (left, 0));
          out->message = error ? g_strdup_printf (_("Handing off… retry in %s (%s)"), when, error->message)
                               : g_strdup_printf (_("Handing off… retry in %s"), when);
        }
      else
        out->message = g_strdup (_("Handing off…"));
      return;
    case OC_HANDOFF_PHASE_FAILED:
      set_status (out, OC_PRESENCE_FAILED);
      out->message = g_strdup (error ? error->message : _("Handoff failed"));
      return;
    case OC_HANDOFF_PHASE_CREATED:
    default:
      break;
    }

  if (oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE)
    {
      const char *ticket = oc_handoff_get_ticket_number (handoff);
      g_autofree char *head = g_strdup_printf (_("Case %s"), ticket ? ticket : oc_handoff_get_record_id (handoff));
      if (live->statecode >= OC_CASE_STATE_RESOLVED)   /* resolved or cancelled */
        {
          set_status (out, OC_PRESENCE_CLOSED);
          g_autofree char *closed = g_strdup_printf (_("Closed · %s"), head);
          out->message = with_suffix (closed, live->status_label);
        }
      else
        {
          set_status (out, OC_PRESENCE_CASE_OPEN);
          out->message = with_suffix (head, live->queue_name ? live->queue_name
                                                             : oc_handoff_get_case_queue_name (handoff));
        }
      return;
    }

  if (live->statecode == OC_CONVERSATION_STATE_CLOSED || live->statuscode == OC_CONVERSATION_STATUS_CLOSED)
    {
      set_status (out, OC_PRESENCE_CLOSED);
      g_autofree char *reason = oc_presence_humanize_reason (live->reason);
      if (reason)
        reason[0] = g_ascii_toupper (reason[0]);
      out->message = with_suffix (_("Closed"), reason);
      return;
    }
  switch (live->statuscode)
    {
    case OC_CONVERSATION_STATUS_ACTIVE:
      set_status (out, OC_PRESENCE_ACTIVE);
      out->message = g_strdup_printf (_("With %s"), rep);
      return;
    case OC_CONVERSATION_STATUS_WAITING:
      set_status (out, OC_PRESENCE_WAITING);
      out->message = with_suffix (_("On hold"), live->agent_name);
      return;
    case OC_CONVERSATION_STATUS_WRAP_UP:
      set_status (out, OC_PRESENCE_WRAP_UP);
      out->message = with_suffix (_("Wrap-up"), live->agent_name);
      return;
    case OC_CONVERSATION_STATUS_OPEN:
    default:
      set_status (out, OC_PRESENCE_OPEN);
      out->message = with_suffix (_("Waiting"), live->queue_name ? live->queue_name : live->workstream_name);
      return;
    }
}

void
oc_presence_clear (OcPresence *presence)
{
  g_clear_pointer (&presence->message, g_free);
  presence->status_id = NULL;
}

char *
oc_presence_announce (OcHandoff *handoff, const char *before, gint64 now_us)
{
  g_return_val_if_fail (OC_IS_HANDOFF (handoff), NULL);

  OcPresence now = { 0 };
  oc_presence_compute (handoff, now_us, &now);
  const OcLiveState *live = oc_handoff_get_live (handoff);
  char *line = NULL;

  if (g_strcmp0 (before, now.status_id) == 0)
    {
      oc_presence_clear (&now);
      return NULL;
    }

  OcPresenceStatus previous = OC_PRESENCE_HANDING_OFF;
  gboolean had_previous = oc_presence_status_from_id (before, &previous);
  const char *rep = live->agent_name ? live->agent_name : _("The rep");
  switch (now.status)
    {
    case OC_PRESENCE_HANDING_OFF:
      line = g_strdup_printf (_("Handing off to Dynamics 365: %s."), oc_handoff_get_path_reason (handoff));
      break;
    case OC_PRESENCE_FAILED:
      line = g_strdup_printf (_("Handoff failed: %s"), now.message);
      break;
    case OC_PRESENCE_OPEN:
      line = live->queue_name
        ? g_strdup_printf (_("Handed off: conversation %s is waiting for a rep in %s."),
                           oc_handoff_get_record_id (handoff), live->queue_name)
        : g_strdup_printf (_("Handed off: conversation %s is waiting for a rep."), oc_handoff_get_record_id (handoff));
      break;
    case OC_PRESENCE_CASE_OPEN:
      line = g_strdup_printf (_("Handed off: %s created."), now.message);
      break;
    case OC_PRESENCE_ACTIVE:
      {
        gint64 waited = live->assigned_on && live->created_on ? live->assigned_on - live->created_on : -1;
        g_autofree char *duration = waited >= 0 ? oc_presence_format_duration (waited) : NULL;
        const char *someone = live->agent_name ? live->agent_name : _("A rep");
        if (had_previous && (previous == OC_PRESENCE_WAITING || previous == OC_PRESENCE_WRAP_UP))
          line = g_strdup_printf (_("%s is back in the conversation."), rep);
        else
          line = duration ? g_strdup_printf (_("%s accepted after %s."), someone, duration)
                          : g_strdup_printf (_("%s accepted."), someone);
      }
      break;
    case OC_PRESENCE_WAITING:
      line = g_strdup_printf (_("%s put the conversation on hold."), rep);
      break;
    case OC_PRESENCE_WRAP_UP:
      line = g_strdup_printf (_("%s is wrapping up."), rep);
      break;
    case OC_PRESENCE_CLOSED:
    default:
      {
        g_autofree char *reason = oc_presence_humanize_reason (live->reason);
        line = reason ? g_strdup_printf (_("Closed: %s."), reason) : g_strdup_printf (_("%s."), now.message);
      }
      break;
    }

  oc_presence_clear (&now);
  return line;
}
