/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostile-server.h — a Dataverse and Entra ID stand-in on 127.0.0.1 that
 * answers sanely unless a rule says otherwise, and counts what it is asked.
 *
 * It is deliberately independent of src/ (no core code, no mock): the code
 * under test must not be what decides what a server said. A second server
 * on 127.0.0.2 plays "another host" that redirects point at; nothing should
 * ever reach it. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define HOSTILE_TENANT     "11111111-2222-4333-8444-555555555555"
#define HOSTILE_CLIENT     "66666666-7777-4888-9999-aaaaaaaaaaaa"
#define HOSTILE_USER       "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"
#define HOSTILE_WORKSTREAM "77777777-8888-4999-aaaa-bbbbbbbbbbbb"
#define HOSTILE_SECRET     "Hs7~hostile-client-secret-VALUE-never-print"
/* every access token the server issues contains this */
#define HOSTILE_TOKEN_MARK "hostileTok3n"

typedef enum {
  HOSTILE_BODY_TEXT,        /* body as given */
  HOSTILE_BODY_DEEP,        /* body as given, then ~200 KB of '[' */
  HOSTILE_BODY_SELF_LINK,   /* a page whose @odata.nextLink is this very URL */
  HOSTILE_BODY_TOKEN,       /* a fresh token; body is the expires_in literal */
} HostileBodyKind;

/* One scripted answer. @match is a prefix of "METHOD PATH", where PATH is
 * what follows /api/data/v9.2/ (query included) or "token" for the token
 * endpoint: "GET WhoAmI", "POST msdyn_ocliveworkitems", "POST token". */
typedef struct {
  const char      *match;
  guint            status;
  HostileBodyKind  kind;
  const char      *body;
  const char      *location;   /* Location header; "@ELSEWHERE@" is the other host's base URL */
} HostileRule;

typedef struct {
  SoupServer        *server;
  SoupServer        *elsewhere;
  char              *base;           /* http://127.0.0.1:PORT */
  char              *elsewhere_base; /* http://127.0.0.2:PORT */
  const HostileRule *rules;          /* terminated by a rule with match NULL */
  GPtrArray         *tokens;         /* every token issued */
  GPtrArray         *log;            /* "METHOD PATH → STATUS" of each request */
  guint              token_requests;
  guint              api_requests;
  guint              whoami_requests;
  guint              page_gets;      /* watcher pages: GET msdyn_ocliveworkitems?$select / incidents?$select */
  guint              creates;        /* POST msdyn_ocliveworkitems or incidents */
  guint              elsewhere_requests;
  guint              unauthorized;   /* API requests without the latest token */
} HostileServer;

HostileServer *hostile_server_new  (const HostileRule *rules);
void           hostile_server_free (HostileServer *self);

G_END_DECLS
