/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-handoff-engine.h"

#include "oc-backoff.h"
#include "oc-error.h"
#include "oc-guid.h"
#include "oc-odata.h"
#include "oc-payload.h"
#include "oc-uuid.h"

struct _OcHandoffEngine {
  GObject       parent_instance;
  OcConnection *connection;
  OcStore      *store;
  GCancellable *cancellable;
  GHashTable   *by_id;      /* session id → OcHandoff* (ref) */
  GPtrArray    *ordered;    /* OcHandoff* (ref), in the order they became known */
  GHashTable   *running;    /* OcHandoff* being processed → its Job* */
  GHashTable   *by_record;  /* record id → OcHandoff* (borrowed from by_id) */
  gboolean      shut_down;
  char         *case_queue_name;     /* fetched once, when a case needs it */
  gboolean      fetching_queue_name;
};

enum { SIGNAL_ADDED, SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OcHandoffEngine, oc_handoff_engine, G_TYPE_OBJECT)

typedef enum {
  STEP_LOOKUP_CONTACT,
  STEP_CREATE_CONTACT,
  STEP_READ_CONTACT,
  STEP_CREATE_RECORD,
  STEP_READ_RECORD,
  STEP_ADD_TO_QUEUE,
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

static void
on_handoff_changed (OcHandoff *handoff, gpointer user_data)
{
  OcHandoffEngine *self = user_data;
  if (!self->shut_down)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, handoff);
}

static void
oc_handoff_engine_dispose (GObject *object)
{
  OcHandoffEngine *self = OC_HANDOFF_ENGINE (object);
  oc_handoff_engine_shutdown (self);
  if (self->ordered)
    for (guint i = 0; i < self->ordered->len; i++)
      g_signal_handlers_disconnect_by_data (self->ordered->pdata[i], self);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->ordered, g_ptr_array_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->by_record, g_hash_table_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->case_queue_name, g_free);
  G_OBJECT_CLASS (oc_handoff_engine_parent_class)->dispose (object);
}

static void
oc_handoff_engine_class_init (OcHandoffEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = oc_handoff_engine_dispose;

  signals[SIGNAL_ADDED] = g_signal_new ("handoff-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, OC_TYPE_HANDOFF);
  signals[SIGNAL_CHANGED] = g_signal_new ("handoff-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, OC_TYPE_HANDOFF);
}

static void
oc_handoff_engine_init (OcHandoffEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->ordered = g_ptr_array_new_with_free_func (g_object_unref);
  self->running = g_hash_table_new (g_direct_hash, g_direct_equal);   /* values: Job* (owned by itself) */
  self->by_record = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

OcHandoffEngine *
oc_handoff_engine_new (OcConnection *connection, OcStore *store)
{
  OcHandoffEngine *self = g_object_new (OC_TYPE_HANDOFF_ENGINE, NULL);
  self->connection = g_object_ref (connection);
  self->store = g_object_ref (store);
  return self;
}

static const OcSettings *
settings_of (OcHandoffEngine *self)
{
  return oc_connection_get_settings (self->connection);
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

/* Ends the job on @error (taken): a permanent failure the user may retry,
 * or nothing at all when it was cancelled. */
static void
job_end (Job *job, GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    oc_handoff_set_failed (job->handoff, error);
  g_error_free (error);
  job_free (job);
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
    job_free (job);
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
                              is_case ? "linked to the existing contact with this email"
                                      : "linked to the existing contact with this verified email");
      job->step = STEP_CREATE_RECORD;
    }
  else if (matches > 1 && is_case && contact_id)
    {
      /* A case needs a customer: take the first, and say so. */
      oc_handoff_set_contact (job->handoff, contact_id,
                              "several contacts share this email; linked the first one Dynamics returned");
      job->step = STEP_CREATE_RECORD;
    }
  else if (matches > 1)
    {
      oc_handoff_set_contact (job->handoff, NULL,
                              "not linked: several contacts share this email, so none was chosen");
      job->step = STEP_CREATE_RECORD;
    }
  else
    {
      oc_handoff_set_contact (job->handoff, NULL, is_case ? NULL
                              : "not linked: no active contact has this email");
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
                          duplicate ? "linked to the contact created for this email by an earlier attempt"
                                    : "linked to a new contact created from this session");
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
                              "linked to a new contact created from this session");
      job->step = STEP_CREATE_RECORD;
    }
  job_run (job);
}

