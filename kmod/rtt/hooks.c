// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netfilter hooks of crosslat_rtt, in every network namespace: LOCAL_OUT sees what the
 * namespace's sockets send (before GSO splits it), LOCAL_IN what they receive (after GRO
 * merged it), IPv4 and IPv6. Both run after destination NAT and before the reply's source
 * NAT is undone, so one connection has the same tuple both ways. Each TCP segment's headers
 * are read by skb_parse.c and handed to the portable tracker (core/rtt_track.c) under its
 * flow's lock.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <net/net_namespace.h>
#include "core/layer_arm.h"
#include "core/pkt_parse.h"
#include "arm.h"
#include "skb_parse.h"
#include "crosslat_rtt_trace.h"
#include "rtt.h"

static atomic_t hooked_netns = ATOMIC_INIT(0);

unsigned int rtt_hooks_netns(void)
{
	return atomic_read(&hooked_netns);
}

/* Events to emit once the flow lock is dropped. */
struct rtt_pending {
	u32 ev;
	bool report;		/* rep is filled */
	bool alert, crossing, close, reuse, sample;
	u32 suppressed;
	u32 ack_seq, acked;	/* of the sampled ACK */
	u64 rtt_ns, srtt_ns;
	struct crosslat_rtt_report rep;
};

static void flow_start(struct rtt_flow_val *v, const struct crosslat_flow *f, struct net *net,
		       u64 now)
{
	crosslat_rtt_flow_init(&v->rtt, now);
	v->thresh_ns = 0;
	v->thresh_gen = 0;
	v->last_alert_ns = 0;
	v->alerts = 0;
	v->reported_pkts = 0;
	v->suppressed = 0;
	v->sample_ctr = 0;
	v->above = 0;
	v->has_syn = 0;
	v->fin_out = 0;
	v->fin_in = 0;
	v->closed = 0;
	v->netns_inum = net->ns.inum;
	WRITE_ONCE(v->arm_until_ns, rtt_arm_deadline(f, v->netns_inum));
	v->inited = 1;
}

/* Alert decision after an RTT sample moved the smoothed RTT. Under the flow lock. */
static void check_threshold(const struct crosslat_flow *f, struct rtt_flow_val *v, u64 now,
			    struct rtt_pending *p)
{
	u64 srtt = v->rtt.rtt.avg_ns;
	u64 interval = (u64)READ_ONCE(crosslat_rtt_alert_interval_ms) * NSEC_PER_MSEC;
	u32 gen = rtt_thresh_gen();
	bool crossing;

	if (unlikely(v->thresh_gen != gen)) {
		struct crosslat_thresh_flow tf = {
			.netns_inum = v->netns_inum,
			.family = f->key.family,
			.lport = ntohs(f->key.lport),
			.rport = ntohs(f->key.rport),
		};

		memcpy(tf.raddr, f->key.raddr, sizeof(tf.raddr));
		v->thresh_ns = rtt_thresh_lookup(&tf, &v->thresh_gen);
	}
	if (!v->thresh_ns || srtt <= v->thresh_ns) {
		v->above = 0;
		return;
	}
	crossing = !v->above;
	v->above = 1;
	if (v->last_alert_ns && now - v->last_alert_ns < interval) {
		if (crossing) {
			v->suppressed++;
			rtt_count(CROSSLAT_STAT_RTT_ALERTS_SUPPRESSED);
		}
		return;
	}
	v->last_alert_ns = now;
	v->alerts++;
	rtt_arm_on_alert(f, v, now);
	p->alert = true;
	p->crossing = crossing;
	p->suppressed = v->suppressed;
	v->suppressed = 0;
}

/* Accounts one parsed TCP segment on its flow. Under the flow lock. */
static void flow_update(struct crosslat_flow *f, struct rtt_flow_val *v, struct net *net,
			const struct crosslat_pkt *pkt, bool egress, u64 now,
			struct rtt_pending *p)
{
	struct crosslat_rtt_result res;
	u8 flags = pkt->tcp.flags;
	unsigned int n;

