// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pod attribution of mappings. A tunnel or NAT namespace sees a pod's packets after they
 * left the pod's socket (forwarded packets lose skb->sk when they enter the host's IP
 * stack), so the pod is learnt where the packet is born: LOCAL_OUT of the namespace that
 * sends it, before any NAT, records which socket (namespace, cgroup v2 id, process) owns
 * the flow, keyed by the flow as the socket sees it. A mapping then looks its pod up by its
 * own tuple, seen from the local end, or through the NAT mapping of its namespace when the
 * tuple was translated (a service VIP, a MASQUERADE). The join happens on a mapping's first
 * packets only (MAP_POD_TRIES), never on the steady path.
 *
 * TCP records the SYN (the connecting process, in its context) and the SYN-ACK (the
 * listener's cgroup; no process: it leaves from softirq); UDP every datagram. Flows that
 * started before the module was loaded stay unresolved. The endpoint table is keyed without
 * the namespace: pods of one host have distinct addresses; loopback is left out.
 */
#include <linux/cgroup.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "map.h"

/* An endpoint is only needed while mappings of its flow look for it. */
#define MAP_ENDPOINT_IDLE_NS	(10 * NSEC_PER_SEC)

struct crosslat_flow_table *crosslat_map_endpoints;

/* The socket behind skb, if it is a full one (the listener of a SYN-ACK). */
static struct sock *endpoint_sock(const struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (!sk)
		return NULL;
	sk = sk_to_full_sk(sk);
	return sk && sk_fullsock(sk) ? sk : NULL;
}

static void endpoint_fill(struct crosslat_map_pod *p, struct sock *sk)
{
	const struct net *net = sock_net(sk);

	p->netns_cookie = net->net_cookie;
	p->netns_inum = net->ns.inum;
#ifdef CONFIG_SOCK_CGROUP_DATA
	p->cgroup_id = cgroup_id(sock_cgroup_ptr(&sk->sk_cgrp_data));
#endif
	/* A process sends from its own context: connect(), sendmsg(). */
	if (in_task() && !(current->flags & PF_KTHREAD)) {
		p->pid = task_tgid_nr(current);
		strscpy_pad(p->comm, current->comm, sizeof(p->comm));
	}
}

void map_endpoint_packet(struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct crosslat_flow_key key __uninitialized;
	struct crosslat_map_pod pod = { 0 };
	struct crosslat_map_pod *ep;
	struct crosslat_flow *f;
	unsigned int thoff;
	struct sock *sk;
	u8 _l4[14];
	const u8 *l4;
	u8 proto;

	/*
	 * The steady path: a TCP socket past its handshake. Only a connecting socket sends a
	 * SYN; a listener's SYN-ACK carries its request socket (or, with Fast Open, a child in
	 * SYN_RECV).
	 */
	sk = skb->sk;
	if (sk_fullsock(sk) && sk->sk_protocol == IPPROTO_TCP &&
	    sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
		return;
	sk = endpoint_sock(skb);
	if (!sk || (state->out && (state->out->flags & IFF_LOOPBACK)))
		return;
	memset(&key, 0, sizeof(key));
	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (ip_is_fragment(iph))
			return;
		proto = iph->protocol;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
		key.family = 4;
		memcpy(key.laddr, &iph->saddr, 4);
		memcpy(key.raddr, &iph->daddr, 4);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		proto = ip6h->nexthdr;
		thoff = skb_network_offset(skb) + sizeof(*ip6h);
		key.family = 6;
		memcpy(key.laddr, &ip6h->saddr, 16);
		memcpy(key.raddr, &ip6h->daddr, 16);
	}
	if (proto == IPPROTO_TCP) {
		l4 = skb_header_pointer(skb, thoff, sizeof(_l4), _l4);
		/* byte 13: the flags; only the handshake is recorded */
		if (!l4 || !(l4[13] & TCPHDR_SYN))
			return;
	} else if (proto == IPPROTO_UDP) {
		l4 = skb_header_pointer(skb, thoff, 4, _l4);
		if (!l4)
			return;
	} else {
		return;
	}
	key.proto = proto;
	memcpy(&key.lport, l4, 2);
	memcpy(&key.rport, l4 + 2, 2);
	endpoint_fill(&pod, sk);

	f = crosslat_flow_lookup_or_create(crosslat_map_endpoints, &key, ktime_get_ns());
	if (!f)
		return;		/* counted by the table: map_endpoint_drops */
	ep = (struct crosslat_map_pod *)f->data;
	spin_lock_bh(&f->lock);
	if (pod.pid || ep->netns_cookie != pod.netns_cookie) {
		*ep = pod;
	} else {
		/* a SYN retransmitted from a timer keeps the process of the first */
		ep->cgroup_id = pod.cgroup_id;
	}
	spin_unlock_bh(&f->lock);
}

static bool endpoint_find(const struct crosslat_flow_key *flow, struct crosslat_map_pod *pod)
{
	struct crosslat_flow_key key = *flow;
	struct crosslat_flow *f;

	key.netns = 0;
	key.tag = 0;
	f = crosslat_flow_lookup(crosslat_map_endpoints, &key);
	if (!f)
		return false;
	spin_lock_bh(&f->lock);
	*pod = *(struct crosslat_map_pod *)f->data;
	spin_unlock_bh(&f->lock);
	return pod->netns_cookie != 0;
}

bool map_pod_find(const struct crosslat_flow_key *flow, struct crosslat_map_pod *pod)
{
	struct crosslat_flow_key key;
	const struct map_val *v;
	struct crosslat_flow *f;
	bool found = false;

	if (endpoint_find(flow, pod))
		return true;
	/* Translated by this namespace: the NAT mapping knows the pod of the original. */
	key = *flow;
	key.tag = CROSSLAT_MAP_DIR_NAT;
	f = crosslat_flow_lookup(crosslat_map_table, &key);
	if (!f)
		return false;
	v = (const struct map_val *)f->data;
	spin_lock_bh(&f->lock);
	if (v->inited && v->pod.netns_cookie) {
		*pod = v->pod;
		found = true;
	}
	spin_unlock_bh(&f->lock);
	return found;
}

bool map_pod_update(struct map_val *v, bool found, const struct crosslat_map_pod *pod)
{
	if (v->pod_done)
		return false;
	if (found) {
		v->pod = *pod;
		WRITE_ONCE(v->pod_done, 1);
		map_count(CROSSLAT_STAT_MAP_PODS_RESOLVED);
		return true;
	}
	if (++v->pod_tries >= MAP_POD_TRIES) {
		WRITE_ONCE(v->pod_done, 1);
		map_count(CROSSLAT_STAT_MAP_PODS_UNRESOLVED);
	}
	return false;
}

int map_endpoints_init(u32 max_entries)
{
	struct crosslat_flow_table_params p = {
		.name = "map_endpoint",
		.value_size = sizeof(struct crosslat_map_pod),
		.max_entries = max_entries,
		.idle_timeout_ns = MAP_ENDPOINT_IDLE_NS,
		.gc_interval_ms = 1000,
	};

	crosslat_map_endpoints = crosslat_flow_table_create(&p);
	return PTR_ERR_OR_ZERO(crosslat_map_endpoints);
}

void map_endpoints_exit(void)
{
	crosslat_flow_table_destroy(crosslat_map_endpoints);
}

u64 map_endpoints_stat(enum crosslat_stat stat)
{
	struct crosslat_flow_table *t = crosslat_map_endpoints;

	if (stat == CROSSLAT_STAT_MAP_ENDPOINTS)
		return crosslat_flow_table_stat(t, CROSSLAT_FT_ENTRIES);
	return crosslat_flow_table_stat(t, CROSSLAT_FT_FULL_DROPS) +
	       crosslat_flow_table_stat(t, CROSSLAT_FT_ALLOC_FAILS);
}
