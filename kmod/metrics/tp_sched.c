// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runqueue latency and on/off-CPU time from the scheduler's tracepoints. A task becomes
 * runnable at sched_wakeup or sched_wakeup_new, or when sched_switch takes it off a CPU
 * while it is still runnable (preempted); it stops waiting when sched_switch puts it on a
 * CPU. It runs from that switch in to its next switch out, and when it is switched out
 * not runnable (blocked) it is off the CPU until its next switch in.
 *
 * The starts of waits and of blocked stretches are kept in a direct-mapped table of task
 * slots (task_slots, by tid hash): a slot holds one task's pending starts, taken by its
 * next switch in, whatever cgroup it is in by then, so no start outlives its wait. A task
 * whose slot holds another task's starts overwrites them (counted: metrics_task_overwrites).
 * The start of the running stretch is kept per CPU: the task that CPU switched in last.
 * The cgroup check and the 1-in-N decision come before any slot is touched; switching in
 * costs one load from the slot of the task when no start of it was recorded, and a
 * cgroup lookup only while some cgroup measures CPU time.
 *
 * Times come from local_clock(), the scheduler's own clock (its runqueue clocks read it),
 * so the waits agree with the kernel's per-task run_delay (/proc/PID/schedstat) and the
 * running stretches with its sum_exec_runtime. In a guest whose clocksource drifts from the
 * TSC, ktime_get_ns() would not (seen under qemu TCG on a busy host: a wait of 0.9 ms by
 * the scheduler's clock read 142 ms).
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include "engine/kernel_tp.h"
#include "metrics.h"

struct task_slot {
	raw_spinlock_t lock;
	u32 tid;		/* 0: free */
	u64 start_ns;		/* runnable since (0: not recorded) */
	u64 off_ns;		/* blocked since (0: not recorded) */
};

static struct task_slot *slots;
static unsigned int slot_bits;

/* The task this CPU switched in last, when its running stretch is measured. */
struct oncpu {
	u32 tid;		/* 0: not measured */
	u64 start_ns;
};
static DEFINE_PER_CPU(struct oncpu, oncpu);

static struct task_slot *slot_of(u32 tid)
{
	return &slots[hash_32(tid, slot_bits)];
}

/* The cgroup of p when it measures metric m and this event is sampled; under RCU. */
static struct metrics_cg *measures(struct task_struct *p, unsigned int m)
{
	struct metrics_cg *cg = metrics_cg_of(p);

	if (!cg || !(READ_ONCE(cg->mask) & (1u << m)) || !metrics_sample(cg, m))
		return NULL;
	return cg;
}

/* Records in p's slot that it became runnable (off false) or blocked (off true) at now. */
static void slot_start(struct task_struct *p, bool off, u64 now)
{
	struct task_slot *s = slot_of(p->pid);
	unsigned long flags;

	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->tid != p->pid) {
		if (s->tid)
			metrics_count(CROSSLAT_STAT_METRICS_TASK_OVERWRITES);
		s->tid = p->pid;
		s->start_ns = 0;
		s->off_ns = 0;
	}
	if (off)
		s->off_ns = now;
	else
		s->start_ns = now;
	raw_spin_unlock_irqrestore(&s->lock, flags);
}

/* p became runnable: its start, if its cgroup measures runqueue latency. */
static void runq_start(struct task_struct *p)
{
	if (unlikely(!p->pid))
		return;		/* the idle tasks */
	rcu_read_lock();
	if (measures(p, CROSSLAT_METRIC_RUNQ))
		slot_start(p, false, local_clock());
	rcu_read_unlock();
}

