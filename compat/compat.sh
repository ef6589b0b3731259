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
EXT4=${STABLE_EXT4_DIR:-/mnt/ext4}
TMPFS=${STABLE_TMPFS_DIR:-/mnt/tmpfs}
W=/tmp/compat
rm -rf "$W"
mkdir -p "$W"

n=0
echo "TAP version 13"
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "# $1: $2"; echo "not ok $n $1"; }
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
	cmp "$1" "$2" >&2
}
# bounded SECS CMD...: CMD, killed after SECS seconds.
bounded() {
	timeout "$@"
}

# ----- libfuse ---------------------------------------------------------
FUSE_MNT=/mnt/compat_fuse
FUSE_SIZE=300001
mkdir -p "$FUSE_MNT"
grep -q ' /sys/fs/fuse/connections ' /proc/mounts ||
	mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null
# A request the server never answers ends the connection after 20 s.
echo 20 >/proc/sys/fs/fuse/default_request_timeout 2>/dev/null ||
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
# the backing file's, byte for byte.
fuse_read() {
	name=$1 want=$2
	shift 2
	bounded 60 "$@" >"$W/got" 2>"$W/why"
	rc=$?
	if [ $rc -ne 0 ]; then
		case $rc in
		124 | 143) why="still waiting after 60 s, killed" ;;
		*) why="exit $rc" ;;
		esac
		not_ok "$name" "$why: $(tr '\n' ' ' <"$W/why" | cut -c1-200)"
		return
	fi
	check "$name" same "$W/got" "$want"
}

fuse_suite() {
	mode=$1
	bk=$EXT4/compat_fuse_$mode
	rm -rf "$bk"
	mkdir -p "$bk"
	head -c $FUSE_SIZE /dev/urandom >"$W/data"
	head -c 1048583 /dev/urandom >"$W/wdata"
	for kind in cached direct; do
		cp "$W/data" "$bk/$kind.bin"
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
	check "compat_fuse.$mode.negotiated" grep -q "$want" "$W/fuse-$mode.log"

	for kind in cached direct; do
		f=$FUSE_MNT/$kind.bin
		t=compat_fuse.$mode.$kind
		for bs in 64K 128K 12K 40000; do
			fuse_read "${t}_dd_$bs" "$W/data" dd if="$f" bs=$bs status=none
		done
		fuse_read "${t}_cat" "$W/data" cat "$f"
		fuse_read "${t}_mmap" "$W/data" mmap_cat "$f"
		# Short at EOF: 64 KiB asked for at 256 KiB, 37,857 bytes there.
		dd if="$W/data" bs=65536 skip=4 status=none >"$W/tail"
		fuse_read "${t}_short_at_eof" "$W/tail" dd if="$f" bs=65536 skip=4 count=1 status=none
		# At EOF and past it: nothing, and no error.
		: >"$W/empty"
		fuse_read "${t}_at_eof" "$W/empty" dd if="$f" bs=65536 iflag=skip_bytes skip=$FUSE_SIZE status=none
		fuse_read "${t}_past_eof" "$W/empty" dd if="$f" bs=65536 iflag=skip_bytes skip=$((FUSE_SIZE + 5000)) status=none
		rm -f "$W/cp.out"
		if bounded 60 cp "$f" "$W/cp.out" 2>"$W/why"; then
			check "${t}_cp_out" same "$W/cp.out" "$W/data"
		else
			not_ok "${t}_cp_out" "cp: exit $?: $(cat "$W/why")"
		fi
		# Writes: cp creates the file, dd rewrites it in unaligned pieces.
		if bounded 60 cp "$W/wdata" "$FUSE_MNT/${kind}_w.bin" 2>"$W/why"; then
			check "${t}_cp_in" same "$bk/${kind}_w.bin" "$W/wdata"
		else
			not_ok "${t}_cp_in" "cp: exit $?: $(cat "$W/why")"
		fi
		if bounded 60 dd if="$W/data" of="$FUSE_MNT/${kind}_w.bin" bs=40000 conv=notrunc status=none 2>"$W/why"; then
			{ cat "$W/data"; dd if="$W/wdata" bs=1 skip=$FUSE_SIZE status=none; } >"$W/want_w"
			check "${t}_dd_in" same "$bk/${kind}_w.bin" "$W/want_w"
		else
			not_ok "${t}_dd_in" "dd: exit $?: $(cat "$W/why")"
		fi
	done

	if ! bounded 10 umount "$FUSE_MNT"; then
		fuse_abort_all
		umount -l "$FUSE_MNT" 2>/dev/null
	fi
	i=0
	while kill -0 $srv 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 $srv 2>/dev/null
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
	dd if="$W/src_300001" of="$W/src_sparse" bs=1 seek=5242887 conv=notrunc status=none
	for from in ext4 tmpfs; do
		fd=$(fsdir "$from")/compat_cp
		for f in "$W"/src_*; do
			cp "$f" "$fd/"
		done
		for to in ext4 tmpfs; do
			td=$(fsdir "$to")/compat_cp/$from
			mkdir -p "$td"
			v=${from}_to_$to
			for f in "$W"/src_*; do
				b=$(basename "$f")
				if bounded 60 cp "$fd/$b" "$td/$b" 2>"$W/why"; then
					check "compat_cp.$v.${b#src_}" same "$td/$b" "$f"
				else
					not_ok "compat_cp.$v.${b#src_}" "cp: exit $?: $(cat "$W/why")"
				fi
			done
			# The copy is a file of its own: writing either side
			# leaves the other as it was.
			b=src_300001
			printf 'copy changed' | dd of="$td/$b" bs=4096 seek=1 conv=notrunc status=none
			check "compat_cp.$v.copy_written_source_kept" same "$fd/$b" "$W/$b"
			cp "$fd/$b" "$td/$b.2"
			printf 'source changed' | dd of="$fd/$b" bs=4096 seek=2 conv=notrunc status=none
			check "compat_cp.$v.source_written_copy_kept" same "$td/$b.2" "$W/$b"
			cp "$W/$b" "$fd/$b"
		done
	done
	rm -rf "$EXT4/compat_cp" "$TMPFS/compat_cp"
}

