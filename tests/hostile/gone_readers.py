#!/usr/bin/python3
"""gone_readers.py — consumers that queue FetchEvents, never read, and close: no work for them once gone (issue 10).

Each round opens CONNECTIONS connections over the agency keys given (test_hostile.sh's many-NN keys, granted
stream:intake), each with a one-message receive queue and a 4 KiB receive buffer; each sends FETCHES
FetchEvents from the start of the intake stream (replies of up to 256 KiB once many_keys.py has filled it),
reads nothing, and all close at once right after — their FetchEvents still queued in intake.  Before
intake dropped the queries of a connection gone (common/src/peer_gone.c), it fetched and built every one of
them for nobody (~24,000 replies dropped as gone after 256 such connections closed; intake at 0.8-1.2 GiB
for ~20 s).  Meanwhile a well-behaved reader (the operator's key) fetches the stream 50 events at a time
and reads every reply.

Then one round made deterministic: each connection's handshake done (a FetchEvents of one event answered:
a DEALER queues what it sends before its handshake, and a stopped intake completes none), intake is
stopped (SIGSTOP) for at most STOPPED_S, they
send STOPPED_FETCHES FetchEvents each (into intake's kernel buffers) and close, and intake goes on
(SIGCONT): it finds every connection closed with its queries queued, whatever the machine's load (its I/O
thread reads a connection's end together with its messages, long before the batches get through them).

Checked: the reader sees 0 failures and every fetch answered within REPLY_WAIT_S; the FetchEvents were sent;
intake built at most GONE_REPLIES_MAX
replies for connections gone (wh_bus_replies_dropped_total{reason="gone"}: only what a batch had admitted
before the connection's end was known); the stopped round's queries dropped unrun
(wh_bus_queries_dropped_total{reason="gone"}) more than none (in the other rounds they are printed: on a
quiet machine intake answers every query that reached it before the connections close, and none is dropped);
intake's RSS at or under 64 MiB throughout (sampled every 50 ms)
and, once all are gone, back within 4 MiB of before or at most the idle goal (16 MiB).  Not under SAN (RSS
is ASan's there): the RSS checks are skipped.

    gone_readers.py GENERATED_PY_DIR INTAKE_PID KEY_FILE…
"""
import os
import signal
import sys
import threading
import time
import uuid

import zmq

sys.path.insert(0, sys.argv[1])
from welfare.bus.v1 import envelope_pb2, stream_pb2  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_common import (agency_dealer, check, check_idle_rss, failures, keys_of, metric,  # noqa: E402
                            operator_dealer, rss_mib)

PID = int(sys.argv[2])
KEY_FILES = sys.argv[3:]
BOUND_MIB, IDLE_MIB = 64, 16
SANITIZED = os.environ.get("SAN") == "1"
PER_KEY = 4  # connections of each key a round (the per-key bound is 64)
NEVER_MAX_EVENTS = 50  # events each of their FetchEvents asks for (~11 KB a reply): what they cost while open is small
CONNECTIONS = PER_KEY * len(KEY_FILES)
FETCHES = 120  # FetchEvents each sends before closing (intake queues 128 a connection)
ROUNDS = 3
STOPPED_FETCHES = 20  # FetchEvents each connection of the stopped round sends while intake is stopped
STOPPED_S = 1.5  # intake stopped this long at most (the stack's consumers' fetches time out after 5 s)
GONE_REPLIES_MAX = 2 * CONNECTIONS * ROUNDS  # replies built for connections gone, at most
REPLY_WAIT_S = 30
CTX = zmq.Context(io_threads=2)
CTX.set(zmq.MAX_SOCKETS, CONNECTIONS + 64)


def fetch_frame(after=0, max_events=0, message_id=None):
    req = stream_pb2.FetchEvents(stream="intake", after_sequence=after, max_events=max_events)
    return envelope_pb2.Envelope(message_id=message_id or str(uuid.uuid4()), type=req.DESCRIPTOR.full_name,
                                 time_unix_ms=int(time.time() * 1000),
                                 payload=req.SerializeToString()).SerializeToString()


