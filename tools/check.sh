#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build both kernels and the initramfs, run the suites on the
# base kernel (the bug must show) and on the patched kernel (only what
# tests/known-failures lists may fail), then judge both runs.
# make (ONLY=patched): the same for the patched kernel alone.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

kernels=${ONLY:-base patched}
bash "$T/deps.sh" || exit 1
bash "$T/extract.sh" || exit 1
bash "$T/apply.sh" || exit 1
bash "$T/kconfig.sh" || exit 1
for k in $kernels; do
	bash "$T/build-kernel.sh" "$k" || exit 1
done
bash "$T/initramfs.sh" || exit 1
for k in $kernels; do
	bash "$T/run.sh" "$k" || exit 1
done

args=(--patched "$OUT/runs/patched" --known "$TOP/tests/known-failures"
	--must-fail "$TOP/tests/base-must-fail")
case " $kernels " in
*" base "*) args+=(--base "$OUT/runs/base") ;;
esac
note "results (TAP: out/runs/*/tap.log, guest logs: out/runs/*/console.log)"
python3 "$T/results.py" "${args[@]}" | tee "$OUT/check.txt"
exit "${PIPESTATUS[0]}"
