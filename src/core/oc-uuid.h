/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-uuid.h — deterministic record ids (RFC 4122 version 5, SHA-1). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* UUIDv5 of @name in @namespace_uuid (canonical lower-case string). */
char *oc_uuid_v5 (const char *namespace_uuid, const char *name);

/* The record id for a session: UUIDv5 in the project namespace of
 * "<environment>\n<session id>". The same session handed off twice, by two
 * clients or two intakes, gets the same id; another environment gets another. */
char *oc_uuid_for_session (const char *environment, const char *session_id);

G_END_DECLS
