/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/rtt/crosslat_rtt_trace.h: one event per TRACE_EVENT, same name, same
 * prototype, fields named as in the TRACE_EVENT (addresses as 16 bytes, IPv4 as
 * ::ffff:a.b.c.d).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_rtt

#if !defined(_CROSSLAT_LTTNG_RTT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_RTT_H

#include <lttng/tracepoint-event.h>
#include "rtt/layer_rec.h"
#include "rtt/rtt_report.h"

#define CROSSLAT_LTTNG_TUPLE_LOCVAR	u8 laddr[16]; u8 raddr[16];
#define CROSSLAT_LTTNG_TUPLE_PRE(tp)						\
	crosslat_addr16(tp_locvar->laddr, (tp)->laddr, (tp)->family);	\
	crosslat_addr16(tp_locvar->raddr, (tp)->raddr, (tp)->family);
#define CROSSLAT_LTTNG_TUPLE_FIELDS(tp)						\
	ctf_integer(u64, netns_cookie, (tp)->netns_cookie)			\
	ctf_integer(u32, netns_inum, (tp)->netns_inum)				\
	ctf_integer(u8, family, (tp)->family)					\
	ctf_array(u8, laddr, tp_locvar->laddr, 16)				\
	ctf_array(u8, raddr, tp_locvar->raddr, 16)				\
	ctf_integer(u16, lport, (tp)->lport)					\
	ctf_integer(u16, rport, (tp)->rport)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_rtt_alert,
	TP_PROTO(const struct crosslat_rtt_report *r, u64 rtt_ns, bool crossing, u32 suppressed),
	TP_ARGS(r, rtt_ns, crossing, suppressed),
	TP_locvar(CROSSLAT_LTTNG_TUPLE_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_TUPLE_PRE(&r->t)),
	TP_FIELDS(
		CROSSLAT_LTTNG_TUPLE_FIELDS(&r->t)
		ctf_integer(u64, srtt_ns, r->srtt_ns)
		ctf_integer(u64, rtt_ns, rtt_ns)
		ctf_integer(u64, thresh_ns, r->thresh_ns)
		ctf_integer(u64, rtt_samples, r->rtt_samples)
		ctf_integer(u64, retrans_segs, r->retrans_segs)
		ctf_integer(u8, crossing, crossing)
		ctf_integer(u32, suppressed, suppressed)
	),
	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_rtt_flow_stats,
	TP_PROTO(const struct crosslat_rtt_report *r, u8 reason),
	TP_ARGS(r, reason),
	TP_locvar(CROSSLAT_LTTNG_TUPLE_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_TUPLE_PRE(&r->t)),
	TP_FIELDS(
		CROSSLAT_LTTNG_TUPLE_FIELDS(&r->t)
		ctf_integer(u8, reason, reason)
		ctf_integer(u8, closed, r->closed)
		ctf_integer(u64, first_ns, r->first_ns)
		ctf_integer(u64, last_ns, r->last_ns)
		ctf_integer(u64, srtt_ns, r->srtt_ns)
		ctf_integer(u64, rtt_min_ns, r->rtt_min_ns)
		ctf_integer(u64, rtt_max_ns, r->rtt_max_ns)
		ctf_integer(u64, rtt_last_ns, r->rtt_last_ns)
		ctf_integer(u64, rtt_samples, r->rtt_samples)
		ctf_integer(u64, app_avg_ns, r->app_avg_ns)
		ctf_integer(u64, app_max_ns, r->app_max_ns)
		ctf_integer(u64, app_samples, r->app_samples)
		ctf_integer(u64, bytes_out, r->bytes_out)
		ctf_integer(u64, bytes_in, r->bytes_in)
		ctf_integer(u64, pkts_out, r->pkts_out)
		ctf_integer(u64, pkts_in, r->pkts_in)
		ctf_integer(u64, retrans_segs, r->retrans_segs)
		ctf_integer(u64, retrans_bytes, r->retrans_bytes)
		ctf_integer(u64, throughput_out, r->throughput_out)
		ctf_integer(u64, throughput_in, r->throughput_in)
		ctf_integer(u64, thresh_ns, r->thresh_ns)
		ctf_integer(u64, alerts, r->alerts)
	),
	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_rtt_sample,
	TP_PROTO(const struct crosslat_rtt_tuple *t, u64 rtt_ns, u64 srtt_ns, u32 ack_seq,
		 u32 acked),
	TP_ARGS(t, rtt_ns, srtt_ns, ack_seq, acked),
	TP_locvar(CROSSLAT_LTTNG_TUPLE_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_TUPLE_PRE(t)),
	TP_FIELDS(
		CROSSLAT_LTTNG_TUPLE_FIELDS(t)
		ctf_integer(u64, rtt_ns, rtt_ns)
		ctf_integer(u64, srtt_ns, srtt_ns)
		ctf_integer(u32, ack_seq, ack_seq)
		ctf_integer(u32, acked, acked)
	),
	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_CLASS_CODE(crosslat_rtt_layer,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r),
	TP_locvar(CROSSLAT_LTTNG_TUPLE_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_TUPLE_PRE(&r->t)),
	TP_FIELDS(
		CROSSLAT_LTTNG_TUPLE_FIELDS(&r->t)
		ctf_integer(u8, point, r->point)
		ctf_integer(u8, tcp_flags, r->tcp_flags)
		ctf_integer(u32, seq, r->seq)
		ctf_integer(u32, len, r->len)
		ctf_integer(s32, ifindex, r->ifindex)
		ctf_integer(u16, cpu, r->cpu)
		ctf_integer(s32, pid, r->pid)
		ctf_integer(s32, tid, r->tid)
		ctf_array_text(char, comm, r->comm, 16)
	),
	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_rtt_layer, crosslat_rtt_layer_sock,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_rtt_layer, crosslat_rtt_layer_nf,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_rtt_layer, crosslat_rtt_layer_dev,
	TP_PROTO(const struct crosslat_layer_rec *r),
	TP_ARGS(r)
)

LTTNG_TRACEPOINT_EVENT_CODE(crosslat_rtt_layer_arm,
	TP_PROTO(const struct crosslat_arm_sel *a),
	TP_ARGS(a),
	TP_locvar(CROSSLAT_LTTNG_TUPLE_LOCVAR),
	TP_code_pre(CROSSLAT_LTTNG_TUPLE_PRE(a)),
	TP_FIELDS(
		ctf_integer(u32, netns_inum, a->netns_inum)
		ctf_integer(u8, netns_only, a->netns_only)
		ctf_integer(u8, family, a->family)
		ctf_array(u8, laddr, tp_locvar->laddr, 16)
		ctf_array(u8, raddr, tp_locvar->raddr, 16)
		ctf_integer(u16, lport, a->lport)
		ctf_integer(u16, rport, a->rport)
		ctf_integer(u8, reason, a->reason)
		ctf_integer(u64, until_ns, a->until_ns)
	),
	TP_code_post()
)

#endif /* _CROSSLAT_LTTNG_RTT_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_rtt
#include <lttng/define_trace.h>
