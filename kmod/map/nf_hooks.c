// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netfilter hooks of crosslat_map, in every network namespace. A tunnel device sends its
 * encapsulated packets through LOCAL_OUT of the namespace it lives in and receives them
 * through LOCAL_IN, so those two hooks see every packet the namespace encapsulates or
 * decapsulates with the outer and the inner headers together: one parse
 * (core/encap_parse.c) gives both tuples, no correlation of separate packets is needed.
 * Everything that is not UDP to a tunnel port or IP-in-IP costs a protocol check.
 *
 * The same LOCAL_OUT hook remembers the sockets behind new flows (pod.c), before any NAT;
 * POST_ROUTING and LOCAL_IN, after NAT, record the connections conntrack translated
 * (nat.c). Hooks: LOCAL_OUT before DNAT, LOCAL_IN and POST_ROUTING after SNAT.
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
#include <net/netfilter/nf_conntrack.h>
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

static void map_key_reverse(struct crosslat_flow_key *k)
{
	u8 addr[16];

	memcpy(addr, k->laddr, sizeof(addr));
	memcpy(k->laddr, k->raddr, sizeof(addr));
	memcpy(k->raddr, addr, sizeof(addr));
	swap(k->lport, k->rport);
}

/* The pod of a tunnel mapping: the inner flow seen from its end in this host. */
static bool tunnel_pod_find(const struct crosslat_flow_key *inner, u8 dir,
			    struct crosslat_map_pod *pod)
{
	struct crosslat_flow_key k = *inner;

	if (dir == CROSSLAT_MAP_DIR_DECAP)
		map_key_reverse(&k);
	return map_pod_find(&k, pod);
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
	struct map_pod_search ps __uninitialized;
	struct crosslat_map_tuple outer;
	struct crosslat_flow_key key;
	struct crosslat_flow *f;
	struct map_val *v;
	const u8 *data;
	u8 tunnel, reason = CROSSLAT_MAP_ADD_NEW;
	bool changed = false;
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
	ps.need = !READ_ONCE(v->pod_done);
	if (ps.need) {
		memset(&ps.pod, 0, sizeof(ps.pod));
		ps.found = tunnel_pod_find(&key, dir, &ps.pod);
	}
	/* LOCAL_OUT may run in process context with BHs enabled. */
	spin_lock_bh(&f->lock);
	if (unlikely(!v->inited) || unlikely(v->tunnel != tunnel || v->vni != e.vni ||
					     memcmp(&v->peer, &outer, sizeof(outer)))) {
		if (v->inited) {
			reason = CROSSLAT_MAP_ADD_CHANGED;
			map_count(CROSSLAT_STAT_MAP_OUTER_CHANGES);
		}
		v->inited = 1;
		v->netns_inum = net->ns.inum;
		v->dir = dir;
		v->tunnel = tunnel;
		v->vni = e.vni;
		v->peer = outer;
		changed = true;
	}
	map_packet_finish(f, v, skb, avail, &ps, changed, reason);
}

static unsigned int map_hook_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	if (maybe_tunnel(skb, state->pf))
		map_tunnel_packet(skb, state, CROSSLAT_MAP_DIR_ENCAP);
	else if (skb->sk)
		map_endpoint_packet(skb, state);
	return NF_ACCEPT;
}

static inline void map_nat_check(struct sk_buff *skb, const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (ct && (READ_ONCE(ct->status) & IPS_NAT_MASK))
		map_nat_packet(skb, state, ct);
}

static unsigned int map_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	if (maybe_tunnel(skb, state->pf))
		map_tunnel_packet(skb, state, CROSSLAT_MAP_DIR_DECAP);
	map_nat_check(skb, state);
	return NF_ACCEPT;
}

static unsigned int map_hook_post(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	map_nat_check(skb, state);
	return NF_ACCEPT;
}

/*
 * LOCAL_OUT before destination NAT (a socket's own tuple, e.g. to a VIP), the others after
 * source NAT (the translated tuples in place). The IPv6 priorities have the same values.
 */
#define MAP_PRI_OUT	(NF_IP_PRI_NAT_DST - 1)
#define MAP_PRI_NAT	(NF_IP_PRI_NAT_SRC + 1)

static const struct nf_hook_ops map_nf_ops[] = {
	{ .hook = map_hook_out, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = MAP_PRI_OUT },
	{ .hook = map_hook_in, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = MAP_PRI_NAT },
	{ .hook = map_hook_post, .pf = NFPROTO_IPV4, .hooknum = NF_INET_POST_ROUTING,
	  .priority = MAP_PRI_NAT },
	{ .hook = map_hook_out, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = MAP_PRI_OUT },
	{ .hook = map_hook_in, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = MAP_PRI_NAT },
	{ .hook = map_hook_post, .pf = NFPROTO_IPV6, .hooknum = NF_INET_POST_ROUTING,
	  .priority = MAP_PRI_NAT },
};

static_assert((int)NF_IP6_PRI_NAT_DST == (int)NF_IP_PRI_NAT_DST &&
	      (int)NF_IP6_PRI_NAT_SRC == (int)NF_IP_PRI_NAT_SRC);

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
