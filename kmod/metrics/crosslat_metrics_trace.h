/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_metrics.ko (TRACE_SYSTEM crosslat_metrics). Each has a mirror in
 * kmod/lttng/events/crosslat_metrics.h; `make check` verifies the two lists match.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_metrics

#if !defined(_CROSSLAT_METRICS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_METRICS_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include "compat/trace_string.h"
#include "core/log2_hist.h"

/*
 * crosslat_metrics_hist - one histogram of one configured cgroup, every hist_interval_ms
 * @cgroup_id: cgroup v2 id (the inode number of its directory)
 * @hist:      enum crosslat_metrics_hist
 * @name:      its name: runq, fault_minor, fault_major, tcp_retrans, blkio_read, ...
 * @every:     the cgroup's sampling, one event in every
 * @events:    events of the histogram's metric seen since it was enabled, sampled or not
 * @drops:     measurements of that metric lost for want of room
 * @h:         the histogram, every CPU's merged; cumulative since the metric was enabled
 */
TRACE_EVENT(crosslat_metrics_hist,
	TP_PROTO(u64 cgroup_id, unsigned int hist, const char *name, u32 every, u64 events,
		 u64 drops, const struct crosslat_log2_hist *h),
	TP_ARGS(cgroup_id, hist, name, every, events, drops, h),
	TP_STRUCT__entry(
		__field(u64, cgroup_id)
		__field(u8, hist)
		__string(name, name)
		__field(u32, every)
		__field(u64, events)
		__field(u64, drops)
		__field(u64, count)
		__field(u64, sum)
		__field(u64, min)
		__field(u64, max)
		__array(u64, buckets, CROSSLAT_LOG2_BUCKETS)
	),
	TP_fast_assign(
		__entry->cgroup_id = cgroup_id;
		__entry->hist = hist;
		crosslat_assign_str(name, name);
		__entry->every = every;
		__entry->events = events;
		__entry->drops = drops;
		__entry->count = h->count;
		__entry->sum = h->sum;
		__entry->min = h->count ? h->min : 0;
		__entry->max = h->max;
		memcpy(__entry->buckets, h->bucket, sizeof(__entry->buckets));
	),
	TP_printk("cgroup=%llu hist=%s every=%u events=%llu drops=%llu count=%llu sum=%llu min=%llu max=%llu",
		  __entry->cgroup_id, __get_str(name), __entry->every, __entry->events,
		  __entry->drops, __entry->count, __entry->sum, __entry->min, __entry->max)
);

#endif /* _CROSSLAT_METRICS_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_metrics_trace
#include <trace/define_trace.h>
