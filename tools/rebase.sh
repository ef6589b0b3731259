#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make rebase BASE_VERSION=V [BASE_PKG=P BASE_SUITE=S BASE_ARCHIVE=A]:
# move the series to another base.  Fetches the new base like the pinned
# one, commits it in build/linux next to the old base (so that git am -3
# finds every blob the patches name), applies patches/series on it with a
# three-way merge, and reports each patch that conflicts and where.
# Only when every patch applies does it move the pin (base.conf), the
# tag "base", the branch "patched" and build/linux-base, and export the
# rebased series to patches/; otherwise nothing changes but build/rebase,
# which keeps the attempt for a look.  REBASE_DRY_RUN=1 only reports.
new_ver=${BASE_VERSION:?usage: make rebase BASE_VERSION=<version> [BASE_PKG=..] [BASE_SUITE=..] [BASE_ARCHIVE=..]}
new_pkg=$BASE_PKG new_suite=$BASE_SUITE new_archive=$BASE_ARCHIVE
. "$(dirname "$0")/lib.sh"
new_pkg=${new_pkg:-$BASE_PKG} new_suite=${new_suite:-$BASE_SUITE}
new_archive=${new_archive:-$BASE_ARCHIVE}
old_ver=$BASE_VERSION old_pkg=$BASE_PKG

bash "$TOP/tools/apply.sh" || exit 1
cd "$SRC" || exit 1
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes"
[ "$(git rev-parse HEAD)" = "$(cut -d' ' -f2 "$BUILD/applied")" ] ||
	die "build/linux has commits that are not in patches/; run 'make export' first"

pkg_dir=$BUILD/rebase-pkg
bash "$TOP/tools/fetch-base.sh" "$new_pkg" "$new_ver" "$new_suite" "$new_archive" "$pkg_dir" ||
	exit 1

WT=$BUILD/rebase
GIT="git $GIT_ID"
newbase() {
	set -e
	git worktree remove --force "$WT" 2>/dev/null || rm -rf "$WT"
	git worktree prune
	git worktree add -q --detach "$WT" base
	rm -rf "$BUILD/rebase-extract"
	mkdir -p "$BUILD/rebase-extract"
	tar -C "$BUILD/rebase-extract" -xf "$pkg_dir/usr/src/$new_pkg.tar.xz"
	rsync -a --delete --exclude=/.git "$BUILD/rebase-extract/$new_pkg/" "$WT/"
	rm -rf "$BUILD/rebase-extract"
	cd "$WT"
	$GIT add -A -f .
	$GIT commit -q -m "Debian $new_pkg $new_ver" \
		-m "Pristine source from $new_pkg.tar.xz."
}
step "commit $new_pkg $new_ver next to the old base" "$LOGS/rebase-base.log" newbase ||
	die "could not make the new base; see out/logs/rebase-base.log"
cd "$WT" || exit 1
nb=$(git rev-parse HEAD)

log=$LOGS/rebase.log
: >"$log"
conflicts=0
n=0
for p in $(grep -v -e '^\s*#' -e '^\s*$' "$TOP/patches/series"); do
	n=$((n + 1))
	if $GIT am -q -3 --committer-date-is-author-date "$TOP/patches/$p" >>"$log" 2>&1; then
		note "patch $n applies: $p"
		continue
	fi
	conflicts=$((conflicts + 1))
	files=$(git diff --name-only --diff-filter=U | tr '\n' ' ')
	note "CONFLICT in patch $n ($p): ${files:-does not apply (see out/logs/rebase.log)}"
	git am --skip >>"$log" 2>&1 || git am --abort >>"$log" 2>&1
done
if [ $conflicts -ne 0 ]; then
	note "$conflicts of $n patches conflict on $new_pkg $new_ver; the pin stays at $old_pkg $old_ver"
	note "the attempt (conflicting patches skipped) is in build/rebase; log: out/logs/rebase.log"
	exit 1
fi

if [ -n "$REBASE_DRY_RUN" ]; then
	note "all $n patches apply on $new_pkg $new_ver (dry run: nothing moved; the result is in build/rebase)"
	exit 0
fi

# Every patch applied: move everything over.
cd "$SRC" || exit 1
git tag -f "base-$(echo "$old_ver" | tr '~:' '__')" base >/dev/null
git tag -f base "$nb" >/dev/null
git checkout -q -B patched "$(git -C "$WT" rev-parse HEAD)"
git worktree remove --force "$WT"
git -C "$BASESRC" checkout -q --detach "$nb"
echo "$new_ver" >"$BUILD/base-version"
rm -rf "$BUILD/base-pkg"
mv "$pkg_dir" "$BUILD/base-pkg"
sed -i -e "s/^BASE_PKG=.*/BASE_PKG=$new_pkg/" -e "s/^BASE_VERSION=.*/BASE_VERSION=$new_ver/" \
	-e "s/^BASE_SUITE=.*/BASE_SUITE=$new_suite/" -e "s/^BASE_ARCHIVE=.*/BASE_ARCHIVE=$new_archive/" \
	"$TOP/base.conf"
bash "$TOP/tools/export.sh" || exit 1
note "the series is on $new_pkg $new_ver: base.conf and patches/ changed; build, test and commit them"
