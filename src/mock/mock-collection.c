/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-collection.c — GET <entityset> and GET <entityset>/$count.
 *
 * $select, $filter, $orderby, $top, $expand and $count=true, paged with
 * Prefer: odata.maxpagesize and a keyset cursor in $skiptoken (mock-order.c),
 * as Microsoft documents for Dataverse (query/page-results, query/count-rows):
 * $top is ignored with a page size, @odata.count counts every matching row
 * up to 5,000, and /$count answers that number as text/plain. */
#include "mock-private.h"

#include <string.h>

#include "mock-expand.h"
#include "mock-filter.h"
#include "mock-odata.h"
#include "mock-order.h"
#include "mock-response.h"
#include "mock-util.h"

/* Dataverse's cap on @odata.count and /$count. */
#define COUNT_LIMIT 5000

/* The next page: the same query with the cursor after @last in $skiptoken.
 * The cookie is Dataverse's shape; "last" holds the sort values (JSON). */
static char *
next_link (MockServer *self, SoupServerMessage *msg, const char *path, guint page, guint page_size,
           JsonNode *cursor)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto (GStrv) parts = g_strsplit (raw ? raw : "", "&", -1);
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  g_auto (GStrv) joined = NULL;
  g_autofree char *query = NULL;
  g_autofree char *values = mock_json_to_string (cursor);
  g_autofree char *escaped_values = g_uri_escape_string (values, NULL, FALSE);
  g_autofree char *cookie = g_strdup_printf ("<cookie pagenumber=\"%u\" pagesize=\"%u\" last=\"%s\" />",
                                             page + 1, page_size, escaped_values);
  g_autofree char *escaped = g_uri_escape_string (cookie, NULL, FALSE);

  for (guint i = 0; parts[i]; i++)
    if (*parts[i] && !g_str_has_prefix (parts[i], "$skiptoken=") && !g_str_has_prefix (parts[i], "%24skiptoken="))
      g_strv_builder_add (kept, parts[i]);
  joined = g_strv_builder_end (kept);
  query = g_strjoinv ("&", joined);
  return g_strdup_printf ("%s%s?%s%s$skiptoken=%s", self->url, path, query, *query ? "&" : "", escaped);
}

static gboolean
parse_skiptoken (const char *token, guint page_size, const MockOrder *order, guint *page,
                 JsonNode **cursor, GError **error)
{
  g_autoptr (GRegex) re = g_regex_new ("^<cookie pagenumber=\"([0-9]{1,9})\" pagesize=\"([0-9]{1,9})\" last=\"([^\"]*)\" />$",
                                       0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *number = NULL, *size = NULL, *last = NULL, *values = NULL;

  if (!g_regex_match (re, token, 0, &match))
    goto bad;
  number = g_match_info_fetch (match, 1);
  size = g_match_info_fetch (match, 2);
  last = g_match_info_fetch (match, 3);
  if ((guint) g_ascii_strtoull (size, NULL, 10) != page_size)
    {
      g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
                   "An @odata.nextLink must be requested with the same 'Prefer: odata.maxpagesize=%s' as the first page.",
                   size);
      return FALSE;
    }
  values = g_uri_unescape_string (last, NULL);
  *cursor = values ? mock_json_parse (values, strlen (values), NULL) : NULL;
  if (*cursor == NULL || !mock_order_cursor_valid (order, *cursor))
    {
      g_clear_pointer (cursor, json_node_unref);
      goto bad;
    }
  *page = (guint) g_ascii_strtoull (number, NULL, 10);
  return TRUE;

bad:
  g_set_error (error, MOCK_ODATA_ERROR, MOCK_ODATA_ERROR_BAD_REQUEST,
               "The skiptoken value '%s' is not valid for this query. Follow @odata.nextLink unchanged.", token);
  return FALSE;
}

