// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS latency from netfilter hooks in every network namespace, IPv4 and IPv6: a query
 * (UDP to port 53, QR 0) leaving one of the namespace's sockets at LOCAL_OUT starts it, for
 * the cgroup of the socket (its creator's, kept in the socket); its answer (UDP from port
 * 53, QR 1) arriving at LOCAL_IN ends it. They are matched by namespace, client address
 * and port, and DNS id, not by server address: an answer may come back from another
 * address (anycast, a service VIP whose NAT is undone after our hook).
 *
 * The pending queries wait in a table keyed by a siphash of that tuple (dns_slots; a
 * query unanswered for DNS_TIMEOUT_NS may give way to a new one, counted as a drop). A
 * query resent before its answer keeps its first time: the wait the application sees.
 *
 * LOCAL_OUT runs before destination NAT and LOCAL_IN after the reply's destination was
 * restored, so both see the client's own address and port. Times are ktime_get_ns(), the
 * network stack's clock, the same on every CPU.
 */
#include <linux/err.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "metrics.h"

#define DNS_PORT	53
/* Past a resolver's retries (glibc: 5 s per try): an answer after this is not awaited. */
#define DNS_TIMEOUT_NS	(10 * NSEC_PER_SEC)
#define DNS_HDR_LEN	12
#define DNS_QR		0x80	/* in the header's third byte: a response */

static struct metrics_pending *queries;
static siphash_key_t tuple_key;

/*
 * The pending table's key of a query: the namespace, the client's address (IPv4 as
 * v4-mapped), port and the DNS id; never 0 (a free entry).
 */
static u64 query_key(const struct net *net, const struct in6_addr *client, __be16 port,
		     u16 id)
{
	u64 a, b, k;

	memcpy(&a, &client->s6_addr[0], sizeof(a));
	memcpy(&b, &client->s6_addr[8], sizeof(b));
	k = siphash_4u64((unsigned long)net, a, b, (u64)ntohs(port) << 16 | id,
			 &tuple_key);
	return k ?: 1;
}

/*
 * The key of skb if it is a DNS query leaving (out) or an answer arriving (!out) over UDP,
 * else 0.
 */
static u64 dns_key(struct sk_buff *skb, const struct nf_hook_state *state, bool out)
{
	/* negative where the IP header was pulled already (IPv6 LOCAL_IN): still in the skb */
	int thoff = skb_network_offset(skb);
	struct in6_addr client;
	struct udphdr _uh;
	const struct udphdr *uh;
	u8 _dh[3];
	const u8 *dh;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP || (iph->frag_off & htons(IP_OFFSET)))
			return 0;
		thoff += iph->ihl * 4;
		ipv6_addr_set_v4mapped(out ? iph->saddr : iph->daddr, &client);
	} else {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);
		u8 nexthdr = ip6->nexthdr;
		__be16 frag_off;
		int off;

		off = ipv6_skip_exthdr(skb, thoff + sizeof(*ip6), &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_UDP || (frag_off & htons(IP6_OFFSET)))
			return 0;
		thoff = off;
		client = out ? ip6->saddr : ip6->daddr;
	}
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh || (out ? uh->dest : uh->source) != htons(DNS_PORT) ||
	    ntohs(uh->len) < sizeof(*uh) + DNS_HDR_LEN)
		return 0;
	dh = skb_header_pointer(skb, thoff + sizeof(*uh), sizeof(_dh), _dh);
	if (!dh || !(dh[2] & DNS_QR) != out)
		return 0;
	return query_key(state->net, &client, out ? uh->source : uh->dest, dh[0] << 8 | dh[1]);
}

static unsigned int dns_hook_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct metrics_pending_entry e;
	struct metrics_cg *cg;
	struct sock *sk = skb->sk;

	if (!sk || !sk_fullsock(sk))
		return NF_ACCEPT;
	e.key = dns_key(skb, state, true);
	if (!e.key)
		return NF_ACCEPT;
	/* from a system call: the per-CPU histograms and counters need this CPU kept */
	preempt_disable();
	rcu_read_lock();
	cg = metrics_cg_of_sk(sk);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_DNS)) &&
	    metrics_sample(cg, CROSSLAT_METRIC_DNS)) {
		e.cg_id = cg->id;
		e.aux = 0;
		e.start_ns = ktime_get_ns();
		metrics_pending_add(queries, cg, &e, false);
	}
	rcu_read_unlock();
	preempt_enable();
	return NF_ACCEPT;
}

static unsigned int dns_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct metrics_pending_entry e;
	struct metrics_cg *cg;
	u64 key = dns_key(skb, state, false), now;

	if (!key || !metrics_pending_take(queries, key, &e))
		return NF_ACCEPT;
	now = ktime_get_ns();
	preempt_disable();
	rcu_read_lock();
	cg = metrics_cg_lookup(e.cg_id);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_DNS)))
		metrics_record(cg, CROSSLAT_METRICS_HIST_DNS, now > e.start_ns ? now - e.start_ns : 0);
	rcu_read_unlock();
	preempt_enable();
	return NF_ACCEPT;
}

/*
 * Out: first, before conntrack and destination NAT (a query to a service VIP is keyed by
 * the client's tuple either way). In: after the filter table, so an answer the firewall
 * drops is not one the client got.
 */
static const struct nf_hook_ops dns_nf_ops[] = {
	{ .hook = dns_hook_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_FIRST },
	{ .hook = dns_hook_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_FILTER + 1 },
	{ .hook = dns_hook_out, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP6_PRI_FIRST },
	{ .hook = dns_hook_in, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_FILTER + 1 },
};

const unsigned int metrics_dns_nr_probes = ARRAY_SIZE(dns_nf_ops);

static int __net_init dns_net_init(struct net *net)
{
	return nf_register_net_hooks(net, dns_nf_ops, ARRAY_SIZE(dns_nf_ops));
}

static void __net_exit dns_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, dns_nf_ops, ARRAY_SIZE(dns_nf_ops));
}

static struct pernet_operations dns_net_ops = {
	.init = dns_net_init,
	.exit = dns_net_exit,
};

int metrics_dns_init(void)
{
	get_random_bytes(&tuple_key, sizeof(tuple_key));
	queries = metrics_pending_create(metrics_dns_slots, DNS_TIMEOUT_NS, CROSSLAT_METRIC_DNS);
	return PTR_ERR_OR_ZERO(queries);
}

void metrics_dns_exit(void)
{
	metrics_pending_destroy(queries);
}

int metrics_dns_register(void)
{
	/* queries left from an earlier registration were answered unseen */
	metrics_pending_clear(queries);
	/* the hooks of every namespace, and of each one created while registered */
	return register_pernet_subsys(&dns_net_ops);
}

void metrics_dns_unregister(void)
{
	/* every namespace's hooks; hook calls in flight finish first */
	unregister_pernet_subsys(&dns_net_ops);
}
