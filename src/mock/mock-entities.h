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

/* One value of a choice (option set); lists end with a NULL label. Status
 * reasons (statuscode) name the state (statecode) they belong to. */
typedef struct {
  gint64      value;
  const char *label;
  gint64      state;
} MockOption;

typedef enum {
  MOCK_COL_CREATE   = 1 << 0,  /* may be sent in a POST body (IsValidForCreate, as far as the mock goes) */
  MOCK_COL_REQUIRED = 1 << 1,  /* must be non-empty on create */
  MOCK_COL_MULTI    = 1 << 2,  /* multi-select choice: text of comma-separated option values */
  MOCK_COL_UPDATE   = 1 << 3,  /* may be sent in a PATCH body though not on create (IsValidForUpdate only) */
} MockColumnFlags;

typedef struct {
  const char       *name;
  MockColumnType    type;
  const char       *target;      /* lookups: logical name of the referenced table, or NULL (polymorphic) */
  guint             max_length;  /* strings: in UTF-16 code units, as .NET counts; 0 = unchecked */
  const MockOption *options;     /* choices, or NULL */
  guint             flags;       /* MockColumnFlags */
} MockColumn;

/* A table an @odata.bind may point at: the entity set and its logical name.
 * Tables the mock does not hold (accounts, teams) have no records, so a
 * bind to them always fails with "Does Not Exist". */
typedef struct {
  const char *entity_set;
  const char *logical_name;
} MockBindTarget;

/* A single-valued navigation property, usable as "<name>@odata.bind". */
typedef struct {
  const char           *name;
  const char           *column;     /* the lookup column it sets, e.g. _msdyn_liveworkstreamid_value */
  const MockBindTarget *targets;    /* NULL-terminated by entity_set */
  gboolean              supported;  /* FALSE: valid on Dataverse, 501 in the mock */
} MockNavigation;

/* A collection-valued navigation property the mock accepts as a deep insert. */
typedef struct {
  const char *name;            /* e.g. msdyn_ocliveworkitem_Annotations */
  const char *child_set;       /* entity set of the children */
  const char *child_lookup;    /* child column pointing at the parent, e.g. _objectid_value */
  const char *child_type_column; /* child column getting the parent's logical name, or NULL */
  /* Many-to-many relationships (e.g. queuemembership_association): the
   * children are found through the intersect table @intersect_set, whose
   * @child_lookup column holds the parent's key and @intersect_other the
   * child's. Never a deep insert. NULL for one-to-many. */
  const char *intersect_set;
  const char *intersect_other;
} MockCollection;

typedef struct {
  const char           *logical_name;
  const char           *entity_set;
  const char           *key;
  const char           *primary_name;  /* primary name column, may be NULL */
  guint                 otc;           /* object type code, quoted in privilege errors */
  const MockColumn     *columns;       /* terminated by a NULL name */
  const MockNavigation *navigations;   /* terminated by a NULL name; may be NULL */
  const MockCollection *collections;   /* terminated by a NULL name; may be NULL */
  gboolean              creatable;     /* POST <set> is implemented */
} MockEntity;

const MockEntity     *mock_entity_by_set (const char *entity_set);
const MockEntity     *mock_entity_by_name (const char *logical_name);
const MockEntity     *mock_entity_nth (guint index);   /* NULL past the end */
const MockColumn     *mock_entity_column (const MockEntity *entity, const char *name);
const MockNavigation *mock_entity_navigation (const MockEntity *entity, const char *name);
const MockCollection *mock_entity_collection (const MockEntity *entity, const char *name);
const char           *mock_column_type_edm (MockColumnType type);
/* The label of @value, or NULL when it is not one of the column's options. */
const char           *mock_column_option_label (const MockColumn *column, gint64 value);

/* Logical name of a table from its entity set, also for bind-only tables (accounts, teams). */
const char           *mock_bind_target_logical_name (const MockNavigation *nav, const char *entity_set);

/* Lengths as Dataverse counts them: UTF-16 code units of valid UTF-8 text. */
guint                 mock_utf16_length (const char *text);

G_END_DECLS
