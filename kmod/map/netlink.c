// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_map's command in the "crosslat" generic netlink family (served through the
 * engine's extension table): the mapping dump, and the module's counters.
 */
#include <linux/socket.h>
#include <net/genetlink.h>
#include "engine/flow_dump.h"
#include "engine/nl_ext.h"
#include "map.h"

static int put_tuple(struct sk_buff *skb, int attr, const struct crosslat_map_tuple *t)
{
	unsigned int alen = t->family == 4 ? 4 : 16;
	struct nlattr *nest;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, CROSSLAT_TUPLE_A_FAMILY, t->family == 4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, CROSSLAT_TUPLE_A_PROTO, t->proto) ||
	    nla_put(skb, CROSSLAT_TUPLE_A_SADDR, alen, t->saddr) ||
	    nla_put(skb, CROSSLAT_TUPLE_A_DADDR, alen, t->daddr))
		goto cancel;
	if ((t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP) &&
	    (nla_put_u16(skb, CROSSLAT_TUPLE_A_SPORT, t->sport) ||
	     nla_put_u16(skb, CROSSLAT_TUPLE_A_DPORT, t->dport)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_map(struct sk_buff *skb, const struct crosslat_map_report *r)
{
	struct nlattr *nest;

#define PUT64(attr, val) nla_put_u64_64bit(skb, attr, val, CROSSLAT_MAP_A_PAD)
	nest = nla_nest_start(skb, CROSSLAT_A_MAP);
	if (!nest)
		return -EMSGSIZE;
	if (PUT64(CROSSLAT_MAP_A_NETNS_COOKIE, r->netns_cookie) ||
	    nla_put_u32(skb, CROSSLAT_MAP_A_NETNS_INUM, r->netns_inum) ||
	    nla_put_u8(skb, CROSSLAT_MAP_A_DIR, r->dir) ||
	    nla_put_u8(skb, CROSSLAT_MAP_A_TUNNEL, r->tunnel) ||
	    put_tuple(skb, CROSSLAT_MAP_A_INNER, &r->inner) ||
	    put_tuple(skb, CROSSLAT_MAP_A_OUTER, &r->outer) ||
	    PUT64(CROSSLAT_MAP_A_FIRST_NS, r->first_ns) ||
	    PUT64(CROSSLAT_MAP_A_LAST_NS, r->last_ns) ||
	    PUT64(CROSSLAT_MAP_A_PACKETS, r->packets) ||
	    PUT64(CROSSLAT_MAP_A_BYTES, r->bytes))
		goto cancel;
	if (r->dir == CROSSLAT_MAP_DIR_NAT ? nla_put_u8(skb, CROSSLAT_MAP_A_NAT, r->nat) :
	    r->tunnel != CROSSLAT_MAP_TUNNEL_IPIP && nla_put_u32(skb, CROSSLAT_MAP_A_VNI, r->vni))
		goto cancel;
	if (r->pod.netns_cookie &&
	    (PUT64(CROSSLAT_MAP_A_POD_NETNS_COOKIE, r->pod.netns_cookie) ||
	     nla_put_u32(skb, CROSSLAT_MAP_A_POD_NETNS_INUM, r->pod.netns_inum) ||
	     PUT64(CROSSLAT_MAP_A_POD_CGROUP_ID, r->pod.cgroup_id)))
		goto cancel;
	if (r->pod.pid &&
	    (nla_put_u32(skb, CROSSLAT_MAP_A_POD_PID, r->pod.pid) ||
	     nla_put_string(skb, CROSSLAT_MAP_A_POD_COMM, r->pod.comm)))
		goto cancel;
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One entry of the dump: a snapshot under the entry's lock, written after it is dropped. */
static int map_put(struct sk_buff *skb, struct crosslat_flow *f)
{
	const struct map_val *v = (const struct map_val *)f->data;
	struct crosslat_map_report r;
	bool inited;

	spin_lock_bh(&f->lock);
	inited = v->inited;
	if (inited)
		map_report_fill(f, v, &r);
	spin_unlock_bh(&f->lock);
	if (!inited)
		return CROSSLAT_FLOW_DUMP_SKIP;
	return put_map(skb, &r);
}

static int map_dump_start(struct netlink_callback *cb)
{
	return crosslat_flow_dump_start(cb, crosslat_map_table);
}

static int map_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return crosslat_flow_dumpit(skb, cb, CROSSLAT_CMD_MAP_GET, map_put);
}

/* The table's counters follow enum crosslat_flow_table_stat's order. */
static_assert(CROSSLAT_STAT_MAP_EVICTED_LRU - CROSSLAT_STAT_MAP_ENTRIES == CROSSLAT_FT_EVICTED_LRU);

static u64 map_stat_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat >= CROSSLAT_STAT_MAP_ENDPOINTS)
		return map_endpoints_stat(stat);
	if (stat >= MAP_CNT_FIRST) {
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(crosslat_map_counters, cpu)->v[stat - MAP_CNT_FIRST];
		return sum;
	}
	if (stat == CROSSLAT_STAT_MAP_NETNS)
		return map_hooks_netns();
	return crosslat_flow_table_stat(crosslat_map_table, stat - CROSSLAT_STAT_MAP_ENTRIES);
}

static const struct crosslat_nl_ext map_nl_ext = {
	.owner = THIS_MODULE,
	.cmd_first = CROSSLAT_CMD_MAP_GET,
	.cmd_last = CROSSLAT_CMD_MAP_GET,
	.dump_start = map_dump_start,
	.dumpit = map_dumpit,
	.dump_done = crosslat_flow_dump_done,
	.stat_first = CROSSLAT_STAT_MAP_NETNS,
	.stat_last = CROSSLAT_STAT_MAP_ENDPOINT_DROPS,
	.stat_read = map_stat_read,
};

int map_netlink_init(void)
{
	return crosslat_nl_ext_register(&map_nl_ext);
}

void map_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&map_nl_ext);
}
