// SPDX-License-Identifier: GPL-2.0-only
/* Snapshots of mappings, and crosslat_map_del when one leaves the table. */
#include "crosslat_map_trace.h"
#include "map.h"

void map_report_fill(const struct crosslat_flow *f, const struct map_val *v,
		     struct crosslat_map_report *r)
{
	const struct crosslat_flow_key *k = &f->key;

	r->netns_cookie = k->netns;
	r->netns_inum = v->netns_inum;
	r->dir = v->dir;
	r->tunnel = v->tunnel;
	r->vni = v->vni;
	r->inner.family = k->family;
	r->inner.proto = k->proto;
	r->inner.sport = ntohs(k->lport);
	r->inner.dport = ntohs(k->rport);
	memcpy(r->inner.saddr, k->laddr, sizeof(r->inner.saddr));
	memcpy(r->inner.daddr, k->raddr, sizeof(r->inner.daddr));
	r->outer = v->outer;
	r->first_ns = f->created_ns;
	r->last_ns = READ_ONCE(f->last_seen_ns);
	r->packets = v->packets;
	r->bytes = v->bytes;
}

void map_on_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv)
{
	const struct map_val *v = (const struct map_val *)f->data;
	struct crosslat_map_report r;
	bool inited;

	if (!trace_crosslat_map_del_enabled())
		return;
	/* Packets may still reach f on other CPUs until the RCU grace period: lock it. */
	spin_lock_bh(&f->lock);
	inited = v->inited;
	if (inited)
		map_report_fill(f, v, &r);
	spin_unlock_bh(&f->lock);
	if (inited)
		trace_crosslat_map_del(&r);
}
