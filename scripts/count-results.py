#!/usr/bin/env python3
"""Counts test cases (TAP subtests) across meson test logs and prints the
closing line "N passed, N failed". Exits 1 if anything failed or is missing."""
import json
import re
import sys

passed = failed = 0
missing = False
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"no test log at {path}", file=sys.stderr)
        missing = True
        continue
    for line in lines:
        entry = json.loads(line)
        out = entry.get("stdout") or ""
        ok = len(re.findall(r"^ok \d+", out, re.M))
        not_ok = len(re.findall(r"^not ok \d+", out, re.M))
        if ok == 0 and not_ok == 0:
            ok, not_ok = (1, 0) if entry.get("result") in ("OK", "EXPECTEDFAIL", "SKIP") else (0, 1)
        elif entry.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and not_ok == 0:
            not_ok = 1  # crashed or timed out after its last "ok"
        passed += ok
        failed += not_ok

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or missing or passed == 0 else 0)
