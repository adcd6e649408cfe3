// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each metric's probes are registered while at least one cgroup enables the metric and
 * unregistered when the last one stops: a metric nobody wants costs nothing, not even a
 * tracepoint's static branch.
 */
#include <linux/mutex.h>
#include "metrics.h"

struct metrics_arm {
	int (*reg)(void);
	void (*unreg)(void);
	/* tracepoint probes, kretprobes or netfilter hooks (per namespace) it registers */
	const unsigned int *nr_probes;
	unsigned int users;	/* cgroups that enable it, under arm_mutex */
};

static const unsigned int one_probe = 1;

static struct metrics_arm arms[__CROSSLAT_METRIC_MAX] = {
	[CROSSLAT_METRIC_RUNQ] = { metrics_sched_register, metrics_sched_unregister,
				   &metrics_sched_nr_probes },
	[CROSSLAT_METRIC_FAULTS] = { metrics_fault_register, metrics_fault_unregister, &one_probe },
	[CROSSLAT_METRIC_TCP_RETRANS] = { metrics_tcp_register, metrics_tcp_unregister,
					  &one_probe },
	[CROSSLAT_METRIC_BLKIO] = { metrics_block_register, metrics_block_unregister,
				    &metrics_block_nr_probes },
	[CROSSLAT_METRIC_DNS] = { metrics_dns_register, metrics_dns_unregister,
				  &metrics_dns_nr_probes },
};

static DEFINE_MUTEX(arm_mutex);
static unsigned int probes_registered;

int metrics_arm_get(unsigned int metric)
{
	struct metrics_arm *a = &arms[metric];
	int err = 0;

	mutex_lock(&arm_mutex);
	if (!a->users) {
		err = a->reg();
		if (err)
			goto out;
		WRITE_ONCE(probes_registered, probes_registered + *a->nr_probes);
	}
	a->users++;
out:
	mutex_unlock(&arm_mutex);
	return err;
}

void metrics_arm_put(unsigned int metric)
{
	struct metrics_arm *a = &arms[metric];

	mutex_lock(&arm_mutex);
	if (!WARN_ON_ONCE(!a->users) && !--a->users) {
		a->unreg();
		WRITE_ONCE(probes_registered, probes_registered - *a->nr_probes);
	}
	mutex_unlock(&arm_mutex);
}

unsigned int metrics_arm_probes(void)
{
	return READ_ONCE(probes_registered);
}
