#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned base (base.conf) with Debian's apt client, into an apt
# state of the project's own under build/apt: the machine's apt sources and
# installed packages are left alone.  The .deb is unpacked under
# build/base-pkg; extract.sh takes the source tarball from there.
#   fetch-base.sh                    the pinned base, into build/base-pkg
#   fetch-base.sh PKG VERSION SUITE ARCHIVE DIR
#                                    another (make rebase), into DIR
. "$(dirname "$0")/lib.sh"

pin="$BASE_PKG $BASE_VERSION"
if [ $# -eq 5 ]; then
	BASE_PKG=$1 BASE_SUITE=$3 BASE_ARCHIVE=$4
	want=$2 pkg_dir=$5
else
	want=$BASE_VERSION pkg_dir=$BUILD/base-pkg
fi
deb_dir=$pkg_dir.deb
# Already unpacked?
if [ "$(cat "$pkg_dir/.version" 2>/dev/null)" = "$BASE_PKG $want" ]; then
	exit 0
fi

APTDIR=$BUILD/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
	"$APTDIR/sources.list.d" "$APTDIR/preferences.d"
touch "$APTDIR/status"

# The machine's repository URI for $BASE_ARCHIVE, from its own sources
# (one-line and deb822 formats; a mirror+file: list is used as it is).
host_uri() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sed -n 's/^[[:space:]]*URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
	done
}
uri=$(host_uri | sed 's|/*$||' | grep -m1 -E "/$BASE_ARCHIVE(\.list)?\$")
[ -n "$uri" ] || die "the machine's apt sources name no repository ending in /$BASE_ARCHIVE (base.conf: BASE_ARCHIVE)"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $BASE_SUITE main" \
	>"$APTDIR/sources.list"

APT_OPTS=(-o "Dir::Etc::SourceList=$APTDIR/sources.list"
	-o "Dir::Etc::SourceParts=$APTDIR/sources.list.d"
	-o "Dir::Etc::Preferences=$APTDIR/preferences"
	-o "Dir::Etc::PreferencesParts=$APTDIR/preferences.d"
	-o "Dir::State::Lists=$APTDIR/lists"
	-o "Dir::State::status=$APTDIR/status"
	-o "Dir::Cache=$APTDIR/cache"
	-o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
	-o "APT::Update::Error-Mode=any")

must "could not read the package list of $BASE_SUITE; see out/logs/apt-base.log" \
	"apt-get update ($BASE_SUITE, private state in build/apt)" "$LOGS/apt-base.log" \
	apt-get "${APT_OPTS[@]}" update
served=$(apt-cache "${APT_OPTS[@]}" madison "$BASE_PKG" | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
	sort -u -V -r)
[ -n "$served" ] || die "$BASE_SUITE serves no $BASE_PKG at all (base.conf: BASE_PKG, BASE_SUITE)"
if ! echo "$served" | grep -qxF "$want"; then
	printf 'error: apt does not serve %s %s (base.conf pins %s).\n' "$BASE_PKG" "$want" "$pin" >&2
	printf '  %s serves: %s\n' "$BASE_SUITE" "$(echo $served)" >&2
	pkg_arg=
	[ "$BASE_PKG" = "${pin%% *}" ] || pkg_arg="BASE_PKG=$BASE_PKG "
	printf '  to move the pin: make rebase %sBASE_VERSION=%s\n' "$pkg_arg" "$(echo "$served" | head -n1)" >&2
	exit 1
fi
newest=$(echo "$served" | head -n1)
if dpkg --compare-versions "$newest" gt "$want"; then
	note "note: apt serves $BASE_PKG $newest, newer than the pinned $want; using the pin (make rebase BASE_VERSION=$newest moves it)"
fi

fetch() {
	set -e
	rm -rf "$deb_dir" "$pkg_dir"
	mkdir -p "$deb_dir" "$pkg_dir"
	cd "$deb_dir"
	apt-get "${APT_OPTS[@]}" download "$BASE_PKG=$want"
	dpkg-deb -x "$deb_dir"/*.deb "$pkg_dir"
	ls "$pkg_dir/usr/src/$BASE_PKG.tar.xz"
	echo "$BASE_PKG $want" >"$pkg_dir/.version"
	rm -rf "$deb_dir"
}
must "could not fetch $BASE_PKG $want; see out/logs/fetch-base.log" \
	"fetch $BASE_PKG $want" "$LOGS/fetch-base.log" fetch
