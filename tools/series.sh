#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series: the series as mail, in out/series/.  git format-patch
# --cover-letter --base, with the cover letter's subject and text taken
# from patches/0000-cover-letter.patch and the recipients from the
# kernel's scripts/get_maintainer.pl.  Then check that git am applies the
# patches to a pristine base and gives the same tree as build/linux.
. "$(dirname "$0")/lib.sh"

cover=$TOP/patches/0000-cover-letter.patch
dest=$OUT/series
[ -f "$cover" ] || die "patches/0000-cover-letter.patch is missing"
bash "$TOP/tools/apply.sh" || exit 1
cd "$SRC" || die "build/linux is missing; run 'make tree'"

tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/am" 2>/dev/null; rm -rf "$tmp"' EXIT

# Recipients: maintainers of what the series touches in To, reviewers and
# lists in Cc.  --no-git: the base tree has no upstream history.
git format-patch -q -o "$tmp/plain" base..patched
gm() {
	scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats \
		--no-multiline --separator=, "$@" "$tmp"/plain/*.patch
}
to=$(gm --no-r --no-l) || die "get_maintainer.pl failed"
cc=$(gm --no-m) || die "get_maintainer.pl failed"

rm -rf "$dest"
args=(--cover-letter --base=base --zero-commit -o "$dest")
IFS=, read -ra tos <<<"$to"
IFS=, read -ra ccs <<<"$cc"
for r in "${tos[@]}"; do args+=("--to=$r"); done
for r in "${ccs[@]}"; do args+=("--cc=$r"); done
# The cover letter is from whoever patches/0000-cover-letter.patch says.
from=$(sed -n '1,/^$/s/^From: //p' "$cover")
[ -n "$from" ] || die "patches/0000-cover-letter.patch has no From: line"
email=${from##*<}
GIT_COMMITTER_NAME=${from% <*} GIT_COMMITTER_EMAIL=${email%>} \
	git format-patch -q "${args[@]}" base..patched || die "git format-patch failed"

# The cover letter: our subject and text in place of the placeholders.
letter=$(ls "$dest"/0000-cover-letter.patch) || die "no cover letter was written"
python3 - "$cover" "$letter" <<'EOF' || die "could not fill in the cover letter"
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
head, _, body = text.partition("\n\n")
m = re.search(r"^Subject: \[PATCH[^\]]*\] (.*)$", head, re.M)
if not m:
    sys.exit("patches/0000-cover-letter.patch has no 'Subject: [PATCH 0/N] ...' line")
out = open(dst).read()
for old, new in (("*** SUBJECT HERE ***", m.group(1)),
                 ("*** BLURB HERE ***", body.rstrip("\n"))):
    if old not in out:
        sys.exit("git format-patch's cover letter has no %s" % old)
    out = out.replace(old, new, 1)
open(dst, "w").write(out)
EOF

# git am on a pristine base must give exactly the tree of build/linux.
git worktree add -q --detach "$tmp/am" base || die "git worktree add failed"
mapfile -t mails < <(ls "$dest"/*.patch | grep -v '/0000-cover-letter\.patch$')
git -C "$tmp/am" -c user.name=series -c user.email=series@localhost \
	am -q "${mails[@]}" >"$LOGS/series-am.log" 2>&1 ||
	die "git am of out/series/ on base failed; see out/logs/series-am.log"
[ "$(git -C "$tmp/am" rev-parse 'HEAD^{tree}')" = "$(git rev-parse 'patched^{tree}')" ] ||
	die "git am of out/series/ on base gives a different tree than build/linux"

n=$(ls "$dest"/*.patch | wc -l)
note "out/series/: $n mails (cover letter + $((n - 1)) patches), To: ${#tos[@]}, Cc: ${#ccs[@]}; git am on base: same tree"
