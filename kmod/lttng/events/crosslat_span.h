/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/span/crosslat_span_trace.h: one event per TRACE_EVENT, same name, same
 * prototype, same fields (ids as byte arrays, names as strings, stacks as sequences).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_span

#if !defined(_CROSSLAT_LTTNG_SPAN_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_SPAN_H

#include <lttng/tracepoint-event.h>
#include "span/span.h"

#define CROSSLAT_LTTNG_SPAN_ID_FIELDS(st)					\
	ctf_array_hex(u8, trace_id, (st)->id.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN)	\
	ctf_array_hex(u8, span_id, (st)->id.span_id, CROSSLAT_SPAN_SPAN_ID_LEN)	\
	ctf_integer(s32, tid, (st)->vtid)

LTTNG_TRACEPOINT_EVENT(crosslat_span_annotate,
	TP_PROTO(const struct span_thread *st, u64 end_ns, u32 status),
	TP_ARGS(st, end_ns, status),
	TP_FIELDS(
		CROSSLAT_LTTNG_SPAN_ID_FIELDS(st)
		ctf_array_hex(u8, parent_span_id, st->id.parent_span_id,
			      CROSSLAT_SPAN_SPAN_ID_LEN)
		ctf_string(name, st->id.name)
		ctf_string(service, st->id.service)
		ctf_integer(s32, pid, st->pid)
		ctf_integer(u8, status, status)
		ctf_integer(u64, start_ns, st->start_ns)
		ctf_integer(u64, duration_ns, end_ns - st->start_ns)
		ctf_integer(u64, threshold_ns, st->threshold_ns)
		ctf_integer(u64, oncpu_ns, st->oncpu_ns)
		ctf_integer(u64, blocked_ns, st->blocked_ns)
		ctf_integer(u64, runq_ns, st->runq_ns)
		ctf_integer(u64, preempt_ns, st->preempt_ns)
		ctf_integer(u32, blocks, st->blocks)
		ctf_integer(u32, preemptions, st->preemptions)
		ctf_integer(u32, wakeups, st->wakeups)
		ctf_integer(u32, syscalls, st->syscalls)
		ctf_integer(u64, syscall_ns, st->syscall_ns)
		ctf_integer(u32, syscalls_listed, st->n_rec)
		ctf_integer(u32, syscalls_unrecorded, st->unrecorded)
		ctf_integer(u64, pre_runq_ns, st->pre_runq_ns)
	)
)

LTTNG_TRACEPOINT_EVENT(crosslat_span_syscall,
	TP_PROTO(const struct span_thread *st, const struct span_syscall *sc),
	TP_ARGS(st, sc),
	TP_FIELDS(
		CROSSLAT_LTTNG_SPAN_ID_FIELDS(st)
		ctf_integer(u32, nr, sc->nr)
		ctf_integer(u64, start_ns, sc->start_ns)
		ctf_integer(u64, duration_ns, sc->duration_ns)
		ctf_integer(u64, offcpu_ns, sc->offcpu_ns)
		ctf_integer(u64, arg, sc->arg)
		ctf_integer(s64, ret, sc->ret)
	)
)

LTTNG_TRACEPOINT_EVENT(crosslat_span_stack,
	TP_PROTO(const struct span_thread *st, const struct span_stack *s, u8 kernel),
	TP_ARGS(st, s, kernel),
	TP_FIELDS(
		CROSSLAT_LTTNG_SPAN_ID_FIELDS(st)
		ctf_integer(u8, kernel, kernel)
		ctf_integer(s32, syscall_nr, s->syscall_nr)
		ctf_integer(u64, start_ns, s->start_ns)
		ctf_integer(u64, blocked_ns, s->blocked_ns)
		ctf_sequence_hex(u64, ips, kernel ? s->kernel : s->user, u8,
				 kernel ? s->n_kernel : s->n_user)
	)
)

#endif /* _CROSSLAT_LTTNG_SPAN_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_span
#include <lttng/define_trace.h>
