/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The application spans of a trace set: from lttng-ust crosslat_ust:span_begin and span_end
 * (every span of libcrosslat-span) and from the kernel's crosslat_span_annotate (a span that
 * ended above its threshold) with its crosslat_span_syscall and crosslat_span_stack events,
 * joined on (host, trace id, span id): a host's kernel and UST traces describe its spans
 * together, the same ids on two hosts are two spans.
 */
#ifndef _CROSSLAT_SPANS_H
#define _CROSSLAT_SPANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;
struct crosslat_trace_info;

#define CROSSLAT_EV_SPAN_ANNOTATE	"crosslat_span_annotate"
#define CROSSLAT_EV_SPAN_SYSCALL	"crosslat_span_syscall"
#define CROSSLAT_EV_SPAN_STACK		"crosslat_span_stack"
#define CROSSLAT_EV_SPAN_BEGIN		"crosslat_ust:span_begin"
#define CROSSLAT_EV_SPAN_END		"crosslat_ust:span_end"

#define CROSSLAT_SPAN_TRACE_ID_LEN	16
#define CROSSLAT_SPAN_ID_LEN		8
/* Kept per span, as the kernel lists them (crosslat_span.ko: SPAN_RECORDS, 2 stacks). */
#define CROSSLAT_SPAN_SYSCALLS_MAX	32
#define CROSSLAT_SPAN_STACKS_MAX	2
/* Instruction pointers kept per stack (the kernel records 16). */
#define CROSSLAT_SPAN_STACK_DEPTH	32
/* Names and services are kept up to this many bytes (the kernel's are at most 31). */
#define CROSSLAT_SPAN_NAME_MAX		64

struct crosslat_span_key {
	uint8_t trace_id[CROSSLAT_SPAN_TRACE_ID_LEN];
	uint8_t span_id[CROSSLAT_SPAN_ID_LEN];
	uint32_t host;		/* crosslat_spans_host() of the trace the events came from */
};

/* One crosslat_span_syscall: times are the traced host's CLOCK_MONOTONIC. */
struct crosslat_span_syscall {
	uint64_t start_ns, duration_ns, offcpu_ns;
	uint64_t arg;		/* the first argument: the fd of read, write, fsync, ... */
	int64_t ret;
	uint32_t nr;		/* x86_64 system call number */
};

/* One crosslat_span_stack: where the span's thread blocked longest. */
struct crosslat_span_stack {
	uint64_t start_ns, blocked_ns;
	int32_t syscall_nr;	/* the call in progress, -1: none */
	bool kernel;		/* kernel stack, else user */
	uint32_t depth;		/* ips in the event (up to CROSSLAT_SPAN_STACK_DEPTH kept) */
	uint64_t ips[CROSSLAT_SPAN_STACK_DEPTH];	/* innermost first */
};

/* What the kernel listed of an annotated span (allocated with its annotate event). */
struct crosslat_span_calls {
	struct crosslat_span_syscall sc[CROSSLAT_SPAN_SYSCALLS_MAX];	/* in event order */
	struct crosslat_span_stack st[CROSSLAT_SPAN_STACKS_MAX];
	uint32_t nr_sc, nr_st;
};

/* crosslat_span.present */
enum {
	CROSSLAT_SPAN_KERNEL	= 1 << 0,	/* a crosslat_span_annotate: kernel figures */
	CROSSLAT_SPAN_BEGIN	= 1 << 1,	/* a crosslat_ust:span_begin */
	CROSSLAT_SPAN_END	= 1 << 2,	/* a crosslat_ust:span_end */
	CROSSLAT_SPAN_TID	= 1 << 3,	/* tid is known */
	CROSSLAT_SPAN_PID	= 1 << 4,	/* pid is known */
};

#define CROSSLAT_SPAN_NO_TRACE	UINT32_MAX

struct crosslat_span {
	struct crosslat_span_key key;
	unsigned int present;		/* CROSSLAT_SPAN_* */
	uint32_t ktrace, btrace, etrace;	/* trace of the annotate, begin, end event */
	uint8_t parent_span_id[CROSSLAT_SPAN_ID_LEN];	/* all zero: a root span */
	char name[CROSSLAT_SPAN_NAME_MAX];
	char service[CROSSLAT_SPAN_NAME_MAX];
	int64_t tid, pid;	/* the span's thread (annotate, or span_begin's vtid context) */
	uint8_t status;		/* OTLP 0 unset, 1 ok, 2 error: the annotate's, else span_end's */

	/* crosslat_span_annotate (CROSSLAT_SPAN_KERNEL); CLOCK_MONOTONIC of the host */
	uint64_t start_ns, duration_ns, threshold_ns;
	uint64_t oncpu_ns, blocked_ns, runq_ns, preempt_ns, syscall_ns;
	uint32_t blocks, preemptions, wakeups, syscalls, syscalls_listed, syscalls_unrecorded;
	/*
	 * the thread's runqueue wait between its previous span's end and this one's begin
	 * (e.g. to read the request it was woken for); UINT64_MAX: unknown
	 */
	uint64_t pre_runq_ns;
	uint64_t netns;		/* net_ns context of the annotate (its pod's); 0: unknown */
	struct crosslat_span_calls *calls;	/* with CROSSLAT_SPAN_KERNEL */
	uint32_t calls_dropped;	/* syscall and stack events past the limits, not kept */

