#!/usr/bin/python3
"""many_keys.py — as many authenticated connections as intake's bound allows, over many keys, some never
reading (issue 10).

The other measuring scripts load intake through one key (the operator's), which the per-key bound
(WH_MAX_CONNECTIONS_PER_KEY, 32) caps; here the connections are spread over the keys given, within
each key's bound, up to WH_MAX_CONNECTIONS of every key together (--max, the intake's setting; the
worst case its memory bound is for).  First the operator files FILL referrals, so the intake stream
holds more than a FetchEvents reply's worth of events (a 500-event reply ~107 KiB) whatever ran before.
Then the agency keys given (test_hostile.sh adds them to the allow-list with `welfarectl keys
add-agency`, grants welfare.intake.v1.ListProgrammes and stream:intake) open, round robin, the
connections the bound leaves (--max less the connections open on intake, less MARGIN), all held open
together.  One of each key's four (by its index within the key) never reads: a one-message receive
queue and a 4 KiB kernel receive buffer, FETCHES FetchEvents from the start of the stream and a ListProgrammes sent, nothing read.  The
others are well behaved: ROUNDS times a FetchEvents (50 events) and a ListProgrammes, both replies read
before the next round (an UNAVAILABLE resent after its retry_after_ms); they are waited for as long
as replies keep coming (REPLY_WAIT_S without one is a failure, whatever the load), not for a fixed
time.  Then EXTRA connections more, past the bound: refused at their handshake (connection_limit) or
closed (shed), none served.  Checked: every well-behaved connection gets every reply, all of them open
on intake at once, none refused at its handshake nor shed before the extra ones, each extra one
refused or shed and none answered; intake's RSS at most --rss-bound MiB throughout (sampled every
50 ms; 0: printed, not checked) and, once they are all closed, at most the idle goal (16 MiB) or
within IDLE_LEFT_MIB (1.5 MiB) of before — read until it is, for up to 30 s, so a late idle trim is
waited for — (not under SAN: ASan's shadow memory).  An idle intake is 15–16 MiB before any load, 12.5
MiB of it the shared libraries' pages (libcrypto's 3.4 MiB, touched by libpq's SCRAM authentication;
gnutls, libstdc++, libc), so the 16 MiB goal leaves the load ~0.5 MiB, and 1.5 MiB is what is checked.

    many_keys.py GENERATED_PY_DIR INTAKE_PID KEY_FILE… --max CONNECTIONS [--rss-bound MIB] [--rounds N]
"""
import os
import resource
import sys
import threading
import time
import uuid

import zmq

sys.path.insert(0, sys.argv[1])
from welfare.bus.v1 import envelope_pb2, stream_pb2  # noqa: E402
from welfare.intake.v1 import commands_pb2, events_pb2, roster_pb2  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (agency_dealer, check, check_idle_rss, failures, keys_of, metric,  # noqa: E402
                            operator_dealer, rss_mib)

PID = int(sys.argv[2])
ARGS = sys.argv[3:]


def option(name, default):
    if name not in ARGS:
        return default
    i = ARGS.index(name)
    value = ARGS[i + 1]
    del ARGS[i:i + 2]
    return float(value)


MAX = int(option("--max", 0))  # intake's WH_MAX_CONNECTIONS
BOUND_MIB = option("--rss-bound", 0)  # 0: the peak reported, not checked
KEY_FILES = ARGS
GOAL_MIB, IDLE_MIB = 64, 16
IDLE_LEFT_MIB = 1.5  # what the load may leave above an intake idle above 14.5 MiB before (12.5 MiB are libraries)
SANITIZED = os.environ.get("SAN") == "1"
NEVER_READING_EVERY = 4  # one connection of four never reads
FETCHES = 40  # FetchEvents each never-reading connection sends (at most 64 a batch are taken)
FILL = 400  # referrals filed first (each is several events on the intake stream)
ROUNDS = int(option("--rounds", 3))  # rounds of a well-behaved connection (past 128: libzmq's pipes take a new chunk)
REPLY_WAIT_S = 120  # without any reply: intake is stuck, not slow (replies keep coming on a loaded machine)
SERVED_MAX_S = 900  # and at most this long in all
MARGIN = 2  # places left free: a connection of the operator's whose end intake may not have read yet
EXTRA = 16  # connections past the bound
BOUND_METRICS = [("wh_bus_rejected_total", 'reason="resource_exhausted"'),
                 ("wh_bus_rejected_total", 'reason="in_flight"'),
                 ("wh_bus_replies_dropped_total", 'reason="not_reading"')]