# ----- nginx sendfile to curl ------------------------------------------
NG=/tmp/nginx
PORT=8080
http_suite() {
	mkdir -p "$NG" /var/log/nginx /var/lib/nginx "$EXT4/www" "$TMPFS/www"
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
	nginx -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" >"$NG/stdout" 2>&1 &
	ngx=$!
	i=0
	while ! curl -s -f -o /dev/null "http://127.0.0.1:$PORT/probe" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! curl -s -f -o /dev/null "http://127.0.0.1:$PORT/probe"; then
		not_ok compat_http.nginx.start "nginx did not answer: $(cat "$NG/stdout" "$NG/error.log")"
		kill $ngx 2>/dev/null
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
			cp "$W/web_$size" "$d/f_$size"
			rm -f "$W/got"
			if bounded 60 curl -s -f -o "$W/got" "$url/f_$size" 2>"$W/why"; then
				check "compat_http.$fs.whole_$size" same "$W/got" "$W/web_$size"
			else
				not_ok "compat_http.$fs.whole_$size" "curl: exit $?"
			fi
		done
		# A range at unaligned offsets: bytes 4097..300000.
		dd if="$W/web_300001" bs=4097 skip=1 status=none | head -c 295904 >"$W/want"
		if bounded 60 curl -s -f -r 4097-300000 -o "$W/got" "$url/f_300001" 2>"$W/why"; then
			check "compat_http.$fs.range" same "$W/got" "$W/want"
		else
			not_ok "compat_http.$fs.range" "curl: exit $?"
		fi
		http_rewrite "$fs" "$d" "$url"
	done
	kill $ngx 2>/dev/null
	wait $ngx 2>/dev/null
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
http_rewrite() {
	fs=$1 d=$2 url=$3 name=compat_http.$1.rewritten_slow
	head -c 4194304 /dev/urandom >"$W/vA"
	head -c 4194304 /dev/urandom >"$W/vB"
	cp "$W/vA" "$d/slow.bin"
	: >"$NG/access.log"
	rm -f "$W/slow.out" "$W/go" "$W/curl.rc"
	{
		bounded 60 curl -s -f "$url/slow.bin" 2>"$W/why"
		echo $? >"$W/curl.rc"
	} | {
		i=0
		while [ ! -e "$W/go" ] && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		cat >"$W/slow.out"
	} &
	cpid=$!
	i=0
	while ! grep -q 'slow.bin' "$NG/access.log" && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q 'slow.bin' "$NG/access.log"; then
		touch "$W/go"
		wait $cpid
		not_ok "$name" "nginx did not finish handing the file to the kernel within 20 s"
		return
	fi
	# What was still in the kernel when the file changed: the send
	# queue of nginx's socket and the receive queue of curl's.
	tx=0 rx=0 hex=$(printf %04X $PORT)
	while read -r _ l r _ q _; do
		case "$l $r" in
		*:$hex\ *|*:$hex)
			tx=$((tx + 0x${q%%:*}))
			rx=$((rx + 0x${q#*:}))
			;;
		esac
	done </proc/net/tcp
	echo "# $name: at the rewrite, in the kernel: $tx bytes queued to send, $rx received unread"
	dd if="$W/vB" of="$d/slow.bin" bs=65536 conv=notrunc status=none
	touch "$W/go"
	wait $cpid
	rc=$(cat "$W/curl.rc" 2>/dev/null || echo "none")
	if [ "$rc" != 0 ]; then
		not_ok "$name" "curl: exit $rc"
	elif cmp -s "$W/slow.out" "$W/vA"; then
		ok "$name"
	elif cmp -s "$W/slow.out" "$W/vB"; then
		echo "# $name: received the rewritten version whole"
		ok "$name"
	else
		diff=$(cmp -l "$W/slow.out" "$W/vA" 2>/dev/null | wc -l)
		first=$(cmp "$W/slow.out" "$W/vA" 2>/dev/null | sed -n 's/.*differ: [a-z]* \([0-9]*\).*/\1/p')
		not_ok "$name" "received a mix of the two versions: $diff bytes differ from the one sent, from byte $first"
	fi
}

for part in $(echo "${COMPAT_ONLY:-fuse,cp,http}" | tr , ' '); do
	case $part in
	fuse)
		for mode in none write move; do
			fuse_suite $mode
		done
		;;
	cp) cp_suite ;;
	http) http_suite ;;
	*) echo "# compat: unknown part $part" ;;
	esac
done
echo "1..$n"
rm -rf "$W"
