// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_req tracepoints. */
#define CREATE_TRACE_POINTS
#include "crosslat_req_trace.h"
