// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the crosslat_ust probes and tracepoint definitions (the one TU that does). */

#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "ust_crosslat.h"
