#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make nfsd-bench: nfsd (Debian's nfs-utils) serving a hot 64 MiB file
# over loopback to the kernel's NFSv4.1 client, read with O_DIRECT in
# 1 MiB, 64 KiB and unaligned 1 MiB READs, with nfsd reading by splice
# (debugfs nfsd/disable-splice-read=0) and by iter (=1), on the base and
# the patched kernel.  Boots base, patched, patched, base so that a drift
# of the host cancels; NFSBENCH_ROUNDS (8) rounds per boot.  Seconds per
# read of the file (medians), and throughput ratios: splice against iter
# paired within each round, and across kernels with iter on both as the
# control, in out/nfsd-bench/summary.txt.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

prepare "" base patched

runs=()
for k in base patched patched base; do
	n=nfsd-bench-$k-$(( ${#runs[@]} / 2 + 1 ))
	EXTRA_CMDLINE="COMPAT_ONLY=nfsbench NFSBENCH_ROUNDS=${NFSBENCH_ROUNDS:-8}" \
		bash "$T/run.sh" "$k" "$n" compat || exit 1
	runs+=("$k" "$OUT/runs/$n/tap.log")
done
mkdir -p "$OUT/nfsd-bench"
python3 - "${runs[@]}" <<'PY' | tee "$OUT/nfsd-bench/summary.txt"
import statistics, sys
t = {}      # (fs, pattern, kernel, path) -> seconds, every round of every boot
pair = {}   # (fs, pattern, kernel, boot, round) -> {path: seconds}
a = sys.argv[1:]
for b, (k, path) in enumerate(zip(a[0::2], a[1::2])):
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) == 7 and f[:2] == ["#", "nfsbench"] and f[6] != "none":
            t.setdefault((f[2], f[4], k, f[3]), []).append(float(f[6]))
            pair.setdefault((f[2], f[4], k, b, f[5]), {})[f[3]] = float(f[6])


def within(fs, pat, k):
    """iter's throughput over splice's, paired in the same round of a boot"""
    r = sorted(v["splice"] / v["iter"] for key, v in pair.items()
               if key[:3] == (fs, pat, k) and len(v) == 2)
    return (statistics.median(r), r[0], r[-1]) if r else None


print("nfsd over loopback to the kernel's NFSv4.1 client, a hot 64 MiB file read")
print("with O_DIRECT, boots in the order base, patched, patched, base.  Seconds")
print("per read: median of every round of both boots of each kernel.  Ratios")
print("are of throughput (higher: the first named is faster):")
print("  A = base iter / base splice, C = patched iter / patched splice: median")
print("      of the ratios within each round (splice and iter run back to back),")
print("      with their range; C is the series' default (its nfsd patch)")
print("  B = patched splice / base splice: splice reads that copy (debugfs 0)")
print("  D = patched iter / base iter: the same code on both kernels (control)")
print("  E = patched iter / base splice: each kernel's default")
print("TCG (-cpu max): absolute times mean nothing; read B and E against D.")
print("%-6s %-12s %6s %6s %6s %6s  %-16s %-16s %5s %5s %5s" % (
    "fs", "READ", "b spl", "b itr", "p spl", "p itr",
    "A (range)", "C (range)", "B", "D", "E"))
for fs in ("ext4", "tmpfs"):
    for pat in ("1m", "64k", "unaligned_1m"):
        m = {}
        for k in ("base", "patched"):
            for p in ("splice", "iter"):
                v = t.get((fs, pat, k, p))
                m[k, p] = statistics.median(v) if v else None
        wa, wc = within(fs, pat, "base"), within(fs, pat, "patched")
        if None in m.values() or not wa or not wc:
            print("%-6s %-12s did not run" % (fs, pat))
            continue
        bs, bi = m["base", "splice"], m["base", "iter"]
        ps, pi = m["patched", "splice"], m["patched", "iter"]
        print("%-6s %-12s %6.3f %6.3f %6.3f %6.3f  %-16s %-16s %5.2f %5.2f %5.2f" % (
            fs, pat, bs, bi, ps, pi,
            "%.2f (%.2f-%.2f)" % wa, "%.2f (%.2f-%.2f)" % wc,
            bs / ps, bi / pi, bs / pi))
PY
