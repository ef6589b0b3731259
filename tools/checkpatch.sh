#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl --strict on every patch in patches/series.
# Any message fails.  Debian's python3 (with ply) runs spdxcheck.py.
. "$(dirname "$0")/lib.sh"

cd "$SRC" || die "build/linux is missing; run 'make tree'"
rc=0
for p in $(series_patches); do
	out=$(PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --terse "$TOP/patches/$p" 2>&1)
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	else
		echo "checkpatch --strict: clean: $p"
	fi
done
exit $rc