# a context of its own, its socket limit set before any socket (Context.instance()'s stays at 1,023),
# two I/O threads for the 1,024 CURVE connections
CTX = zmq.Context(io_threads=2)
CTX.set(zmq.MAX_SOCKETS, MAX + EXTRA + 64)
_, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))  # each socket is a TCP fd and a mailbox


def envelope(req, message_id=None):
    return envelope_pb2.Envelope(message_id=message_id or str(uuid.uuid4()), type=req.DESCRIPTOR.full_name,
                                 time_unix_ms=int(time.time() * 1000),
                                 payload=req.SerializeToString()).SerializeToString()


def fetch(after=0, max_events=0):
    return stream_pb2.FetchEvents(stream="intake", after_sequence=after, max_events=max_events)


class WellBehaved:
    """One well-behaved connection: ROUNDS rounds of a FetchEvents and a ListProgrammes."""

    def __init__(self, sock):
        self.sock, self.round, self.waiting, self.served, self.errors = sock, 0, {}, 0, []
        self.resend = []  # (when, message id, request)
        self.fetched_bytes = 0

    def start_round(self):
        for req in (fetch(0, 50), roster_pb2.ListProgrammes()):
            mid = str(uuid.uuid4())
            self.waiting[mid] = req
            self.sock.send(envelope(req, mid))

    def done(self):
        return self.round >= ROUNDS

    def on_reply(self, frame):
        env = envelope_pb2.Envelope()
        env.ParseFromString(frame)
        mid = env.causation_id  # the reply answers the command whose message_id this is
        req = self.waiting.get(mid)
        if req is None:
            return
        if env.HasField("error"):
            if env.error.retry_after_ms > 0:  # UNAVAILABLE with a hint: the same command again, later
                self.resend.append((time.time() + env.error.retry_after_ms / 1000.0, mid, req))
                return
            self.errors.append("%s: %s" % (req.DESCRIPTOR.name, env.error))
            del self.waiting[mid]
            return
        if req.DESCRIPTOR.name == "FetchEvents":
            self.fetched_bytes = max(self.fetched_bytes, len(env.payload))
        del self.waiting[mid]
        self.served += 1
        if not self.waiting and not self.resend:
            self.round += 1
            if not self.done():
                self.start_round()

    def tick(self, now):
        due = [r for r in self.resend if r[0] <= now]
        self.resend = [r for r in self.resend if r[0] > now]
        for _, mid, req in due:
            self.sock.send(envelope(req, mid))


