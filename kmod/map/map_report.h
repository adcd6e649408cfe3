/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Snapshots of one mapping, taken under its entry's lock and handed to tracepoints and
 * netlink after it is dropped. Shared with the LTTng probe (kmod/lttng).
 */
#ifndef _CROSSLAT_MAP_REPORT_H
#define _CROSSLAT_MAP_REPORT_H

#include <linux/types.h>
#include "engine/addr16.h"

/* A directional tuple as on the wire. */
struct crosslat_map_tuple {
	u8 family;		/* 4 or 6 */
	u8 proto;		/* IPPROTO_* (IPPROTO_IPIP/IPV6 for an IP-in-IP outer) */
	u16 sport, dport;	/* host order; 0 for protocols without ports */
	u8 saddr[16];		/* network order; IPv4 in the first 4 bytes */
	u8 daddr[16];
};

/* The pod at the namespace's end of a mapped flow: its socket's namespace, cgroup, owner. */
struct crosslat_map_pod {
	u64 netns_cookie;	/* 0: not known (yet) */
	u64 cgroup_id;		/* cgroup v2 id (the directory's inode number) */
	u32 netns_inum;
	u32 pid;		/* thread group id; 0 when no process context was seen */
	char comm[16];		/* TASK_COMM_LEN */
};

/* Why a crosslat_map_add event was emitted. */
enum crosslat_map_add_reason {
	CROSSLAT_MAP_ADD_NEW = 0,	/* first packet of the inner flow in this namespace */
	CROSSLAT_MAP_ADD_CHANGED = 1,	/* the outer tuple or VNI changed */
	CROSSLAT_MAP_ADD_POD = 2,	/* the pod became known after the first packet */
	CROSSLAT_MAP_ADD_STATEDUMP = 3,	/* an existing mapping, on a statedump request */
};

/*
 * A tunnel mapping (dir ENCAP/DECAP): inner is the pod flow, outer the underlay flow.
 * A NAT mapping (dir NAT): inner is conntrack's original tuple, outer its reply tuple.
 */
struct crosslat_map_report {
	u64 netns_cookie;	/* the namespace that (de)encapsulated or NATed */
	u32 netns_inum;
	u8 dir;			/* enum crosslat_map_dir */
	u8 tunnel;		/* enum crosslat_map_tunnel; 0 for NAT */
	u8 nat;			/* CROSSLAT_MAP_NAT_*; 0 for tunnels */
	u32 vni;		/* VXLAN/GENEVE, else 0 */
	struct crosslat_map_tuple inner;
	struct crosslat_map_tuple outer;
	struct crosslat_map_pod pod;	/* pod.netns_cookie 0: not known */
	u64 first_ns, last_ns;
	u64 packets;		/* wire segments */
	u64 bytes;		/* outer IP bytes */
};

#endif /* _CROSSLAT_MAP_REPORT_H */
