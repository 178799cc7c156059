/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-entities.h — the Dataverse tables the mock knows, in one place. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MOCK_COL_STRING,    /* Edm.String (also memo and multi-select choice text) */
  MOCK_COL_INT,       /* Edm.Int32 (also choices, state and status) */
  MOCK_COL_BIGINT,    /* Edm.Int64 */
  MOCK_COL_DECIMAL,   /* Edm.Decimal */
  MOCK_COL_BOOL,      /* Edm.Boolean */
  MOCK_COL_GUID,      /* Edm.Guid: primary keys and plain id columns */
  MOCK_COL_LOOKUP,    /* Edm.Guid read as _<name>_value */
  MOCK_COL_DATETIME,  /* Edm.DateTimeOffset, ISO 8601 UTC text */
} MockColumnType;

typedef struct {
  const char     *name;
  MockColumnType  type;
  const char     *target;   /* lookups: logical name of the referenced table, or NULL */
} MockColumn;

typedef struct {
  const char       *logical_name;
  const char       *entity_set;
  const char       *key;
  const char       *primary_name;  /* primary name column, may be NULL */
  guint             otc;           /* object type code, quoted in privilege errors */
  const MockColumn *columns;       /* terminated by a NULL name */
} MockEntity;

const MockEntity *mock_entity_by_set (const char *entity_set);
const MockEntity *mock_entity_by_name (const char *logical_name);
const MockEntity *mock_entity_nth (guint index);   /* NULL past the end */
const MockColumn *mock_entity_column (const MockEntity *entity, const char *name);
const char       *mock_column_type_edm (MockColumnType type);

G_END_DECLS
