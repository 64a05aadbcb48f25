#!/usr/bin/env python3
"""check-docs.py [FILE.md ...] — the documentation's claims about the tree are true.

  - every path a document names in backquotes (`services/intake/store.c`, `wh/text.h`, a bare
    `commands_batch.c`) exists: from the repository root, beside the document, under
    common/include/, or (a bare file name) somewhere in the tree;
  - every `path/file.c:function` names a function or macro that that file defines.

Placeholders (<name>, NNNN, *, $(BUILD)), paths outside the repository (../shared/…), build outputs,
generated protobuf-c files and the files an
operator writes are not checked.  Prints each false claim with its file and line, then
"docs: N claims, N false"; exits 1 when one is false.
"""
import os
import re
import subprocess
import sys

PATH = re.compile(r"^[A-Za-z0-9_./-]+\.(c|h|sql|sh|md|mk|proto|mjs|py|yml|yaml|json)$")
FUNCTION = re.compile(r"^([A-Za-z0-9_./-]+\.[ch]):([A-Za-z_][A-Za-z0-9_]*)$")
PLACEHOLDER = re.compile(r"[<*$]|NNNN|^build[^/]*/|^var/|^http|^\.\./|\.pb-c\.[ch]$")
WRITTEN_BY_OPERATORS = {"docker-compose.override.yml"}


def tracked_files():
    out = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout
    return out.split()


def resolve(doc, path):
    for candidate in (path, os.path.join(os.path.dirname(doc), path), os.path.join("common/include", path)):
        if os.path.exists(candidate):
            return candidate
    return None


def defines(path, name):
    pattern = re.compile(r"^(?:[A-Za-z_].*[^A-Za-z0-9_])?%s\(|^#define %s\b" % (name, name), re.M)
    with open(path, encoding="utf-8") as f:
        return pattern.search(f.read()) is not None


def check(doc, basenames):
    claims, false = 0, []
    with open(doc, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            for token in re.findall(r"`([^` ]+)`", line):
                if PLACEHOLDER.search(token) or token in WRITTEN_BY_OPERATORS:
                    continue
                m = FUNCTION.match(token)
                if m:
                    claims += 1
                    path = resolve(doc, m.group(1))
                    if path is None:
                        false.append((number, "%s (in %s) does not exist" % (m.group(1), token)))
                    elif not defines(path, m.group(2)):
                        false.append((number, "%s does not define %s" % (m.group(1), m.group(2))))
                elif PATH.match(token):
                    claims += 1
                    if resolve(doc, token) is None and ("/" in token or token not in basenames):
                        false.append((number, "%s does not exist" % token))
    return claims, [(doc, n, why) for n, why in false]


def main(argv):
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    files = tracked_files()
    basenames = {os.path.basename(p) for p in files}
    docs = argv[1:] or [p for p in files if p.endswith(".md")]
    claims, false = 0, []
    for doc in docs:
        c, f = check(doc, basenames)
        claims += c
        false += f
    for doc, number, why in false:
        print("%s:%d: %s" % (doc, number, why), file=sys.stderr)
    print("docs: %d claims, %d false" % (claims, len(false)))
    return 1 if false else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
