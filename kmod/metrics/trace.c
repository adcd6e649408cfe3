// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_metrics tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_metrics_trace.h"
