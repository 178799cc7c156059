/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outcome events: the one builder's lines, the outbox file (seq across
 * restarts, a torn last line, rotation), the announced lines being the
 * file's, and the README's example consumer across restarts. */
#include <glib/gstdio.h>
#include <string.h>

#include "oc-codes.h"
#include "oc-handoff-private.h"
#include "oc-outbox.h"
#include "oc-outbox-event.h"
#include "oc-test-fs.h"

#define ENV "https://contoso.crm.dynamics.com"

static OcHandoff *
conversation (const char *id)
{
  g_autoptr(OcSession) session = oc_session_new (id, "web");
  return oc_handoff_new (session, ENV);
}

static void
set_state (OcHandoff *handoff, int statecode, int statuscode, const char *agent, const char *reason, gint64 modified)
{
  OcLiveState live = { .statecode = statecode, .statuscode = statuscode, .agent_name = (char *) agent,
                       .queue_name = (char *) "Tier 1 Chat", .reason = (char *) reason,
                       .created_on = 1000, .modified_on = modified };
  oc_handoff_set_live (handoff, &live);
}

static void
on_appended (OcOutbox *outbox, OcHandoff *handoff, const char *line, gpointer data)
{
  g_ptr_array_add (data, g_strdup (line));
}

/* Every line of the outbox's files, rotated ones first (in increasing N). */
static GPtrArray *
read_lines (const char *dir, guint *files)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  guint n = 1;
  for (;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s/" OC_OUTBOX_FILE ".%u", dir, n);
      if (!g_file_test (name, G_FILE_TEST_EXISTS))
        break;
    }
  if (files)
    *files = n;   /* the rotated ones and the current one */
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = i < n ? g_strdup_printf ("%s/" OC_OUTBOX_FILE ".%u", dir, i)
                                    : g_strdup_printf ("%s/" OC_OUTBOX_FILE, dir);
      g_autofree char *contents = NULL;
      if (!g_file_get_contents (name, &contents, NULL, NULL))
        continue;
      g_auto(GStrv) split = g_strsplit (contents, "\n", -1);
      for (char **line = split; *line; line++)
        if (**line)
          g_ptr_array_add (lines, g_strdup (*line));
    }
  return lines;
}

static gint64
seq_of (const char *line)
{
  g_autoptr(JsonNode) node = json_from_string (line, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return -1;
  return json_object_get_int_member_with_default (json_node_get_object (node), "seq", -1);
}

static void
test_event (void)
{
  g_autoptr(OcSession) session = oc_session_parse ("{\"id\":\"s1\",\"channel\":\"phone\"}", -1, NULL);
  g_assert_nonnull (session);
  g_autoptr(OcHandoff) handoff = oc_handoff_new (session, ENV);
  gint64 at = 1796198400;   /* 2026-12-02T08:00:00Z */

  g_autoptr(OcOutboxEvent) first = oc_outbox_event_new (handoff, at * G_USEC_PER_SEC);
  g_autofree char *line = oc_outbox_event_to_line (first, 7);
  g_autoptr(JsonNode) node = json_from_string (line, NULL);
  JsonObject *event = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (event), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (event, "session_id"), ==, "s1");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "case");
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "handing-off");
  g_assert_cmpstr (json_object_get_string_member (event, "record_id"), ==, oc_handoff_get_record_id (handoff));
  g_assert_cmpstr (json_object_get_string_member (event, "at"), ==, "2026-12-02T08:00:00Z");
  g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, 7);
  const char *nulls[] = { "ticket_number", "rep", "queue", "reason" };
  for (gsize i = 0; i < G_N_ELEMENTS (nulls); i++)
    g_assert_true (json_object_get_null_member (event, nulls[i]));

  /* a state with a server time: "at" is the row's modifiedon, not now */
  oc_handoff_set_created (handoff, "CAS-01001");
  OcLiveState live = { .statecode = 0, .statuscode = 1, .created_on = at - 60, .modified_on = at - 30 };
  oc_handoff_set_live (handoff, &live);
  g_autoptr(OcOutboxEvent) second = oc_outbox_event_new (handoff, at * G_USEC_PER_SEC);
  g_autofree char *line2 = oc_outbox_event_to_line (second, 8);
  g_autoptr(JsonNode) node2 = json_from_string (line2, NULL);
  JsonObject *event2 = json_node_get_object (node2);
  g_assert_cmpstr (json_object_get_string_member (event2, "ticket_number"), ==, "CAS-01001");
  g_assert_cmpstr (json_object_get_string_member (event2, "status"), ==, "case-open");
  g_assert_cmpstr (json_object_get_string_member (event2, "at"), ==, "2026-12-02T07:59:30Z");
  g_autofree char *key1 = oc_outbox_event_key (first);
  g_autofree char *key2 = oc_outbox_event_key (second);
  g_assert_cmpstr (key1, !=, key2);
  /* a name with a newline stays on one line */
  g_free (second->rep);
  second->rep = g_strdup ("Alex\n\"Smith\"");
  g_autofree char *line3 = oc_outbox_event_to_line (second, 9);
  g_assert_null (strchr (line3, '\n'));
}