def rrn(k):
    """A well-formed resident number of someone born 1950-1999 (region digits 96-99: never issued)."""
    d = "%02d%02d%02d%d%02d%03d" % (50 + k % 50, 1 + k % 12, 1 + k % 28, 1 + k % 2, 96 + k % 4, k // 4 % 1000)
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return d[:6] + "-" + d[6:] + str((11 - sum(int(c) * x for c, x in zip(d, w)) % 11) % 10)


def fill_stream():
    """FILL referrals of the operator, so the intake stream holds more than a FetchEvents reply's worth of
    events (FetchEvents replies as large as the stream makes them, whatever ran before)."""
    run, s, waiting, sent, ok = "%d" % (time.time() * 1000 % 10 ** 9), operator_dealer(CTX), set(), 0, 0
    deadline = time.time() + 60
    while (sent < FILL or waiting) and time.time() < deadline:
        while sent < FILL and len(waiting) < 32:
            r = commands_pb2.SubmitReferral(channel=events_pb2.CHANNEL_SELF, reported_on="2026-06-01",
                                            concern="many keys %s" % run)
            r.household.address = "Many-keys-ro %s-%d" % (run, sent)
            r.household.dong_code = os.environ["WH_HOSTILE_DONG"]
            p = r.persons.add()
            p.rrn, p.name = rrn(int(run) % 100000 * 10 + sent), "Many Keys %d" % sent
            mid = str(uuid.uuid4())
            waiting.add(mid)
            s.send(envelope(r, mid))
            sent += 1
        if s.poll(1000):
            env = envelope_pb2.Envelope()
            env.ParseFromString(s.recv_multipart()[-1])
            waiting.discard(env.causation_id)
            ok += not env.HasField("error")
    s.close()
    check(ok == FILL, "many keys: the stream filled first (%d of %d referrals)" % (ok, FILL))


def settled_rss(bound_mib, wait_s=30):
    """intake's RSS once they are gone: read every 0.5 s from 4 s on until at most bound_mib, or wait_s (the
    idle trim comes on a tick after the ends are read, later on a loaded machine)."""
    time.sleep(4)
    deadline = time.time() + wait_s
    while rss_mib(PID) > bound_mib and time.time() < deadline:
        time.sleep(0.5)
    return rss_mib(PID)


def sample(peak, stop):
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mib(PID))
        stop.wait(0.05)


def serve(behaved):
    """The well-behaved connections' rounds, for as long as replies keep coming: (most connections open
    on intake seen, seconds taken)."""
    poller = zmq.Poller()
    by_sock = {}
    for w in behaved:
        poller.register(w.sock, zmq.POLLIN)
        by_sock[w.sock] = w
    most = next_metric = 0.0
    t0 = last_reply = time.time()
    while not all(w.done() for w in behaved):
        now = time.time()
        if now - last_reply > REPLY_WAIT_S or now - t0 > SERVED_MAX_S:
            break
        for sock, _ in poller.poll(100):
            while True:
                try:
                    by_sock[sock].on_reply(sock.recv_multipart(zmq.NOBLOCK)[-1])
                except zmq.Again:
                    break
                last_reply = time.time()
        now = time.time()
        for w in behaved:
            w.tick(now)
        if now >= next_metric:
            most, next_metric = max(most, metric("wh_bus_connections")), now + 1
    return most, time.time() - t0


def past_the_bound(keys):
    """EXTRA connections more, past the bound (as many as places are left may take them — MARGIN, or one
    more if the operator's end was read late): the others each refused at its handshake or shed, and
    none of those answered."""
    room = max(0, MAX - int(metric("wh_bus_connections")))
    refused0 = metric("wh_bus_handshakes_total", 'result="connection_limit"')
    shed0 = metric("wh_bus_connections_shed_total")
    extra = [agency_dealer(CTX, keys[i % len(keys)]) for i in range(EXTRA)]
    unsent = list(extra)
    deadline, turned = time.time() + 60, 0
    while time.time() < deadline and turned < EXTRA - room:  # each one's outcome comes, however slowly
        for s in list(unsent):  # a DEALER takes a message once a handshake has succeeded
            try:
                s.send(envelope(roster_pb2.ListProgrammes()), zmq.NOBLOCK)
                unsent.remove(s)
            except zmq.Again:
                pass
        time.sleep(0.5)
        turned = (metric("wh_bus_handshakes_total", 'result="connection_limit"') - refused0 +
                  metric("wh_bus_connections_shed_total") - shed0)
    answered = sum(1 for s in extra if s not in unsent and s.poll(2000))
    check(turned >= EXTRA - room and answered <= room,
          "many keys: %d connections more at WH_MAX_CONNECTIONS (%d places left): %d handshakes refused or "
          "connections shed, %d answered" % (EXTRA, room, turned, answered))
    return extra


