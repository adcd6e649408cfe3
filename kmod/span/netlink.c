// SPDX-License-Identifier: GPL-2.0-only
/* crosslat_span's counters in the crosslat family's CROSSLAT_CMD_GET_STATS reply. */
#include "engine/nl_ext.h"
#include "span.h"

static u64 span_stat_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat == CROSSLAT_STAT_SPAN_ACTIVE)
		return span_active();
	if (stat == CROSSLAT_STAT_SPAN_PROBES)
		return span_probes_registered();
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(span_counters, cpu)->v[stat - SPAN_CNT_FIRST];
	return sum;
}

static const struct crosslat_nl_ext span_nl_ext = {
	.owner = THIS_MODULE,
	.stat_first = CROSSLAT_STAT_SPAN_ACTIVE,
	.stat_last = CROSSLAT_STAT_SPAN_HINT_MISSES,
	.stat_read = span_stat_read,
};

int span_netlink_init(void)
{
	return crosslat_nl_ext_register(&span_nl_ext);
}

void span_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&span_nl_ext);
}
