#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make profile: where the time goes.  Boots each kernel with perf in the
# guest and samples (cpu-clock, both CPUs, call graphs) splice_bench
# methods while they run, not while the file is written.  Reports, self
# and with children, in out/profile/KERNEL.txt.
#   PROFILE=fs:method:kib,...  (default: the cold cells that miss a goal)
#   KERNELS="base patched"
. "$(dirname "$0")/lib.sh"
T=$TOP/tools
PROFILE=${PROFILE:-ext4:cold_splice_move:1024,ext4:cold_splice_move:4,xfs:cold_splice_move:4}
KERNELS=${KERNELS:-base patched}

# shellcheck disable=SC2086
prepare linux-perf $KERNELS

# perf and the shared libraries it needs, as a second initramfs.
perf=$(command -v perf) || die "perf is missing (linux-perf)"
stage=$BUILD/profile-root
pack() {
	set -e
	rm -rf "$stage"
	stage_binary "$stage" "$perf" /usr/bin/perf
	(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$OUT/profile-perf.cpio.gz"
}
must "could not pack perf; see out/logs/profile-pack.log" \
	"pack perf for the guest" "$LOGS/profile-pack.log" pack

mkdir -p "$OUT/profile"
for k in $KERNELS; do
	INITRD_EXTRA=$OUT/profile-perf.cpio.gz EXTRA_CMDLINE="PROFILE=$PROFILE" \
		bash "$T/run.sh" "$k" "profile-$k" profile || exit 1
	sed -n -e 's/^# profile: //p' -e 's/^# profile /=== /p' -e '/^bench /p' \
		"$OUT/runs/profile-$k/tap.log" >"$OUT/profile/$k.txt"
done
note "perf reports: out/profile/{${KERNELS// /,}}.txt"
