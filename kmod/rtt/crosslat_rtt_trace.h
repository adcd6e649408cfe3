/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_rtt.ko (TRACE_SYSTEM crosslat_rtt). Each has a mirror in
 * kmod/lttng/events/crosslat_rtt.h; `make check` verifies the two lists match.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_rtt

#if !defined(_CROSSLAT_RTT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_RTT_TRACE_H

#include <linux/tracepoint.h>
#include <linux/string.h>
#include "rtt/layer_rec.h"
#include "rtt/rtt_report.h"

#define CROSSLAT_RTT_TUPLE_ASSIGN(tp)					\
	do {								\
		__entry->netns_cookie = (tp)->netns_cookie;		\
		__entry->netns_inum = (tp)->netns_inum;			\
		__entry->family = (tp)->family;				\
		crosslat_addr16(__entry->laddr, (tp)->laddr, (tp)->family); \
		crosslat_addr16(__entry->raddr, (tp)->raddr, (tp)->family); \
		__entry->lport = (tp)->lport;				\
		__entry->rport = (tp)->rport;				\
	} while (0)

/* Addresses are recorded as IPv6, IPv4 as IPv4-mapped (::ffff:a.b.c.d). */
#define CROSSLAT_RTT_TUPLE_FMT	"netns=%u [%pI6c]:%u -> [%pI6c]:%u"

/*
 * crosslat_rtt_alert - a flow's smoothed RTT is above its threshold
 * @r:          the flow (srtt_ns and thresh_ns are the values compared)
 * @rtt_ns:     the RTT sample that moved srtt_ns
 * @crossing:   srtt_ns was at or below the threshold before this sample
 * @suppressed: crossings held back by the rate limit since the previous alert of the flow
 */
TRACE_EVENT(crosslat_rtt_alert,
	TP_PROTO(const struct crosslat_rtt_report *r, u64 rtt_ns, bool crossing, u32 suppressed),
	TP_ARGS(r, rtt_ns, crossing, suppressed),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u64, srtt_ns)
		__field(u64, rtt_ns)
		__field(u64, thresh_ns)
		__field(u64, rtt_samples)
		__field(u64, retrans_segs)
		__field(u8, crossing)
		__field(u32, suppressed)
	),
	TP_fast_assign(
		CROSSLAT_RTT_TUPLE_ASSIGN(&r->t);
		__entry->srtt_ns = r->srtt_ns;
		__entry->rtt_ns = rtt_ns;
		__entry->thresh_ns = r->thresh_ns;
		__entry->rtt_samples = r->rtt_samples;
		__entry->retrans_segs = r->retrans_segs;
		__entry->crossing = crossing;
		__entry->suppressed = suppressed;
	),
	TP_printk(CROSSLAT_RTT_TUPLE_FMT " srtt=%llu rtt=%llu thresh=%llu crossing=%u suppressed=%u",
		  __entry->netns_inum, __entry->laddr, __entry->lport, __entry->raddr,
		  __entry->rport, __entry->srtt_ns, __entry->rtt_ns, __entry->thresh_ns,
		  __entry->crossing, __entry->suppressed)
);

/*
 * crosslat_rtt_flow_stats - a flow's metrics: periodically while it is active, and once more
 * when it closes, is restarted or leaves the table, so a trace holds every flow's final
 * figures. @reason is an enum crosslat_rtt_report_reason.
 */
TRACE_EVENT(crosslat_rtt_flow_stats,
	TP_PROTO(const struct crosslat_rtt_report *r, u8 reason),
	TP_ARGS(r, reason),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u8, reason)
		__field(u8, closed)
		__field(u64, first_ns)
		__field(u64, last_ns)
		__field(u64, srtt_ns)
		__field(u64, rtt_min_ns)
		__field(u64, rtt_max_ns)
		__field(u64, rtt_last_ns)
		__field(u64, rtt_samples)
		__field(u64, app_avg_ns)
		__field(u64, app_max_ns)
		__field(u64, app_samples)
		__field(u64, bytes_out)
		__field(u64, bytes_in)
		__field(u64, pkts_out)
		__field(u64, pkts_in)
		__field(u64, retrans_segs)
		__field(u64, retrans_bytes)
		__field(u64, throughput_out)
		__field(u64, throughput_in)
		__field(u64, thresh_ns)
		__field(u64, alerts)
	),
	TP_fast_assign(
		CROSSLAT_RTT_TUPLE_ASSIGN(&r->t);
		__entry->reason = reason;
		__entry->closed = r->closed;
		__entry->first_ns = r->first_ns;
		__entry->last_ns = r->last_ns;
		__entry->srtt_ns = r->srtt_ns;
		__entry->rtt_min_ns = r->rtt_min_ns;
		__entry->rtt_max_ns = r->rtt_max_ns;
		__entry->rtt_last_ns = r->rtt_last_ns;
		__entry->rtt_samples = r->rtt_samples;
		__entry->app_avg_ns = r->app_avg_ns;
		__entry->app_max_ns = r->app_max_ns;
		__entry->app_samples = r->app_samples;
		__entry->bytes_out = r->bytes_out;
		__entry->bytes_in = r->bytes_in;
		__entry->pkts_out = r->pkts_out;
		__entry->pkts_in = r->pkts_in;
		__entry->retrans_segs = r->retrans_segs;
		__entry->retrans_bytes = r->retrans_bytes;
		__entry->throughput_out = r->throughput_out;
		__entry->throughput_in = r->throughput_in;
		__entry->thresh_ns = r->thresh_ns;
		__entry->alerts = r->alerts;
	),
	TP_printk(CROSSLAT_RTT_TUPLE_FMT " reason=%u srtt=%llu min=%llu max=%llu samples=%llu app=%llu bytes_out=%llu bytes_in=%llu retrans=%llu",
		  __entry->netns_inum, __entry->laddr, __entry->lport, __entry->raddr,
		  __entry->rport, __entry->reason, __entry->srtt_ns, __entry->rtt_min_ns,
		  __entry->rtt_max_ns, __entry->rtt_samples, __entry->app_avg_ns,
		  __entry->bytes_out, __entry->bytes_in, __entry->retrans_segs)
);

