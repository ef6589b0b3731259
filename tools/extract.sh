#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the pinned base (base.conf; fetch-base.sh fetches it) into
# build/linux as a git tree whose first commit (tag "base") is the pristine
# source, and add a worktree of that commit at build/linux-base for the
# unpatched kernel.
#   extract.sh                    the pin
#   extract.sh PKG VERSION TARBALL  another base (make rebase on a machine
#                                 that has no build/linux yet)
. "$(dirname "$0")/lib.sh"

ver=$BASE_VERSION
if [ $# -eq 3 ]; then
	BASE_PKG=$1 ver=$2 BASE_TARBALL=$3
fi
if [ -d "$SRC/.git" ] && git -C "$SRC" rev-parse -q --verify base >/dev/null; then
	have=$(cat "$BUILD/base-version" 2>/dev/null)
	if [ "$have" != "$ver" ]; then
		die "build/linux was made from $BASE_PKG $have, but base.conf pins $ver: remove build/ to start from the pin ('make rebase' moves a pin and the series together)"
	fi
	exit 0
fi

[ $# -eq 3 ] || bash "$TOP/tools/fetch-base.sh" || exit 1
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL not found"

GIT="git $GIT_ID"
extract() {
	set -e
	rm -rf "$SRC" "$BASESRC" "$BUILD/extract"
	mkdir -p "$BUILD/extract"
	tar -C "$BUILD/extract" -xf "$BASE_TARBALL"
	mv "$BUILD/extract/$BASE_PKG" "$SRC"
	rmdir "$BUILD/extract"
	cd "$SRC"
	$GIT init -q -b patched .
	# 90,000 files: an automatic gc in the middle of a build costs minutes.
	git config gc.auto 0
	# The kernel's own .gitignore would hide nothing of the pristine source.
	$GIT add -A -f .
	$GIT commit -q -m "Debian $BASE_PKG $ver" \
		-m "Pristine source from $BASE_TARBALL."
	$GIT tag base
	$GIT worktree add -q --detach "$BASESRC" base
	echo "$ver" >"$BUILD/base-version"
}
must "could not extract the base source; see out/logs/extract.log" \
	"extract $BASE_PKG $ver" "$LOGS/extract.log" extract