	if (unlikely(!v->inited)) {
		flow_start(v, f, net, now);
	} else if (unlikely((flags & (CROSSLAT_TCP_FLAG_SYN | CROSSLAT_TCP_FLAG_ACK)) ==
			    CROSSLAT_TCP_FLAG_SYN) &&
		   (!v->has_syn || v->syn_seq != pkt->tcp.seq)) {
		/* A new connection on a known tuple: report the old one, start over. */
		if (v->rtt.pkts_in + v->rtt.pkts_out != v->reported_pkts &&
		    trace_crosslat_rtt_flow_stats_enabled()) {
			rtt_report_fill(f, v, &p->rep);
			p->report = true;
			p->reuse = true;
		}
		flow_start(v, f, net, now);
	}
	if ((flags & (CROSSLAT_TCP_FLAG_SYN | CROSSLAT_TCP_FLAG_ACK)) == CROSSLAT_TCP_FLAG_SYN) {
		v->has_syn = 1;
		v->syn_seq = pkt->tcp.seq;
	}

	if (egress)
		p->ev = crosslat_rtt_on_egress(&v->rtt, pkt, now, &res);
	else
		p->ev = crosslat_rtt_on_ingress(&v->rtt, pkt, now, &res);

	if (p->ev & CROSSLAT_RTT_EV_SAMPLE) {
		check_threshold(f, v, now, p);
		n = READ_ONCE(crosslat_rtt_sample_every);
		if (n && ++v->sample_ctr >= n && trace_crosslat_rtt_sample_enabled()) {
			v->sample_ctr = 0;
			p->sample = true;
			p->rtt_ns = res.rtt_ns;
			p->srtt_ns = v->rtt.rtt.avg_ns;
			p->ack_seq = pkt->tcp.ack_seq;
			p->acked = res.acked;
		}
		if (p->alert)
			p->rtt_ns = res.rtt_ns;
	}

	if (flags & (CROSSLAT_TCP_FLAG_FIN | CROSSLAT_TCP_FLAG_RST)) {
		if (flags & CROSSLAT_TCP_FLAG_FIN) {
			if (egress)
				v->fin_out = 1;
			else
				v->fin_in = 1;
		}
		if (!v->closed &&
		    ((flags & CROSSLAT_TCP_FLAG_RST) || (v->fin_out && v->fin_in))) {
			v->closed = 1;
			crosslat_flow_set_done(f);
			p->close = true;
		}
	}
	/*
	 * A full snapshot for the events that carry one, unless a reuse report already took
	 * it; a sample event needs only the tuple.
	 */
	if (!p->report && (p->alert || (p->close && trace_crosslat_rtt_flow_stats_enabled()))) {
		rtt_report_fill(f, v, &p->rep);
		p->report = true;
		if (p->close)
			v->reported_pkts = v->rtt.pkts_in + v->rtt.pkts_out;
	} else if (p->sample && !p->report) {
		rtt_tuple_fill(f, v, &p->rep.t);
	}
}

static void emit_pending(struct rtt_pending *p)
{
	if (p->ev & CROSSLAT_RTT_EV_SAMPLE)
		rtt_count(CROSSLAT_STAT_RTT_SAMPLES);
	if (p->ev & CROSSLAT_RTT_EV_RETRANS)
		rtt_count(CROSSLAT_STAT_RTT_RETRANS);
	if (p->sample)
		trace_crosslat_rtt_sample(&p->rep.t, p->rtt_ns, p->srtt_ns, p->ack_seq,
					  p->acked);
	if (!p->report)
		return;
	if (p->reuse)
		rtt_report_emit(&p->rep, CROSSLAT_RTT_REPORT_REUSE);
	if (p->alert) {
		trace_crosslat_rtt_alert(&p->rep, p->rtt_ns, p->crossing, p->suppressed);
		rtt_count(CROSSLAT_STAT_RTT_ALERTS);
	}
	if (p->close && !p->reuse)
		rtt_report_emit(&p->rep, CROSSLAT_RTT_REPORT_CLOSE);
}

