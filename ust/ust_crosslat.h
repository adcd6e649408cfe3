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

#endif /* _CROSSLAT_UST_CROSSLAT_H */

#include <lttng/tracepoint-event.h>
