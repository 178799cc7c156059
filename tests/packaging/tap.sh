# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by scripts/package.sh and tests/packaging/*.sh: results as TAP lines
# without numbers ("ok - what", "not ok - what" + "# detail" lines), which
# scripts/count-results.py counts. The plan line ("1..N") is printed once, by
# tap_plan in the script that owns the results file.

tap_failures=0

# tap_result OK DESCRIPTION [DETAIL-FILE]: OK is 0 for a pass.
tap_result() {
  if [ "$1" -eq 0 ]; then
    echo "ok - $2"
  else
    echo "not ok - $2"
    tap_failures=$((tap_failures + 1))
    if [ -n "${3:-}" ] && [ -s "$3" ]; then
      tail -n 40 "$3" | sed 's/^/# /'
    fi
  fi
}

# tap_run DESCRIPTION COMMAND...: runs COMMAND, output kept for the detail.
# (Its capture file is not named "out": the callers' own $out, the
# package.sh output directory, must stay visible to COMMAND.)
tap_run() {
  local description=$1 tap_capture
  shift
  tap_capture=$(mktemp)
  "$@" >"$tap_capture" 2>&1
  local status=$?
  tap_result $status "$description" "$tap_capture"
  rm -f "$tap_capture"
  return $status
}

# tap_plan FILE: the plan for every result line FILE holds.
tap_plan() {
  echo "1..$(grep -cE '^(not )?ok( |$)' "$1")"
}

# tap_main FILE FUNCTION [ARGS...]: runs FUNCTION, keeping its result lines
# in FILE (none: a temporary file), then prints the plan. Nested (a script
# run by another that prints the plan) it only runs FUNCTION. Returns
# FUNCTION's status, or 1 when any result line is "not ok".
tap_main() {
  local file=$1 status
  shift
  if [ -n "${TAP_NESTED:-}" ]; then
    "$@"
    return
  fi
  [ -n "$file" ] || file=$(mktemp)
  export TAP_NESTED=1
  "$@" | tee "$file"
  status=${PIPESTATUS[0]}
  unset TAP_NESTED
  tap_plan "$file" | tee -a "$file"
  if grep -qE '^not ok( |$)' "$file"; then status=1; fi
  return "$status"
}
