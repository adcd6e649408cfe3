// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_rtt tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_rtt_trace.h"
