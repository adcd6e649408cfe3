/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/engine/crosslat_trace.h: one LTTNG_TRACEPOINT_EVENT per TRACE_EVENT,
 * same name, same prototype, fields named as in the TRACE_EVENT.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat

#if !defined(_CROSSLAT_LTTNG_ENGINE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_ENGINE_H

#include <lttng/tracepoint-event.h>

LTTNG_TRACEPOINT_EVENT(crosslat_mark,
	TP_PROTO(u64 id, const char *label),
	TP_ARGS(id, label),
	TP_FIELDS(
		ctf_integer(u64, id, id)
		ctf_string(label, label)
	)
)

#endif /* _CROSSLAT_LTTNG_ENGINE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_engine
#include <lttng/define_trace.h>