static void
record_exists (Job *job, const char *ticket_number)
{
  g_free (job->ticket_number);
  job->ticket_number = g_strdup (ticket_number);
  gboolean queue = oc_handoff_get_path (job->handoff) == OC_HANDOFF_PATH_CASE &&
                   settings_of (job->engine)->case_queue_id != NULL;
  job->step = queue ? STEP_ADD_TO_QUEUE : STEP_DONE;
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
          "Dynamics 365 said record %s already exists, but it cannot be read back: %s",
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

static void
on_added_to_queue (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job_free (job);
      return;
    }
  /* The case exists either way; a queue that refuses it is reported, not fatal. */
  if (error)
    {
      g_autofree char *note = g_strdup_printf ("not added to the case queue: %s", error->message);
      oc_handoff_set_queue_note (job->handoff, note);
    }
  job->step = STEP_DONE;
  job_run (job);
}

static void
job_done (Job *job)
{
  OcHandoff *handoff = job->handoff;
  OcSession *session = oc_handoff_get_session (handoff);
  gboolean is_case = oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE;
  const char *id = oc_handoff_get_record_id (handoff);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  oc_session_mark_handed_off (session, is_case ? NULL : id, is_case ? id : NULL,
                              is_case ? job->ticket_number : NULL, now);
  if (!oc_store_save (job->engine->store, session, &error))
    g_warning ("handoff %s succeeded but its audit record could not be saved: %s",
               oc_session_get_id (session), error->message);
  oc_handoff_set_created (handoff, job->ticket_number);
  job_free (job);
}

static void
job_run (Job *job)
{
  OcHandoffEngine *self = job->engine;
  OcHandoff *handoff = job->handoff;
  OcSession *session = oc_handoff_get_session (handoff);
  const OcSettings *settings = settings_of (self);
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
          oc_handoff_set_contact (handoff, NULL, email ? "not linked: the email is not verified"
                                                       : "not linked: the session has no email");
        else if (settings->anonymous_contact_id)
          oc_handoff_set_contact (handoff, settings->anonymous_contact_id,
                                  "no email: linked to the Anonymous customer contact");
        else
          {
            g_autoptr(GError) error = oc_error_new_field ("Anonymous customer",
                "This session has no customer email, and Dynamics requires a customer on every case. "
                "Set the account option “Anonymous customer” to a contact ID, then retry.");
            oc_handoff_set_failed (handoff, error);
            job_free (job);
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
      path = g_strdup_printf ("contacts(%s)?$select=contactid", job->new_contact_id);
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
      path = is_case ? g_strdup_printf ("incidents(%s)?$select=incidentid,ticketnumber", id)
                     : g_strdup_printf ("msdyn_ocliveworkitems(%s)?$select=activityid", id);
      job_send (job, "GET", path, NULL, FALSE, FALSE, on_record_read);
      return;
    case STEP_ADD_TO_QUEUE:
      path = g_strdup_printf ("queues(%s)/Microsoft.Dynamics.CRM.AddToQueue", settings->case_queue_id);
      body = oc_payload_add_to_queue (id);
      job_send (job, "POST", path, body, FALSE, FALSE, on_added_to_queue);
      return;
    case STEP_DONE:
    default:
      job_done (job);
      return;
    }
}

static void
start (OcHandoffEngine *self, OcHandoff *handoff)
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

static void
apply_queue_name (OcHandoffEngine *self)
{
  for (guint i = 0; i < self->ordered->len; i++)
    if (oc_handoff_get_path (self->ordered->pdata[i]) == OC_HANDOFF_PATH_CASE &&
        !oc_handoff_is_foreign (self->ordered->pdata[i]))
      oc_handoff_set_case_queue_name (self->ordered->pdata[i], self->case_queue_name);
}

static void
on_queue_name (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OcHandoffEngine *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OcResponse) response = oc_web_api_send_finish (OC_WEB_API (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->shut_down)
    {
      self->fetching_queue_name = FALSE;
      const char *name = NULL;
      if (response)
        {
          OcJsonReader reader;
          oc_response_reader_init (&reader, response);
          name = oc_json_reader_string (&reader, "name");
          if (!oc_response_reader_finish (&reader, "GET queues", &error))
            name = NULL;
        }
      if (name)
        {
          self->case_queue_name = g_strdup (name);
          apply_queue_name (self);
        }
      else if (error)
        g_debug ("case queue name unavailable: %s", error->message);
    }
  g_object_unref (self);
}

/* One GET per sign-in, and only when a case is shown. */
static void
ensure_queue_name (OcHandoffEngine *self)
{
  const char *queue = settings_of (self)->case_queue_id;
  if (queue == NULL || self->fetching_queue_name || self->shut_down)
    return;
  if (self->case_queue_name)
    {
      apply_queue_name (self);
      return;
    }
  self->fetching_queue_name = TRUE;
  g_autofree char *path = g_strdup_printf ("queues(%s)?$select=name", queue);
  g_autoptr(OcRequest) request = oc_request_new ("GET", path);
  oc_request_set_retry (request, OC_RETRY_BOUNDED, 3);
  oc_web_api_send_async (oc_connection_get_web_api (self->connection), request, self->cancellable,
                         on_queue_name, g_object_ref (self));
}

