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

/* Why a crosslat_map_add event was emitted. */
enum crosslat_map_add_reason {
	CROSSLAT_MAP_ADD_NEW = 0,	/* first packet of the inner flow in this namespace */
	CROSSLAT_MAP_ADD_CHANGED = 1,	/* the outer tuple or VNI changed */
};

struct crosslat_map_report {
	u64 netns_cookie;	/* the namespace that encapsulated or decapsulated */
	u32 netns_inum;
	u8 dir;			/* enum crosslat_map_dir */
	u8 tunnel;		/* enum crosslat_map_tunnel */
	u32 vni;		/* VXLAN/GENEVE, else 0 */
	struct crosslat_map_tuple inner;	/* the pod flow */
	struct crosslat_map_tuple outer;	/* the underlay flow */
	u64 first_ns, last_ns;
	u64 packets;		/* wire segments */
	u64 bytes;		/* outer IP bytes */
};

#endif /* _CROSSLAT_MAP_REPORT_H */
