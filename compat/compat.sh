#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The compatibility stage of make check, run in the guest by /init (suite
# "compat"): real, unmodified programs from Debian packages that already
# use splice(), vmsplice() and sendfile(), on the base and the patched
# kernel alike.  TAP on stdout, cases named compat_<what>.<variant>.<test>.
#
#   compat_fuse  a libfuse 3 passthrough server (compat_fuse.c, Debian's
#                libfuse3.a) without splice, with splice write, and with
#                splice move + splice read; cached and direct_io files;
#                reads by coreutils dd/cat/cp, by mmap, at and past EOF,
#                short at EOF; writes by cp and dd.
#   compat_cp    coreutils cp between ext4 and tmpfs, byte for byte, and
#                source and copy independent afterwards.
#   compat_http  nginx (sendfile on) to curl over loopback: unchanged
#                files and ranges; a file rewritten while a slow client
#                downloads it must arrive as one whole version (it does
#                not on the base kernel: tests/base-must-fail).
#
# COMPAT_ONLY=fuse,cp,http (kernel command line) runs some parts only.
# Every wait is bounded: FUSE requests by fs.fuse.default_request_timeout,
# every client by timeout(1), and a stuck FUSE connection is aborted
# through fusectl, so a hang is a failing case, never a hung run.
PATH=/usr/bin:/usr/sbin:/compat/bin:/bin
# busybox's shell and timeout run their own applets for cp, dd, cat and
# cmp whatever PATH says: the programs under test are named by path.
CP=/usr/bin/cp DD=/usr/bin/dd CAT=/usr/bin/cat CMP=/usr/bin/cmp
CURL=/usr/bin/curl NGINX=/usr/sbin/nginx
EXT4=${STABLE_EXT4_DIR:-/mnt/ext4}
TMPFS=${STABLE_TMPFS_DIR:-/mnt/tmpfs}
W=/tmp/compat
rm -rf "$W"
mkdir -p "$W"

