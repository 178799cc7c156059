#!/usr/bin/env bash
# Bounded libFuzzer run: builds the fuzz targets of tests/fuzz with clang
# (-Dfuzz=true: libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) in
# build-fuzz and runs each for FUZZ_SECONDS (default 60) seconds, starting
# from its corpus. New inputs go to build-fuzz/fuzz-work/TARGET (the corpus in
# the tree is only read); a crash is kept in build-fuzz/fuzz-crashes/TARGET/.
# Prints executions and crashes per target, writes the same as TAP to
# build-fuzz/results.tap (counted by scripts/count-results.py when
# scripts/test.sh --fuzz runs it); exits 1 if anything crashed.
#   scripts/fuzz.sh [TARGET…]      e.g. FUZZ_SECONDS=10 scripts/fuzz.sh json token
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh --fuzz || exit 1
seconds=${FUZZ_SECONDS:-60}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in tests/fuzz/fuzz-*.c; do
    name=$(basename "$f" .c); name=${name#fuzz-}
    [ "$name" = common ] || targets+=("$name")
  done
fi

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true >/dev/null || exit 1
fi
ninja -C build-fuzz "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null || { ninja -C build-fuzz "${targets[@]/#/tests/fuzz/fuzz-}"; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0

status=0
total=0
tap=build-fuzz/results.tap
: >"$tap"
n=0
printf '%-12s %12s %8s %s\n' target executions new result
for t in "${targets[@]}"; do
  work=build-fuzz/fuzz-work/$t crashes=build-fuzz/fuzz-crashes/$t log=build-fuzz/fuzz-work/$t.log
  mkdir -p "$work" "$crashes"
  seeds=(); [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  build-fuzz/tests/fuzz/fuzz-"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  added=$(awk '/stat::new_units_added/ {print $2}' "$log")
  found=$(find "$crashes" -type f | wc -l)
  if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
    result="0 crashes"
  else
    result="CRASH (exit $rc): $(find "$crashes" -type f | head -3 | tr '\n' ' ')see $log"
    status=1
  fi
  printf '%-12s %12s %8s %s\n' "$t" "${execs:-?}" "${added:-?}" "$result"
  n=$((n + 1))
  if [ "$result" = "0 crashes" ] && [ -n "$execs" ]; then
    echo "ok $n - libFuzzer $t: $execs executions in $seconds s, 0 crashes" >>"$tap"
  else
    echo "not ok $n - libFuzzer $t: $result" >>"$tap"
  fi
  total=$((total + ${execs:-0}))
done
echo "1..$n" >>"$tap"
echo "total: $total executions in ${#targets[@]} targets of ${seconds} s"
exit $status
