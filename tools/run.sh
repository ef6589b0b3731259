#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one kernel under qemu -accel tcg with fresh disk images and run the
# suites.  Output: out/runs/NAME/{console.log,tap.log}.
# Usage: run.sh KERNEL [NAME] [SUITES]
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: run.sh base|patched|debug|nogift|vfsonly [name] [suites]}
name=${2:-$kernel}
suites=${3:-stable,existing,cow,compat}
timeout=${RUN_TIMEOUT:-1500}
img=$OUT/$kernel/bzImage
[ -f "$img" ] && [ -f "$OUT/$kernel/modules.cpio.gz" ] ||
	die "$img or its modules are missing; run 'make kernels'"
[ -f "$OUT/initramfs.cpio.gz" ] || die "out/initramfs.cpio.gz is missing; run 'make initramfs'"
dir=$OUT/runs/$name
rm -rf "$dir"
mkdir -p "$dir/disks"

# Disk order is an interface: vda is ext4, so any initramfs can mount it.
# The raw device is exactly the test file's size (6 MiB + 2560 bytes).
disks() {
	set -e
	for fs in ext4 xfs btrfs; do
		truncate -s 512M "$dir/disks/$fs.img"
	done
	# No lazy inode-table init: ext4lazyinit would compete with the runs.
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$dir/disks/ext4.img"
	mkfs.xfs -q -f "$dir/disks/xfs.img"
	mkfs.btrfs -q -f "$dir/disks/btrfs.img"
	truncate -s 6294016 "$dir/disks/raw.img"
}
must "could not make the disk images; see ${dir#"$TOP"/}/mkfs.log" \
	"make disk images ($name)" "$dir/mkfs.log" disks

# The kernel's own modules (build-kernel.sh), and INITRD_EXTRA, a further
# cpio archive (make profile's perf): the kernel unpacks concatenated
# archives one after the other.
cat "$OUT/initramfs.cpio.gz" "$OUT/$kernel/modules.cpio.gz" ${INITRD_EXTRA:+"$INITRD_EXTRA"} \
	>"$dir/initrd.gz" || die "could not make the initrd of $kernel"
initrd=$dir/initrd.gz

cmdline="console=ttyS0 panic=-1 oops=panic loglevel=6 SUITES=$suites $EXTRA_CMDLINE"
if [ "$kernel" = debug ]; then
	# KASAN and lockdep under emulation: give it longer.  Its initcalls
	# take over 30 s of emulated time, and on a loaded host RCU's
	# grace-period kthread can wait past the default 21 s stall timeout
	# and warn (rcu_check_gp_start_stall) before any test has run.
	# pci=noacpi: the 7.3 debug kernel interprets the i440fx _PRT method
	# (a While loop over 128 slots) for about 20 s per PCI device on a
	# quiet host; on a loaded one it hits ACPICA's 30 s loop timeout, the
	# virtio disks get no interrupt routing (no PCI_MSI here) and the boot
	# hangs on the first read.  SeaBIOS's PIRQ table routes them instead:
	# the disks are up 6 s after boot instead of 97.
	cmdline="$cmdline debug_pagealloc=on rcupdate.rcu_cpu_stall_timeout=100 pci=noacpi"
	timeout=${RUN_TIMEOUT:-3600}
fi
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2G
	-nodefaults -display none -no-reboot
	-kernel "$img" -initrd "$initrd" -append "$cmdline"
	-serial "file:$dir/console.log" -serial "file:$dir/tap.log")
for d in ext4 xfs btrfs raw; do
	qemu+=(-drive "file=$dir/disks/$d.img,format=raw,if=virtio,cache=unsafe")
done
printf '%q ' "${qemu[@]}" >"$dir/qemu.cmd"

start=$(date +%s)
note "boot $kernel kernel, suites $suites (log: ${dir#"$TOP"/}/console.log)"
timeout --foreground -k 10 "$timeout" "${qemu[@]}" >"$dir/qemu.log" 2>&1
rc=$?
took=$(($(date +%s) - start))
rm -rf "$dir/disks" "$dir/initrd.gz"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	tail -n 20 "$dir/console.log" | sed 's/^/    /' >&2
	die "the $kernel kernel did not finish within ${timeout}s (RUN_TIMEOUT); see ${dir#"$TOP"/}/console.log"
fi
if [ $rc -ne 0 ]; then
	cat "$dir/qemu.log" >&2
	die "qemu exited with $rc"
fi
if ! grep -q '^### done' "$dir/tap.log"; then
	tail -n 30 "$dir/console.log" | sed 's/^/    /' >&2
	die "the $kernel kernel stopped before the suites finished; see ${dir#"$TOP"/}/console.log"
fi
note "$kernel kernel finished in ${took}s"
