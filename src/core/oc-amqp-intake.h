/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-amqp-intake.h — sessions taken from an AMQP 1.0 queue (Azure Service
 * Bus, RabbitMQ's AMQP 1.0 plugin), as competing consumers. An intake of
 * an OcService (oc_service_add_queue), which makes, starts and stops it;
 * this header has no Proton in it, so front ends fill the options and
 * hear the service's queue-* signals whether or not AMQP is built in.
 *
 * - A message's body is a session document (SPEC §4, oc_session_parse and
 *   its limits). One that breaks a rule is settled `rejected` with
 *   condition omnichannel:invalid-session and the member and rule as the
 *   description (Service Bus dead-letters it with that reason).
 * - A valid one goes through the service's one door (oc_service_accept_async:
 *   the same validation, stored durably first) and is held unsettled until
 *   its record exists in Dynamics: then `accepted`. A
 *   permanent refusal by Dynamics is `rejected` (omnichannel:handoff-failed,
 *   with Dynamics' reason), so it is dead-lettered rather than lost on one
 *   machine; a handoff still retrying transient failures after the retry
 *   budget is `released`, so that another consumer may take it (record ids
 *   are deterministic: whoever creates it, there is one record).
 * - A session id already taken with different content is `rejected` as a
 *   conflict (omnichannel:conflict); the first document stays.
 * - Link credit is the free capacity: never more than max_unsettled
 *   messages held. A dropped connection reconnects with backoff (what was
 *   held is redelivered by the broker); a refused sign-in or a link the
 *   broker refuses (no such queue, not authorised) stops the intake with
 *   ::failed, naming the user and the broker's condition. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _OcAmqpIntakeOptions {
  const char *url;            /* amqp://host[:port] or amqps://host[:port] */
  const char *user;           /* NULL or "": SASL ANONYMOUS */
  const char *password;       /* never logged */
  const char *queue;          /* the address as the broker names it */
  const char *outcomes;       /* NULL: no outcome events */
  guint       max_unsettled;  /* 0: OC_AMQP_INTAKE_DEFAULT_UNSETTLED */
  guint       release_after;  /* transient failures before release; 0: OC_AMQP_INTAKE_DEFAULT_RELEASE_AFTER */
} OcAmqpIntakeOptions;

#define OC_AMQP_INTAKE_DEFAULT_UNSETTLED 32
#define OC_AMQP_INTAKE_DEFAULT_RELEASE_AFTER 5

/* Outcome conditions (symbols in the rejected outcome's amqp:error). */
#define OC_AMQP_CONDITION_INVALID "omnichannel:invalid-session"
#define OC_AMQP_CONDITION_CONFLICT "omnichannel:conflict"
#define OC_AMQP_CONDITION_FAILED "omnichannel:handoff-failed"

#define OC_TYPE_AMQP_INTAKE (oc_amqp_intake_get_type ())
G_DECLARE_FINAL_TYPE (OcAmqpIntake, oc_amqp_intake, OC, AMQP_INTAKE, GObject)

/* Signals (the service re-emits them as ::queue-settled, ::queue-connection
 * and ::queue-failed):
 *   ::settled (const char *session_id or NULL, const char *outcome
 *              "accepted"|"rejected"|"released", const char *reason or NULL)
 *   ::connection (gboolean up, const char *detail) — connected, or lost and
 *              retrying (detail says when)
 *   ::failed (GError *error) — stopped for good (sign-in or link refused)
 *
 * The constructor and the rest are in oc-amqp-intake-private.h: only the
 * service calls them. */

G_END_DECLS
