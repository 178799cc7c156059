/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-hostile.c — the built CLI against a hostile server (issue 7).
 *
 * Each case serves one hostile answer from hostile-server.c on 127.0.0.1
 * and runs `omnichannel check | handoff FILE | watch` against it, then
 * asserts what must hold whatever a server sends: the CLI exits by itself
 * (or on SIGTERM for watch) with 0, 1 or 2 and never by a signal, within a
 * deadline; the requests it made are bounded; neither the client secret nor
 * any access token appears in its output; and a failure is a clear line.
 *
 *   test-hostile                 every case
 *   test-hostile --case NAME     one case (how meson registers them)
 *   test-hostile --list          the case names */
#define _XOPEN_SOURCE 700   /* nftw */
#include <ftw.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hostile-server.h"

#define NO_LIMIT G_MAXUINT
#define ERROR_DEEP "Malformed answer from Dynamics 365"

typedef enum { CMD_CHECK, CMD_HANDOFF, CMD_WATCH } Command;

typedef struct {
  const char  *name;
  const char  *what;            /* issue 7 item, in words */
  Command      command;
  const char  *session_file;    /* handoff: a file of data/sessions */
  gboolean     workstream;      /* pass --workstream-id */
  guint        watch_s;         /* watch: SIGTERM after this long */
  HostileRule  rules[4];
  int          exit_status;     /* what the CLI must exit with */
  const char  *expect[3];       /* each must occur in stdout or stderr */
  guint        max_tokens;
  guint        max_whoami;
  guint        max_pages;
  guint        max_creates;
  guint        max_api;
} Case;

static const char *row_formatted_object =
  "{\"value\":[{\"activityid\":\"5e7f1a2b-3c4d-4e6f-8a9b-0c1d2e3f4a5b\",\"subject\":\"Refund\","
  "\"statecode\":0,\"statuscode\":2,\"statuscode@OData.Community.Display.V1.FormattedValue\":{\"label\":\"Active\"},"
  "\"msdyn_statuschangereason@OData.Community.Display.V1.FormattedValue\":[\"Assigned\"],"
  "\"_msdyn_activeagentid_value@OData.Community.Display.V1.FormattedValue\":{\"name\":\"Grace\"},"
  "\"modifiedon\":\"2026-11-23T10:05:00Z\",\"createdon\":\"2026-11-23T10:02:30Z\"}]}";

