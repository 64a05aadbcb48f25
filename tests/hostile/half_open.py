#!/usr/bin/python3
"""half_open.py — TCP connections that never finish (or never start) their CURVE handshake (issue 10).

Opens N plain TCP connections to intake's command endpoint that send nothing: nobody's connections,
no key yet, so the per-key bound cannot count them.  What docs/bus-protocol.md (section 8) promises:
the command socket holds at most WH_MAX_CONNECTIONS connections — past it one that cannot have sent
anything is closed, here the half-open one accepted longest ago (wh_bus_connections_shed_total, audited
connection_limit without a principal) — and libzmq closes a handshake not done within WH_HANDSHAKE_SECONDS.  Checked, on an
intake started with WH_MAX_CONNECTIONS=MAX (above 1,024) and WH_HANDSHAKE_SECONDS=HANDSHAKE_S:
at most MAX open, the rest shed; intake holding more than 1,024 descriptors still answers /metrics
(libmicrohttpd on epoll, not select); a connection opened before the flood and one opened during it
are served at once; every half-open one closed within HANDSHAKE_S + 5 s; intake's RSS <= 64 MiB
(not under SAN).

    half_open.py GENERATED_PY_DIR INTAKE_PID MAX HANDSHAKE_S [N]
"""
import os
import resource
import select
import socket
import subprocess
import sys
import time

import zmq

sys.path.insert(0, sys.argv[1])  # the classes generated from proto/ (hostile_common.served)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import check, failures, metric, operator_dealer, rss_mib, served  # noqa: E402

PID, MAX, HANDSHAKE_S = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
N = int(sys.argv[5]) if len(sys.argv) > 5 else MAX + 200
BOUND_MIB = 64
_, HARD = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (HARD, HARD))  # N sockets of this process (soft limit often 1,024)
SANITIZED = os.environ.get("SAN") == "1"


def audited_without_principal():
    args = ["psql", "-X", "-qtA", os.environ["WH_TEST_DB_URL"]]
    out = subprocess.run(args, input="SELECT coalesce(sum(count), 0) FROM intake.audit_log WHERE decision = "
                         "'connection_limit' AND principal = ''", capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


CTX = zmq.Context()


def dealer():
    return operator_dealer(CTX)


def half_open(n):
    """n TCP connections to intake's command endpoint that send nothing, opened in waves the size of its
    listen backlog (libzmq's 100), each once intake has taken the one before (beyond the backlog the
    kernel drops SYNs and each connect waits its retransmission, seconds)."""
    host, port = os.environ["WH_INTAKE_BUS"][len("tcp://"):].rsplit(":", 1)
    socks = []
    while len(socks) < n:
        seen = metric("wh_bus_connections") + metric("wh_bus_connections_shed_total")
        wave = min(100, n - len(socks))
        for _ in range(wave):
            s = socket.create_connection((host, int(port)), timeout=5)
            s.setblocking(False)
            socks.append(s)
        for _ in range(40):
            if metric("wh_bus_connections") + metric("wh_bus_connections_shed_total") >= seen + wave:
                break
            time.sleep(0.05)
    return socks


def closed_by_peer(socks):
    """How many of socks the service has closed (end of file or reset); what it sent (its greeting) is
    read and dropped."""
    poller, by_fd, closed = select.poll(), {s.fileno(): s for s in socks}, 0
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    for fd, _ in poller.poll(0):
        try:
            while by_fd[fd].recv(65536):
                pass
            closed += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            closed += 1
    return closed


def main():
    before = old = dealer()
    check(served(old) is not None, "half-open: a connection opened before the flood is served")
    shed_before = metric("wh_bus_connections_shed_total")
    audit_before = audited_without_principal()
    rss_before = peak = rss_mib(PID)
    failed_before = metric("wh_bus_handshakes_total", 'result="failed"')
    t_open = time.time()
    socks = half_open(N)
    t_flood = time.time()
    peak = max(peak, rss_mib(PID))
    fds = len(os.listdir("/proc/%d/fd" % PID))
    open_now = metric("wh_bus_connections")
    shed = metric("wh_bus_connections_shed_total") - shed_before
    timed_out = metric("wh_bus_handshakes_total", 'result="failed"') - failed_before
    check(shed > 0 and shed + timed_out >= N - MAX and open_now <= MAX,
          "half-open: %d connections sending nothing, opened in %.1f s: %d open on intake (at most %d), %d shed, "
          "%d handshakes ended unfinished (at least %d together)" % (N, t_flood - t_open, open_now, MAX, shed, timed_out, N - MAX))
    try:
        text_ok = metric("wh_bus_connections") > 0
    except OSError as e:
        text_ok = False
        print("metrics: %s" % e)
    check(fds > 1024 and text_ok, "half-open: intake holds %d descriptors and /metrics answers" % fds)
    took = [served(old) for _ in range(5)]
    check(all(t is not None for t in took), "half-open: the connection opened before is served during the flood "
          "(%s s)" % ", ".join("%.3f" % t for t in took if t is not None))
    new = dealer()
    t_new = served(new)
    check(t_new is not None, "half-open: a connection opened during the flood is served (%s s)" % (
        "%.3f" % t_new if t_new is not None else "no reply"))
    new.close()
    audit = 0
    for _ in range(20):
        audit = audited_without_principal() - audit_before
        if audit >= N - MAX:
            break
        time.sleep(0.25)
    check(audit >= N - MAX, "half-open: the shed ones audited (connection_limit, no principal: %d)" % audit)
    closed = closed_by_peer(socks)
    while closed < N and time.time() - t_flood < HANDSHAKE_S + 5:  # the last opened at t_flood
        time.sleep(0.5)
        peak = max(peak, rss_mib(PID))
        closed = closed_by_peer(socks)
    check(closed == N, "half-open: %d of %d closed by intake %.1f s after the last was opened (handshake bound "
          "%d s)" % (closed, N, time.time() - t_flood, HANDSHAKE_S))
    time.sleep(1)
    open_after = metric("wh_bus_connections")
    check(open_after <= 16, "half-open: then %d connections open on intake" % open_after)
    print("half-open: %d held, intake RSS %.1f MiB before, peak %.1f MiB" % (N, rss_before, peak), flush=True)
    if not SANITIZED:
        check(peak <= BOUND_MIB, "half-open: intake RSS peak %.1f MiB <= %d MiB" % (peak, BOUND_MIB))
    check(served(before) is not None, "half-open: the connection opened before is served afterwards")
    for s in socks:
        s.close()
    old.close()
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:  # /metrics not answering (urllib) among them
        check(False, "half-open: %s" % e)
        sys.exit(1)
