/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslat_map.ko internals shared by its files. */
#ifndef _CROSSLAT_MAP_H
#define _CROSSLAT_MAP_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/crosslat.h>
#include "core/encap_parse.h"
#include "engine/flow_table.h"
#include "map_report.h"

/*
 * Mapping state in each flow table entry (crosslat_flow.data), under crosslat_flow.lock.
 * The entry's key is the inner tuple, laddr/lport its source and raddr/rport its
 * destination, and the direction in tag (enum crosslat_map_dir).
 */
struct map_val {
	struct crosslat_map_tuple outer;
	u64 packets;		/* wire segments */
	u64 bytes;		/* outer IP bytes */
	u32 vni;
	u32 netns_inum;
	u8 dir;			/* enum crosslat_map_dir */
	u8 tunnel;		/* enum crosslat_map_tunnel */
	u8 inited;
};

extern struct crosslat_flow_table *crosslat_map_table;
extern struct crosslat_encap_ports crosslat_map_ports;

/* Counters of this module: enum crosslat_stat values from CROSSLAT_STAT_MAP_PACKETS on. */
#define MAP_CNT_FIRST	CROSSLAT_STAT_MAP_PACKETS
#define MAP_CNT_NR	(CROSSLAT_STAT_MAP_OUTER_CHANGES - MAP_CNT_FIRST + 1)
struct map_counters {
	u64 v[MAP_CNT_NR];
};
extern struct map_counters __percpu *crosslat_map_counters;

static inline void map_count(enum crosslat_stat s)
{
	this_cpu_inc(crosslat_map_counters->v[s - MAP_CNT_FIRST]);
}

/* report.c: fills r from f; caller holds f->lock. */
void map_report_fill(const struct crosslat_flow *f, const struct map_val *v,
		     struct crosslat_map_report *r);

/* nf_hooks.c: netfilter hooks in every network namespace. */
int map_hooks_init(void);
void map_hooks_exit(void);
unsigned int map_hooks_netns(void);

/* netlink.c: CROSSLAT_CMD_MAP_GET and the counters. */
int map_netlink_init(void);
void map_netlink_exit(void);

/* report.c: crosslat_map_del for every entry leaving the table. */
void map_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv);

#endif /* _CROSSLAT_MAP_H */
