/* SPDX-License-Identifier: GPL-2.0-or-later */
/* harness.h — a headless libpurple UI that loads the built plugin, and a
 * dynamics-mock child process to sign in to. One process per test binary
 * (libpurple is global state). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpurple/purple.h>

#define HARNESS_UI_ID "omnichannel-test"

#include "oc-test-seed.h"

/* from data/mock-org.json (tests/common/oc-test-seed.h) */
#define MOCK_TENANT      SEED_TENANT
#define MOCK_CLIENT      SEED_CLIENT
#define MOCK_SECRET      SEED_SECRET
#define MOCK_SECRET_ID   SEED_SECRET_ID
#define MOCK_APP_USER    SEED_APP_USER
#define MOCK_WORKSTREAM  SEED_WORKSTREAM
#define MOCK_WORKSTREAM_INACTIVE SEED_WORKSTREAM_OFF
#define MOCK_QUEUE       SEED_QUEUE

typedef struct {
  gboolean              signed_on;
  gboolean              errored;
  PurpleConnectionError reason;
  char                 *description;
  GPtrArray            *progress;      /* char* texts of connect_progress */
  GPtrArray            *notices;       /* char* of notify messages and system lines */
} HarnessEvents;

extern HarnessEvents harness_events;

void           harness_init (int *argc, char ***argv);
void           harness_quit (void);
void           harness_events_reset (void);

/* Starts dynamics-mock (path from $DYNAMICS_MOCK) with extra args; returns its URL. */
const char    *harness_mock_start (const char *const *extra_args);
void           harness_mock_stop (void);
const char    *harness_mock_url (void);
/* POST/GET to the mock's /_mock/ controls; returns the body (parsed). */
JsonNode      *harness_mock_control (const char *method, const char *path, const char *json_body);
void           harness_mock_post (const char *path, const char *json_body);

/* An account pointing at the mock with valid settings; the caller adjusts
 * options before harness_connect(). */
PurpleAccount *harness_account_new (void);
void           harness_account_delete (PurpleAccount *account);
/* Enables the account and runs the loop until signed-on or connection-error. */
void           harness_connect (PurpleAccount *account);
/* Runs the main loop until @predicate returns TRUE (fails the test after @timeout_s). */
void           harness_run_until (gboolean (*predicate) (gpointer), gpointer data, guint timeout_s);
void           harness_run_for (guint ms);

/* <user dir>/omnichannel/127.0.0.1/<sub> */
char          *harness_store_path (const char *sub);
/* The stored session file of @session_id (sha256-derived name), parsed, or NULL. */
JsonNode      *harness_stored_session (const char *session_id);
/* Copies a file into the inbox the way integrators should: temp name, then rename. */
void          harness_drop_in_inbox (const char *source_path, const char *name);
/* The same for a document given as text. */
void          harness_drop_document (const char *name, const char *json);
/* Records of an entity set in the mock (GET /_mock/store/<set>). */
JsonArray     *harness_mock_records (const char *entity_set);   /* owned by a node kept until next call */
/* Counts mock requests with @method whose path contains @needle. */
guint          harness_mock_count (const char *method, const char *needle);
/* The active status id and "message" of a buddy, or NULL. */
const char    *harness_buddy_status (PurpleAccount *account, const char *name, const char **message);
/* Removes <user dir>/omnichannel/127.0.0.1 (every test starts from an empty store). */
void           harness_reset_store (void);
/* Deletes the account and empties the store: the end of every test. */
void           harness_account_finish (PurpleAccount *account);
/* Runs the loop until the buddy's status is @status (NULL: anything but
 * "handing-off") and, if @needle, its message contains @needle. */
void           harness_wait_buddy (PurpleAccount *account, const char *name, const char *status,
                                   const char *needle);
/* dynamics365_chat_id (or _incident_id) of a stored session, interned. */
const char    *harness_record_id (const char *session_id);
/* Answer for the next purple_request_file (NULL: cancel). */
void           harness_answer_file_requests (const char *path);
