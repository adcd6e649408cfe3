/* SPDX-License-Identifier: LGPL-2.1-only */
/* libcrosslat-span: application spans (W3C trace context) traced by lttng-ust and the kernel. */
#ifndef _CROSSLAT_SPAN_H
#define _CROSSLAT_SPAN_H

/*
 * A span is one unit of work of one thread, usually serving one request. Beginning and ending
 * it emit the lttng-ust events crosslat_ust:span_begin and crosslat_ust:span_end
 * (ust_crosslat.h) and, when crosslat_span.ko is loaded, tell the kernel which span the
 * thread is in, so that the thread's system calls, off-CPU and runqueue time are accounted
 * to the span and a span above its service's latency threshold is annotated in the kernel
 * trace. Without the module (no /dev/crosslat_span) spans still emit their lttng-ust events.
 *
 *	struct crosslat_span s;
 *	uint8_t trace_id[16], parent[8];
 *
 *	if (crosslat_traceparent_parse(hdr, hdr_len, trace_id, parent, NULL))
 *		crosslat_span_begin(&s, NULL, NULL, "GET /items", NULL);	   // new trace
 *	else
 *		crosslat_span_begin(&s, trace_id, parent, "GET /items", NULL);
 *	... serve the request ...
 *	crosslat_span_end(&s, status >= 500 ? CROSSLAT_OTLP_ERROR : CROSSLAT_OTLP_UNSET);
 *
 * Link with -lcrosslat-span. Every function is thread-safe; one struct crosslat_span must
 * not be used by two threads at once, but may be ended by another thread of the process
 * than the one that began it (the kernel then ends the span of the beginning thread).
 * A span begun before fork() can be ended in the child only in userspace (the kernel
 * answers -EPERM, recorded in end_kernel). Errors are negative errno values.
 *
 * The library opens /dev/crosslat_span once per process, lazily and O_CLOEXEC, retrying at
 * most once a second while it is absent, and keeps it open (the kernel drops a process's
 * spans when its last descriptor closes); a child of fork() opens its own. Environment:
 *	CROSSLAT_SPAN_SERVICE	default service name (default: the program's name)
 *	CROSSLAT_SPAN_LOG	file to which one JSON line per ended span is appended
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CROSSLAT_TRACE_ID_SIZE		16
#define CROSSLAT_SPAN_ID_SIZE		8
/* Span and service names are truncated to this many bytes, NUL included (kernel maximum). */
#define CROSSLAT_SPAN_NAME_SIZE		32
/* A version-00 traceparent value ("00-<32 hex>-<16 hex>-<2 hex>") and its buffer size. */
#define CROSSLAT_TRACEPARENT_LEN	55
#define CROSSLAT_TRACEPARENT_SIZE	56
/* traceparent flag: the caller recorded the trace (W3C "sampled"). */
#define CROSSLAT_TRACE_FLAG_SAMPLED	0x01

/* OTLP span status codes. */
enum crosslat_otlp_status {
	CROSSLAT_OTLP_UNSET = 0,
	CROSSLAT_OTLP_OK = 1,
	CROSSLAT_OTLP_ERROR = 2,
};

/* One span. Fields are read-only for the application; begin fills them, end the rest. */
struct crosslat_span {
	uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE];
	uint8_t span_id[CROSSLAT_SPAN_ID_SIZE];		/* random, never all zero */
	uint8_t parent_span_id[CROSSLAT_SPAN_ID_SIZE];	/* all zero: a root span */
	char name[CROSSLAT_SPAN_NAME_SIZE];		/* NUL-terminated, truncated */
	char service[CROSSLAT_SPAN_NAME_SIZE];
	uint64_t start_ns;	/* CLOCK_MONOTONIC at begin */
	uint64_t end_ns;	/* CLOCK_MONOTONIC at end, 0 while open */
	uint64_t duration_ns;	/* after end: the kernel's measure when it tracked the span */
	pid_t tid;		/* the thread the span belongs to: the one that began it */
	/*
	 * 1: the kernel tracks the span; 0: no kernel support; -errno: the kernel refused it
	 * (-EBUSY: the thread is in a span already).
	 */
	int32_t begin_kernel;
	/*
	 * After end: 1 the kernel ended it; 0 it did not track it; -errno the kernel's error
	 * (-ENOENT: it had ended the span, e.g. the thread exited).
	 */
	int32_t end_kernel;
	uint32_t syscalls;	/* after end: system calls of the thread in the span */
	uint8_t annotated;	/* after end: 1 if the kernel emitted annotation events */
	uint8_t status;		/* after end: enum crosslat_otlp_status */
	uint16_t reserved;
	uint32_t state;		/* private */
};

/*
 * Begins span @s on the calling thread. @trace_id NULL starts a new trace (random id); else
 * the span joins that trace as a child of @parent_span_id (NULL or all zero: a root span of
 * the trace). @name (e.g. "GET /api/items") and @service (NULL: the default service) are
 * truncated to CROSSLAT_SPAN_NAME_SIZE - 1 bytes at a UTF-8 boundary; control characters
 * and invalid UTF-8 become '?'. The span gets a random span id. Returns 0 once the span has
 * begun, whatever the kernel said (see begin_kernel); -EINVAL for a NULL @s or @name, an
 * all-zero @trace_id or a @parent_span_id without @trace_id; -EIO if no random bytes.
 */
int crosslat_span_begin(struct crosslat_span *s, const uint8_t *trace_id,
			const uint8_t *parent_span_id, const char *name, const char *service);

/*
 * Ends span @s with @status (enum crosslat_otlp_status). Returns 0; -EINVAL if @s is not
 * an open span (never begun, or already ended) or @status is out of range.
 */
int crosslat_span_end(struct crosslat_span *s, int status);

/*
 * Parses a traceparent header value of @len bytes (no surrounding white space). Version 00
 * must be exactly 55 characters; a later version (01 to fe) may be longer if a '-' follows
 * the flags; version ff, uppercase hex and all-zero ids are invalid. @flags may be NULL.
 * Returns 0, or -EINVAL (the outputs are then untouched).
 */
int crosslat_traceparent_parse(const char *value, size_t len,
			       uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE],
			       uint8_t parent_span_id[CROSSLAT_SPAN_ID_SIZE], uint8_t *flags);

/*
 * Writes the version-00 traceparent "00-<trace_id>-<span_id>-<flags>" and a NUL into @out.
 * Returns CROSSLAT_TRACEPARENT_LEN, or -EINVAL for an all-zero id.
 */
int crosslat_traceparent_format(char out[CROSSLAT_TRACEPARENT_SIZE],
				const uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE],
				const uint8_t span_id[CROSSLAT_SPAN_ID_SIZE], uint8_t flags);

/* The traceparent to send with a request made inside span @s (so that @s is its parent). */
int crosslat_span_traceparent(const struct crosslat_span *s, char out[CROSSLAT_TRACEPARENT_SIZE],
			      uint8_t flags);

#ifdef __cplusplus
}
#endif

#endif /* _CROSSLAT_SPAN_H */
