/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-filter-private.h — the $filter syntax tree, shared by parser and evaluator. */
#pragma once

#include "mock-filter.h"

G_BEGIN_DECLS

typedef enum { V_NULL, V_STRING, V_INT, V_DECIMAL, V_BOOL, V_GUID, V_DATETIME, V_PROPERTY } ValueKind;

typedef struct {
  ValueKind         kind;
  char             *text;
  gint64            i;      /* ints, and datetimes as unix microseconds */
  double            d;
  gboolean          b;
  const MockColumn *column; /* properties, after bind */
} Operand;

typedef enum { NODE_AND, NODE_OR, NODE_NOT, NODE_CMP, NODE_FUNC } NodeKind;
typedef enum { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE } CmpOp;

struct _MockFilter {
  NodeKind    kind;
  CmpOp       op;
  char       *function;
  MockFilter *left, *right;
  Operand     a, b;
};

const char *mock_filter_op_kind (CmpOp op);

G_END_DECLS
