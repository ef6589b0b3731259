# SPDX-License-Identifier: GPL-2.0
# Stable splice: build the base and patched kernels, boot them under
# qemu -accel tcg, run the stable-data kselftests.  See README.md.

T := tools
KERNEL ?= patched

.PHONY: all check deps tree apply config kernels kernel-base kernel-patched kernel-debug \
	initramfs run export rebase series checkpatch bench stress nfsd-bench sockmem numbers profile bisect-check series-check clean distclean help

# Build the patched kernel and run the suite on it.
all:
	@ONLY=patched bash $(T)/check.sh

# The README's test command: base and patched, judged against each other.
check:
	@bash $(T)/check.sh

deps:
	@bash $(T)/deps.sh

tree: deps
	@bash $(T)/extract.sh

apply: tree
	@bash $(T)/apply.sh

config: tree
	@bash $(T)/kconfig.sh

kernel-base: config
	@bash $(T)/build-kernel.sh base

kernel-patched: apply config
	@bash $(T)/build-kernel.sh patched

kernels: kernel-base kernel-patched

# The patched kernel with configs/debug.config (KASAN, lockdep, DEBUG_VM,
# DEBUG_PAGEALLOC, fault injection): out/debug/bzImage.
kernel-debug: apply
	@bash $(T)/kconfig.sh debug
	@bash $(T)/build-kernel.sh debug

initramfs: apply
	@bash $(T)/initramfs.sh

# Boot one kernel with the suite: make run KERNEL=base|patched|debug
run:
	@case "$(KERNEL)" in base|patched|debug) ;; \
	*) echo "error: KERNEL must be base, patched or debug" >&2; exit 1;; esac
	@bash $(T)/run.sh $(KERNEL)

# Throughput of base and patched kernels, same workloads (ratios only).
bench:
	@bash $(T)/bench.sh

# Debian's stress-ng (vm-splice, splice, tee; pipe as control), ratios.
stress:
	@bash $(T)/stress.sh

# nfsd over loopback, reading by splice and by iter, base vs patched.
nfsd-bench:
	@bash $(T)/nfsd-bench.sh

# The cost blocks of one bench run, into the cover letters and the documents.
numbers:
	@python3 $(T)/bench-numbers.py --update patches/0000-cover-letter.patch patches/0000-cover-letter-vmsplice.patch Documentation/design.md Documentation/performance.md

# Memory that sendfile() into unread TCP connections keeps, base and patched.
sockmem:
	@bash $(T)/sockmem.sh

# Where the time goes: perf in the guest around splice_bench methods.
profile:
	@bash $(T)/profile.sh

# Build after each patch of the series: every commit must build alone.
bisect-check:
	@bash $(T)/bisect-check.sh

# Before every change to the series: checkpatch --strict and bisect-check,
# recorded in tests/series-checked (make check reads the record).
series-check: tree
	@bash $(T)/series-check.sh

# scripts/checkpatch.pl --strict on every patch.
checkpatch: tree
	@bash $(T)/checkpatch.sh

# The series as mail, one set per tree (vfs, net, net-next, nfsd, vfs-rfc,
# vmsplice) in out/series/: cover
# letters, per-patch recipients, git am of each set on the base and a build.
series: tree
	@bash $(T)/series.sh

# Write build/linux's commits base..patched to patches/.
export:
	@bash $(T)/export.sh

# Move the series to another base: make rebase BASE_VERSION=<version>
# [BASE_PKG=linux-source-X.Y BASE_SUITE=<suite> BASE_ARCHIVE=<archive>]
# [REBASE_DRY_RUN=1: report conflicts, move nothing]
rebase: deps
	@bash $(T)/rebase.sh

help:
	@echo "make            build the patched kernel, run the suite on it"; \
	echo "make check     build both kernels, run and judge both (CI)"; \
	echo "make kernels   out/base/bzImage and out/patched/bzImage"; \
	echo "make run KERNEL=base|patched"; \
	echo "make export    build/linux commits -> patches/"; \
	echo "make series    the series as mail, per tree, in out/series/{vfs,net,net-next,nfsd,vfs-rfc,vmsplice}/"; \
	echo "make checkpatch  checkpatch.pl --strict on every patch"; \
	echo "make bisect-check  build after each patch"; \
	echo "make series-check  checkpatch + bisect-check, recorded for make check"; \
	echo "make rebase BASE_VERSION=...  move the series to another base"; \
	echo "make bench     throughput ratios, base and patched"; \
	echo "make stress    stress-ng vm-splice/splice/tee, base vs patched ratios"; \
	echo "make nfsd-bench  nfsd over loopback, splice vs iter reads, base vs patched"; \
	echo "make numbers     the cost blocks of Documentation/bench/summary.txt, into the cover letters and docs"; \
	echo "make sockmem     memory kept by sendfile() into unread TCP connections, base vs patched"; \
	echo "make profile   perf in the guest: where the time goes (PROFILE=fs:method:kib,...)"

clean:
	rm -rf out

distclean: clean
	rm -rf build
