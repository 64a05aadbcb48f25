#!/usr/bin/env python3
"""check.py OUT EXPECTED — the comparison table read back from every surface must be one table.

OUT holds what run.sh fetched: cli.txt (welfarectl kpi-table), bus.json (welfarectl --json: the bus
reply), api.json (/api/kpi-table), table.csv, table.xlsx, page.html (/dashboard/compare).  EXPECTED
is the fixture's personnel and resource cells per row.  Exits 1 naming the first difference.
"""
import csv
import html.parser
import io
import json
import sys
import zipfile

import openpyxl

out, expected = sys.argv[1], json.loads(sys.argv[2])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


api = json.load(open(f"{out}/api.json", encoding="utf-8"))
rows = [(r["label_ko"], r["cells"], r["values"], r.get("change_percent", [])) for r in api["rows"]]
keys = [c["key"] for c in api["columns"]]
check(len(rows) == 7, f"api: 7 rows, got {len(rows)}")
check(len(keys) == 7, f"api: 7 columns, got {keys}")
pi, ri = keys.index("visiting_personnel"), keys.index("resources_discovered")
for (label, cells, _, _), (elabel, epers, eres) in zip(rows, expected):
    check(label == elabel, f"api: row {elabel!r}, got {label!r}")
    check(cells[pi] == epers, f"api: {label} personnel {epers!r}, got {cells[pi]!r}")
    check(cells[ri] == eres, f"api: {label} resources {eres!r}, got {cells[ri]!r}")

# The bus reply (protobuf JSON: lowerCamelCase or the proto names).
bus = json.load(open(f"{out}/bus.json", encoding="utf-8"))
table = bus.get("table", bus)
brows = table.get("rows", [])
check(len(brows) == len(rows), f"bus: {len(rows)} rows, got {len(brows)}")
for b, (label, cells, _, pct) in zip(brows, rows):
    check((b.get("labelKo") or b.get("label_ko")) == label, f"bus: label {label!r}")
    check(b.get("cells") == cells, f"bus: {label} cells {cells}, got {b.get('cells')}")
    bp = b.get("changePercent") or b.get("change_percent") or []
    check(bp == pct, f"bus: {label} percentages {pct}, got {bp}")

# The aligned CLI table: each row's line holds its cells in order.
cli = open(f"{out}/cli.txt", encoding="utf-8").read().splitlines()
for label, cells, _, _ in rows:
    line = next((l for l in cli if l.strip().startswith(label)), None)
    check(line is not None, f"cli: no line for {label!r}")
    if line is not None:
        rest = line.strip()[len(label):].split()
        check(rest == cells, f"cli: {label} {cells}, got {rest}")

# CSV: UTF-8 with BOM; a row per table row (plus the percentage rows).
text = open(f"{out}/table.csv", encoding="utf-8").read()
check(text.startswith("\ufeff"), "csv: no byte-order mark")
crow = {r[0].split(" / ")[0]: r[1:] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
for label, cells, _, _ in rows:
    check(crow.get(label) == cells, f"csv: {label} {cells}, got {crow.get(label)}")

# xlsx: the numbers themselves, one column per KPI value, in the declaration's order.
wb = openpyxl.load_workbook(f"{out}/table.xlsx")
ws = wb.active
header = [c.value for c in ws[1]]
for i, (label, cells, values, _) in enumerate(rows, start=2):
    line = [c.value for c in ws[i]]
    check(line[0].split(" / ")[0] == label, f"xlsx: row {i} label {line[0]!r}")
    for j, key in enumerate(values):
        got = line[1 + j]
        check(got == values[key], f"xlsx: {label} {key} {values[key]}, got {got} ({header[1 + j]})")
check(zipfile.is_zipfile(f"{out}/table.xlsx"), "xlsx: not a zip")


# The page: every row's <td> cells.
class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cur, self.cell, self.intd, self.insmall = [], None, "", False, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.cur = []
        elif tag == "td" and self.cur is not None:
            self.intd, self.cell = True, ""
        elif tag == "small":
            self.insmall = True  # a row label's English line under the Korean: not the label

    def handle_endtag(self, tag):
        if tag == "small":
            self.insmall = False
        elif tag == "td" and self.intd:
            self.cur.append(self.cell.strip())
            self.intd = False
        elif tag == "tr" and self.cur:
            self.rows.append(self.cur)
            self.cur = None

    def handle_data(self, data):
        if self.intd and not self.insmall:
            self.cell += data


p = Cells()
p.feed(open(f"{out}/page.html", encoding="utf-8").read())
prow = {r[0].strip(): r[1:] for r in p.rows}
for label, cells, _, _ in rows:
    check(prow.get(label) == cells, f"page: {label} {cells}, got {prow.get(label)}")

if failures:
    print("report check FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"report check: CLI, bus, API, CSV, xlsx and page agree on {len(rows)} rows x {len(keys)} columns")