class Reader(threading.Thread):
    """A well-behaved consumer: fetches 50 events at a time, reads each reply, until told to stop."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.served, self.errors, self.slowest = threading.Event(), 0, [], 0.0

    def run(self):
        s, after = operator_dealer(CTX), 0
        while not self.stop.is_set():
            mid, t0 = str(uuid.uuid4()), time.time()
            s.send(fetch_frame(after, 50, mid))
            while True:
                if not s.poll(REPLY_WAIT_S * 1000):
                    self.errors.append("no reply within %d s" % REPLY_WAIT_S)
                    s.close()
                    return
                env = envelope_pb2.Envelope()
                env.ParseFromString(s.recv_multipart()[-1])
                if env.causation_id == mid:
                    break
            self.slowest = max(self.slowest, time.time() - t0)
            if env.HasField("error"):
                if env.error.retry_after_ms > 0:
                    time.sleep(env.error.retry_after_ms / 1000.0)
                    continue
                self.errors.append(str(env.error))
                continue
            reply = stream_pb2.FetchEventsReply()
            reply.ParseFromString(env.payload)
            after = reply.events[-1].sequence if reply.events else 0  # from the start again at the head
            self.served += 1
            time.sleep(0.02)
        s.close()


def writable(socks, secs):
    """Waits until every socket can send (its handshake done: a DEALER has no pipe before), at most secs."""
    poller = zmq.Poller()
    for s in socks:
        poller.register(s, zmq.POLLOUT)
    ready, deadline = set(), time.time() + secs
    while len(ready) < len(socks) and time.time() < deadline:
        for s, _ in poller.poll(100):
            ready.add(s)
            poller.unregister(s)
    return ready


def send_fetches(socks, n):
    """n FetchEvents from the start on each socket, as many as it takes without waiting: how many were sent."""
    sent = 0
    for s in socks:
        for _ in range(n):
            try:
                s.send(fetch_frame(0, NEVER_MAX_EVENTS), zmq.NOBLOCK)
                sent += 1
            except zmq.Again:
                break
    return sent


def one_round(keys):
    """Returns how many FetchEvents were handed to libzmq (a socket whose handshake is not done sends none)."""
    socks = [agency_dealer(CTX, key, True) for key in keys for _ in range(PER_KEY)]
    sent = send_fetches(writable(socks, 15), FETCHES)
    time.sleep(0.2)  # in intake's queues
    for s in socks:
        s.close()
    return sent


def answered(socks, secs):
    """The sockets that got the reply of a FetchEvents of one event within secs: their handshake is done
    and intake has placed them (a DEALER queues what it sends before its handshake, and a stopped intake
    completes none)."""
    ids = {}
    for s in socks:
        ids[s] = str(uuid.uuid4())
        s.send(fetch_frame(0, 1, ids[s]))
    poller, ready, deadline = zmq.Poller(), set(), time.time() + secs
    for s in socks:
        poller.register(s, zmq.POLLIN)
    while len(ready) < len(socks) and time.time() < deadline:
        for s, _ in poller.poll(100):
            env = envelope_pb2.Envelope()
            env.ParseFromString(s.recv_multipart()[-1])
            if env.causation_id == ids[s] and not env.HasField("error"):
                ready.add(s)
                poller.unregister(s)
    return ready


def stopped_round(keys):
    """The round with intake stopped while the connections send and close: how many connections were
    ready, how many FetchEvents they sent, and how many queries intake dropped for them."""
    socks = [agency_dealer(CTX, key, True) for key in keys for _ in range(PER_KEY)]
    ready = answered(socks, REPLY_WAIT_S)
    dropped_before = metric("wh_bus_queries_dropped_total", 'reason="gone"')
    sent = 0
    os.kill(PID, signal.SIGSTOP)
    try:
        sent = send_fetches(ready, STOPPED_FETCHES)
        time.sleep(STOPPED_S / 3)  # the client's I/O thread writes them to intake's kernel buffers
        for s in socks:
            s.close(linger=int(STOPPED_S * 1000 / 3))  # what is still unwritten goes before the end
        time.sleep(STOPPED_S / 2)
    finally:
        os.kill(PID, signal.SIGCONT)
    deadline = time.time() + REPLY_WAIT_S  # intake gets through the queued queries: the counter settles
    dropped, last = 0, -1
    while time.time() < deadline and (dropped == 0 or dropped != last):
        time.sleep(1)
        last, dropped = dropped, metric("wh_bus_queries_dropped_total", 'reason="gone"') - dropped_before
    return len(ready), sent, dropped


def main():
    check(len(KEY_FILES) > 0, "gone readers: %d key files given" % len(KEY_FILES))
    keys = [keys_of(p) for p in KEY_FILES]
    before = rss_mib(PID)
    gone_replies_before = metric("wh_bus_replies_dropped_total", 'reason="gone"')
    dropped_before = metric("wh_bus_queries_dropped_total", 'reason="gone"')
    peak, stop = [before], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mib(PID))
            stop.wait(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    reader = Reader()
    reader.start()
    t0 = time.time()
    sent = 0
    for _ in range(ROUNDS):
        sent += one_round(keys)
        time.sleep(2)
    time.sleep(5)  # whatever intake still does for them, it does now
    dropped_free = metric("wh_bus_queries_dropped_total", 'reason="gone"') - dropped_before
    stopped_ready, stopped_sent, stopped_dropped = stopped_round(keys)
    print("gone readers: with intake stopped, %d connections sent %d FetchEvents and closed: %d dropped unrun"
          % (stopped_ready, stopped_sent, stopped_dropped), flush=True)
    time.sleep(2)
    reader.stop.set()
    reader.join(REPLY_WAIT_S + 5)
    stop.set()
    sampler.join()
    idle = rss_mib(PID)
    gone_replies = metric("wh_bus_replies_dropped_total", 'reason="gone"') - gone_replies_before
    print("gone readers: %d rounds of %d connections x %d FetchEvents closed unread (%d sent, %.1f s): %d queries "
          "dropped unrun, %d replies built for connections gone; intake RSS before %.1f MiB, peak %.1f MiB, idle "
          "after %.1f MiB; the reader served %d fetches, the slowest in %.2f s"
          % (ROUNDS, CONNECTIONS, FETCHES, sent, time.time() - t0, dropped_free, gone_replies, before, peak[0], idle,
             reader.served, reader.slowest), flush=True)
    check(sent >= ROUNDS * CONNECTIONS, "gone readers: the connections' FetchEvents were sent (%d)" % sent)
    check(not reader.errors and reader.served > 0, "gone readers: a well-behaved reader alongside served %d fetches, "
          "%d failures%s" % (reader.served, len(reader.errors), "; first: " + reader.errors[0] if reader.errors else ""))
    check(stopped_sent >= stopped_ready * STOPPED_FETCHES // 2 and stopped_ready >= CONNECTIONS // 2,
          "gone readers: with intake stopped, %d of %d connections sent %d FetchEvents"
          % (stopped_ready, CONNECTIONS, stopped_sent))
    check(stopped_dropped > 0, "gone readers: intake dropped unrun the queries of connections that closed while "
          "it was stopped (%d)" % stopped_dropped)
    if dropped_free == 0:  # every query that reached intake was answered while its connection was still open
        print("gone readers: no query waited for a connection gone this run (a quiet machine answers them "
              "first; the rest never left the closed sockets): the drop path was not exercised", flush=True)
    check(gone_replies <= GONE_REPLIES_MAX, "gone readers: intake built at most %d replies for connections gone (%d)"
          % (GONE_REPLIES_MAX, gone_replies))
    if SANITIZED:
        print("intake's RSS bounds not checked under ASan (shadow memory and its quarantine of freed blocks)")
    else:
        check(peak[0] <= BOUND_MIB, "gone readers: intake's RSS stays at or under %d MiB (peak %.1f MiB)"
              % (BOUND_MIB, peak[0]))
        check_idle_rss("gone readers", idle, before, IDLE_MIB)
    print("gone readers: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
