#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test initramfs.  The kernel command line says which suites
# to run (SUITES=stable,existing,cow,compat).  Kernel messages and progress
# go to ttyS0; TAP goes to ttyS1, which the host keeps as tap.log.
/bin/busybox --install -s /bin
export PATH=/bin:/selftests/splice
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /mnt/tmpfs /mnt/tmpfs_huge /mnt/ext4 /mnt/xfs /mnt/btrfs
mount -t tmpfs tmpfs /tmp
ifconfig lo 127.0.0.1 up

say() { echo "guest: $*" >/dev/ttyS0; }
exec 3>/dev/ttyS1
tap() { echo "$*" >&3; }

# Pipes of several MiB hold a whole large folio's worth of buffers.
echo 16777216 >/proc/sys/fs/pipe-max-size
# The guest runs nothing else: stable_data's and stable_robust's leak
# checks, which read system-wide counters, are on (stable_mem.h).
export STABLE_LEAK_CHECK=1

mnt() { # mnt VAR TYPE SOURCE DIR [OPTIONS]
	if mount -t "$2" ${5:+-o "$5"} "$3" "$4"; then
		export "$1=$4"
	else
		say "could not mount $2 ($3); its tests will be skipped"
	fi
}
mnt STABLE_TMPFS_DIR tmpfs tmpfs /mnt/tmpfs
mnt STABLE_TMPFS_HUGE_DIR tmpfs tmpfs /mnt/tmpfs_huge huge=always
mnt STABLE_EXT4_DIR ext4 /dev/vda /mnt/ext4
mnt STABLE_XFS_DIR xfs /dev/vdb /mnt/xfs
mnt STABLE_BTRFS_DIR btrfs /dev/vdc /mnt/btrfs
[ -b /dev/vdd ] && export STABLE_BLKDEV=/dev/vdd

# The mount point of a filesystem the benchmarks use, if it is mounted.
bench_dir() {
	case $1 in
	tmpfs) echo "$STABLE_TMPFS_DIR" ;;
	ext4) echo "$STABLE_EXT4_DIR" ;;
	xfs) echo "$STABLE_XFS_DIR" ;;
	esac
}

# One kselftest program, its TAP and exit status to ttyS1.
run_tap() {
	(cd /tmp && "$@") >&3 2>&3
	tap "### exit $?"
}

