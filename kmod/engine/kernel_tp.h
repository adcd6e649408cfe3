/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probes on the core kernel's tracepoints (sched_switch, sys_enter, netif_receive_skb...),
 * which are not exported to modules by symbol: found by name with
 * for_each_kernel_tracepoint(), then registered as a set.
 */
#ifndef _CROSSLAT_KERNEL_TP_H
#define _CROSSLAT_KERNEL_TP_H

#include <linux/types.h>

struct tracepoint;

struct crosslat_kernel_tp {
	const char *name;	/* e.g. "sched_switch" */
	void *probe;		/* with the tracepoint's prototype, after a void *data */
	struct tracepoint *tp;	/* found by crosslat_kernel_tp_register() */
};

/* Registers every probe of tps[0..n) (data NULL), or none: -ENOENT for a missing one. */
int crosslat_kernel_tp_register(struct crosslat_kernel_tp *tps, unsigned int n);
/* Unregisters them; returns once no probe of the set runs any more. */
void crosslat_kernel_tp_unregister(struct crosslat_kernel_tp *tps, unsigned int n);

#endif /* _CROSSLAT_KERNEL_TP_H */
