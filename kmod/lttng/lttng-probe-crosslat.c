// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-probe-crosslat.ko: LTTng probes for every crosslat tracepoint, so
 * `lttng enable-event -k 'crosslat_*'` records them. Attaches by name at run time.
 */
#include <linux/module.h>
#include <lttng/tracer.h>

/* The kernel-side declarations, so the compiler checks both prototypes agree. */
#include "engine/crosslat_trace.h"

#include <wrapper/tracepoint.h>

#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#include "events/crosslat_engine.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LTTng probes for the crosslat tracepoints");
