#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the base and the patched kernels with the same
# workloads and print throughput and the ratios that matter.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

bash "$T/deps.sh" || exit 1
bash "$T/extract.sh" || exit 1
bash "$T/apply.sh" || exit 1
bash "$T/kconfig.sh" || exit 1
for k in base patched; do
	bash "$T/build-kernel.sh" "$k" || exit 1
done
bash "$T/initramfs.sh" || exit 1
for k in base patched; do
	bash "$T/run.sh" "$k" "bench-$k" bench || exit 1
done
mkdir -p "$OUT/bench"
python3 "$T/bench.py" "$OUT/runs/bench-base/tap.log" "$OUT/runs/bench-patched/tap.log" |
	tee "$OUT/bench/summary.txt"
