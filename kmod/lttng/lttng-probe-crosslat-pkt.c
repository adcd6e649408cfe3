// SPDX-License-Identifier: GPL-2.0-only
/*
 * lttng-probe-crosslat-pkt.ko: LTTng probes for the crosslat_pkt tracepoints, so
 * `lttng enable-event -k 'crosslat_pkt_*'` records them. Attaches by name when
 * crosslat_pkt.ko is loaded.
 */
#include <linux/module.h>
#include <lttng/tracer.h>

/* The kernel-side declarations, so the compiler checks both prototypes agree. */
#include "pkt/crosslat_pkt_trace.h"

#include <wrapper/tracepoint.h>

#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#include "events/crosslat_pkt.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LTTng probes for the crosslat_pkt tracepoints");
