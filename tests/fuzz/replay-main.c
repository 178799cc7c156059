/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay-main.c — runs a fuzz target without libFuzzer, deterministically:
 *   replay-TARGET [--mutations N] CORPUS-DIR-OR-FILE…
 * Every corpus file is fed as it is, then N mutations of it (fixed seeds,
 * so a failure repeats exactly), then a few generated hostile inputs too
 * large for a corpus (200 KB of nesting). A broken invariant aborts; a clean
 * run prints how many inputs it fed and exits 0. With REPLAY_SAVE=FILE the
 * input being run is kept in FILE (to find the one that crashed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

#define DEFAULT_MUTATIONS 100
#define REPLAY_MAX_INPUT (1024 * 1024)

/* Pieces that tend to break JSON readers: escapes of surrogates and NUL,
 * numbers at and past the edges, structure, wrong types. */
static const char *const tokens[] = {
  "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0000", "\\u00e9", "\\\"", "\\",
  "1e999", "-1e999", "-0", "0.5", "1.0", "9223372036854775807", "9223372036854775808",
  "-9223372036854775808", "4295268", "18446744073709551616", "null", "true", "false",
  "[", "]", "{", "}", "[[[[[[[[", "{\"a\":", "\"\"", ",", ":", "\"x\"", "{}", "[]",
  "\xc3\xa9", "\xed\xa0\x80", "\xff", "\xef\xbb\xbf", "/*", "*/", "'",
};

static const char interesting_bytes[] = "[]{}\",:\\0129-+.eEtfn \t\n\x00\x7f\x80\xc3\xed\xff";

/* REPLAY_SAVE=FILE writes each input to FILE before running it, so the
 * one that broke an invariant is there after a crash. */
static const char *save_path;

static void
run_one (const guint8 *data, gsize size, guint *count)
{
  if (save_path != NULL)
    g_file_set_contents (save_path, (const char *) data, (gssize) size, NULL);
  /* a copy of exactly @size bytes, so ASan sees any read past the end */
  guint8 *copy = g_memdup2 (data, size > 0 ? size : 1);
  LLVMFuzzerTestOneInput (copy, size);
  g_free (copy);
  (*count)++;
}

static void
insert (GByteArray *buf, guint at, const void *data, guint length)
{
  g_array_insert_vals ((GArray *) buf, at, data, length);
}

static void
mutate (GByteArray *buf, GRand *rand, GPtrArray *corpus)
{
  guint ops = (guint) g_rand_int_range (rand, 1, 5);
  for (guint op = 0; op < ops; op++)
    {
      guint len = buf->len;
      guint at = len ? (guint) g_rand_int_range (rand, 0, (gint32) len) : 0;
      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:   /* flip a bit */
          if (len)
            buf->data[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
          break;
        case 1:   /* an interesting byte */
          if (len)
            buf->data[at] = (guint8) interesting_bytes[g_rand_int_range (rand, 0, sizeof interesting_bytes - 1)];
          break;
        case 2:   /* insert a token */
          {
            const char *t = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
            insert (buf, at, t, (guint) strlen (t));
            break;
          }
        case 3:   /* delete a range */
          if (len)
            g_byte_array_remove_range (buf, at, (guint) g_rand_int_range (rand, 1, (gint32) MIN (len - at, 16u) + 1));
          break;
        case 4:   /* duplicate a range */
          if (len && len < REPLAY_MAX_INPUT / 2)
            {
              guint n = (guint) g_rand_int_range (rand, 1, (gint32) MIN (len - at, 64u) + 1);
              guint8 *piece = g_memdup2 (buf->data + at, n);
              insert (buf, (guint) g_rand_int_range (rand, 0, (gint32) len + 1), piece, n);
              g_free (piece);
            }
          break;
        case 5:   /* truncate */
          g_byte_array_set_size (buf, at);
          break;
        case 6:   /* splice the tail of another corpus file */
          if (corpus->len)
            {
              GBytes *other = corpus->pdata[g_rand_int_range (rand, 0, (gint32) corpus->len)];
              gsize olen = 0;
              const guint8 *odata = g_bytes_get_data (other, &olen);
              gsize from = olen ? (gsize) g_rand_int_range (rand, 0, (gint32) olen) : 0;
              g_byte_array_set_size (buf, at);
              g_byte_array_append (buf, odata + from, (guint) (olen - from));
            }
          break;
        default:  /* a byte becomes a 30-digit number */
          if (len)
            {
              static const char big[] = "123456789012345678901234567890";
              g_byte_array_remove_range (buf, at, 1);
              insert (buf, at, big, sizeof big - 1);
            }
          break;
        }
      if (buf->len > REPLAY_MAX_INPUT)
        g_byte_array_set_size (buf, REPLAY_MAX_INPUT);
    }
}

/* Inputs a corpus should not carry: ~200 KB of nesting (issue 7 item 1),
 * inside a member as Dataverse or Entra ID would send it. */
static void
run_generated (guint *count)
{
  const gsize depth = 200 * 1024;
  static const char *const prefixes[] = { "", "{\"UserId\":", "{\"access_token\":\"t\",\"expires_in\":",
                                          "{\"error\":{\"code\":\"0x1\",\"message\":", "{\"a\":" };
  for (gsize p = 0; p < G_N_ELEMENTS (prefixes); p++)
    {
      GString *text = g_string_new (prefixes[p]);
      gboolean objects = p == G_N_ELEMENTS (prefixes) - 1;
      for (gsize i = 0; i < depth; i++)
        g_string_append (text, objects ? "{\"a\":" : "[");
      run_one ((const guint8 *) text->str, text->len, count);
      g_string_free (text, TRUE);
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
load (const char *path, GPtrArray *corpus, GPtrArray *names)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      while (dir && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (entries, g_build_filename (path, name, NULL));
      g_ptr_array_sort (entries, compare_paths);
      for (guint i = 0; i < entries->len; i++)
        load (entries->pdata[i], corpus, names);
      return;
    }
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "replay: %s\n", error->message);
      exit (2);
    }
  g_ptr_array_add (corpus, g_bytes_new_take (g_steal_pointer (&contents), length));
  g_ptr_array_add (names, g_strdup (path));
}

int
main (int argc, char **argv)
{
  guint mutations = DEFAULT_MUTATIONS;
  save_path = g_getenv ("REPLAY_SAVE");
  g_autoptr(GPtrArray) corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--mutations") && i + 1 < argc)
        mutations = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_file_test (argv[i], G_FILE_TEST_EXISTS))
        load (argv[i], corpus, names);
      else
        fprintf (stderr, "replay: no corpus at %s (generated inputs only)\n", argv[i]);
    }

  guint count = 0;
  for (guint i = 0; i < corpus->len; i++)
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (corpus->pdata[i], &size);
      /* The seed depends on the file's name only: adding a file does not
       * change what the others replay. */
      g_autofree char *base = g_path_get_basename (names->pdata[i]);
      GRand *rand = g_rand_new_with_seed (g_str_hash (base));
      fprintf (stderr, "# %s\n", (char *) names->pdata[i]);
      run_one (data, size, &count);
      GByteArray *buf = g_byte_array_new ();
      for (guint m = 0; m < mutations; m++)
        {
          g_byte_array_set_size (buf, 0);
          g_byte_array_append (buf, data, (guint) size);
          mutate (buf, rand, corpus);
          run_one (buf->data, buf->len, &count);
        }
      g_byte_array_unref (buf);
      g_rand_free (rand);
    }
  run_generated (&count);

  printf ("replayed %u inputs (%u corpus files, %u mutations each, and generated ones)\n",
          count, corpus->len, mutations);
  return 0;
}
