/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-flow table of a trace set, built from crosslat_rtt_flow_stats (a flow's figures,
 * periodically and when it ends) and crosslat_rtt_alert (its smoothed RTT crossed its
 * threshold) events, and the list of those alerts.
 */
#ifndef _CROSSLAT_FLOWS_H
#define _CROSSLAT_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_FLOW_STATS	"crosslat_rtt_flow_stats"
#define CROSSLAT_EV_ALERT	"crosslat_rtt_alert"

/* A TCP flow as the RTT monitor keys it, within one trace. */
struct crosslat_flow_key {
	uint64_t netns_cookie;
	uint32_t trace;		/* crosslat_record.trace: cookies are only unique per boot */
	uint8_t family;		/* 4 or 6 */
	uint16_t lport, rport;
	uint8_t laddr[16];	/* IPv6, IPv4 as IPv4-mapped (::ffff:a.b.c.d) */
	uint8_t raddr[16];
};

/*
 * Reads the flow tuple every crosslat_rtt event starts with (netns_cookie, family, ports,
 * addresses; netns_inum into *netns_inum, 0 without); -EINVAL if it is unusable.
 */
int crosslat_flow_key_read(const struct crosslat_record *r, struct crosslat_flow_key *k,
			   uint32_t *netns_inum);
bool crosslat_flow_key_equal(const struct crosslat_flow_key *a,
			     const struct crosslat_flow_key *b);
uint32_t crosslat_flow_key_hash(const struct crosslat_flow_key *k);

/* crosslat_flow.present */
enum {
	CROSSLAT_FLOW_STATS	= 1 << 0,	/* at least one crosslat_rtt_flow_stats */
	CROSSLAT_FLOW_RTT	= 1 << 1,	/* srtt_ns etc. hold a sample (rtt_samples > 0) */
	CROSSLAT_FLOW_APP	= 1 << 2,	/* app_* hold a think-time sample */
	CROSSLAT_FLOW_THRESH	= 1 << 3,	/* thresh_ns applies to the flow */
};

/*
 * One incarnation of a flow: the figures of its latest crosslat_rtt_flow_stats (they are
 * cumulative), or, before any, what its alerts said (srtt_ns, rtt_samples, retrans_segs,
 * thresh_ns). A flow_stats event whose first_ns differs from the flow's starts a new
 * incarnation (the kernel evicted or restarted the tuple); alerts go to the latest one.
 */
/* A flow's smoothed RTT at one time of the trace. */
struct crosslat_rtt_point {
	int64_t ts_ns;
	uint64_t srtt_ns;
};

struct crosslat_flow {
	struct crosslat_flow_key key;
	uint32_t netns_inum;
	unsigned int present;	/* CROSSLAT_FLOW_* */
	uint64_t first_ns, last_ns;	/* kernel CLOCK_MONOTONIC of its first and last packet */
	uint64_t srtt_ns, rtt_min_ns, rtt_max_ns, rtt_last_ns, rtt_samples;
	uint64_t app_avg_ns, app_max_ns, app_samples;
	uint64_t bytes_out, bytes_in, pkts_out, pkts_in;
	uint64_t retrans_segs, retrans_bytes;
	uint64_t throughput_out, throughput_in;
	uint64_t thresh_ns;
	uint64_t alerts;	/* the kernel's count (flow_stats), or alert_events before any */
	uint8_t reason;		/* of the latest flow_stats: enum crosslat_rtt_report_reason */
	bool closed;
	uint64_t stats_events, alert_events;	/* events of this incarnation in the trace */
	int64_t ev_first_ns, ev_last_ns;	/* trace time of its first and last event */
	bool ev_timed;				/* ev_* are set */
	/* its smoothed RTT over time: every timed flow_stats (with samples) and alert */
	struct crosslat_rtt_point *rtt;
	size_t nr_rtt, cap_rtt;
};

/* One crosslat_rtt_alert. */
struct crosslat_alert {
	struct crosslat_flow_key key;
	uint32_t netns_inum;
	int64_t ts_ns;		/* trace time (has_ts) */
	bool has_ts;
	bool crossing;		/* srtt_ns was at or below the threshold before this sample */
	uint32_t suppressed;	/* crossings held back by the rate limit since the previous */
	uint64_t srtt_ns, rtt_ns, thresh_ns, rtt_samples, retrans_segs;
	size_t flow;		/* its flow in crosslat_flows.v */
};

struct crosslat_flows {
	struct crosslat_flow *v;	/* in order of first appearance */
	size_t nr, cap;
	struct crosslat_alert *alerts;	/* in trace order */
	size_t nr_alerts, cap_alerts;
	uint64_t malformed;	/* flow events without a usable tuple, ignored */
	struct crosslat_index idx;	/* key -> latest incarnation */
};

/* flows --sort: descending except CROSSLAT_FLOW_SORT_TIME (oldest first). */
enum crosslat_flow_sort {
	CROSSLAT_FLOW_SORT_SRTT,
	CROSSLAT_FLOW_SORT_RTT_MAX,
	CROSSLAT_FLOW_SORT_BYTES,
	CROSSLAT_FLOW_SORT_RETRANS,
	CROSSLAT_FLOW_SORT_ALERTS,
	CROSSLAT_FLOW_SORT_TIME,
	CROSSLAT_FLOW_SORT_NR,
};

extern const char *const crosslat_flow_sort_names[CROSSLAT_FLOW_SORT_NR];

void crosslat_flows_init(struct crosslat_flows *ft);
void crosslat_flows_uninit(struct crosslat_flows *ft);

/*
 * Takes r into the table when it is a crosslat_rtt_flow_stats or crosslat_rtt_alert.
 * Returns 1 when it was one (counted in ft->malformed if unusable), 0 when it is another
 * event, -ENOMEM.
 */
int crosslat_flows_add(struct crosslat_flows *ft, const struct crosslat_record *r);

/* The latest incarnation of key's flow, or NULL. */
const struct crosslat_flow *crosslat_flows_find(const struct crosslat_flows *ft,
						const struct crosslat_flow_key *key);

/*
 * The flows in the order of key (ties: trace, netns, ports, addresses), in a new array of
 * ft->nr pointers into ft (free() it); NULL when out of memory or ft is empty.
 */
const struct crosslat_flow **crosslat_flows_sorted(const struct crosslat_flows *ft,
						   enum crosslat_flow_sort key);

#endif /* _CROSSLAT_FLOWS_H */
