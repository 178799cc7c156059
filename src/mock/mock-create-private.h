/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-create-private.h — what the files of POST <entityset> share: the plan
 * of a create (the values, binds and deep-inserted children read from the
 * body) and the first failure found while checking it.
 *
 *   mock-create.c           the endpoint: Content-Type, body, privileges, key, answer
 *   mock-create-payload.c   the OData reader: members, JSON types, deep-insert children
 *   mock-create-bind.c      @odata.bind: references, bound records, lookup columns
 *   mock-create-validate.c  the platform: lengths, choices, required columns, table rules
 *   mock-create-plan.c      the plan itself, and inserting it
 *   mock-create-defaults.c  what the platform computes for a new record */
#pragma once

#include "mock-private.h"

G_BEGIN_DECLS

#define MOCK_CREATE_CODE_LENGTH    "0x80044331"
#define MOCK_CREATE_CODE_RANGE     "0x8004431a"
#define MOCK_CREATE_CODE_NOT_FOUND "0x80040217"
#define MOCK_CREATE_CODE_CUSTOMER  "0x80040278"
#define MOCK_CREATE_CODE_DUPLICATE "0x80040237"
#define MOCK_CREATE_CODE_NOT_IMPL  "0x80040216"
#define MOCK_CREATE_CODE_STATE_STATUS "0x80048408"

/* The first failure of a create; later ones are ignored. */
typedef struct {
  guint       status;
  const char *code;
  char       *message;
} MockCreateFail;

/* mock-create-plan.c: records the failure unless one is recorded already;
 * always returns FALSE. */
gboolean mock_create_fail (MockCreateFail *f, guint status, const char *code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

typedef struct {
  const MockNavigation *nav;
  const char           *logical_name;   /* of the bound table */
  char                 *id;             /* lower case */
} MockCreateBind;

typedef struct _MockCreatePlan MockCreatePlan;

typedef struct {
  const MockCollection *collection;
  MockCreatePlan       *plan;
} MockCreateChild;

struct _MockCreatePlan {
  const MockEntity *entity;
  gboolean          update;    /* a PATCH: columns valid for update, nothing required unless sent */
  JsonObject       *values;    /* column → value as sent (GUIDs in lower case) */
  GPtrArray        *binds;     /* MockCreateBind* */
  GPtrArray        *children;  /* MockCreateChild* */
};

/* mock-create.c: the endpoint's steps, shared with PATCH (mock-update.c). */
gboolean  mock_create_check_content_type (SoupServerMessage *msg);
/* The body as a JSON object, or NULL having answered 400. */
JsonNode *mock_create_read_body (SoupServerMessage *msg);
void      mock_create_respond_fail (SoupServerMessage *msg, MockCreateFail *f);
/* Step 3, for @plan and its children. */
gboolean  mock_create_plan_allowed (MockServer *self, SoupServerMessage *msg, MockCreatePlan *plan);
/* Steps 2–5 and the answer for @body; @key is the id of an upsert (PATCH to
 * a record that does not exist), NULL for POST. */
void      mock_create_insert (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                              const MockODataQuery *query, const MockPrefs *prefs, JsonNode *body,
                              const char *key);
/* 204 with OData-EntityId, or the record (201 when @created, else 200) with return=representation. */
void      mock_create_respond_written (MockServer *self, SoupServerMessage *msg, const MockEntity *entity,
                                       const MockODataQuery *query, const MockPrefs *prefs, const char *id,
                                       gboolean created);

/* mock-create-plan.c */
MockCreatePlan *mock_create_plan_new (const MockEntity *entity);
void            mock_create_plan_free (MockCreatePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockCreatePlan, mock_create_plan_free)
/* Adds a deep-inserted child of @collection to @plan; returns its (empty) plan. */
MockCreatePlan *mock_create_plan_add_child (MockCreatePlan *plan, const MockCollection *collection);
/* Writes the plan's values (empty text as null, as in Dataverse) and bound
 * lookups onto @record. */
void            mock_create_plan_write (MockCreatePlan *plan, JsonObject *record);
/* Inserts the checked @plan as @id, then its children, with the platform's defaults. */
void            mock_create_plan_commit (MockServer *self, MockCreatePlan *plan, const char *id,
                                         const char *now);

/* mock-create-payload.c: step 2, the body as the OData reader sees it. */
/* "StartObject", "StartArray" or "PrimitiveValue", as the reader names nodes. */
const char *mock_create_node_kind (JsonNode *node);
/* A value as quoted in errors: strings bare, anything else as JSON. */
char       *mock_create_literal (JsonNode *node);
/* Reads @body (a deep-inserted child when @child) into @plan. */
gboolean    mock_create_read_object (JsonObject *body, MockCreatePlan *plan, gboolean child,
                                     MockCreateFail *f);

/* mock-create-bind.c */
/* Reads "<nav>@odata.bind": "/<entityset>(<guid>)" into @plan's binds. */
gboolean mock_create_read_bind (const MockNavigation *nav, JsonNode *node, MockCreatePlan *plan,
                                MockCreateFail *f);
/* TRUE unless the scenario denies Append on @plan's table or AppendTo on a
 * bound table (then having answered 403). */
gboolean mock_create_binds_allowed (MockServer *self, SoupServerMessage *msg, MockCreatePlan *plan);
/* Every bound record must exist. */
gboolean mock_create_binds_resolve (MockServer *self, MockCreatePlan *plan, MockCreateFail *f);
/* TRUE when @plan binds the lookup column @column. */
gboolean mock_create_binds_column (MockCreatePlan *plan, const char *column);
/* Sets the bound lookup columns on @record. */
void     mock_create_binds_apply (MockCreatePlan *plan, JsonObject *record);

/* mock-create-validate.c: step 4, the platform's checks, children included. */
gboolean mock_create_validate (MockServer *self, MockCreatePlan *plan, MockCreateFail *f);
/* @status must be a status reason of @state (0x80048408 "5 is not a valid
 * status code for state code IncidentState.Active on incident with Id …");
 * @id may be NULL (a create). */
gboolean mock_create_check_state_pair (const MockEntity *entity, gint64 state, gint64 status, const char *id,
                                       MockCreateFail *f);

G_END_DECLS
