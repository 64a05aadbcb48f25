#!/usr/bin/python3
"""address_flood.py — a flood of half-open connections from one address does not close another's (issue 10).

Intake runs with WH_MAX_CONNECTIONS=TOTAL and WH_MAX_HANDSHAKES_PER_ADDRESS=PER (test_hostile.sh) and a
handshake bound longer than this test.  Another address (127.0.0.3) first opens OTHERS plain TCP
connections that never start their handshake — peers whose handshakes are still under way, the oldest
waiting connections on the socket — and a CURVE client that is served.  Then one address (127.0.0.2)
opens N plain TCP connections that send nothing, more than TOTAL.  Checked: every one of the other
address's connections still open after the flood (without the per-address bound, the bound on all
connections closes the oldest waiting first: those), at most PER of the flood's still open, the ones
shed audited (connection_limit) naming the flood's address, and the other address's client served
during and after the flood.

    address_flood.py GENERATED_PY_DIR TOTAL PER [N]
"""
import os
import resource
import socket
import subprocess
import sys
import time

import zmq

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import check, failures, metric, operator_dealer, served  # noqa: E402

TOTAL, PER = int(sys.argv[2]), int(sys.argv[3])
N = int(sys.argv[4]) if len(sys.argv) > 4 else 2 * TOTAL
OTHERS, FLOODER, OTHER = 50, "127.0.0.2", "127.0.0.3"
_, HARD = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (HARD, HARD))
HOST, PORT = os.environ["WH_INTAKE_BUS"][len("tcp://"):].rsplit(":", 1)
CTX = zmq.Context()


def plain(source):
    """A TCP connection to intake's command endpoint from source that never sends."""
    s = socket.socket()
    s.bind((source, 0))
    s.setblocking(False)
    s.connect_ex((HOST, int(PORT)))
    return s


def still_open(s):
    """True while intake has not closed s (its greeting read and dropped)."""
    while True:
        try:
            if s.recv(65536) == b"":
                return False
        except BlockingIOError:
            return True
        except OSError:
            return False


def audited(address):
    args = ["psql", "-X", "-qtA", os.environ["WH_TEST_DB_URL"], "-v", "p1=%" + address + "%"]
    out = subprocess.run(args, input="SELECT coalesce(sum(count), 0) FROM intake.audit_log WHERE decision = "
                         "'connection_limit' AND principal = '' AND reason LIKE :'p1'",
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


def main():
    shed_before = metric("wh_bus_connections_shed_total")
    client = operator_dealer(CTX, "tcp://%s:0;%s:%s" % (OTHER, HOST, PORT))
    check(served(client) is not None, "address flood: a client of %s is served before the flood" % OTHER)
    others = [plain(OTHER) for _ in range(OTHERS)]
    time.sleep(1)  # accepted: the oldest connections waiting on the socket
    flood = []
    for _ in range(0, N, 100):  # in waves of ZMQ_BACKLOG (100)
        flood += [plain(FLOODER) for _ in range(min(100, N - len(flood)))]
        time.sleep(0.2)
    check(served(client) is not None, "address flood: the client of %s is served during the flood" % OTHER)
    time.sleep(2)
    others_open = sum(still_open(s) for s in others)
    flood_open = sum(still_open(s) for s in flood)
    shed = metric("wh_bus_connections_shed_total") - shed_before
    check(others_open == OTHERS, "address flood: %d of %d connections of %s still open after %d from %s (%d shed)"
          % (others_open, OTHERS, OTHER, N, FLOODER, shed))
    check(flood_open <= PER, "address flood: %d of the %d of %s open, at most %d" % (flood_open, N, FLOODER, PER))
    audit = 0
    for _ in range(10):  # the audit is written each tick
        audit = audited(FLOODER)
        if audit >= N - PER:
            break
        time.sleep(0.5)
    check(audit >= N - PER, "address flood: the shed ones audited naming %s (connection_limit: %d, at least %d)"
          % (FLOODER, audit, N - PER))
    for s in others + flood:
        s.close()
    check(served(client) is not None, "address flood: the client of %s is served afterwards" % OTHER)
    client.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
