#!/usr/bin/python3
"""many_connections.py — what N connections of one key cost intake (a measurement, not a check).

Opens N DEALERs with the operator's key (cli), each sending one FetchEvents; the first
WH_MAX_CONNECTIONS_PER_KEY are served, the rest refused (UNAVAILABLE) and left open.  Prints intake's
resident memory before, its peak and CPU while they are held 10 s, and after they close.  Needs a
running stack's environment (WH_VAR, WH_ALLOWLIST_FILE, WH_INTAKE_BUS), e.g. as a script given to
tests/integration/run.sh (docs/benchmarks.md, "Many connections of one key"):

    many_connections.py GENERATED_PY_DIR INTAKE_PID N
"""
import os, resource, sys, time, uuid
import zmq
sys.path.insert(0, sys.argv[1])
from welfare.bus.v1 import envelope_pb2, stream_pb2
PID = int(sys.argv[2]); N = int(sys.argv[3])
KEYS = os.path.join(os.environ["WH_VAR"], "keys")
def rss():
    for l in open("/proc/%d/status" % PID):
        if l.startswith("VmRSS:"): return int(l.split()[1]) / 1024.0
def server_key():
    for l in open(os.environ["WH_ALLOWLIST_FILE"]):
        t = l.split()
        if t and t[0] == "intake": return t[2]
sec, pub = open(os.path.join(KEYS, "cli.key")).read().split()[:2]
# a context of its own, its socket limit set before any socket: Context.instance()'s stays at 1,023
ctx = zmq.Context(); ctx.set(zmq.MAX_SOCKETS, N + 16)
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # N connections of this process
fetch = envelope_pb2.Envelope(message_id="m1", type="welfare.bus.v1.FetchEvents", producer="m",
    time_unix_ms=int(time.time()*1000), payload=stream_pb2.FetchEvents(stream="intake", after_sequence=0, max_events=1).SerializeToString())
print("before %.1f MiB" % rss(), flush=True)
socks = []
for i in range(N):
    s = ctx.socket(zmq.DEALER); s.setsockopt(zmq.LINGER, 0)
    s.curve_secretkey, s.curve_publickey, s.curve_serverkey = sec.encode(), pub.encode(), server_key().encode()
    s.connect(os.environ["WH_INTAKE_BUS"]); socks.append(s)
for s in socks:
    fetch.message_id = str(uuid.uuid4()); s.send(fetch.SerializeToString())
ok = refused = 0
for s in socks:
    if s.poll(10000):
        e = envelope_pb2.Envelope(); e.ParseFromString(s.recv_multipart()[-1])
        if e.HasField("error"): refused += 1
        else: ok += 1
def cpu():
    f = open("/proc/%d/stat" % PID).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0 = cpu(); peak = 0
for _ in range(20):
    time.sleep(0.5); peak = max(peak, rss())
print("held 10 s: intake CPU %.2f s, peak %.1f MiB" % (cpu() - c0, peak), flush=True)
print("%d connections of one key open: %d served, %d refused; intake %.1f MiB" % (N, ok, refused, rss()), flush=True)
for s in socks: s.close()
time.sleep(4)
print("after close %.1f MiB" % rss(), flush=True)
