/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-expand.c — $expand with nested $select, $count, /$count, and
 * HTTP/1.1 keep-alive across 204 answers. */
#include <string.h>

#include "mock-test-util.h"

#define CONV_ID "c0000000-0000-4000-8000-0000000000e1"
#define CASE_ID "ca5e0000-0000-4000-8000-0000000000e1"

static void
seed (Fixture *f)
{
  g_autoptr (Reply) conv = NULL, kase = NULL;
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GError) error = NULL;

  conv = fixture_api_post (f, CONV,
                           "{\"activityid\":\"" CONV_ID "\",\"subject\":\"s\","
                           "\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\","
                           "\"msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid\":"
                           "[{\"msdyn_name\":\"a\"},{\"msdyn_name\":\"b\"},{\"msdyn_name\":\"c\"}]}", NULL);
  g_assert_cmpuint (conv->status, ==, 204);
  kase = fixture_api_post (f, "incidents", "{\"incidentid\":\"" CASE_ID "\",\"title\":\"t\","
                                           "\"customerid_contact@odata.bind\":\"/contacts(" SEED_GRACE ")\"}", NULL);
  g_assert_cmpuint (kase->status, ==, 204);
  state = mock_server_set_state (f->server, "{\"entity\":\"" CONV "\",\"id\":\"" CONV_ID "\",\"statecode\":0,"
                                            "\"statuscode\":2,\"agent\":\"" SEED_REP2 "\"}", &error);
  g_assert_no_error (error);
}

static void
test_expand_single (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  seed (f);
  {
    g_autoptr (Reply) r = fixture_api_get_prefer (f, CONV "(" CONV_ID ")?$select=subject"
                                                  "&$expand=msdyn_activeagentid_msdyn_ocliveworkitem($select=fullname),"
                                                  "msdyn_cdsqueueid_msdyn_ocliveworkitem($select=name),"
                                                  "msdyn_customer_msdyn_ocliveworkitem_contact", PREFER_FV);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "msdyn_activeagentid_msdyn_ocliveworkitem.fullname"), ==, "Priya Raman");
    g_assert_cmpstr (reply_string (r, "msdyn_activeagentid_msdyn_ocliveworkitem.systemuserid"), ==, SEED_REP2);
    g_assert_nonnull (reply_string (r, "msdyn_activeagentid_msdyn_ocliveworkitem.@odata.etag"));
    g_assert_cmpstr (reply_string (r, "msdyn_cdsqueueid_msdyn_ocliveworkitem.name"), ==, "Tier 1 Chat");
    /* Only the nested $select (and the key) come back. */
    g_assert_cmpuint (json_object_get_size (json_node_get_object (json_object_get_member (
                        json_node_get_object (r->json), "msdyn_cdsqueueid_msdyn_ocliveworkitem"))), ==, 3);
    g_assert_true (json_object_get_null_member (json_node_get_object (r->json), "msdyn_customer_msdyn_ocliveworkitem_contact"));
    g_assert_true (strstr (reply_string (r, "@odata.context"),
                           "(subject,msdyn_activeagentid_msdyn_ocliveworkitem(fullname),") != NULL);
  }
  /* The customer of a case, in a collection query. */
  {
    g_autoptr (Reply) r = fixture_api_get (f, "incidents?$select=title&$filter=incidentid%20eq%20'" CASE_ID "'"
                                              "&$expand=customerid_contact($select=fullname,emailaddress1),customerid_account");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "value.0.customerid_contact.fullname"), ==, "Grace Hopper");
    g_assert_cmpstr (reply_string (r, "value.0.customerid_contact.emailaddress1"), ==, "shared@example.com");
    /* The mock holds no accounts: the account side of the customer expands to null. */
    g_assert_true (json_object_get_null_member (json_array_get_object_element (reply_array (r, "value"), 0),
                                                "customerid_account"));
  }
}

static void
test_expand_collection (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  seed (f);
  {
    g_autoptr (Reply) all = fixture_api_get (f, CONV "(" CONV_ID ")?$select=subject&$expand="
                                                "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid($select=msdyn_name)");
    g_autoptr (Reply) top = fixture_api_get (f, CONV "(" CONV_ID ")?$expand="
                                                "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid($select=msdyn_name;$top=2)");
    JsonArray *items;

    g_assert_cmpuint (all->status, ==, 200);
    items = reply_array (all, "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid");
    g_assert_cmpuint (json_array_get_length (items), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "msdyn_name"), ==, "a");
    g_assert_cmpuint (json_array_get_length (reply_array (top, "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid")),
                      ==, 2);
  }
  {
    g_autoptr (Reply) unserved = fixture_api_get (f, CONV "(" CONV_ID ")?$expand=msdyn_queueid_msdyn_ocliveworkitem");
    g_autoptr (Reply) twice = fixture_api_get (f, CONV "(" CONV_ID ")?$expand=ownerid_msdyn_ocliveworkitem,ownerid_msdyn_ocliveworkitem");
    g_autoptr (Reply) path = fixture_api_get (f, CONV "(" CONV_ID ")?$expand=ownerid_msdyn_ocliveworkitem/fullname");
    g_autoptr (Reply) created = fixture_api_post (f, CONV "?$select=subject&$expand=msdyn_liveworkstreamid_msdyn_ocliveworkitem($select=msdyn_name)",
                                                  "{\"subject\":\"x\",\"msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind\":\"/msdyn_liveworkstreams(" SEED_WORKSTREAM ")\"}",
                                                  REPRESENTATION);

    assert_dataverse_error (unserved, 501, "0x80040216", "$expand of 'msdyn_queueid_msdyn_ocliveworkitem'");
    assert_dataverse_error (twice, 400, "0x80060888", "expanded more than once");
    assert_dataverse_error (path, 400, "0x80060888", "is not valid in a $select or $expand expression");
    g_assert_cmpuint (created->status, ==, 201);
    g_assert_cmpstr (reply_string (created, "msdyn_liveworkstreamid_msdyn_ocliveworkitem.msdyn_name"), ==, "Live chat workstream");
  }
}

