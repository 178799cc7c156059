#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the mock Dynamics server
# and opens Finch with a Dynamics 365 Omnichannel account signed in to it.
# Without a terminal (or with DEMO_HEADLESS=1) the plugin runs in a headless
# libpurple and prints a timeline instead.
#   DEMO_SECONDS=N   how long the headless run lasts (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null

demo=${DEMO_DIR:-$root/build/demo}
rm -rf "$demo"
mkdir -p "$demo/purple/plugins"
ln -s "$root/build/src/prpl/libomnichannel.so" "$demo/purple/plugins/libomnichannel.so"

# The mock: reps pick conversations up after a few seconds, wrap up and close.
"$root/build/src/mock/dynamics-mock" --port 0 --seed "$root/data/mock-org.json" \
  --assign-after 5 --wrap-up-after 20 --close-after 10 \
  >"$demo/mock.out" 2>"$demo/mock.log" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null; wait $mock_pid 2>/dev/null' EXIT
for _ in $(seq 50); do
  grep -q '^URL=' "$demo/mock.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^URL=//p' "$demo/mock.out" | head -n1)
[ -n "$url" ] || { echo "dynamics-mock did not start; see $demo/mock.log" >&2; exit 1; }

eval "$(bash "$root/scripts/mock-account.sh" "$root/data/mock-org.json" "$url" "$demo/purple")"

# Two sessions wait in the inbox before sign-in (picked up by the scan at
# sign-in); two more arrive a few seconds later (picked up by the monitor).
inbox="$demo/purple/omnichannel/127.0.0.1/inbox"
mkdir -p "$inbox"
drop() { cp "$root/data/sessions/$1" "$inbox/.$1.part" && mv "$inbox/.$1.part" "$inbox/$1"; }
drop web-verified.json
drop phone.json
( sleep 6; drop web-anonymous.json; sleep 2; drop whatsapp.json ) &
dropper=$!
trap 'kill $mock_pid $dropper 2>/dev/null; wait $mock_pid 2>/dev/null' EXIT

echo "Mock Dynamics 365 at $url (log: $demo/mock.log)"
echo "libpurple user dir: $demo/purple"
if [ -z "${DEMO_HEADLESS:-}" ] && [ -t 0 ] && [ -t 1 ]; then
  echo "Starting Finch. Quit with Alt+Q (or Esc, then q)."
  sleep 1
  finch -c "$demo/purple"
else
  "$root/build/tests/tools/purple-headless" --user-dir "$demo/purple" \
    --plugin-dir "$root/build/src/prpl" --seconds "${DEMO_SECONDS:-45}"
  # What landed in (mock) Dynamics: the records as the server holds them.
  python3 - "$url" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
for entity in ("msdyn_ocliveworkitems", "incidents", "msdyn_ocliveworkitemcontextitems", "annotations", "queueitems"):
    rows = json.load(urllib.request.urlopen(f"{base}/_mock/store/{entity}"))
    print(f"\n== {entity}: {len(rows)} record(s)")
    for row in rows:
        print(json.dumps(row, ensure_ascii=False, sort_keys=True))
PY
fi
