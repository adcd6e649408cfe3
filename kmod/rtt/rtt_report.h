/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Snapshots of one RTT-tracked flow, taken under the flow's lock and handed to tracepoints
 * and netlink after it is dropped. Shared with the LTTng probe (kmod/lttng).
 */
#ifndef _CROSSLAT_RTT_REPORT_H
#define _CROSSLAT_RTT_REPORT_H

#include <linux/types.h>
#include "engine/addr16.h"

/* The flow as its namespace sees it: local end first. */
struct crosslat_rtt_tuple {
	u64 netns_cookie;
	u32 netns_inum;
	u8 family;		/* 4 or 6 */
	u8 laddr[16];		/* network order; IPv4 in the first 4 bytes */
	u8 raddr[16];
	u16 lport, rport;	/* host order */
};

/* Why a crosslat_rtt_flow_stats event was emitted. */
enum crosslat_rtt_report_reason {
	CROSSLAT_RTT_REPORT_PERIODIC = 0,	/* the flow saw packets since its last report */
	CROSSLAT_RTT_REPORT_CLOSE = 1,		/* FIN both ways, or RST */
	CROSSLAT_RTT_REPORT_EVICT = 2,		/* left the table (idle, LRU or unload) */
	CROSSLAT_RTT_REPORT_REUSE = 3,		/* a new SYN restarted the tuple */
};

struct crosslat_rtt_report {
	struct crosslat_rtt_tuple t;
	u64 first_ns, last_ns;
	u64 srtt_ns, rtt_min_ns, rtt_max_ns, rtt_last_ns, rtt_samples;
	u64 app_avg_ns, app_max_ns, app_samples;
	u64 bytes_out, bytes_in, pkts_out, pkts_in;
	u64 retrans_segs, retrans_bytes, karn_skipped;
	u64 throughput_out, throughput_in;	/* payload bytes per second */
	u64 thresh_ns;				/* 0: no threshold applies */
	u64 alerts;
	bool closed;
};

#endif /* _CROSSLAT_RTT_REPORT_H */
