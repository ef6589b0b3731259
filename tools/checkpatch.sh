#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl --strict on every patch in patches/series.
# Any message fails, but two, which are answered here:
#  - FILE_PATH_CHANGES ("does MAINTAINERS need updating?"), which checkpatch
#    gives for every new file of a patch that does not touch MAINTAINERS:
#    dropped when an F: line of MAINTAINERS in build/linux names a
#    directory holding each new file;
#  - UNKNOWN_COMMIT_ID for a Fixes: id listed in tools/upstream-commits:
#    build/linux has no history to look it up in.
# Debian's python3 (with ply) runs spdxcheck.py.
. "$(dirname "$0")/lib.sh"

cd "$SRC" || die "build/linux is missing; run 'make tree'"
rc=0
# Whether every file patch $1 adds sits under a directory MAINTAINERS names.
maintained() {
	local f d
	for f in $(sed -n 's|^+++ b/||p' "$1" | sort -u); do
		grep -q "^diff --git a/$f b/$f" "$1" || continue
		sed -n "\\|^diff --git a/$f |,/^+++/p" "$1" | grep -q '^new file' || continue
		d=$f
		while d=$(dirname "$d") && [ "$d" != . ]; do
			grep -qxF "F:	$d/" MAINTAINERS && continue 2
		done
		return 1
	done
}

for p in $(series_patches); do
	out=$(PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --terse "$TOP/patches/$p" 2>&1)
	if maintained "$TOP/patches/$p"; then
		out=$(grep -v 'WARNING: added, moved or deleted file(s), does MAINTAINERS need updating?' <<<"$out")
	fi
	for id in $(sed -n 's/^\([0-9a-f]\{12\}\) .*/\1/p' "$TOP/tools/upstream-commits"); do
		out=$(grep -v "WARNING: Unknown commit id '$id', maybe rebased or not pulled?" <<<"$out")
	done
	# Nothing but the totals left: every message was answered.
	grep -qv '^total: 0 errors, [0-9]* warnings, 0 checks, ' <<<"$out" || out=
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	else
		echo "checkpatch --strict: clean: $p"
	fi
done
exit $rc
