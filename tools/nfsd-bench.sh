#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make nfsd-bench: nfsd (Debian's nfs-utils) serving a hot 64 MiB file
# over loopback to the kernel's NFSv4.1 client, read with O_DIRECT in
# 1 MiB, 64 KiB and unaligned 1 MiB READs, with nfsd reading by splice
# (debugfs nfsd/disable-splice-read=0) and by iter (=1), on the base and
# the patched kernel.  Boots base, patched, patched, base so that a drift
# of the host cancels; NFSBENCH_ROUNDS (3) rounds per boot.  Seconds per
# read of the file, medians, and ratios (throughput, higher is better)
# against base's default (splice) in out/nfsd-bench/summary.txt.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

prepare "" base patched

runs=()
for k in base patched patched base; do
	n=nfsd-bench-$k-$(( ${#runs[@]} / 2 + 1 ))
	EXTRA_CMDLINE="COMPAT_ONLY=nfsbench NFSBENCH_ROUNDS=${NFSBENCH_ROUNDS:-3}" \
		bash "$T/run.sh" "$k" "$n" compat || exit 1
	runs+=("$k" "$OUT/runs/$n/tap.log")
done
mkdir -p "$OUT/nfsd-bench"
python3 - "${runs[@]}" <<'PY' | tee "$OUT/nfsd-bench/summary.txt"
import statistics, sys
t = {}
a = sys.argv[1:]
for k, path in zip(a[0::2], a[1::2]):
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) == 7 and f[:2] == ["#", "nfsbench"] and f[6] != "none":
            t.setdefault((f[2], f[4], k, f[3]), []).append(float(f[6]))
print("nfsd over loopback to the kernel's NFSv4.1 client, a hot 64 MiB file read")
print("with O_DIRECT; seconds per read (median of every round of both boots);")
print("ratios are throughput against base reading by splice, its default.")
print("TCG (-cpu max): only the ratios mean anything.")
print("%-6s %-13s %9s %9s %9s %9s   %s" % (
    "fs", "READ size", "base spl", "base iter", "pat spl", "pat iter",
    "ratio: base iter / pat splice / pat iter"))
for fs in ("ext4", "tmpfs"):
    for pat in ("1m", "64k", "unaligned_1m"):
        m = {}
        for k in ("base", "patched"):
            for p in ("splice", "iter"):
                v = t.get((fs, pat, k, p))
                m[k, p] = statistics.median(v) if v else None
        if None in m.values():
            print("%-6s %-13s did not run" % (fs, pat))
            continue
        ref = m["base", "splice"]
        print("%-6s %-13s %9.3f %9.3f %9.3f %9.3f   %.2f / %.2f / %.2f" % (
            fs, pat, m["base", "splice"], m["base", "iter"], m["patched", "splice"],
            m["patched", "iter"], ref / m["base", "iter"], ref / m["patched", "splice"],
            ref / m["patched", "iter"]))
PY
