/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-handoff-job.c — the requests of one handoff, step by step (see
 * oc-handoff-engine.h for the sequence and why every id is deterministic). */
#include "oc-handoff-engine-private.h"

#include <glib/gi18n-lib.h>

#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-guid.h"
#include "oc-odata.h"
#include "oc-payload.h"
#include "oc-uuid.h"

typedef enum {
  STEP_LOOKUP_CONTACT,
  STEP_CREATE_CONTACT,
  STEP_READ_CONTACT,
  STEP_CREATE_RECORD,
  STEP_READ_RECORD,
  STEP_ADD_TO_QUEUE,
  STEP_ROUTE_CASE,
  STEP_DONE,
} Step;

typedef struct {
  OcHandoffEngine *engine;
  OcHandoff       *handoff;
  Step             step;
  char            *new_contact_id;
  char            *ticket_number;
  guint            waits;       /* engine-scheduled retries of this job so far */
  guint            timer;       /* the pending one, 0 if none */
  gboolean         verifying;   /* the read follows an ambiguous create failure */
} Job;

static void job_run (Job *job);

static void
job_free (Job *job)
{
  g_clear_handle_id (&job->timer, g_source_remove);
  g_hash_table_remove (job->engine->running, job->handoff);
  g_object_unref (job->handoff);
  g_object_unref (job->engine);
  g_free (job->new_contact_id);
  g_free (job->ticket_number);
  g_free (job);
}

/* ---- requests ---- */

static void
on_retry (OcRequest *request, guint attempt, guint64 delay_ms, const GError *error, gpointer user_data)
{
  OcHandoff *handoff = user_data;
  oc_handoff_set_retrying (handoff, error, g_get_real_time () + (gint64) delay_ms * 1000);
}

/* A create (@create) is never repeated blindly by the Web API layer: after an
 * ambiguous failure the record may exist, so the job reads it first (see
 * job_finish_create). Reads and idempotent actions are retried there. */
static void
job_send (Job *job, const char *method, const char *path, JsonNode *body, gboolean representation,
          gboolean create, GAsyncReadyCallback callback)
{
  g_autoptr(OcRequest) request = oc_request_new (method, path);
  oc_request_set_retry (request, create ? OC_RETRY_NONE : OC_RETRY_FOREVER, create ? 1 : 0);
  oc_request_set_retry_notify (request, on_retry, g_object_ref (job->handoff), g_object_unref);
  if (body)
    oc_request_set_body (request, body);
  if (representation)
    oc_request_add_header (request, "Prefer", "return=representation");
  oc_web_api_send_async (oc_connection_get_web_api (job->engine->connection), request,
                         job->engine->cancellable, callback, job);
}

/* The one way a job ends. @error NULL: the record exists (and its audit is
 * saved): the handoff is created. Cancelled (shut down, or a request
 * cancelled with the engine): nothing is said. Anything else: a permanent
 * failure the user may retry. Takes @error. After a shutdown nothing is
 * said either way: the record's deterministic id lets the next sign-in find
 * it. */
