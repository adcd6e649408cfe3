/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_pkt.ko (TRACE_SYSTEM crosslat_pkt). Each has a mirror in
 * kmod/lttng/events/crosslat_pkt.h.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_pkt

#if !defined(_CROSSLAT_PKT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_PKT_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include "pkt/pkt.h"

/*
 * crosslat_pkt_hop - a TCP segment carrying an HTTP message with a trace context crossed
 * the host from one watched point (where it entered: from_*) to another (where it left:
 * to_*). The addresses, ports and seq are those of the innermost (pod) TCP flow, IPv4 as
 * IPv4-mapped IPv6; latency_ns = the exit's time less the entry's (CLOCK_MONOTONIC).
 * Roles: 1 a pod's port (vport), 2 the underlay NIC. pid/comm: the task the entry ran in,
 * 0 and "" from softirq.
 */
TRACE_EVENT(crosslat_pkt_hop,
	TP_PROTO(const struct pkt_sighting *s, const struct pkt_exit *x),
	TP_ARGS(s, x),
	TP_STRUCT__entry(
		__field(u32, netns_inum)
		__field(s32, from_ifindex)
		__field(s32, to_ifindex)
		__field(u8, from_role)
		__field(u8, to_role)
		__field(u8, family)
		__array(u8, saddr, 16)
		__array(u8, daddr, 16)
		__field(u16, sport)
		__field(u16, dport)
		__field(u32, seq)
		__field(u32, len)
		__field(u64, from_ns)
		__field(u64, latency_ns)
		__field(u8, ctx_kind)
		__field(u8, is_response)
		__array(u8, trace_id, 16)
		__array(u8, span_id, 8)
		__field(u16, from_cpu)
		__field(u16, to_cpu)
		__field(s32, pid)
		__array(char, comm, 16)
	),
	TP_fast_assign(
		__entry->netns_inum = s->netns_inum;
		__entry->from_ifindex = s->ifindex;
		__entry->to_ifindex = x->ifindex;
		__entry->from_role = s->role;
		__entry->to_role = x->role;
		__entry->family = s->key.family;
		memcpy(__entry->saddr, s->key.saddr, 16);
		memcpy(__entry->daddr, s->key.daddr, 16);
		__entry->sport = s->key.sport;
		__entry->dport = s->key.dport;
		__entry->seq = s->key.seq;
		__entry->len = s->len;
		__entry->from_ns = s->ts_ns;
		__entry->latency_ns = x->ts_ns - s->ts_ns;
		__entry->ctx_kind = s->kind;
		__entry->is_response = s->is_response;
		memcpy(__entry->trace_id, s->trace_id, 16);
		memcpy(__entry->span_id, s->span_id, 8);
		__entry->from_cpu = s->cpu;
		__entry->to_cpu = x->cpu;
		__entry->pid = s->pid;
		memcpy(__entry->comm, s->comm, 16);
	),
	TP_printk("netns=%u if %d(%u) -> if %d(%u) [%pI6c]:%u -> [%pI6c]:%u seq=%u len=%u latency=%llu trace=%16phN span=%8phN resp=%u",
		  __entry->netns_inum, __entry->from_ifindex, __entry->from_role,
		  __entry->to_ifindex, __entry->to_role, __entry->saddr, __entry->sport,
		  __entry->daddr, __entry->dport, __entry->seq, __entry->len,
		  __entry->latency_ns, __entry->trace_id, __entry->span_id, __entry->is_response)
);

#endif /* _CROSSLAT_PKT_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_pkt_trace
#include <trace/define_trace.h>