/* Appends, flushes, and returns the lines announced. */
static GPtrArray *
push_states (OcOutbox *outbox, OcHandoff *handoff, guint n, gint64 base)
{
  GPtrArray *announced = g_ptr_array_new_with_free_func (g_free);
  gulong id = g_signal_connect (outbox, "appended", G_CALLBACK (on_appended), announced);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *agent = g_strdup_printf ("Rep %u", i);
      set_state (handoff, 0, i % 2 ? OC_CONVERSATION_STATUS_ACTIVE : OC_CONVERSATION_STATUS_WAITING, agent,
                 "InConversation", base + i);
      oc_outbox_push (outbox, handoff);
      oc_outbox_push (outbox, handoff);   /* unchanged: no second line */
    }
  oc_outbox_flush (outbox);
  g_signal_handler_disconnect (outbox, id);
  return announced;
}

static void
test_append_and_restart (void)
{
  g_autofree char *root = g_dir_make_tmp ("oc-outbox-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "outbox", NULL);
  g_autoptr(OcHandoff) handoff = conversation ("chat");
  oc_handoff_set_created (handoff, NULL);

  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
    g_assert_nonnull (outbox);
    g_assert_cmpuint (oc_outbox_get_last_seq (outbox), ==, 0);
    g_autoptr(GPtrArray) announced = push_states (outbox, handoff, 3, 2000);
    g_assert_cmpuint (announced->len, ==, 3);
    g_assert_cmpuint (oc_outbox_get_last_seq (outbox), ==, 3);
    /* the announced lines are the file's, byte for byte */
    g_autoptr(GPtrArray) lines = read_lines (dir, NULL);
    g_assert_cmpuint (lines->len, ==, 3);
    for (guint i = 0; i < lines->len; i++)
      {
        g_assert_cmpstr (lines->pdata[i], ==, announced->pdata[i]);
        g_assert_cmpint (seq_of (lines->pdata[i]), ==, i + 1);
      }
  }

  /* a restart: the seq goes on, and the state already written is not written again */
  g_autoptr(OcHandoff) again = conversation ("chat");
  oc_handoff_set_created (again, NULL);
  {
    /* resumed, Dynamics not asked yet: its placeholder state is no outcome */
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
    g_autoptr(GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
    g_signal_connect (outbox, "appended", G_CALLBACK (on_appended), announced);
    oc_outbox_push (outbox, again);
    oc_outbox_flush (outbox);
    g_assert_cmpuint (announced->len, ==, 0);
    g_autofree char *last = oc_outbox_dup_last_line (outbox, "chat");
    g_assert_cmpint (seq_of (last), ==, 3);
  }
  set_state (again, 0, OC_CONVERSATION_STATUS_WAITING, "Rep 2", "InConversation", 2002);
  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
    g_autoptr(GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
    g_signal_connect (outbox, "appended", G_CALLBACK (on_appended), announced);
    oc_outbox_push (outbox, again);
    oc_outbox_flush (outbox);
    g_assert_cmpuint (announced->len, ==, 0);
    g_assert_cmpuint (oc_outbox_get_last_seq (outbox), ==, 3);

    set_state (again, 1, OC_CONVERSATION_STATUS_CLOSED, "Rep 2", "ConversationEndedByAgent", 2010);
    oc_outbox_push (outbox, again);
    oc_outbox_flush (outbox);
    g_assert_cmpuint (announced->len, ==, 1);
    g_assert_cmpint (seq_of (announced->pdata[0]), ==, 4);
  }
  g_autoptr(GPtrArray) lines = read_lines (dir, NULL);
  g_assert_cmpuint (lines->len, ==, 4);
  oc_test_remove_tree (root);
}

/* Just created, before any row: "open" is news (the bot hears its record exists). */
static void
test_placeholder_after_create (void)
{
  g_autofree char *root = g_dir_make_tmp ("oc-outbox-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "outbox", NULL);
  g_autoptr(OcHandoff) handoff = conversation ("fresh");
  g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
  g_autoptr(GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (outbox, "appended", G_CALLBACK (on_appended), announced);
  oc_outbox_push (outbox, handoff);
  oc_handoff_set_created (handoff, NULL);
  oc_outbox_push (outbox, handoff);
  oc_outbox_flush (outbox);
  g_assert_cmpuint (announced->len, ==, 2);
  g_assert_nonnull (strstr (announced->pdata[0], "\"status\":\"handing-off\""));
  g_assert_nonnull (strstr (announced->pdata[1], "\"status\":\"open\""));
  g_clear_object (&outbox);
  oc_test_remove_tree (root);
}

static void
test_torn_line (void)
{
  g_autofree char *root = g_dir_make_tmp ("oc-outbox-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "outbox", NULL);
  g_autoptr(OcHandoff) handoff = conversation ("chat");
  oc_handoff_set_created (handoff, NULL);
  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
    g_autoptr(GPtrArray) announced = push_states (outbox, handoff, 2, 3000);
    g_assert_cmpuint (announced->len, ==, 2);
  }
  /* a crash in the middle of a line: a big seq that was never complete */
  g_autofree char *path = g_build_filename (dir, OC_OUTBOX_FILE, NULL);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_autofree char *torn = g_strconcat (contents, "{\"session_id\":\"chat\",\"seq\":99", NULL);
  g_assert_true (g_file_set_contents (path, torn, -1, NULL));

  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 0, NULL);
    oc_outbox_flush (outbox);
    g_assert_cmpuint (oc_outbox_get_last_seq (outbox), ==, 2);
    g_autoptr(GPtrArray) announced = push_states (outbox, handoff, 4, 3100);
    g_assert_cmpuint (announced->len, ==, 4);
    g_assert_cmpint (seq_of (announced->pdata[0]), ==, 3);
  }
  g_autoptr(GPtrArray) lines = read_lines (dir, NULL);
  g_assert_cmpuint (lines->len, ==, 7);
  /* the torn line is kept as it was, ended; no other line was touched */
  g_assert_true (g_str_has_prefix (lines->pdata[2], "{\"session_id\":\"chat\",\"seq\":99"));
  g_assert_cmpint (seq_of (lines->pdata[2]), ==, -1);
  gint64 previous = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      gint64 seq = seq_of (lines->pdata[i]);
      if (i == 2)
        continue;
      g_assert_cmpint (seq, >, previous);
      previous = seq;
    }
  oc_test_remove_tree (root);
}