static void
job_end (Job *job, GError *error)
{
  if (job->engine->shut_down || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (error)
    oc_handoff_set_failed (job->handoff, error);
  else
    oc_handoff_set_created (job->handoff, job->ticket_number);
  g_clear_error (&error);
  job_free (job);
}

static GError *
cancelled (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Shut down"));
}

/* Finishes a request. Errors matching @keep (OC_ERROR codes, -1 for none)
 * go to *out_error for the caller to handle; any other error ends the job.
 * Returns the response, or NULL (with *out_error set, or the job over). */
static OcResponse *
job_finish_request (Job *job, GAsyncResult *result, int keep, GError **out_error)
{
  GError *error = NULL;
  OcResponse *response = oc_web_api_send_finish (oc_connection_get_web_api (job->engine->connection),
                                                 result, &error);
  if (response)
    return response;
  if (out_error && keep >= 0 && g_error_matches (error, OC_ERROR, keep))
    {
      g_propagate_error (out_error, error);
      return NULL;
    }
  job_end (job, error);
  return NULL;
}

static gboolean
on_job_timer (gpointer user_data)
{
  Job *job = user_data;
  job->timer = 0;
  if (job->engine->shut_down)
    job_end (job, cancelled ());
  else
    job_run (job);
  return G_SOURCE_REMOVE;
}

/* Runs @next after the connection's backoff (never sooner than a Retry-After),
 * showing "retry in …" meanwhile. */
static void
job_wait (Job *job, const GError *error, Step next)
{
  const OcBackoff *backoff = oc_web_api_get_backoff (oc_connection_get_web_api (job->engine->connection));
  guint64 delay = oc_backoff_next_delay_ms (backoff, ++job->waits, oc_error_get_retry_after (error));
  g_debug ("handoff %s: %s; next step in %" G_GUINT64_FORMAT " ms",
           oc_handoff_get_id (job->handoff), error->message, delay);
  oc_handoff_set_retrying (job->handoff, error, g_get_real_time () + (gint64) delay * 1000);
  job->step = next;
  job->timer = g_timeout_add ((guint) MIN (delay, (guint64) G_MAXUINT), on_job_timer, job);
}

/* Finishes a create. A duplicate goes to *duplicate. A transient failure is
 * handled here: throttling (the request was refused unprocessed) repeats the
 * create after the wait; any other one (timeout, dropped connection, 5xx, an
 * unreadable 2xx) is ambiguous — the record may exist — so @verify, a read of
 * the record by its deterministic id, runs first. That bounds the creates to
 * one more per ambiguous failure. Returns the response, or NULL. */
static OcResponse *
job_finish_create (Job *job, GAsyncResult *result, Step verify, GError **duplicate)
{
  g_autoptr(GError) error = NULL;
  OcResponse *response = oc_web_api_send_finish (oc_connection_get_web_api (job->engine->connection),
                                                 result, &error);
  if (response)
    return response;
  if (g_error_matches (error, OC_ERROR, OC_ERROR_DUPLICATE))
    {
      g_propagate_error (duplicate, g_steal_pointer (&error));
      return NULL;
    }
  if (oc_error_is_transient (error) && !job->engine->shut_down)
    {
      gboolean refused = g_error_matches (error, OC_ERROR, OC_ERROR_THROTTLED);
      job->verifying = !refused;
      job_wait (job, error, refused ? job->step : verify);
      return NULL;
    }
  job_end (job, g_steal_pointer (&error));
  return NULL;
}

/* ---- steps ---- */

static void
on_contact_lookup (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(OcResponse) response = job_finish_request (job, result, -1, NULL);
  if (response == NULL)
    return;

  /* Only the first row's id is used: a wrong type anywhere there ends the
   * handoff with an error naming the member, never a guess. */
  OcJsonReader reader;
  oc_response_reader_init (&reader, response);
  JsonArray *rows = oc_json_reader_array (&reader, "value");
  guint matches = rows ? json_array_get_length (rows) : 0;
  const char *first_id = NULL;
  g_autoptr(GError) error = NULL;
  if (oc_response_reader_finish (&reader, "GET contacts", &error) && matches > 0)
    {
      oc_json_reader_init_node (&reader, json_array_get_element (rows, 0), "value[0]");
      first_id = oc_json_reader_string (&reader, "contactid");
      oc_response_reader_finish (&reader, "GET contacts", &error);
    }
  if (error != NULL)
    {
      job_end (job, g_steal_pointer (&error));
      return;
    }
  g_autofree char *contact_id = oc_guid_normalize (first_id);
  gboolean is_case = oc_handoff_get_path (job->handoff) == OC_HANDOFF_PATH_CASE;

  if (matches == 1 && contact_id)
    {
      oc_handoff_set_contact (job->handoff, contact_id,
                              is_case ? _("linked to the existing contact with this email")
                                      : _("linked to the existing contact with this verified email"));
      job->step = STEP_CREATE_RECORD;
    }
  else if (matches > 1 && is_case && contact_id)
    {
      /* A case needs a customer: take the first, and say so. */
      oc_handoff_set_contact (job->handoff, contact_id,
                              _("several contacts share this email; linked the first one Dynamics returned"));
      job->step = STEP_CREATE_RECORD;
    }
  else if (matches > 1)
    {
      oc_handoff_set_contact (job->handoff, NULL,
                              _("not linked: several contacts share this email, so none was chosen"));
      job->step = STEP_CREATE_RECORD;
    }
  else
    {
      oc_handoff_set_contact (job->handoff, NULL, is_case ? NULL
                              : _("not linked: no active contact has this email"));
      job->step = is_case ? STEP_CREATE_CONTACT : STEP_CREATE_RECORD;
    }
  job_run (job);
}

static void
on_contact_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) duplicate = NULL;
  g_autoptr(OcResponse) response = job_finish_create (job, result, STEP_READ_CONTACT, &duplicate);
  if (response == NULL && duplicate == NULL)
    return;

  /* A duplicate means an earlier attempt (ours or another client's) already
   * created this deterministic contact: use it. */
  oc_handoff_set_contact (job->handoff, job->new_contact_id,
                          duplicate ? _("linked to the contact created for this email by an earlier attempt")
                                    : _("linked to a new contact created from this session"));
  job->step = STEP_CREATE_RECORD;
  job_run (job);
}

