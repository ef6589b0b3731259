#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after each patch of the series, in a worktree of its
# own (build/bisect), so that every commit is known to build without new
# compiler warnings.  The selftest patches also build their tests.
. "$(dirname "$0")/lib.sh"

bash "$(dirname "$0")/apply.sh" || exit 1
bash "$(dirname "$0")/kconfig.sh" || exit 1
bisect_worktree
kbuild_env
cfg=$OUT/kconfig/default.config
n=0
rc=0
for c in $(git -C "$SRC" rev-list --reverse base..patched); do
	n=$((n + 1))
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	log=$LOGS/bisect-$n.log
	build() {
		set -e
		git -C "$WT" checkout -q --detach "$c"
		cmp -s "$cfg" "$WT/.config" || cp "$cfg" "$WT/.config"
		make -C "$WT" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
			-j"$JOBS" olddefconfig bzImage modules
		if git -C "$WT" diff --name-only base "$c" | grep -q '^tools/testing/selftests/'; then
			make -C "$WT" ARCH=x86_64 headers
			mkdir -p "$BUILD/bisect-selftests"
			make -C "$WT/tools/testing/selftests/splice" \
				OUTPUT="$BUILD/bisect-selftests" LDFLAGS=-static all
			if [ -f "$WT/tools/testing/selftests/net/splice_from_socket.c" ]; then
				make -C "$WT/tools/testing/selftests/net" \
					OUTPUT="$BUILD/bisect-selftests" LDFLAGS=-static \
					"$BUILD/bisect-selftests/splice_from_socket"
			fi
		fi
	}
	step "patch $n: $subject" "$log" build
	if [ $? -ne 0 ]; then
		rc=1
		continue
	fi
	if grep -E '(^|: )warning: ' "$log"; then
		note "patch $n builds with warnings (${log#"$TOP"/})"
		rc=1
	fi
done
[ $rc -eq 0 ] && note "bisect-check: all $n patches build on their own"
exit $rc
