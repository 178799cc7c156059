/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-watcher-scope.h — the watcher's scope (private to the watcher):
 * which tables a poll needs and whether it should be quick. The $filter
 * builder is public for tests: oc_watcher_build_filter in oc-watcher.h. */
#pragma once

#include "oc-handoff.h"
#include "oc-settings.h"

G_BEGIN_DECLS

typedef struct {
  gboolean conversations;
  gboolean cases;
  gboolean busy;     /* anything pending or not closed */
} OcWatcherNeeds;

/* @handoffs: the tracked OcHandoff* (borrowed). @discovering: the first
 * poll after sign-in (or a poke). In the "integration" and "workstream"
 * views it also looks for records this client does not know yet; "mine"
 * only ever asks about its own sessions. */
OcWatcherNeeds oc_watcher_needs (OcShowMode mode, GPtrArray *handoffs, gboolean discovering);

G_END_DECLS
