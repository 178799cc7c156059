/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-codes.h — the Dataverse option values the core reads and writes
 * (statecode / statuscode), named once (docs: the msdyn_ocliveworkitem and
 * incident table references; /work/shared/research/dataverse.md §1.3). */
#pragma once

/* A code not known yet (no poll has reported on the record). */
#define OC_CODE_UNKNOWN (-1)

/* Any record whose statecode 0 is "Active" (contacts, workstreams, queues). */
#define OC_RECORD_STATE_ACTIVE 0

/* msdyn_ocliveworkitem (conversation) statecode */
#define OC_CONVERSATION_STATE_OPEN   0
#define OC_CONVERSATION_STATE_CLOSED 1
/* msdyn_ocliveworkitem statuscode (status reason) */
#define OC_CONVERSATION_STATUS_OPEN    1   /* in a queue, not assigned */
#define OC_CONVERSATION_STATUS_ACTIVE  2   /* with a rep */
#define OC_CONVERSATION_STATUS_WAITING 3   /* on hold */
#define OC_CONVERSATION_STATUS_CLOSED  4
#define OC_CONVERSATION_STATUS_WRAP_UP 5

/* incident (case) statecode */
#define OC_CASE_STATE_ACTIVE    0
#define OC_CASE_STATE_RESOLVED  1
#define OC_CASE_STATE_CANCELLED 2
