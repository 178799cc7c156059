/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-mock-program.c — the dynamics-mock program as scripts and CI run it. */
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>

#include "mock-test-util.h"

typedef struct {
  GSubprocess *process;
  char        *url;
  char        *stderr_path;
} Program;

static void
program_start (Program *p, const char *const *extra_args)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  int fd;

  fd = g_file_open_tmp ("dynamics-mock-stderr-XXXXXX", &p->stderr_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_subprocess_launcher_set_stderr_file_path (launcher, p->stderr_path);
  g_ptr_array_add (argv, (gpointer) g_getenv ("DYNAMICS_MOCK"));
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);
  p->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_regex_match_simple ("^URL=http://127\\.0\\.0\\.1:[1-9][0-9]{0,4}$", line, 0, 0));
  p->url = g_strdup (line + strlen ("URL="));
}

/* Stops the program with @signum; returns its stderr. */
static char *
program_stop (Program *p, int signum)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_subprocess_send_signal (p->process, signum);
  g_assert_true (g_subprocess_wait (p->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p->process));
  g_assert_cmpint (g_subprocess_get_exit_status (p->process), ==, 0);
  g_assert_true (g_file_get_contents (p->stderr_path, &text, NULL, NULL));
  g_unlink (p->stderr_path);
  g_clear_object (&p->process);
  g_clear_pointer (&p->url, g_free);
  g_clear_pointer (&p->stderr_path, g_free);
  return text;
}

/* FALSE (the test skipped) when DYNAMICS_MOCK does not name the program. */
static gboolean
program_available (void)
{
  if (g_getenv ("DYNAMICS_MOCK") != NULL)
    return TRUE;
  g_test_skip ("DYNAMICS_MOCK is not set");
  return FALSE;
}

/* Starts the program with @extra_args and makes @f a client of it (no token
 * yet); FALSE (the test skipped) when there is no program. */
static gboolean
program_connect (Program *p, Fixture *f, const char *const *extra_args)
{
  if (!program_available ())
    return FALSE;
  program_start (p, extra_args);
  f->url = p->url;
  f->session = soup_session_new ();
  return TRUE;
}

/* Drops the client @f, then stops the program with @signum; returns its stderr. */
static char *
program_disconnect (Program *p, Fixture *f, int signum)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->token, g_free);
  return program_stop (p, signum);
}

static void
test_program_runs (void)
{
  Program p = { 0 };
  Fixture f = { 0 };
  g_autofree char *log = NULL;
  g_autofree char *token = NULL;

  if (!program_connect (&p, &f, NULL))
    return;
  fixture_get_token (&f);
  {
    g_autoptr (Reply) r = fixture_api_get (&f, "WhoAmI");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (reply_string (r, "UserId"), ==, SEED_APP_USER);
  }
  {
    g_autoptr (Reply) r = fixture_control (&f, "GET", "counters", NULL);

    g_assert_cmpint (reply_int (r, "token_requests"), ==, 1);
  }
  token = g_strdup (f.token);

  log = program_disconnect (&p, &f, SIGTERM);
  g_assert_nonnull (strstr (log, "POST /" SEED_TENANT "/oauth2/v2.0/token -> 200"));
  g_assert_nonnull (strstr (log, "GET /api/data/v9.2/WhoAmI -> 200"));
  g_assert_null (strstr (log, SEED_SECRET));
  g_assert_null (strstr (log, token));
}

static void
test_program_overrides (void)
{
  const char *const args[] = {
    "--client-id", "44444444-5555-4666-8777-888888888888", "--client-secret", "cli-secret-value",
    "--tenant", "fabrikam.example.com", "--token-lifetime", "77",
    "--assign-after", "1.5", "--wrap-up-after", "2", "--close-after", "3", NULL
  };
  Program p = { 0 };
  Fixture f = { 0 };
  g_autofree char *log = NULL;
  g_autofree char *scope = NULL, *form = NULL;

  if (!program_connect (&p, &f, args))
    return;
  scope = fixture_scope (&f);
  form = fixture_form ("grant_type", "client_credentials", "client_id", "44444444-5555-4666-8777-888888888888",
                       "client_secret", "cli-secret-value", "scope", scope, NULL);
  {
    g_autoptr (Reply) by_domain = fixture_token_raw (&f, "fabrikam.example.com", "application/x-www-form-urlencoded", form);
    g_autoptr (Reply) by_seed_id = fixture_token_raw (&f, SEED_TENANT, "application/x-www-form-urlencoded", form);

    g_assert_cmpuint (by_domain->status, ==, 200);
    g_assert_cmpint (reply_int (by_domain, "expires_in"), ==, 77);
    /* --tenant with a domain keeps the seed's tenant id. */
    g_assert_cmpuint (by_seed_id->status, ==, 200);
  }
  log = program_disconnect (&p, &f, SIGINT);
  g_assert_null (strstr (log, "cli-secret-value"));
}

static void
test_program_routing (void)
{
  const char *const args[] = { "--assign-after", "0.3", "--wrap-up-after", "0", "--close-after", "0", NULL };
  Program p = { 0 };
  Fixture f = { 0 };
  g_autofree char *log = NULL;
  g_autofree char *path = NULL;
  gint64 status = 1;

  if (!program_connect (&p, &f, args))
    return;
  fixture_get_token (&f);
  {
    g_autoptr (Reply) r = fixture_api_post (&f, "msdyn_ocliveworkitems?$select=activityid",
                                            "{\"subject\":\"program\"}", "return=representation");

    g_assert_cmpuint (r->status, ==, 201);
    path = g_strdup_printf ("msdyn_ocliveworkitems(%s)?$select=statuscode,_msdyn_activeagentid_value",
                            reply_string (r, "activityid"));
  }
  /* --assign-after 0.3 makes it Active; --wrap-up-after 0 keeps it there. */
  for (guint i = 0; i < 40 && status == 1; i++)
    {
      g_autoptr (Reply) r = NULL;

      g_usleep (50 * 1000);
      r = fixture_api_get (&f, path);
      status = reply_int (r, "statuscode");
    }
  g_assert_cmpint (status, ==, 2);
  g_usleep (500 * 1000);
  {
    g_autoptr (Reply) r = fixture_api_get (&f, path);

    g_assert_cmpint (reply_int (r, "statuscode"), ==, 2);
    g_assert_cmpstr (reply_string (r, "_msdyn_activeagentid_value"), ==, SEED_REP1);
  }
  log = program_disconnect (&p, &f, SIGTERM);
  g_assert_nonnull (strstr (log, "POST /api/data/v9.2/msdyn_ocliveworkitems -> 201"));
}

static void
test_program_bad_arguments (void)
{
  const char *const cases[][4] = {
    { "--port", "70000", NULL, NULL },
    { "--client-id", "x", NULL, NULL },
    { "--seed", "/nonexistent.json", NULL, NULL },
    { "--frobnicate", NULL, NULL, NULL },
  };
  const int expected[] = { 2, 2, 1, 2 };

  if (!program_available ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                       &error, g_getenv ("DYNAMICS_MOCK"),
                                                       cases[i][0], cases[i][1], cases[i][2], NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (proc, NULL, &error));
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, expected[i]);
    }
}

void
mock_test_add_program_tests (void)
{
  g_test_add_func ("/mock/program/runs", test_program_runs);
  g_test_add_func ("/mock/program/overrides", test_program_overrides);
  g_test_add_func ("/mock/program/routing", test_program_routing);
  g_test_add_func ("/mock/program/bad-arguments", test_program_bad_arguments);
}
