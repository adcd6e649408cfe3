/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_span.ko (TRACE_SYSTEM crosslat_span): the annotation of a span
 * that ended above its threshold. Each has a mirror in kmod/lttng/events/crosslat_span.h.
 * One span's events share trace_id and span_id; times are CLOCK_MONOTONIC nanoseconds.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_span

#if !defined(_CROSSLAT_SPAN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_SPAN_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include "span/span.h"

#define CROSSLAT_SPAN_ID_ASSIGN(st)						\
	do {									\
		memcpy(__entry->trace_id, (st)->id.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN); \
		memcpy(__entry->span_id, (st)->id.span_id, CROSSLAT_SPAN_SPAN_ID_LEN);	\
		__entry->tid = (st)->vtid;					\
	} while (0)

/*
 * crosslat_span_annotate - a span ended above its threshold; its totals. on-CPU + blocked +
 * runqueue wait = the duration (preempt_ns is the part of the wait after preemptions).
 * syscalls_listed crosslat_span_syscall events follow (the longest calls), then up to two
 * crosslat_span_stack events (kernel and user) of its longest block. pre_runq_ns: the
 * thread's runqueue wait between its previous span's end and this one's begin (a server
 * thread waiting for a CPU to read the request it was woken for), U64_MAX when unknown.
 */
TRACE_EVENT(crosslat_span_annotate,
	TP_PROTO(const struct span_thread *st, u64 end_ns, u32 status),
	TP_ARGS(st, end_ns, status),
	TP_STRUCT__entry(
		__array(u8, trace_id, CROSSLAT_SPAN_TRACE_ID_LEN)
		__array(u8, span_id, CROSSLAT_SPAN_SPAN_ID_LEN)
		__field(s32, tid)
		__array(u8, parent_span_id, CROSSLAT_SPAN_SPAN_ID_LEN)
		__array(char, name, CROSSLAT_SPAN_NAME_MAX)
		__array(char, service, CROSSLAT_SPAN_SERVICE_MAX)
		__field(s32, pid)
		__field(u8, status)
		__field(u64, start_ns)
		__field(u64, duration_ns)
		__field(u64, threshold_ns)
		__field(u64, oncpu_ns)
		__field(u64, blocked_ns)
		__field(u64, runq_ns)
		__field(u64, preempt_ns)
		__field(u32, blocks)
		__field(u32, preemptions)
		__field(u32, wakeups)
		__field(u32, syscalls)
		__field(u64, syscall_ns)
		__field(u32, syscalls_listed)
		__field(u32, syscalls_unrecorded)
		__field(u64, pre_runq_ns)
	),
	TP_fast_assign(
		CROSSLAT_SPAN_ID_ASSIGN(st);
		memcpy(__entry->parent_span_id, st->id.parent_span_id, CROSSLAT_SPAN_SPAN_ID_LEN);
		memcpy(__entry->name, st->id.name, CROSSLAT_SPAN_NAME_MAX);
		memcpy(__entry->service, st->id.service, CROSSLAT_SPAN_SERVICE_MAX);
		__entry->pid = st->pid;
		__entry->status = status;
		__entry->start_ns = st->start_ns;
		__entry->duration_ns = end_ns - st->start_ns;
		__entry->threshold_ns = st->threshold_ns;
		__entry->oncpu_ns = st->oncpu_ns;
		__entry->blocked_ns = st->blocked_ns;
		__entry->runq_ns = st->runq_ns;
		__entry->preempt_ns = st->preempt_ns;
		__entry->blocks = st->blocks;
		__entry->preemptions = st->preemptions;
		__entry->wakeups = st->wakeups;
		__entry->syscalls = st->syscalls;
		__entry->syscall_ns = st->syscall_ns;
		__entry->syscalls_listed = st->n_rec;
		__entry->syscalls_unrecorded = st->unrecorded;
		__entry->pre_runq_ns = st->pre_runq_ns;
	),
	TP_printk("trace=%16phN span=%8phN tid=%d %s/%s dur=%llu thresh=%llu oncpu=%llu blocked=%llu runq=%llu syscalls=%u",
		  __entry->trace_id, __entry->span_id, __entry->tid, __entry->service,
		  __entry->name, __entry->duration_ns, __entry->threshold_ns, __entry->oncpu_ns,
		  __entry->blocked_ns, __entry->runq_ns, __entry->syscalls)
);

/* crosslat_span_syscall - one system call of an annotated span (a child span). */
TRACE_EVENT(crosslat_span_syscall,
	TP_PROTO(const struct span_thread *st, const struct span_syscall *sc),
	TP_ARGS(st, sc),
	TP_STRUCT__entry(
		__array(u8, trace_id, CROSSLAT_SPAN_TRACE_ID_LEN)
		__array(u8, span_id, CROSSLAT_SPAN_SPAN_ID_LEN)
		__field(s32, tid)
		__field(u32, nr)
		__field(u64, start_ns)
		__field(u64, duration_ns)
		__field(u64, offcpu_ns)
		__field(u64, arg)
		__field(s64, ret)
	),
	TP_fast_assign(
		CROSSLAT_SPAN_ID_ASSIGN(st);
		__entry->nr = sc->nr;
		__entry->start_ns = sc->start_ns;
		__entry->duration_ns = sc->duration_ns;
		__entry->offcpu_ns = sc->offcpu_ns;
		__entry->arg = sc->arg;
		__entry->ret = sc->ret;
	),
	TP_printk("span=%8phN nr=%u start=%llu dur=%llu offcpu=%llu arg=%llu ret=%lld",
		  __entry->span_id, __entry->nr, __entry->start_ns, __entry->duration_ns,
		  __entry->offcpu_ns, __entry->arg, __entry->ret)
);

/*
 * crosslat_span_stack - the kernel (kernel=1) or user stack where an annotated span's
 * thread blocked longest: its instruction pointers, innermost first.
 */
TRACE_EVENT(crosslat_span_stack,
	TP_PROTO(const struct span_thread *st, const struct span_stack *s, u8 kernel),
	TP_ARGS(st, s, kernel),
	TP_STRUCT__entry(
		__array(u8, trace_id, CROSSLAT_SPAN_TRACE_ID_LEN)
		__array(u8, span_id, CROSSLAT_SPAN_SPAN_ID_LEN)
		__field(s32, tid)
		__field(u8, kernel)
		__field(s32, syscall_nr)
		__field(u64, start_ns)
		__field(u64, blocked_ns)
		__dynamic_array(u64, ips, kernel ? s->n_kernel : s->n_user)
	),
	TP_fast_assign(
		CROSSLAT_SPAN_ID_ASSIGN(st);
		__entry->kernel = kernel;
		__entry->syscall_nr = s->syscall_nr;
		__entry->start_ns = s->start_ns;
		__entry->blocked_ns = s->blocked_ns;
		memcpy(__get_dynamic_array(ips), kernel ? s->kernel : s->user,
		       __get_dynamic_array_len(ips));
	),
	TP_printk("span=%8phN kernel=%u syscall=%d blocked=%llu ips=%s", __entry->span_id,
		  __entry->kernel, __entry->syscall_nr, __entry->blocked_ns,
		  __print_array(__get_dynamic_array(ips), __get_dynamic_array_len(ips) / 8, 8))
);

#endif /* _CROSSLAT_SPAN_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_span_trace
#include <trace/define_trace.h>
