/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-server.h — a scripted in-process HTTP server for core unit tests.
 *
 * It plays both Entra ID (POST /{tenant}/oauth2/v2.0/token) and Dataverse
 * (/api/data/v9.2/…). Dataverse answers come from a script queue when one is
 * set, else 200 {"value":[]} (WhoAmI answers its own body). Requests with a
 * token other than the latest issued get 401, as a revoked token would. */
#pragma once

#include <libsoup/soup.h>

#include "oc-settings.h"

typedef struct {
  guint  status;
  char  *body;          /* NULL: empty */
  char  *retry_after;   /* NULL: none */
  guint  delay_ms;
  gsize  filler_bytes;  /* append this many bytes of padding to a JSON string */
} TestReply;

typedef struct {
  SoupServer *server;
  char       *url;
  guint       token_requests;
  guint       api_requests;
  guint       in_flight;
  guint       peak_in_flight;
  int         token_lifetime;     /* seconds */
  guint       token_status;       /* 200 unless a test sets an error */
  char       *token_error_body;
  char       *current_token;
  guint       token_serial;
  GQueue      script;             /* TestReply* for API requests */
  GQueue      token_script;       /* TestReply* for token requests, before the default */
  GPtrArray  *api_paths;          /* "GET /api/…?query" of each API request */
  GPtrArray  *api_headers;        /* SoupMessageHeaders* (ref) of each API request */
  GPtrArray  *token_forms;        /* GHashTable* of each token form */
} TestServer;

TestServer *test_server_new (void);
void        test_server_free (TestServer *self);
void        test_server_script (TestServer *self, guint status, const char *body,
                                const char *retry_after, guint delay_ms);
void        test_server_script_token (TestServer *self, guint status, const char *body,
                                      const char *retry_after);
void        test_server_revoke_tokens (TestServer *self);

/* Settings that point at this server (tenant/client GUIDs, secret, loopback URLs). */
OcSettings *test_server_settings (TestServer *self);

#define TEST_SECRET "Zq8~unit-test-secret-VALUE-do-not-leak-42"
#define TEST_TENANT "11111111-2222-4333-8444-555555555555"
#define TEST_CLIENT "66666666-7777-4888-9999-aaaaaaaaaaaa"
#define TEST_USER   "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"

/* Runs the default main context until *flag is TRUE (or 10 s pass: fail). */
void        test_wait_for (gboolean *flag);
void        test_wait_until_count (guint *counter, guint target);
