#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make out/kconfig/FLAVOUR.config from allnoconfig plus configs/*.config
# (and configs/FLAVOUR.config for flavours other than "default"), using the
# kernel's merge_config.sh.  Fails if any requested value did not stick.
. "$(dirname "$0")/lib.sh"

flavour=${1:-default}
frags=$(ls "$TOP"/configs/*.config | grep -v -e '/debug\.config$')
if [ "$flavour" != default ]; then
	[ -f "$TOP/configs/$flavour.config" ] || die "no configs/$flavour.config"
	frags="$frags $TOP/configs/$flavour.config"
fi
dst=$OUT/kconfig/$flavour.config
mkdir -p "$OUT/kconfig"
work=$BUILD/kconfig-$flavour
log=$LOGS/kconfig-$flavour.log

mkcfg() {
	set -e
	rm -rf "$work"
	mkdir -p "$work"
	# shellcheck disable=SC2086
	# In the base tree, which may be built in-tree: the result goes to
	# KCONFIG_CONFIG and the tree's own .config is left alone.
	(cd "$BASESRC" && ARCH=x86_64 KCONFIG_CONFIG="$work/.config" \
		scripts/kconfig/merge_config.sh -n $frags)
}
must "configuration failed; see ${log#"$TOP"/}" "configure ($flavour)" "$log" mkcfg
if grep -A2 -E 'Value requested for .* not in final' "$log" >/dev/null; then
	grep -A2 -E 'Value requested for .* not in final' "$log" | sed 's/^/    /' >&2
	die "configs/ asks for values the kernel did not accept (see ${log#"$TOP"/})"
fi
if ! cmp -s "$work/.config" "$dst"; then
	cp "$work/.config" "$dst"
fi
