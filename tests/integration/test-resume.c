/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Restart with stored sessions whose records Dynamics closed long ago (out
 * of the first poll's window) or no longer has: after the walk they are
 * read by id, in one query, and end closed — the long-closed leave the list
 * at once, the deleted ones say so — instead of staying "Waiting" and
 * keeping the poll busy. Requests stay bounded. */
#include <string.h>

#include "harness.h"

#define MOCK_ANONYMOUS_CONTACT "c0a7ac70-0004-4000-8000-000000000004"

static const char *const sessions[][2] = {
  { "web-verified.json", "sess_8f2c" },
  { "web-anonymous.json", "sess_a41d" },
  { "whatsapp.json", "wa_77e0" },
};

/* Every case gets a freshly reset mock and its own signed-in account, with
 * the three sessions handed off. */
static void
set_up (HarnessFixture *f, gconstpointer data)
{
  static const HarnessOptions options = { .anonymous_contact_id = MOCK_ANONYMOUS_CONTACT };
  harness_fixture_set_up (f, &options);
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autofree char *path = harness_session_file (sessions[i][0]);
      harness_drop_in_inbox (path, sessions[i][0]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    harness_wait_buddy (f->account, sessions[i][1], "open", NULL);
}

/* GET requests to msdyn_ocliveworkitems (the collection, not one record)
 * whose raw query contains @needle (NULL: any). */
static guint
count_queries (const char *needle)
{
  g_autoptr(JsonNode) log = harness_mock_control ("GET", "/_mock/requests", NULL);
  JsonArray *requests = json_node_get_array (log);
  guint count = 0;
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      const char *query = json_object_get_string_member_with_default (request, "query", NULL);
      if (g_strcmp0 (json_object_get_string_member (request, "method"), "GET") == 0 &&
          g_str_has_suffix (json_object_get_string_member (request, "path"), "/msdyn_ocliveworkitems") &&
          (needle == NULL || (query && strstr (query, needle))))
        count++;
    }
  return count;
}

static gboolean
all_gone (gpointer data)
{
  HarnessFixture *f = data;
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    if (purple_find_buddy (f->account, sessions[i][1]) != NULL)
      return FALSE;
  return TRUE;
}

static void
restart (HarnessFixture *f)
{
  purple_account_disconnect (f->account);
  harness_run_for (50);
  harness_mock_clear_requests ();
  harness_connect (f->account);
  g_assert_true (harness_events.signed_on);
}

static void
test_closed_long_ago_resolve_and_leave (HarnessFixture *f, gconstpointer data)
{
  /* closed by reps in 2020, far outside the first poll's retention window */
  const char *ids[G_N_ELEMENTS (sessions)];   /* interned by the harness */
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      ids[i] = harness_record_id (sessions[i][1]);
      g_autofree char *body = g_strdup_printf (
          "{\"entity\":\"msdyn_ocliveworkitems\",\"id\":\"%s\",\"statecode\":1,\"statuscode\":4,"
          "\"reason\":192350008,\"modifiedon\":\"2020-01-01T00:00:00Z\"}", ids[i]);
      harness_mock_post ("/_mock/state", body);
    }

  restart (f);
  harness_run_until (all_gone, f, 30);

  /* one walk and one by-id query naming the three, nothing per record */
  g_assert_cmpuint (count_queries ("activityid%20eq%20"), ==, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autofree char *needle = g_strdup_printf ("activityid%%20eq%%20%s", ids[i]);
      g_assert_cmpuint (count_queries (needle), ==, 1);
    }
  guint walked = count_queries (NULL);
  g_assert_cmpuint (walked, <=, 3);

  /* nothing is tracked any more: the poll is off, not busy every 5 s */
  harness_run_for (6500);
  g_assert_cmpuint (count_queries (NULL), ==, walked);

  /* the next sign-in resolves them the same way, at the same cost */
  restart (f);
  harness_run_until (all_gone, f, 30);
  g_assert_cmpuint (count_queries ("activityid%20eq%20"), ==, 1);
}

static gboolean
all_deleted (gpointer data)
{
  HarnessFixture *f = data;
  for (gsize i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      const char *message = NULL;
      if (g_strcmp0 (harness_buddy_status (f->account, sessions[i][1], &message), "closed") != 0 ||
          g_strcmp0 (message, "Closed · Record deleted") != 0)
        return FALSE;
    }
  return TRUE;
}

static void
test_deleted_records_end_closed (HarnessFixture *f, gconstpointer data)
{
  /* Dynamics loses every record (deleted there) while the client is away */
  purple_account_disconnect (f->account);
  harness_run_for (50);
  harness_mock_post ("/_mock/reset", NULL);
  harness_connect (f->account);
  g_assert_true (harness_events.signed_on);

  harness_run_until (all_deleted, f, 30);
  g_assert_cmpuint (count_queries ("activityid%20eq%20"), ==, 1);
  /* nothing was created again: a handed-off session is done */
  g_assert_cmpuint (harness_mock_count ("POST", "/msdyn_ocliveworkitems"), ==, 0);
}

int
main (int argc, char **argv)
{
  harness_init (&argc, &argv);
  harness_mock_start (NULL);
#define ADD(path, test) g_test_add ((path), HarnessFixture, NULL, set_up, (test), harness_fixture_tear_down)
  ADD ("/resume/closed-long-ago-resolve-and-leave", test_closed_long_ago_resolve_and_leave);
  ADD ("/resume/deleted-records-end-closed", test_deleted_records_end_closed);
  return harness_run_tests ();
}
