/* SPDX-License-Identifier: GPL-2.0-only */
/* lttng-ust 2.13 tracepoint provider "crosslat_ust": userspace events of crosslat. */

/*
 * Events (provider crosslat_ust)
 *   mark	id (u64), label (string)
 *		A named marker, the userspace twin of the kernel crosslat_mark
 *		tracepoint: emit both with the same id to align kernel and UST traces.
 *
 * Usage: include this header and call
 *	lttng_ust_tracepoint(crosslat_ust, mark, id, label);
 * The probes and the tracepoint definitions live in ust_crosslat.c, built as
 * libcrosslat-ust.so (link it, or LD_PRELOAD it) and as ust_crosslat.o (link it
 * statically). Do not define LTTNG_UST_TRACEPOINT_DEFINE in your own code.
 *
 *   span_begin	trace_id (u8[16]), span_id (u8[8]), parent_span_id (u8[8], all zero for
 *		a root span), name (string), service (string), kernel (s32)
 *		A span began on the emitting thread (libcrosslat-span, crosslat_span.h).
 *		kernel: 1 crosslat_span.ko tracks the span, 0 it does not (no
 *		/dev/crosslat_span, or it could not be opened), -errno the device refused
 *		it (e.g. -16 EBUSY: the thread is already in a span).
 *   span_end	trace_id (u8[16]), span_id (u8[8]), status (u8: OTLP 0 unset, 1 ok,
 *		2 error), duration_ns (u64, CLOCK_MONOTONIC; the kernel's when it tracked
 *		the span), kernel (s32, as in span_begin, for the end: -2 ENOENT when
 *		the kernel had already ended it), annotated (u8: 1 if the kernel emitted
 *		annotation events for the span), syscalls (u32: system calls the thread
 *		made inside the span, 0 without the kernel)
 *		Emitted by the thread that ends the span, which may differ from the one
 *		that began it (join on span_id; span_begin's vtid context is the span's
 *		thread).
 *
 * New events go below, one LTTNG_UST_TRACEPOINT_EVENT each, named <noun>[_<verb>]
 * (e.g. span_begin); never change the fields of a published event, add a new one.
 */

#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER crosslat_ust

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./ust_crosslat.h"

#if !defined(_CROSSLAT_UST_CROSSLAT_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define _CROSSLAT_UST_CROSSLAT_H

#include <stdint.h>
#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(
	crosslat_ust,
	mark,
	LTTNG_UST_TP_ARGS(
		uint64_t, id,
		const char *, label
	),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, id, id)
		lttng_ust_field_string(label, label)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(
	crosslat_ust,
	span_begin,
	LTTNG_UST_TP_ARGS(
		const uint8_t *, trace_id,
		const uint8_t *, span_id,
		const uint8_t *, parent_span_id,
		const char *, name,
		const char *, service,
		int32_t, kernel
	),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_array_hex(uint8_t, trace_id, trace_id, 16)
		lttng_ust_field_array_hex(uint8_t, span_id, span_id, 8)
		lttng_ust_field_array_hex(uint8_t, parent_span_id, parent_span_id, 8)
		lttng_ust_field_string(name, name)
		lttng_ust_field_string(service, service)
		lttng_ust_field_integer(int32_t, kernel, kernel)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(
	crosslat_ust,
	span_end,
	LTTNG_UST_TP_ARGS(
		const uint8_t *, trace_id,
		const uint8_t *, span_id,
		uint8_t, status,
		uint64_t, duration_ns,
		int32_t, kernel,
		uint8_t, annotated,
		uint32_t, syscalls
	),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_array_hex(uint8_t, trace_id, trace_id, 16)
		lttng_ust_field_array_hex(uint8_t, span_id, span_id, 8)
		lttng_ust_field_integer(uint8_t, status, status)
		lttng_ust_field_integer(uint64_t, duration_ns, duration_ns)
		lttng_ust_field_integer(int32_t, kernel, kernel)
		lttng_ust_field_integer(uint8_t, annotated, annotated)
		lttng_ust_field_integer(uint32_t, syscalls, syscalls)
	)
)

#endif /* _CROSSLAT_UST_CROSSLAT_H */

#include <lttng/tracepoint-event.h>
