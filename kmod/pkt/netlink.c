// SPDX-License-Identifier: GPL-2.0-only
/* crosslat_pkt's counters in the crosslat family's CROSSLAT_CMD_GET_STATS reply. */
#include "engine/nl_ext.h"
#include "pkt.h"

static u64 pkt_stat_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat == CROSSLAT_STAT_PKT_PENDING)
		return pkt_pending_nr();
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(pkt_counters, cpu)->v[stat - PKT_CNT_FIRST];
	return sum;
}

static const struct crosslat_nl_ext pkt_nl_ext = {
	.owner = THIS_MODULE,
	.stat_first = CROSSLAT_STAT_PKT_PENDING,
	.stat_last = CROSSLAT_STAT_PKT_UNMATCHED,
	.stat_read = pkt_stat_read,
};

int pkt_netlink_init(void)
{
	return crosslat_nl_ext_register(&pkt_nl_ext);
}

void pkt_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&pkt_nl_ext);
}
