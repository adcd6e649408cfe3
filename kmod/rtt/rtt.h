/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslat_rtt.ko internals shared by its files. */
#ifndef _CROSSLAT_RTT_H
#define _CROSSLAT_RTT_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/crosslat.h>
#include "core/rtt_track.h"
#include "core/thresh_match.h"
#include "engine/flow_table.h"
#include "rtt_report.h"

/* Tracker state in each flow table entry (crosslat_flow.data), under crosslat_flow.lock. */
struct rtt_flow_val {
	struct crosslat_rtt_flow rtt;
	u64 thresh_ns;		/* threshold of the rule that applies, 0 for none */
	u64 last_alert_ns;	/* 0: never alerted */
	u64 alerts;
	u64 reported_pkts;	/* pkts_in + pkts_out when the last flow_stats event went out */
	u64 arm_until_ns;	/* layer tracing armed until then (arm.c); WRITE_ONCE, READ_ONCE */
	u32 netns_inum;
	u32 thresh_gen;		/* rule set generation thresh_ns was computed for */
	u32 suppressed;		/* crossings held back since the last alert */
	u32 sample_ctr;
	u32 syn_seq;		/* sequence number of the SYN that opened the flow */
	u8 inited;
	u8 above;		/* srtt above thresh_ns at the last sample */
	u8 has_syn;
	u8 fin_out, fin_in;
	u8 closed;
};

/* Module parameters (main.c). */
extern unsigned int crosslat_rtt_sample_every;
extern unsigned int crosslat_rtt_stats_interval_ms;
extern unsigned int crosslat_rtt_alert_interval_ms;

extern struct crosslat_flow_table *crosslat_rtt_flows;

/* Counters of this module: enum crosslat_stat values from CROSSLAT_STAT_RTT_PACKETS on. */
#define RTT_CNT_FIRST	CROSSLAT_STAT_RTT_PACKETS
#define RTT_CNT_NR	(CROSSLAT_STAT_RTT_FLOW_REPORTS - RTT_CNT_FIRST + 1)
struct rtt_counters {
	u64 v[RTT_CNT_NR];
};
extern struct rtt_counters __percpu *crosslat_rtt_counters;

static inline void rtt_count(enum crosslat_stat s)
{
	this_cpu_inc(crosslat_rtt_counters->v[s - RTT_CNT_FIRST]);
}

/* hooks.c: netfilter hooks in every network namespace. */
int rtt_hooks_init(void);
void rtt_hooks_exit(void);
unsigned int rtt_hooks_netns(void);

/* thresholds.c: the rule set, replaced as a whole under RCU. */
u32 rtt_thresh_gen(void);
/* Caller holds rcu_read_lock(). Returns the threshold for f (0: none) and its generation. */
u64 rtt_thresh_lookup(const struct crosslat_thresh_flow *f, u32 *gen);
int rtt_thresh_set(const struct crosslat_thresh_rule *r);
int rtt_thresh_del(const struct crosslat_thresh_rule *r);
void rtt_thresh_flush(void);
/* Copies up to max rules into out; returns how many there are. */
unsigned int rtt_thresh_copy(struct crosslat_thresh_rule *out, unsigned int max);
void rtt_thresh_exit(void);

/* report.c: snapshots and crosslat_rtt_flow_stats events. Under the flow lock. */
void rtt_tuple_fill(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		    struct crosslat_rtt_tuple *t);
void rtt_report_fill(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		     struct crosslat_rtt_report *r);
void rtt_report_emit(const struct crosslat_rtt_report *r, u8 reason);
void rtt_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv);
void rtt_reports_start(void);
void rtt_reports_stop(void);

/* netlink.c: the crosslat family's FLOW_* and THRESH_* commands. */
int rtt_netlink_init(void);
void rtt_netlink_exit(void);

#endif /* _CROSSLAT_RTT_H */