/* After an ambiguous contact create: found, it is ours; missing, create it. */
static void
on_contact_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) missing = NULL;
  g_autoptr(OcResponse) response = job_finish_request (job, result, OC_ERROR_NOT_FOUND, &missing);
  if (response == NULL && missing == NULL)
    return;

  job->verifying = FALSE;
  if (missing)
    job->step = STEP_CREATE_CONTACT;
  else
    {
      oc_handoff_set_contact (job->handoff, job->new_contact_id,
                              _("linked to a new contact created from this session"));
      job->step = STEP_CREATE_RECORD;
    }
  job_run (job);
}

/* Record routing comes last: it may move the case out of the case queue. */
static Step
step_after_queue (Job *job)
{
  gboolean route = oc_handoff_get_path (job->handoff) == OC_HANDOFF_PATH_CASE &&
                   oc_handoff_engine_settings (job->engine)->route_cases;
  return route ? STEP_ROUTE_CASE : STEP_DONE;
}

static void
record_exists (Job *job, const char *ticket_number)
{
  g_free (job->ticket_number);
  job->ticket_number = g_strdup (ticket_number);
  gboolean queue = oc_handoff_get_path (job->handoff) == OC_HANDOFF_PATH_CASE &&
                   oc_handoff_engine_settings (job->engine)->case_queue_id != NULL;
  job->step = queue ? STEP_ADD_TO_QUEUE : step_after_queue (job);
  job_run (job);
}

/* The ticket number of a created or read record. The record exists either
 * way, so a wrong-typed member is reported and the number left unknown. */
static char *
read_ticket_number (OcResponse *response, const char *what)
{
  OcJsonReader reader;
  oc_response_reader_init (&reader, response);
  char *ticket = g_strdup (oc_json_reader_string (&reader, "ticketnumber"));
  g_autoptr(GError) error = NULL;
  if (!oc_response_reader_finish (&reader, what, &error))
    g_warning ("%s", error->message);
  return ticket;
}

static void
on_record_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) missing = NULL;
  g_autoptr(OcResponse) response = job_finish_request (job, result, OC_ERROR_NOT_FOUND, &missing);
  if (response == NULL && missing == NULL)
    return;

  if (missing)
    {
      if (job->verifying)
        {
          /* the ambiguous create did not happen: create it now, once */
          job->verifying = FALSE;
          job->step = STEP_CREATE_RECORD;
          job_run (job);
          return;
        }
      /* "duplicate key", yet no such record: creating again would only meet
       * the same answer, so stop and say what happened */
      job_end (job, oc_error_new_full (OC_ERROR_NOT_FOUND, 404, oc_error_get_service_code (missing), -1,
          _("Dynamics 365 said record %s already exists, but it cannot be read back: %s"),
          oc_handoff_get_record_id (job->handoff), missing->message));
      return;
    }
  job->verifying = FALSE;
  g_autofree char *ticket = read_ticket_number (response, "GET the record");
  record_exists (job, ticket);
}

