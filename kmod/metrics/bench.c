// SPDX-License-Identifier: GPL-2.0-only
/*
 * The microbenchmark of the scheduler probes' bodies, built only into the benchmark build
 * (CONFIG_CROSSLAT_BENCH=y, tests/bench/metrics-micro): reading
 * /sys/kernel/debug/crosslat_metrics_bench runs each case BATCHES times for CALLS calls
 * with preemption disabled and prints the fastest batch's time per call, in ns, beside an
 * empty probe of the same signature called the same way (through a pointer, as a
 * tracepoint calls its probes). The reader's own cgroup is configured for the cases that
 * need it, and removed after; it must not be configured before (-EBUSY).
 *
 * Each switch case passes the reader as both prev and next, runnable: one call ends the
 * wait the previous call started (a runqueue wait measured, start to histogram), and with
 * cpu on, the running stretch too.
 */
#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include "metrics.h"

#define BATCHES	64
#define CALLS	1000

typedef void (*switch_fn)(void *data, bool preempt, struct task_struct *prev,
			  struct task_struct *next, unsigned int prev_state);
typedef void (*wakeup_fn)(void *data, struct task_struct *p);

static noinline void empty_switch(void *data, bool preempt, struct task_struct *prev,
				  struct task_struct *next, unsigned int prev_state)
{
	barrier();
}

static noinline void empty_wakeup(void *data, struct task_struct *p)
{
	barrier();
}

/* The fastest batch of CALLS calls of fn (switch signature, or wakeup when w), per call. */
static u64 time_per_call(switch_fn sw, wakeup_fn w)
{
	u64 best = U64_MAX, t0, t;
	unsigned int b, i;

	/* called through the pointers, as a tracepoint calls its probes: not inlined */
	OPTIMIZER_HIDE_VAR(sw);
	OPTIMIZER_HIDE_VAR(w);
	for (b = 0; b < BATCHES; b++) {
		preempt_disable();
		t0 = local_clock();
		for (i = 0; i < CALLS; i++) {
			if (w)
				w(NULL, current);
			else
				sw(NULL, false, current, current, TASK_RUNNING);
		}
		t = local_clock() - t0;
		preempt_enable();
		best = min(best, t);
		cond_resched();
	}
	return best / CALLS;
}

static const struct {
	const char *name;
	u32 mask;	/* the reader's cgroup's configuration (0: not configured) */
	u32 every;
	bool wakeup;
} bench_cases[] = {
	{ "switch_cgroup_off", 0, 1, false },
	{ "switch_runq", 1u << CROSSLAT_METRIC_RUNQ, 1, false },
	{ "switch_runq_sample100", 1u << CROSSLAT_METRIC_RUNQ, 100, false },
	{ "switch_runq_cpu", 1u << CROSSLAT_METRIC_RUNQ | 1u << CROSSLAT_METRIC_CPU, 1, false },
	{ "switch_cpu_sample100", 1u << CROSSLAT_METRIC_RUNQ | 1u << CROSSLAT_METRIC_CPU, 100,
	  false },
	{ "wakeup_cgroup_off", 0, 1, true },
	{ "wakeup_runq", 1u << CROSSLAT_METRIC_RUNQ, 1, true },
};

static int bench_show(struct seq_file *m, void *v)
{
	u64 id = cgroup_id(task_dfl_cgroup(current));
	struct metrics_sched_probes p;
	wakeup_fn w;
	unsigned int i;
	bool busy;
	int err = 0;

	rcu_read_lock();
	busy = metrics_cg_lookup(id);
	rcu_read_unlock();
	if (busy)
		return -EBUSY;
	metrics_sched_probes_get(&p);
	seq_printf(m, "empty_switch\t%llu\n", time_per_call(empty_switch, NULL));
	seq_printf(m, "empty_wakeup\t%llu\n", time_per_call(NULL, empty_wakeup));
	for (i = 0; i < ARRAY_SIZE(bench_cases); i++) {
		err = metrics_cg_set(id, bench_cases[i].mask, bench_cases[i].every);
		if (err)
			break;
		w = bench_cases[i].wakeup ? p.wakeup : NULL;
		seq_printf(m, "%s\t%llu\n", bench_cases[i].name, time_per_call(p.sw, w));
	}
	/* the reader's cgroup as it was: not configured */
	return metrics_cg_set(id, 0, 1) ?: err;
}
DEFINE_SHOW_ATTRIBUTE(bench);

static struct dentry *bench_file;

void metrics_bench_init(void)
{
	bench_file = debugfs_create_file("crosslat_metrics_bench", 0400, NULL, NULL,
					 &bench_fops);
}

void metrics_bench_exit(void)
{
	debugfs_remove(bench_file);
}
