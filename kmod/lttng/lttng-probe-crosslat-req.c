// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-probe-crosslat-req.ko: LTTng probes for the crosslat_req tracepoints, so
 * `lttng enable-event -k 'crosslat_req_*'` records them. Attaches by name when
 * crosslat_req.ko is loaded.
 */
#include <linux/module.h>
#include <lttng/tracer.h>

/* The kernel-side declarations, so the compiler checks both prototypes agree. */
#include "req/crosslat_req_trace.h"

#include <wrapper/tracepoint.h>

#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#include "events/crosslat_req.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LTTng probes for the crosslat_req tracepoints");