static void
on_record_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) duplicate = NULL;
  g_autoptr(OcResponse) response = job_finish_create (job, result, STEP_READ_RECORD, &duplicate);
  if (response == NULL && duplicate == NULL)
    return;

  if (duplicate)
    {
      /* "Duplicate key": an earlier attempt whose answer was lost, or another
       * client, created it. Read it back by its deterministic id. */
      job->step = STEP_READ_RECORD;
      job_run (job);
      return;
    }
  g_autofree char *ticket = read_ticket_number (response, "POST the record");
  record_exists (job, ticket);
}

/* What the answer of a best-effort step means for the handoff: a note, and
 * the next step. @error: the refusal, or NULL. */
static void
queue_answered (Job *job, const GError *error)
{
  if (error)
    {
      g_autofree char *note = g_strdup_printf (_("not added to the case queue: %s"), error->message);
      oc_handoff_set_queue_note (job->handoff, note);
    }
  job->step = step_after_queue (job);
}

static void
routing_answered (Job *job, const GError *error)
{
  /* typically refused when no routing rule set for cases is active in the org */
  if (error)
    {
      g_autofree char *note = g_strdup_printf (_("not sent to unified routing: %s"), error->message);
      oc_handoff_set_routing_note (job->handoff, note);
    }
  else
    oc_handoff_set_routing_note (job->handoff, _("sent to unified routing (msdyn_ApplyRoutingRuleEntityRecord)"));
  job->step = STEP_DONE;
}

/* The steps after a case exists (queue, routing) are best effort: a refusal
 * is noted on the handoff, not fatal, and the job goes on. Only a cancelled
 * request ends it. */
static void
on_best_effort_step (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job_end (job, g_steal_pointer (&error));
      return;
    }
  if (job->step == STEP_ADD_TO_QUEUE)
    queue_answered (job, error);
  else
    routing_answered (job, error);
  job_run (job);
}