def main():
    check(len(KEY_FILES) > 1 and MAX > 0, "many keys: %d key files given, --max %d" % (len(KEY_FILES), MAX))
    keys = [keys_of(p) for p in KEY_FILES]
    fill_stream()
    time.sleep(1)  # the operator's connection's end read
    before = rss_mib(PID)
    n = MAX - int(metric("wh_bus_connections")) - MARGIN
    shed_before = metric("wh_bus_connections_shed_total")
    limit_before = metric("wh_bus_handshakes_total", 'result="connection_limit"')
    bounds_before = [metric(*m) for m in BOUND_METRICS]
    peak, stop = [before], threading.Event()
    sampler = threading.Thread(target=sample, args=(peak, stop), daemon=True)
    sampler.start()
    good, bad = [], []
    for i in range(n):
        never = i // len(keys) % NEVER_READING_EVERY == 0
        (bad if never else good).append(agency_dealer(CTX, keys[i % len(keys)], never))
    behaved = [WellBehaved(s) for s in good]
    for w in behaved:
        w.start_round()
    for s in bad:  # sent into libzmq's queue; what does not fit waits (NOBLOCK: dropped here)
        for _ in range(FETCHES):
            try:
                s.send(envelope(fetch()), zmq.NOBLOCK)
            except zmq.Again:
                break
        try:
            s.send(envelope(roster_pb2.ListProgrammes()), zmq.NOBLOCK)
        except zmq.Again:
            pass
    most, served_s = serve(behaved)
    time.sleep(3)  # all of them held open a while longer: the never-reading backlog is whatever it will be
    most = max(most, metric("wh_bus_connections"))
    complete = sum(1 for w in behaved if w.done() and not w.errors)
    errors = [e for w in behaved for e in w.errors]
    fetched = max((w.fetched_bytes for w in behaved), default=0)
    check(complete == len(behaved), "many keys: %d of %d well-behaved connections served %d rounds (%.1f s)%s"
          % (complete, len(behaved), ROUNDS, served_s, "; first error: " + errors[0] if errors else ""))
    check(most >= n, "many keys: %d connections open on intake at once, at least the %d" % (most, n))
    refused = metric("wh_bus_handshakes_total", 'result="connection_limit"') - limit_before
    shed = metric("wh_bus_connections_shed_total") - shed_before
    check(refused == 0 and shed == 0, "many keys: none refused at its handshake (%d) nor shed (%d)" % (refused, shed))
    bounds = [metric(*m) - b for m, b in zip(BOUND_METRICS, bounds_before)]
    print("many keys: the bounds made %d UNAVAILABLE (resource_exhausted), %d UNAVAILABLE (in_flight), "
          "%d replies dropped (not_reading)" % tuple(bounds), flush=True)
    extra = past_the_bound(keys)
    busy = peak[0]
    for s in good + bad + extra:
        s.close()
    idle = rss_mib(PID) if SANITIZED else settled_rss(max(IDLE_MIB, before + IDLE_LEFT_MIB))
    stop.set()
    sampler.join()
    print("many keys: intake RSS before %.1f MiB, peak %.1f MiB with %d connections over %d keys (WH_MAX_CONNECTIONS "
          "%d; %d never reading x %d FetchEvents; a 50-event reply %d bytes), idle after %.1f MiB" %
          (before, busy, n, len(keys), MAX, len(bad), FETCHES, fetched, idle), flush=True)
    if SANITIZED:
        print("intake's RSS bounds not checked under ASan (shadow memory and its quarantine of freed blocks)")
    else:
        if BOUND_MIB > 0:
            check(busy <= BOUND_MIB, "many keys: intake's RSS stays at or under %d MiB (peak %.1f MiB)" %
                  (BOUND_MIB, busy))
        elif busy > GOAL_MIB:
            print("many keys: NOT within issue 10's goal: intake's RSS peaked at %.1f MiB, over %d MiB (not "
                  "checked: --rss-bound)" % (busy, GOAL_MIB), flush=True)
        check_idle_rss("many keys", idle, before, IDLE_MIB, IDLE_LEFT_MIB)
    print("many keys: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
