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

/* ---- small helpers the test files share ---- */

/* The mock's arguments for cases that change states themselves: no
 * automatic routing (assign, wrap-up and close after 0 s: never). */
extern const char *const harness_manual_routing[];
/* Runs the cases, stops everything; returns the exit status (main's tail). */
int            harness_run_tests (void);
/* A notice (notification or system line) since the last events reset contains @needle. */
gboolean       harness_noticed (const char *needle);
/* $SESSIONS_DIR/<name>: the example session documents of data/sessions. */
char          *harness_session_file (const char *name);
/* The store's file name for @session_id ("<32 hex of its SHA-256>.json"). */
char          *harness_stored_name (const char *session_id);
/* <user dir>/omnichannel/127.0.0.1/sessions/<harness_stored_name>. */
char          *harness_stored_path (const char *session_id);
/* Sets a record's state in the mock (POST /_mock/state); @reason 0, @agent
 * and @modifiedon NULL leave those out. */
void           harness_mock_set_state (const char *entity, const char *id, int statecode, int statuscode,
                                       int reason, const char *agent, const char *modifiedon);
/* Empties the mock's request log. */
void           harness_mock_clear_requests (void);
/* Runs the loop until the buddy @name exists (@present) or not (fails after @timeout_s). */
void           harness_wait_buddy_present (PurpleAccount *account, const char *name, gboolean present,
                                           guint timeout_s);
/* The plugin's tooltip of @buddy (its full text, lines joined by "\n"). */
char          *harness_buddy_tooltip (PurpleBuddy *buddy);
/* Disconnects, lets the teardown run, and connects again (harness_connect). */
void           harness_reconnect (PurpleAccount *account);
/* A connected account of the loopback protocol (tests/integration/loopback-prpl.c),
 * the "other chat" whose conversations /handoff hands off; delete it with
 * purple_accounts_delete. */
PurpleAccount *harness_loopback_account_new (void);

/* ---- fixtures (g_test_add) ----
 *
 * Every case runs on a freshly reset mock with its own account pointing at
 * it, signed in unless it asks not to be; the tear-down deletes the account
 * and empties the store, so nothing carries from one case to the next.
 *
 *   static const HarnessOptions options = { .case_queue_id = MOCK_QUEUE };
 *   static void test_x (HarnessFixture *f, gconstpointer data) { … f->account … }
 *   HARNESS_ADD ("/file/x", &options, test_x);
 *
 * A file whose cases need more (other account options, a row of a table as
 * their data, fixture members of their own) writes a set-up of its own that
 * calls harness_fixture_set_up with .offline, adjusts the account, then
 * harness_fixture_sign_in; a larger fixture embeds HarnessFixture first. */
typedef struct {
  gboolean           offline;               /* the set-up does not sign in */
  const char        *anonymous_contact_id;  /* account options (NULL: left unset) */
  const char        *case_queue_id;
  const char        *show;
  const char *const *mock_args;             /* non-NULL: the case runs on a mock started with these
                                             * (harness_mock_start), the file's own one after it */
} HarnessOptions;

typedef struct {
  PurpleAccount        *account;
  const HarnessOptions *options;     /* as given to the set-up (never NULL) */
  char                **mock_args;   /* the file's own mock arguments while mock_args runs */
} HarnessFixture;

/* @options: a const HarnessOptions * (NULL: the defaults). */
void           harness_fixture_set_up (HarnessFixture *f, gconstpointer options);
void           harness_fixture_tear_down (HarnessFixture *f, gconstpointer unused);
/* Connects f->account and asserts that it signed on. */
void           harness_fixture_sign_in (HarnessFixture *f);

#define HARNESS_ADD(path, options, test) \
  g_test_add ((path), HarnessFixture, (options), harness_fixture_set_up, (test), harness_fixture_tear_down)