static void
on_audit_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  if (!oc_store_save_finish (OC_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("handoff %s succeeded but its audit record could not be saved: %s",
               oc_handoff_get_id (job->handoff), error->message);
  job_end (job, NULL);
}

static void
job_done (Job *job)
{
  OcHandoff *handoff = job->handoff;
  OcSession *session = oc_handoff_get_session (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;
  const char *id = oc_handoff_get_record_id (handoff);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  oc_session_mark_handed_off (session, is_case ? NULL : id, is_case ? id : NULL,
                              is_case ? job->ticket_number : NULL, now);
  /* the write runs in a thread: "created" is said once the audit is on disk,
   * and the main loop never waits for it */
  oc_store_save_async (job->engine->store, session, job->engine->cancellable, on_audit_saved, job);
}

static void
job_run (Job *job)
{
  OcHandoffEngine *self = job->engine;
  OcHandoff *handoff = job->handoff;
  OcSession *session = oc_handoff_get_session (handoff);
  const OcSettings *settings = oc_handoff_engine_settings (self);
  const char *id = oc_handoff_get_record_id (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  switch (job->step)
    {
    case STEP_LOOKUP_CONTACT:
      {
        const char *email = oc_session_get_customer_email (session);
        if (email && (is_case || oc_session_get_email_verified (session)))
          {
            path = oc_odata_contact_lookup_path (email);
            job_send (job, "GET", path, NULL, FALSE, FALSE, on_contact_lookup);
            return;
          }
        if (!is_case)
          oc_handoff_set_contact (handoff, NULL, email ? _("not linked: the email is not verified")
                                                       : _("not linked: the session has no email"));
        else if (settings->anonymous_contact_id)
          oc_handoff_set_contact (handoff, settings->anonymous_contact_id,
                                  _("no email: linked to the Anonymous customer contact"));
        else
          {
            g_autoptr(GError) error = oc_error_new_field ("Anonymous customer",
                _("This session has no customer email, and Dynamics requires a customer on every case. "
                "Set the account option “Anonymous customer” to a contact ID, then retry."));
            job_end (job, g_steal_pointer (&error));
            return;
          }
        job->step = STEP_CREATE_RECORD;
        job_run (job);
        return;
      }
    case STEP_CREATE_CONTACT:
      {
        /* The contact id is deterministic too (environment + email), so a
         * retried or concurrent create cannot make two contacts. */
        g_autofree char *email = g_utf8_strdown (oc_session_get_customer_email (session), -1);
        g_autofree char *name = g_strconcat ("contact\n", email, NULL);
        g_free (job->new_contact_id);
        job->new_contact_id = oc_uuid_for_session (settings->environment, name);
        body = oc_payload_contact (session);
        json_object_set_string_member (json_node_get_object (body), "contactid", job->new_contact_id);
        job_send (job, "POST", "contacts?$select=contactid", body, TRUE, TRUE, on_contact_created);
        return;
      }
    case STEP_READ_CONTACT:
      path = oc_odata_entity_path ("contacts", job->new_contact_id, "?$select=contactid");
      job_send (job, "GET", path, NULL, FALSE, FALSE, on_contact_read);
      return;
    case STEP_CREATE_RECORD:
      if (is_case)
        {
          body = oc_payload_incident (session, settings, id, oc_handoff_get_contact_id (handoff));
          job_send (job, "POST", "incidents?$select=incidentid,ticketnumber", body, TRUE, TRUE, on_record_created);
        }
      else
        {
          body = oc_payload_conversation (session, settings, id, oc_handoff_get_contact_id (handoff));
          job_send (job, "POST", "msdyn_ocliveworkitems?$select=activityid", body, TRUE, TRUE, on_record_created);
        }
      return;
    case STEP_READ_RECORD:
      path = is_case ? oc_odata_entity_path ("incidents", id, "?$select=incidentid,ticketnumber")
                     : oc_odata_entity_path ("msdyn_ocliveworkitems", id, "?$select=activityid");
      job_send (job, "GET", path, NULL, FALSE, FALSE, on_record_read);
      return;
    case STEP_ADD_TO_QUEUE:
      path = oc_odata_entity_path ("queues", settings->case_queue_id, "/Microsoft.Dynamics.CRM.AddToQueue");
      body = oc_payload_add_to_queue (id);
      job_send (job, "POST", path, body, FALSE, FALSE, on_best_effort_step);
      return;
    case STEP_ROUTE_CASE:
      body = oc_payload_apply_routing (id);
      job_send (job, "POST", "msdyn_ApplyRoutingRuleEntityRecord", body, FALSE, FALSE, on_best_effort_step);
      return;
    case STEP_DONE:
    default:
      job_done (job);
      return;
    }
}

void
oc_handoff_job_start (OcHandoffEngine *self, OcHandoff *handoff)
{
  if (self->shut_down || oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_CREATED ||
      g_hash_table_contains (self->running, handoff))
    return;

  Job *job = g_new0 (Job, 1);
  job->engine = g_object_ref (self);
  job->handoff = g_object_ref (handoff);
  job->step = STEP_LOOKUP_CONTACT;
  g_hash_table_insert (self->running, handoff, job);
  if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_FAILED)
    oc_handoff_set_pending (handoff);
  job_run (job);
}
void
oc_handoff_jobs_shutdown (OcHandoffEngine *self)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer job;
  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    if (((Job *) job)->timer != 0)
      g_ptr_array_add (waiting, job);
  for (guint i = 0; i < waiting->len; i++)
    job_end (waiting->pdata[i], cancelled ());
}
