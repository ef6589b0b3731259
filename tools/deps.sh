#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the project needs, from Debian packages only.
# Usage: deps.sh [EXTRA_PACKAGE...] (make bench adds gnuplot-nox).
. "$(dirname "$0")/lib.sh"

PKGS="qemu-system-x86 busybox-static gcc make flex bison bc
libelf-dev libssl-dev cpio xz-utils ccache e2fsprogs xfsprogs
btrfs-progs git rsync perl python3 python3-ply python3-git kmod gzip
libfuse3-dev coreutils curl diffutils libwrap0 libtirpc-common netbase $*"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
	die "missing packages:$missing (run as root or install them with apt-get)"
fi
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
note "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
must "apt-get update failed; see out/logs/apt-update.log" \
	"apt-get update" "$LOGS/apt-update.log" $SUDO apt-get update
# shellcheck disable=SC2086
must "could not install:$missing; see out/logs/apt-install.log" \
	"apt-get install" "$LOGS/apt-install.log" \
	$SUDO apt-get install -y --no-install-recommends $missing
for p in $missing; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		die "package $p is still missing after apt-get install"
done
