#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cost of the series, one line per row, from one make bench run.

  bench-numbers.py [SUMMARY]             print the blocks
  bench-numbers.py --update FILE...      put them in each FILE
  bench-numbers.py --check FILE...       fail if a FILE quotes another run
  bench-numbers.py --check-notes PATCH...
                                         fail if the notes below a PATCH's
                                         --- quote a range no block has

SUMMARY is a make bench summary (default Documentation/bench/summary.txt,
the run the documents quote).  There are two blocks: the costs of the
file splice set (its cover letter, design.md, performance.md) and those
of the vmsplice set, vmsplice() itself and the CRIU-like dump with and
without its SPLICE_F_GIFT patches (its cover letter, design.md,
performance.md).  Each FILE holds at least one of them, each once,
starting at its first line, so that their numbers cannot drift apart.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = os.path.join(TOP, "Documentation", "bench", "summary.txt")
FIRST = "  within the patched kernel (one boot), ratio of throughputs:"
GIFT_FIRST = "  vmsplice(), in the patched kernel (one boot) and to base (two boots):"
# A ratio range as the blocks print it ("0.85 - 1.04x") or as prose quotes
# it ("0.85-1.04x").
RANGE = re.compile(r"(\d+\.\d\d) ?- ?(\d+\.\d\d)")


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
        m = (re.match(r"^  (\S.*?): met \d+ of \d+", line) or
             re.match(r"^  (\S.*?) \(not a goal\):", line))
        if m:
            title, in_control = m.group(1), False
            goals[title] = []
            continue
        if line.startswith("control, not a goal"):
            title, in_control = None, True
            continue
        if in_control and len(f) == 7:
            control += [float(x) for x in f[2:]]
            continue
        if title and len(f) == 6 and f[0] in ("ext4", "tmpfs", "xfs"):
            goals[title] += [float(x.rstrip("*")) for x in f[1:]]
        elif not line.startswith("    "):
            title = None
    return table, goals, control


def span(values, unit="x"):
    if not values:
        sys.exit("bench-numbers.py: a row has no values in the summary")
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
        "  against the unpatched kernel (two boots):",
        ("splice, sendfile of a cached file to /dev/null",
         against_base("splice", "sendfile")),
        ("splice, sendfile to AF_UNIX or TCP",
         against_base("unix_splice", "unix_sendfile", "tcp_splice",
                      "tcp_sendfile")),
        ("cold one-pass splice, ext4 and xfs (four boots)",
         goal("cold splice >=") + goal("cold splice SPLICE_F_MOVE")),
        ("the same, NOREUSE (RFC on top: drops behind)",
         goal("cold splice POSIX_FADV_NOREUSE")),
        ("controls: same code on both kernels", control),
        "  the same, over a pread()/pwrite() control in its own boot:",
        ("copy_file_range(), sendfile() to a file",
         goal("copy_file_range / copy_pread_pwrite") +
         goal("copy_sendfile / copy_pread_pwrite")),
    ]
    gift = [
        GIFT_FIRST,
        ("vmsplice vs write() into the pipe, one boot", goal("vmsplice >=")),
        ("vmsplice to /dev/null, to base", against_base("vmsplice")),
        "  CRIU-like dump over a pwrite() dump in its own boot, to base:",
        ("owner frozen until the pipe is drained, copy",
         goal("dump_gift_idle / dump_write_idle, nogift")),
        ("the same, gifts copy-on-write (whole set)",
         goal("dump_gift_idle / dump_write_idle, patched")),
        ("owner rewrites half its pages meanwhile, copy",
         goal("dump_gift / dump_write, nogift")),
        ("the same, gifts copy-on-write (whole set)",
         goal("dump_gift / dump_write, patched")),
        ("controls: same code on both kernels", control),
    ]
    return {FIRST: lines(rows), GIFT_FIRST: lines(gift)}


def lines(rows):
    out = []
    for r in rows:
        if isinstance(r, str):
            out.append(r)
        else:
            out.append("    %-48s %s" % (r[0], span(r[1])))
    return out


def check_notes(blocks, paths):
    """Each ratio range quoted in notes that cite the make bench run (the
    notes of a patch: between its first --- and its diff) must be one that
    a block gives for some row.  Notes of other measurements (make
    nfsd-bench, make stress) are theirs to quote."""
    known = set()
    for lines_ in blocks.values():
        for line in lines_:
            known.update(RANGE.findall(line))
    bad = 0
    for path in paths:
        text = open(path).read()
        start = text.find("\n---\n")
        end = text.find("\ndiff --git ")
        if start < 0 or end < start or "make bench" not in text[start:end]:
            continue
        for r in RANGE.findall(text[start:end]):
            if r not in known:
                print("%s: its notes quote %s-%s, which no row of %s gives;"
                      " quote make numbers' rows" % (
                          os.path.relpath(path, TOP), r[0], r[1],
                          os.path.relpath(SUMMARY, TOP)))
                bad = 1
    return bad


def main():
    args = sys.argv[1:]
    if args and args[0] == "--check-notes":
        return check_notes(block(SUMMARY), args[1:])
    mode = None
    if args and args[0] in ("--update", "--check"):
        mode, args = args[0], args[1:]
    blocks = block(SUMMARY if mode or not args else args[0])
    if not mode:
        print("\n\n".join("\n".join(b) for b in blocks.values()))
        return 0
    bad = 0
    for path in args:
        text = open(path).read().split("\n")
        found = [first for first in blocks if first in text]
        if not found:
            print("%s: none of the lines %s" % (
                path, ", ".join("'%s'" % f.strip() for f in blocks)))
            bad = 1
            continue
        for first in found:
            lines_ = blocks[first]
            i = text.index(first)
            if text[i:i + len(lines_)] == lines_:
                continue
            if mode == "--check":
                print("%s: its numbers are not those of %s; run make numbers"
                      % (os.path.relpath(path, TOP),
                         os.path.relpath(SUMMARY, TOP)))
                bad = 1
                continue
            # The old block runs to the first line not indented by two
            # spaces, or to the next block.
            j = i + 1
            while (j < len(text) and text[j].startswith("  ") and
                   text[j] not in blocks):
                j += 1
            text[i:j] = lines_
        if mode == "--update":
            open(path, "w").write("\n".join(text))
    return bad


if __name__ == "__main__":
    sys.exit(main())
