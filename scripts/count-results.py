#!/usr/bin/env python3
"""Counts test cases (TAP subtests) across meson test logs and prints the
closing line "N passed, N failed, N skipped". A skipped test is never counted
as passed. Exits 1 if anything failed or is missing.
A *.tap argument is a TAP file (scripts/package.sh's build-deb/results.tap):
its "ok" and "not ok" lines count, and it must end with a plan that matches
(a missing or cut-short file counts as one failure)."""
import json
import re
import sys

passed = failed = skipped = 0
missing = False
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"no test log at {path}", file=sys.stderr)
        missing = True
        failed += path.endswith(".tap")  # a check that did not report is a failed one
        continue
    if path.endswith(".tap"):
        skip = sum(1 for line in lines if re.match(r"ok\b.*# *SKIP", line, re.I))
        skipped += skip
        ok = sum(1 for line in lines if re.match(r"ok( |$)", line)) - skip
        not_ok = sum(1 for line in lines if re.match(r"not ok( |$)", line))
        plan = re.fullmatch(r"1\.\.(\d+)", lines[-1]) if lines else None
        if plan is None or int(plan.group(1)) != ok + skip + not_ok:
            print(f"{path}: no plan matching its {ok + skip + not_ok} results (cut short?)", file=sys.stderr)
            missing = True
            not_ok += 1
        passed += ok
        failed += not_ok
        continue
    for line in lines:
        entry = json.loads(line)
        out = entry.get("stdout") or ""
        skip = len(re.findall(r"^ok \d+.*# *SKIP", out, re.M | re.I))
        ok = len(re.findall(r"^ok \d+", out, re.M)) - skip
        not_ok = len(re.findall(r"^not ok \d+", out, re.M))
        if ok == 0 and not_ok == 0 and skip == 0:
            if entry.get("result") == "SKIP":
                skip = 1
            else:
                ok, not_ok = (1, 0) if entry.get("result") in ("OK", "EXPECTEDFAIL") else (0, 1)
        elif entry.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and not_ok == 0:
            not_ok = 1  # crashed or timed out after its last "ok"
        passed += ok
        failed += not_ok
        skipped += skip
        if skip:
            print(f"skipped: {entry.get('name')} ({skip})", file=sys.stderr)

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or missing or passed == 0 else 0)
