/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-faults.h — injected faults for the next N matching requests. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  MOCK_FAULT_BEFORE,   /* replaces the handling: nothing is committed */
  MOCK_FAULT_AFTER,    /* the request is handled and committed, then the response is replaced */
} MockFaultPhase;

typedef struct {
  grefcount      ref;
  char          *name;
  guint          count;          /* requests still to hit */
  char          *method;         /* NULL: any */
  char          *path_contains;  /* NULL: any */
  guint          status;         /* 0: keep the real response (a pure delay) */
  char          *retry_after;
  JsonNode      *body;           /* JSON body */
  char          *body_raw;       /* or a raw body, e.g. to send malformed JSON */
  char          *content_type;
  char         **headers;        /* name, value, name, value, …, NULL */
  guint          delay_ms;
  gboolean       drop;
  MockFaultPhase phase;
} MockFault;

MockFault *mock_fault_parse (JsonNode *node, GError **error);
MockFault *mock_fault_ref (MockFault *fault);
void       mock_fault_unref (MockFault *fault);
JsonNode  *mock_fault_to_json (const MockFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockFault, mock_fault_unref)

/* TRUE when the fault sends its own response (or none, when dropping). */
gboolean   mock_fault_replaces_response (const MockFault *fault);
/* Sets status, headers and body on @msg; @token_endpoint picks the Entra body shape. */
void       mock_fault_respond (const MockFault *fault, SoupServerMessage *msg, gboolean token_endpoint);

/* A queue of MockFault* in injection order. */
void       mock_fault_queue_push (GQueue *queue, MockFault *fault);
/* First fault matching the request, with one use consumed; NULL if none. transfer full. */
MockFault *mock_fault_queue_take (GQueue *queue, const char *method, const char *path);
void       mock_fault_queue_clear (GQueue *queue);
JsonNode  *mock_fault_queue_to_json (GQueue *queue);

G_END_DECLS
