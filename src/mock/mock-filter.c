/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-filter.c — OData $filter expressions: lexer and parser.
 *
 * The whole text is tokenised before parsing, as Microsoft.OData.Core does:
 * that is why Dataverse reports 'O'Bryan' as "an unterminated literal at
 * position 21" rather than as a syntax error after 'O', and clients that
 * forget to double quotes must see the same message here. Binding and
 * evaluation are in mock-filter-eval.c. */
#include "mock-filter-private.h"

#include <string.h>

#include "mock-util.h"

typedef enum {
  TOK_END, TOK_IDENT, TOK_STRING, TOK_INT, TOK_DECIMAL, TOK_GUID, TOK_DATETIME,
  TOK_LPAREN, TOK_RPAREN, TOK_COMMA,
} TokKind;

typedef struct {
  TokKind kind;
  guint   pos;     /* character offset, as ODL reports positions */
  char   *text;    /* identifier, unescaped string, GUID or date text */
  gint64  i;
  double  d;
} Token;

static const struct { const char *word; CmpOp op; } cmp_ops[] = {
  { "eq", OP_EQ }, { "ne", OP_NE }, { "gt", OP_GT }, { "ge", OP_GE }, { "lt", OP_LT }, { "le", OP_LE },
};

static const char *const string_functions[] = { "contains", "startswith", "endswith" };

typedef struct {
  const char *text;
  GArray     *tokens;
  guint       at;
} Parser;

static void
token_clear (Token *t)
{
  g_free (t->text);
}

static guint
char_pos (const char *text, const char *p)
{
  return (guint) g_utf8_pointer_to_offset (text, p);
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '/';
}

static gboolean
lex_datetime (const char *p, Token *t, gsize *len)
{
  gsize n = 0;
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  if (p[4] != '-')
    return FALSE;
  while (p[n] && (g_ascii_isdigit (p[n]) || strchr ("-:T.Z+", p[n]) != NULL))
    n++;
  text = g_strndup (p, n);
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL || strchr (text, 'T') == NULL)
    return FALSE;
  t->kind = TOK_DATETIME;
  t->text = g_steal_pointer (&text);
  t->i = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  *len = n;
  return TRUE;
}

static gboolean
lex_number (const char *text, const char *p, Token *t, gsize *len, GError **error)
{
  const char *q = p;
  g_autofree char *num = NULL;

  if (*q == '-')
    q++;
  while (g_ascii_isdigit (*q))
    q++;
  t->kind = TOK_INT;
  if (*q == '.' && g_ascii_isdigit (q[1]))
    {
      t->kind = TOK_DECIMAL;
      q++;
      while (g_ascii_isdigit (*q))
        q++;
    }
  num = g_strndup (p, (gsize) (q - p));
  /* Edm type suffixes: 10L, 1.5M, 2.0D. */
  if (*q == 'L' || *q == 'M' || *q == 'm' || *q == 'D' || *q == 'd')
    q++;
  if (is_ident_char (*q))
    {
      mock_odata_set_error (error, "Syntax error at position %u in '%s'.", char_pos (text, q), text);
      return FALSE;
    }
  if (t->kind == TOK_INT && !g_ascii_string_to_signed (num, 10, G_MININT64, G_MAXINT64, &t->i, NULL))
    {
      mock_odata_set_error (error, "Syntax error at position %u in '%s'.", char_pos (text, p), text);
      return FALSE;
    }
  t->d = g_ascii_strtod (num, NULL);
  *len = (gsize) (q - p);
  return TRUE;
}