static void
test_rotation (void)
{
  g_autofree char *root = g_dir_make_tmp ("oc-outbox-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "outbox", NULL);
  const goffset max = 700;   /* three or four lines a file */
  g_autoptr(OcHandoff) handoff = conversation ("chat");
  oc_handoff_set_created (handoff, NULL);
  guint total = 0;
  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, max, NULL);
    g_autoptr(GPtrArray) announced = push_states (outbox, handoff, 12, 4000);
    total += announced->len;
  }
  guint files = 0;
  g_autoptr(GPtrArray) lines = read_lines (dir, &files);
  g_assert_cmpuint (files, >=, 3);
  g_assert_cmpuint (lines->len, ==, total);
  for (guint i = 0; i < lines->len; i++)
    g_assert_cmpint (seq_of (lines->pdata[i]), ==, i + 1);
  for (guint i = 1; i < files; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/" OC_OUTBOX_FILE ".%u", dir, i);
      GStatBuf st;
      g_assert_cmpint (g_stat (name, &st), ==, 0);
      g_assert_cmpint (st.st_size, <=, max);
    }

  /* just rotated (the current file empty): the seq and the states come from the newest rotated file */
  g_autofree char *current = g_build_filename (dir, OC_OUTBOX_FILE, NULL);
  g_autofree char *next = g_strdup_printf ("%s/" OC_OUTBOX_FILE ".%u", dir, files);
  g_assert_cmpint (g_rename (current, next), ==, 0);
  {
    g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, max, NULL);
    oc_outbox_flush (outbox);
    g_assert_cmpuint (oc_outbox_get_last_seq (outbox), ==, total);
    g_autoptr(GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
    g_signal_connect (outbox, "appended", G_CALLBACK (on_appended), announced);
    oc_outbox_push (outbox, handoff);   /* the last state written: nothing new */
    oc_outbox_flush (outbox);
    g_assert_cmpuint (announced->len, ==, 0);
  }
  oc_test_remove_tree (root);
}

