#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make branch "patched" of build/linux the base plus patches/series, one
# commit per patch.  Files the series does not touch keep their mtimes, so
# the kernel build after this is incremental.
#
# If the tree has commits of its own (someone is editing the series there),
# leave it alone: it is the newer truth until `make export` writes it out.
. "$(dirname "$0")/lib.sh"

cd "$SRC" || die "build/linux is missing; run 'make tree'"
stamp=$BUILD/applied
series=$TOP/patches/series
[ -f "$series" ] || die "patches/series is missing"

patches=$(series_patches)
for p in $patches; do
	[ -f "$TOP/patches/$p" ] || die "patches/series lists $p, which is not in patches/"
done
want=$(series_sum)
head=$(git rev-parse HEAD)
had_sum=
had_head=
[ -f "$stamp" ] && read -r had_sum had_head <"$stamp"

if [ "$(git rev-parse --abbrev-ref HEAD)" != patched ]; then
	die "build/linux is not on branch 'patched'; check it out (git -C build/linux checkout patched)"
fi
if [ -n "$had_head" ] && [ "$head" != "$had_head" ]; then
	if [ "$want" != "$had_sum" ]; then
		die "build/linux has new commits and patches/ changed too: export (make export) or reset one of them"
	fi
	note "build/linux has commits that are not in patches/ yet; building them (run 'make export')"
	exit 0
fi
[ "$want" = "$had_sum" ] && [ "$head" = "$had_head" ] && exit 0

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	die "build/linux has uncommitted changes; commit them and run 'make export', or discard them"
fi

apply() {
	set -e
	git checkout -q -B patched base
	for p in $patches; do
		echo "applying $p"
		# shellcheck disable=SC2086
		if ! git $GIT_ID am -q --committer-date-is-author-date "$TOP/patches/$p"; then
			git am --abort || true
			echo "error: $p does not apply"
			return 1
		fi
		# git am drops the notes below the patch's first ---; put
		# them back, so that export and make series keep them.
		msg=$(python3 "$TOP/tools/patchmsg.py" "$TOP/patches/$p")
		if [ -n "$msg" ]; then
			# shellcheck disable=SC2086
			GIT_COMMITTER_DATE=$(git log -1 --format=%cD) \
				git $GIT_ID commit -q --amend -F - <<<"$msg"
		fi
	done
}
n=$(echo "$patches" | grep -c .)
step "apply patches/series ($n patches)" "$LOGS/apply.log" apply
if [ $? -ne 0 ]; then
	p=$(sed -n 's/^error: \(.*\) does not apply$/\1/p' "$LOGS/apply.log")
	# Leave no half-applied series behind for the next build to pick up.
	git checkout -q -B patched base
	rm -f "$stamp"
	die "patch ${p:-?} does not apply to the base; see out/logs/apply.log"
fi
echo "$want $(git rev-parse HEAD)" >"$stamp"
