/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-util.c — small helpers shared by the mock Dynamics server. */
#include "mock-util.h"

#include <string.h>

gboolean
mock_guid_is_valid_len (const char *text, gsize len)
{
  static const guint dashes[] = { 8, 13, 18, 23 };
  guint d = 0;

  if (text == NULL || len != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (d < G_N_ELEMENTS (dashes) && i == dashes[d])
        {
          if (text[i] != '-')
            return FALSE;
          d++;
        }
      else if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

gboolean
mock_guid_is_valid (const char *text)
{
  return text != NULL && mock_guid_is_valid_len (text, strlen (text));
}

char *
mock_guid_new (void)
{
  return g_uuid_string_random ();
}

gboolean
mock_domain_is_valid (const char *text)
{
  g_auto (GStrv) labels = NULL;
  guint n;

  if (text == NULL || *text == '\0' || strlen (text) > 253)
    return FALSE;
  labels = g_strsplit (text, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < len; j++)
        if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-')
          return FALSE;
    }
  /* A top-level label is never all digits, which also keeps IP addresses out. */
  for (const char *p = labels[n - 1]; *p; p++)
    if (g_ascii_isalpha (*p))
      return TRUE;
  return FALSE;
}

char *
mock_now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
mock_address_is_loopback (GSocketAddress *address)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  return g_inet_address_get_is_loopback (inet);
}

void
mock_param_free (MockParam *param)
{
  if (param == NULL)
    return;
  g_free (param->name);
  /* Form values may be secrets: do not leave them in freed memory. */
  if (param->value)
    memset (param->value, 0, strlen (param->value));
  g_free (param->value);
  g_free (param);
}

static char *
decode_component (const char *text, gsize len, gboolean plus_is_space)
{
  g_autofree char *plus = g_strndup (text, len);

  for (char *p = plus; plus_is_space && *p; p++)
    if (*p == '+')
      *p = ' ';
  /* NULL on a malformed escape or an escaped NUL. */
  return g_uri_unescape_string (plus, NULL);
}

static GPtrArray *
parse_pairs (const char *text, gboolean plus_is_space, GError **error)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) mock_param_free);
  const char *p = text ? text : "";

  while (*p)
    {
      const char *end = strchr (p, '&');
      const char *eq;
      gsize len = end ? (gsize) (end - p) : strlen (p);
      MockParam *param;

      if (len > 0)
        {
          eq = memchr (p, '=', len);
          param = g_new0 (MockParam, 1);
          param->name = decode_component (p, eq ? (gsize) (eq - p) : len, plus_is_space);
          param->value = eq ? decode_component (eq + 1, len - (gsize) (eq - p) - 1, plus_is_space) : g_strdup ("");
          if (param->name == NULL || param->value == NULL)
            {
              mock_param_free (param);
              g_set_error (error, G_URI_ERROR, G_URI_ERROR_FAILED,
                           "Malformed percent-encoding in '%.*s'", (int) MIN (len, 64), p);
              return NULL;
            }
          g_ptr_array_add (params, param);
        }
      if (end == NULL)
        break;
      p = end + 1;
    }
  return g_steal_pointer (&params);
}

GPtrArray *
mock_urlencoded_parse (const char *text, GError **error)
{
  return parse_pairs (text, TRUE, error);
}

GPtrArray *
mock_query_parse (const char *text, GError **error)
{
  return parse_pairs (text, TRUE, error);
}

char *
mock_json_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

JsonNode *
mock_json_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty document");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}
