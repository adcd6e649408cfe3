/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * crosslat_span.ko's character device, /dev/crosslat_span: an application (through
 * libcrosslat-span) tells the kernel which span each of its threads is in, so that the
 * kernel can account the thread's system calls, off-CPU and runqueue-wait time to it and,
 * when the span ends above its latency threshold, emit annotation events
 * (crosslat_span_annotate, crosslat_span_syscall, crosslat_span_stack).
 *
 * Any user may open the device. A process may open and end spans only for its own threads
 * (tid 0 = the calling thread; another tid must belong to the caller's thread group, else
 * -EPERM; a tid that does not exist gives -ESRCH). A thread is in at most one span.
 *
 *   CROSSLAT_SPAN_IOC_BEGIN  struct crosslat_span_begin (in)
 *	-EBUSY   the thread is already in a span
 *	-EINVAL  flags set, all-zero trace or span id, name or service not NUL-terminated
 *	-EDQUOT  the process has max_spans_per_process spans open
 *	-ENOSPC  max_spans spans are open system-wide
 *   CROSSLAT_SPAN_IOC_END    struct crosslat_span_end (in: tid, span_id, status; out: the
 *			      rest)
 *	-ENOENT  the thread is in no span, or in another one than span_id
 *
 * A thread that exits inside a span ends it (counted, no annotation). Ending a span the
 * kernel no longer tracks is harmless: -ENOENT.
 */
#ifndef _UAPI_LINUX_CROSSLAT_SPAN_H
#define _UAPI_LINUX_CROSSLAT_SPAN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define CROSSLAT_SPAN_DEVICE		"/dev/crosslat_span"

/* Longest span name and service name, terminating NUL included. */
#define CROSSLAT_SPAN_NAME_MAX		32
#define CROSSLAT_SPAN_SERVICE_MAX	32

/* W3C trace context sizes (bytes). */
#define CROSSLAT_SPAN_TRACE_ID_LEN	16
#define CROSSLAT_SPAN_SPAN_ID_LEN	8

struct crosslat_span_begin {
	__u32 tid;		/* 0: the calling thread */
	__u32 flags;		/* none defined: 0 */
	__u8 trace_id[CROSSLAT_SPAN_TRACE_ID_LEN];
	__u8 span_id[CROSSLAT_SPAN_SPAN_ID_LEN];
	__u8 parent_span_id[CROSSLAT_SPAN_SPAN_ID_LEN];	/* all zero: a root span */
	char name[CROSSLAT_SPAN_NAME_MAX];		/* e.g. "GET /api/items" */
	char service[CROSSLAT_SPAN_SERVICE_MAX];	/* selects the per-service threshold */
};

/* OTLP status codes. */
enum crosslat_span_status {
	CROSSLAT_SPAN_STATUS_UNSET,
	CROSSLAT_SPAN_STATUS_OK,
	CROSSLAT_SPAN_STATUS_ERROR,
};

struct crosslat_span_end {
	__u32 tid;		/* in: 0 = the calling thread */
	__u32 status;		/* in: enum crosslat_span_status */
	__u8 span_id[CROSSLAT_SPAN_SPAN_ID_LEN];	/* in: the span being ended */
	__u64 duration_ns;	/* out: CLOCK_MONOTONIC, begin to end */
	__u64 threshold_ns;	/* out: the threshold the span was held to */
	__u32 annotated;	/* out: 1 if it crossed the threshold: events emitted */
	__u32 syscalls;		/* out: system calls the thread made inside the span */
};

#define CROSSLAT_SPAN_IOC_MAGIC		0xC5
#define CROSSLAT_SPAN_IOC_BEGIN		_IOW(CROSSLAT_SPAN_IOC_MAGIC, 1, struct crosslat_span_begin)
#define CROSSLAT_SPAN_IOC_END		_IOWR(CROSSLAT_SPAN_IOC_MAGIC, 2, struct crosslat_span_end)

#endif /* _UAPI_LINUX_CROSSLAT_SPAN_H */
