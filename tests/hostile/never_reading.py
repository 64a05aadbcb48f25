#!/usr/bin/python3
"""never_reading.py — intake's memory while consumers ask for events and never read the replies.

Four connections (the operator's key: it may read every stream) each send 2,000 FetchEvents from the
start of the intake stream and read nothing.  Before the per-connection bounds each such connection
cost intake ~107 MB (four: 558 MB).  Intake's resident memory (VmRSS of its process) is sampled while
they push and must stay at or under 64 MiB; a well-behaved reader on its own connection is served
meanwhile; after they close, intake's RSS must be back where it was (within 4 MiB) and at most the idle
bound (16 MiB) — or where it was before they came, when earlier tests (a 100,000-row import) left
intake larger than that: what they cost must be given back, whatever intake held before.

    never_reading.py GENERATED_PY_DIR INTAKE_PID [IDLE_BOUND_MIB]
"""
import os
import subprocess
import sys
import threading
import time
import uuid

import zmq

sys.path.insert(0, sys.argv[1])
from welfare.bus.v1 import envelope_pb2, stream_pb2  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import check, failures, rss_mib, server_key  # noqa: E402

PID = int(sys.argv[2])
IDLE_MIB = float(sys.argv[3]) if len(sys.argv) > 3 else 16
BOUND_MIB = 64
# Under ASan (make SAN=1 exports SAN) intake's RSS is shadow memory and the quarantine that keeps up to
# 256 MiB of freed blocks resident, not ours: the RSS bounds are checked by the plain build's run only.
SANITIZED = os.environ.get("SAN") == "1"
CONNECTIONS, REQUESTS = 4, 2000
KEYS = os.path.join(os.environ["WH_VAR"], "keys")


def dealer():
    with open(os.path.join(KEYS, "cli.key")) as f:
        secret, public = f.read().split()[:2]
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDHWM, 100000)
    s.setsockopt(zmq.RCVHWM, 100000)
    s.curve_secretkey, s.curve_publickey = secret.encode(), public.encode()
    s.curve_serverkey = server_key().encode()
    s.connect(os.environ["WH_INTAKE_BUS"])
    return s


def fetch_frame(after=0):
    req = stream_pb2.FetchEvents(stream="intake", after_sequence=after)
    return envelope_pb2.Envelope(message_id=str(uuid.uuid4()), type=req.DESCRIPTOR.full_name,
                                 payload=req.SerializeToString()).SerializeToString()


def main():
    before = rss_mib(PID)
    peak = [before]
    stop = False

    def sample():
        while not stop:
            peak[0] = max(peak[0], rss_mib(PID))
            time.sleep(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    socks = [dealer() for _ in range(CONNECTIONS)]
    t0 = time.time()
    for i in range(REQUESTS):
        for s in socks:
            s.send(fetch_frame(), zmq.NOBLOCK)
    # a well-behaved reader alongside: its fetches are served while the others never read
    reader, served, after = dealer(), 0, 0
    for _ in range(20):
        reader.send(fetch_frame(after))
        if not reader.poll(10000):
            break
        env = envelope_pb2.Envelope()
        env.ParseFromString(reader.recv_multipart()[-1])
        if env.HasField("error"):
            continue
        reply = stream_pb2.FetchEventsReply()
        reply.ParseFromString(env.payload)
        if reply.events:
            after = reply.events[-1].sequence
        served += 1
        check(len(env.SerializeToString()) <= 256 * 1024 + 4096 or served > 1,
              "a FetchEvents reply is at most 256 KiB (%d bytes, %d events)" % (len(env.payload), len(reply.events)))
    time.sleep(3)  # the backlog is whatever it will be
    check(served == 20, "a reader on its own connection is served meanwhile (%d of 20 fetches)" % served)
    busy = peak[0]
    for s in socks + [reader]:
        s.close()
    time.sleep(4)
    stop = True
    sampler.join()
    idle = rss_mib(PID)
    print("intake RSS: before %.1f MiB, peak %.1f MiB with %d connections x %d unread FetchEvents (%.1f s), "
          "idle after %.1f MiB" % (before, busy, CONNECTIONS, REQUESTS, time.time() - t0, idle))
    if SANITIZED:
        print("intake's RSS bounds not checked under ASan (shadow memory and its quarantine of freed blocks)")
    else:
        check(busy <= BOUND_MIB, "intake's RSS stays at or under %d MiB (peak %.1f MiB)" % (BOUND_MIB, busy))
    # the bounds engaged, and said so: refusals to connections not reading, or replies dropped to them
    out = subprocess.run(["psql", "-X", "-qtA", os.environ["WH_TEST_DB_URL"], "-v", "since=%d" % int(t0 * 1000)],
                         input="SELECT decision || ':' || sum(count) FROM intake.audit_log WHERE principal = 'cli' "
                               "AND decision IN ('resource_exhausted', 'reply_dropped') AND "
                               "at >= to_timestamp(:'since'::bigint / 1000.0) - interval '1 s' GROUP BY decision",
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr)
    out = out.stdout.split()
    print("audited for the never-reading connections: %s" % (" ".join(out) or "nothing"))
    check(len(out) > 0, "the refusals and dropped replies of the never-reading connections are audited")
    idle_bound = max(IDLE_MIB, before + 4)
    if not SANITIZED:
        check(idle <= idle_bound, "intake's RSS is at most %.1f MiB once they are gone (%.1f MiB; %.1f before)"
              % (idle_bound, idle, before))
    print("never-reading: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
