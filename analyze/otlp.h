/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The spans as OTLP/JSON traces in the file format of the OpenTelemetry Collector's file
 * exporter (and otlpjsonfile receiver): one ExportTraceServiceRequest,
 * {"resourceSpans":[...]}, per line. A resource per host and service (service.name,
 * host.name), one scope "crosslat"; each span's listed system calls become child spans
 * and its stacks span events.
 */
#ifndef _CROSSLAT_OTLP_H
#define _CROSSLAT_OTLP_H

#include <stdint.h>
#include <stdio.h>

struct crosslat_kallsyms;
struct crosslat_spans;

/* Spans per line (request). */
#define CROSSLAT_OTLP_BATCH	256

/* OTLP SpanKind. */
enum {
	CROSSLAT_OTLP_KIND_INTERNAL	= 1,
	CROSSLAT_OTLP_KIND_SERVER	= 2,
};

struct crosslat_otlp_stats {
	uint64_t spans;		/* written, system calls not included */
	uint64_t syscalls;	/* child spans written */
	uint64_t stacks;	/* span events written */
	uint64_t untimed;	/* spans without any time, not written */
	uint64_t not_epoch;	/* spans written with times that are not Unix time */
	uint64_t lines;
};

/*
 * The span kind of a span named name: SERVER for "METHOD /path" (an upper-case token, a
 * space, then '/' or '*': how libcrosslat-span-preload names the requests it serves),
 * INTERNAL for any other name.
 */
int crosslat_otlp_kind(const char *name);

/*
 * The 8-byte id of the child span for system call number index of the span with these
 * ids: a hash of them, never all zero.
 */
void crosslat_otlp_child_id(const uint8_t *trace_id, const uint8_t *span_id, uint32_t index,
			    uint8_t *out);

/*
 * Writes every span of sp that has a time to f, in order of first appearance, kernel
 * addresses of stacks also as symbols when ks is not NULL. Returns 0 or -EIO (f failed).
 */
int crosslat_otlp_write(FILE *f, const struct crosslat_spans *sp,
			const struct crosslat_kallsyms *ks, struct crosslat_otlp_stats *st);

#endif /* _CROSSLAT_OTLP_H */
