#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The interface other checks rely on: each kernel boots with an initramfs
# that is not ours and mounts ext4 from the first virtio disk.
# Usage: interface-check.sh KERNEL...
. "$(dirname "$0")/lib.sh"

dir=$OUT/interface
mkdir -p "$dir"
cat >"$dir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /dev /mnt
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
if /bin/busybox mount -t ext4 /dev/vda /mnt && /bin/busybox cat /mnt/hello; then
	echo "INTERFACE-OK"
fi
/bin/busybox reboot -f
INIT
printf 'dir /bin 0755 0 0\nfile /bin/busybox /bin/busybox 0755 0 0\nfile /init %s 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\n' \
	"$dir/init" >"$dir/list"
"$BUILD/gen_init_cpio" "$dir/list" | gzip -1 >"$dir/initramfs.cpio.gz" ||
	die "could not pack the interface initramfs"
rm -rf "$dir/ext4.img" "$dir/root"
mkdir -p "$dir/root"
echo "written on the host" >"$dir/root/hello"
truncate -s 64M "$dir/ext4.img"
mkfs.ext4 -q -F -d "$dir/root" "$dir/ext4.img" || die "could not make the ext4 image"
rc=0
for k in "$@"; do
	timeout --foreground 120 qemu-system-x86_64 -accel tcg -cpu max -m 512M \
		-nodefaults -display none -no-reboot -serial "file:$dir/$k.log" \
		-kernel "$OUT/$k/bzImage" -initrd "$dir/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1" \
		-drive "file=$dir/ext4.img,format=raw,if=virtio" >/dev/null 2>&1
	if grep -q INTERFACE-OK "$dir/$k.log" && grep -q "written on the host" "$dir/$k.log"; then
		note "$k kernel: boots another initramfs and mounts ext4 from /dev/vda"
	else
		note "FAIL: $k kernel did not mount ext4 from /dev/vda (out/interface/$k.log)"
		rc=1
	fi
done
exit $rc
