/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The armed check of layer tracing, the only cost layer tracing adds to an unarmed flow on
 * the RTT path: one compare of the flow's arming deadline with the packet's time. Shared by
 * crosslat_rtt's hooks and probes and by the callgrind harness (tests/bench/rtt_replay.c).
 */
#ifndef _CROSSLAT_LAYER_ARM_H
#define _CROSSLAT_LAYER_ARM_H

#include "core_types.h"

/*
 * True while a flow whose arming ends at until_ns (CLOCK_MONOTONIC; 0: never armed) is
 * armed at now_ns. Expiry needs no action: the flow stops passing this check on its own.
 */
static inline bool crosslat_layer_armed(u64 until_ns, u64 now_ns)
{
	return now_ns < until_ns;
}

#endif /* _CROSSLAT_LAYER_ARM_H */
