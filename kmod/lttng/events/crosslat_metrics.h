/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/metrics/crosslat_metrics_trace.h: one event per TRACE_EVENT, same
 * name, same prototype, fields named as in the TRACE_EVENT (buckets: the 64 log2 buckets,
 * bucket i holding the values of bit length i).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_metrics

#if !defined(_CROSSLAT_LTTNG_METRICS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_METRICS_H

#include <lttng/tracepoint-event.h>
#include "core/log2_hist.h"

LTTNG_TRACEPOINT_EVENT(crosslat_metrics_hist,
	TP_PROTO(u64 cgroup_id, unsigned int hist, const char *name, u32 every, u64 events,
		 u64 drops, const struct crosslat_log2_hist *h),
	TP_ARGS(cgroup_id, hist, name, every, events, drops, h),
	TP_FIELDS(
		ctf_integer(u64, cgroup_id, cgroup_id)
		ctf_integer(u8, hist, hist)
		ctf_string(name, name)
		ctf_integer(u32, every, every)
		ctf_integer(u64, events, events)
		ctf_integer(u64, drops, drops)
		ctf_integer(u64, count, h->count)
		ctf_integer(u64, sum, h->sum)
		ctf_integer(u64, min, h->count ? h->min : 0)
		ctf_integer(u64, max, h->max)
		ctf_array(u64, buckets, h->bucket, CROSSLAT_LOG2_BUCKETS)
	)
)

#endif /* _CROSSLAT_LTTNG_METRICS_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_metrics
#include <lttng/define_trace.h>
