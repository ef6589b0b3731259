#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cost of the series, one line per row, from one make bench run.

  numbers.py [SUMMARY]                  print the block
  numbers.py --update FILE...           put it in each FILE
  numbers.py --check FILE...            fail if a FILE quotes another one

SUMMARY is a make bench summary (default Documentation/bench/summary.txt,
the run the documents quote).  Each FILE holds the block once, starting at
its first line; the cover letter, design.md and performance.md quote it,
so that their numbers cannot drift apart.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = os.path.join(TOP, "Documentation", "bench", "summary.txt")
FIRST = "  within the patched kernel (one boot), ratio of throughputs:"


def parse(path):
    table = {}      # (fs, method) -> [(base, patched)] per size
    goals = {}      # goal title -> [values]
    control = []    # hot read()+write() patched/base
    title = None
    in_control = False
    for line in open(path):
        f = line.split()
        if len(f) == 7 and all("/" in x for x in f[2:]):
            table[(f[0], f[1])] = [tuple(map(float, x.split("/"))) for x in f[2:]]
            continue
        m = re.match(r"^  (\S.*?): met \d+ of \d+", line)
        if m:
            title, in_control = m.group(1), False
            goals[title] = []
            continue
        if line.startswith("control, not a goal"):
            title, in_control = None, True
            continue
        if in_control and len(f) == 7 and f[1] == "hot":
            control += [float(x) for x in f[2:]]
            continue
        if title and len(f) == 6 and f[0] in ("ext4", "tmpfs", "xfs"):
            goals[title] += [float(x.rstrip("*")) for x in f[1:]]
        elif not line.startswith("    "):
            title = None
    return table, goals, control


def span(values, unit="x"):
    if not values:
        sys.exit("numbers.py: a row has no values in the summary")
    return "%.2f - %.2f%s" % (min(values), max(values), unit)


def block(path):
    table, goals, control = parse(path)

    def goal(*words):
        v = []
        for t, vals in goals.items():
            if all(w in t for w in words):
                v += vals
        return v

    def against_base(*methods):
        return [p / b for (fs, m), cells in table.items() if m in methods
                for b, p in cells]

    rows = [
        FIRST,
        ("splice, sendfile -> /dev/null vs read()+write()",
         goal("read()+write() to /dev/null")),
        ("splice, sendfile -> AF_UNIX vs read()+write()",
         goal("read()+write() to AF_UNIX")),
        ("splice, sendfile -> TCP vs read()+write()",
         goal("read()+write() to TCP")),
        ("vmsplice vs write() into the pipe", goal("vmsplice >=")),
        "  against the unpatched kernel (two boots):",
        ("splice, sendfile of a cached file to /dev/null",
         against_base("splice", "sendfile")),
        ("splice, sendfile to AF_UNIX or TCP",
         against_base("unix_splice", "unix_sendfile", "tcp_splice",
                      "tcp_sendfile")),
        ("vmsplice to /dev/null", against_base("vmsplice")),
        ("cold one-pass splice, ext4 and xfs (four boots)",
         goal("cold splice >=") + goal("cold splice SPLICE_F_MOVE")),
        ("the same, NOREUSE (RFC on top: drops behind)",
         goal("cold splice POSIX_FADV_NOREUSE")),
        ("control: read()+write(), same code on both", control),
    ]
    out = []
    for r in rows:
        if isinstance(r, str):
            out.append(r)
        else:
            out.append("    %-48s %s" % (r[0], span(r[1])))
    return out


def main():
    args = sys.argv[1:]
    mode = None
    if args and args[0] in ("--update", "--check"):
        mode, args = args[0], args[1:]
    lines = block(SUMMARY if mode or not args else args[0])
    if not mode:
        print("\n".join(lines))
        return 0
    bad = 0
    for path in args:
        text = open(path).read().split("\n")
        try:
            i = text.index(FIRST)
        except ValueError:
            print("%s: no '%s' line" % (path, FIRST.strip()))
            bad = 1
            continue
        if text[i:i + len(lines)] == lines:
            continue
        if mode == "--check":
            print("%s: its numbers are not those of %s; run make numbers"
                  % (os.path.relpath(path, TOP), os.path.relpath(SUMMARY, TOP)))
            bad = 1
            continue
        # The old block runs to the first line not indented by two spaces.
        j = i + 1
        while j < len(text) and text[j].startswith("  "):
            j += 1
        text[i:j] = lines
        open(path, "w").write("\n".join(text))
    return bad


if __name__ == "__main__":
    sys.exit(main())
