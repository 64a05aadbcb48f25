#!/usr/bin/env python3
"""check-metrics.py — every metric the alert rules and the Grafana dashboards query is one the running
services export.

    deploy/check-metrics.py URL_OR_FILE...     (each a /metrics endpoint or a saved copy of one)

Reads the queries of deploy/prometheus/alerts.yml (`expr:` of every rule) and of every panel target of
deploy/grafana/dashboards/*.json, takes the metric names out of them (what is left of a PromQL
expression once strings, label matchers, grouping clauses, functions, keywords, numbers and durations
are removed), and looks each up in the exposition text the services serve (a histogram's
_bucket/_sum/_count under its own name).  `up` is Prometheus's own; names with a colon must be a
recording rule of alerts.yml.  Prints one line per name, and exits 1 when one is not exported.
Used by `make test-ops` (tests/ops/run.sh) and `make test-deploy` (tests/deploy/run.sh).
"""
import glob
import json
import re
import sys
import urllib.request

import yaml

HERE = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
ALERTS = HERE + "/prometheus/alerts.yml"
DASHBOARDS = sorted(glob.glob(HERE + "/grafana/dashboards/*.json"))

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan"}
BUILTIN = {"up"}  # set by Prometheus on every scrape
GRAFANA_VARS = re.compile(r"\$(__rate_interval|__interval|__range|\{[^}]*\}|\w+)")


def metric_names(expr):
    """The metric names one PromQL expression selects."""
    e = GRAFANA_VARS.sub("5m", expr)
    e = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', e)  # strings
    e = re.sub(r"\{[^}]*\}", " ", e)  # label matchers
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)  # ranges and subqueries
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        rest = e[m.end():].lstrip()
        if rest.startswith("("):  # a function (or an aggregation)
            continue
        before = e[:m.start()]
        if re.search(r"[0-9.]$", before):  # the unit of a duration or a number's exponent
            continue
        if word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def queries():
    """(where, expression) for every alert rule, recording rule and dashboard target."""
    with open(ALERTS) as f:
        rules = yaml.safe_load(f)
    for group in rules["groups"]:
        for rule in group["rules"]:
            yield "%s %s" % (ALERTS, rule.get("alert") or rule.get("record")), rule["expr"]
    for path in DASHBOARDS:
        with open(path) as f:
            dashboard = json.load(f)
        for panel in dashboard.get("panels", []):
            for target in panel.get("targets", []) or []:
                if target.get("expr"):
                    yield '%s panel "%s"' % (path, panel.get("title", panel.get("id"))), target["expr"]


def recorded():
    with open(ALERTS) as f:
        rules = yaml.safe_load(f)
    return {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}


def exported(sources):
    """Metric names present in the exposition text of every source (with a sample or a # TYPE line)."""
    names = set()
    for src in sources:
        if src.startswith("http://") or src.startswith("https://"):
            with urllib.request.urlopen(src, timeout=10) as r:
                text = r.read().decode("utf-8", "replace")
        else:
            with open(src, encoding="utf-8", errors="replace") as f:
                text = f.read()
        for line in text.splitlines():
            m = re.match(r"# TYPE (\S+) (\w+)", line)
            if m:
                names.add(m.group(1))
                if m.group(2) in ("histogram", "summary"):
                    names.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
                continue
            m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)[{ ]", line)
            if m:
                names.add(m.group(1))
    return names


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    have = exported(argv[1:])
    rules = recorded()
    used = {}
    for where, expr in queries():
        for name in metric_names(expr):
            used.setdefault(name, []).append(where)
    missing = 0
    for name in sorted(used):
        if name in BUILTIN:
            how = "Prometheus's own"
        elif ":" in name:
            how = "recording rule" if name in rules else None
        else:
            how = "exported" if name in have else None
        if how is None:
            missing += 1
            print("check-metrics: %s is queried but %s (used by %s)" % (
                name, "no recording rule makes it" if ":" in name else "no service exports it",
                "; ".join(sorted(set(used[name])))))
        else:
            print("check-metrics: %-45s %s (%d queries)" % (name, how, len(used[name])))
    print("check-metrics: %d names queried by the alerts and dashboards, %d not exported" % (len(used), missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
