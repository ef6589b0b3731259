#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series: the series as mail, one set per tree, in out/series/TREE/.
#
# patches/series stays the one ordered list.  The SMC fix (nothing outside
# net/smc/) goes to net, with Fixes: and Cc: stable; other patches that
# touch only net/ and tools/testing/selftests/net/ go to net-next (the skb
# frags change and its selftest); a patch that touches only fs/nfsd/ goes
# to the nfsd tree (its iter-path default, which pays only once file
# splice copies).  Each of these applies and builds on the base alone.
# Patches whose subject names POSIX_FADV_NOREUSE (the drop-behind hint and
# its tests, a new behaviour rather than a fix) go as an RFC (vfs-rfc) on
# top of the vfs set, which they need; so do the patches of the vmsplice
# set (in_vmsplice_set: the fuse reply length, vmsplice() copying, its
# counters, tests and documentation, and SPLICE_F_GIFT copy-on-write, an
# mm change), which need the vfs set's pipe pool and want the answers of
# mm, CRIU and fuse before they are more than an RFC.  Every other patch
# goes through the VFS tree, which carries the mm and fuse patches of
# file splice with their maintainers' acks.  The guarantee for data
# spliced out of sockets needs vfs, net and net-next; for vmsplice(), the
# vmsplice set.
#
# For each tree: its commits cherry-picked onto a pristine base (git am
# would drop the notes below each patch's ---), git format-patch
# --base from there, with a cover letter when the set has more than one
# patch, its subject and text from patches/0000-cover-letter.patch (vfs)
# or patches/0000-cover-letter-TREE.patch, and To/Cc for each mail from
# the kernel's scripts/get_maintainer.pl run on that mail alone (the cover
# letter gets them all).  Then build each set on the base, and check that
# git am of all the sets gives exactly the tree of build/linux.
. "$(dirname "$0")/lib.sh"

bash "$TOP/tools/apply.sh" || exit 1
bash "$TOP/tools/kconfig.sh" || exit 1
cd "$SRC" || die "build/linux is missing; run 'make tree'"
dest=$OUT/series
trees=(vfs net net-next nfsd vfs-rfc vmsplice)

# rfc_on_vfs TREE: whether TREE's set is an RFC that goes on top of vfs.
rfc_on_vfs() {
	[ "$1" = vfs-rfc ] || [ "$1" = vmsplice ]
}

