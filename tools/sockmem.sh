#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make sockmem: the memory that sendfile() into TCP connections whose
# reader does not read keeps, on the base and the patched kernel, one boot
# each (memory, not time: TCG does not distort it).  bench/sockmem.c;
# SOCKMEM=conns:kib[:tcp|closed|unix],... (default: 100 TCP connections of
# a 1 MiB file, 10 of a 16 MiB one, 100 TCP connections whose receiver's
# 64 KiB buffer keeps the data in the sender's queue, and 100 AF_UNIX
# pairs).  Summary in out/sockmem/summary.txt.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

prepare "" base patched

spec=${SOCKMEM:-100:1024,10:16384,100:1024:closed,100:1024:unix}
runs=()
for k in base patched; do
	EXTRA_CMDLINE="SOCKMEM=$spec" bash "$T/run.sh" "$k" "sockmem-$k" sockmem || exit 1
	runs+=("$k" "$OUT/runs/sockmem-$k/tap.log")
done
mkdir -p "$OUT/sockmem"
python3 - "${runs[@]}" <<'PY' | tee "$OUT/sockmem/summary.txt"
import sys

a = sys.argv[1:]
rows = {}   # kernel -> list of dicts, one per sockmem run
for k, path in zip(a[0::2], a[1::2]):
    cur = None
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) == 4 and f[:2] == ["#", "sockmem"]:
            if f[2] == "conns":
                cur = {}
                rows.setdefault(k, []).append(cur)
            cur[f[2]] = f[3] if f[2] == "kind" else int(f[3])
print("sendfile() of a cached ext4 file into loopback TCP connections or AF_UNIX pairs that")
print("nobody reads; KiB.  Free memory: MemFree plus the per-cpu free lists,")
print("read 0.5 s after a sync; drops and rises from before the first sendfile()")
print("(qemu TCG, 2 GiB guest; memory, not time, so TCG does not distort it)")
keys = ("sent_kib", "queued_kib", "free_drop_kib", "tcp_mem_kib",
        "free_after_close_drop_kib", "tcp_mem_after_close_kib")
print("%-8s %-6s %6s %8s " % ("kernel", "kind", "conns", "file") +
      " ".join("%12s" % k.replace("_kib", "") for k in keys))
for k in ("base", "patched"):
    for r in rows.get(k, []):
        print("%-8s %-6s %6d %8d " % (k, r.get("kind", "tcp"), r["conns"], r["file_kib"]) +
              " ".join("%12d" % r.get(x, -1) for x in keys))
for i, b in enumerate(rows.get("base", [])):
    p = rows["patched"][i]
    extra = p["free_drop_kib"] - b["free_drop_kib"]
    print("patched - base, %s %d x %d KiB: free memory fell %d KiB more, %.2f of "
          "what was queued (%d KiB), %d KiB per connection"
          % (b.get("kind", "tcp"), b["conns"], b["file_kib"], extra,
             extra / max(p["queued_kib"], 1), p["queued_kib"],
             extra // b["conns"]))
PY
