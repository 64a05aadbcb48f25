"""hostile_common.py — what the measuring scripts of tests/hostile share: checks, intake's RSS, its key,
its /metrics, a FetchEvents served."""
import os
import time
import urllib.request
import uuid

import zmq

failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def keys_of(path):
    """A key file of welfarectl keys generate: (secret, public) as the CURVE options take them."""
    with open(path) as f:
        secret, public = f.read().split()[:2]
    return secret.encode(), public.encode()


def check_idle_rss(what, idle, before, idle_mib=16, left_mib=4):
    """Once the load is gone intake's RSS is back within left_mib of before, or at most idle_mib."""
    bound = max(idle_mib, before + left_mib)
    check(idle <= bound, "%s: intake's RSS is at most %.1f MiB once they are gone (%.1f MiB; %.1f before)"
          % (what, bound, idle, before))


def agency_dealer(ctx, key, never_reading=False):
    """A DEALER of ctx with key (keys_of), connected to intake's command endpoint; never_reading: a
    one-message receive queue and a 4 KiB receive buffer, so what it does not read backs up into intake
    as soon as possible."""
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    if never_reading:
        s.setsockopt(zmq.RCVHWM, 1)
        s.setsockopt(zmq.RCVBUF, 4096)
    s.curve_secretkey, s.curve_publickey = key
    s.curve_serverkey = server_key().encode()
    s.connect(os.environ["WH_INTAKE_BUS"])
    return s


def server_key():
    with open(os.environ["WH_ALLOWLIST_FILE"]) as f:
        for line in f:
            tok = line.split()
            if tok and tok[0] == "intake":
                return tok[2]


def metric(name, labels=""):
    """One sample of intake's /metrics (0 when absent)."""
    url = "http://127.0.0.1:%s/metrics" % os.environ["WH_INTAKE_HTTP_PORT"]
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    want = name + ("{%s}" % labels if labels else "")
    for line in text.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return 0.0


def operator_dealer(ctx, endpoint=None):
    """A DEALER of ctx with the operator's key (cli), connected to intake's command endpoint (or
    endpoint: the same with a source address, "tcp://SOURCE:0;HOST:PORT")."""
    with open(os.path.join(os.environ["WH_VAR"], "keys", "cli.key")) as f:
        secret, public = f.read().split()[:2]
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.curve_secretkey, s.curve_publickey, s.curve_serverkey = secret.encode(), public.encode(), server_key().encode()
    s.connect(endpoint or os.environ["WH_INTAKE_BUS"])
    return s


def served(s, timeout_s=5):
    """A FetchEvents on s answered without an error within timeout_s: the seconds it took, or None
    (the classes generated from proto/ on sys.path)."""
    from welfare.bus.v1 import envelope_pb2, stream_pb2
    req = stream_pb2.FetchEvents(stream="intake", after_sequence=0, max_events=1)
    t0 = time.time()
    s.send(envelope_pb2.Envelope(message_id=str(uuid.uuid4()), type=req.DESCRIPTOR.full_name,
                                 time_unix_ms=int(time.time() * 1000), payload=req.SerializeToString())
           .SerializeToString())
    if not s.poll(timeout_s * 1000):
        return None
    env = envelope_pb2.Envelope()
    env.ParseFromString(s.recv_multipart()[-1])
    return None if env.HasField("error") else time.time() - t0
