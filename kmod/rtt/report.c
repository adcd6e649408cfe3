// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_rtt_flow_stats events: periodically for flows that saw packets since their last
 * report (deferrable work, only while the event is enabled), and a final one when a flow
 * leaves the table, so a trace ends with every flow's last figures.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>
#include "crosslat_rtt_trace.h"
#include "rtt.h"

void rtt_tuple_fill(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		    struct crosslat_rtt_tuple *t)
{
	t->netns_cookie = f->key.netns;
	t->netns_inum = v->netns_inum;
	t->family = f->key.family;
	memcpy(t->laddr, f->key.laddr, sizeof(t->laddr));
	memcpy(t->raddr, f->key.raddr, sizeof(t->raddr));
	t->lport = ntohs(f->key.lport);
	t->rport = ntohs(f->key.rport);
}

void rtt_report_fill(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		     struct crosslat_rtt_report *r)
{
	const struct crosslat_rtt_flow *rf = &v->rtt;

	rtt_tuple_fill(f, v, &r->t);
	r->first_ns = rf->first_seen_ns;
	r->last_ns = rf->last_seen_ns;
	r->srtt_ns = rf->rtt.avg_ns;
	r->rtt_min_ns = rf->rtt.min_ns;
	r->rtt_max_ns = rf->rtt.max_ns;
	r->rtt_last_ns = rf->rtt.last_ns;
	r->rtt_samples = rf->rtt.count;
	r->app_avg_ns = rf->app.avg_ns;
	r->app_max_ns = rf->app.max_ns;
	r->app_samples = rf->app.count;
	r->bytes_out = rf->bytes_out;
	r->bytes_in = rf->bytes_in;
	r->pkts_out = rf->pkts_out;
	r->pkts_in = rf->pkts_in;
	r->retrans_segs = rf->retrans_segs;
	r->retrans_bytes = rf->retrans_bytes;
	r->karn_skipped = rf->karn_skipped;
	r->throughput_out = crosslat_rtt_throughput(rf->bytes_out, rf->first_seen_ns,
						    rf->last_seen_ns);
	r->throughput_in = crosslat_rtt_throughput(rf->bytes_in, rf->first_seen_ns,
						   rf->last_seen_ns);
	r->thresh_ns = v->thresh_ns;
	r->alerts = v->alerts;
	r->closed = v->closed;
}

void rtt_report_emit(const struct crosslat_rtt_report *r, u8 reason)
{
	trace_crosslat_rtt_flow_stats(r, reason);
	rtt_count(CROSSLAT_STAT_RTT_FLOW_REPORTS);
}

/* Snapshot f if it changed since its last report; true if r was filled. */
static bool take_report(struct crosslat_flow *f, struct crosslat_rtt_report *r)
{
	struct rtt_flow_val *v = (struct rtt_flow_val *)f->data;
	bool changed;

	spin_lock_bh(&f->lock);
	changed = v->inited && v->rtt.pkts_in + v->rtt.pkts_out != v->reported_pkts;
	if (changed) {
		rtt_report_fill(f, v, r);
		v->reported_pkts = v->rtt.pkts_in + v->rtt.pkts_out;
	}
	spin_unlock_bh(&f->lock);
	return changed;
}

void rtt_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv)
{
	struct crosslat_rtt_report r;

	/* Packets may still reach f on other CPUs until the RCU grace period: lock it. */
	if (trace_crosslat_rtt_flow_stats_enabled() && take_report(f, &r))
		rtt_report_emit(&r, CROSSLAT_RTT_REPORT_EVICT);
}

static void report_one(struct crosslat_flow *f, void *arg)
{
	struct crosslat_rtt_report r;

	if (take_report(f, &r))
		rtt_report_emit(&r, CROSSLAT_RTT_REPORT_PERIODIC);
}

static void report_work_fn(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(report_work, report_work_fn);
static bool reports_stopping;

static unsigned int report_interval_ms(void)
{
	unsigned int ms = READ_ONCE(crosslat_rtt_stats_interval_ms);

	/* 0 disables periodic reports; look again every second for a new setting. */
	return ms ? ms : MSEC_PER_SEC;
}

static void report_work_fn(struct work_struct *work)
{
	if (READ_ONCE(crosslat_rtt_stats_interval_ms) && trace_crosslat_rtt_flow_stats_enabled())
		crosslat_flow_table_for_each(crosslat_rtt_flows, report_one, NULL);
	if (!READ_ONCE(reports_stopping))
		queue_delayed_work(system_power_efficient_wq, &report_work,
				   msecs_to_jiffies(report_interval_ms()));
}

void rtt_reports_start(void)
{
	WRITE_ONCE(reports_stopping, false);
	queue_delayed_work(system_power_efficient_wq, &report_work,
			   msecs_to_jiffies(report_interval_ms()));
}

void rtt_reports_stop(void)
{
	WRITE_ONCE(reports_stopping, true);
	cancel_delayed_work_sync(&report_work);
}
