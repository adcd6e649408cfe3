# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by tests/vm/run and tests/vm-pair/run.
# qemu's multi-threaded TCG can livelock a guest in text_poke_bp() when a tracepoint, a
# static call or a kprobe is patched (one vCPU looping on the int3 being patched, the other
# waiting for its sync IPI): an RCU stall report, on which scripts/vm-run stops the guest.
# That is the emulator, not the code under test.
#
# livelock RESULTS_DIR: the guest of RESULTS_DIR (its console.log) ended in that livelock,
# and its kernel reported nothing else before the stall.
livelock() {
	local c=$1/console.log stall
	stall=$(grep -n -m 1 -E 'self-detected stall|detected stalls on CPUs' "$c" 2>/dev/null) ||
		return 1
	grep -q 'text_poke_bp' "$c" || return 1
	! head -n "$((${stall%%:*} - 1))" "$c" | grep -q -E \
		'Kernel panic|BUG: |Oops|WARNING: |UBSAN: |KASAN: |general protection fault|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|called from invalid context|hung_task|soft lockup|Call Trace:'
}