n=0
echo "TAP version 13"
ok() { n=$((n + 1)); echo "ok $n $1"; }
# not_ok NAME WHY: WHY on one line, as a TAP comment.
not_ok() {
	n=$((n + 1))
	echo "# $1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-400)"
	echo "not ok $n $1"
}
# check NAME CMD...: one case, passing if CMD succeeds.  CMD says why not
# on stderr, which becomes the case's comment.
check() {
	name=$1
	shift
	if "$@" 2>"$W/why"; then
		ok "$name"
	else
		not_ok "$name" "$(tr '\n' ' ' <"$W/why" | cut -c1-300)"
	fi
}
# same A B: files A and B are byte-for-byte equal.
same() {
	$CMP "$1" "$2" >&2
}
# bounded SECS CMD...: CMD, sent SIGTERM after SECS seconds and SIGKILL
# 5 s later.
bounded() {
	timeout -k 5 "$@"
}
# wait_gone PID SECS: wait for a background PID, killing it (SIGKILL)
# if it has not ended after SECS seconds.  A process stuck in an
# uninterruptible wait survives SIGKILL: then it is left behind (and
# wait_gone fails) rather than waited for.
wait_gone() {
	wg_i=0
	while kill -0 "$1" 2>/dev/null && [ $wg_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		wg_i=$((wg_i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wg_i=0
	while kill -0 "$1" 2>/dev/null && [ $wg_i -lt 50 ]; do
		sleep 0.1
		wg_i=$((wg_i + 1))
	done
	kill -0 "$1" 2>/dev/null && return 1
	wait "$1" 2>/dev/null
	return 0
}

# The programs are the packaged ones, not busybox's applets.
programs() {
	for p in "$CP coreutils" "$DD coreutils" "$CAT coreutils" \
		"$CMP diffutils"; do
		v=$(${p%% *} --version 2>&1 | head -1)
		case $v in
		*"${p#* }"*) ;;
		*) echo "${p%% *} is not ${p#* }: $v" >&2; return 1 ;;
		esac
	done
	$CURL --version 2>&1 | head -1 | grep -q '^curl ' ||
		{ echo "$CURL does not run" >&2; return 1; }
	$NGINX -v 2>&1 | grep -q 'nginx/' ||
		{ echo "$NGINX does not run" >&2; return 1; }
	echo "# compat: $($CP --version | head -1), $($CMP --version | head -1)," \
		"$($CURL --version | head -1 | cut -d' ' -f1-2), $($NGINX -v 2>&1)"
}
check compat_stage.programs programs
# The filesystems the cases use are mounted as what they claim to be.
mounted() {
	grep -q "^[^ ]* $1 $2 " /proc/mounts || {
		echo "$1: $2 is not set up (not in /proc/mounts)" >&2
		return 1
	}
}
check compat_stage.ext4_mounted mounted "$EXT4" ext4
check compat_stage.tmpfs_mounted mounted "$TMPFS" tmpfs

# ----- libfuse ---------------------------------------------------------
FUSE_MNT=/mnt/compat_fuse
FUSE_SIZE=300001
mkdir -p "$FUSE_MNT"
grep -q ' /sys/fs/fuse/connections ' /proc/mounts ||
	mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null
# A request the server never answers ends the connection after 20 s
# (restored at the end).
FUSE_TIMEOUT_WAS=$(cat /proc/sys/fs/fuse/default_request_timeout 2>/dev/null)
{ echo 20 >/proc/sys/fs/fuse/default_request_timeout; } 2>/dev/null ||
	echo "# compat: fs.fuse.default_request_timeout is not available"

fuse_abort_all() {
	for a in /sys/fs/fuse/connections/*/abort; do
		[ -e "$a" ] && echo 1 >"$a"
	done
}

fuse_mounted() {
	grep -q " $FUSE_MNT fuse" /proc/mounts
}

# fuse_read NAME FILE CMD...: CMD writes FILE's data to stdout; it must be
# the backing file's, byte for byte.  The first reader still waiting
# after 60 s aborts the connection, so that one hang costs one case and
# the rest fail at once.
fuse_read() {
	name=$1 want=$2
	shift 2
	bounded 60 "$@" >"$W/got" 2>"$W/why"
	rc=$?
	if [ $rc -ne 0 ]; then
		case $rc in
		124 | 137 | 143)
			why="still waiting after 60 s, killed; connection aborted"
			fuse_abort_all
			;;
		*) why="exit $rc" ;;
		esac
		not_ok "$name" "$why: $(cut -c1-200 <"$W/why")"
		return
	fi
	check "$name" same "$W/got" "$want"
}

# splice_pipes PID: how many pipe ends PID holds.  libfuse creates its
# splice pipe on the first reply it splices, so a server that negotiated
# splice write but holds none never spliced.
splice_pipes() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'pipe:'
}

fuse_suite() {
	mode=$1
	bk=$EXT4/compat_fuse_$mode
	rm -rf "$bk"
	mkdir -p "$bk"
	head -c $FUSE_SIZE /dev/urandom >"$W/data"
	head -c 1048583 /dev/urandom >"$W/wdata"
	for kind in cached direct; do
		$CP "$W/data" "$bk/$kind.bin"
	done
	sync
	compat_fuse -m "$mode" "$bk" "$FUSE_MNT" 2>"$W/fuse-$mode.log" &
	srv=$!
	i=0
	while ! fuse_mounted && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! fuse_mounted; then
		not_ok "compat_fuse.$mode.mount" "the server did not mount: $(cat "$W/fuse-$mode.log")"
		kill $srv 2>/dev/null
		return
	fi
	ok "compat_fuse.$mode.mount"
	case $mode in
	none) want="splice write 0 move 0 read 0" ;;
	write) want="splice write 1 move 0 read 0" ;;
	move) want="splice write 1 move 1 read 1" ;;
	esac
	# The mount shows before the server has answered INIT; the first
	# request waits for that answer.
	bounded 10 stat "$FUSE_MNT" >/dev/null 2>&1
	check "compat_fuse.$mode.negotiated" grep -q "$want" "$W/fuse-$mode.log"
	vm0=$(sed -n 's/^vmsplice_copied //p' /proc/vmstat)

	for kind in cached direct; do
		f=$FUSE_MNT/$kind.bin
		t=compat_fuse.$mode.$kind
		for bs in 64K 128K 12K 40000; do
			fuse_read "${t}_dd_$bs" "$W/data" $DD if="$f" bs=$bs status=none
		done
		fuse_read "${t}_cat" "$W/data" $CAT "$f"
		fuse_read "${t}_mmap" "$W/data" mmap_cat "$f"
		# Short at EOF: 64 KiB asked for at 256 KiB, 37,857 bytes there.
		tail -c +262145 "$W/data" >"$W/tail"
		fuse_read "${t}_short_at_eof" "$W/tail" $DD if="$f" bs=65536 skip=4 count=1 status=none
		# At EOF and past it: nothing, and no error.  On the cached
		# file the kernel may answer these from i_size without asking
		# the server; on the direct_io one the server answers.
		: >"$W/empty"
		fuse_read "${t}_at_eof" "$W/empty" $DD if="$f" bs=65536 iflag=skip_bytes skip=$FUSE_SIZE status=none
		fuse_read "${t}_past_eof" "$W/empty" $DD if="$f" bs=65536 iflag=skip_bytes skip=$((FUSE_SIZE + 5000)) status=none
		rm -f "$W/cp.out"
		if bounded 60 $CP "$f" "$W/cp.out" 2>"$W/why"; then
			check "${t}_cp_out" same "$W/cp.out" "$W/data"
		else
			not_ok "${t}_cp_out" "cp: exit $?: $(cat "$W/why")"
		fi
		# Writes: cp creates the file, dd rewrites it in unaligned pieces.
		if bounded 60 $CP "$W/wdata" "$FUSE_MNT/${kind}_w.bin" 2>"$W/why"; then
			check "${t}_cp_in" same "$bk/${kind}_w.bin" "$W/wdata"
		else
			not_ok "${t}_cp_in" "cp: exit $?: $(cat "$W/why")"
		fi
		if bounded 60 $DD if="$W/data" of="$FUSE_MNT/${kind}_w.bin" bs=40000 conv=notrunc status=none 2>"$W/why"; then
			{ $CAT "$W/data"; tail -c +$((FUSE_SIZE + 1)) "$W/wdata"; } >"$W/want_w"
			check "${t}_dd_in" same "$bk/${kind}_w.bin" "$W/want_w"
		else
			not_ok "${t}_dd_in" "dd: exit $?: $(cat "$W/why")"
		fi
	done

	# Splice was used where it was negotiated: libfuse made its splice
	# pipe and, where the counters exist, vmsplice()d reply headers
	# (its splice read of requests makes the pipe too, so in move mode
	# only the counter shows that replies were spliced).
	pipes=$(splice_pipes $srv)
	vm1=$(sed -n 's/^vmsplice_copied //p' /proc/vmstat)
	[ -n "$vm0" ] && echo "# compat_fuse -m $mode: vmsplice_copied +$((vm1 - vm0)) pages"
	if [ "$mode" = none ] && [ "$pipes" -ne 0 ]; then
		not_ok "compat_fuse.$mode.no_splice" "the server holds $pipes pipe ends without splice"
	elif [ "$mode" = none ]; then
		ok "compat_fuse.$mode.no_splice"
	elif [ "$pipes" -eq 0 ]; then
		not_ok "compat_fuse.$mode.spliced" "libfuse never made its splice pipe: splice was not used"
	elif [ -n "$vm0" ] && [ "$vm1" -eq "$vm0" ]; then
		not_ok "compat_fuse.$mode.spliced" "no reply header was vmsplice()d (vmsplice_copied stayed at $vm0)"
	else
		ok "compat_fuse.$mode.spliced"
	fi

	if ! bounded 10 umount "$FUSE_MNT"; then
		fuse_abort_all
		umount -l "$FUSE_MNT" 2>/dev/null
	fi
	wait_gone $srv 5
	sed "s/^/# compat_fuse -m $mode: /" "$W/fuse-$mode.log"
	# libfuse reports a refused reply ("fuse: splice from pipe: ...",
	# "fuse: writing device: ...") and carries on; the reader would hang.
	if grep -q '^fuse:' "$W/fuse-$mode.log"; then
		not_ok "compat_fuse.$mode.server_log" "libfuse reported errors: $(grep '^fuse:' "$W/fuse-$mode.log" | head -3 | tr '\n' ' ')"
	else
		ok "compat_fuse.$mode.server_log"
	fi
	rm -rf "$bk"
}


# ----- coreutils cp ----------------------------------------------------
fsdir() {
	case $1 in
	ext4) echo "$EXT4" ;;
	tmpfs) echo "$TMPFS" ;;
	esac
}

# written_other_kept A OFF B: A and B hold src_300001; 16 bytes written
# into A at OFF land there, and B stays as it was.
written_other_kept() {
	printf 'written after cp' >"$W/patch"
	$DD if="$W/patch" of="$1" bs="$2" seek=1 conv=notrunc status=none >&2 ||
		return 1
	{ head -c "$2" "$W/src_300001"; $CAT "$W/patch"
		tail -c +$(($2 + 17)) "$W/src_300001"; } >"$W/want_written"
	same "$1" "$W/want_written" && same "$3" "$W/src_300001"
}

# cp tries FICLONE, then copy_file_range(), then read()/write(); on ext4
# and tmpfs copy_file_range() goes through splice.
cp_suite() {
	for fs in ext4 tmpfs; do
		rm -rf "$(fsdir $fs)/compat_cp"
		mkdir -p "$(fsdir $fs)/compat_cp"
	done
	for size in 0 1 4095 4096 300001 8388731; do
		head -c $size /dev/urandom >"$W/src_$size"
	done
	# Sparse: 16 MiB with data at 5 MiB + 7.
	rm -f "$W/src_sparse"
	truncate -s 16M "$W/src_sparse"
	$DD if="$W/src_300001" of="$W/src_sparse" bs=5242887 seek=1 conv=notrunc status=none
	for from in ext4 tmpfs; do
		fd=$(fsdir "$from")/compat_cp
		for f in "$W"/src_*; do
			$CP "$f" "$fd/"
		done
		for to in ext4 tmpfs; do
			td=$(fsdir "$to")/compat_cp/$from
			mkdir -p "$td"
			v=${from}_to_$to
			for f in "$W"/src_*; do
				b=$(basename "$f")
				if bounded 60 $CP "$fd/$b" "$td/$b" 2>"$W/why"; then
					check "compat_cp.$v.${b#src_}" same "$td/$b" "$f"
				else
					not_ok "compat_cp.$v.${b#src_}" "cp: exit $?: $(cat "$W/why")"
				fi
			done
			# The copy is a file of its own: writing either side
			# leaves the other as it was.
			check "compat_cp.$v.copy_written_source_kept" \
				written_other_kept "$td/src_300001" 4096 "$fd/src_300001"
			if bounded 60 $CP "$fd/src_300001" "$td/copy2" 2>"$W/why"; then
				check "compat_cp.$v.source_written_copy_kept" \
					written_other_kept "$fd/src_300001" 8192 "$td/copy2"
			else
				not_ok "compat_cp.$v.source_written_copy_kept" "cp: exit $?: $(cat "$W/why")"
			fi
			$CP "$W/src_300001" "$fd/src_300001"
		done
	done
	rm -rf "$EXT4/compat_cp" "$TMPFS/compat_cp"
}

# ----- nfsd to the kernel's NFS client ---------------------------------
# Debian's nfs-utils (rpc.nfsd, rpc.mountd, exportfs, mount.nfs) over
# loopback: nfsd exports an ext4 and a tmpfs directory, NFSv4.1 only (no
# rpcbind, no statd), and the kernel's own client mounts them.  nfsd
# reads a file either by splice (nfsd_splice_actor puts the pipe's pages
# into the reply) or with its iter path, as debugfs's
# nfsd/disable-splice-read says; both are run, whatever the kernel's
# default, and the client reads with O_DIRECT so that every read is a
# READ of exactly those bytes at that offset.
NFSD_KNOB=/sys/kernel/debug/nfsd/disable-splice-read
mountd=
nfs_start() {
	grep -q ' /proc/fs/nfsd ' /proc/mounts ||
		mount -t nfsd nfsd /proc/fs/nfsd || return 1
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mkdir -p /var/lib/nfs /run "$EXT4/nfs" "$TMPFS/nfs" /mnt/nfs_ext4 /mnt/nfs_tmpfs
	: >/var/lib/nfs/etab
	: >/var/lib/nfs/rmtab
	[ -e /etc/exports ] || : >/etc/exports
	o=rw,no_root_squash,insecure,no_subtree_check,sync
	/usr/sbin/exportfs -o "$o,fsid=1" "127.0.0.1:$EXT4/nfs" >&2 &&
		/usr/sbin/exportfs -o "$o,fsid=2" "127.0.0.1:$TMPFS/nfs" >&2 ||
		return 1
	/usr/sbin/rpc.mountd -N 2 -N 3 --no-udp -F >"$W/mountd.log" 2>&1 &
	mountd=$!
	# mountd answers nfsd's export upcalls once it holds the cache
	# channels; an upcall before that is refused for two minutes.
	ns_i=0
	while [ "$(ls -l /proc/$mountd/fd 2>/dev/null | grep -c '/channel')" -lt 3 ] &&
		[ $ns_i -lt 100 ]; do
		sleep 0.1
		ns_i=$((ns_i + 1))
	done
	kill -0 $mountd 2>/dev/null || {
		echo "rpc.mountd exited: $(cat "$W/mountd.log" 2>&1)" >&2
		return 1
	}
	# A short grace period (no client has state to reclaim), then end it.
	bounded 30 /usr/sbin/rpc.nfsd -N 3 -V 4.1 --no-udp -G 10 -p 2049 4 >&2 ||
		return 1
	{ echo Y >/proc/fs/nfsd/v4_end_grace; } 2>/dev/null
	for nfs_fs in ext4 tmpfs; do
		bounded 60 /sbin/mount.nfs "127.0.0.1:$(fsdir $nfs_fs)/nfs" /mnt/nfs_$nfs_fs \
			-o vers=4.1,proto=tcp,hard,timeo=600 >&2 || return 1
	done
}
# nfs_stop: unmount, stop nfsd and mountd, unexport; fails (saying why)
# if something is left.
nfs_stop() {
	for nfs_fs in ext4 tmpfs; do
		grep -q " /mnt/nfs_$nfs_fs nfs" /proc/mounts || continue
		bounded 30 umount /mnt/nfs_$nfs_fs 2>/dev/null ||
			bounded 10 umount -f -l /mnt/nfs_$nfs_fs 2>/dev/null
	done
	# Stopping nfsd's threads waits for them; one stuck would hold the
	# shell, so it runs in the background and is given up on.
	/usr/sbin/rpc.nfsd 0 >/dev/null 2>&1 &
	wait_gone $! 30 || echo "rpc.nfsd 0 did not return" >&2
	if [ -n "$mountd" ]; then
		kill $mountd 2>/dev/null
		wait_gone $mountd 5 || echo "rpc.mountd did not exit" >&2
		mountd=
	fi
	/usr/sbin/exportfs -ua >/dev/null 2>&1
	! grep -q ' /mnt/nfs_' /proc/mounts || {
		echo "still mounted: $(grep ' /mnt/nfs_' /proc/mounts)" >&2
		return 1
	}
	[ "$(cat /proc/fs/nfsd/threads 2>/dev/null)" = 0 ] || {
		echo "nfsd threads: $(cat /proc/fs/nfsd/threads 2>&1)" >&2
		return 1
	}
}
# nfs_path splice|iter: how nfsd reads from now on, read back.
nfs_path() {
	[ -w "$NFSD_KNOB" ] || {
		echo "$NFSD_KNOB is not set up (debugfs)" >&2
		return 1
	}
	case $1 in
	splice) v=0 ;;
	iter) v=1 ;;
	esac
	echo $v >"$NFSD_KNOB" && [ "$(cat "$NFSD_KNOB")" = $v ] || {
		echo "$NFSD_KNOB reads $(cat "$NFSD_KNOB" 2>&1), not $v" >&2
		return 1
	}
}
# nfs_read NAME WANT FILE OFF LEN BS: LEN bytes at OFF (fewer at EOF)
# read through the client with O_DIRECT in BS-byte reads are WANT's
# bytes there.  After the first read that hangs, the mounts are forced
# off and every later read fails at once.
nfs_dead=
nfs_read() {
	name=$1 want=$2 rf=$3 off=$4 len=$5 bs=$6
	if [ -n "$nfs_dead" ]; then
		not_ok "$name" "not run: $nfs_dead"
		return
	fi
	tail -c +$((off + 1)) "$want" | head -c "$len" >"$W/nfs_want"
	if [ ! -s "$W/nfs_want" ]; then
		not_ok "$name" "the test is wrong: nothing to compare at $off in $want"
		return
	fi
	bounded 120 $DD if="$rf" iflag=direct,skip_bytes,count_bytes skip="$off" \
		count="$len" bs="$bs" status=none >"$W/nfs_got" 2>"$W/why"
	rc=$?
	case $rc in
	0) check "$name" same "$W/nfs_got" "$W/nfs_want" ;;
	124 | 137 | 143)
		nfs_dead="$name was still waiting after 120 s"
		for nfs_fs in ext4 tmpfs; do
			bounded 10 umount -f /mnt/nfs_$nfs_fs 2>/dev/null
		done
		not_ok "$name" "still waiting after 120 s, killed; the mounts are forced off"
		;;
	*) not_ok "$name" "dd: exit $rc: $(cat "$W/why")" ;;
	esac
}
# rpc_retrans: the client's RPC retransmissions so far.
rpc_retrans() {
	sed -n 's/^rpc [0-9]* \([0-9]*\) .*/\1/p' /proc/net/rpc/nfs
}
vmstat_of() {
	sed -n "s/^$1 //p" /proc/vmstat
}
nfs_suite() {
	if ! nfs_start 2>"$W/nfs.why"; then
		not_ok compat_nfs.start "nfsd or the mount did not come up: $(cat "$W/nfs.why" "$W/mountd.log" 2>&1)"
		nfs_stop 2>/dev/null
		return
	fi
	ok compat_nfs.start
	knob_was=$(cat $NFSD_KNOB 2>/dev/null)
	echo "# compat_nfs: disable-splice-read is $knob_was by default"
	head -c 1048583 /dev/urandom >"$W/nfs_src"
	for fs in ext4 tmpfs; do
		for path in splice iter; do
			t=compat_nfs.$fs.$path
			if ! nfs_path $path 2>"$W/why"; then
				nfs_dead="nfsd could not be set to read by $path: $(cat "$W/why")"
			fi
			re0=$(rpc_retrans)
			sc0=$(vmstat_of splice_file_copied)
			# A file of its own per path, so that nothing is cached.
			f=$path.bin
			sf=$(fsdir $fs)/nfs/$f
			$CP "$W/nfs_src" "$sf" 2>"$W/why" || nfs_dead="cp to $sf: $(cat "$W/why")"
			cf=/mnt/nfs_$fs/$f
			rm -f "$W/nfs_cp"
			if [ -n "$nfs_dead" ]; then
				not_ok "$t.cp" "not run: $nfs_dead"
			elif bounded 120 $CP "$cf" "$W/nfs_cp" 2>"$W/why"; then
				check "$t.cp" same "$W/nfs_cp" "$W/nfs_src"
			else
				not_ok "$t.cp" "cp: exit $?: $(cat "$W/why")"
			fi
			nfs_read "$t.whole_1m" "$W/nfs_src" "$cf" 0 1048583 1M
			nfs_read "$t.whole_64k" "$W/nfs_src" "$cf" 0 1048583 64K
			nfs_read "$t.unaligned_40000" "$W/nfs_src" "$cf" 4097 600000 40000
			nfs_read "$t.unaligned_1" "$W/nfs_src" "$cf" 1 4095 4095
			nfs_read "$t.unaligned_cross" "$W/nfs_src" "$cf" 65535 131075 131075
			# 64 KiB asked for, 583 bytes there.
			nfs_read "$t.short_at_eof" "$W/nfs_src" "$cf" 1048000 65536 65536
			# Written on the server after a read: the next read
			# has the new bytes (nothing stale in the reply path).
			{ head -c 5000 "$W/nfs_src"; printf 'rewritten on the server'
				tail -c +5024 "$W/nfs_src"; } >"$W/nfs_new"
			if printf 'rewritten on the server' | $DD of="$sf" bs=5000 seek=1 \
				conv=notrunc status=none 2>"$W/why"; then
				nfs_read "$t.after_server_write" "$W/nfs_new" "$cf" 4097 8192 8192
			else
				not_ok "$t.after_server_write" "the write on the server failed: $(cat "$W/why")"
			fi
			# nfsd read the way it was told to (where the counters
			# exist: splice copies into the pipe, iter does not), and
			# the client never had to send a request again.
			sc1=$(vmstat_of splice_file_copied)
			re1=$(rpc_retrans)
			why=
			if [ -n "$nfs_dead" ]; then
				why="not run: $nfs_dead"
			elif [ "$(cat $NFSD_KNOB)" != "$v" ]; then
				why="the knob reads $(cat $NFSD_KNOB), not $v"
			elif [ -n "$sc0" ] && [ $path = splice ] && [ "$sc1" -eq "$sc0" ]; then
				why="splice_file_copied stayed at $sc0: nfsd did not splice"
			elif [ -n "$sc0" ] && [ $path = iter ] && [ "$sc1" -ne "$sc0" ]; then
				why="splice_file_copied rose by $((sc1 - sc0)): nfsd spliced"
			elif [ "${re1:-0}" -ne "${re0:-0}" ]; then
				why="the client retransmitted $((re1 - re0)) requests"
			fi
			if [ -n "$why" ]; then
				not_ok "$t.read_by_path" "$why"
			else
				ok "$t.read_by_path"
			fi
			[ -n "$sc0" ] && echo "# $t: splice_file_copied +$((sc1 - sc0)) pages"
		done
	done
	[ -n "$knob_was" ] && echo "$knob_was" >$NFSD_KNOB
	check compat_nfs.stop nfs_stop
	rm -rf "$EXT4/nfs" "$TMPFS/nfs"
}

# nfsbench (not run by default; tools/nfsd-bench.sh): read throughput of a
# hot 64 MiB file through the client with O_DIRECT, by splice and by
# iter.  Prints "# nfsbench FS PATH PATTERN ROUND SECONDS" lines.
nfs_bench() {
	if ! nfs_start 2>"$W/nfs.why"; then
		not_ok compat_nfsbench.start "nfsd or the mount did not come up: $(cat "$W/nfs.why" "$W/mountd.log" 2>&1)"
		nfs_stop 2>/dev/null
		return
	fi
	ok compat_nfsbench.start
	knob_was=$(cat $NFSD_KNOB 2>/dev/null)
	for fs in ext4 tmpfs; do
		head -c 67108864 /dev/urandom >"$(fsdir $fs)/nfs/bench.bin"
		$CAT "$(fsdir $fs)/nfs/bench.bin" >/dev/null
	done
	for r in $(seq "${NFSBENCH_ROUNDS:-3}"); do
		for fs in ext4 tmpfs; do
			for path in splice iter; do
				nfs_path $path || continue
				for pat in 1m 64k unaligned_1m; do
					case $pat in
					1m) a="bs=1M" ;;
					64k) a="bs=64K" ;;
					unaligned_1m) a="bs=1M iflag=skip_bytes skip=1" ;;
					esac
					s=$(bounded 300 $DD if=/mnt/nfs_$fs/bench.bin iflag=direct $a \
						of=/dev/null 2>&1 | sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p')
					echo "# nfsbench $fs $path $pat $r ${s:-none}"
				done
			done
		done
	done
	[ -n "$knob_was" ] && echo "$knob_was" >$NFSD_KNOB
	check compat_nfsbench.stop nfs_stop
	rm -rf "$EXT4/nfs" "$TMPFS/nfs"
}

