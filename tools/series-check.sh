#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series-check: before every change to the series, check each patch
# (checkpatch --strict) and build the tree after each one (bisect-check).
# On success, record the series' hash in tests/series-checked, to be
# committed with the series; make check reads the record (--verify)
# instead of building every commit again.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools
rec=$TOP/tests/series-checked

if [ "$1" = --verify ]; then
	if grep -qxF "series $(series_sum)" "$rec" 2>/dev/null &&
		grep -qxF "base $BASE_PKG $BASE_VERSION" "$rec"; then
		note "series-check passed on this series: $(sed -n 's/^result //p' "$rec")"
		exit 0
	fi
	note "FAIL: tests/series-checked does not record a passing 'make series-check' of this series; run it and commit the record"
	exit 1
fi

step "checkpatch --strict" "$LOGS/checkpatch.log" bash "$T/checkpatch.sh" ||
	die "checkpatch --strict found problems; see out/logs/checkpatch.log"
bash "$T/bisect-check.sh" || die "a patch does not build on its own (out/logs/bisect-*.log)"
n=$(grep -c -v -e '^\s*#' -e '^\s*$' "$TOP/patches/series")
{
	echo "# Written by 'make series-check': checkpatch --strict and a build after"
	echo "# each patch passed on the series with this hash (tools/lib.sh series_sum),
# on this base."
	echo "series $(series_sum)"
	echo "base $BASE_PKG $BASE_VERSION"
	echo "result $n patches: checkpatch --strict clean, each builds without warnings"
} >"$rec"
note "series-check passed; commit tests/series-checked with the series"
