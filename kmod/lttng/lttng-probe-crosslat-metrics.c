// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-probe-crosslat-metrics.ko: LTTng probes for the crosslat_metrics tracepoints, so
 * `lttng enable-event -k crosslat_metrics_hist` records them. Attaches by name when
 * crosslat_metrics.ko is loaded.
 */
#include <linux/module.h>
#include <lttng/tracer.h>

/* The kernel-side declarations, so the compiler checks both prototypes agree. */
#include "metrics/crosslat_metrics_trace.h"

#include <wrapper/tracepoint.h>

#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#include "events/crosslat_metrics.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LTTng probes for the crosslat_metrics tracepoints");
