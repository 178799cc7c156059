#!/usr/bin/env python3
# usage: outbox-consumer.py STORE/outbox STATE-FILE — every new event once, across restarts
import glob, json, os, sys
outbox, state = sys.argv[1], sys.argv[2]
last = int(open(state).read()) if os.path.exists(state) else 0
rotated = sorted(glob.glob(outbox + "/events.jsonl.*"), key=lambda name: int(name.rsplit(".", 1)[1]))
for name in [n for n in rotated + [outbox + "/events.jsonl"] if os.path.exists(n)]:
    for line in open(name, encoding="utf-8"):
        try: event = json.loads(line) if line.endswith("\n") else None
        except ValueError: event = None  # a line torn by a crash: never an event
        if event and event["seq"] > last:
            print(event["seq"], event["session_id"], event["status"], event["rep"] or "-", flush=True)  # act here
            last = event["seq"]; open(state + ".tmp", "w").write(str(last)); os.replace(state + ".tmp", state)
