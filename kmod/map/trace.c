// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_map tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_map_trace.h"