# ----- nginx sendfile to curl ------------------------------------------
NG=/tmp/nginx
PORT=8080
# probe: nginx answers (every attempt bounded).
probe() {
	$CURL -s -f -m 5 -o /dev/null "http://127.0.0.1:$PORT/probe"
}
http_suite() {
	mkdir -p "$NG" /var/log/nginx /var/lib/nginx "$EXT4/www" "$TMPFS/www"
	# Let nginx's sndbuf=4m below take effect (the default cap is
	# 208 KiB), so that the slow client's download fits in the kernel.
	WMEM_WAS=$(cat /proc/sys/net/core/wmem_max)
	echo 8388608 >/proc/sys/net/core/wmem_max
	cat >"$NG/nginx.conf" <<-EOF
	worker_processes 1;
	master_process off;
	daemon off;
	pid $NG/nginx.pid;
	error_log $NG/error.log;
	events { worker_connections 64; }
	http {
		default_type application/octet-stream;
		sendfile on;
		access_log $NG/access.log;
		client_body_temp_path $NG/body;
		proxy_temp_path $NG/proxy;
		fastcgi_temp_path $NG/fastcgi;
		uwsgi_temp_path $NG/uwsgi;
		scgi_temp_path $NG/scgi;
		server {
			# A send buffer that takes a whole slow download at once.
			listen 127.0.0.1:$PORT sndbuf=4m;
			root $EXT4/www;
			location /tmpfs/ { alias $TMPFS/www/; }
		}
	}
	EOF
	echo probe >"$EXT4/www/probe"
	$NGINX -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" >"$NG/stdout" 2>&1 &
	ngx=$!
	i=0
	while ! probe 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! probe; then
		not_ok compat_http.nginx.start "nginx did not answer: $(cat "$NG/stdout" "$NG/error.log")"
		wait_gone $ngx 0
		echo "$WMEM_WAS" >/proc/sys/net/core/wmem_max
		return
	fi
	ok compat_http.nginx.start
	for size in 0 1 4095 300001 4194305; do
		head -c $size /dev/urandom >"$W/web_$size"
	done
	for fs in ext4 tmpfs; do
		if [ $fs = ext4 ]; then
			d=$EXT4/www url=http://127.0.0.1:$PORT
		else
			d=$TMPFS/www url=http://127.0.0.1:$PORT/tmpfs
		fi
		for size in 0 1 4095 300001 4194305; do
			$CP "$W/web_$size" "$d/f_$size"
			rm -f "$W/got"
			if bounded 60 $CURL -s -S -f -o "$W/got" "$url/f_$size" 2>"$W/why"; then
				check "compat_http.$fs.whole_$size" same "$W/got" "$W/web_$size"
			else
				not_ok "compat_http.$fs.whole_$size" "curl: exit $?: $(cat "$W/why")"
			fi
		done
		# A range at unaligned offsets: bytes 4097..300000.
		tail -c +4098 "$W/web_300001" | head -c 295904 >"$W/want"
		if bounded 60 $CURL -s -S -f -r 4097-300000 -o "$W/got" "$url/f_300001" 2>"$W/why"; then
			check "compat_http.$fs.range" same "$W/got" "$W/want"
		else
			not_ok "compat_http.$fs.range" "curl: exit $?: $(cat "$W/why")"
		fi
		http_rewrite "$fs" "$d" "$url"
	done
	kill $ngx 2>/dev/null
	wait_gone $ngx 10
	echo "$WMEM_WAS" >/proc/sys/net/core/wmem_max
	sed 's/^/# nginx error.log: /' "$NG/error.log" 2>/dev/null | head -20
	rm -rf "$EXT4/www" "$TMPFS/www"
}

