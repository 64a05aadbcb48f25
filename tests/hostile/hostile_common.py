"""hostile_common.py — what the measuring scripts of tests/hostile share: checks, intake's RSS, its key."""
import os

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


def server_key():
    with open(os.environ["WH_ALLOWLIST_FILE"]) as f:
        for line in f:
            tok = line.split()
            if tok and tok[0] == "intake":
                return tok[2]
