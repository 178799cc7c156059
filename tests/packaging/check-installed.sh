#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks the installed packages purple-omnichannel, omnichannel-cli and
# dynamics-mock as a user has them, from the system paths only: the installed
# dynamics-mock serves its installed organisation, the installed omnichannel
# checks the sign-in and hands a chat and a case off against it, the installed
# man pages match --help, and a headless libpurple (built here from
# tests/tools/purple-headless.c) loads the plugin from the system plugindir
# (an empty user dir, an empty extra plugin dir) and signs in.
#
# Run by the autopkgtest (debian/tests/control) and by
# tests/packaging/install-test.sh. Prints TAP; exits 1 if a check failed.
# Needs gcc, pkg-config and libpurple-dev, groff and python3.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source tests/packaging/tap.sh

tmp=${AUTOPKGTEST_TMP:-}
[ -n "$tmp" ] || { tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; }

export LC_ALL=C.UTF-8
unset LANGUAGE
mock_pid=
stop_mock() { [ -z "$mock_pid" ] || { kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; mock_pid=; }; }

checks() {
  local datadir=/usr/share/purple-omnichannel
  local plugindir
  plugindir=$(pkg-config --variable=plugindir purple)

  tap_run "the programs are installed in /usr/bin" \
    test -x /usr/bin/omnichannel -a -x /usr/bin/dynamics-mock
  tap_run "the plugin is installed in libpurple's plugindir ($plugindir)" \
    test -f "$plugindir/libomnichannel.so"

  # The installed man pages against the installed programs' --help.
  local page
  for page in omnichannel dynamics-mock; do
    local path
    path=$(dpkg -L "$( [ "$page" = omnichannel ] && echo omnichannel-cli || echo "$page")" |
           grep "/man1/$page\.1\.gz$")
    if [ -n "$path" ] && zcat "$path" >"$tmp/$page.1"; then
      tap_run "man $page ($path) matches $page --help" \
        python3 docs/man/check-help.py "/usr/bin/$page" "$tmp/$page.1"
    else
      tap_result 1 "man $page is installed"
    fi
  done

  # The installed mock with its installed default organisation.
  /usr/bin/dynamics-mock --port 0 >"$tmp/mock.out" 2>"$tmp/mock.log" &
  mock_pid=$!
  local url=
  for _ in $(seq 100); do
    url=$(sed -n 's/^URL=//p' "$tmp/mock.out" 2>/dev/null | head -n1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  tap_result "$([ -n "$url" ]; echo $?)" "dynamics-mock --port 0 serves ($url)" "$tmp/mock.log"
  tap_run "dynamics-mock loads the installed organisation $datadir/mock-org.json" \
    grep -q "^dynamics-mock: seed $datadir/mock-org.json," "$tmp/mock.log"
  [ -n "$url" ] || return 1

  local tenant client secret workstream anonymous queue
  eval "$(bash scripts/mock-account.sh "$datadir/mock-org.json" "$url" "$tmp/purple")"

  local cli=(/usr/bin/omnichannel --environment "$url" --authority "$url"
             --tenant-id "$tenant" --client-id "$client" --workstream-id "$workstream"
             --case-queue-id "$queue" --anonymous-contact-id "$anonymous"
             --store "$tmp/store")
  export OMNICHANNEL_CLIENT_SECRET=$secret
  tap_run "omnichannel check signs in to the mock (exit 0)" "${cli[@]}" check
  "${cli[@]}" check --json >"$tmp/check.json" 2>&1
  tap_run "omnichannel check --json says ok with the application user" python3 - "$tmp/check.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["user_id"], d
PY
  "${cli[@]}" --json handoff "$datadir/sessions/web-anonymous.json" "$datadir/sessions/phone.json" \
    >"$tmp/handoff.json" 2>"$tmp/handoff.err"
  tap_result $? "omnichannel handoff of a chat and a case (exit 0)" "$tmp/handoff.err"
  tap_run "the mock holds the conversation and the case the CLI reported" \
    python3 - "$tmp/handoff.json" "$url" <<'PY'
import json, sys, urllib.request
out, url = json.load(open(sys.argv[1])), sys.argv[2]
by_id = {h["session_id"]: h for h in out}
chat, case = by_id["sess_a41d"], by_id["call_19b3"]
assert chat["state"] == "created" and chat["path"] == "conversation", chat
assert case["state"] == "created" and case["path"] == "case" and case["ticket_number"], case
def ids(entity, key):
    rows = json.load(urllib.request.urlopen(f"{url}/_mock/store/{entity}"))
    return {row[key] for row in rows}
assert chat["record_id"] in ids("msdyn_ocliveworkitems", "activityid"), chat
assert case["record_id"] in ids("incidents", "incidentid"), case
PY

  # The installed plugin in a headless libpurple: nothing but the system
  # plugindir can provide it (a fresh user dir, an empty extra plugin dir).
  mkdir -p "$tmp/no-plugins"
  local flags
  read -ra flags <<<"$(pkg-config --cflags --libs purple glib-2.0)"
  tap_run "purple-headless builds against the installed libpurple-dev" \
    gcc -o "$tmp/purple-headless" tests/tools/purple-headless.c tests/common/purple-glib-loop.c \
      -Itests/common "${flags[@]}"
  HOME=$tmp PURPLE_DEBUG=1 timeout 60 "$tmp/purple-headless" --user-dir "$tmp/purple" \
    --plugin-dir "$tmp/no-plugins" --seconds 5 >"$tmp/headless.out" 2>&1
  tap_result $? "purple-headless runs (exit 0)" "$tmp/headless.out"
  local probed
  probed=$(sed -n 's/^([0-9:]*) plugins: probing \(.*libomnichannel\.so\)$/\1/p' "$tmp/headless.out")
  tap_result "$([ "$probed" = "$plugindir/libomnichannel.so" ]; echo $?)" \
    "libpurple loads the plugin from the system plugindir only (probed: ${probed:-none})"
  tap_run "the account signs in through the installed plugin" \
    grep -q "signed on: $url is Active" "$tmp/headless.out"
  tap_run "no copy of the plugin in the user's plugin directory" \
    test ! -e "$tmp/purple/plugins/libomnichannel.so"

  stop_mock
}

trap 'stop_mock; [ -n "${AUTOPKGTEST_TMP:-}" ] || rm -rf "$tmp"' EXIT
tap_main "" checks
