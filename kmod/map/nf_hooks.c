// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netfilter hooks of crosslat_map, in every network namespace. A tunnel device sends its
 * encapsulated packets through LOCAL_OUT of the namespace it lives in and receives them
 * through LOCAL_IN, so those two hooks see every packet the namespace encapsulates or
 * decapsulates with the outer and the inner headers together: one parse
 * (core/encap_parse.c) gives both tuples, no correlation of separate packets is needed.
 * Everything that is not UDP to a tunnel port or IP-in-IP costs a protocol check.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/ktime.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include "crosslat_map_trace.h"
#include "map.h"

/*
 * Headers are parsed from at most this many bytes at the outer network header: outer IPv6
 * with a few extension headers, UDP, GENEVE with options, inner Ethernet + VLAN, inner IP
 * and TCP with options.
 */
#define MAP_HDR_MAX	256

static atomic_t hooked_netns = ATOMIC_INIT(0);

unsigned int map_hooks_netns(void)
{
	return atomic_read(&hooked_netns);
}

static bool tunnel_port(u16 port)
{
	const struct crosslat_encap_ports *p = &crosslat_map_ports;
	int i;

	for (i = 0; i < CROSSLAT_ENCAP_MAX_PORTS; i++)
		if ((p->vxlan[i] && p->vxlan[i] == port) || (p->geneve[i] && p->geneve[i] == port))
			return true;
	return false;
}

/* Quick filter on the outer headers: IP-in-IP, or UDP to a tunnel port. */
static bool maybe_tunnel(const struct sk_buff *skb, u8 pf)
{
	unsigned int thoff;
	__be16 _dport;
	const __be16 *dport;
	u8 proto;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		proto = iph->protocol;
		if (proto == IPPROTO_IPIP || proto == IPPROTO_IPV6)
			return true;
		if (proto != IPPROTO_UDP || ip_is_fragment(iph))
			return false;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		proto = ip6h->nexthdr;
		if (proto == IPPROTO_IPIP || proto == IPPROTO_IPV6 || ipv6_ext_hdr(proto))
			return true;	/* the parser walks extension headers */
		if (proto != IPPROTO_UDP)
			return false;
		thoff = skb_network_offset(skb) + sizeof(*ip6h);
	}
	dport = skb_header_pointer(skb, thoff + offsetof(struct udphdr, dest), sizeof(_dport),
				   &_dport);
	return dport && tunnel_port(ntohs(*dport));
}

static u8 map_tunnel_of(u8 encap_type)
{
	switch (encap_type) {
	case CROSSLAT_ENCAP_VXLAN:
		return CROSSLAT_MAP_TUNNEL_VXLAN;
	case CROSSLAT_ENCAP_GENEVE:
		return CROSSLAT_MAP_TUNNEL_GENEVE;
	default:
		return CROSSLAT_MAP_TUNNEL_IPIP;
	}
}

static void tuple_from_pkt(struct crosslat_map_tuple *t, const struct crosslat_pkt *pkt)
{
	memset(t, 0, sizeof(*t));
	t->family = pkt->family;
	t->proto = pkt->l4_proto;
	memcpy(t->saddr, pkt->saddr, sizeof(t->saddr));
	memcpy(t->daddr, pkt->daddr, sizeof(t->daddr));
	if (pkt->l4_valid) {
		t->sport = pkt->sport;
		t->dport = pkt->dport;
	}
}

