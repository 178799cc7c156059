/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-filter-eval.c — binding a parsed $filter to a table, and evaluating it on records. */
#include "mock-filter-private.h"

#include <string.h>

#include "mock-util.h"

const char *
mock_filter_op_kind (CmpOp op)
{
  static const char *const kinds[] = {
    [OP_EQ] = "Equal", [OP_NE] = "NotEqual", [OP_GT] = "GreaterThan",
    [OP_GE] = "GreaterThanOrEqual", [OP_LT] = "LessThan", [OP_LE] = "LessThanOrEqual",
  };

  return kinds[op];
}

/* Kinds of values that may be compared with each other. */
typedef enum { C_NULL, C_STRING, C_NUMBER, C_BOOL, C_GUID, C_DATETIME } Class;

static Class
column_class (MockColumnType type)
{
  switch (type)
    {
    case MOCK_COL_STRING: return C_STRING;
    case MOCK_COL_INT:
    case MOCK_COL_BIGINT:
    case MOCK_COL_DECIMAL: return C_NUMBER;
    case MOCK_COL_BOOL: return C_BOOL;
    case MOCK_COL_GUID:
    case MOCK_COL_LOOKUP: return C_GUID;
    case MOCK_COL_DATETIME: return C_DATETIME;
    default: return C_NULL;
    }
}

static Class
operand_class (const Operand *op)
{
  switch (op->kind)
    {
    case V_STRING: return C_STRING;
    case V_INT:
    case V_DECIMAL: return C_NUMBER;
    case V_BOOL: return C_BOOL;
    case V_GUID: return C_GUID;
    case V_DATETIME: return C_DATETIME;
    case V_PROPERTY: return column_class (op->column->type);
    case V_NULL:
    default: return C_NULL;
    }
}

static const char *
operand_edm (const Operand *op)
{
  switch (op->kind)
    {
    case V_STRING: return "Edm.String";
    case V_INT: return "Edm.Int32";
    case V_DECIMAL: return "Edm.Decimal";
    case V_BOOL: return "Edm.Boolean";
    case V_GUID: return "Edm.Guid";
    case V_DATETIME: return "Edm.DateTimeOffset";
    case V_PROPERTY: return mock_column_type_edm (op->column->type);
    case V_NULL:
    default: return "<null>";
    }
}

static gboolean
bind_operand (Operand *op, const MockEntity *entity, GError **error)
{
  if (op->kind != V_PROPERTY)
    return TRUE;
  if (strchr (op->text, '/') != NULL)
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                   "The mock server does not implement navigation paths in $filter ('%s').", op->text);
      return FALSE;
    }
  op->column = mock_entity_column (entity, op->text);
  if (op->column == NULL)
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                   "Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.",
                   op->text, entity->logical_name);
      return FALSE;
    }
  return TRUE;
}

static void
quoted_guid (const Operand *property, Operand *literal)
{
  if (property->kind == V_PROPERTY && column_class (property->column->type) == C_GUID &&
      literal->kind == V_STRING && mock_guid_is_valid (literal->text))
    literal->kind = V_GUID;
}

gboolean
mock_filter_bind (MockFilter *filter, const MockEntity *entity, GError **error)
{
  Class ca, cb;

  switch (filter->kind)
    {
    case NODE_AND:
    case NODE_OR:
      return mock_filter_bind (filter->left, entity, error) &&
             mock_filter_bind (filter->right, entity, error);
    case NODE_NOT:
      return mock_filter_bind (filter->left, entity, error);
    case NODE_FUNC:
      if (!bind_operand (&filter->a, entity, error) || !bind_operand (&filter->b, entity, error))
        return FALSE;
      if (operand_class (&filter->a) != C_STRING || operand_class (&filter->b) != C_STRING)
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "No function signature for the function with name '%s' matches the specified arguments. The function signatures considered are: %s(Edm.String Nullable=true, Edm.String Nullable=true).",
                       filter->function, filter->function);
          return FALSE;
        }
      return TRUE;
    case NODE_CMP:
    default:
      if (!bind_operand (&filter->a, entity, error) || !bind_operand (&filter->b, entity, error))
        return FALSE;
      /* Dataverse takes a lookup or id compared with a quoted GUID, the form of
       * Microsoft's own examples (_owninguser_value eq '<guid>'). */
      quoted_guid (&filter->a, &filter->b);
      quoted_guid (&filter->b, &filter->a);
      ca = operand_class (&filter->a);
      cb = operand_class (&filter->b);
      if (ca != C_NULL && cb != C_NULL && ca != cb)
        {
          g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                       "A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind '%s'.",
                       operand_edm (&filter->a), operand_edm (&filter->b), mock_filter_op_kind (filter->op));
          return FALSE;
        }
      return TRUE;
    }
}

