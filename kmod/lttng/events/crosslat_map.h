/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/map/crosslat_map_trace.h: one event per TRACE_EVENT, same name, same
 * prototype, fields named as in the TRACE_EVENT (addresses as 16 bytes, IPv4 as
 * ::ffff:a.b.c.d).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_map

#if !defined(_CROSSLAT_LTTNG_MAP_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_MAP_H

#include <lttng/tracepoint-event.h>
#include "map/map_report.h"

#define CROSSLAT_LTTNG_MAP_LOCVAR						\
	u8 in_saddr[16]; u8 in_daddr[16]; u8 out_saddr[16]; u8 out_daddr[16];
#define CROSSLAT_LTTNG_MAP_PRE(r)						\
	crosslat_addr16(tp_locvar->in_saddr, (r)->inner.saddr, (r)->inner.family);	\
	crosslat_addr16(tp_locvar->in_daddr, (r)->inner.daddr, (r)->inner.family);	\
	crosslat_addr16(tp_locvar->out_saddr, (r)->outer.saddr, (r)->outer.family);	\
	crosslat_addr16(tp_locvar->out_daddr, (r)->outer.daddr, (r)->outer.family);
#define CROSSLAT_LTTNG_MAP_FIELDS(r)						\
	ctf_integer(u64, netns_cookie, (r)->netns_cookie)			\
	ctf_integer(u32, netns_inum, (r)->netns_inum)				\
	ctf_integer(u8, dir, (r)->dir)						\
	ctf_integer(u8, tunnel, (r)->tunnel)					\
	ctf_integer(u32, vni, (r)->vni)						\
	ctf_integer(u8, in_family, (r)->inner.family)				\
	ctf_integer(u8, in_proto, (r)->inner.proto)				\
	ctf_array(u8, in_saddr, tp_locvar->in_saddr, 16)			\
	ctf_array(u8, in_daddr, tp_locvar->in_daddr, 16)			\
	ctf_integer(u16, in_sport, (r)->inner.sport)				\
	ctf_integer(u16, in_dport, (r)->inner.dport)				\
	ctf_integer(u8, out_family, (r)->outer.family)				\
	ctf_integer(u8, out_proto, (r)->outer.proto)				\
	ctf_array(u8, out_saddr, tp_locvar->out_saddr, 16)			\
	ctf_array(u8, out_daddr, tp_locvar->out_daddr, 16)			\
	ctf_integer(u16, out_sport, (r)->outer.sport)				\
	ctf_integer(u16, out_dport, (r)->outer.dport)				\
	ctf_integer(u8, nat, (r)->nat)						\
	ctf_integer(u64, pod_netns_cookie, (r)->pod.netns_cookie)		\
	ctf_integer(u32, pod_netns_inum, (r)->pod.netns_inum)			\
	ctf_integer(u64, pod_cgroup_id, (r)->pod.cgroup_id)			\
	ctf_integer(u32, pod_pid, (r)->pod.pid)					\
	ctf_array_text(char, pod_comm, (r)->pod.comm, 16)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_map_add,
	TP_PROTO(const struct crosslat_map_report *r, u8 reason),
	TP_ARGS(r, reason),
	TP_locvar(CROSSLAT_LTTNG_MAP_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_MAP_PRE(r)),
	TP_FIELDS(
		CROSSLAT_LTTNG_MAP_FIELDS(r)
		ctf_integer(u8, reason, reason)
	),
	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_map_del,
	TP_PROTO(const struct crosslat_map_report *r),
	TP_ARGS(r),
	TP_locvar(CROSSLAT_LTTNG_MAP_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_MAP_PRE(r)),
	TP_FIELDS(
		CROSSLAT_LTTNG_MAP_FIELDS(r)
		ctf_integer(u64, first_ns, r->first_ns)
		ctf_integer(u64, last_ns, r->last_ns)
		ctf_integer(u64, packets, r->packets)
		ctf_integer(u64, bytes, r->bytes)
	),
	TP_code_post()
)

#endif /* _CROSSLAT_LTTNG_MAP_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_map
#include <lttng/define_trace.h>
