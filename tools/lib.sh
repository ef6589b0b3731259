# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the tools/ scripts.  Source it; do not run it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
OUT=$TOP/out
LOGS=$OUT/logs
SRC=$BUILD/linux		# git tree: base + series, where patches are edited
BASESRC=$BUILD/linux-base	# worktree of the pristine base, built in-tree
# The pinned base: BASE_PKG, BASE_VERSION, BASE_SUITE, BASE_ARCHIVE.
# shellcheck source=../base.conf
. "$TOP/base.conf"
BASE_TARBALL=$BUILD/base-pkg/usr/src/$BASE_PKG.tar.xz
JOBS=${JOBS:-$(nproc)}
mkdir -p "$LOGS"

: "${T0:=$(date +%s)}"
export T0

elapsed() {
	local s=$(($(date +%s) - T0))
	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

# step NAME LOGFILE CMD...: run CMD with all output to LOGFILE, print one
# line.  Do not make it the condition of an if, && or ||: bash then ignores
# "set -e" in everything CMD runs, and a step function would go on past its
# first failure.  Test $? after it, or use must.
step() {
	local name=$1 log=$2 rc
	shift 2
	printf '[%s] %s ...\n' "$(elapsed)" "$name"
	# In a subshell: the step may "set -e" without changing the caller.
	("$@") >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		printf '[%s] %s FAILED (exit %d); last lines of %s:\n' \
			"$(elapsed)" "$name" $rc "${log#"$TOP"/}" >&2
		tail -n 25 "$log" | sed 's/^/    /' >&2
		return $rc
	fi
	return 0
}

# must MESSAGE NAME LOGFILE CMD...: step, and die with MESSAGE if it fails.
must() {
	local msg=$1
	shift
	step "$@"
	[ $? -eq 0 ] || die "$msg"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

note() {
	printf '[%s] %s\n' "$(elapsed)" "$*"
}

# series_patches: the patch files patches/series lists, in order.
series_patches() {
	grep -v -e '^\s*#' -e '^\s*$' "$TOP/patches/series"
}

# is_gift_rfc SUBJECT: whether a patch with this subject is one of the
# SPLICE_F_GIFT patches at the end of the vmsplice set (vmsplice() queuing
# gifted pages copy-on-write instead of copying them): its subject names
# SPLICE_F_GIFT.  make bench's nogift kernel is the series before the
# first of them, so they must stay last in patches/series.
is_gift_rfc() {
	grep -q 'SPLICE_F_GIFT' <<<"$1"
}

# in_vmsplice_set SUBJECT: whether a patch with this subject belongs to
# the vmsplice set, mailed on its own on top of the vfs set: it names
# vmsplice(), SPLICE_F_GIFT or PIPE_BUF_FLAG_GIFT, or it is the fuse patch
# that lets a libfuse reply's vmsplice()d header be stale.
in_vmsplice_set() {
	grep -qE 'vmsplice|SPLICE_F_GIFT|PIPE_BUF_FLAG_GIFT|spliced reply' <<<"$1"
}

# set_of SUBJECT FILES: the set a patch is mailed in, from its subject and
# the files it touches (one per line): vfs-rfc if its subject names
# POSIX_FADV_NOREUSE, vmsplice if in_vmsplice_set, net if every file is
# under net/smc/, net-next if every file is under net/ or
# tools/testing/selftests/net/, nfsd if every file is under fs/nfsd/, else
# vfs.  tools/series.sh mails the sets by it, and build-kernel.sh vfsonly
# builds the series up to the first patch that is not vfs.
set_of() {
	local subject=$1 files=$2
	if grep -q 'NOREUSE' <<<"$subject"; then
		echo vfs-rfc
	elif in_vmsplice_set "$subject"; then
		echo vmsplice
	elif ! grep -qv '^net/smc/' <<<"$files"; then
		echo net
	elif ! grep -qEv '^(net|tools/testing/selftests/net)/' <<<"$files"; then
		echo net-next
	elif ! grep -qv '^fs/nfsd/' <<<"$files"; then
		echo nfsd
	else
		echo vfs
	fi
}

# series_sum: a hash of patches/series and every patch it lists.
series_sum() {
	local p
	{
		cat "$TOP/patches/series"
		for p in $(series_patches); do
			cat "$TOP/patches/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# tree_is_exported: build/linux is patches/ applied, with nothing on top
# that make export has not written out.
tree_is_exported() {
	[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
		die "build/linux has uncommitted changes"
	[ "$(git -C "$SRC" rev-parse HEAD)" = "$(cut -d' ' -f2 "$BUILD/applied" 2>/dev/null)" ] ||
		die "build/linux has commits that are not in patches/; run 'make export' first"
}

# Identity for commits made by the tooling in build/linux.
GIT_ID="-c user.name=splice-stable -c user.email=splice-stable@localhost"

# prepare "EXTRA_PACKAGES" KERNEL...: everything a guest run needs - the
# packages, the base source and the series, the configurations, the
# kernels (base, patched, debug) and the initramfs.  Exits on failure.
prepare() {
	local pkgs=$1 k t=$TOP/tools
	shift
	# shellcheck disable=SC2086
	bash "$t/deps.sh" $pkgs || exit 1
	bash "$t/extract.sh" || exit 1
	bash "$t/apply.sh" || exit 1
	bash "$t/kconfig.sh" || exit 1
	case " $* " in
	*" debug "*) bash "$t/kconfig.sh" debug || exit 1 ;;
	esac
	for k in "$@"; do
		bash "$t/build-kernel.sh" "$k" || exit 1
	done
	bash "$t/initramfs.sh" || exit 1
}

# stage_binary STAGE BINARY [DEST]: copy a dynamically linked host binary
# to STAGE/DEST (default: its own path) with the shared libraries and the
# loader that ldd names, at their own paths, for a guest without them.
stage_binary() {
	local stage=$1 bin=$2 dest=${3:-$2} lib
	mkdir -p "$stage$(dirname "$dest")" || return 1
	cp -L "$bin" "$stage$dest" || return 1
	ldd "$bin" | grep -q 'not found' && {
		ldd "$bin" >&2
		return 1
	}
	for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -f "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")" && cp -L "$lib" "$stage$lib" || return 1
	done
}

# kbuild_env: the environment every kernel build here uses (ccache shared
# across trees, reproducible build stamps).
kbuild_env() {
	export CCACHE_NOHASHDIR=1 CCACHE_BASEDIR=$BUILD
	export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
	export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
	export KBUILD_BUILD_USER=splice KBUILD_BUILD_HOST=stable
}

# bisect_worktree: build/bisect, the worktree that make bisect-check and
# make series build single commits in; sets WT.
bisect_worktree() {
	WT=$BUILD/bisect
	[ -d "$WT" ] || git -C "$SRC" worktree add -q --detach "$WT" base ||
		die "could not make the worktree build/bisect"
}
