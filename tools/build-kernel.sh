#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel: base (pristine source) or patched (base + series),
# debug (the patched commit with configs/debug.config, in build/linux-debug)
# nogift (the series without the SPLICE_F_GIFT patches at its end, for make
# bench, in build/linux-nogift) or vfsonly (the vfs set alone, the series
# before its first patch for another tree, in build/linux-vfsonly).
# Result: out/KERNEL/bzImage.  Builds are incremental and go through ccache.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build-kernel.sh base|patched|debug|nogift|vfsonly}
flavour=default
# worktree NAME COMMIT: a worktree of its own at COMMIT, built in-tree like
# the others (kbuild will not build O= from a tree built in-tree).
worktree() {
	tree=$BUILD/linux-$1
	if [ ! -d "$tree" ]; then
		git -C "$SRC" worktree add -q --detach "$tree" "$2" ||
			die "could not make the worktree build/linux-$1"
	fi
	git -C "$tree" checkout -q --detach "$2" ||
		die "could not check out $2 in build/linux-$1"
}
case $kernel in
base) tree=$BASESRC ;;
patched) tree=$SRC ;;
debug)
	flavour=debug
	worktree debug "$(git -C "$SRC" rev-parse HEAD)"
	;;
nogift)
	# The SPLICE_F_GIFT patches are the series' last ones (is_gift_rfc).
	first=$(git -C "$SRC" log --reverse --format='%H %s' base..HEAD |
		while read -r hash subject; do
			if is_gift_rfc "$subject"; then
				echo "$hash"
				break
			fi
		done)
	[ -n "$first" ] || die "no SPLICE_F_GIFT patch in the series"
	worktree nogift "$first^"
	;;
vfsonly)
	# The vfs set comes first in patches/series; the first patch of
	# another set (set_of) ends it.
	first=$(git -C "$SRC" log --reverse --format='%H %s' base..HEAD |
		while read -r hash subject; do
			files=$(git -C "$SRC" diff-tree --no-commit-id --name-only -r "$hash")
			if [ "$(set_of "$subject" "$files")" != vfs ]; then
				echo "$hash"
				break
			fi
		done)
	[ -n "$first" ] || die "the series has nothing but the vfs set"
	worktree vfsonly "$first^"
	;;
*) die "unknown kernel '$kernel' (base, patched, debug, nogift or vfsonly)" ;;
esac
[ -d "$tree" ] || die "$tree is missing; run 'make tree' first"
cfg=$OUT/kconfig/$flavour.config
[ -f "$cfg" ] || die "$cfg is missing; run tools/kconfig.sh $flavour"

export CCACHE_NOHASHDIR=1 CCACHE_BASEDIR=$BUILD CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=splice KBUILD_BUILD_HOST=stable
MAKEARGS="-C $tree ARCH=x86_64 CC=ccache\ gcc HOSTCC=ccache\ gcc -j$JOBS"
dotcfg=$tree/.config

build() {
	set -e -o pipefail
	if ! cmp -s "$cfg" "$dotcfg"; then
		cp "$cfg" "$dotcfg"
		eval make "$MAKEARGS" olddefconfig
	fi
	eval make "$MAKEARGS" bzImage modules
	mkdir -p "$OUT/$kernel"
	# The modules (test_module) go into an initramfs of this kernel's
	# own, which run.sh appends to the common one.
	rm -rf "$BUILD/modroot-$kernel"
	eval make "$MAKEARGS" INSTALL_MOD_PATH="$BUILD/modroot-$kernel" modules_install
	if [ "$kernel" = vfsonly ]; then
		# The vfs set's own splice selftests, without the cases the
		# later sets add: in this kernel's initramfs they replace the
		# programs of the same names that initramfs.sh built from the
		# whole series.
		make -C "$tree" ARCH=x86_64 headers
		mkdir -p "$BUILD/modroot-$kernel/selftests/splice"
		make -C "$tree/tools/testing/selftests/splice" \
			OUTPUT="$BUILD/modroot-$kernel/selftests/splice" \
			LDFLAGS=-static all
	fi
	(cd "$BUILD/modroot-$kernel" && find . | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$OUT/$kernel/modules.cpio.gz.new"
	mv "$OUT/$kernel/modules.cpio.gz.new" "$OUT/$kernel/modules.cpio.gz"
	cp "$tree/arch/x86/boot/bzImage" "$OUT/$kernel/bzImage.new"
	mv "$OUT/$kernel/bzImage.new" "$OUT/$kernel/bzImage"
	cp "$dotcfg" "$OUT/$kernel/config"
}
log=$LOGS/build-$kernel.log
must "the $kernel kernel did not build; see ${log#"$TOP"/}" \
	"build $kernel kernel" "$log" build
if grep -E '(^|: )warning: ' "$log" >"$LOGS/build-$kernel.warnings"; then
	note "warning: the $kernel build printed compiler warnings (out/logs/build-$kernel.warnings)"
fi
