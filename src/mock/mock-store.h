/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-store.h — in-memory Dataverse tables: JSON records keyed by GUID. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "mock-entities.h"
#include "mock-filter.h"

G_BEGIN_DECLS

#define MOCK_STORE_ERROR (mock_store_error_quark ())
GQuark mock_store_error_quark (void);

typedef enum {
  MOCK_STORE_ERROR_INVALID,    /* unknown column, wrong type, bad GUID */
  MOCK_STORE_ERROR_DUPLICATE,  /* a record with that key exists */
} MockStoreError;

#define MOCK_TYPE_STORE (mock_store_get_type ())
G_DECLARE_FINAL_TYPE (MockStore, mock_store, MOCK, STORE, GObject)

MockStore  *mock_store_new (void);
void        mock_store_clear (MockStore *self);

/* Copies @record after checking every member against the table's columns;
 * fills versionnumber, createdon and modifiedon when absent. GUIDs are kept
 * in lower case, as Dataverse returns them. */
gboolean    mock_store_insert (MockStore *self, const MockEntity *entity, JsonObject *record,
                               GError **error);
/* transfer none; NULL when absent. @id in any case. */
JsonObject *mock_store_lookup (MockStore *self, const MockEntity *entity, const char *id);
/* Records in insertion order that match @filter (nullable), at most @limit (<0: all).
 * transfer container. */
GPtrArray  *mock_store_query (MockStore *self, const MockEntity *entity, const MockFilter *filter,
                              gint64 limit);
guint       mock_store_count (MockStore *self, const MockEntity *entity);
/* A JSON array of every record of @entity (sharing them: serialise at once). */
JsonNode   *mock_store_dump (MockStore *self, const MockEntity *entity);
/* Removes a record; FALSE when there was none. */
gboolean    mock_store_remove (MockStore *self, const MockEntity *entity, const char *id);
/* The org's custom choice options, kept with the records (a seed brings
 * both); owned by mock-options.c. transfer none. */
GHashTable *mock_store_get_options (MockStore *self);
/* Marks @record changed: new versionnumber and modifiedon. */
void        mock_store_touch (MockStore *self, JsonObject *record);

/* Response forms of records (projection, annotations) are in mock-format.h. */

G_END_DECLS
