// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engine counters: per-CPU so hot paths never share a cache line, summed on read. Every
 * counter of the uapi enum has its name in crosslat_stat_names.h, trackers' included, so
 * /proc/crosslat/stats and crosslatctl agree; a tracker's values come from the tracker
 * (crosslat_stats_value()).
 */
#include <linux/percpu.h>
#include <linux/module.h>
#include <uapi/linux/crosslat_stat_names.h>
#include "stats.h"

struct crosslat_counters {
	u64 v[__CROSSLAT_STAT_MAX];
};

static struct crosslat_counters __percpu *counters;

static const char *const stat_names[__CROSSLAT_STAT_MAX] = CROSSLAT_STAT_NAMES;

int crosslat_stats_init(void)
{
	counters = alloc_percpu(struct crosslat_counters);
	return counters ? 0 : -ENOMEM;
}

void crosslat_stats_uninit(void)
{
	free_percpu(counters);
	counters = NULL;
}

void crosslat_stats_inc(enum crosslat_stat stat)
{
	if (WARN_ON_ONCE(stat >= __CROSSLAT_STAT_MAX))
		return;
	this_cpu_inc(counters->v[stat]);
}
EXPORT_SYMBOL_GPL(crosslat_stats_inc);

u64 crosslat_stats_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat >= __CROSSLAT_STAT_MAX)
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(counters, cpu)->v[stat];
	return sum;
}
EXPORT_SYMBOL_GPL(crosslat_stats_read);

/* Returns NULL for indexes that are reserved (UNSPEC, PAD). */
const char *crosslat_stats_name(enum crosslat_stat stat)
{
	return stat < __CROSSLAT_STAT_MAX ? stat_names[stat] : NULL;
}