/* A value ready for comparison; text is borrowed. */
typedef struct {
  Class       cls;
  const char *text;
  double      num;
  gint64      inum;
  gboolean    is_int;
  gboolean    b;
} Value;

static Value
resolve (const Operand *op, JsonObject *record)
{
  Value v = { C_NULL, NULL, 0, 0, FALSE, FALSE };
  JsonNode *node;

  if (op->kind != V_PROPERTY)
    {
      v.cls = operand_class (op);
      v.text = op->text;
      v.inum = op->i;
      v.is_int = op->kind == V_INT || op->kind == V_DATETIME;
      v.num = op->kind == V_INT ? (double) op->i : op->d;
      v.b = op->b;
      return v;
    }
  node = json_object_get_member (record, op->column->name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    return v;
  v.cls = column_class (op->column->type);
  switch (v.cls)
    {
    case C_STRING:
    case C_GUID:
      v.text = json_node_get_string (node);
      if (v.text == NULL)
        v.cls = C_NULL;
      break;
    case C_NUMBER:
      v.is_int = json_node_get_value_type (node) == G_TYPE_INT64;
      v.inum = json_node_get_int (node);
      v.num = json_node_get_double (node);
      break;
    case C_BOOL:
      v.b = json_node_get_boolean (node);
      break;
    case C_DATETIME:
      {
        g_autoptr (GDateTime) dt = NULL;

        if (json_node_get_string (node))
          dt = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
        if (dt == NULL)
          v.cls = C_NULL;
        else
          {
            v.is_int = TRUE;
            v.inum = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
          }
      }
      break;
    case C_NULL:
    default:
      break;
    }
  return v;
}

static int
compare (const Value *a, const Value *b)
{
  switch (a->cls)
    {
    case C_STRING:
      {
        g_autofree char *fa = g_utf8_casefold (a->text, -1);
        g_autofree char *fb = g_utf8_casefold (b->text, -1);

        return strcmp (fa, fb);
      }
    case C_GUID:
      return g_ascii_strcasecmp (a->text, b->text);
    case C_NUMBER:
    case C_DATETIME:
      if (a->is_int && b->is_int)
        return a->inum < b->inum ? -1 : a->inum > b->inum;
      return a->num < b->num ? -1 : a->num > b->num;
    case C_BOOL:
      return (int) a->b - (int) b->b;
    case C_NULL:
    default:
      return 0;
    }
}

static gboolean
eval_function (const MockFilter *f, JsonObject *record)
{
  Value a = resolve (&f->a, record), b = resolve (&f->b, record);
  g_autofree char *fa = NULL, *fb = NULL;

  if (a.cls == C_NULL || b.cls == C_NULL)
    return FALSE;
  fa = g_utf8_casefold (a.text, -1);
  fb = g_utf8_casefold (b.text, -1);
  if (strcmp (f->function, "contains") == 0)
    return strstr (fa, fb) != NULL;
  if (strcmp (f->function, "startswith") == 0)
    return g_str_has_prefix (fa, fb);
  return g_str_has_suffix (fa, fb);
}

gboolean
mock_filter_eval (const MockFilter *filter, JsonObject *record)
{
  Value a, b;
  int c;

  switch (filter->kind)
    {
    case NODE_AND:
      return mock_filter_eval (filter->left, record) && mock_filter_eval (filter->right, record);
    case NODE_OR:
      return mock_filter_eval (filter->left, record) || mock_filter_eval (filter->right, record);
    case NODE_NOT:
      return !mock_filter_eval (filter->left, record);
    case NODE_FUNC:
      return eval_function (filter, record);
    case NODE_CMP:
    default:
      break;
    }

  a = resolve (&filter->a, record);
  b = resolve (&filter->b, record);
  /* SQL semantics, as Dataverse: null equals only null and orders with nothing. */
  if (a.cls == C_NULL || b.cls == C_NULL)
    {
      gboolean both = a.cls == C_NULL && b.cls == C_NULL;

      return filter->op == OP_EQ ? both : filter->op == OP_NE ? !both : FALSE;
    }
  c = compare (&a, &b);
  switch (filter->op)
    {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    default: return FALSE;
    }
}