run_suite() {
	tap "### suite $1"
	case $1 in
	stable)
		# STABLE_ARGS and ROBUST_ARGS on the kernel command line, commas
		# for spaces, narrow stable_data, splice_counters and
		# splice_layout, and stable_robust
		# (make run ... STABLE_ARGS=-v,ext4_splice).
		for t in stable_data splice_counters splice_layout; do
			# shellcheck disable=SC2046
			run_tap "$t" $(echo "$STABLE_ARGS" | tr , ' ')
		done
		# shellcheck disable=SC2086
		run_tap stable_robust $(echo "$ROBUST_ARGS" | tr , ' ')
		run_tap fuse_splice_move
		run_tap vmsplice_gift
		run_tap /selftests/net/splice_from_socket
		;;
	existing)
		# The kernel's own splice selftests, one TAP line per script.
		tap "TAP version 13"
		tap "1..2"
		n=0
		for t in default_file_splice_read.sh short_splice_read.sh; do
			n=$((n + 1))
			# These scripts exit with a count of failures, not
			# kselftest codes: anything but 0 is a failure.
			(cd /selftests/splice && sh "./$t") >/tmp/out 2>&1
			rc=$?
			sed 's/^/# /' /tmp/out >&3
			if [ $rc -eq 0 ]; then
				tap "ok $n splice_existing.$t"
			else
				tap "not ok $n splice_existing.$t # exit $rc"
			fi
		done
		tap "### exit 0"
		;;
	cow)
		# The vmsplice() cases of the kernel's mm/cow selftest, named
		# mm_cow.<what it ran>; its other cases stay comments.
		tap "TAP version 13"
		/selftests/mm/cow 2>&1 | awk '
			/^# \[RUN\] / { run = substr($0, 9); next }
			/^(not )?ok [0-9]+/ && run ~ /vmsplice/ {
				name = tolower(run)
				gsub(/[^a-z0-9]+/, "_", name)
				gsub(/^_+|_+$/, "", name)
				res = $1 == "not" ? "not ok" : "ok"
				dir = ""
				if (match($0, / # (SKIP|skip).*$/))
					dir = substr($0, RSTART)
				print res " " ++n " mm_cow." name dir
				next
			}
			{ print "# cow: " $0 }' >&3
		tap "### exit 0"
		;;
	compat)
		# Real programs from Debian packages (libfuse, coreutils,
		# nginx, curl), unmodified: compat/compat.sh.
		run_tap sh /compat/compat.sh
		;;
	bench)
		# Throughput ratios, one boot; numbers are TCG-relative.
		# BENCH_FS=ext4,xfs limits the filesystems, BENCH_ONLY the
		# methods (splice_bench reads it).
		for fs in $(echo "${BENCH_FS:-tmpfs,ext4,xfs}" | tr , ' '); do
			d=$(bench_dir "$fs")
			[ -n "$d" ] || continue
			splice_bench "$d" 32 4 16 64 256 1024 >&3 2>&3
			grep -E '^splice_file_' /proc/vmstat |
				sed "s|^|# vmstat after bench $d: |" >&3
		done
		tap "### exit 0"
		;;
	sockmem)
		# make sockmem: memory that sendfile() into TCP connections
		# whose reader does not read keeps (bench/sockmem.c).
		# SOCKMEM=conns:kib[:tcp|closed|unix],... on ext4.
		for spec in $(echo "${SOCKMEM:-100:1024}" | tr , ' '); do
			# shellcheck disable=SC2046
			set -- $(echo "$spec" | tr : ' ')
			sockmem /mnt/ext4 "$1" "$2" ${3:+"$3"} >&3 2>&3
		done
		tap "### exit 0"
		;;
	stressng)
		# make stress: Debian's stress-ng (from an extra initramfs
		# that tools/stress.sh adds), STRESS_ROUNDS rounds of each
		# stressor, one worker, STRESS_SECS seconds each; STRESS_OPTS
		# (commas for spaces) adds options, e.g. --vm-splice-bytes,4K.
		for r in $(seq "${STRESS_ROUNDS:-3}"); do
			for st in vm-splice splice tee pipe; do
				# shellcheck disable=SC2046
				/usr/bin/stress-ng --"$st" 1 --timeout "${STRESS_SECS:-10}" \
					$(echo "$STRESS_OPTS" | tr , ' ') \
					--metrics-brief --temp-path /tmp 2>&1 |
					awk -v st="$st" -v r="$r" '$4 == st && $5 ~ /^[0-9]+$/ {
						print "# stressng " r " " st " " $5 " " $6 " " $9 }' >&3
			done
		done
		tap "### exit 0"
		;;
	profile)
		# make profile: where the time goes in one method, by perf
		# sampling (perf comes in an extra initramfs that
		# tools/profile.sh adds).  PROFILE=fs:method:kib,...
		echo 0 >/proc/sys/kernel/kptr_restrict
		echo -1 >/proc/sys/kernel/perf_event_paranoid
		for spec in $(echo "$PROFILE" | tr , ' '); do
			fs=${spec%%:*} m=${spec#*:}
			kib=${m#*:} m=${m%%:*}
			d=$(bench_dir "$fs")
			if [ -z "$d" ]; then
				tap "# profile: $fs is not mounted"
				continue
			fi
			tap "# profile $fs $m $kib"
			rm -f /tmp/perf.ctl /tmp/perf.data
			mkfifo /tmp/perf.ctl
			BENCH_ONLY=$m BENCH_PERF_CTL=/tmp/perf.ctl \
				/usr/bin/perf record -q -D -1 \
				--control fifo:/tmp/perf.ctl -a -g -F 1000 \
				-e cpu-clock -o /tmp/perf.data -- \
				splice_bench "$d" 32 "$kib" >&3 2>&3
			for how in --no-children --children; do
				tap "# profile $fs $m $kib $how"
				/usr/bin/perf report -q -i /tmp/perf.data \
					--stdio $how --sort sym \
					-g none --percent-limit 0.5 2>&3 |
					sed 's/^/# profile: /' >&3
			done
		done
		rm -f /tmp/perf.ctl /tmp/perf.data
		tap "### exit 0"
		;;
	*)
		tap "### unknown suite $1"
		;;
	esac
}

say "running suites: ${SUITES:=stable,existing,cow,compat}"
for s in $(echo "$SUITES" | tr , ' '); do
	say "suite $s"
	run_suite "$s"
	# The series' counters, where the kernel has them.
	grep -E '^v?m?splice_' /proc/vmstat | sed "s/^/# vmstat after $s: /" >&3
done
tap "### done"
say "done"
sync
umount /mnt/ext4 /mnt/xfs /mnt/btrfs 2>/dev/null
reboot -f
