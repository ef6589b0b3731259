#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the whole commit message of a git format-patch file, notes included.

git am keeps a message only up to the first line that is "---", so the
notes a patch carries between that line and its diffstat (benchmark logs,
review history) would be lost on every apply and export.  Given a patch
file, print its subject and body down to the "---" before the diffstat,
if there is such a section; print nothing otherwise.  tools/apply.sh puts
the printed message back on the commit that git am made.
"""
import re
import sys

text = open(sys.argv[1]).read()
head, _, body = text.partition("\n\n")
m = re.search(r"^Subject: (.*(?:\n .*)*)", head, re.M)
if not m:
    sys.exit("%s: no Subject:" % sys.argv[1])
subject = re.sub(r"\n ", " ", m.group(1))
subject = re.sub(r"^\[PATCH[^\]]*\] ", "", subject)
lines = body.split("\n")
end = next((i for i, l in enumerate(lines) if l.startswith("diff --git ")), len(lines))
cuts = [i for i in range(end) if lines[i] == "---"]
if len(cuts) < 2:
    sys.exit(0)
print(subject + "\n\n" + "\n".join(lines[:cuts[-1]]).rstrip("\n"))