static OcHandoff *
track_handoff (OcHandoffEngine *self, OcHandoff *handoff)
{
  g_hash_table_insert (self->by_id, g_strdup (oc_handoff_get_id (handoff)), handoff);
  g_hash_table_insert (self->by_record, g_strdup (oc_handoff_get_record_id (handoff)), handoff);
  g_ptr_array_add (self->ordered, g_object_ref (handoff));
  g_signal_connect (handoff, "changed", G_CALLBACK (on_handoff_changed), self);
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, handoff);
  if (oc_handoff_get_path (handoff) == OC_HANDOFF_PATH_CASE && !oc_handoff_is_foreign (handoff))
    ensure_queue_name (self);
  return handoff;
}

static OcHandoff *
track (OcHandoffEngine *self, OcSession *session)
{
  return track_handoff (self, oc_handoff_new (session, settings_of (self)->environment));
}

OcHandoff *
oc_handoff_engine_track_foreign (OcHandoffEngine *self, const char *record_id, OcHandoffPath path,
                                 const char *subject)
{
  OcHandoff *handoff = g_hash_table_lookup (self->by_record, record_id);
  return handoff ? handoff : track_handoff (self, oc_handoff_new_foreign (record_id, path, subject));
}

OcHandoff *
oc_handoff_engine_lookup_record (OcHandoffEngine *self, const char *record_id)
{
  return g_hash_table_lookup (self->by_record, record_id);
}

OcHandoff *
oc_handoff_engine_submit (OcHandoffEngine *self, OcSession *session, gboolean *known, GError **error)
{
  const char *id = oc_session_get_id (session);
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, id);

  if (known)
    *known = handoff != NULL;
  if (handoff)
    return handoff;

  /* Another intake or client may have stored it already: the first copy wins. */
  g_autoptr(OcSession) stored = oc_store_contains (self->store, id) ? oc_store_load (self->store, id, NULL) : NULL;
  if (stored)
    {
      if (known)
        *known = TRUE;
      handoff = track (self, stored);
    }
  else
    {
      if (!oc_store_save (self->store, session, error))
        return NULL;
      handoff = track (self, session);
    }
  start (self, handoff);
  return handoff;
}

void
oc_handoff_engine_resume (OcHandoffEngine *self)
{
  g_autoptr(GPtrArray) sessions = oc_store_list (self->store);

  for (guint i = 0; i < sessions->len; i++)
    {
      OcSession *session = sessions->pdata[i];
      OcHandoff *handoff = g_hash_table_lookup (self->by_id, oc_session_get_id (session));
      if (handoff == NULL)
        handoff = track (self, session);
      if (oc_handoff_get_phase (handoff) == OC_HANDOFF_PHASE_PENDING)
        start (self, handoff);
    }
}

gboolean
oc_handoff_engine_retry (OcHandoffEngine *self, const char *session_id)
{
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, session_id);
  if (handoff == NULL || oc_handoff_get_phase (handoff) != OC_HANDOFF_PHASE_FAILED)
    return FALSE;
  start (self, handoff);
  return TRUE;
}

OcHandoff *
oc_handoff_engine_lookup (OcHandoffEngine *self, const char *session_id)
{
  return g_hash_table_lookup (self->by_id, session_id);
}

GPtrArray *
oc_handoff_engine_list (OcHandoffEngine *self)
{
  return self->ordered;
}

void
oc_handoff_engine_forget (OcHandoffEngine *self, const char *session_id)
{
  OcHandoff *handoff = g_hash_table_lookup (self->by_id, session_id);
  if (handoff == NULL || g_hash_table_contains (self->running, handoff))
    return;
  g_signal_handlers_disconnect_by_data (handoff, self);
  g_hash_table_remove (self->by_record, oc_handoff_get_record_id (handoff));
  g_ptr_array_remove (self->ordered, handoff);
  g_hash_table_remove (self->by_id, session_id);
}

gboolean
oc_handoff_engine_is_busy (OcHandoffEngine *self)
{
  return g_hash_table_size (self->running) > 0;
}

void
oc_handoff_engine_shutdown (OcHandoffEngine *self)
{
  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  g_cancellable_cancel (self->cancellable);

  /* Jobs waiting on a timer of their own end now; the others end through
   * their cancelled request. */
  g_autoptr(GPtrArray) waiting = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer job;
  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &job))
    if (((Job *) job)->timer != 0)
      g_ptr_array_add (waiting, job);
  for (guint i = 0; i < waiting->len; i++)
    job_free (waiting->pdata[i]);
}
