/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the crosslat engine (TRACE_SYSTEM crosslat). Every event here has a mirror
 * in kmod/lttng/events/crosslat_engine.h so LTTng records it; `make check` verifies the two
 * lists match.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat

#if !defined(_CROSSLAT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_TRACE_H

#include <linux/tracepoint.h>
#include "compat/trace_string.h"

/*
 * crosslat_mark - a marker put into the kernel trace by `crosslatctl mark`.
 * @id:    caller-chosen number (phase, test checkpoint, alignment token)
 * @label: short text, may be empty
 */
TRACE_EVENT(crosslat_mark,
	TP_PROTO(u64 id, const char *label),
	TP_ARGS(id, label),
	TP_STRUCT__entry(
		__field(u64, id)
		__string(label, label)
	),
	TP_fast_assign(
		__entry->id = id;
		crosslat_assign_str(label, label);
	),
	TP_printk("id=%llu label=%s", __entry->id, __get_str(label))
);

#endif /* _CROSSLAT_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_trace
#include <trace/define_trace.h>
