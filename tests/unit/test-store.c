/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The durable session store: layout, hashed names, atomic saves, listing,
 * rejection with a reason, and failures that say where and why. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc-error.h"
#include "oc-store.h"

static void
rm_rf (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_chmod (path, 0700);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

typedef struct {
  char *tmp;
  char *root;
  OcStore *store;
  GPtrArray *rejected;   /* "name: reason" of each ::rejected */
} Fixture;

static void
on_rejected (OcStore *store, const char *name, const char *reason, gpointer user_data)
{
  Fixture *f = user_data;
  g_ptr_array_add (f->rejected, g_strdup_printf ("%s: %s", name, reason));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->tmp = g_dir_make_tmp ("oc-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = oc_store_default_root (f->tmp, "contoso.crm.dynamics.com");
  f->store = oc_store_new (f->root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
  f->rejected = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->store, "rejected", G_CALLBACK (on_rejected), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->rejected, g_ptr_array_unref);
  rm_rf (f->tmp);
  g_free (f->root);
  g_free (f->tmp);
}

static char *
sub (Fixture *f, const char *dir, const char *name)
{
  return g_build_filename (f->root, dir, name, NULL);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Names in @dir, sorted, as one comma-separated string. */
static char *
sorted_listing (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static OcSession *
make_session (const char *id)
{
  OcSession *s = oc_session_new (id, "web");
  oc_session_set_summary (s, "summary of ");
  oc_session_set_customer (s, "Ada", "ada@example.com", TRUE, NULL);
  oc_session_add_line (s, "customer", id, "2026-11-23T10:00:00Z");
  return s;
}

static void
test_layout (Fixture *f, gconstpointer data)
{
  g_autofree char *expected_root = g_build_filename (f->tmp, "omnichannel", "contoso.crm.dynamics.com", NULL);
  g_assert_cmpstr (f->root, ==, expected_root);
  g_assert_cmpstr (oc_store_get_root (f->store), ==, f->root);
  g_autofree char *inbox = sub (f, "inbox", NULL);
  g_assert_cmpstr (oc_store_get_inbox_dir (f->store), ==, inbox);

  const char *dirs[] = { "inbox", "sessions", "rejected" };
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = sub (f, dirs[i], NULL);
      GStatBuf st;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_true (S_ISDIR (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    }

  /* A host can never lead the store out of <base>/omnichannel. */
  g_autofree char *odd = oc_store_default_root ("/base", "../../etc");
  g_assert_cmpstr (odd, ==, "/base/omnichannel/.._.._etc");
  g_autofree char *dots = oc_store_default_root ("/base", "..");
  g_assert_cmpstr (dots, ==, "/base/omnichannel/_");

  /* Opening an existing store again is fine. */
  g_autoptr(GError) error = NULL;
  g_autoptr(OcStore) again = oc_store_new (f->root, &error);
  g_assert_no_error (error);
}

static void
test_file_names (void)
{
  g_autofree char *name = oc_store_file_name ("sess_8f2c");
  g_assert_cmpstr (name, ==, "c4416a6402b711419c72d5dcd1bd329e.json");

  const char *hostile[] = { "../../etc/passwd", "/etc/passwd", "..", "a\\b", "con", "x.json" };
  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *n = oc_store_file_name (hostile[i]);
      g_assert_cmpuint (strlen (n), ==, 37);
      g_assert_true (g_str_has_suffix (n, ".json"));
      for (gsize j = 0; j < 32; j++)
        g_assert_true (g_ascii_isxdigit (n[j]) && !g_ascii_isupper (n[j]));
      g_assert_null (strstr (n, "passwd"));
    }
  g_autofree char *a = oc_store_file_name ("a");
  g_autofree char *b = oc_store_file_name ("b");
  g_assert_cmpstr (a, !=, b);
}

static void
test_save_load_list_remove (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *ids[] = { "b", "a", "../../etc/passwd" };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(OcSession) s = make_session (ids[i]);
      g_assert_true (oc_store_save (f->store, s, &error));
      g_assert_no_error (error);
    }

  /* Three files, all hashed names, no temp file left, nothing outside sessions/. */
  g_autofree char *sessions_dir = sub (f, "sessions", NULL);
  g_autofree char *listing = sorted_listing (sessions_dir);
  g_autofree char *na = oc_store_file_name ("a");
  g_autofree char *nb = oc_store_file_name ("b");
  g_autofree char *np = oc_store_file_name ("../../etc/passwd");
  const char *expected_names[] = { na, nb, np };
  qsort (expected_names, 3, sizeof (char *), compare_strings);
  g_autofree char *expected_listing = g_strjoin (",", expected_names[0], expected_names[1], expected_names[2], NULL);
  g_assert_cmpstr (listing, ==, expected_listing);
  g_assert_null (strstr (listing, ".tmp-"));
  g_autofree char *root_listing = sorted_listing (f->root);
  g_assert_cmpstr (root_listing, ==, "inbox,rejected,sessions");

  g_autofree char *path_a = sub (f, "sessions", na);
  GStatBuf st;
  g_assert_cmpint (g_stat (path_a, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_true (oc_store_contains (f->store, ids[i]));
      g_autoptr(OcSession) s = oc_store_load (f->store, ids[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (oc_session_get_id (s), ==, ids[i]);
      g_assert_cmpstr (oc_session_get_customer_email (s), ==, "ada@example.com");
      g_assert_true (oc_session_get_email_verified (s));
      OcTranscriptLine *line = g_ptr_array_index (oc_session_get_transcript (s), 0);
      g_assert_cmpstr (line->text, ==, ids[i]);
    }
  g_assert_false (oc_store_contains (f->store, "c"));

  g_autoptr(GPtrArray) all = oc_store_list (f->store);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (oc_session_get_id (g_ptr_array_index (all, 0)), ==, "../../etc/passwd");
  g_assert_cmpstr (oc_session_get_id (g_ptr_array_index (all, 1)), ==, "a");
  g_assert_cmpstr (oc_session_get_id (g_ptr_array_index (all, 2)), ==, "b");

  /* Saving again replaces: the audit keys land in the same file. */
  g_autoptr(OcSession) a = oc_store_load (f->store, "a", &error);
  g_assert_no_error (error);
  oc_session_mark_handed_off (a, "0f0e0d0c-0000-5000-8000-000000000000", NULL, NULL, NULL);
  g_assert_true (oc_store_save (f->store, a, &error));
  g_assert_no_error (error);
  g_autoptr(OcSession) reloaded = oc_store_load (f->store, "a", &error);
  g_assert_no_error (error);
  g_assert_true (oc_session_is_handed_off (reloaded));
  g_autofree char *listing2 = sorted_listing (sessions_dir);
  g_assert_cmpstr (listing2, ==, expected_listing);

  /* Remove, and remove again. */
  g_assert_true (oc_store_remove (f->store, "b", &error));
  g_assert_no_error (error);
  g_assert_false (oc_store_contains (f->store, "b"));
  g_assert_true (oc_store_remove (f->store, "b", &error));
  g_assert_no_error (error);
  g_autoptr(OcSession) gone = oc_store_load (f->store, "b", &error);
  g_assert_null (gone);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr(GPtrArray) left = oc_store_list (f->store);
  g_assert_cmpuint (left->len, ==, 2);
}

static char *read_file (const char *path);

static void
test_list_rejects_bad_files (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) good = make_session ("good");
  g_assert_true (oc_store_save (f->store, good, &error));
  g_assert_no_error (error);

  /* A temp file of a write in progress and other names are ignored without a word. */
  g_autofree char *tmp = sub (f, "sessions", ".tmp-abc123");
  g_assert_true (g_file_set_contents (tmp, "{", -1, NULL));
  g_autofree char *note = sub (f, "sessions", "notes.txt");
  g_assert_true (g_file_set_contents (note, "hello", -1, NULL));

  /* A stored session that can no longer be read is never skipped silently:
   * it moves to rejected/ with its reason, and ::rejected says so. */
  g_autofree char *garbage = sub (f, "sessions", "garbage.json");
  g_assert_true (g_file_set_contents (garbage, "{\"id\":\"g\",\"channel\":\"web\",", -1, NULL));
  g_autoptr(GPtrArray) first = oc_store_list (f->store);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpstr (oc_session_get_id (g_ptr_array_index (first, 0)), ==, "good");
  g_assert_cmpuint (f->rejected->len, ==, 1);
  g_assert_true (g_str_has_prefix (f->rejected->pdata[0], "garbage.json: a stored session could not be read back"));
  g_assert_nonnull (strstr (f->rejected->pdata[0], "not valid JSON"));
  g_assert_false (g_file_test (garbage, G_FILE_TEST_EXISTS));
  g_autofree char *moved = sub (f, "rejected", "garbage.json");
  g_autofree char *moved_reason = sub (f, "rejected", "garbage.json.reason");
  g_autofree char *moved_text = read_file (moved);
  g_assert_cmpstr (moved_text, ==, "{\"id\":\"g\",\"channel\":\"web\",");
  g_autofree char *reason_text = read_file (moved_reason);
  g_assert_nonnull (strstr (reason_text, "not valid JSON"));

  /* A session copied under a foreign name, and an unreadable stored
   * session (what an older client could store: "email=x" from /handoff). */
  g_autofree char *json = oc_session_to_json (good, NULL);
  g_autofree char *copied = sub (f, "sessions", "copied.json");
  g_assert_true (g_file_set_contents (copied, json, -1, NULL));
  g_autofree char *bad_email_name = oc_store_file_name ("bad-email");
  g_autofree char *bad_email = sub (f, "sessions", bad_email_name);
  g_assert_true (g_file_set_contents (bad_email, "{\"id\":\"bad-email\",\"channel\":\"web\",\"customer\":{\"email\":\"x\"}}",
                                      -1, NULL));
  g_autoptr(GPtrArray) second = oc_store_list (f->store);
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_cmpuint (f->rejected->len, ==, 3);
  g_autoptr(GString) all = g_string_new (NULL);
  for (guint i = 0; i < f->rejected->len; i++)
    g_string_append_printf (all, "%s\n", (const char *) f->rejected->pdata[i]);
  g_assert_nonnull (strstr (all->str, "copied.json: a stored session could not be read back"));
  g_assert_nonnull (strstr (all->str, "copied by hand"));
  g_assert_nonnull (strstr (all->str, "customer.email: must be an email address"));
  g_ptr_array_set_size (f->rejected, 0);

  /* Nothing is announced twice: the files are gone from sessions/. */
  g_autoptr(GPtrArray) third = oc_store_list (f->store);
  g_assert_cmpuint (third->len, ==, 1);
  g_assert_cmpuint (f->rejected->len, ==, 0);

  /* A file whose content is another session than its name says is not loaded. */
  g_autofree char *other_name = oc_store_file_name ("other");
  g_autofree char *other = sub (f, "sessions", other_name);
  g_assert_true (g_file_set_contents (other, json, -1, NULL));
  g_autoptr(OcSession) wrong = oc_store_load (f->store, "other", &error);
  g_assert_null (wrong);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (f->rejected->len, ==, 1);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* A link in sessions/ is refused without reading its target, and neither
 * the reason nor the announcement quotes a file it could not parse. */
static void
test_reasons_never_quote_content (Fixture *f, gconstpointer data)
{
  g_autofree char *target = g_build_filename (f->tmp, "private.txt", NULL);
  g_assert_true (g_file_set_contents (target, "root:x:0:0:root:/root:/bin/bash\nTOP-SECRET-LINE\n", -1, NULL));
  g_autofree char *link_name = oc_store_file_name ("linked");
  g_autofree char *link = sub (f, "sessions", link_name);
  g_assert_cmpint (symlink (target, link), ==, 0);

  /* a long secret token on a line of a broken document */
  GString *secret = g_string_new ("{\"id\":\"s\",\"channel\":\"web\",\"summary\": SECRET");
  for (int i = 0; i < 5000; i++)
    g_string_append_c (secret, 'A' + i % 26);
  g_string_append (secret, "}");
  g_autofree char *broken = sub (f, "sessions", "broken.json");
  g_assert_true (g_file_set_contents (broken, secret->str, (gssize) secret->len, NULL));

  g_autoptr(GPtrArray) none = oc_store_list (f->store);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (f->rejected->len, ==, 2);
  for (guint i = 0; i < f->rejected->len; i++)
    {
      const char *line = f->rejected->pdata[i];
      g_test_message ("%s", line);
      g_assert_null (strstr (line, "root:x"));
      g_assert_null (strstr (line, "TOP-SECRET"));
      g_assert_cmpuint (strlen (line), <, 400);
      if (g_str_has_prefix (line, "broken.json"))
        g_assert_nonnull (strstr (line, "line 1, column"));
      else
        g_assert_nonnull (strstr (line, "symbolic link"));
    }
  /* the link itself moved; its target is untouched */
  g_autofree char *moved_link = sub (f, "rejected", link_name);
  g_assert_true (g_file_test (moved_link, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *still = read_file (target);
  g_assert_true (g_str_has_prefix (still, "root:x"));
  g_string_free (secret, TRUE);
}

/* Never store what the store could not read back: the door that asked
 * would say "accepted" and the next sign-in would lose the session. */
static void
test_save_refuses_unreadable (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) email = oc_session_new ("typed-email", "web");
  oc_session_set_customer (email, "Ada", "x", FALSE, NULL);   /* /handoff email=x */
  g_autoptr(GError) error = NULL;
  g_assert_false (oc_store_save (f->store, email, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "customer.email: "));
  g_clear_error (&error);
  g_assert_false (oc_store_contains (f->store, "typed-email"));

  g_autoptr(OcSession) phone = oc_session_new ("typed-phone", "web");
  oc_session_set_customer (phone, NULL, NULL, FALSE, "+44 1632 960001 extension 1234567890 ask for Ada please");
  g_assert_false (oc_store_accept (f->store, phone, NULL, &error));
  g_assert_error (error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "customer.phone: "));
  g_clear_error (&error);

  g_autofree char *sessions_dir = sub (f, "sessions", NULL);
  g_autofree char *listing = sorted_listing (sessions_dir);
  g_assert_cmpstr (listing, ==, "");
}

/* oc_store_accept: the first readable copy wins; a broken one is moved aside. */
typedef struct {
  gboolean  done;
  gboolean  ok;
  OcSession *stored;
  GError   *error;
} Async;

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Async *async = user_data;
  async->ok = oc_store_save_finish (OC_STORE (source), result, &async->error);
  async->done = TRUE;
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Async *async = user_data;
  async->ok = oc_store_accept_finish (OC_STORE (source), result, &async->stored, &async->error);
  async->done = TRUE;
}

static void
wait_async (Async *async)
{
  while (!async->done)
    g_main_context_iteration (NULL, TRUE);
}

/* The asynchronous writes: the same validation, durable when the callback
 * says so, the first stored copy wins. */
static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr(OcSession) session = make_session ("async-1");
  Async saved = { 0 };
  oc_store_save_async (f->store, session, NULL, on_saved, &saved);
  /* serialised when called: a change made now is not what gets saved */
  oc_session_set_summary (session, "changed after the call");
  wait_async (&saved);
  g_assert_no_error (saved.error);
  g_assert_true (saved.ok);
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) loaded = oc_store_load (f->store, "async-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (oc_session_get_summary (loaded), !=, "changed after the call");

  Async first = { 0 };
  g_autoptr(OcSession) other = oc_session_new ("async-1", "phone");
  oc_store_accept_async (f->store, other, NULL, on_accepted, &first);
  wait_async (&first);
  g_assert_true (first.ok);
  g_assert_nonnull (first.stored);
  g_assert_cmpstr (oc_session_get_channel (first.stored), ==, "web");
  oc_session_unref (first.stored);

  Async fresh = { 0 };
  g_autoptr(OcSession) new_one = make_session ("async-2");
  oc_store_accept_async (f->store, new_one, NULL, on_accepted, &fresh);
  wait_async (&fresh);
  g_assert_true (fresh.ok);
  g_assert_null (fresh.stored);
  g_assert_true (oc_store_contains (f->store, "async-2"));

  /* a session that breaks a rule is refused before any write */
  Async bad = { 0 };
  g_autoptr(OcSession) broken = oc_session_new ("async-3", "web");
  oc_session_set_customer (broken, NULL, "no at sign", FALSE, NULL);
  oc_store_accept_async (f->store, broken, NULL, on_accepted, &bad);
  wait_async (&bad);
  g_assert_false (bad.ok);
  g_assert_error (bad.error, OC_ERROR, OC_ERROR_INVALID_INPUT);
  g_clear_error (&bad.error);
  g_assert_false (oc_store_contains (f->store, "async-3"));
}

static void
test_accept (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) first = make_session ("acc");
  g_autoptr(OcSession) stored = NULL;
  g_assert_true (oc_store_accept (f->store, first, &stored, &error));
  g_assert_no_error (error);
  g_assert_null (stored);

  g_autoptr(OcSession) second = oc_session_new ("acc", "phone");
  g_assert_true (oc_store_accept (f->store, second, &stored, &error));
  g_assert_nonnull (stored);
  g_assert_cmpstr (oc_session_get_channel (stored), ==, "web");
  g_clear_pointer (&stored, oc_session_unref);

  g_autofree char *name = oc_store_file_name ("acc");
  g_autofree char *path = sub (f, "sessions", name);
  g_assert_true (g_file_set_contents (path, "{\"id\":\"acc\"", -1, NULL));
  g_assert_true (oc_store_accept (f->store, second, &stored, &error));
  g_assert_null (stored);
  g_assert_cmpuint (f->rejected->len, ==, 1);
  g_autoptr(OcSession) now = oc_store_load (f->store, "acc", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (oc_session_get_channel (now), ==, "phone");
}

static void
make_old (const char *path)
{
  struct timespec times[2] = { { .tv_sec = time (NULL) - 3600 }, { .tv_sec = time (NULL) - 3600 } };
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), ==, 0);
}

/* A write killed between mkstemp and rename leaves ".tmp-XXXXXX": opening
 * the store removes old, unlocked ones of exactly that pattern, nothing else. */
static void
test_stale_temp_files (Fixture *f, gconstpointer data)
{
  const char *names[] = { ".tmp-abc123", ".tmp-fresh1", ".tmp-lockd1", ".tmp-notours", "x.tmp-abc123", ".tmp-link01" };
  g_autofree char *dir = sub (f, "sessions", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = sub (f, "sessions", names[i]);
      if (g_str_equal (names[i], ".tmp-link01"))
        {
          g_autofree char *target = g_build_filename (f->tmp, "keep-me", NULL);
          g_assert_true (g_file_set_contents (target, "x", -1, NULL));
          g_assert_cmpint (symlink (target, path), ==, 0);
        }
      else
        g_assert_true (g_file_set_contents (path, "{\"half", -1, NULL));
      if (!g_str_equal (names[i], ".tmp-fresh1"))
        make_old (path);
    }
  g_autofree char *rejected_tmp = sub (f, "rejected", ".tmp-zzz999");
  g_assert_true (g_file_set_contents (rejected_tmp, "half a reason", -1, NULL));
  make_old (rejected_tmp);

  /* another process, still writing: it holds the lock */
  g_autofree char *locked = sub (f, "sessions", ".tmp-lockd1");
  int fd = g_open (locked, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  g_autoptr(GError) error = NULL;
  g_autoptr(OcStore) again = oc_store_new (f->root, &error);
  g_assert_no_error (error);
  close (fd);

  g_autofree char *listing = sorted_listing (dir);
  g_assert_cmpstr (listing, ==, ".tmp-fresh1,.tmp-link01,.tmp-lockd1,.tmp-notours,x.tmp-abc123");
  g_assert_false (g_file_test (rejected_tmp, G_FILE_TEST_EXISTS));
  g_autofree char *target = g_build_filename (f->tmp, "keep-me", NULL);
  g_assert_true (g_file_test (target, G_FILE_TEST_EXISTS));

  /* saving still works, and leaves no temp file of its own */
  g_autoptr(OcSession) s = make_session ("after");
  g_assert_true (oc_store_save (again, s, &error));
  g_autofree char *after = sorted_listing (dir);
  g_assert_cmpuint (strlen (after), ==, strlen (listing) + 1 + 32 + strlen (".json"));
}

static char *
read_file (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_reject (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox_doc = sub (f, "inbox", "doc.json");
  const char *reason = "customer.email: must be an email address of at most 100 characters";

  g_assert_true (g_file_set_contents (inbox_doc, "{\"first\":1}", -1, NULL));
  g_assert_true (oc_store_reject (f->store, inbox_doc, reason, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (inbox_doc, G_FILE_TEST_EXISTS));

  /* The same name again gets a numbered name; nothing is overwritten. */
  g_assert_true (g_file_set_contents (inbox_doc, "{\"second\":2}", -1, NULL));
  g_assert_true (oc_store_reject (f->store, inbox_doc, "id: must be 1–100 printable characters", &error));
  g_assert_no_error (error);

  g_autofree char *noext = sub (f, "inbox", "README");
  g_assert_true (g_file_set_contents (noext, "x", -1, NULL));
  g_assert_true (oc_store_reject (f->store, noext, "not JSON", &error));
  g_assert_true (g_file_set_contents (noext, "y", -1, NULL));
  g_assert_true (oc_store_reject (f->store, noext, "still not JSON", &error));
  g_assert_no_error (error);

  g_autofree char *rejected_dir = sub (f, "rejected", NULL);
  g_autofree char *listing = sorted_listing (rejected_dir);
  g_assert_cmpstr (listing, ==,
                   "README,README-1,README-1.reason,README.reason,doc-1.json,doc-1.json.reason,doc.json,doc.json.reason");

  g_autofree char *p1 = sub (f, "rejected", "doc.json");
  g_autofree char *r1 = sub (f, "rejected", "doc.json.reason");
  g_autofree char *p2 = sub (f, "rejected", "doc-1.json");
  g_autofree char *r2 = sub (f, "rejected", "doc-1.json.reason");
  g_autofree char *c1 = read_file (p1);
  g_autofree char *t1 = read_file (r1);
  g_autofree char *c2 = read_file (p2);
  g_autofree char *t2 = read_file (r2);
  g_assert_cmpstr (c1, ==, "{\"first\":1}");
  g_assert_cmpstr (t1, ==, "customer.email: must be an email address of at most 100 characters\n");
  g_assert_cmpstr (c2, ==, "{\"second\":2}");
  g_assert_cmpstr (t2, ==, "id: must be 1–100 printable characters\n");

  /* A file that is not there: an error naming it. */
  g_autofree char *missing = sub (f, "inbox", "missing.json");
  g_assert_false (oc_store_reject (f->store, missing, "x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
}

static void
test_save_failures (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcSession) s = make_session ("s-fail");
  g_autofree char *sessions_dir = sub (f, "sessions", NULL);

  /* Root ignores permissions, so a read-only directory proves nothing there. */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (sessions_dir, 0500), ==, 0);
      g_assert_false (oc_store_save (f->store, s, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, sessions_dir));
      g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (sessions_dir, 0700), ==, 0);
    }
  else
    g_test_message ("running as root: read-only directory check skipped");

  /* The same for everyone: sessions/ replaced by a plain file. */
  rm_rf (sessions_dir);
  g_assert_true (g_file_set_contents (sessions_dir, "not a directory", -1, NULL));
  g_assert_false (oc_store_save (f->store, s, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, sessions_dir));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
  g_clear_error (&error);

  /* Creating a store where a directory cannot be made fails the same way. */
  g_autoptr(OcStore) broken = oc_store_new (f->root, &error);
  g_assert_null (broken);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, sessions_dir));
}

/* A rejected document written after its .reason deserves another look;
 * the review renews the reason or lets the document go. */
static void
test_review_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox_doc = sub (f, "inbox", "late.json");
  g_assert_true (g_file_set_contents (inbox_doc, "{\"id\":\"late\",", -1, NULL));
  g_assert_true (oc_store_reject (f->store, inbox_doc, "not valid JSON at line 1, column 13", &error));
  g_assert_false (oc_store_rejected_changed (f->store, "late.json"));

  /* the writer, still holding the file, finishes it — at once, within one
   * tick of the file-system clock: the size tells */
  g_autofree char *moved = sub (f, "rejected", "late.json");
  g_autofree char *reason = sub (f, "rejected", "late.json.reason");
  FILE *writer = fopen (moved, "a");
  g_assert_nonnull (writer);
  fputs ("\"channel\":\"web\"}", writer);
  fclose (writer);
  g_assert_true (oc_store_rejected_changed (f->store, "late.json"));

  /* after a restart (no memory of the refusal), newer than its reason counts */
  g_autoptr(OcStore) restarted = oc_store_new (f->root, &error);
  g_assert_no_error (error);
  make_old (moved);    /* written long before its reason */
  g_assert_false (oc_store_rejected_changed (restarted, "late.json"));
  g_assert_cmpint (utimensat (AT_FDCWD, moved, NULL, 0), ==, 0);
  make_old (reason);   /* written after it */
  g_assert_true (oc_store_rejected_changed (restarted, "late.json"));
  g_assert_false (oc_store_rejected_changed (f->store, "late.json.reason"));
  g_assert_false (oc_store_rejected_changed (f->store, "../sessions/late.json"));
  g_assert_false (oc_store_rejected_changed (f->store, "missing.json"));

  /* still refused: a new reason, announced again, and no longer "changed" */
  g_ptr_array_set_size (f->rejected, 0);
  g_assert_true (oc_store_review_rejected (f->store, "late.json", "channel: must be one word", &error));
  g_assert_no_error (error);
  g_autofree char *text = read_file (reason);
  g_assert_cmpstr (text, ==, "channel: must be one word\n");
  g_assert_cmpuint (f->rejected->len, ==, 1);
  g_assert_false (oc_store_rejected_changed (f->store, "late.json"));

  /* accepted: both leave rejected/ */
  g_assert_true (oc_store_review_rejected (f->store, "late.json", NULL, &error));
  g_autofree char *rejected_dir = sub (f, "rejected", NULL);
  g_autofree char *listing = sorted_listing (rejected_dir);
  g_assert_cmpstr (listing, ==, "");

  /* a link in rejected/ is never looked at again */
  g_autofree char *target = g_build_filename (f->tmp, "target.json", NULL);
  g_assert_true (g_file_set_contents (target, "{}", -1, NULL));
  g_autofree char *link = sub (f, "inbox", "link.json");
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_true (oc_store_reject (f->store, link, "is a symbolic link", &error));
  g_autofree char *link_reason = sub (f, "rejected", "link.json.reason");
  make_old (link_reason);
  g_assert_false (oc_store_rejected_changed (f->store, "link.json"));
  g_assert_false (oc_store_review_rejected (f->store, "../x", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/file-names", test_file_names);
  g_test_add ("/store/layout", Fixture, NULL, fixture_setup, test_layout, fixture_teardown);
  g_test_add ("/store/save-load-list-remove", Fixture, NULL, fixture_setup, test_save_load_list_remove, fixture_teardown);
  g_test_add ("/store/list-rejects-bad-files", Fixture, NULL, fixture_setup, test_list_rejects_bad_files, fixture_teardown);
  g_test_add ("/store/reasons-never-quote-content", Fixture, NULL, fixture_setup, test_reasons_never_quote_content,
              fixture_teardown);
  g_test_add ("/store/save-refuses-unreadable", Fixture, NULL, fixture_setup, test_save_refuses_unreadable,
              fixture_teardown);
  g_test_add ("/store/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/store/accept", Fixture, NULL, fixture_setup, test_accept, fixture_teardown);
  g_test_add ("/store/review-rejected", Fixture, NULL, fixture_setup, test_review_rejected, fixture_teardown);
  g_test_add ("/store/stale-temp-files", Fixture, NULL, fixture_setup, test_stale_temp_files, fixture_teardown);
  g_test_add ("/store/reject", Fixture, NULL, fixture_setup, test_reject, fixture_teardown);
  g_test_add ("/store/save-failures", Fixture, NULL, fixture_setup, test_save_failures, fixture_teardown);
  return g_test_run ();
}
