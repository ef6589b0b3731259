#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: Debian's stress-ng, unmodified, on the base and the patched
# kernel: bogo ops per second of --vm-splice (vmsplice of a buffer, then
# splice to /dev/null), --splice (/dev/zero to a pipe to /dev/null) and
# --tee, with --pipe as the control (the series does not touch write() to
# a pipe, so its ratio is the noise).  Boots base, patched, patched, base
# so that a drift of the host cancels.  Ratios in out/stress/summary.txt.
#   STRESS_ROUNDS (3) rounds of STRESS_SECS (10) seconds per boot;
#   STRESS_OPTS=--vm-splice-bytes,4K adds options (commas for spaces).
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

prepare stress-ng base patched

stage=$BUILD/stress-root
pack() {
	set -e
	rm -rf "$stage"
	stage_binary "$stage" "$(command -v stress-ng)" /usr/bin/stress-ng
	(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$OUT/stress-ng.cpio.gz"
}
must "could not pack stress-ng; see out/logs/stress-pack.log" \
	"pack stress-ng for the guest" "$LOGS/stress-pack.log" pack

args="STRESS_ROUNDS=${STRESS_ROUNDS:-3} STRESS_SECS=${STRESS_SECS:-10} STRESS_OPTS=$STRESS_OPTS"
runs=()
for k in base patched patched base; do
	n=stress-$k-$(( ${#runs[@]} / 2 + 1 ))
	INITRD_EXTRA=$OUT/stress-ng.cpio.gz EXTRA_CMDLINE="$args" \
		bash "$T/run.sh" "$k" "$n" stressng || exit 1
	runs+=("$k" "$OUT/runs/$n/tap.log")
done
mkdir -p "$OUT/stress"
python3 - "${runs[@]}" <<'PY' | tee "$OUT/stress/summary.txt"
import os, statistics, sys
ops = {}
a = sys.argv[1:]
for k, path in zip(a[0::2], a[1::2]):
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) == 7 and f[:2] == ["#", "stressng"]:
            ops.setdefault((f[3], k), []).append(float(f[6]))
print("stress-ng, one worker%s; bogo ops/s (real time), median of all rounds "
      "of every boot (TCG: only the ratios mean anything)" % (
          (" " + os.environ["STRESS_OPTS"].replace(",", " ")) if os.environ.get("STRESS_OPTS") else ""))
print("%-10s %12s %12s %8s  %s" % ("stressor", "base", "patched", "ratio", "rounds"))
for st in ("vm-splice", "splice", "tee", "pipe"):
    b, p = ops.get((st, "base"), []), ops.get((st, "patched"), [])
    if not b or not p:
        print("%-10s did not run" % st)
        continue
    mb, mp = statistics.median(b), statistics.median(p)
    print("%-10s %12.0f %12.0f %8.3f  base %s / patched %s" % (
        st, mb, mp, mp / mb, " ".join("%.0f" % x for x in b),
        " ".join("%.0f" % x for x in p)))
PY