/* p is switched in at now: the end of its wait and of its blocked stretch, if recorded. */
static void slot_end(struct task_struct *p, u64 now)
{
	struct task_slot *s = slot_of(p->pid);
	struct metrics_cg *cg;
	unsigned long flags;
	u64 start = 0, off = 0;

	if (likely(READ_ONCE(s->tid) != p->pid))
		return;
	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->tid == p->pid) {
		start = s->start_ns;
		off = s->off_ns;
		s->tid = 0;
	}
	raw_spin_unlock_irqrestore(&s->lock, flags);
	if (!start && !off)
		return;
	rcu_read_lock();
	cg = metrics_cg_of(p);
	if (!cg)
		goto out;
	if (start && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_RUNQ)))
		metrics_record(cg, CROSSLAT_METRICS_HIST_RUNQ, now > start ? now - start : 0);
	/* a start from before the metric was last enabled is not this measurement's */
	if (off && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_CPU)) &&
	    off >= READ_ONCE(metrics_metric_since[CROSSLAT_METRIC_CPU]))
		metrics_record(cg, CROSSLAT_METRICS_HIST_OFFCPU, now > off ? now - off : 0);
out:
	rcu_read_unlock();
}

/*
 * On this CPU, prev is switched out at now, blocked or not: the end of its running stretch
 * and, blocked, the start of its stretch off the CPU (one cgroup lookup for both).
 */
static void cpu_switch_out(struct task_struct *prev, bool blocked, u64 now)
{
	struct oncpu *o = this_cpu_ptr(&oncpu);
	bool ran = o->tid && o->tid == prev->pid;
	struct metrics_cg *cg;

	o->tid = 0;
	if (!ran && (!blocked || !prev->pid))
		return;
	rcu_read_lock();
	cg = metrics_cg_of(prev);
	if (!cg || !(READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_CPU)))
		goto out;
	if (ran)
		metrics_record(cg, CROSSLAT_METRICS_HIST_ONCPU,
			       now > o->start_ns ? now - o->start_ns : 0);
	if (blocked && prev->pid && metrics_sample(cg, CROSSLAT_METRIC_CPU))
		slot_start(prev, true, now);
out:
	rcu_read_unlock();
}

/* On this CPU, next is switched in at now: the start of its stretch, if measured. */
static void cpu_switch_in(struct task_struct *next, u64 now)
{
	struct oncpu *o = this_cpu_ptr(&oncpu);

	rcu_read_lock();
	if (measures(next, CROSSLAT_METRIC_CPU)) {
		o->tid = next->pid;
		o->start_ns = now;
	}
	rcu_read_unlock();
}

static void probe_wakeup(void *data, struct task_struct *p)
{
	runq_start(p);
}

static void probe_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next, unsigned int prev_state)
{
	bool runnable = preempt || prev_state == TASK_RUNNING;
	u64 now = local_clock();

	/* a task on its way out (TASK_DEAD) does not come back: not blocked */
	if (READ_ONCE(metrics_metric_users[CROSSLAT_METRIC_CPU]) || this_cpu_read(oncpu.tid))
		cpu_switch_out(prev, !runnable && !(prev_state & TASK_DEAD), now);
	if (next->pid) {
		slot_end(next, now);
		if (READ_ONCE(metrics_metric_users[CROSSLAT_METRIC_CPU]))
			cpu_switch_in(next, now);
	}
	/* switched out while runnable: it waits in the runqueue from now */
	if (runnable)
		runq_start(prev);
}

static struct crosslat_kernel_tp sched_probes[] = {
	{ "sched_wakeup", probe_wakeup },
	{ "sched_wakeup_new", probe_wakeup },
	{ "sched_switch", probe_switch },
};

const unsigned int metrics_sched_nr_probes = ARRAY_SIZE(sched_probes);

#ifdef CROSSLAT_METRICS_BENCH
void metrics_sched_probes_get(struct metrics_sched_probes *p)
{
	p->sw = probe_switch;
	p->wakeup = probe_wakeup;
}
#endif

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
	int cpu;

	/* starts left from an earlier registration would end waits they did not see */
	for (i = 0; i < (1U << slot_bits); i++)
		WRITE_ONCE(slots[i].tid, 0);
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(&oncpu, cpu)->tid, 0);
	return crosslat_kernel_tp_register(sched_probes, ARRAY_SIZE(sched_probes));
}

void metrics_sched_unregister(void)
{
	crosslat_kernel_tp_unregister(sched_probes, ARRAY_SIZE(sched_probes));
}
