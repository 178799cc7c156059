/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-test-util.h — an in-process MockServer and a real HTTP client for tests. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "mock-server.h"
#include "oc-test-seed.h"   /* the values of data/mock-org.json */

G_BEGIN_DECLS

/* Names the test files share. */
#define CONV "msdyn_ocliveworkitems"
#define ITEMS "msdyn_ocliveworkitemcontextitems"
#define MISSING "99999999-9999-4999-8999-999999999999"   /* a well-formed id no record has */
#define REPRESENTATION "return=representation"
#define FV "@OData.Community.Display.V1.FormattedValue"
#define PREFER_FV "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\""

/* A test of @func on a fresh server with the seed. */
#define FIXTURE_ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

typedef struct {
  MockServer  *server;
  SoupSession *session;
  const char  *url;
  char        *token;   /* after fixture_get_token() */
} Fixture;

typedef struct {
  guint               status;
  GError             *error;     /* transport errors */
  GBytes             *body;
  SoupMessageHeaders *headers;
  JsonNode           *json;      /* NULL unless the body parsed */
  gint64              elapsed_us;
} Reply;

void   reply_free (Reply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

void   fixture_setup (Fixture *f, gconstpointer seed_path /* NULL: data/mock-org.json */);
void   fixture_teardown (Fixture *f, gconstpointer data);

Reply *fixture_send (Fixture *f, SoupMessage *msg);
/* POST @body to /{tenant}/oauth2/v2.0/token as @content_type. */
Reply *fixture_token_raw (Fixture *f, const char *tenant, const char *content_type, const char *body);
/* A well-formed form from name/value pairs (NULL value: leave the field out). */
char  *fixture_form (const char *first_name, ...) G_GNUC_NULL_TERMINATED;
char  *fixture_scope (Fixture *f);
/* The seed's credentials; fails the test unless a token is issued. */
void   fixture_get_token (Fixture *f);
/* The same, and no routing: records keep the state they were created in. */
void   fixture_get_token_unrouted (Fixture *f);
/* A Dataverse request with all the headers a correct client sends. */
SoupMessage *fixture_api_message (Fixture *f, const char *method, const char *path_and_query);
Reply *fixture_api_get (Fixture *f, const char *path_and_query);
/* POST/GET on /_mock/… with an optional JSON body. */
Reply *fixture_control (Fixture *f, const char *method, const char *name, const char *json);
/* POST a JSON body (Content-Type: application/json; charset=utf-8) with an optional Prefer. */
Reply *fixture_api_post (Fixture *f, const char *path_and_query, const char *json, const char *prefer);
/* @method with a JSON body (NULL: none) and optional Prefer and If-Match headers. */
Reply *fixture_api_send (Fixture *f, const char *method, const char *path_and_query, const char *json,
                         const char *prefer, const char *if_match);
/* GET a path under the API base, or an absolute URL (a next link), with an optional Prefer. */
Reply *fixture_api_get_prefer (Fixture *f, const char *path_or_url, const char *prefer);
/* Runs the default main context for @ms milliseconds. */
void   fixture_spin (guint ms);
/* Records of an entity set in the mock's store (JSON array length). */
guint  fixture_store_count (Fixture *f, const char *entity_set);
/* A copy of a stored record, held in *@holder (replacing what it held); fails the test when absent. */
JsonObject *fixture_dup_record (Fixture *f, JsonNode **holder, const char *entity_set, const char *id);
/* A $filter string literal as a careful client writes it: quotes doubled,
 * then everything but RFC 3986 unreserved characters percent-encoded. */
char  *fixture_odata_string (const char *value);

/* Members of a reply's JSON (or of an object inside it). */
const char *reply_string (Reply *reply, const char *path);
gint64      reply_int (Reply *reply, const char *path);
JsonArray  *reply_array (Reply *reply, const char *path);
char       *reply_text (Reply *reply);

/* The Entra error body shape and values. */
void   assert_aad_error (Reply *reply, guint status, const char *error, guint code);
/* The Dataverse error body shape and values; @message_part may be NULL. */
void   assert_dataverse_error (Reply *reply, guint status, const char *code, const char *message_part);

/* A create that must fail: the body, and the error as assert_dataverse_error() takes it. */
typedef struct {
  const char *body;
  guint       status;
  const char *code;
  const char *message;
} BadPost;

/* POSTs each body to @path (asking for the representation); each must fail
 * as given and store nothing: no record of @entity_set, no context item, no note. */
void   assert_bad_posts (Fixture *f, const char *path, const BadPost *cases, guint n, const char *entity_set);

void   mock_test_add_token_tests (void);
void   mock_test_add_api_tests (void);
void   mock_test_add_query_tests (void);
void   mock_test_add_fault_tests (void);
void   mock_test_add_control_tests (void);
void   mock_test_add_program_tests (void);
void   mock_test_add_create_tests (void);
void   mock_test_add_service_tests (void);
void   mock_test_add_routing_tests (void);
void   mock_test_add_watch_tests (void);
void   mock_test_add_update_tests (void);
void   mock_test_add_expand_tests (void);
void   mock_test_add_metadata_tests (void);
void   mock_test_add_supervisor_tests (void);

G_END_DECLS
