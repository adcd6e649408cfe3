/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crosslat_metrics configuration, portable: metric names and their list syntax, the
 * validity of a cgroup's configuration, the 1-in-N sampling decision.
 */
#ifndef _CROSSLAT_METRICS_CONF_H
#define _CROSSLAT_METRICS_CONF_H

#include "core_types.h"
#include <uapi/linux/crosslat_metrics.h>

/* "runq", "faults", "tcp_retrans", "blkio", "dns", "cpu"; NULL past the last metric. */
const char *crosslat_metrics_name(unsigned int metric);
/*
 * "runq", "fault_minor", "fault_major", "tcp_retrans", "blkio_read", "blkio_write",
 * "blkio_bytes", "dns", "oncpu", "offcpu", "tcp_synack_retrans"; NULL past the last
 * histogram.
 */
const char *crosslat_metrics_hist_name(unsigned int hist);
/* "bytes" for a histogram of sizes (blkio_bytes), "ns" for the others, of times. */
const char *crosslat_metrics_hist_unit(unsigned int hist);
/* The metric a histogram belongs to. */
unsigned int crosslat_metrics_hist_metric(unsigned int hist);

/*
 * crosslat_metrics_parse_list() - a comma-separated list of metric names to a mask
 * @s: len bytes, not NUL-terminated: "runq", "runq,faults", "all"; no empty item, no
 *     spaces, a name at most once
 * Returns 0 and *mask (never 0), or -1.
 */
int crosslat_metrics_parse_list(const char *s, size_t len, u32 *mask);

/* A cgroup's configuration: mask of known metrics (0: none), 1 <= every <= SAMPLE_MAX. */
bool crosslat_metrics_conf_valid(u32 mask, u32 every);

/*
 * Whether the event numbered n (a per-CPU counter incremented once per event, from 1) is
 * measured at one in every: every 1 measures all, every N the multiples of N. Exact over
 * any run of N consecutive numbers (n wrapping at 2^32 shortens one run).
 */
static inline bool crosslat_metrics_sampled(u32 n, u32 every)
{
	return every <= 1 || n % every == 0;
}

#endif /* _CROSSLAT_METRICS_CONF_H */