/*
 * crosslat_rtt_sample - one RTT sample (off by default: module parameter sample_every=N
 * emits one sample in N per flow)
 * @t:       the flow
 * @rtt_ns:  the sample
 * @srtt_ns: the smoothed RTT after it
 * @ack_seq: the cumulative ACK that gave it (raw sequence number)
 * @acked:   sequence space that ACK newly covered: [ack_seq - acked, ack_seq)
 */
TRACE_EVENT(crosslat_rtt_sample,
	TP_PROTO(const struct crosslat_rtt_tuple *t, u64 rtt_ns, u64 srtt_ns, u32 ack_seq,
		 u32 acked),
	TP_ARGS(t, rtt_ns, srtt_ns, ack_seq, acked),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u64, rtt_ns)
		__field(u64, srtt_ns)
		__field(u32, ack_seq)
		__field(u32, acked)
	),
	TP_fast_assign(
		CROSSLAT_RTT_TUPLE_ASSIGN(t);
		__entry->rtt_ns = rtt_ns;
		__entry->srtt_ns = srtt_ns;
		__entry->ack_seq = ack_seq;
		__entry->acked = acked;
	),
	TP_printk(CROSSLAT_RTT_TUPLE_FMT " rtt=%llu srtt=%llu ack=%u acked=%u",
		  __entry->netns_inum, __entry->laddr, __entry->lport, __entry->raddr,
		  __entry->rport, __entry->rtt_ns, __entry->srtt_ns, __entry->ack_seq,
		  __entry->acked)
);

/*
 * crosslat_rtt_layer_sock, _nf, _dev - a packet or socket call of an armed flow (see
 * linux/crosslat_arm.h) at one layer of the host stack
 * @r: the flow, the point (enum crosslat_layer_point), TCP seq and payload length, the
 *     device (ifindex, device layer only), CPU, and the task when in process context
 */
DECLARE_EVENT_CLASS(crosslat_rtt_layer,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r),
	TP_STRUCT__entry(
		__field(u64, netns_cookie)
		__field(u32, netns_inum)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u8, point)
		__field(u8, tcp_flags)
		__field(u32, seq)
		__field(u32, len)
		__field(s32, ifindex)
		__field(u16, cpu)
		__field(s32, pid)
		__field(s32, tid)
		__array(char, comm, 16)
	),
	TP_fast_assign(
		CROSSLAT_RTT_TUPLE_ASSIGN(&r->t);
		__entry->point = r->point;
		__entry->tcp_flags = r->tcp_flags;
		__entry->seq = r->seq;
		__entry->len = r->len;
		__entry->ifindex = r->ifindex;
		__entry->cpu = r->cpu;
		__entry->pid = r->pid;
		__entry->tid = r->tid;
		memcpy(__entry->comm, r->comm, 16);
	),
	TP_printk(CROSSLAT_RTT_TUPLE_FMT " point=%u seq=%u len=%u flags=0x%02x if=%d cpu=%u pid=%d tid=%d comm=%.16s",
		  __entry->netns_inum, __entry->laddr, __entry->lport, __entry->raddr,
		  __entry->rport, __entry->point, __entry->seq, __entry->len,
		  __entry->tcp_flags, __entry->ifindex, __entry->cpu, __entry->pid, __entry->tid,
		  __entry->comm)
);

DEFINE_EVENT(crosslat_rtt_layer, crosslat_rtt_layer_sock,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
);

DEFINE_EVENT(crosslat_rtt_layer, crosslat_rtt_layer_nf,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
);

DEFINE_EVENT(crosslat_rtt_layer, crosslat_rtt_layer_dev,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
);

/*
 * crosslat_rtt_layer_arm - layer tracing was armed for a flow or a namespace
 * @a: the entry: netns_inum, and the flow unless @a->netns_only; until_ns is when it ends
 *     (CLOCK_MONOTONIC), reason an enum crosslat_arm_reason
 */
TRACE_EVENT(crosslat_rtt_layer_arm,
	TP_PROTO(const struct crosslat_arm_sel *a),
	TP_ARGS(a),
	TP_STRUCT__entry(
		__field(u32, netns_inum)
		__field(u8, netns_only)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u8, reason)
		__field(u64, until_ns)
	),
	TP_fast_assign(
		__entry->netns_inum = a->netns_inum;
		__entry->netns_only = a->netns_only;
		__entry->family = a->family;
		crosslat_addr16(__entry->laddr, a->laddr, a->family);
		crosslat_addr16(__entry->raddr, a->raddr, a->family);
		__entry->lport = a->lport;
		__entry->rport = a->rport;
		__entry->reason = a->reason;
		__entry->until_ns = a->until_ns;
	),
	TP_printk("netns=%u netns_only=%u [%pI6c]:%u -> [%pI6c]:%u reason=%u until=%llu",
		  __entry->netns_inum, __entry->netns_only, __entry->laddr, __entry->lport,
		  __entry->raddr, __entry->rport, __entry->reason, __entry->until_ns)
);

#endif /* _CROSSLAT_RTT_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_rtt_trace
#include <trace/define_trace.h>
