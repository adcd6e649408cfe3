// SPDX-License-Identifier: GPL-2.0-only
/*
 * NAT mappings from conntrack. POST_ROUTING and LOCAL_IN, after the source NAT hook, see
 * every packet a namespace forwards, sends or receives fully translated; the packet's
 * conntrack entry holds both sides of the translation: the original tuple (what the pod
 * sent: its address, the service VIP) and the reply tuple (the backend, the address the
 * replies go to after a MASQUERADE). One mapping per NATed TCP or UDP connection and
 * namespace, with packets and bytes of both directions, and the pod at its end. Everything
 * but conntrack's status word is read only for NATed connections, and conntrack itself is
 * read through skb->_nfct: this module does not load or depend on nf_conntrack.
 */
#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include "map.h"

static void key_from_ct_tuple(struct crosslat_flow_key *k, const struct nf_conntrack_tuple *t,
			      bool inverse)
{
	const union nf_inet_addr *src = inverse ? &t->dst.u3 : &t->src.u3;
	const union nf_inet_addr *dst = inverse ? &t->src.u3 : &t->dst.u3;
	unsigned int alen = t->src.l3num == NFPROTO_IPV4 ? 4 : 16;

	memset(k, 0, sizeof(*k));
	k->family = alen == 4 ? 4 : 6;
	k->proto = t->dst.protonum;
	memcpy(k->laddr, src, alen);
	memcpy(k->raddr, dst, alen);
	k->lport = inverse ? t->dst.u.all : t->src.u.all;
	k->rport = inverse ? t->src.u.all : t->dst.u.all;
}

static void tuple_from_ct(struct crosslat_map_tuple *m, const struct nf_conntrack_tuple *t)
{
	struct crosslat_flow_key k;

	key_from_ct_tuple(&k, t, false);
	memset(m, 0, sizeof(*m));
	m->family = k.family;
	m->proto = k.proto;
	memcpy(m->saddr, k.laddr, sizeof(m->saddr));
	memcpy(m->daddr, k.raddr, sizeof(m->daddr));
	m->sport = ntohs(k.lport);
	m->dport = ntohs(k.rport);
}

static u8 nat_flags(const struct nf_conn *ct)
{
	unsigned long status = READ_ONCE(ct->status);

	return (status & IPS_SRC_NAT ? CROSSLAT_MAP_NAT_SRC : 0) |
	       (status & IPS_DST_NAT ? CROSSLAT_MAP_NAT_DST : 0);
}

/* The pod at the NATed connection's end in this host: its originator, else its responder. */
static bool nat_pod_find(const struct nf_conn *ct, struct crosslat_map_pod *pod)
{
	struct crosslat_flow_key k;

	key_from_ct_tuple(&k, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, false);
	if (map_pod_find(&k, pod))
		return true;
	key_from_ct_tuple(&k, &ct->tuplehash[IP_CT_DIR_REPLY].tuple, false);
	return map_pod_find(&k, pod);
}

void map_nat_packet(struct sk_buff *skb, const struct nf_hook_state *state,
		    const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct map_pod_search ps __uninitialized;
	struct crosslat_flow_key key;
	struct crosslat_flow *f;
	struct map_val *v;
	u8 nat = nat_flags(ct), reason = CROSSLAT_MAP_ADD_NEW;
	bool changed = false;

	if (orig->dst.protonum != IPPROTO_TCP && orig->dst.protonum != IPPROTO_UDP)
		return;
	key_from_ct_tuple(&key, &ct->tuplehash[IP_CT_DIR_REPLY].tuple, true);
	key.netns = state->net->net_cookie;
	key.tag = CROSSLAT_MAP_DIR_NAT;
	f = crosslat_flow_lookup_or_create(crosslat_map_table, &key, ktime_get_ns());
	if (!f)
		return;
	map_count(CROSSLAT_STAT_MAP_NAT_PACKETS);
	v = (struct map_val *)f->data;
	ps.need = !READ_ONCE(v->pod_done);
	if (ps.need) {
		memset(&ps.pod, 0, sizeof(ps.pod));
		ps.found = nat_pod_find(ct, &ps.pod);
	}

	spin_lock_bh(&f->lock);
	if (unlikely(!v->inited) || unlikely(v->nat != nat)) {
		if (v->inited) {
			reason = CROSSLAT_MAP_ADD_CHANGED;
			map_count(CROSSLAT_STAT_MAP_OUTER_CHANGES);
		}
		v->inited = 1;
		v->netns_inum = state->net->ns.inum;
		v->dir = CROSSLAT_MAP_DIR_NAT;
		v->nat = nat;
		tuple_from_ct(&v->peer, orig);
		changed = true;
	}
	map_packet_finish(f, v, skb, skb->len - skb_network_offset(skb), &ps, changed, reason);
}