	/* crosslat_ust:span_begin and span_end; trace time (has_ts of the events) */
	int64_t begin_ts, end_ts;
	bool has_begin_ts, has_end_ts;
	int32_t begin_kernel, end_kernel;	/* kernel of span_begin, span_end */
	uint64_t end_duration_ns;	/* span_end's duration_ns (CLOCK_MONOTONIC) */
	uint32_t end_syscalls;
	bool end_annotated;	/* span_end said the kernel annotated it */

	uint32_t prev;		/* the previous span with this key in v, or UINT32_MAX */
};

/* crosslat_spans_sorted: descending except CROSSLAT_SPAN_SORT_TIME (oldest first). */
enum crosslat_span_sort {
	CROSSLAT_SPAN_SORT_DURATION,
	CROSSLAT_SPAN_SORT_BLOCKED,
	CROSSLAT_SPAN_SORT_RUNQ,
	CROSSLAT_SPAN_SORT_ONCPU,
	CROSSLAT_SPAN_SORT_TIME,
	CROSSLAT_SPAN_SORT_NR,
};

extern const char *const crosslat_span_sort_names[CROSSLAT_SPAN_SORT_NR];

struct crosslat_spans {
	struct crosslat_span *v;	/* in order of first appearance */
	size_t nr, cap;
	struct crosslat_index idx;	/* key -> the latest span with it */
	const struct crosslat_trace_info *traces;	/* hostnames, clocks; may be NULL */
	size_t nr_traces;
	uint32_t *host_of;		/* per trace: its host, or UINT32_MAX before known */
	uint64_t malformed;	/* span events without usable ids or times, ignored */
	uint64_t orphans;	/* syscall and stack events without their annotate, ignored */
	uint64_t duplicates;	/* an annotate, begin or end for a span that had one */
	uint64_t dropped;	/* syscall and stack events past a span's limits */
};

void crosslat_spans_init(struct crosslat_spans *sp);
void crosslat_spans_uninit(struct crosslat_spans *sp);

/*
 * The traces records come from (record.trace indexes them): their hostnames group them
 * into hosts, their clocks place kernel times. The array must stay valid while sp is used;
 * its hostnames may be filled in as the traces are read. Without it every trace is a host
 * of its own and kernel times stay CLOCK_MONOTONIC. Returns 0 or -ENOMEM.
 */
int crosslat_spans_set_traces(struct crosslat_spans *sp, const struct crosslat_trace_info *t,
			      size_t nr);

/*
 * The host of trace: the first trace seen with its hostname (the same ever after), or
 * trace itself without a hostname.
 */
uint32_t crosslat_spans_host(struct crosslat_spans *sp, uint32_t trace);

/*
 * Takes r when it is a span event. Returns 1 when it was one (counted in sp->malformed,
 * orphans or dropped if not kept), 0 for another event, -ENOMEM.
 */
int crosslat_spans_add(struct crosslat_spans *sp, const struct crosslat_record *r);

/* The latest span with key, or NULL. */
const struct crosslat_span *crosslat_spans_find(const struct crosslat_spans *sp,
						const struct crosslat_span_key *key);

/* Whether the kernel annotated s (it crossed its threshold): its events, or span_end says. */
bool crosslat_span_annotated(const struct crosslat_span *s);

/*
 * s's duration: the kernel's (annotate, else span_end's duration_ns), else the time between
 * its span_begin and span_end events; 0 when unknown.
 */
uint64_t crosslat_span_duration(const struct crosslat_span *s);

/* The syscall s was blocked in longest (largest offcpu_ns, then duration), or NULL. */
const struct crosslat_span_syscall *crosslat_span_top_blocking(const struct crosslat_span *s);

/* Where a span lies in time. */
struct crosslat_span_time {
	int64_t start_ns, end_ns;	/* trace time: ns from the clock's origin */
	bool known;		/* the span has a time at all */
	bool epoch;		/* the origin is the Unix epoch */
	bool monotonic;		/* CLOCK_MONOTONIC times: the clock offset is unknown */
};

/*
 * s's interval in trace time. The kernel's start_ns and duration_ns, moved by its trace's
 * CLOCK_MONOTONIC offset, when both are known; else the span_begin event's time, ended by
 * span_end's duration_ns (or its event time); else, of a kernel span whose trace clock has
 * no known offset, CLOCK_MONOTONIC as is (monotonic true, epoch false).
 */
void crosslat_spans_time(const struct crosslat_spans *sp, const struct crosslat_span *s,
			 struct crosslat_span_time *t);

/* A CLOCK_MONOTONIC time of s's kernel events (start_ns of a syscall) on t's time line. */
int64_t crosslat_span_mono_at(const struct crosslat_span *s, const struct crosslat_span_time *t,
			      uint64_t mono_ns);

/*
 * The spans (only the annotated ones unless all) annotated first, each group in the order
 * of key (ties: start, then span id), in a new array of *nr pointers into sp (free() it).
 * NULL with *nr 0 when there is none; NULL with *nr non-zero when out of memory.
 */
const struct crosslat_span **crosslat_spans_sorted(const struct crosslat_spans *sp,
						   enum crosslat_span_sort key, bool all,
						   size_t *nr);

/* "00ff..." of n bytes into buf (2n + 1 bytes). */
const char *crosslat_span_hex(char *buf, const uint8_t *id, size_t n);

/* Parses 2n hex digits into id; returns 0 or -EINVAL. */
int crosslat_span_parse_hex(const char *s, uint8_t *id, size_t n);

#endif /* _CROSSLAT_SPANS_H */