static void rtt_packet(struct sk_buff *skb, const struct nf_hook_state *state, bool egress)
{
	struct net *net = state->net;
	/* Each is written before it is read: no need for the compiler's stack zeroing. */
	struct crosslat_flow_key key __uninitialized;
	struct crosslat_pkt pkt __uninitialized;
	struct rtt_pending p __uninitialized;
	struct crosslat_flow *f;
	struct rtt_flow_val *v;
	int err;
	u64 now;

	err = rtt_skb_parse(skb, state->pf, &pkt);
	if (err) {
		if (err < 0)
			rtt_count(CROSSLAT_STAT_RTT_PARSE_ERRORS);
		return;
	}

	rtt_skb_flow_key(&key, net, &pkt, egress);
	now = ktime_get_ns();
	/* Netfilter hooks run inside rcu_read_lock(). */
	f = crosslat_flow_lookup_or_create(crosslat_rtt_flows, &key, now);
	if (!f)
		return;		/* table full or no memory: counted by the table */
	rtt_count(CROSSLAT_STAT_RTT_PACKETS);
	v = (struct rtt_flow_val *)f->data;
	p.ev = 0;
	p.report = p.alert = p.close = p.reuse = p.sample = false;
	if (egress) {
		/* LOCAL_OUT may run in process context with BHs enabled. */
		spin_lock_bh(&f->lock);
		flow_update(f, v, net, &pkt, true, now, &p);
		spin_unlock_bh(&f->lock);
	} else {
		/* LOCAL_IN runs in the receive softirq, or with BHs disabled. */
		lockdep_assert_in_softirq();
		spin_lock(&f->lock);
		flow_update(f, v, net, &pkt, false, now, &p);
		spin_unlock(&f->lock);
	}
	emit_pending(&p);
	/* Layer tracing: an unarmed flow costs this check (arm.c). */
	if (unlikely(crosslat_layer_armed(READ_ONCE(v->arm_until_ns), now)))
		rtt_layer_nf(f, v, &pkt, egress);
}

static unsigned int rtt_hook_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	rtt_packet(skb, state, true);
	return NF_ACCEPT;
}

static unsigned int rtt_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	rtt_packet(skb, state, false);
	return NF_ACCEPT;
}

/* After destination NAT (-100) on the way out, before the reply's source NAT (100) on the way in. */
#define RTT_HOOK_PRIORITY	(NF_IP_PRI_FILTER + 1)

static const struct nf_hook_ops rtt_nf_ops[] = {
	{ .hook = rtt_hook_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = RTT_HOOK_PRIORITY },
	{ .hook = rtt_hook_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = RTT_HOOK_PRIORITY },
	{ .hook = rtt_hook_out, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = RTT_HOOK_PRIORITY },
	{ .hook = rtt_hook_in, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = RTT_HOOK_PRIORITY },
};

static int __net_init rtt_net_init(struct net *net)
{
	int err = nf_register_net_hooks(net, rtt_nf_ops, ARRAY_SIZE(rtt_nf_ops));

	if (!err)
		atomic_inc(&hooked_netns);
	return err;
}

static void __net_exit rtt_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, rtt_nf_ops, ARRAY_SIZE(rtt_nf_ops));
	atomic_dec(&hooked_netns);
}

static struct pernet_operations rtt_net_ops = {
	.init = rtt_net_init,
	.exit = rtt_net_exit,
};

int rtt_hooks_init(void)
{
	return register_pernet_subsys(&rtt_net_ops);
}

void rtt_hooks_exit(void)
{
	/* Unregisters the hooks of every namespace; in-flight hook calls finish first. */
	unregister_pernet_subsys(&rtt_net_ops);
}
