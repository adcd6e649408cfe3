// SPDX-License-Identifier: GPL-2.0-only
/* Snapshots of mappings, and crosslat_map_del when one leaves the table. */
#include <linux/skbuff.h>
#include "crosslat_map_trace.h"
#include "map.h"

static void tuple_from_key(struct crosslat_map_tuple *t, const struct crosslat_flow_key *k,
			   bool reverse)
{
	t->family = k->family;
	t->proto = k->proto;
	t->sport = ntohs(reverse ? k->rport : k->lport);
	t->dport = ntohs(reverse ? k->lport : k->rport);
	memcpy(t->saddr, reverse ? k->raddr : k->laddr, sizeof(t->saddr));
	memcpy(t->daddr, reverse ? k->laddr : k->raddr, sizeof(t->daddr));
}

void map_report_fill(const struct crosslat_flow *f, const struct map_val *v,
		     struct crosslat_map_report *r)
{
	const struct crosslat_flow_key *k = &f->key;

	r->netns_cookie = k->netns;
	r->netns_inum = v->netns_inum;
	r->dir = v->dir;
	r->tunnel = v->tunnel;
	r->nat = v->nat;
	r->vni = v->vni;
	if (v->dir == CROSSLAT_MAP_DIR_NAT) {
		/* original tuple; the key is the reply tuple's inverse */
		r->inner = v->peer;
		tuple_from_key(&r->outer, k, true);
	} else {
		tuple_from_key(&r->inner, k, false);
		r->outer = v->peer;
	}
	r->pod = v->pod;
	r->first_ns = f->created_ns;
	r->last_ns = READ_ONCE(f->last_seen_ns);
	r->packets = v->packets;
	r->bytes = v->bytes;
}

void map_packet_finish(struct crosslat_flow *f, struct map_val *v, const struct sk_buff *skb,
		       unsigned int bytes, const struct map_pod_search *ps, bool changed,
		       u8 reason)
	__releases(&f->lock)
{
	struct crosslat_map_report r __uninitialized;
	bool emit = changed;

	if (ps->need && map_pod_update(v, ps->found, &ps->pod) && !emit) {
		reason = CROSSLAT_MAP_ADD_POD;
		emit = true;
	}
	v->packets += skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	v->bytes += bytes;
	emit = emit && trace_crosslat_map_add_enabled();
	if (emit)
		map_report_fill(f, v, &r);
	spin_unlock_bh(&f->lock);
	if (emit)
		trace_crosslat_map_add(&r, reason);
}

/* A snapshot of f under its lock into r; false while f is not set up yet. */
static bool map_snapshot(struct crosslat_flow *f, struct crosslat_map_report *r)
{
	const struct map_val *v = (const struct map_val *)f->data;
	bool inited;

	/* Packets may still reach f on other CPUs: lock it. */
	spin_lock_bh(&f->lock);
	inited = v->inited;
	if (inited)
		map_report_fill(f, v, r);
	spin_unlock_bh(&f->lock);
	return inited;
}

void map_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv)
{
	struct crosslat_map_report r;

	if (trace_crosslat_map_del_enabled() && map_snapshot(f, &r))
		trace_crosslat_map_del(&r);
}

static void statedump_one(struct crosslat_flow *f, void *arg)
{
	struct crosslat_map_report r;

	if (map_snapshot(f, &r)) {
		trace_crosslat_map_add(&r, CROSSLAT_MAP_ADD_STATEDUMP);
		(*(unsigned int *)arg)++;
	}
}

unsigned int map_statedump(void)
{
	unsigned int n = 0;

	if (trace_crosslat_map_add_enabled())
		crosslat_flow_table_for_each(crosslat_map_table, statedump_one, &n);
	return n;
}