static void
test_count (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  fixture_get_token_unrouted (f);
  {
    g_autoptr (Reply) r = fixture_api_get_prefer (f, "contacts?$select=fullname&$count=true&$filter=statecode%20eq%200",
                                                  "odata.maxpagesize=2");
    g_autoptr (Reply) no = fixture_api_get (f, "contacts?$select=fullname&$count=false");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (reply_int (r, "@odata.count"), ==, 4);   /* every match, not the page */
    g_assert_cmpuint (json_array_get_length (reply_array (r, "value")), ==, 2);
    g_assert_nonnull (reply_string (r, "@odata.nextLink"));
    g_assert_false (json_object_has_member (json_node_get_object (no->json), "@odata.count"));
  }
  {
    g_autoptr (Reply) all = fixture_api_get (f, "contacts/$count");
    g_autoptr (Reply) some = fixture_api_get (f, "contacts/$count?$filter=emailaddress1%20eq%20'shared%40example.com'");
    g_autoptr (Reply) select = fixture_api_get (f, "contacts/$count?$select=fullname");
    g_autoptr (Reply) unknown = fixture_api_get (f, "nopes/$count");
    g_autoptr (Reply) post = fixture_api_post (f, "contacts/$count", "{}", NULL);

    g_assert_cmpuint (all->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (all->headers, NULL), ==, "text/plain");
    g_assert_cmpmem (g_bytes_get_data (all->body, NULL), g_bytes_get_size (all->body), "4", 1);
    g_assert_cmpmem (g_bytes_get_data (some->body, NULL), g_bytes_get_size (some->body), "2", 1);
    assert_dataverse_error (select, 400, "0x80060888", "$select");
    assert_dataverse_error (unknown, 404, "0x8006088a", "Resource not found for the segment 'nopes'.");
    assert_dataverse_error (post, 405, "0x80060888", "'POST'");
  }
}

/* Raw HTTP/1.1 on one connection: a create answered 204, then a GET. Every
 * response must say where it ends, so the connection can carry the next. */
static char *
read_response (GDataInputStream *in, guint *status, gsize *content_length, gboolean *close)
{
  g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  g_autoptr (GString) body = g_string_new (NULL);

  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "HTTP/1.1 "));
  *status = (guint) g_ascii_strtoull (line + 9, NULL, 10);
  *content_length = 0;
  *close = FALSE;
  for (;;)
    {
      g_autofree char *header = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      g_assert_nonnull (header);
      g_strchomp (header);
      if (*header == '\0')
        break;
      if (g_ascii_strncasecmp (header, "Content-Length:", 15) == 0)
        *content_length = g_ascii_strtoull (header + 15, NULL, 10);
      if (g_ascii_strncasecmp (header, "Connection:", 11) == 0 && strstr (header, "close"))
        *close = TRUE;
    }
  for (gsize i = 0; i < *content_length; i++)
    g_string_append_c (body, (char) g_data_input_stream_read_byte (in, NULL, NULL));
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* The server runs in this thread's main context: let it work until the
 * answer is there, then read it (blocking reads would starve it). */
static void
await_answer (GSocketConnection *conn)
{
  GSocket *socket = g_socket_connection_get_socket (conn);

  while (!(g_socket_condition_check (socket, G_IO_IN) & G_IO_IN))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_keep_alive (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (GError) error = NULL;
  static const char body[] = "{\"firstname\":\"Keep\",\"lastname\":\"Alive\"}";
  GOutputStream *out;

  fixture_get_token_unrouted (f);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) mock_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *post = g_strdup_printf ("POST /api/data/v9.2/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                               "Accept: application/json\r\nOData-Version: 4.0\r\nOData-MaxVersion: 4.0\r\n"
                                               "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                               f->token, strlen (body), body);
      g_autofree char *get = g_strdup_printf ("GET /api/data/v9.2/WhoAmI HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                              "Accept: application/json\r\nOData-Version: 4.0\r\nOData-MaxVersion: 4.0\r\n\r\n",
                                              f->token);
      g_autofree char *answer = NULL;
      guint status;
      gsize length;
      gboolean close;

      g_assert_true (g_output_stream_write_all (out, post, strlen (post), NULL, NULL, &error));
      g_assert_no_error (error);
      await_answer (conn);
      g_free (read_response (in, &status, &length, &close));
      g_assert_cmpuint (status, ==, 204);
      g_assert_cmpuint (length, ==, 0);
      g_assert_false (close);
      g_assert_true (g_output_stream_write_all (out, get, strlen (get), NULL, NULL, &error));
      await_answer (conn);
      answer = read_response (in, &status, &length, &close);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpuint (length, >, 0);
      g_assert_nonnull (strstr (answer, SEED_APP_USER));
    }
  g_assert_cmpuint (fixture_store_count (f, "contacts"), ==, 7);
}

void
mock_test_add_expand_tests (void)
{
  FIXTURE_ADD ("/mock/expand/single", test_expand_single);
  FIXTURE_ADD ("/mock/expand/collection", test_expand_collection);
  FIXTURE_ADD ("/mock/query/count", test_count);
  FIXTURE_ADD ("/mock/http/keep-alive", test_keep_alive);
}
