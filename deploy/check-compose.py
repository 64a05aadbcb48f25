#!/usr/bin/env python3
"""check-compose.py — `make lint-compose`: the hardening docker-compose.yml promises, checked on the
resolved file (`docker-compose --env-file .env.example --profile ops --profile cli config` on stdin):

  - every image pinned to an exact version (x.y or x.y.z, or a digest), but the welfarehub image this tree builds;
  - every container with a memory, CPU and process limit;
  - every long-running container with a healthcheck, a read-only root filesystem, no capabilities
    and no-new-privileges (PostgreSQL keeps its image's own user switching: it needs its capabilities).
"""
import re
import sys

import yaml

EXACT = re.compile(r"(@sha256:[0-9a-f]{64}$)|(:v?\d+\.\d+(\.\d+)?([-.][\w.-]+)?(@sha256:[0-9a-f]{64})?$)")
BUILT_HERE = "welfarehub:"
NEEDS_ITS_CAPABILITIES = {"postgres"}

services = yaml.safe_load(sys.stdin)["services"]
problems = []
for name, s in sorted(services.items()):
    image = s.get("image", "")
    if not image.startswith(BUILT_HERE) and not EXACT.search(image):
        problems.append("%s: image %s is not pinned to an exact version or digest" % (name, image))
    for key in ("mem_limit", "cpus", "pids_limit"):
        if key not in s:
            problems.append("%s: no %s" % (name, key))
    if s.get("restart", "no") == "no":
        continue  # one-shot: db-init, welfarectl
    if "healthcheck" not in s:
        problems.append("%s: no healthcheck" % name)
    if name in NEEDS_ITS_CAPABILITIES:
        continue
    if not s.get("read_only"):
        problems.append("%s: root filesystem not read-only" % name)
    if "ALL" not in s.get("cap_drop", []):
        problems.append("%s: capabilities not dropped" % name)
    if "no-new-privileges:true" not in s.get("security_opt", []):
        problems.append("%s: no no-new-privileges" % name)
for p in problems:
    print("lint-compose: " + p, file=sys.stderr)
if problems:
    sys.exit(1)
print("lint-compose: %d containers pinned, limited, health-checked and hardened" % len(services))
