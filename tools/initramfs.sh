#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the selftests statically from the patched tree and pack them with
# busybox into out/initramfs.cpio.gz.  The same initramfs boots every kernel.
. "$(dirname "$0")/lib.sh"

BUSYBOX=/bin/busybox	# from busybox-static: no shared libraries needed
[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing; install busybox-static"
KST=$BUILD/selftests
GEN=$BUILD/gen_init_cpio

build_tests() {
	set -e
	make -C "$SRC" ARCH=x86_64 headers
	rm -rf "$KST"
	mkdir -p "$KST/splice"
	make -C "$SRC/tools/testing/selftests/splice" OUTPUT="$KST/splice" \
		LDFLAGS=-static all
	cp "$SRC"/tools/testing/selftests/splice/*.sh "$KST/splice/"
	# The kernel's copy-on-write selftest, for its vmsplice() cases.
	mkdir -p "$KST/mm"
	make -C "$SRC/tools/testing/selftests/mm" OUTPUT="$KST/mm" \
		LDFLAGS=-static "$KST/mm/cow"
	gcc -O2 -Wall -static -o "$KST/splice/splice_bench" "$TOP/bench/splice_bench.c"
}
must "the selftests did not build; see out/logs/selftests.log" \
	"build selftests (static)" "$LOGS/selftests.log" build_tests

pack() {
	set -e
	gcc -O2 -o "$GEN" "$SRC/usr/gen_init_cpio.c"
	{
		echo "dir /bin 0755 0 0"
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /tmp 1777 0 0"
		echo "dir /mnt 0755 0 0"
		echo "file /bin/busybox $BUSYBOX 0755 0 0"
		echo "file /init $TOP/tools/guest-init.sh 0755 0 0"
		echo "dir /selftests 0755 0 0"
		echo "dir /selftests/splice 0755 0 0"
		for f in "$KST"/splice/*; do
			echo "file /selftests/splice/$(basename "$f") $f 0755 0 0"
		done
		echo "dir /selftests/mm 0755 0 0"
		echo "file /selftests/mm/cow $KST/mm/cow 0755 0 0"
	} >"$BUILD/initramfs.list"
	"$GEN" "$BUILD/initramfs.list" | gzip -1 >"$OUT/initramfs.cpio.gz.new"
	mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
}
must "could not make the initramfs; see out/logs/initramfs.log" \
	"pack initramfs" "$LOGS/initramfs.log" pack
