#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel: base (pristine source) or patched (base + series), or
# debug (the patched commit with configs/debug.config, in build/linux-debug).
# Result: out/KERNEL/bzImage.  Builds are incremental and go through ccache.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build-kernel.sh base|patched|debug}
flavour=default
case $kernel in
base) tree=$BASESRC ;;
patched) tree=$SRC ;;
debug)
	# A worktree of its own at the patched commit, built in-tree like the
	# others (kbuild will not build O= from a tree built in-tree).
	tree=$BUILD/linux-debug
	flavour=debug
	if [ ! -d "$tree" ]; then
		git -C "$SRC" worktree add -q --detach "$tree" HEAD ||
			die "could not make the worktree build/linux-debug"
	fi
	git -C "$tree" checkout -q --detach "$(git -C "$SRC" rev-parse HEAD)" ||
		die "could not check out the patched commit in build/linux-debug"
	;;
*) die "unknown kernel '$kernel' (base, patched or debug)" ;;
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
