/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/pkt/crosslat_pkt_trace.h: one event per TRACE_EVENT, same name, same
 * prototype, same fields (addresses as 16 bytes, IPv4 as ::ffff:a.b.c.d).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_pkt

#if !defined(_CROSSLAT_LTTNG_PKT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_PKT_H

#include <lttng/tracepoint-event.h>
#include "pkt/pkt.h"

LTTNG_TRACEPOINT_EVENT(crosslat_pkt_hop,
	TP_PROTO(const struct pkt_sighting *s, const struct pkt_exit *x),
	TP_ARGS(s, x),
	TP_FIELDS(
		ctf_integer(u32, netns_inum, s->netns_inum)
		ctf_integer(s32, from_ifindex, s->ifindex)
		ctf_integer(s32, to_ifindex, x->ifindex)
		ctf_integer(u8, from_role, s->role)
		ctf_integer(u8, to_role, x->role)
		ctf_integer(u8, family, s->key.family)
		ctf_array(u8, saddr, s->key.saddr, 16)
		ctf_array(u8, daddr, s->key.daddr, 16)
		ctf_integer(u16, sport, s->key.sport)
		ctf_integer(u16, dport, s->key.dport)
		ctf_integer(u32, seq, s->key.seq)
		ctf_integer(u32, len, s->len)
		ctf_integer(u64, from_ns, s->ts_ns)
		ctf_integer(u64, latency_ns, x->ts_ns - s->ts_ns)
		ctf_integer(u8, ctx_kind, s->kind)
		ctf_integer(u8, is_response, s->is_response)
		ctf_array_hex(u8, trace_id, s->trace_id, 16)
		ctf_array_hex(u8, span_id, s->span_id, 8)
		ctf_integer(u16, from_cpu, s->cpu)
		ctf_integer(u16, to_cpu, x->cpu)
		ctf_integer(s32, pid, s->pid)
		ctf_array_text(char, comm, s->comm, 16)
	)
)

#endif /* _CROSSLAT_LTTNG_PKT_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_pkt
#include <lttng/define_trace.h>
