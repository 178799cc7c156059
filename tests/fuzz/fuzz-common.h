/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-common.h — what every fuzz target shares.
 *
 * A target is one file defining LLVMFuzzerTestOneInput over one parser of
 * outside input. It is linked twice: with libFuzzer (-Dfuzz=true, clang) and
 * with replay-main.c, which feeds it the corpus and a fixed set of mutations
 * in the normal test suite. A broken invariant calls fuzz_fail, which aborts:
 * both drivers report that as a crash. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A secret-looking string the targets place in a member of their own (a
 * token, a client secret, a sibling of what the input says): no error
 * message may ever contain it. */
#define FUZZ_MARKER "FzSecret-7q3Wm9-do-not-print"

/* Once per process: GLib and json-glib criticals and warnings abort (via
 * fuzz_fail), so a wrong-type read is a finding. */
void     fuzz_init (void);

G_NORETURN void fuzz_fail (const char *where, const char *format, ...) G_GNUC_PRINTF (2, 3);

#define fuzz_assert(cond, ...) \
  do { if (G_UNLIKELY (!(cond))) fuzz_fail (G_STRLOC ": " #cond, __VA_ARGS__); } while (0)

/* @needle occurs in the @size bytes at @data. */
gboolean fuzz_contains (const void *data, size_t size, const char *needle);

/* The input as a NUL-terminated string, cut at its first NUL byte (as a C
 * string option or header value would be). Free with g_free. */
char    *fuzz_cstring (const uint8_t *data, size_t size);

/* The input with FUZZ_MARKER as a string member of its own: after the
 * opening brace when it starts with '{' ({"note":"MARKER",…), otherwise as
 * the first element of an array around it (["MARKER",…]). NULL when the input
 * itself contains the marker's text, as then a message may quote it for
 * another reason (a member name, say). Free with g_free. */
char    *fuzz_with_marker (const uint8_t *data, size_t size, gsize *length);

/* A check of one input: @secret is NULL for the input as given, FUZZ_MARKER
 * for the input with the marker beside it (fuzz_with_marker). */
typedef void (*FuzzCheck) (const char *data, gsize size, const char *secret);

/* Runs @check on the input, then (unless it contains the marker's text) on
 * the input with FUZZ_MARKER as a member of its own: the tail of a target
 * whose invariants include "no message quotes a secret". */
void     fuzz_check_with_and_without_marker (const uint8_t *data, size_t size, FuzzCheck check);

/* Checks an error message a parser produced: valid UTF-8, not empty, and
 * (when @secret is not NULL) without @secret. @what names the call. */
void     fuzz_check_message (const char *what, const char *message, const char *secret);

G_END_DECLS
