#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise 'bench DIR METHOD CHUNK_KIB MIB_S' lines from two boots.

Medians of the repeated runs; ratios within one boot (splice against
read()+write(), vmsplice against write() into the pipe) and across boots
(patched against base).  TCG makes absolute numbers meaningless.
"""
import statistics
import sys


def load(path):
    d = {}
    with open(path, errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) == 5 and p[0] == "bench":
                key = (p[1].rsplit("/", 1)[-1], p[2], int(p[3]))
                d.setdefault(key, []).append(float(p[4]))
    return {k: statistics.median(v) for k, v in d.items()}


def main():
    base, patched = load(sys.argv[1]), load(sys.argv[2])
    fss = sorted({k[0] for k in patched})
    chunks = sorted({k[2] for k in patched})
    print("MiB/s, median of 3, qemu TCG -cpu max (only ratios mean anything)")
    print("%-10s %6s %-11s %9s %9s %8s" % ("fs", "KiB", "method", "base", "patched", "pat/base"))
    for fs in fss:
        for c in chunks:
            for m in ("read_write", "splice", "write_pipe", "vmsplice",
                      "remap_pages", "cold_read_write", "cold_splice",
                      "cold_splice_move"):
                b, p = base.get((fs, m, c)), patched.get((fs, m, c))
                if p is None:
                    continue
                print("%-10s %6d %-11s %9.0f %9.0f %8.2f" % (fs, c, m, b or 0, p, p / b if b else 0))
    print()
    print("cold one-pass streaming, patched splice against base splice:")
    for fs in fss:
        for c in chunks:
            b = base.get((fs, "cold_splice", c))
            p = patched.get((fs, "cold_splice", c))
            pm = patched.get((fs, "cold_splice_move", c))
            if b and p and pm and fs != "tmpfs":
                print("  %-10s %5d KiB  copy %.2f   SPLICE_F_MOVE %.2f" % (fs, c, p / b, pm / b))
    print("ratios in one boot of the patched kernel:")
    for fs in fss:
        for c in chunks:
            g = lambda m: patched.get((fs, m, c), 0)
            r = lambda a, b: g(a) / g(b) if g(b) else 0
            print("  %-10s %5d KiB  splice/read+write %.2f   vmsplice/write %.2f"
                  "   remap/write %.2f" % (fs, c, r("splice", "read_write"),
                                           r("vmsplice", "write_pipe"),
                                           r("remap_pages", "write_pipe")))


if __name__ == "__main__":
    main()
