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
	# What a reader splices out of a socket (selftests/net).
	mkdir -p "$KST/net"
	make -C "$SRC/tools/testing/selftests/net" OUTPUT="$KST/net" \
		LDFLAGS=-static "$KST/net/splice_from_socket"
	# The kernel's copy-on-write selftest, for its vmsplice() cases.
	mkdir -p "$KST/mm"
	make -C "$SRC/tools/testing/selftests/mm" OUTPUT="$KST/mm" \
		LDFLAGS=-static "$KST/mm/cow"
	gcc -O2 -Wall -static -o "$KST/splice/splice_bench" "$TOP/bench/splice_bench.c"
	gcc -O2 -Wall -static -o "$KST/splice/sockmem" "$TOP/bench/sockmem.c"
}
must "the selftests did not build; see out/logs/selftests.log" \
	"build selftests (static)" "$LOGS/selftests.log" build_tests

# The compatibility stage (compat/compat.sh): real programs from Debian
# packages, unmodified, with their shared libraries - coreutils, curl,
# nginx and nfs-utils (their binaries taken from the packages, which are
# not installed on the host, so no server starts here) - and a FUSE
# server of ours linked statically against Debian's libfuse3.a.
CSTAGE=$BUILD/compat-root
DEBS=$BUILD/compat-debs
# The versions the cases and numbers were taken with.  Debian's security
# archive keeps only its newest build, so when one is gone the candidate
# is used and the log says which.
COMPAT_DEBS="nginx=1.22.1-9+deb12u12 nfs-kernel-server=1:2.6.2-4+deb12u1
nfs-common=1:2.6.2-4+deb12u1"
fetch_debs() {
	set -e
	if [ "$(cat "$DEBS/wanted" 2>/dev/null)" = "$COMPAT_DEBS" ]; then
		cat "$DEBS/versions"
		return 0
	fi
	rm -rf "$DEBS"
	mkdir -p "$DEBS"
	cd "$DEBS"
	local d updated=
	for d in $COMPAT_DEBS; do
		if ! apt-get download "$d"; then
			if [ -z "$updated" ]; then
				SUDO=
				[ "$(id -u)" -ne 0 ] && SUDO=sudo
				$SUDO apt-get update
				updated=1
			fi
			apt-get download "$d" || {
				echo "$d is no longer served; taking the candidate"
				apt-get download "${d%%=*}"
			}
		fi
	done
	for d in *.deb; do
		dpkg-deb -x "$d" root
		dpkg-deb -f "$d" Package Version | paste -sd' ' >>versions
	done
	cat versions
	test -x root/usr/sbin/nginx && test -x root/usr/sbin/rpc.nfsd
	echo "$COMPAT_DEBS" >wanted
}
must "could not fetch Debian's nginx and nfs-utils; see out/logs/compat-debs.log" \
	"fetch nginx, nfs-utils (Debian packages, unpacked under build/)" \
	"$LOGS/compat-debs.log" fetch_debs

stage_compat() {
	set -e
	rm -rf "$CSTAGE"
	mkdir -p "$CSTAGE/compat/bin"
	gcc -O2 -Wall -Wextra -static -I/usr/include/fuse3 \
		-o "$CSTAGE/compat/bin/compat_fuse" "$TOP/compat/compat_fuse.c" \
		-Wl,--gc-sections -lfuse3 -lpthread
	gcc -O2 -Wall -Wextra -static -o "$CSTAGE/compat/bin/mmap_cat" "$TOP/compat/mmap_cat.c"
	cp "$TOP/compat/compat.sh" "$CSTAGE/compat/compat.sh"
	for b in cp dd cat cmp curl; do
		stage_binary "$CSTAGE" "/usr/bin/$b"
	done
	# nginx looks its user up even when it does not switch to it.
	stage_binary "$CSTAGE" "$DEBS/root/usr/sbin/nginx" /usr/sbin/nginx
	# nfs-utils: the server's rpc.nfsd, rpc.mountd and exportfs, and
	# the client's mount.nfs; libtirpc reads /etc/netconfig, mount.nfs
	# /etc/protocols (netbase).
	for b in usr/sbin/rpc.nfsd usr/sbin/rpc.mountd usr/sbin/exportfs \
		sbin/mount.nfs; do
		stage_binary "$CSTAGE" "$DEBS/root/$b" "/$b"
	done
	mkdir -p "$CSTAGE/var/lib/nfs" "$CSTAGE/etc"
	cp /etc/netconfig /etc/protocols /etc/services "$CSTAGE/etc/"
	printf '%s\n' root:x:0:0:root:/root:/bin/sh \
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false >"$CSTAGE/etc/passwd"
	printf '%s\n' root:x:0: nogroup:x:65534: >"$CSTAGE/etc/group"
}
must "could not stage the compatibility programs; see out/logs/compat-stage.log" \
	"stage compat programs (libfuse server, coreutils, curl, nginx, nfs-utils)" \
	"$LOGS/compat-stage.log" stage_compat

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
		echo "dir /selftests/net 0755 0 0"
		echo "file /selftests/net/splice_from_socket $KST/net/splice_from_socket 0755 0 0"
		echo "dir /selftests/mm 0755 0 0"
		echo "file /selftests/mm/cow $KST/mm/cow 0755 0 0"
		(cd "$CSTAGE" && find . -mindepth 1 -type d | sort) |
			sed 's|^\.\(.*\)|dir \1 0755 0 0|'
		(cd "$CSTAGE" && find . -type f | sort) | while read -r f; do
			echo "file ${f#.} $CSTAGE/${f#./} $(stat -c %a "$CSTAGE/$f") 0 0"
		done
	} >"$BUILD/initramfs.list"
	"$GEN" "$BUILD/initramfs.list" | gzip -1 >"$OUT/initramfs.cpio.gz.new"
	mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
}
must "could not make the initramfs; see out/logs/initramfs.log" \
	"pack initramfs" "$LOGS/initramfs.log" pack