static GArray *
tokenize (const char *text, GError **error)
{
  g_autoptr (GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  const char *p = text;

  g_array_set_clear_func (tokens, (GDestroyNotify) token_clear);
  for (;;)
    {
      Token t = { 0 };
      gsize len = 1;

      while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
      t.pos = char_pos (text, p);
      if (*p == '\0')
        {
          t.kind = TOK_END;
          g_array_append_val (tokens, t);
          return g_steal_pointer (&tokens);
        }
      if (*p == '(' || *p == ')' || *p == ',')
        t.kind = *p == '(' ? TOK_LPAREN : *p == ')' ? TOK_RPAREN : TOK_COMMA;
      else if (*p == '\'')
        {
          GString *s = g_string_new (NULL);
          const char *q = p + 1;

          for (;;)
            {
              if (*q == '\0')
                {
                  g_string_free (s, TRUE);
                  mock_odata_set_error (error, "There is an unterminated literal at position %u in '%s'.",
                             char_pos (text, q), text);
                  return NULL;
                }
              if (*q == '\'' && q[1] == '\'')
                {
                  g_string_append_c (s, '\'');
                  q += 2;
                }
              else if (*q == '\'')
                break;
              else
                g_string_append_c (s, *q++);
            }
          t.kind = TOK_STRING;
          t.text = g_string_free (s, FALSE);
          len = (gsize) (q + 1 - p);
        }
      else if (strlen (p) >= 36 && mock_guid_is_valid_len (p, 36) && !is_ident_char (p[36]))
        {
          t.kind = TOK_GUID;
          t.text = g_strndup (p, 36);
          len = 36;
        }
      else if (lex_datetime (p, &t, &len))
        ;
      else if (g_ascii_isdigit (*p) || (*p == '-' && g_ascii_isdigit (p[1])))
        {
          if (!lex_number (text, p, &t, &len, error))
            return NULL;
        }
      else if (g_ascii_isalpha (*p) || *p == '_')
        {
          len = 0;
          while (is_ident_char (p[len]))
            len++;
          t.kind = TOK_IDENT;
          t.text = g_strndup (p, len);
        }
      else
        {
          int clen = g_utf8_skip[*(const guchar *) p];

          mock_odata_set_error (error, "Syntax error: character '%.*s' is not valid at position %u in '%s'.",
                     clen, p, t.pos, text);
          return NULL;
        }
      g_array_append_val (tokens, t);
      p += len;
    }
}

static Token *
peek (Parser *ps)
{
  return &g_array_index (ps->tokens, Token, ps->at);
}

static Token *
next (Parser *ps)
{
  Token *t = peek (ps);

  if (t->kind != TOK_END)
    ps->at++;
  return t;
}

static gboolean
is_word (const Token *t, const char *word)
{
  return t->kind == TOK_IDENT && strcmp (t->text, word) == 0;
}

static MockFilter *parse_or (Parser *ps, GError **error);

static gboolean
parse_operand (Parser *ps, Operand *op, GError **error)
{
  Token *t = next (ps);

  switch (t->kind)
    {
    case TOK_STRING: op->kind = V_STRING; op->text = g_strdup (t->text); return TRUE;
    case TOK_INT: op->kind = V_INT; op->i = t->i; op->d = (double) t->i; return TRUE;
    case TOK_DECIMAL: op->kind = V_DECIMAL; op->d = t->d; return TRUE;
    case TOK_GUID: op->kind = V_GUID; op->text = g_strdup (t->text); return TRUE;
    case TOK_DATETIME: op->kind = V_DATETIME; op->i = t->i; op->text = g_strdup (t->text); return TRUE;
    case TOK_IDENT:
      if (strcmp (t->text, "null") == 0)
        op->kind = V_NULL;
      else if (strcmp (t->text, "true") == 0 || strcmp (t->text, "false") == 0)
        {
          op->kind = V_BOOL;
          op->b = t->text[0] == 't';
        }
      else
        {
          op->kind = V_PROPERTY;
          op->text = g_strdup (t->text);
        }
      return TRUE;
    default:
      mock_odata_set_error (error, "Expression expected at position %u in '%s'.", t->pos, ps->text);
      return FALSE;
    }
}

static MockFilter *
parse_function (Parser *ps, const Token *name, GError **error)
{
  g_autoptr (MockFilter) node = g_new0 (MockFilter, 1);
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (string_functions); i++)
    known |= strcmp (name->text, string_functions[i]) == 0;
  if (!known)
    {
      if (g_str_has_prefix (name->text, "Microsoft.Dynamics.CRM."))
        g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_NOT_IMPLEMENTED,
                     "The mock server does not implement the function '%s'.", name->text);
      else
        mock_odata_set_error (error, "An unknown function with name '%s' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.",
                   name->text);
      return NULL;
    }
  node->kind = NODE_FUNC;
  node->function = g_strdup (name->text);
  next (ps); /* ( */
  if (!parse_operand (ps, &node->a, error))
    return NULL;
  if (next (ps)->kind != TOK_COMMA)
    {
      mock_odata_set_error (error, "')' or ',' expected at position %u in '%s'.", peek (ps)->pos, ps->text);
      return NULL;
    }
  if (!parse_operand (ps, &node->b, error))
    return NULL;
  if (peek (ps)->kind != TOK_RPAREN)
    {
      mock_odata_set_error (error, "')' or ',' expected at position %u in '%s'.", peek (ps)->pos, ps->text);
      return NULL;
    }
  next (ps);
  return g_steal_pointer (&node);
}

