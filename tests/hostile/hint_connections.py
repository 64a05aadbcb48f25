#!/usr/bin/python3
"""hint_connections.py — intake's hint socket holds at most WH_MAX_HINT_CONNECTIONS (issue 10).

Before, nothing bounded the subscribers of a service's hints: each is a connection with libzmq's
buffers and, while it does not read, up to 1,000 hints queued for it.  Now (docs/bus-protocol.md,
sections 6 and 8; common/src/hint_bound.c) the hint socket (an XPUB) counts its connections from their
handshake on, each taking its place with its first subscription, and the ZAP handler refuses an agency's
or operator's handshake (400 "connection limit", audited connection_limit) once they are at the bound;
a service's own is never refused, but counts.  Every count here is the ZAP handler's decision, made one handshake at a time
before anything is sent, so none depends on the machine's speed.

Checked: with OPEN connections there already (intake's wh_bus_hint_connections: the services' own
subscribers), of MAX - OPEN + EXTRA never-reading subscribers of the operator's key, exactly MAX - OPEN
complete their handshake and EXTRA are refused at it (the client's monitor says HANDSHAKE_FAILED_AUTH),
the gauge says MAX, the refused ones are audited and counted, an admitted one gets the heartbeat hint,
and once they are closed the gauge is back at OPEN and a new subscriber is admitted again.

    hint_connections.py GENERATED_PY_DIR MAX [EXTRA]
"""
import os
import subprocess
import sys
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import check, failures, keys_of, metric, server_key  # noqa: E402

MAX = int(sys.argv[2])
EXTRA = int(sys.argv[3]) if len(sys.argv) > 3 else 8
DECIDED_S = 20  # each handshake's outcome, read from its own monitor: an upper bound, not a pace
CTX = zmq.Context()
KEY = keys_of(os.path.join(os.environ["WH_VAR"], "keys", "cli.key"))


def audited(since_ms):
    args = ["psql", "-X", "-qtA", os.environ["WH_TEST_DB_URL"], "-v", "p1=%d" % since_ms]
    sql = ("SELECT coalesce(sum(count), 0) FROM intake.audit_log WHERE decision = 'connection_limit' "
           "AND reason LIKE 'WH_MAX_HINT_CONNECTIONS%' AND at >= to_timestamp(:p1 / 1000.0)")
    out = subprocess.run(args, input=sql, capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


def subscribers(n):
    """n SUBs of the operator's key, never reading, each with its monitor: (admitted, refused, all)."""
    pairs = []
    for _ in range(n):
        s = CTX.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVHWM, 1)
        s.curve_secretkey, s.curve_publickey = KEY
        s.curve_serverkey = server_key().encode()
        s.setsockopt(zmq.SUBSCRIBE, b"")
        mon = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH)
        s.connect(os.environ["WH_INTAKE_HINTS"])
        pairs.append((s, mon))
    admitted, refused = [], []
    for s, mon in pairs:
        ev = None
        while ev is None and mon.poll(DECIDED_S * 1000):
            ev = int.from_bytes(mon.recv_multipart()[0][:2], "little")
        (admitted if ev == zmq.EVENT_HANDSHAKE_SUCCEEDED else refused if ev == zmq.EVENT_HANDSHAKE_FAILED_AUTH
         else []).append(s)
    return admitted, refused, pairs


def close(pairs):
    for s, mon in pairs:
        s.disable_monitor()
        mon.close()
        s.close()


def gauge_settles(want):
    """intake's wh_bus_hint_connections once it reads want (its monitor's events), or its last value."""
    got = metric("wh_bus_hint_connections")
    for _ in range(100):
        if got == want:
            break
        time.sleep(0.1)
        got = metric("wh_bus_hint_connections")
    return int(got)


def main():
    open_before = int(metric("wh_bus_hint_connections"))
    free = MAX - open_before
    check(0 < free <= MAX, "hint connections: %d of %d open before (the services' own)" % (open_before, MAX))
    since = int(time.time() * 1000) - 1000
    limit_before = metric("wh_bus_handshakes_total", 'result="connection_limit"')
    admitted, refused, pairs = subscribers(free + EXTRA)
    check(len(admitted) == free and len(refused) == EXTRA,
          "hint connections: of %d subscribers, %d admitted and %d refused at the handshake (%d and %d)" %
          (free + EXTRA, len(admitted), len(refused), free, EXTRA))
    check(gauge_settles(MAX) == MAX, "hint connections: intake counts %d open (wh_bus_hint_connections)" % MAX)
    counted = metric("wh_bus_handshakes_total", 'result="connection_limit"') - limit_before
    check(counted >= EXTRA, "hint connections: the refused ones counted (connection_limit +%d)" % counted)
    got = 0
    for _ in range(50):  # the audit is written each tick
        got = audited(since)
        if got >= EXTRA:
            break
        time.sleep(0.2)
    check(got >= EXTRA, "hint connections: the refused ones audited (connection_limit: %d)" % got)
    hinted = admitted[-1].poll(5000) != 0  # the heartbeat, once a tick
    check(hinted, "hint connections: an admitted subscriber gets the heartbeat hint")
    close(pairs)
    check(gauge_settles(open_before) == open_before,
          "hint connections: once they are closed intake counts %d again" % open_before)
    again, _, pairs = subscribers(1)
    check(len(again) == 1, "hint connections: then a new subscriber is admitted")
    close(pairs)
    print("hint connections: %d failed" % len(failures), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