# tree_of PATCH: the set of a patch file (set_of, from its Subject: and
# the files its diff touches).
tree_of() {
	local f subject
	f=$(sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$1")
	# The Subject: header, unfolded: long subjects go on over lines that
	# start with a space.
	subject=$(sed -n '1,/^$/p' "$1" |
		awk '/^Subject: /{s = $0; c = 1; next} c && /^ /{s = s $0; next} {c = 0} END{print s}')
	set_of "$subject" "$f"
}

tmp=$(mktemp -d)
cleanup() {
	local t
	for t in "${trees[@]}" all; do
		git worktree remove --force "$tmp/$t" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# --no-fixes: the authors of a Fixes: commit would come from git history,
# which the base tarball does not have.
gm() {
	scripts/get_maintainer.pl --no-git --no-git-fallback --no-fixes \
		--no-rolestats --no-multiline --separator=, "$@"
}

# add_recipients MAIL TO CC: To: and Cc: header lines before Subject:.
add_recipients() {
	python3 - "$@" <<'EOF' || die "could not add recipients to $1"
import sys

path, to, cc = sys.argv[1:4]
text = open(path).read()
head, sep, body = text.partition("\n\n")
lines = []
for name, value in (("To", to), ("Cc", cc)):
    addrs = [a for a in value.split(",") if a]
    if addrs:
        lines.append(name + ": " + ",\n    ".join(addrs))
out = []
for line in head.split("\n"):
    if line.startswith("Subject: ") and lines:
        out.extend(lines)
        lines = []
    out.append(line)
open(path, "w").write("\n".join(out) + sep + body)
EOF
}

# fill_cover MAIL SOURCE: the subject and text of SOURCE in MAIL.
fill_cover() {
	python3 - "$2" "$1" <<'EOF' || die "could not fill in the cover letter from $2"
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
head, _, body = text.partition("\n\n")
m = re.search(r"^Subject: \[(?:RFC )?PATCH[^\]]*\] (.*)$", head, re.M)
if not m:
    sys.exit("%s has no 'Subject: [PATCH 0/N] ...' line" % src)
out = open(dst).read()
for old, new in (("*** SUBJECT HERE ***", m.group(1)),
                 ("*** BLURB HERE ***", body.rstrip("\n"))):
    if old not in out:
        sys.exit("git format-patch's cover letter has no %s" % old)
    out = out.replace(old, new, 1)
open(dst, "w").write(out)
EOF
}

rm -rf "$dest"
declare -A count
# The commits of build/linux, one per line of patches/series (apply.sh
# made them so, with the notes below each patch's --- kept).
mapfile -t commits < <(git rev-list --reverse base..patched)
mapfile -t files < <(series_patches)
[ ${#commits[@]} -eq ${#files[@]} ] || die "build/linux does not match patches/series; run 'make apply'"
for t in "${trees[@]}"; do
	mine=()
	for i in "${!files[@]}"; do
		[ "$(tree_of "$TOP/patches/${files[$i]}")" = "$t" ] && mine+=("${commits[$i]}")
	done
	count[$t]=${#mine[@]}
	[ ${#mine[@]} -gt 0 ] || continue
	cover=$TOP/patches/0000-cover-letter.patch
	prefix=PATCH
	if rfc_on_vfs "$t"; then
		cover=$TOP/patches/0000-cover-letter-$t.patch
		prefix="RFC PATCH"
	elif [ "$t" = nfsd ]; then
		prefix=PATCH
	elif [ "$t" != vfs ]; then
		cover=$TOP/patches/0000-cover-letter-$t.patch
		prefix="PATCH $t"
	fi
	# One patch goes alone, without a cover letter.
	letter=
	if [ ${#mine[@]} -gt 1 ]; then
		letter=--cover-letter
		[ -f "$cover" ] || die "${cover#"$TOP"/} is missing"
		from=$(sed -n '1,/^$/s/^From: //p' "$cover")
		[ -n "$from" ] || die "${cover#"$TOP"/} has no From: line"
	else
		from=$(git log -1 --format='%an <%ae>' "${mine[0]}")
	fi
	email=${from##*<}

	# This tree's patches alone on the base; each RFC's on the vfs set,
	# whose patches its mails then name as prerequisites.
	git worktree add -q --detach "$tmp/$t" base || die "git worktree add failed"
	under=base
	if rfc_on_vfs "$t"; then
		git -C "$tmp/$t" checkout -q --detach "$(git -C "$tmp/vfs" rev-parse HEAD)" ||
			die "the vfs set is missing under the RFC"
		under=$(git -C "$tmp/$t" rev-parse HEAD)
	fi
	git -C "$tmp/$t" -c user.name=series -c user.email=series@localhost \
		cherry-pick "${mine[@]}" >"$LOGS/series-am-$t.log" 2>&1 ||
		die "the $t patches do not apply on base (an RFC: on the vfs set); see out/logs/series-am-$t.log"

	GIT_COMMITTER_NAME=${from% <*} GIT_COMMITTER_EMAIL=${email%>} \
		git -C "$tmp/$t" format-patch -q $letter --base=base \
		--zero-commit --subject-prefix="$prefix" -o "$dest/$t" "$under..HEAD" ||
		die "git format-patch failed for $t"
	[ -z "$letter" ] || fill_cover "$dest/$t/0000-cover-letter.patch" "$cover"

	# Recipients: each patch its own; the cover letter everyone's.
	for m in "$dest/$t"/[0-9]*.patch; do
		[ "${m##*/}" = 0000-cover-letter.patch ] && continue
		add_recipients "$m" "$(gm --no-r --no-l "$m")" "$(gm --no-m "$m")"
	done
	[ -n "$letter" ] || continue
	patches=("$dest/$t"/[0-9]*.patch)
	patches=("${patches[@]:1}")
	# Cc: lines of the cover letter's source name who else should see
	# the set: lists and people get_maintainer.pl does not know of
	# (linux-api, the reporter, the projects it affects).
	extra=$(sed -n '1,/^$/s/^Cc: //p' "$cover" | paste -sd, -)
	add_recipients "$dest/$t/0000-cover-letter.patch" \
		"$(gm --no-r --no-l "${patches[@]}")" \
		"$(gm --no-m "${patches[@]}")${extra:+,$extra}"
done

# All sets, one after the other, give the tree of build/linux.
git worktree add -q --detach "$tmp/all" base || die "git worktree add failed"
mapfile -t mails < <(for t in "${trees[@]}"; do
	ls "$dest/$t"/[0-9]*.patch 2>/dev/null | grep -v '/0000-cover-letter\.patch$'
done)
git -C "$tmp/all" -c user.name=series -c user.email=series@localhost \
	am -q "${mails[@]}" >"$LOGS/series-am.log" 2>&1 ||
	die "git am of out/series/*/ on base failed; see out/logs/series-am.log"
[ "$(git -C "$tmp/all" rev-parse 'HEAD^{tree}')" = "$(git rev-parse 'patched^{tree}')" ] ||
	die "git am of out/series/*/ on base gives a different tree than build/linux"

# Each set builds on the base alone (an RFC on the vfs set), in the bisect
# worktree (SERIES_BUILD=0 skips this).
if [ "${SERIES_BUILD:-1}" != 0 ]; then
	bisect_worktree
	kbuild_env
	cfg=$OUT/kconfig/default.config
	for t in "${trees[@]}"; do
		[ "${count[$t]}" -gt 0 ] || continue
		c=$(git -C "$tmp/$t" rev-parse HEAD)
		build() {
			set -e
			git -C "$WT" checkout -q --detach "$c"
			cmp -s "$cfg" "$WT/.config" || cp "$cfg" "$WT/.config"
			make -C "$WT" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
				-j"$JOBS" olddefconfig bzImage modules
		}
		must "the $t set does not build alone on base; see out/logs/series-build-$t.log" \
			"build base + the $t set" "$LOGS/series-build-$t.log" build
		! grep -E '(^|: )warning: ' "$LOGS/series-build-$t.log" ||
			die "base + the $t set builds with warnings"
	done
fi

summary=
for t in "${trees[@]}"; do
	summary+=" $t: ${count[$t]} patches;"
done
built="applies and builds"
[ "${SERIES_BUILD:-1}" != 0 ] || built="applies (not built: SERIES_BUILD=0)"
note "out/series/:$summary git am of each on base (an RFC: on vfs) $built; of all: same tree as build/linux"
