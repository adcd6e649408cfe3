// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat tracepoints and exports them to the tracker modules. */
#define CREATE_TRACE_POINTS
#include "crosslat_trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(crosslat_mark);
