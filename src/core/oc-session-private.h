/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-session-private.h — what oc-session.c (lifetime, building, accessors,
 * meta, serialisation) and oc-session-parse.c (validation and parsing)
 * share. Not installed; include only from those two files. */
#pragma once

#include "oc-session.h"

G_BEGIN_DECLS

struct _OcSession {
  gatomicrefcount refs;
  /* The whole document. Unknown members live only here; known ones are
   * mirrored in the fields below and every setter updates both. */
  JsonObject *doc;
  char *id;
  char *channel;
  char *summary;
  char *classification;
  char *sentiment;
  char *name;
  char *email;
  gboolean email_verified;
  char *phone;
  GPtrArray *transcript;   /* OcTranscriptLine* */
};

/* A session with an empty transcript around doc, whose reference it takes. */
OcSession *oc_session_alloc (JsonObject *doc);

gboolean   oc_session_node_is_string (JsonNode *node);

G_END_DECLS