static const Case cases[] = {
  /* ---- a healthy server: the harness itself works ---- */
  { "check-ok", "a healthy org: check signs in", CMD_CHECK, .workstream = TRUE,
    .exit_status = 0, .expect = { "Active: signed in as application user " HOSTILE_USER },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 0, .max_api = 3 },
  { "handoff-ok", "a healthy org: one conversation created", CMD_HANDOFF, "web-anonymous.json",
    .exit_status = 0, .expect = { "sess_a41d: conversation " },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 1, .max_api = 3 },
  { "watch-ok", "a healthy org: watch polls and stops on SIGTERM", CMD_WATCH, .watch_s = 3,
    .exit_status = 0,
    .max_tokens = 1, .max_whoami = 1, .max_pages = 4, .max_creates = 0, .max_api = 8 },

  /* ---- item 1: ~200 KB of nested '[' ---- */
  { "whoami-deep-nesting", "item 1: WhoAmI answers {\"UserId\":[[[[…", CMD_CHECK,
    .rules = { { "GET WhoAmI", 200, HOSTILE_BODY_DEEP, "{\"UserId\":" } },
    .exit_status = 1, .expect = { ERROR_DEEP, "deeper than 64 levels" },
    .max_tokens = 1, .max_whoami = 2, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "whoami-error-deep-nesting", "item 1: WhoAmI answers HTTP 500 with nested '[' as its error body", CMD_CHECK,
    .rules = { { "GET WhoAmI", 500, HOSTILE_BODY_DEEP, "{\"error\":" } },
    .exit_status = 1, .expect = { "HTTP 500" },
    .max_tokens = 1, .max_whoami = 2, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "token-deep-nesting", "item 1: the token endpoint answers 200 {\"access_token\":[[[[…", CMD_CHECK,
    .rules = { { "POST token", 200, HOSTILE_BODY_DEEP, "{\"access_token\":" } },
    .exit_status = 1, .expect = { "token answer that could not be read", "deeper than 64 levels" },
    .max_tokens = 1, .max_whoami = 0, .max_pages = 0, .max_creates = 0, .max_api = 0 },
  { "token-error-deep-nesting", "item 1: the token endpoint answers 400 with nested '['", CMD_CHECK,
    .rules = { { "POST token", 400, HOSTILE_BODY_DEEP, "{\"error\":" } },
    .exit_status = 1, .expect = { "HTTP 400 without an Entra ID error" },
    .max_tokens = 1, .max_whoami = 0, .max_pages = 0, .max_creates = 0, .max_api = 0 },

  /* ---- item 5: @odata.nextLink pointing at itself ---- */
  { "nextlink-self", "item 5: a page whose @odata.nextLink is itself", CMD_WATCH, .watch_s = 6,
    .rules = { { "GET msdyn_ocliveworkitems?$select", 200, HOSTILE_BODY_SELF_LINK } },
    .exit_status = 0,
    /* one walk detects the repeat at its second page; at most two polls in 6 s */
    .max_tokens = 1, .max_whoami = 1, .max_pages = 8, .max_creates = 0, .max_api = 12 },

  /* ---- item 6: token lifetimes ---- */
  { "token-lifetime-int64-max", "item 6: expires_in 9223372036854775807", CMD_CHECK,
    .rules = { { "POST token", 200, HOSTILE_BODY_TOKEN, "9223372036854775807" } },
    .exit_status = 0, .expect = { "Active: signed in" },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "token-lifetime-wraps", "item 6: expires_in 4295268 (wrapped to a renewal every 704 ms)", CMD_WATCH, .watch_s = 5,
    .rules = { { "POST token", 200, HOSTILE_BODY_TOKEN, "4295268" } },
    .exit_status = 0,
    .max_tokens = 1, .max_whoami = 1, .max_pages = 4, .max_creates = 0, .max_api = 8 },

  /* ---- item 7: redirects ---- */
  { "whoami-redirect-other-host", "item 7: WhoAmI answers 302 to another host", CMD_CHECK,
    .rules = { { "GET WhoAmI", 302, HOSTILE_BODY_TEXT, NULL, "@ELSEWHERE@/api/data/v9.2/WhoAmI" } },
    .exit_status = 1, .expect = { "127.0.0.2" },
    .max_tokens = 1, .max_whoami = 2, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "whoami-redirect-plain-http", "item 7: WhoAmI answers 302 to http:// on a host that is not loopback", CMD_CHECK,
    .rules = { { "GET WhoAmI", 302, HOSTILE_BODY_TEXT, NULL, "http://198.51.100.7/api/data/v9.2/WhoAmI" } },
    .exit_status = 1, .expect = { "198.51.100.7" },
    .max_tokens = 1, .max_whoami = 2, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "token-redirect-other-host", "item 7: the token endpoint answers 302 to another host", CMD_CHECK,
    .rules = { { "POST token", 302, HOSTILE_BODY_TEXT, NULL, "@ELSEWHERE@/" HOSTILE_TENANT "/oauth2/v2.0/token" } },
    .exit_status = 1, .expect = { "127.0.0.2" },
    .max_tokens = 2, .max_whoami = 0, .max_pages = 0, .max_creates = 0, .max_api = 0 },

  /* ---- item 8: duplicate key carried by HTTP 500 ---- */
  { "create-duplicate-500", "item 8: create answers HTTP 500 with code 0x80040237", CMD_HANDOFF, "web-anonymous.json",
    .rules = { { "POST msdyn_ocliveworkitems", 500, HOSTILE_BODY_TEXT,
                 "{\"error\":{\"code\":\"0x80040237\",\"message\":\"A record with matching key values already exists.\"}}" } },
    /* the record is read back by its deterministic id and reported created */
    .exit_status = 0, .expect = { "sess_a41d: conversation " },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 2, .max_api = 5 },

  /* ---- item 9: wrong member types ---- */
  { "workstream-statecode-string", "item 9: the workstream's statecode is \"1\" (a string)", CMD_CHECK, .workstream = TRUE,
    .rules = { { "GET msdyn_liveworkstreams(", 200, HOSTILE_BODY_TEXT,
                 "{\"msdyn_name\":\"Live chat\",\"statecode\":\"1\",\"msdyn_streamsource\":192360000}" } },
    .exit_status = 1, .expect = { "statecode" },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 0, .max_api = 3 },
  { "whoami-userid-object", "item 9: WhoAmI's UserId is an object", CMD_CHECK,
    .rules = { { "GET WhoAmI", 200, HOSTILE_BODY_TEXT, "{\"UserId\":{\"id\":\"" HOSTILE_USER "\"}}" } },
    .exit_status = 1, .expect = { "UserId" },
    .max_tokens = 1, .max_whoami = 2, .max_pages = 0, .max_creates = 0, .max_api = 2 },
  { "contactid-object", "item 9: the contact lookup's contactid is an object", CMD_HANDOFF, "web-verified.json",
    .rules = { { "GET contacts?", 200, HOSTILE_BODY_TEXT,
                 "{\"value\":[{\"contactid\":{\"id\":\"44444444-0000-4000-8000-000000000005\"},\"fullname\":\"Ada\"}]}" } },
    .exit_status = 1, .expect = { "contactid" },
    .max_tokens = 1, .max_whoami = 1, .max_pages = 0, .max_creates = 1, .max_api = 6 },
  { "formatted-value-object", "item 9: a watched row's formatted values are objects and arrays", CMD_WATCH, .watch_s = 4,
    .rules = { { "GET msdyn_ocliveworkitems?$select", 200, HOSTILE_BODY_TEXT, NULL } },
    .exit_status = 0,
    .max_tokens = 1, .max_whoami = 1, .max_pages = 4, .max_creates = 0, .max_api = 8 },
};

