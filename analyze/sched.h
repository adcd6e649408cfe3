/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runqueue waits per network namespace (a pod), from the kernel's stock scheduler events:
 * a task waits from its sched_wakeup (or sched_wakeup_new, or a sched_switch that left it
 * runnable: preempted) until the sched_switch that runs it. Its namespace is the net_ns
 * context of the sched_switch events that switch it out (lttng add-context -k -t net_ns).
 * Per (trace, namespace), the waits of all its tasks are merged into the times at least one
 * of them was waiting for a CPU, so that a question like "how long did some thread of the
 * callee's pod wait for a CPU while this call was on its way" is one lookup.
 */
#ifndef _CROSSLAT_SCHED_H
#define _CROSSLAT_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_SCHED_SWITCH	"sched_switch"
#define CROSSLAT_EV_SCHED_WAKEUP	"sched_wakeup"
#define CROSSLAT_EV_SCHED_WAKEUP_NEW	"sched_wakeup_new"

struct crosslat_sched_task;
struct crosslat_sched_wait;

struct crosslat_sched {
	struct crosslat_sched_task *task;	/* per (trace, tid) */
	size_t nr_task, cap_task;
	struct crosslat_index idx;
	struct crosslat_sched_wait *w;	/* waits; after finish: unions per (trace, netns) */
	size_t nr_w, cap_w;
	bool finished;
	uint64_t events;	/* scheduler events used */
	uint64_t no_netns;	/* waits of tasks never seen switching out with net_ns */
};

void crosslat_sched_init(struct crosslat_sched *s);
void crosslat_sched_uninit(struct crosslat_sched *s);

/*
 * Takes r when it is a scheduler event with what is needed (a time, the tids). Returns 1
 * when it was used, 0 for another event, -ENOMEM.
 */
int crosslat_sched_add(struct crosslat_sched *s, const struct crosslat_record *r);

/* Merges the waits per namespace once every record is in; 0 or -ENOMEM. */
int crosslat_sched_finish(struct crosslat_sched *s);

/* Whether the traces had waits with a namespace (after finish). */
bool crosslat_sched_has_data(const struct crosslat_sched *s);

/*
 * After finish: how long, within [lo, hi) (trace time), at least one task of namespace
 * netns seen in trace was waiting for a CPU.
 */
uint64_t crosslat_sched_runq(const struct crosslat_sched *s, uint32_t trace, uint64_t netns,
			     int64_t lo, int64_t hi);

#endif /* _CROSSLAT_SCHED_H */
