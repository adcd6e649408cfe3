// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_span tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_span_trace.h"
