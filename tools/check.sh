#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build the base, patched and debug kernels and the initramfs,
# run the suites on the base kernel (the bug must show), on the patched
# kernel and on the debug kernel (only what tests/known-failures lists may
# fail, and no splat), check every patch with checkpatch --strict, check
# that make series-check passed on this very series, then judge it all.
# make (ONLY=patched): the suites on the patched kernel alone.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools

kernels=${ONLY:-base patched debug}
# shellcheck disable=SC2086
prepare "" $kernels
# shellcheck disable=SC2086
bash "$T/interface-check.sh" $(echo " $kernels " | sed 's/ debug / /') || exit 1
# Every kernel runs the whole suite; the debug kernel's checkers
# (KASAN, lockdep, DEBUG_VM, fault injection) watch it.
for k in $kernels; do
	bash "$T/run.sh" "$k" "$k" stable,existing,cow,compat || exit 1
done

args=(--patched "$OUT/runs/patched" --known "$TOP/tests/known-failures"
	--must-fail "$TOP/tests/base-must-fail")
if [ -z "$ONLY" ]; then
	# The series itself: style, and every patch building on its own.
	# Building after each patch takes longer than the rest of the check,
	# so make series-check does it whenever the series changes and
	# records it in tests/series-checked; here only the record is read.
	step "checkpatch --strict" "$LOGS/checkpatch.log" bash "$T/checkpatch.sh"
	args+=(--gate "checkpatch --strict (out/logs/checkpatch.log)=$?")
	bash "$T/series-check.sh" --verify
	args+=(--gate "bisect-check passed on this series (tests/series-checked; make series-check)=$?")
	python3 "$T/bench-numbers.py" --check "$TOP/patches/0000-cover-letter.patch" \
		"$TOP/patches/0000-cover-letter-vmsplice.patch" \
		"$TOP/Documentation/design.md" "$TOP/Documentation/performance.md"
	args+=(--gate "the cover letters and documents quote one bench run (make numbers)=$?")
	python3 "$T/bench-numbers.py" --check-notes "$TOP"/patches/0*.patch
	args+=(--gate "the patches' notes quote that run's rows (make numbers)=$?")
fi
case " $kernels " in
*" base "*) args+=(--base "$OUT/runs/base") ;;
esac
case " $kernels " in
*" debug "*) args+=(--debug "$OUT/runs/debug") ;;
esac
note "results (TAP: out/runs/*/tap.log, guest logs: out/runs/*/console.log)"
python3 "$T/results.py" "${args[@]}" | tee "$OUT/check.txt"
exit "${PIPESTATUS[0]}"
