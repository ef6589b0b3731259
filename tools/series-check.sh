#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series-check: before every change to the series, its base or its
# configuration, check each patch (checkpatch --strict) and build the tree
# after each one (bisect-check).  On success, record what was checked in
# tests/series-checked, to be committed with the series; make check reads
# the record (--verify) instead of building every commit again.
. "$(dirname "$0")/lib.sh"
T=$TOP/tools
rec=$TOP/tests/series-checked

# What a passing record vouches for: the series, the base, the configs.
checked() {
	echo "series $(series_sum)"
	echo "base $BASE_PKG $BASE_VERSION"
	echo "configs $(cat "$TOP"/configs/*.config | sha256sum | cut -d' ' -f1)"
}

if [ "$1" = --verify ]; then
	if [ "$(grep -v -e '^#' -e '^result ' "$rec" 2>/dev/null)" = "$(checked)" ]; then
		note "series-check passed on this series: $(sed -n 's/^result //p' "$rec")"
		exit 0
	fi
	note "FAIL: tests/series-checked does not record a passing 'make series-check' of this series, base and configs; run it and commit the record"
	exit 1
fi

bash "$T/apply.sh" || exit 1
tree_is_exported
before=$(checked)
must "checkpatch --strict found problems; see out/logs/checkpatch.log" \
	"checkpatch --strict" "$LOGS/checkpatch.log" bash "$T/checkpatch.sh"
bash "$T/bisect-check.sh" || die "a patch does not build on its own (out/logs/bisect-*.log)"
[ "$(checked)" = "$before" ] || die "patches/, base.conf or configs/ changed during the check; run it again"
n=$(series_patches | grep -c .)
{
	echo "# Written by 'make series-check': checkpatch --strict and a build after"
	echo "# each patch passed on this series (tools/lib.sh series_sum), base and"
	echo "# configs/.  make check fails unless all three match."
	echo "$before"
	echo "result $n patches: checkpatch --strict clean, each builds without warnings"
} >"$rec"
note "series-check passed; commit tests/series-checked with the series"
