// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP retransmissions from the tcp:tcp_retransmit_skb tracepoint (a retransmitted skb,
 * sent without error), attributed to the cgroup of the socket (the cgroup of the task that
 * created it, kept in the socket: right also for retransmissions from the timer). Each of
 * the skb's segments is recorded with its flow's smoothed RTT, so a histogram's count is
 * the segments retransmitted, as TcpRetransSegs counts them. SYN-ACKs retransmitted for a
 * listener's pending connection requests (tcp:tcp_retransmit_synack) go to the cgroup of the
 * listener, with the time since the request's first SYN-ACK.
 */
#include <linux/rcupdate.h>
#include <linux/tcp.h>
#include <linux/time64.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "engine/kernel_tp.h"
#include "metrics.h"

static void probe_retransmit(void *data, const struct sock *sk, const struct sk_buff *skb)
{
	struct metrics_cg *cg;
	unsigned int segs;
	u64 srtt_ns;

	rcu_read_lock();
	cg = metrics_cg_of_sk(sk);
	if (!cg || !(READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_TCP_RETRANS)) ||
	    !metrics_sample(cg, CROSSLAT_METRIC_TCP_RETRANS))
		goto out;
	srtt_ns = (u64)(READ_ONCE(tcp_sk(sk)->srtt_us) >> 3) * NSEC_PER_USEC;
	for (segs = tcp_skb_pcount(skb); segs; segs--)
		metrics_record(cg, CROSSLAT_METRICS_HIST_TCP_RETRANS, srtt_ns);
out:
	rcu_read_unlock();
}

static void probe_retransmit_synack(void *data, const struct sock *sk,
				    const struct request_sock *req)
{
	u64 first_us = tcp_rsk(req)->snt_synack, now_us = tcp_clock_us();
	struct metrics_cg *cg;

	rcu_read_lock();
	cg = metrics_cg_of_sk(sk);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_TCP_RETRANS)) &&
	    metrics_sample(cg, CROSSLAT_METRIC_TCP_RETRANS))
		metrics_record(cg, CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS,
			       now_us > first_us ? (now_us - first_us) * NSEC_PER_USEC : 0);
	rcu_read_unlock();
}

static struct crosslat_kernel_tp tcp_probes[] = {
	{ "tcp_retransmit_skb", probe_retransmit },
	{ "tcp_retransmit_synack", probe_retransmit_synack },
};

const unsigned int metrics_tcp_nr_probes = ARRAY_SIZE(tcp_probes);

int metrics_tcp_register(void)
{
	return crosslat_kernel_tp_register(tcp_probes, ARRAY_SIZE(tcp_probes));
}

void metrics_tcp_unregister(void)
{
	crosslat_kernel_tp_unregister(tcp_probes, ARRAY_SIZE(tcp_probes));
}
