/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-client.h — a signed-in connection to a TestServer, with a store in a
 * temporary directory and a handoff engine: the fixture of the engine and
 * watcher unit tests. */
#pragma once

#include "oc-handoff-engine.h"
#include "test-server.h"

typedef struct {
  TestServer      *server;
  OcSettings      *settings;
  OcConnection    *connection;
  OcStore         *store;
  char            *store_dir;
  OcHandoffEngine *engine;
  guint            requests_before;   /* API requests of the sign-in */
} TestClient;

/* Signs in (WhoAmI and the read probe take the server's default answers:
 * script nothing before) with a fast backoff. */
void  test_client_set_up (TestClient *client, gconstpointer data);
void  test_client_tear_down (TestClient *client, gconstpointer data);
/* Requests since the sign-in whose "METHOD /path?query" starts with @prefix. */
guint test_client_count (TestClient *client, const char *prefix);
/* Requests since the sign-in whose "METHOD /path?query" contains @needle. */
guint test_client_count_containing (TestClient *client, const char *needle);
