#!/usr/bin/python3
"""aligned.py SCREEN — the comparison table as a person sees it on a terminal (tmux capture-pane):
every row's cells end in the same screen column as the heading's (display width from Unicode's East
Asian Width, independent of welfarectl's own routine: W and F take two columns)."""
import re
import sys
import unicodedata


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def cell_ends(line):
    """The screen column where each cell ends (cells are separated by two or more spaces)."""
    ends, col = [], 0
    for part in re.split(r"( {2,})", line):
        col += width(part)
        if part.strip():
            ends.append(col)
    return ends


lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = next(i for i, line in enumerate(lines) if line.startswith("구분 / period"))
rows = []
for line in lines[head:]:
    if not line.strip():
        break
    rows.append(line)
want = cell_ends(rows[0])[1:]
bad = [r for r in rows[1:] if cell_ends(r)[-len(want):] != want or len(cell_ends(r)) != len(want) + 1]
if len(rows) < 4 or len(want) != 7 or bad:
    print("FAIL: the table is not aligned on the screen (cells end at %s):" % want)
    print("\n".join(bad or rows))
    sys.exit(1)
print("report: the table lines up on a terminal (%d rows, 7 columns ending at screen columns %s)" % (len(rows) - 1, want))
