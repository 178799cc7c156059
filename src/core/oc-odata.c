/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-odata.h"

#include "oc-guid.h"

/* 'value' with every single quote doubled: inside an OData string literal
 * that is the only escape, and without it a quote ends the literal and the
 * rest of the value becomes filter syntax. */
static char *
quote_literal (const char *value)
{
  GString *out = g_string_new ("'");
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

char *
oc_odata_string_literal (const char *value)
{
  g_autofree char *literal = quote_literal (value);
  /* No reserved characters allowed: '&', '#', '+', '%' and spaces would
   * otherwise end the query parameter, start a fragment, or decode to
   * something else on the server. */
  return g_uri_escape_string (literal, NULL, FALSE);
}

char *
oc_odata_contact_lookup_path (const char *email)
{
  g_autofree char *literal = quote_literal (email);
  g_autofree char *filter = g_strdup_printf ("emailaddress1 eq %s and statecode eq 0", literal);
  g_autofree char *encoded = g_uri_escape_string (filter, NULL, FALSE);
  return g_strdup_printf ("contacts?$select=contactid,fullname&$filter=%s&$top=2", encoded);
}

char *
oc_odata_entity_path (const char *entity_set, const char *id, const char *rest)
{
  g_return_val_if_fail (entity_set != NULL, NULL);
  /* a GUID needs no escaping; anything else would change the path */
  g_return_val_if_fail (oc_guid_is_valid (id), NULL);
  return g_strdup_printf ("%s(%s)%s", entity_set, id, rest ? rest : "");
}