typedef struct {
  GMainLoop   *loop;
  GSubprocess *process;
  char        *out, *err;
  gboolean     done, hung;
  guint        term_source, deadline_source;
} Run;

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static gboolean
on_term_due (gpointer user_data)
{
  Run *run = user_data;
  run->term_source = 0;
  g_subprocess_send_signal (run->process, SIGTERM);
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  Run *run = user_data;
  run->deadline_source = 0;
  run->hung = TRUE;
  g_subprocess_force_exit (run->process);
  return G_SOURCE_REMOVE;
}

static guint
deadline_s (void)
{
  const char *text = g_getenv ("HOSTILE_DEADLINE_S");
  return text ? (guint) g_ascii_strtoull (text, NULL, 10) : 30;
}

static void
assert_at_most (const char *what, guint seen, guint limit)
{
  if (limit != NO_LIMIT && seen > limit)
    g_error ("%s: %u, at most %u allowed", what, seen, limit);
}

static int
remove_one (const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
  return g_remove (path);
}

static void
remove_tree (const char *path)
{
  nftw (path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  const char *cli = g_getenv ("HOSTILE_CLI");
  const char *sessions = g_getenv ("HOSTILE_SESSIONS");
  g_assert_nonnull (cli);
  g_test_message ("%s", c->what);

  g_autoptr(GError) error = NULL;
  g_autofree char *store = g_dir_make_tmp ("hostile-XXXXXX", &error);
  g_assert_no_error (error);

  /* the row case needs its body built here: a static initialiser cannot */
  HostileRule rules[G_N_ELEMENTS (c->rules)];
  memcpy (rules, c->rules, sizeof rules);
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (rules[i].match && rules[i].body == NULL && rules[i].kind == HOSTILE_BODY_TEXT && rules[i].location == NULL)
      rules[i].body = row_formatted_object;
  HostileServer *server = hostile_server_new (rules);

  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (cli));
  g_ptr_array_add (argv, g_strconcat ("--environment=", server->base, NULL));
  g_ptr_array_add (argv, g_strconcat ("--authority=", server->base, NULL));
  g_ptr_array_add (argv, g_strdup ("--tenant-id=" HOSTILE_TENANT));
  g_ptr_array_add (argv, g_strdup ("--client-id=" HOSTILE_CLIENT));
  g_ptr_array_add (argv, g_strconcat ("--store=", store, NULL));
  if (c->workstream)
    g_ptr_array_add (argv, g_strdup ("--workstream-id=" HOSTILE_WORKSTREAM));
  g_ptr_array_add (argv, g_strdup (c->command == CMD_CHECK ? "check" : c->command == CMD_HANDOFF ? "handoff" : "watch"));
  if (c->command == CMD_HANDOFF)
    {
      g_assert_nonnull (sessions);
      g_ptr_array_add (argv, g_build_filename (sessions, c->session_file, NULL));
    }
  g_ptr_array_add (argv, NULL);

  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "OMNICHANNEL_CLIENT_SECRET", HOSTILE_SECRET, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", store, TRUE);
  /* a json-glib or GLib critical (a wrong-type read) is a crash here */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  Run run = { .loop = g_main_loop_new (NULL, FALSE) };
  gint64 started = g_get_monotonic_time ();
  run.process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run.process, NULL, NULL, on_communicated, &run);
  if (c->command == CMD_WATCH)
    run.term_source = g_timeout_add_seconds (c->watch_s, on_term_due, &run);
  run.deadline_source = g_timeout_add_seconds (deadline_s (), on_deadline, &run);
  while (!run.done)
    g_main_loop_run (run.loop);
  g_subprocess_wait (run.process, NULL, NULL);
  g_clear_handle_id (&run.term_source, g_source_remove);
  g_clear_handle_id (&run.deadline_source, g_source_remove);
  double seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;

  g_ptr_array_add (server->log, NULL);
  g_autofree char *requests = g_strjoinv ("\n  ", (char **) server->log->pdata);
  g_test_message ("after %.1f s: stdout:\n%s\nstderr:\n%s\nrequests:\n  %s", seconds, run.out, run.err, requests);
  g_test_message ("tokens %u, WhoAmI %u, pages %u, creates %u, API %u (%u unauthorized), elsewhere %u",
                  server->token_requests, server->whoami_requests, server->page_gets, server->creates,
                  server->api_requests, server->unauthorized, server->elsewhere_requests);

  /* 1. no crash and no hang */
  if (run.hung)
    g_error ("the CLI did not finish within %u s (killed): a hang or an endless loop", deadline_s ());
  if (g_subprocess_get_if_signaled (run.process))
    g_error ("the CLI was killed by signal %d (%s)", g_subprocess_get_term_sig (run.process),
             g_strsignal (g_subprocess_get_term_sig (run.process)));
  g_assert_true (g_subprocess_get_if_exited (run.process));
  int status = g_subprocess_get_exit_status (run.process);
  g_assert_cmpint (status, >=, 0);
  g_assert_cmpint (status, <=, 2);
  g_assert_null (strstr (run.err, "CRITICAL"));
  g_assert_null (strstr (run.err, "runtime error"));
  g_assert_null (strstr (run.err, "Sanitizer"));

  /* 2. no secret and no token in any output */
  g_assert_null (strstr (run.out, HOSTILE_SECRET));
  g_assert_null (strstr (run.err, HOSTILE_SECRET));
  g_assert_null (strstr (run.out, HOSTILE_TOKEN_MARK));
  g_assert_null (strstr (run.err, HOSTILE_TOKEN_MARK));
  for (guint i = 0; i < server->tokens->len; i++)
    {
      g_assert_null (strstr (run.out, server->tokens->pdata[i]));
      g_assert_null (strstr (run.err, server->tokens->pdata[i]));
    }

  /* 3. bounded requests, and none to another host */
  g_assert_cmpuint (server->elsewhere_requests, ==, 0);
  g_assert_cmpuint (server->unauthorized, ==, 0);
  assert_at_most ("token requests", server->token_requests, c->max_tokens);
  assert_at_most ("WhoAmI requests", server->whoami_requests, c->max_whoami);
  assert_at_most ("page GETs", server->page_gets, c->max_pages);
  assert_at_most ("creates", server->creates, c->max_creates);
  assert_at_most ("API requests", server->api_requests, c->max_api);

  /* 4. the outcome, and a clear line saying it */
  g_assert_cmpint (status, ==, c->exit_status);
  for (gsize i = 0; i < G_N_ELEMENTS (c->expect) && c->expect[i]; i++)
    if (strstr (run.out, c->expect[i]) == NULL && strstr (run.err, c->expect[i]) == NULL)
      g_error ("no output line says “%s”", c->expect[i]);

  g_object_unref (run.process);
  g_main_loop_unref (run.loop);
  g_free (run.out);
  g_free (run.err);
  hostile_server_free (server);
  remove_tree (store);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  const char *only = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--list"))
        {
          for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
            printf ("%s\n", cases[k].name);
          return 0;
        }
      if (g_str_equal (argv[i], "--case") && i + 1 < argc)
        only = argv[i + 1];
    }
  g_test_init (&argc, &argv, NULL);

  guint added = 0;
  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    if (only == NULL || g_str_equal (only, cases[k].name))
      {
        g_autofree char *path = g_strdup_printf ("/hostile/%s", cases[k].name);
        g_test_add_data_func (path, &cases[k], run_case);
        added++;
      }
  if (added == 0)
    {
      fprintf (stderr, "test-hostile: no case named “%s” (see --list)\n", only);
      return 1;
    }
  return g_test_run ();
}