/* An outer packet that passed the quick filter: parse it and record its mapping. */
static noinline void map_tunnel_packet(struct sk_buff *skb, const struct nf_hook_state *state,
				       u8 dir)
{
	struct net *net = state->net;
	int noff = skb_network_offset(skb);
	unsigned int avail = skb->len - noff;
	unsigned int want = min_t(unsigned int, avail, MAP_HDR_MAX);
	u8 buf[MAP_HDR_MAX] __uninitialized;
	struct crosslat_encap e __uninitialized;
	struct crosslat_map_report r __uninitialized;
	struct crosslat_map_tuple outer;
	struct crosslat_flow_key key;
	struct crosslat_flow *f;
	struct map_val *v;
	const u8 *data;
	u8 tunnel, reason = 0;
	bool emit = false;
	int err;
	u64 now;

	data = skb_header_pointer(skb, noff, want, buf);
	err = data ? crosslat_encap_parse(data, want, CROSSLAT_PKT_L3, &crosslat_map_ports, &e) :
		     -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED;
	if (unlikely(err)) {
		/* ARP and other non-IP frames in a VXLAN/GENEVE tunnel are not errors. */
		if (err != -CROSSLAT_ENCAP_ERR_INNER_INVALID ||
		    e.pkt_err != CROSSLAT_PKT_ERR_UNSUPPORTED_L3)
			map_count(CROSSLAT_STAT_MAP_PARSE_ERRORS);
		return;
	}
	if (e.type == CROSSLAT_ENCAP_NONE)
		return;
	if (e.flags & CROSSLAT_ENCAP_F_NESTED)
		map_count(CROSSLAT_STAT_MAP_NESTED);
	tunnel = map_tunnel_of(e.type);
	tuple_from_pkt(&outer, &e.outer);

	memset(&key, 0, sizeof(key));
	key.netns = net->net_cookie;
	key.family = e.inner.family;
	key.proto = e.inner.l4_proto;
	key.tag = dir;	/* a namespace may send and receive the same inner tuple (hairpin) */
	memcpy(key.laddr, e.inner.saddr, sizeof(key.laddr));
	memcpy(key.raddr, e.inner.daddr, sizeof(key.raddr));
	if (e.inner.l4_valid) {
		key.lport = htons(e.inner.sport);
		key.rport = htons(e.inner.dport);
	}

	now = ktime_get_ns();
	/* Netfilter hooks run inside rcu_read_lock(). */
	f = crosslat_flow_lookup_or_create(crosslat_map_table, &key, now);
	if (!f)
		return;		/* table full or no memory: counted by the table */
	map_count(CROSSLAT_STAT_MAP_PACKETS);
	v = (struct map_val *)f->data;
	/* LOCAL_OUT may run in process context with BHs enabled. */
	spin_lock_bh(&f->lock);
	if (unlikely(!v->inited) || unlikely(v->tunnel != tunnel || v->vni != e.vni ||
					     memcmp(&v->outer, &outer, sizeof(outer)))) {
		if (v->inited) {
			reason = CROSSLAT_MAP_ADD_CHANGED;
			map_count(CROSSLAT_STAT_MAP_OUTER_CHANGES);
		}
		v->inited = 1;
		v->netns_inum = net->ns.inum;
		v->dir = dir;
		v->tunnel = tunnel;
		v->vni = e.vni;
		v->outer = outer;
		emit = trace_crosslat_map_add_enabled();
	}
	v->packets += skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	v->bytes += avail;
	if (emit)
		map_report_fill(f, v, &r);
	spin_unlock_bh(&f->lock);
	if (emit)
		trace_crosslat_map_add(&r, reason);
}

static unsigned int map_hook_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	if (maybe_tunnel(skb, state->pf))
		map_tunnel_packet(skb, state, CROSSLAT_MAP_DIR_ENCAP);
	return NF_ACCEPT;
}

static unsigned int map_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	if (maybe_tunnel(skb, state->pf))
		map_tunnel_packet(skb, state, CROSSLAT_MAP_DIR_DECAP);
	return NF_ACCEPT;
}

/* Any place works for packets the namespace itself sends or receives; after crosslat_rtt. */
#define MAP_HOOK_PRIORITY	(NF_IP_PRI_FILTER + 2)

static const struct nf_hook_ops map_nf_ops[] = {
	{ .hook = map_hook_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = MAP_HOOK_PRIORITY },
	{ .hook = map_hook_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = MAP_HOOK_PRIORITY },
	{ .hook = map_hook_out, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = MAP_HOOK_PRIORITY },
	{ .hook = map_hook_in, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = MAP_HOOK_PRIORITY },
};

static int __net_init map_net_init(struct net *net)
{
	int err = nf_register_net_hooks(net, map_nf_ops, ARRAY_SIZE(map_nf_ops));

	if (!err)
		atomic_inc(&hooked_netns);
	return err;
}

static void __net_exit map_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, map_nf_ops, ARRAY_SIZE(map_nf_ops));
	atomic_dec(&hooked_netns);
}

static struct pernet_operations map_net_ops = {
	.init = map_net_init,
	.exit = map_net_exit,
};

int map_hooks_init(void)
{
	return register_pernet_subsys(&map_net_ops);
}

void map_hooks_exit(void)
{
	/* Unregisters the hooks of every namespace; in-flight hook calls finish first. */
	unregister_pernet_subsys(&map_net_ops);
}
