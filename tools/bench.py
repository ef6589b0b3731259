#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise 'bench DIR METHOD CHUNK_KIB MIB_S' lines from boots of two kernels.

usage: bench.py BASE_TAP[,BASE_TAP...] PATCHED_TAP[,PATCHED_TAP...] OUTDIR
                [NOGIFT_TAP[,NOGIFT_TAP...]]

Writes OUTDIR/summary.txt (the table and the goals), OUTDIR/results.csv
and, if gnuplot is installed, one PNG per filesystem and workload:
throughput against transfer size for each kernel and method.  Medians of
the timed runs, pooled over the boots given for a kernel.  Ratios within
one boot (patched kernel: splice against read()+write(), vmsplice against
write()) and across boots (cold streaming, patched against base; with more
than one boot per kernel, also for each pair of boots on its own: the n-th
of each list).  NOGIFT_TAP, from a boot of the series without the
SPLICE_F_GIFT RFC, adds the CRIU-like dump rows for that kernel, so that
the RFC and the series it sits on quote one run.  TCG makes absolute
numbers meaningless.
"""
import os
import shutil
import statistics
import subprocess
import sys

GROUPS = [
    ("null", "file to /dev/null, hot cache",
     ["read_write", "splice", "sendfile"]),
    ("unix", "file to an AF_UNIX socket with a reader, hot cache",
     ["unix_read_write", "unix_splice", "unix_sendfile"]),
    ("tcp", "file to TCP loopback with a reader, hot cache",
     ["tcp_read_write", "tcp_splice", "tcp_sendfile"]),
    ("user", "user memory to a pipe to /dev/null",
     ["write_pipe", "vmsplice", "remap_pages"]),
    ("copy", "file to a file on the same filesystem, hot cache",
     ["copy_pread_pwrite", "copy_file_range", "copy_sendfile"]),
    ("dump", "32 MiB of memory to a file, as CRIU dumps it",
     ["dump_write", "dump_gift", "dump_write_idle", "dump_gift_idle"]),
    ("cold", "one pass over an uncached file to /dev/null",
     ["cold_read_write", "cold_odirect", "cold_splice", "cold_splice_move",
      "cold_splice_noreuse"]),
]

# (label, method, against, kernel of 'against', goal)
GOALS = [
    ("splice >= 1.0x read()+write() to /dev/null", "splice", "read_write", "patched", 1.0),
    ("sendfile >= 1.0x read()+write() to /dev/null", "sendfile", "read_write", "patched", 1.0),
    ("splice >= 1.3x read()+write() to AF_UNIX", "unix_splice", "unix_read_write", "patched", 1.3),
    ("sendfile >= 1.3x read()+write() to AF_UNIX", "unix_sendfile", "unix_read_write", "patched", 1.3),
    ("splice >= 1.3x read()+write() to TCP", "tcp_splice", "tcp_read_write", "patched", 1.3),
    ("sendfile >= 1.3x read()+write() to TCP", "tcp_sendfile", "tcp_read_write", "patched", 1.3),
    ("vmsplice >= 1.0x write() into the pipe", "vmsplice", "write_pipe", "patched", 1.0),
    ("cold splice >= 0.9x the base kernel's splice", "cold_splice", "cold_splice", "base", 0.9),
    ("cold splice SPLICE_F_MOVE >= 0.9x the base kernel's splice",
     "cold_splice_move", "cold_splice", "base", 0.9),
    ("cold splice POSIX_FADV_NOREUSE >= 0.9x the base kernel's splice",
     "cold_splice_noreuse", "cold_splice", "base", 0.9),
]


def samples(path):
    d = {}
    with open(path, errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) == 5 and p[0] == "bench":
                key = (p[1].rstrip("/").rsplit("/", 1)[-1], p[2], int(p[3]))
                d.setdefault(key, []).append(float(p[4]))
    return d


def load(paths):
    """Medians pooled over the comma-separated tap logs, and per log."""
    pooled, each = {}, []
    for path in paths.split(","):
        d = samples(path)
        each.append({k: statistics.median(v) for k, v in d.items()})
        for k, v in d.items():
            pooled.setdefault(k, []).extend(v)
    return {k: statistics.median(v) for k, v in pooled.items()}, each


def plot(outdir, res, fss, chunks, out):
    gp = shutil.which("gnuplot")
    if not gp:
        print("gnuplot is not installed: no plots", file=out)
        return
    for fs in fss:
        for name, title, methods in GROUPS:
            if name == "cold" and fs == "tmpfs":
                continue
            dat = os.path.join(outdir, "%s-%s.dat" % (fs, name))
            cols = []
            with open(dat, "w") as f:
                f.write("# KiB " + " ".join("%s:%s" % (k, m) for k in ("base", "patched")
                                            for m in methods) + "\n")
                for c in chunks:
                    row = [str(c)]
                    for k in ("base", "patched"):
                        for m in methods:
                            v = res[k].get((fs, m, c))
                            row.append("%.1f" % v if v else "NaN")
                    f.write(" ".join(row) + "\n")
            i = 2
            for k in ("base", "patched"):
                for j, m in enumerate(methods):
                    # One colour per method; the base kernel dashed.
                    cols.append("'%s' using 1:%d with linespoints lc %d dt %d lw 2 title '%s %s'" % (
                        dat, i, j + 1, 2 if k == "base" else 1, k, m))
                    i += 1
            png = os.path.join(outdir, "%s-%s.png" % (fs, name))
            script = "\n".join([
                "set terminal pngcairo size 900,560" if has_cairo(gp) else "set terminal png size 900,560",
                "set output '%s'" % png,
                "set termoption noenhanced",
                'set title "%s: %s\\nqemu TCG -cpu max: only ratios mean anything"' % (fs, title),
                "set logscale x 2",
                "set xlabel 'bytes per call (KiB)'",
                "set ylabel 'MiB/s'",
                "set key outside right top",
                "set grid",
                "plot " + ", ".join(cols),
            ])
            r = subprocess.run([gp], input=script, text=True, capture_output=True)
            if r.returncode:
                print("gnuplot failed for %s: %s" % (png, r.stderr.strip()), file=out)


_cairo = None


def has_cairo(gp):
    global _cairo
    if _cairo is None:
        r = subprocess.run([gp, "-e", "set terminal"], capture_output=True, text=True)
        _cairo = "pngcairo" in (r.stdout + r.stderr)
    return _cairo


def main():
    (base, base_each), (patched, patched_each) = load(sys.argv[1]), load(sys.argv[2])
    outdir = sys.argv[3]
    nogift = load(sys.argv[4])[0] if len(sys.argv) > 4 else None
    pairs = list(zip(base_each, patched_each)) if len(base_each) > 1 else []
    res = {"base": base, "patched": patched}
    os.makedirs(outdir, exist_ok=True)
    fss = sorted({k[0] for k in patched})
    chunks = sorted({k[2] for k in patched})
    out = open(os.path.join(outdir, "summary.txt"), "w")

    def say(s=""):
        print(s)
        out.write(s + "\n")

    with open(os.path.join(outdir, "results.csv"), "w") as f:
        f.write("fs,method,kib,base_mib_s,patched_mib_s\n")
        for k in sorted(set(base) | set(patched)):
            f.write("%s,%s,%d,%s,%s\n" % (k[0], k[1], k[2],
                                          base.get(k, ""), patched.get(k, "")))

    say("MiB/s, median of %s, qemu TCG -cpu max (only ratios mean anything)" % (
        "5" if not pairs else "5 per boot, pooled over %d boots per kernel for the cold methods"
        % len(pairs)))
    say("%-6s %-17s %s" % ("fs", "method", "  ".join("%14s" % ("%d KiB b/p" % c) for c in chunks)))
    for fs in fss:
        for _, _, methods in GROUPS:
            for m in methods:
                if m.startswith("cold") and fs == "tmpfs":
                    continue
                cells = []
                for c in chunks:
                    b, p = base.get((fs, m, c)), patched.get((fs, m, c))
                    cells.append("%6s/%-7s" % ("%.0f" % b if b else "-", "%.0f" % p if p else "-"))
                say("%-6s %-17s %s" % (fs, m, "  ".join(cells)))
    say()
    def ratio_rows(m, against, a_res, p_res=patched):
        """(fs, [p_res m / a_res against, or None, per chunk]); no cold on tmpfs."""
        for fs in fss:
            if m.startswith("cold") and fs == "tmpfs":
                continue
            row = []
            for c in chunks:
                p, a = p_res.get((fs, m, c)), a_res.get((fs, against, c))
                row.append(p / a if p and a else None)
            yield fs, row

    def judge(fs_rows, goal):
        """Table lines for (fs, ratios) rows, '*' on each ratio under goal;
        how many ratios met it, of how many."""
        lines, met, total = [], 0, 0
        for fs, row in fs_rows:
            got = [r for r in row if r is not None]
            total += len(got)
            met += sum(r >= goal for r in got)
            lines.append("    %-6s %s" % (fs, " ".join(
                "   -  " if r is None else "%5.2f%s" % (r, " " if r >= goal else "*")
                for r in row)))
        return lines, met, total

    def say_table(lines):
        say("    %-6s %s" % ("KiB", " ".join("%6d" % c for c in chunks)))
        for line in lines:
            say(line)

    say("goals (ratios; met where >= goal), per filesystem and KiB per call:")
    for label, m, against, kern, goal in GOALS:
        rows, met, total = judge(ratio_rows(m, against, res[kern]), goal)
        say("  %s: met %d of %d%s" % (label, met, total, "" if met == total else " (* = missed)"))
        say_table(rows)
        if kern == "base" and pairs:
            each = []
            for b, p in pairs:
                got = [r for _, row in ratio_rows(m, against, b, p)
                       for r in row if r is not None]
                each.append("%d of %d" % (sum(r >= goal for r in got), len(got)))
            say("    each pair of boots on its own: met %s" % ", ".join(each))
    # A direct splice to a file must not copy twice: copy_file_range()
    # and sendfile() to a file, each against pread()+pwrite() in the same
    # boot, patched against the same ratio on base.  Dividing by the
    # in-boot control cancels the drift between the two boots.  The
    # CRIU-like dump (vmsplice() with SPLICE_F_GIFT, then splice() to a
    # file) against pwrite() of the same memory is shown the same way, for
    # the patched kernel and for the series without the gift RFC.
    dumps = [("patched", patched, "dump_gift", "dump_write", None),
             ("patched", patched, "dump_gift_idle", "dump_write_idle", None)]
    if nogift:
        dumps += [("nogift", nogift, "dump_gift", "dump_write", None),
                  ("nogift", nogift, "dump_gift_idle", "dump_write_idle", None)]
    for kern, p_res, m, control, goal in [
            ("patched", patched, "copy_file_range", "copy_pread_pwrite", 0.95),
            ("patched", patched, "copy_sendfile", "copy_pread_pwrite", 0.95)] + dumps:
        def normalised():
            for fs in fss:
                row = []
                for c in chunks:
                    pm, pc = p_res.get((fs, m, c)), p_res.get((fs, control, c))
                    bm, bc = base.get((fs, m, c)), base.get((fs, control, c))
                    row.append((pm / pc) / (bm / bc) if pm and pc and bm and bc else None)
                yield fs, row
        rows, met, total = judge(normalised(), goal if goal is not None else 0.0)
        if goal is None:
            say("  %s / %s, %s against base (not a goal):" % (m, control, kern))
        else:
            say("  %s / %s, patched against base >= %.2f: met %d of %d%s" % (
                m, control, goal, met, total, "" if met == total else " (* = missed)"))
        say_table(rows)
    # read()+write() runs the same code on both kernels: how far its
    # patched/base ratio strays from 1.0 is the noise of a cross-boot ratio.
    say("control, not a goal: read()+write(), the same code on both kernels, patched/base:")
    say("    %-6s %-5s %s" % ("KiB", "", " ".join("%6d" % c for c in chunks)))
    for m in ("read_write", "copy_pread_pwrite", "cold_read_write"):
        for fs, row in ratio_rows(m, m, base):
            say("    %-6s %-5s %s" % (fs, {"read_write": "hot", "copy_pread_pwrite": "copy"}.get(m, "cold"), " ".join(
                "   -  " if r is None else "%5.2f " % r for r in row)))
    for i, (b, p) in enumerate(pairs):
        for fs, row in ratio_rows("cold_read_write", "cold_read_write", b, p):
            say("    %-6s %-5s %s" % (fs, "pair%d" % (i + 1), " ".join(
                "   -  " if r is None else "%5.2f " % r for r in row)))
    plot(outdir, res, fss, chunks, out)
    out.close()


if __name__ == "__main__":
    main()
