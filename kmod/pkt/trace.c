// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_pkt tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_pkt_trace.h"