# http_rewrite FS DIR URL: a client that falls behind.  curl downloads
# 4 MiB into a pipe that nobody reads yet, so it stops reading its
# socket; nginx hands the whole file to sendfile() regardless (its send
# buffer takes it) and logs the request when it has.  Then the file is
# rewritten in place, and only then is the pipe read.  What curl receives
# after that was still in the kernel: it must be the version sendfile()
# was given, whole.
#
# Two cases: ..._setup, that the situation arose (nginx logged the
# request before the rewrite, at least 1 MiB was still queued in the
# kernel, the rewrite itself worked), which must hold on every kernel;
# and, only when it did, ..._slow itself, which fails on the base kernel.
http_rewrite() {
	fs=$1 d=$2 url=$3 name=compat_http.$1.rewritten_slow
	head -c 4194304 /dev/urandom >"$W/vA"
	head -c 4194304 /dev/urandom >"$W/vB"
	$CP "$W/vA" "$d/slow.bin"
	: >"$NG/access.log"
	rm -f "$W/slow.out" "$W/go" "$W/curl.rc"
	{
		bounded 60 $CURL -s -S -f "$url/slow.bin" 2>"$W/curl.why"
		echo $? >"$W/curl.rc"
	} | {
		i=0
		while [ ! -e "$W/go" ] && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		$CAT >"$W/slow.out"
	} &
	cpid=$!
	i=0
	while ! grep -q 'slow.bin' "$NG/access.log" && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	logged=no
	grep -q 'slow.bin' "$NG/access.log" && logged=yes
	# What was still in the kernel when the file changed: the send
	# queue of nginx's socket and the receive queue of curl's.
	tx=0 rx=0 hex=$(printf %04X $PORT)
	while read -r _ l r _ q _; do
		case "$l $r" in
		*:$hex\ * | *:$hex)
			tx=$((tx + 0x${q%%:*}))
			rx=$((rx + 0x${q#*:}))
			;;
		esac
	done </proc/net/tcp
	echo "# $name: at the rewrite, in the kernel: $tx bytes queued to send, $rx received unread"
	rewrote=no
	$DD if="$W/vB" of="$d/slow.bin" bs=65536 conv=notrunc status=none 2>"$W/why" &&
		$CMP -s "$d/slow.bin" "$W/vB" && rewrote=yes
	touch "$W/go"
	wait_gone $cpid 70
	if [ $logged != yes ]; then
		not_ok "${name}_setup" "nginx did not finish handing the file to the kernel within 20 s"
		return
	elif [ $((tx + rx)) -lt 1048576 ]; then
		not_ok "${name}_setup" "only $((tx + rx)) bytes were still in the kernel at the rewrite"
		return
	elif [ $rewrote != yes ]; then
		not_ok "${name}_setup" "the rewrite failed: $(cat "$W/why")"
		return
	fi
	ok "${name}_setup"
	rc=$(cat "$W/curl.rc" 2>/dev/null || echo "none")
	if [ "$rc" != 0 ]; then
		not_ok "$name" "curl: exit $rc: $(cat "$W/curl.why" 2>/dev/null)"
	elif $CMP -s "$W/slow.out" "$W/vA"; then
		ok "$name"
	elif $CMP -s "$W/slow.out" "$W/vB"; then
		not_ok "$name" "received the rewritten version whole, though nginx had sent the file before it was rewritten"
	else
		diff=$($CMP -l "$W/slow.out" "$W/vA" 2>/dev/null | wc -l)
		first=$($CMP "$W/slow.out" "$W/vA" 2>/dev/null | sed -n 's/.*differ: [a-z]* \([0-9]*\).*/\1/p')
		not_ok "$name" "received a mix of the two versions: $diff bytes differ from the one sent, from byte $first"
	fi
}

for part in $(echo "${COMPAT_ONLY:-fuse,cp,nfs,http}" | tr , ' '); do
	case $part in
	fuse)
		for mode in none write move; do
			fuse_suite $mode
		done
		;;
	cp) cp_suite ;;
	nfs) nfs_suite ;;
	nfsbench) nfs_bench ;;
	http) http_suite ;;
	*) not_ok "compat_stage.part_$part" "unknown part $part in COMPAT_ONLY" ;;
	esac
done
[ -n "$FUSE_TIMEOUT_WAS" ] &&
	{ echo "$FUSE_TIMEOUT_WAS" >/proc/sys/fs/fuse/default_request_timeout; } 2>/dev/null
# The last case: the stage ran to its end (results.py requires it).
ok compat_stage.complete
echo "1..$n"
rm -rf "$W"
