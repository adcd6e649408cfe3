/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry kprobes placed on the instruction after a function's ftrace call site.
 *
 * A kprobe on a function's first instruction normally rides on ftrace (kprobes' shared
 * ftrace_ops). In the stock 6.1 guest (qemu TCG, two vCPUs), unregistering one on a hot
 * function while other CPUs entered it sent a CPU to address 0 on its way back from the
 * ftrace trampoline (t_req's rmmod under traffic; a loop of insmod/rmmod crashed at the first
 * rmmod, 3 runs of 3). The instruction right after the 5-byte call site still sees the
 * arguments in their registers and the return address at the stack pointer, and a
 * breakpoint (then jump-optimised) kprobe there is installed and removed by kprobes alone:
 * 40 rounds, no crash. The likely culprit is the emulator's multi-threaded handling of code
 * patched while another vCPU runs it (the same guest once spun for 74 s on a kretprobe's
 * nop'd call site, and netfilter's static keys livelock it: t_rtt_rmmod); a kprobe off the
 * ftrace site costs about the same on hardware, so the module keeps to it.
 */
#ifndef _CROSSLAT_KPROBE_PAST_FTRACE_H
#define _CROSSLAT_KPROBE_PAST_FTRACE_H

struct kprobe;

/*
 * Registers kps[0..n) (symbol_name, offset 0 and pre_handler set), each moved past its
 * function's ftrace call site when it has one (then addressed by .addr, symbol_name
 * cleared); all or none. The handlers must only read the arguments and the stack pointer.
 */
int crosslat_kprobes_register_past_ftrace(struct kprobe **kps, unsigned int n);

#endif /* _CROSSLAT_KPROBE_PAST_FTRACE_H */
