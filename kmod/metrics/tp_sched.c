// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runqueue latency from the scheduler's tracepoints: a task becomes runnable at
 * sched_wakeup or sched_wakeup_new, or when sched_switch takes it off a CPU while it is
 * still runnable (preempted); it stops waiting when sched_switch puts it on a CPU.
 *
 * The start is kept in a direct-mapped table of task slots (task_slots, by tid hash): a
 * slot holds one pending start, taken by its task's next switch in, whatever cgroup it is
 * in by then, so no start outlives its wait. A task whose slot holds another pending start
 * overwrites it (counted: metrics_task_overwrites). The cgroup check and the 1-in-N
 * decision come before any slot is touched; switching in costs one load from the slot of
 * the task when its start was not recorded.
 *
 * Times come from local_clock(), the scheduler's own clock (its runqueue clocks read it),
 * so the waits agree with the kernel's per-task run_delay (/proc/PID/schedstat). In a
 * guest whose clocksource drifts from the TSC, ktime_get_ns() would not (seen under qemu
 * TCG on a busy host: a wait of 0.9 ms by the scheduler's clock read 142 ms).
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include "engine/kernel_tp.h"
#include "metrics.h"

struct task_slot {
	raw_spinlock_t lock;
	u32 tid;		/* 0: free */
	u64 start_ns;
};

static struct task_slot *slots;
static unsigned int slot_bits;

static struct task_slot *slot_of(u32 tid)
{
	return &slots[hash_32(tid, slot_bits)];
}

/* p became runnable at now: its start, if its cgroup measures this one. */
static void runq_start(struct task_struct *p)
{
	struct metrics_cg *cg;
	struct task_slot *s;
	unsigned long flags;
	u32 tid = p->pid;

	if (unlikely(!tid))
		return;		/* the idle tasks */
	rcu_read_lock();
	cg = metrics_cg_of(p);
	if (!cg || !(READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_RUNQ)) ||
	    !metrics_sample(cg, CROSSLAT_METRIC_RUNQ))
		goto out;
	s = slot_of(tid);
	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->tid && s->tid != tid)
		metrics_count(CROSSLAT_STAT_METRICS_TASK_OVERWRITES);
	s->tid = tid;
	s->start_ns = local_clock();
	raw_spin_unlock_irqrestore(&s->lock, flags);
out:
	rcu_read_unlock();
}

/* p is switched in at now: the end of its wait, if its start was recorded. */
static void runq_end(struct task_struct *p, u64 now)
{
	struct task_slot *s = slot_of(p->pid);
	struct metrics_cg *cg;
	unsigned long flags;
	u64 start = 0;

	if (likely(READ_ONCE(s->tid) != p->pid))
		return;
	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->tid == p->pid) {
		start = s->start_ns;
		s->tid = 0;
	}
	raw_spin_unlock_irqrestore(&s->lock, flags);
	if (!start)
		return;
	rcu_read_lock();
	cg = metrics_cg_of(p);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_RUNQ)))
		metrics_record(cg, CROSSLAT_METRICS_HIST_RUNQ, now > start ? now - start : 0);
	rcu_read_unlock();
}

static void probe_wakeup(void *data, struct task_struct *p)
{
	runq_start(p);
}

static void probe_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next, unsigned int prev_state)
{
	if (next->pid)
		runq_end(next, local_clock());
	/* switched out while runnable: it waits in the runqueue from now */
	if (preempt || prev_state == TASK_RUNNING)
		runq_start(prev);
}

static struct crosslat_kernel_tp sched_probes[] = {
	{ "sched_wakeup", probe_wakeup },
	{ "sched_wakeup_new", probe_wakeup },
	{ "sched_switch", probe_switch },
};

const unsigned int metrics_sched_nr_probes = ARRAY_SIZE(sched_probes);

int metrics_sched_init(void)
{
	unsigned int i, n;

	n = roundup_pow_of_two(clamp(metrics_task_slots, 64U, 1U << 22));
	slot_bits = ilog2(n);
	slots = kvcalloc(n, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		raw_spin_lock_init(&slots[i].lock);
	return 0;
}

void metrics_sched_exit(void)
{
	kvfree(slots);
}

int metrics_sched_register(void)
{
	unsigned int i;

	/* starts left from an earlier registration would end waits they did not see */
	for (i = 0; i < (1U << slot_bits); i++)
		WRITE_ONCE(slots[i].tid, 0);
	return crosslat_kernel_tp_register(sched_probes, ARRAY_SIZE(sched_probes));
}

void metrics_sched_unregister(void)
{
	crosslat_kernel_tp_unregister(sched_probes, ARRAY_SIZE(sched_probes));
}
