#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""omnichannel serve against a real broker (RabbitMQ + rabbitmq_amqp1_0,
started here on its own ports and directory) and dynamics-mock.

Part 1: valid, invalid and conflicting sessions through one consumer:
records created exactly once, invalid ones dead-lettered and their reasons
logged, outcome events published, the queue empty, a clean SIGTERM exit.
amqps://: a TLS listener with a self-signed certificate made here is refused
(GIO validates it; nothing is consumed), and serve still stops cleanly.
Part 2 (bounded crash test): 3 consumers, some hundreds of sessions (10 %
invalid), consumers SIGKILLed and restarted at random moments with faults
injected → exactly one record per valid session, the invalid ones
dead-lettered, the queue empty.
Exit 77 (skip) only when no broker can be started here."""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

CLI = os.environ["OMNICHANNEL_CLI"]
MOCK = os.environ["DYNAMICS_MOCK"]
SEED = os.environ["MOCK_SEED"]
TOOL = os.environ["AMQP_TOOL"]
BROKER = os.environ["BROKER_SH"]

work = tempfile.mkdtemp(prefix="oc-amqp-")
failures = []
began = time.monotonic()
# meson's timeout sends SIGTERM: stop the broker and the consumers all the same
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
# Under AddressSanitizer everything is several times slower: fewer sessions.
sanitized = "ASAN_OPTIONS" in os.environ


def check(condition, what):
    print(("ok - " if condition else "not ok - ") + what, flush=True)
    if not condition:
        failures.append(what)


def broker(*args, check_rc=True):
    return subprocess.run([BROKER, args[0], os.path.join(work, "broker")] + list(args[1:]),
                          capture_output=True, text=True, check=check_rc)


def queue_depth(name):
    out = broker("ctl", "list_queues", "name", "messages").stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return int(parts[1])
    return None


def unacked(name):
    out = broker("ctl", "list_queues", "name", "messages_unacknowledged").stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return int(parts[1])
    return None


def drain(address, idle_ms=1500):
    out = subprocess.run([TOOL, "drain", amqp_host, address, str(idle_ms)], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[-1].startswith("count ")
    return out[:-1], int(out[-1].split()[1])


def send(address, files):
    subprocess.run([TOOL, "send", amqp_host, address] + files, check=True)


def mock_get(path):
    with urllib.request.urlopen(mock_url + path) as answer:
        return json.load(answer)


def mock_post(path, body):
    request = urllib.request.Request(mock_url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return answer.status


def titles():
    counts = {}
    for row in mock_get("/_mock/store/msdyn_ocliveworkitems"):
        title = row.get("msdyn_title") or ""
        counts[title] = counts.get(title, 0) + 1
    return counts


def write_session(directory, name, document, suffix=".json"):
    path = os.path.join(directory, name + suffix)
    with open(path, "w") as f:
        f.write(document if isinstance(document, str) else json.dumps(document))
    return path


def session(sid, title):
    return {"id": sid, "channel": "web", "summary": title,
            "transcript": [{"role": "customer", "text": "hello", "time": "2026-12-02T08:00:00Z"}]}


class Serve:
    def __init__(self, name, queue, outcomes=None, extra=(), url=None):
        self.name, self.queue, self.outcomes, self.extra = name, queue, outcomes, list(extra)
        self.url = url
        self.store = os.path.join(work, "store-" + name)
        self.log_path = os.path.join(work, name + ".log")
        self.process = None

    def start(self, env_extra=None):
        args = [CLI, "--environment", mock_url, "--authority", mock_url, "--tenant-id", seed["tenant"]["id"],
                "--client-id", seed["application"]["client_id"], "--store", self.store,
                "--workstream-id", seed["workstreams"][0]["msdyn_liveworkstreamid"]]
        if self.queue:
            args += ["--amqp", self.url or "amqp://" + amqp_host, "--queue", self.queue]
        if self.outcomes:
            args += ["--outcomes", self.outcomes]
        args += self.extra
        env = dict(os.environ, OMNICHANNEL_CLIENT_SECRET=seed["application"]["client_secret"])
        env.update(env_extra or {})
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(args + ["serve"], stdout=log, stderr=log, env=env)
        log.close()

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        if self.running():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def terminate(self):
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(timeout=20)
        return self.process.returncode

    def log(self):
        with open(self.log_path) as f:
            return f.read()


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


# ---- the broker and the mock ----
os.makedirs(os.path.join(work, "broker", "tls"))
# A self-signed certificate for the broker's TLS listener (amqps://): nobody
# trusts it, so serve must refuse it (GIO's validation is never turned off).
tls_made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=127.0.0.1", "-keyout", os.path.join(work, "broker", "tls", "key.pem"),
                           "-out", os.path.join(work, "broker", "tls", "cert.pem")],
                          capture_output=True).returncode == 0
started = broker("start", check_rc=False)
if started.returncode != 0:
    print("# SKIP: no AMQP 1.0 broker could be started here: " + started.stderr.strip(), flush=True)
    sys.exit(77)
ports = dict(line.split("=", 1) for line in started.stdout.split() if "=" in line)
amqp_port = int(ports["AMQP_PORT"])
amqp_host = "127.0.0.1:%d" % amqp_port
amqps_port = int(ports["AMQPS_PORT"]) if "AMQPS_PORT" in ports else None
with open(SEED) as f:
    seed = json.load(f)
mock = subprocess.Popen([MOCK, "--port", "0", "--seed", SEED, "--assign-after", "0"], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True)
first = mock.stdout.readline().strip()
assert first.startswith("URL="), first
mock_url = first[4:]
consumers = []

try:
    # Rejected messages go to a dead-letter queue, as on Service Bus.
    broker("ctl", "set_policy", "dlx", "^(intake|crash)$",
           '{"dead-letter-exchange":"","dead-letter-routing-key":"dead"}', "--apply-to", "queues")
    drain("/queue/dead", 200)   # declares it
    drain("/queue/outcomes", 200)

    # ---- part 1: one consumer, every kind of message ----
    d1 = os.path.join(work, "part1")
    os.makedirs(d1)
    valid = {"amqp-a": "Part one A", "amqp-b": "Part one B", "amqp-c": "Part one C"}
    files = [write_session(d1, sid, session(sid, title)) for sid, title in valid.items()]
    files.append(write_session(d1, "amqp-s", session("amqp-s", "Part one S"), ".string"))
    valid["amqp-s"] = "Part one S"
    invalid = [
        (write_session(d1, "nojson", "this is not JSON"), "JSON"),
        (write_session(d1, "nochannel", {"id": "amqp-x"}), "channel"),
        (write_session(d1, "empty", "", ".nobody"), "body: "),
        (write_session(d1, "list", json.dumps(session("amqp-l", "L")), ".list"), "amqp-sequence"),
        (write_session(d1, "big", session("amqp-big", "x" * (1100 * 1024))), "1048576"),
        (write_session(d1, "conflict", session("amqp-a", "Part one A, other content")), "conflict"),
    ]
    # the conflicting document comes after the first one (same queue, in order)
    send("/queue/intake", files)
    send("/queue/intake", [path for path, _ in invalid])
    # a redelivered duplicate with the same content is no conflict
    send("/queue/intake", [files[1]])

    # SASL PLAIN, the password from a file
    password_file = os.path.join(work, "amqp-password")
    with open(password_file, "w") as f:
        f.write("guest\n")
    one = Serve("one", "/queue/intake", "/queue/outcomes",
                extra=["--amqp-user", "guest", "--amqp-password-file", password_file])
    consumers.append(one)
    one.start()
    done = wait_for(lambda: queue_depth("intake") == 0 and all(titles().get(t) == 1 for t in valid.values()), 40)
    check(done, "part 1: every valid session handed off and the queue drained")
    counts = titles()
    for sid, title in valid.items():
        check(counts.get(title) == 1, "part 1: exactly one record for %s (got %s)" % (sid, counts.get(title)))
    check("Part one A, other content" not in counts, "part 1: a conflicting document does not overwrite the record")
    _, dead = drain("/queue/dead")
    check(dead == len(invalid), "part 1: %d invalid messages dead-lettered (got %d)" % (len(invalid), dead))
    log = one.log()
    for path, reason in invalid:
        check(reason in log, "part 1: the log gives the reason for %s (%s)" % (os.path.basename(path), reason))
    check("as guest" in log, "part 1: signed in to the broker with SASL PLAIN as guest")
    # The broker drops the connection: serve reconnects (backoff) and goes on.
    broker("ctl", "close_all_connections", "test: connection dropped")
    send("/queue/intake", [write_session(d1, "amqp-after", session("amqp-after", "Part one after reconnect"))])
    done = wait_for(lambda: titles().get("Part one after reconnect") == 1 and queue_depth("intake") == 0, 30)
    log = one.log()
    check(done and "AMQP connection lost" in log and log.count("AMQP: consuming") >= 2,
          "part 1: reconnects after the broker dropped the connection, and goes on")

    # Dynamics failing: the message stays unsettled, with no record, until it exists.
    mock_post("/_mock/faults", {"method": "POST", "path_contains": "msdyn_ocliveworkitems", "status": 503,
                                "count": 1000})
    send("/queue/intake", [write_session(d1, "amqp-held", session("amqp-held", "Part one held"))])
    held = wait_for(lambda: unacked("intake") == 1, 15)
    time.sleep(2)   # retries happen meanwhile
    check(held and unacked("intake") == 1 and "Part one held" not in titles(),
          "part 1: a message is held unsettled while Dynamics fails")
    # SIGTERM while holding it: released (back in the queue, nothing unsettled), exit 0
    status = one.terminate()
    check(status == 0, "part 1: serve exits 0 on SIGTERM while holding a message (got %s)" % status)
    check(queue_depth("intake") == 1 and unacked("intake") == 0,
          "part 1: the held message was released back to the queue")
    urllib.request.urlopen(urllib.request.Request(mock_url + "/_mock/faults", method="DELETE")).close()
    one.start()
    done = wait_for(lambda: titles().get("Part one held") == 1 and queue_depth("intake") == 0, 30)
    check(done, "part 1: after a restart, accepted once its record exists")

    status = one.terminate()
    check(status == 0, "part 1: serve exits 0 on SIGTERM (got %s)" % status)
    check("stopped" in one.log(), "part 1: serve logs its stop")
    events = [json.loads(line) for line in drain("/queue/outcomes")[0] if line.strip()]
    seen = {e["session_id"] for e in events}
    check(set(valid) | {"amqp-held", "amqp-after"} <= seen, "part 1: outcome events for every handed-off session")
    held_events = [e["status"] for e in events if e["session_id"] == "amqp-held"]
    check(held_events[:1] == ["handing-off"] and held_events[-1] != "handing-off",
          "part 1: the outcome events follow the handoff (handing-off, then created)")
    keys = {"session_id", "record_id", "ticket_number", "kind", "status", "rep", "queue", "reason", "at", "seq"}
    check(all(set(e) == keys for e in events), "part 1: outcome events carry exactly the outbox fields")
    seqs = [e["seq"] for e in events]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "part 1: seq strictly increases")
    check(queue_depth("intake") == 0, "part 1: the queue is empty at the end")

    # a foreign record (another consumer's) is neither logged nor announced here
    handed = [line.split("handed off ")[1].split(":")[0] for line in log.splitlines() if "handed off " in line]
    check(sorted(handed) == sorted(set(valid) | {"amqp-after"}), "part 1: one log line per handoff (%s)" % handed)

    # ---- the directory intake, brokerless: --inbox DIR ----
    drop_dir = os.path.join(work, "drop")
    dropper = Serve("drop", None, extra=["--inbox", drop_dir])
    dropper.start()
    check(wait_for(lambda: os.path.isdir(os.path.join(drop_dir, "inbox")), 15), "--inbox: DIR/inbox/ is created")
    for name, document in (("good", session("drop-good", "Dropped in the inbox")), ("bad", {"id": "drop-bad"})):
        staged = write_session(drop_dir, name, document)
        os.rename(staged, os.path.join(drop_dir, "inbox", name + ".json"))
    done = wait_for(lambda: titles().get("Dropped in the inbox") == 1 and
                    os.path.exists(os.path.join(drop_dir, "rejected", "bad.json.reason")), 20)
    check(done, "--inbox: a document moved in is handed off, a bad one goes to rejected/ with its reason")
    check(dropper.terminate() == 0 and "rejected bad.json" in dropper.log(), "--inbox: logged, clean exit")

    # ---- refusals: wrong password, a queue that does not exist ----
    wrong = Serve("wrong", "/queue/intake", extra=["--amqp-user", "guest"])
    wrong.start({"OMNICHANNEL_AMQP_PASSWORD": "not-the-Passw0rd"})
    status = wrong.process.wait(timeout=30)
    log = wrong.log()
    check(status == 1, "refused sign-in: serve exits 1 (got %s)" % status)
    check("user guest" in log and "amqp:unauthorized-access" in log,
          "refused sign-in: the log names the user and the broker's condition")
    check("not-the-Passw0rd" not in log, "refused sign-in: the password is not in the log")
    nowhere = Serve("nowhere", "/amq/queue/no-such-queue")
    nowhere.start()
    status = nowhere.process.wait(timeout=30)
    log = nowhere.log()
    check(status == 1, "missing queue: serve exits 1 (got %s)" % status)
    check("amqp:not-found" in log, "missing queue: the log gives the broker's condition")

    # ---- amqps:// (TLS through GIO) to a broker whose certificate nobody trusts ----
    check(tls_made and amqps_port is not None, "amqps: the broker has a TLS listener with a self-signed certificate")
    if amqps_port is not None:
        untrusted = Serve("tls", "/queue/intake", url="amqps://127.0.0.1:%d" % amqps_port)
        untrusted.start()
        refused = wait_for(lambda: "AMQP connection lost" in untrusted.log(), 20)
        log = untrusted.log()
        check(refused and "certificate" in log.lower() and "consuming" not in log,
              "amqps: an untrusted certificate is refused (TLS handshake through GIO), never consumed from")
        check(untrusted.terminate() == 0, "amqps: serve still exits 0 on SIGTERM")

    # ---- part 2: three consumers killed and restarted at random ----
    d2 = os.path.join(work, "part2")
    os.makedirs(d2)
    rng = random.Random(int(os.environ.get("AMQP_CRASH_SEED", "11")))
    print("# part 1 and refusals: %.0f s" % (time.monotonic() - began), flush=True)
    total, bad = (200, 20) if sanitized else (500, 50)
    bad_at = set(rng.sample(range(total), bad))
    files, crash_valid = [], {}
    for i in range(total):
        sid = "crash-%04d" % i
        if i in bad_at:
            files.append(write_session(d2, sid, {"id": sid, "channel": "web", "summary": 7}))
        else:
            crash_valid[sid] = "Crash test %04d" % i
            files.append(write_session(d2, sid, session(sid, crash_valid[sid])))
    # transient Dynamics failures and dropped connections (ambiguous: was it created?) on the creates
    creates = "msdyn_ocliveworkitems"
    mock_post("/_mock/faults", [{"method": "POST", "path_contains": creates, "status": 503, "count": 15},
                                {"method": "POST", "path_contains": creates, "drop": True, "count": 10,
                                 "phase": "after"},
                                {"method": "POST", "path_contains": creates, "status": 429, "count": 10,
                                 "retry_after": "1"}])
    # few messages held each, so that kills land while work is in flight
    consumers = [Serve("c%d" % i, "/queue/crash", extra=["--max-unsettled", "4"]) for i in range(3)]
    for c in consumers:
        c.start()
    # Sessions keep arriving while consumers are SIGKILLed and restarted at
    # random moments (bounded: 10 batches, then at most 20 s more).
    kills = 0
    batches = [files[i:i + total // 10] for i in range(0, len(files), total // 10)]
    chaos_until = None
    while batches or (time.monotonic() < chaos_until and queue_depth("crash") != 0):
        if batches:
            send("/queue/crash", batches.pop(0))
            if not batches:
                chaos_until = time.monotonic() + 20
        time.sleep(rng.uniform(0.2, 1.0))
        if rng.random() < 0.7:
            victim = rng.choice(consumers)
            victim.kill()
            kills += 1
            time.sleep(rng.uniform(0, 0.5))
            victim.start()
    for c in consumers:
        if not c.running():
            c.start()
    done = wait_for(lambda: queue_depth("crash") == 0, 45)
    print("# part 2: %d SIGKILLs" % kills, flush=True)
    check(done, "part 2: the queue drained")
    wait_for(lambda: all(titles().get(t, 0) >= 1 for t in crash_valid.values()), 20)
    statuses = [c.terminate() for c in consumers]
    check(all(s == 0 for s in statuses), "part 2: every consumer exits 0 on SIGTERM (got %s)" % statuses)
    counts = titles()
    missing = [t for t in crash_valid.values() if counts.get(t, 0) == 0]
    duplicated = [t for t in crash_valid.values() if counts.get(t, 0) > 1]
    check(not missing, "part 2: a record for every valid session (%d missing)" % len(missing))
    check(not duplicated, "part 2: no duplicates (%d duplicated)" % len(duplicated))
    _, dead = drain("/queue/dead")
    check(dead == bad, "part 2: %d invalid sessions dead-lettered (got %d)" % (bad, dead))
    check(queue_depth("crash") == 0, "part 2: the queue is empty at the end")
    print("# all: %.0f s" % (time.monotonic() - began), flush=True)
finally:
    for c in consumers:
        c.kill()
    mock.kill()
    mock.wait()
    broker("stop", check_rc=False)

if failures:
    print("# logs in " + work, flush=True)
    sys.exit(1)
subprocess.run(["rm", "-rf", work])
sys.exit(0)
