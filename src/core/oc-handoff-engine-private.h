/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-handoff-engine-private.h — what the engine (tracking, oc-handoff-engine.c)
 * and its jobs (the request steps of one handoff, oc-handoff-job.c) share. */
#pragma once

#include "oc-handoff-engine.h"
#include "oc-handoff-private.h"

G_BEGIN_DECLS

struct _OcHandoffEngine {
  GObject       parent_instance;
  OcConnection *connection;
  OcStore      *store;
  GCancellable *cancellable;
  GHashTable   *by_id;      /* session id → OcHandoff* (ref) */
  GPtrArray    *ordered;    /* OcHandoff* (ref), in the order they became known */
  GHashTable   *running;    /* OcHandoff* being processed → its Job* */
  GHashTable   *by_record;  /* record id → OcHandoff* (borrowed from by_id) */
  GHashTable   *accepting;  /* session id → GPtrArray of GTask* waiting for its store write */
  gboolean      shut_down;
  char         *case_queue_name;     /* fetched once, when a case needs it */
  gboolean      fetching_queue_name;
};

static inline const OcSettings *
oc_handoff_engine_settings (OcHandoffEngine *self)
{
  return oc_connection_get_settings (self->connection);
}

/* Starts (or restarts, when failed) the job of @handoff unless it is
 * created already or running. */
void oc_handoff_job_start (OcHandoffEngine *self, OcHandoff *handoff);
/* Ends the jobs waiting on a timer of their own (the others end through
 * their cancelled request). */
void oc_handoff_jobs_shutdown (OcHandoffEngine *self);

G_END_DECLS