static MockFilter *
parse_unary (Parser *ps, GError **error)
{
  Token *t = peek (ps);
  g_autoptr (MockFilter) node = NULL;

  if (is_word (t, "not"))
    {
      next (ps);
      node = g_new0 (MockFilter, 1);
      node->kind = NODE_NOT;
      node->left = parse_unary (ps, error);
      return node->left ? g_steal_pointer (&node) : NULL;
    }
  if (t->kind == TOK_LPAREN)
    {
      next (ps);
      node = parse_or (ps, error);
      if (node == NULL)
        return NULL;
      if (peek (ps)->kind != TOK_RPAREN)
        {
          mock_odata_set_error (error, "')' or operator expected at position %u in '%s'.", peek (ps)->pos, ps->text);
          return NULL;
        }
      next (ps);
      return g_steal_pointer (&node);
    }
  if (t->kind == TOK_IDENT && ps->at + 1 < ps->tokens->len &&
      g_array_index (ps->tokens, Token, ps->at + 1).kind == TOK_LPAREN)
    {
      next (ps);
      return parse_function (ps, t, error);
    }

  node = g_new0 (MockFilter, 1);
  node->kind = NODE_CMP;
  if (!parse_operand (ps, &node->a, error))
    return NULL;
  t = peek (ps);
  for (guint i = 0; t->kind == TOK_IDENT && i < G_N_ELEMENTS (cmp_ops); i++)
    if (strcmp (t->text, cmp_ops[i].word) == 0)
      {
        node->op = cmp_ops[i].op;
        next (ps);
        if (!parse_operand (ps, &node->b, error))
          return NULL;
        return g_steal_pointer (&node);
      }
  /* A bare operand would need to be a Boolean property; Dataverse clients
   * always compare explicitly, so treat it as the syntax error ODL gives for
   * a missing operator. */
  mock_odata_set_error (error, "Syntax error at position %u in '%s'.", t->pos, ps->text);
  return NULL;
}

static MockFilter *
parse_binary (Parser *ps, const char *word, NodeKind kind,
              MockFilter *(*operand) (Parser *, GError **), GError **error)
{
  g_autoptr (MockFilter) left = operand (ps, error);

  while (left && is_word (peek (ps), word))
    {
      MockFilter *node = g_new0 (MockFilter, 1);

      next (ps);
      node->kind = kind;
      node->left = g_steal_pointer (&left);
      node->right = operand (ps, error);
      left = node;
      if (node->right == NULL)
        return NULL;
    }
  return g_steal_pointer (&left);
}

static MockFilter *
parse_and (Parser *ps, GError **error)
{
  return parse_binary (ps, "and", NODE_AND, parse_unary, error);
}

static MockFilter *
parse_or (Parser *ps, GError **error)
{
  return parse_binary (ps, "or", NODE_OR, parse_and, error);
}

MockFilter *
mock_filter_parse (const char *text, GError **error)
{
  g_autoptr (GArray) tokens = tokenize (text, error);
  g_autoptr (MockFilter) root = NULL;
  Parser ps = { text, NULL, 0 };

  if (tokens == NULL)
    return NULL;
  ps.tokens = tokens;
  if (peek (&ps)->kind == TOK_END)
    {
      mock_odata_set_error (error, "Expression expected at position 0 in '%s'.", text);
      return NULL;
    }
  root = parse_or (&ps, error);
  if (root == NULL)
    return NULL;
  if (peek (&ps)->kind != TOK_END)
    {
      mock_odata_set_error (error, "Syntax error at position %u in '%s'.", peek (&ps)->pos, text);
      return NULL;
    }
  return g_steal_pointer (&root);
}

static void
operand_clear (Operand *op)
{
  g_free (op->text);
}

void
mock_filter_free (MockFilter *filter)
{
  if (filter == NULL)
    return;
  mock_filter_free (filter->left);
  mock_filter_free (filter->right);
  operand_clear (&filter->a);
  operand_clear (&filter->b);
  g_free (filter->function);
  g_free (filter);
}
