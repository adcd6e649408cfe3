// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each metric's probes are registered while at least one cgroup enables the metric and
 * unregistered when the last one stops: a metric nobody wants costs nothing, not even a
 * tracepoint's static branch.
 */
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include "metrics.h"

/* A set of probes, registered while some cgroup enables a metric that needs it. */
struct metrics_probes {
	int (*reg)(void);
	void (*unreg)(void);
	/* tracepoint probes, kretprobes or netfilter hooks (per namespace) it registers */
	const unsigned int *nr_probes;
	unsigned int users;	/* (cgroup, metric) pairs that enable it, under arm_mutex */
};

static const unsigned int one_probe = 1;

enum { PROBES_SCHED, PROBES_FAULT, PROBES_TCP, PROBES_BLOCK, PROBES_DNS, PROBES_NR };

static struct metrics_probes probes[PROBES_NR] = {
	[PROBES_SCHED] = { metrics_sched_register, metrics_sched_unregister,
			   &metrics_sched_nr_probes },
	[PROBES_FAULT] = { metrics_fault_register, metrics_fault_unregister, &one_probe },
	[PROBES_TCP] = { metrics_tcp_register, metrics_tcp_unregister, &metrics_tcp_nr_probes },
	[PROBES_BLOCK] = { metrics_block_register, metrics_block_unregister,
			   &metrics_block_nr_probes },
	[PROBES_DNS] = { metrics_dns_register, metrics_dns_unregister, &metrics_dns_nr_probes },
};

/* Runqueue latency and on/off-CPU time share the scheduler's tracepoints. */
static const u8 probes_of[__CROSSLAT_METRIC_MAX] = {
	[CROSSLAT_METRIC_RUNQ] = PROBES_SCHED,
	[CROSSLAT_METRIC_FAULTS] = PROBES_FAULT,
	[CROSSLAT_METRIC_TCP_RETRANS] = PROBES_TCP,
	[CROSSLAT_METRIC_BLKIO] = PROBES_BLOCK,
	[CROSSLAT_METRIC_DNS] = PROBES_DNS,
	[CROSSLAT_METRIC_CPU] = PROBES_SCHED,
};

static DEFINE_MUTEX(arm_mutex);
static unsigned int probes_registered;
unsigned int metrics_metric_users[__CROSSLAT_METRIC_MAX];
u64 metrics_metric_since[__CROSSLAT_METRIC_MAX];

int metrics_arm_get(unsigned int metric)
{
	struct metrics_probes *a = &probes[probes_of[metric]];
	int err = 0;

	mutex_lock(&arm_mutex);
	if (!a->users) {
		err = a->reg();
		if (err)
			goto out;
		WRITE_ONCE(probes_registered, probes_registered + *a->nr_probes);
	}
	a->users++;
	if (!metrics_metric_users[metric])
		WRITE_ONCE(metrics_metric_since[metric], local_clock());
	WRITE_ONCE(metrics_metric_users[metric], metrics_metric_users[metric] + 1);
out:
	mutex_unlock(&arm_mutex);
	return err;
}

void metrics_arm_put(unsigned int metric)
{
	struct metrics_probes *a = &probes[probes_of[metric]];

	mutex_lock(&arm_mutex);
	if (!WARN_ON_ONCE(!a->users || !metrics_metric_users[metric])) {
		WRITE_ONCE(metrics_metric_users[metric], metrics_metric_users[metric] - 1);
		if (!--a->users) {
			a->unreg();
			WRITE_ONCE(probes_registered, probes_registered - *a->nr_probes);
		}
	}
	mutex_unlock(&arm_mutex);
}

unsigned int metrics_arm_probes(void)
{
	return READ_ONCE(probes_registered);
}