/* The README's consumer: every event exactly once across restarts of
 * either side, rotated files included. */
static void
test_consumer (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_assert_nonnull (srcdir);
  g_autofree char *script = g_build_filename (srcdir, "..", "..", "docs", "examples", "outbox-consumer.py", NULL);
  g_autofree char *readme = g_build_filename (srcdir, "..", "..", "README.md", NULL);
  g_autofree char *script_text = NULL, *readme_text = NULL;
  g_assert_true (g_file_get_contents (script, &script_text, NULL, NULL));
  g_assert_true (g_file_get_contents (readme, &readme_text, NULL, NULL));
  g_assert_nonnull (strstr (readme_text, script_text));   /* the README shows this very script */

  g_autofree char *root = g_dir_make_tmp ("oc-outbox-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (root, "outbox", NULL);
  g_autofree char *state = g_build_filename (root, "consumer.seq", NULL);
  g_autoptr(OcHandoff) handoff = conversation ("chat");
  oc_handoff_set_created (handoff, NULL);
  GString *seen = g_string_new (NULL);
  guint written = 0;
  for (int round = 0; round < 3; round++)
    {
      {
        g_autoptr(OcOutbox) outbox = oc_outbox_new (dir, 700, NULL);
        g_autoptr(GPtrArray) announced = push_states (outbox, handoff, 5, 5000 + round * 100);
        written += announced->len;
      }
      for (int twice = 0; twice < 2; twice++)   /* a consumer restart reads nothing twice */
        {
          const char *argv[] = { python, script, dir, state, NULL };
          g_autofree char *out = NULL;
          int status = 0;
          g_autoptr(GError) error = NULL;
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                                       &status, &error));
          g_assert_no_error (error);
          g_assert_true (g_spawn_check_wait_status (status, NULL));
          if (twice)
            g_assert_cmpstr (out, ==, "");
          g_string_append (seen, out);
        }
    }
  g_auto(GStrv) printed = g_strsplit (seen->str, "\n", -1);
  guint count = 0;
  for (char **line = printed; *line && **line; line++, count++)
    g_assert_cmpint (g_ascii_strtoll (*line, NULL, 10), ==, count + 1);
  g_assert_cmpuint (count, ==, written);
  g_string_free (seen, TRUE);
  oc_test_remove_tree (root);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/outbox/event", test_event);
  g_test_add_func ("/outbox/append-and-restart", test_append_and_restart);
  g_test_add_func ("/outbox/placeholder-after-create", test_placeholder_after_create);
  g_test_add_func ("/outbox/torn-line", test_torn_line);
  g_test_add_func ("/outbox/rotation", test_rotation);
  g_test_add_func ("/outbox/consumer", test_consumer);
  return g_test_run ();
}
