#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the base and the patched kernels with the same
# workloads; print throughput and the ratios that matter, and plot them
# (out/bench/).  A bench is not a test: nothing here fails on a ratio.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

prepare gnuplot-nox base patched nogift
for k in base patched; do
	bash "$T/run.sh" "$k" "bench-$k" bench || exit 1
done
# The cold goal compares two boots, and a boot of this emulator can run
# slower or faster than the one before it by a third.  The cold methods
# get a second pair of boots, in the opposite order (base, patched,
# patched, base), so that a drift of the host over the run cancels, and
# the medians pool both boots of each kernel.
cold=cold_read_write,cold_odirect,cold_splice,cold_splice_move,cold_splice_noreuse
for k in patched base; do
	EXTRA_CMDLINE="BENCH_FS=ext4,xfs BENCH_ONLY=$cold" \
		bash "$T/run.sh" "$k" "bench-$k-cold" bench || exit 1
done
# The CRIU-like dump rows once more on the series without the gift patches,
# so that the RFC's cover letter and the series' quote this same run.
# Each dump is divided by a pwrite() dump of the same boot, which cancels
# the drift between boots.
EXTRA_CMDLINE="BENCH_ONLY=dump_write,dump_gift,dump_write_idle,dump_gift_idle" \
	bash "$T/run.sh" nogift bench-nogift bench || exit 1
rm -rf "$OUT/bench"
python3 "$T/bench.py" \
	"$OUT/runs/bench-base/tap.log,$OUT/runs/bench-base-cold/tap.log" \
	"$OUT/runs/bench-patched/tap.log,$OUT/runs/bench-patched-cold/tap.log" \
	"$OUT/bench" "$OUT/runs/bench-nogift/tap.log" || exit 1
note "table and goals: out/bench/summary.txt; plots: out/bench/*.png"
