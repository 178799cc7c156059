/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-inbox.h — the inbox directory intake (SPEC §5.1): a session document
 * moved into <store>/inbox/ is picked up at once (GFileMonitor), and whatever
 * arrived while nobody watched is picked up by a scan at start. Accepted
 * documents go to the engine (which stores them durably) and leave the inbox;
 * rejected ones go to rejected/ with a .reason file. A file still being
 * written in place is left alone until it is closed. */
#pragma once

#include "oc-handoff-engine.h"
#include "oc-store.h"

G_BEGIN_DECLS

#define OC_TYPE_INBOX (oc_inbox_get_type ())
G_DECLARE_FINAL_TYPE (OcInbox, oc_inbox, OC, INBOX, GObject)

OcInbox  *oc_inbox_new (OcStore *store, OcHandoffEngine *engine);
/* Scans, then watches. */
gboolean  oc_inbox_start (OcInbox *self, GError **error);
void      oc_inbox_stop (OcInbox *self);
/* Processes one file now (used by the scan, the monitor and "Hand off a
 * session file…"). Returns the handoff, or NULL with the reason it was
 * rejected. @remove_source: delete the file once accepted (inbox files). */
OcHandoff *oc_inbox_take_file (OcInbox *self, const char *path, gboolean remove_source, GError **error);

/* Reads and validates a document file of at most OC_SESSION_MAX_BYTES. */
OcSession *oc_session_load_file (const char *path, GError **error);

G_END_DECLS
