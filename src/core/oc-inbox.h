/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-inbox.h — the inbox directory intake (SPEC §5.1): a session document
 * moved into <store>/inbox/ is picked up at once (GFileMonitor), and whatever
 * arrived while nobody watched is picked up by a scan at start. Accepted
 * documents go to the engine (which stores them durably) and leave the inbox;
 * rejected ones go to rejected/ with a .reason file (announced by the
 * store's ::rejected signal).
 *
 * A document renamed or moved into the inbox is complete, so it is taken at
 * once. One written in place is taken only once it has been unchanged for
 * the settle time: closing a file says nothing (GLib even invents a "changes
 * done" hint after two quiet seconds), and a writer that pauses must not
 * have its half-written document rejected. Anything but a regular file (a
 * symbolic link, a FIFO) is refused without reading it.
 *
 * A writer that pauses even longer has its document rejected while it is
 * incomplete, and may go on writing into it (now in rejected/). A rejected
 * document written after its .reason (so also one fixed by hand) is looked
 * at again once quiet, at once and at every start: accepted, it leaves
 * rejected/; still refused, its .reason is renewed and announced. */
#pragma once

#include "oc-handoff-engine.h"
#include "oc-store.h"

G_BEGIN_DECLS

#define OC_INBOX_SETTLE_MS 5000

#define OC_TYPE_INBOX (oc_inbox_get_type ())
G_DECLARE_FINAL_TYPE (OcInbox, oc_inbox, OC, INBOX, GObject)

OcInbox  *oc_inbox_new (OcStore *store, OcHandoffEngine *engine);
/* How long a file written in place must stay unchanged (default OC_INBOX_SETTLE_MS). */
void      oc_inbox_set_settle_time (OcInbox *self, guint ms);
/* Scans, then watches. */
gboolean  oc_inbox_start (OcInbox *self, GError **error);
void      oc_inbox_stop (OcInbox *self);
/* Reads and validates a document file of at most OC_SESSION_MAX_BYTES
 * (a file the user named: symbolic links are followed). */
OcSession *oc_session_load_file (const char *path, GError **error);

G_END_DECLS
