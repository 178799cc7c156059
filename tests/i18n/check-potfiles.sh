#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# po/POTFILES.in lists every source file of src/ that marks text for
# translation (_(), N_(), C_(), NC_(), g_dngettext ()), and nothing that
# does not exist: a file missing there is never extracted, so its strings
# would stay English whatever the catalogue says.
#   check-potfiles.sh SOURCE_ROOT
set -u
root=${1:?usage: check-potfiles.sh SOURCE_ROOT}
cd "$root" || exit 1
listed=$(grep -v '^[[:space:]]*#' po/POTFILES.in | sed '/^[[:space:]]*$/d')
status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext)[[:space:]]*\(' --include='*.c' --include='*.h' src | sort); do
  # a header that only defines the macros is not a source of text
  case "$f" in */omni-i18n.h) continue ;; esac
  printf '%s\n' "$listed" | grep -qxF "$f" || { echo "not in po/POTFILES.in: $f"; status=1; }
done
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists a missing file: $f"; status=1; }
done
[ $status -eq 0 ] && echo "po/POTFILES.in lists all $(printf '%s\n' "$listed" | wc -l) files with translatable text"
exit $status