void
mock_collection_handle (MockServer *self, SoupServerMessage *msg, const char *path,
                        const MockEntity *entity, const char *raw_query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (MockFilter) filter = NULL;
  g_autoptr (MockOrder) order = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (JsonObject) out = NULL;
  g_autoptr (JsonArray) value = NULL;
  g_autoptr (JsonNode) cursor = NULL;
  g_auto (MockPrefs) prefs = { 0 };
  g_autofree char *context = NULL;
  g_autofree char *applied = NULL;
  const char *method = soup_server_message_get_method (msg);
  guint page_size, page = 1, start = 0, end, total;

  if (strcmp (method, "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }

  query = mock_odata_query_parse (raw_query, &error);
  if (query && query->apply)
    {
      /* aggregation: its own rules and answer (mock-apply.c) */
      if (!mock_prefs_parse (&prefs, soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Prefer"),
                             &error))
        mock_dataverse_respond_odata_error (msg, error);
      else
        mock_apply_handle (self, msg, entity, query, &prefs);
      return;
    }
  if (query == NULL ||
      !mock_odata_query_check (query, MOCK_ODATA_SELECT | MOCK_ODATA_FILTER | MOCK_ODATA_TOP | MOCK_ODATA_SKIPTOKEN |
                               MOCK_ODATA_ORDERBY | MOCK_ODATA_EXPAND | MOCK_ODATA_COUNT, FALSE, &error) ||
      !mock_odata_select_validate (query, entity, &error) ||
      !mock_expand_bind (query, entity, &error) ||
      (query->filter && ((filter = mock_filter_parse (query->filter, &error)) == NULL ||
                         !mock_filter_bind (filter, entity, &error))) ||
      (order = mock_order_parse (query->orderby, entity, &error)) == NULL ||
      !mock_prefs_parse (&prefs, soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Prefer"),
                         &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  page_size = prefs.maxpagesize ? prefs.maxpagesize : MOCK_MAX_PAGE_SIZE;
  if (query->skiptoken && !parse_skiptoken (query->skiptoken, page_size, order, &page, &cursor, &error))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (mock_dataverse_denied (self, msg, "GET", entity, "RetrieveMultiple"))
    return;

  /* Keyset paging: sort, then start after the cursor's sort values. $top is
   * ignored when a page size is preferred, as Dataverse documents. */
  rows = mock_store_query (self->store, entity, filter, -1);
  total = MIN (rows->len, COUNT_LIMIT);
  mock_order_sort (order, rows);
  if (query->top >= 0 && prefs.maxpagesize == 0 && (guint64) query->top < rows->len)
    g_ptr_array_set_size (rows, (guint) query->top);
  if (cursor)
    start = mock_order_seek (order, rows, cursor);
  end = MIN (rows->len, start + page_size);
  value = json_array_new ();
  for (guint i = start; i < end; i++)
    {
      JsonObject *row = json_object_new ();

      mock_format_record (self->store, entity, g_ptr_array_index (rows, i), (const char *const *) query->select,
                          &prefs, row);
      mock_expand_apply (query->expansion, self->store, entity, g_ptr_array_index (rows, i), &prefs, row);
      json_array_add_object_element (value, row);
    }
  context = mock_dataverse_context_url (self, entity, query, FALSE);
  out = json_object_new ();
  json_object_set_string_member (out, "@odata.context", context);
  if (query->count)
    json_object_set_int_member (out, "@odata.count", total);
  json_object_set_array_member (out, "value", g_steal_pointer (&value));
  if (end < rows->len)
    {
      g_autoptr (JsonNode) last = mock_order_cursor (order, g_ptr_array_index (rows, end - 1));
      g_autofree char *link = next_link (self, msg, path, page, page_size, last);

      json_object_set_string_member (out, "@odata.nextLink", link);
    }
  applied = mock_prefs_applied (&prefs, FALSE, TRUE);
  if (applied)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Preference-Applied", applied);
  mock_respond_odata_object (msg, SOUP_STATUS_OK, out);
}


void
mock_collection_count (MockServer *self, SoupServerMessage *msg, const MockEntity *entity, const char *raw_query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MockODataQuery) query = NULL;
  g_autoptr (MockFilter) filter = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *text = NULL;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      mock_dataverse_respond_method_not_allowed (msg);
      return;
    }
  query = mock_odata_query_parse (raw_query, &error);
  if (query == NULL || !mock_odata_query_check (query, MOCK_ODATA_FILTER, FALSE, &error) ||
      (query->filter && ((filter = mock_filter_parse (query->filter, &error)) == NULL ||
                         !mock_filter_bind (filter, entity, &error))))
    {
      mock_dataverse_respond_odata_error (msg, error);
      return;
    }
  if (mock_dataverse_denied (self, msg, "GET", entity, "RetrieveMultiple"))
    return;
  rows = mock_store_query (self->store, entity, filter, -1);
  text = g_strdup_printf ("%u", MIN (rows->len, COUNT_LIMIT));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "OData-Version", "4.0");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}
