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

struct nf_conn;
struct nf_hook_state;
struct sk_buff;

/*
 * Mapping state in each flow table entry (crosslat_flow.data), under crosslat_flow.lock.
 * The direction is the key's tag (enum crosslat_map_dir), so a namespace keeps apart the
 * tunnel and NAT mappings of one tuple. A tunnel mapping's key is the inner tuple, laddr/lport
 * its source and raddr/rport its destination. A NAT mapping's key is the connection as it
 * leaves the NAT in the original direction (the inverse of conntrack's reply tuple): the
 * tuple a tunnel mapping of the same namespace sees, so the two meet in one lookup.
 */
struct map_val {
	struct crosslat_map_tuple peer;	/* tunnel: the outer tuple; NAT: the original tuple */
	struct crosslat_map_pod pod;	/* pod.netns_cookie 0: not known */
	u64 packets;		/* tunnel: wire segments; NAT: packets, both directions */
	u64 bytes;		/* IP bytes (outer for tunnels) */
	u32 vni;
	u32 netns_inum;
	u8 dir;			/* enum crosslat_map_dir */
	u8 tunnel;		/* enum crosslat_map_tunnel */
	u8 nat;			/* CROSSLAT_MAP_NAT_* */
	u8 inited;
	u8 pod_done;		/* the pod is known, or the search gave up: READ_ONCE outside */
	u8 pod_tries;
};

/* One packet's look for its mapping's pod, taken before the mapping's lock. */
struct map_pod_search {
	bool need;		/* the mapping still looks for its pod */
	bool found;
	struct crosslat_map_pod pod;
};

/* Packets of a mapping that look for its pod before it gives up (counted unresolved). */
#define MAP_POD_TRIES	16

extern struct crosslat_flow_table *crosslat_map_table;
/* pod.c: sockets behind pod flows, keyed by the flow seen from the socket (netns 0). */
extern struct crosslat_flow_table *crosslat_map_endpoints;
extern struct crosslat_encap_ports crosslat_map_ports;

/* Counters of this module: enum crosslat_stat values from CROSSLAT_STAT_MAP_PACKETS on. */
#define MAP_CNT_FIRST	CROSSLAT_STAT_MAP_PACKETS
#define MAP_CNT_NR	(CROSSLAT_STAT_MAP_PODS_UNRESOLVED - MAP_CNT_FIRST + 1)
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
/*
 * report.c: the end of a packet's update of mapping f, after its own fields: the pod search
 * step, the packet's counts (bytes as given), crosslat_map_add when the mapping is new or
 * changed (reason) or its pod just became known. Releases f->lock, taken with spin_lock_bh.
 */
void map_packet_finish(struct crosslat_flow *f, struct map_val *v, const struct sk_buff *skb,
		       unsigned int bytes, const struct map_pod_search *ps, bool changed,
		       u8 reason) __releases(&f->lock);

/*
 * pod.c. map_endpoint_packet: a packet a namespace sends (LOCAL_OUT, before any NAT), not a
 * tunnel's: remembers the socket behind a TCP SYN or SYN-ACK, or a UDP datagram.
 * map_pod_find: fills pod with the pod at the local end of flow (laddr/lport the local
 * side, netns the namespace that saw the flow), directly or through that namespace's NAT
 * mapping; false when not known. map_pod_update: one packet's step of v's search, given the
 * result of map_pod_find; caller holds the entry's lock; true when the pod became known.
 */
void map_endpoint_packet(struct sk_buff *skb, const struct nf_hook_state *state);
bool map_pod_find(const struct crosslat_flow_key *flow, struct crosslat_map_pod *pod);
bool map_pod_update(struct map_val *v, bool found, const struct crosslat_map_pod *pod);
int map_endpoints_init(u32 max_entries);
void map_endpoints_exit(void);
u64 map_endpoints_stat(enum crosslat_stat stat);

/* nat.c: a packet of a connection conntrack NATs (POST_ROUTING or LOCAL_IN, after NAT). */
void map_nat_packet(struct sk_buff *skb, const struct nf_hook_state *state,
		    const struct nf_conn *ct);

/* nf_hooks.c: netfilter hooks in every network namespace. */
int map_hooks_init(void);
void map_hooks_exit(void);
unsigned int map_hooks_netns(void);

/* netlink.c: CROSSLAT_CMD_MAP_GET and the counters. */
int map_netlink_init(void);
void map_netlink_exit(void);

/*
 * report.c: map_on_evict, crosslat_map_del for every entry leaving the table;
 * map_statedump, crosslat_map_add (reason STATEDUMP) for every entry in it, so that a
 * trace started after a flow's first packets still has its mapping. Returns how many.
 */
void map_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv);
unsigned int map_statedump(void);

#endif /* _CROSSLAT_MAP_H */
