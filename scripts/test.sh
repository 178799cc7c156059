#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with -Werror, runs
# every test, then builds with AddressSanitizer + UndefinedBehaviorSanitizer
# and runs every test again. Ends with "N passed, N failed, N skipped"
# (a skipped test never counts as passed).
#   scripts/test.sh --packaging   then also builds the Debian packages, lints,
#                                 installs, tries and purges them
#                                 (scripts/package.sh --test: root and apt),
#                                 and counts those checks in the same line.
#   scripts/test.sh --fuzz        then also runs every libFuzzer target for a
#                                 bounded time (FUZZ_SECONDS, default 20 each;
#                                 scripts/fuzz.sh) and counts them too.
set -uo pipefail
cd "$(dirname "$0")/.."

packaging= fuzz=
for arg in "$@"; do
  case "$arg" in
    --packaging) packaging=1 ;;
    --fuzz) fuzz=1 ;;
    *) echo "usage: scripts/test.sh [--packaging] [--fuzz]" >&2; exit 2 ;;
  esac
done

bash scripts/deps.sh || exit 1

status=0
run_build() {
  local dir=$1; shift
  # A build/ left by the README's manual steps may lack -Werror: CI's
  # settings are put back on every run.
  if [ ! -d "$dir" ]; then
    meson setup "$dir" -Dwerror=true "$@" >/dev/null || return 1
  else
    meson setup --reconfigure "$dir" -Dwerror=true "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
}

echo "== build (gcc -Wall -Wextra -Werror)"
run_build build || status=1
echo "== build with -Db_sanitize=address,undefined"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
  run_build build-asan -Db_sanitize=address,undefined -Db_lundef=false || status=1

results=(build/meson-logs/testlog.json build-asan/meson-logs/testlog.json)
if [ -n "$packaging" ]; then
  echo "== Debian packages: build, lintian, install, try, purge (scripts/package.sh --test)"
  bash scripts/package.sh --test || status=1
  results+=(build-deb/results.tap)
fi

if [ -n "$fuzz" ]; then
  echo "== libFuzzer, ${FUZZ_SECONDS:-20} s a target (scripts/fuzz.sh)"
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash scripts/fuzz.sh || status=1
  results+=(build-fuzz/results.tap)
fi

python3 scripts/count-results.py "${results[@]}" || status=1
exit $status
