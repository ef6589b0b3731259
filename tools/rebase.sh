#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make rebase BASE_VERSION=V [BASE_PKG=P BASE_SUITE=S BASE_ARCHIVE=A]:
# move the series to another base.  Fetches the new base like the pinned
# one and commits it in build/linux next to the old base, so that git am -3
# finds every blob the patches name (on a machine with no build/linux yet,
# say because the pin is no longer served, the new base starts the tree and
# the patches can only be applied, not merged).  Then applies patches/series
# on it and names each patch that conflicts and its files.
# Only when every patch applies does it move the tag "base", the branch
# "patched" and build/linux-base, export the series to patches/ and move
# the pin in base.conf; otherwise the pin and patches/ stay as they were,
# and build/rebase keeps the attempt for a look.  REBASE_DRY_RUN=1 only
# reports.
new_ver=${BASE_VERSION:?usage: make rebase BASE_VERSION=<version> [BASE_PKG=..] [BASE_SUITE=..] [BASE_ARCHIVE=..]}
new_pkg=$BASE_PKG new_suite=$BASE_SUITE new_archive=$BASE_ARCHIVE
. "$(dirname "$0")/lib.sh"
new_pkg=${new_pkg:-$BASE_PKG} new_suite=${new_suite:-$BASE_SUITE}
new_archive=${new_archive:-$BASE_ARCHIVE}
old_ver=$BASE_VERSION old_pkg=$BASE_PKG
[ "$new_pkg $new_ver" != "$old_pkg $old_ver" ] || die "the series is already on $old_pkg $old_ver"

fresh=
if git -C "$SRC" rev-parse -q --verify base >/dev/null 2>&1; then
	bash "$TOP/tools/apply.sh" || exit 1
	tree_is_exported || exit 1
else
	fresh=1
fi

pkg_dir=$BUILD/rebase-pkg
bash "$TOP/tools/fetch-base.sh" "$new_pkg" "$new_ver" "$new_suite" "$new_archive" "$pkg_dir" ||
	exit 1
tarball=$pkg_dir/usr/src/$new_pkg.tar.xz

WT=$BUILD/rebase
GIT="git $GIT_ID"
worktree() {
	git -C "$SRC" worktree remove --force "$WT" 2>/dev/null || rm -rf "$WT"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$WT" base
}
newbase() {
	set -e
	worktree
	# Replace every file of the old base by the new one's.
	find "$WT" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
	tar -C "$WT" --strip-components=1 -xf "$tarball"
	cd "$WT"
	$GIT add -A -f .
	$GIT commit -q -m "Debian $new_pkg $new_ver" \
		-m "Pristine source from $new_pkg.tar.xz."
}
if [ -n "$fresh" ]; then
	bash "$TOP/tools/extract.sh" "$new_pkg" "$new_ver" "$tarball" || exit 1
	must "could not make the worktree build/rebase" \
		"worktree of $new_pkg $new_ver" "$LOGS/rebase-base.log" worktree
else
	must "could not make the new base; see out/logs/rebase-base.log" \
		"commit $new_pkg $new_ver next to the old base" "$LOGS/rebase-base.log" newbase
fi
cd "$WT" || exit 1
nb=$(git rev-parse HEAD)

log=$LOGS/rebase.log
: >"$log"
conflicts=0
n=0
for p in $(series_patches); do
	n=$((n + 1))
	if $GIT am -q -3 --committer-date-is-author-date "$TOP/patches/$p" >>"$log" 2>&1; then
		note "patch $n applies: $p"
		continue
	fi
	files=$(git diff --name-only --diff-filter=U | tr '\n' ' ')
	after=
	[ $conflicts -gt 0 ] && after=" (after $conflicts skipped: may follow from them)"
	conflicts=$((conflicts + 1))
	note "CONFLICT in patch $n ($p)$after: ${files:-does not apply (see out/logs/rebase.log)}"
	git am --skip >>"$log" 2>&1 || git am --abort >>"$log" 2>&1
done
if [ $conflicts -ne 0 ]; then
	note "$conflicts of $n patches conflict on $new_pkg $new_ver; the pin stays at $old_pkg $old_ver"
	note "the attempt (conflicting patches skipped) is in build/rebase; log: out/logs/rebase.log"
	[ -n "$fresh" ] && note "build/linux holds $new_pkg $new_ver now: remove build/ before building the pin again"
	exit 1
fi
if [ "${REBASE_DRY_RUN:-0}" != 0 ]; then
	note "all $n patches apply on $new_pkg $new_ver (dry run: nothing moved; the result is in build/rebase)"
	exit 0
fi

# Every patch applied: move the tree, export, and move the pin last.
move() {
	set -e
	cd "$SRC"
	if [ -z "$fresh" ]; then
		git tag -f "base-$(echo "$old_pkg-$old_ver" | tr '~:' '__')" base
		git tag -f base "$nb"
		git -C "$BASESRC" checkout -q --detach "$nb"
		echo "$new_ver" >"$BUILD/base-version"
	fi
	git checkout -q -B patched "$(git -C "$WT" rev-parse HEAD)"
	git worktree remove --force "$WT"
	rm -rf "$BUILD/base-pkg"
	mv "$pkg_dir" "$BUILD/base-pkg"
	bash "$TOP/tools/export.sh"
	sed -i -e "s/^BASE_PKG=.*/BASE_PKG=$new_pkg/" \
		-e "s/^BASE_VERSION=.*/BASE_VERSION=$new_ver/" \
		-e "s/^BASE_SUITE=.*/BASE_SUITE=$new_suite/" \
		-e "s/^BASE_ARCHIVE=.*/BASE_ARCHIVE=$new_archive/" "$TOP/base.conf"
}
must "moving to $new_pkg $new_ver failed half-way; see out/logs/rebase-move.log" \
	"move build/linux, patches/ and base.conf to $new_pkg $new_ver" "$LOGS/rebase-move.log" move
note "the series is on $new_pkg $new_ver: build and test it, run 'make series-check', and commit base.conf, patches/ and tests/series-checked"
