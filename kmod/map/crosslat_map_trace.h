/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_map.ko (TRACE_SYSTEM crosslat_map). Each has a mirror in
 * kmod/lttng/events/crosslat_map.h; `make check` verifies the two lists match.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_map

#if !defined(_CROSSLAT_MAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_MAP_TRACE_H

#include <linux/tracepoint.h>
#include "map/map_report.h"

/* Addresses are recorded as IPv6, IPv4 as IPv4-mapped (::ffff:a.b.c.d). */
#define CROSSLAT_MAP_FMT							\
	"netns=%u dir=%u tunnel=%u vni=%u nat=%u inner=%u [%pI6c]:%u -> [%pI6c]:%u "	\
	"outer=%u [%pI6c]:%u -> [%pI6c]:%u pod_netns=%u cgroup=%llu pid=%u comm=%s"
/*
 * crosslat_map_add - an inner (pod) flow was seen in a tunnel, or a NATed connection, for
 * the first time in this namespace; or its outer tuple, VNI or NAT changed; or its pod
 * became known (pod_netns_cookie 0: not known)
 * @r:      the mapping (packets and bytes so far)
 * @reason: enum crosslat_map_add_reason
 */
TRACE_EVENT(crosslat_map_add,
	TP_PROTO(const struct crosslat_map_report *r, u8 reason),
	TP_ARGS(r, reason),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, dir)
		__field(u8, tunnel)
		__field(u32, vni)
		__field(u8, in_family)
		__field(u8, in_proto)
		__array(u8, in_saddr, 16)
		__array(u8, in_daddr, 16)
		__field(u16, in_sport)
		__field(u16, in_dport)
		__field(u8, out_family)
		__field(u8, out_proto)
		__array(u8, out_saddr, 16)
		__array(u8, out_daddr, 16)
		__field(u16, out_sport)
		__field(u16, out_dport)
		__field(u8, nat)
		__field(u64, pod_netns_cookie)
		__field(u32, pod_netns_inum)
		__field(u64, pod_cgroup_id)
		__field(u32, pod_pid)
		__array(char, pod_comm, 16)
		__field(u8, reason)
	),
	TP_fast_assign(
		__entry->netns_cookie = r->netns_cookie;
		__entry->netns_inum = r->netns_inum;
		__entry->dir = r->dir;
		__entry->tunnel = r->tunnel;
		__entry->vni = r->vni;
		__entry->in_family = r->inner.family;
		__entry->in_proto = r->inner.proto;
		crosslat_addr16(__entry->in_saddr, r->inner.saddr, r->inner.family);
		crosslat_addr16(__entry->in_daddr, r->inner.daddr, r->inner.family);
		__entry->in_sport = r->inner.sport;
		__entry->in_dport = r->inner.dport;
		__entry->out_family = r->outer.family;
		__entry->out_proto = r->outer.proto;
		crosslat_addr16(__entry->out_saddr, r->outer.saddr, r->outer.family);
		crosslat_addr16(__entry->out_daddr, r->outer.daddr, r->outer.family);
		__entry->out_sport = r->outer.sport;
		__entry->out_dport = r->outer.dport;
		__entry->nat = r->nat;
		__entry->pod_netns_cookie = r->pod.netns_cookie;
		__entry->pod_netns_inum = r->pod.netns_inum;
		__entry->pod_cgroup_id = r->pod.cgroup_id;
		__entry->pod_pid = r->pod.pid;
		memcpy(__entry->pod_comm, r->pod.comm, sizeof(__entry->pod_comm));
		__entry->reason = reason;
	),
	TP_printk(CROSSLAT_MAP_FMT " reason=%u",
		  __entry->netns_inum, __entry->dir, __entry->tunnel, __entry->vni, __entry->nat,
		  __entry->in_proto, __entry->in_saddr, __entry->in_sport, __entry->in_daddr,
		  __entry->in_dport, __entry->out_proto, __entry->out_saddr, __entry->out_sport,
		  __entry->out_daddr, __entry->out_dport, __entry->pod_netns_inum,
		  __entry->pod_cgroup_id, __entry->pod_pid, __entry->pod_comm, __entry->reason)
);

/*
 * crosslat_map_del - a mapping left the table (idle, LRU or unload), with its totals
 */
TRACE_EVENT(crosslat_map_del,
	TP_PROTO(const struct crosslat_map_report *r),
	TP_ARGS(r),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, dir)
		__field(u8, tunnel)
		__field(u32, vni)
		__field(u8, in_family)
		__field(u8, in_proto)
		__array(u8, in_saddr, 16)
		__array(u8, in_daddr, 16)
		__field(u16, in_sport)
		__field(u16, in_dport)
		__field(u8, out_family)
		__field(u8, out_proto)
		__array(u8, out_saddr, 16)
		__array(u8, out_daddr, 16)
		__field(u16, out_sport)
		__field(u16, out_dport)
		__field(u8, nat)
		__field(u64, pod_netns_cookie)
		__field(u32, pod_netns_inum)
		__field(u64, pod_cgroup_id)
		__field(u32, pod_pid)
		__array(char, pod_comm, 16)
		__field(u64, first_ns)
		__field(u64, last_ns)
		__field(u64, packets)
		__field(u64, bytes)
	),
	TP_fast_assign(
		__entry->netns_cookie = r->netns_cookie;
		__entry->netns_inum = r->netns_inum;
		__entry->dir = r->dir;
		__entry->tunnel = r->tunnel;
		__entry->vni = r->vni;
		__entry->in_family = r->inner.family;
		__entry->in_proto = r->inner.proto;
		crosslat_addr16(__entry->in_saddr, r->inner.saddr, r->inner.family);
		crosslat_addr16(__entry->in_daddr, r->inner.daddr, r->inner.family);
		__entry->in_sport = r->inner.sport;
		__entry->in_dport = r->inner.dport;
		__entry->out_family = r->outer.family;
		__entry->out_proto = r->outer.proto;
		crosslat_addr16(__entry->out_saddr, r->outer.saddr, r->outer.family);
		crosslat_addr16(__entry->out_daddr, r->outer.daddr, r->outer.family);
		__entry->out_sport = r->outer.sport;
		__entry->out_dport = r->outer.dport;
		__entry->nat = r->nat;
		__entry->pod_netns_cookie = r->pod.netns_cookie;
		__entry->pod_netns_inum = r->pod.netns_inum;
		__entry->pod_cgroup_id = r->pod.cgroup_id;
		__entry->pod_pid = r->pod.pid;
		memcpy(__entry->pod_comm, r->pod.comm, sizeof(__entry->pod_comm));
		__entry->first_ns = r->first_ns;
		__entry->last_ns = r->last_ns;
		__entry->packets = r->packets;
		__entry->bytes = r->bytes;
	),
	TP_printk(CROSSLAT_MAP_FMT " packets=%llu bytes=%llu",
		  __entry->netns_inum, __entry->dir, __entry->tunnel, __entry->vni, __entry->nat,
		  __entry->in_proto, __entry->in_saddr, __entry->in_sport, __entry->in_daddr,
		  __entry->in_dport, __entry->out_proto, __entry->out_saddr, __entry->out_sport,
		  __entry->out_daddr, __entry->out_dport, __entry->pod_netns_inum,
		  __entry->pod_cgroup_id, __entry->pod_pid, __entry->pod_comm,
		  __entry->packets, __entry->bytes)
);

#endif /* _CROSSLAT_MAP_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_map_trace
#include <trace/define_trace.h>
