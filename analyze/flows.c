// SPDX-License-Identifier: GPL-2.0-only
/* The per-flow table and the alert list, from crosslat_rtt_* event records. */

#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "grow.h"
#include "record.h"

const char *const crosslat_flow_sort_names[CROSSLAT_FLOW_SORT_NR] = {
	[CROSSLAT_FLOW_SORT_SRTT]	= "srtt",
	[CROSSLAT_FLOW_SORT_RTT_MAX]	= "rtt_max",
	[CROSSLAT_FLOW_SORT_BYTES]	= "bytes",
	[CROSSLAT_FLOW_SORT_RETRANS]	= "retrans",
	[CROSSLAT_FLOW_SORT_ALERTS]	= "alerts",
	[CROSSLAT_FLOW_SORT_TIME]	= "time",
};

void crosslat_flows_init(struct crosslat_flows *ft)
{
	memset(ft, 0, sizeof(*ft));
}

void crosslat_flows_uninit(struct crosslat_flows *ft)
{
	size_t i;

	for (i = 0; i < ft->nr; i++)
		free(ft->v[i].rtt);
	free(ft->v);
	free(ft->alerts);
	crosslat_index_free(&ft->idx);
	memset(ft, 0, sizeof(*ft));
}

bool crosslat_flow_key_equal(const struct crosslat_flow_key *a,
			     const struct crosslat_flow_key *b)
{
	return a->netns_cookie == b->netns_cookie && a->trace == b->trace &&
	       a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->laddr, b->laddr, sizeof(a->laddr)) &&
	       !memcmp(a->raddr, b->raddr, sizeof(a->raddr));
}

uint32_t crosslat_flow_key_hash(const struct crosslat_flow_key *k)
{
	uint32_t h = CROSSLAT_HASH_INIT;

	h = crosslat_hash_bytes(h, &k->netns_cookie, sizeof(k->netns_cookie));
	h = crosslat_hash_bytes(h, &k->trace, sizeof(k->trace));
	h = crosslat_hash_bytes(h, &k->family, sizeof(k->family));
	h = crosslat_hash_bytes(h, &k->lport, sizeof(k->lport));
	h = crosslat_hash_bytes(h, &k->rport, sizeof(k->rport));
	h = crosslat_hash_bytes(h, k->laddr, sizeof(k->laddr));
	return crosslat_hash_bytes(h, k->raddr, sizeof(k->raddr));
}

static bool flow_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_flows *ft = ctx;

	return crosslat_flow_key_equal(&ft->v[entry].key, key);
}

int crosslat_flow_key_read(const struct crosslat_record *r, struct crosslat_flow_key *k,
			   uint32_t *netns_inum)
{
	uint64_t family, lport, rport;
	size_t llen, rlen;

	memset(k, 0, sizeof(*k));
	k->trace = r->trace;
	if (crosslat_record_u64(r, "netns_cookie", &k->netns_cookie) ||
	    crosslat_record_u64(r, "family", &family) ||
	    crosslat_record_u64(r, "lport", &lport) ||
	    crosslat_record_u64(r, "rport", &rport) ||
	    crosslat_record_bytes(r, "laddr", k->laddr, sizeof(k->laddr), &llen) ||
	    crosslat_record_bytes(r, "raddr", k->raddr, sizeof(k->raddr), &rlen))
		return -EINVAL;
	if ((family != 4 && family != 6) || lport > UINT16_MAX || rport > UINT16_MAX ||
	    llen != sizeof(k->laddr) || rlen != sizeof(k->raddr))
		return -EINVAL;
	k->family = family;
	k->lport = lport;
	k->rport = rport;
	*netns_inum = crosslat_record_u64_or(r, "netns_inum", 0);
	return 0;
}

/* Index of a new, empty incarnation of key's flow, now the latest; -ENOMEM. */
static int64_t new_flow(struct crosslat_flows *ft, const struct crosslat_flow_key *k,
			uint32_t hash)
{
	struct crosslat_flow *f;

	if (ft->nr == ft->cap) {
		size_t cap = ft->cap ? ft->cap * 2 : 64;
		struct crosslat_flow *v = realloc(ft->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ft->v = v;
		ft->cap = cap;
	}
	if (ft->nr >= UINT32_MAX ||
	    crosslat_index_set(&ft->idx, hash, flow_eq, k, ft, (uint32_t)ft->nr))
		return -ENOMEM;
	f = &ft->v[ft->nr];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	return (int64_t)ft->nr++;
}

static void saw_event(struct crosslat_flow *f, const struct crosslat_record *r,
		      uint32_t netns_inum)
{
	if (netns_inum)
		f->netns_inum = netns_inum;
	if (!r->has_ts)
		return;
	if (!f->ev_timed || r->ts_ns < f->ev_first_ns)
		f->ev_first_ns = r->ts_ns;
	if (!f->ev_timed || r->ts_ns > f->ev_last_ns)
		f->ev_last_ns = r->ts_ns;
	f->ev_timed = true;
}

/* f's srtt at r's time, when r has one; 0 or -ENOMEM. */
static int rtt_point(struct crosslat_flow *f, const struct crosslat_record *r, uint64_t srtt_ns)
{
	struct crosslat_rtt_point *v;

	if (!r->has_ts || !srtt_ns)
		return 0;
	v = crosslat_grow(f->rtt, f->nr_rtt, &f->cap_rtt, sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->rtt = v;
	v[f->nr_rtt].ts_ns = r->ts_ns;
	v[f->nr_rtt++].srtt_ns = srtt_ns;
	return 0;
}

static int add_stats(struct crosslat_flows *ft, const struct crosslat_record *r)
{
	struct crosslat_flow_key k;
	struct crosslat_flow *f;
	uint32_t inum, hash;
	uint64_t first_ns;
	int64_t i;

	if (crosslat_flow_key_read(r, &k, &inum)) {
		ft->malformed++;
		return 1;
	}
	first_ns = crosslat_record_u64_or(r, "first_ns", 0);
	hash = crosslat_flow_key_hash(&k);
	i = crosslat_index_find(&ft->idx, hash, flow_eq, &k, ft);
	if (i >= 0 && (ft->v[i].present & CROSSLAT_FLOW_STATS) && ft->v[i].first_ns != first_ns)
		i = -1;
	if (i < 0)
		i = new_flow(ft, &k, hash);
	if (i < 0)
		return -ENOMEM;
	f = &ft->v[i];
	saw_event(f, r, inum);
	f->stats_events++;
	f->first_ns = first_ns;
	f->last_ns = crosslat_record_u64_or(r, "last_ns", 0);
	f->srtt_ns = crosslat_record_u64_or(r, "srtt_ns", 0);
	f->rtt_min_ns = crosslat_record_u64_or(r, "rtt_min_ns", 0);
	f->rtt_max_ns = crosslat_record_u64_or(r, "rtt_max_ns", 0);
	f->rtt_last_ns = crosslat_record_u64_or(r, "rtt_last_ns", 0);
	f->rtt_samples = crosslat_record_u64_or(r, "rtt_samples", 0);
	f->app_avg_ns = crosslat_record_u64_or(r, "app_avg_ns", 0);
	f->app_max_ns = crosslat_record_u64_or(r, "app_max_ns", 0);
	f->app_samples = crosslat_record_u64_or(r, "app_samples", 0);
	f->bytes_out = crosslat_record_u64_or(r, "bytes_out", 0);
	f->bytes_in = crosslat_record_u64_or(r, "bytes_in", 0);
	f->pkts_out = crosslat_record_u64_or(r, "pkts_out", 0);
	f->pkts_in = crosslat_record_u64_or(r, "pkts_in", 0);
	f->retrans_segs = crosslat_record_u64_or(r, "retrans_segs", 0);
	f->retrans_bytes = crosslat_record_u64_or(r, "retrans_bytes", 0);
	f->throughput_out = crosslat_record_u64_or(r, "throughput_out", 0);
	f->throughput_in = crosslat_record_u64_or(r, "throughput_in", 0);
	f->thresh_ns = crosslat_record_u64_or(r, "thresh_ns", 0);
	f->alerts = crosslat_record_u64_or(r, "alerts", 0);
	f->reason = crosslat_record_u64_or(r, "reason", 0);
	f->closed = crosslat_record_u64_or(r, "closed", 0) != 0;
	f->present = CROSSLAT_FLOW_STATS;
	if (f->rtt_samples)
		f->present |= CROSSLAT_FLOW_RTT;
	if (f->app_samples)
		f->present |= CROSSLAT_FLOW_APP;
	if (f->thresh_ns)
		f->present |= CROSSLAT_FLOW_THRESH;
	if (f->rtt_samples && rtt_point(f, r, f->srtt_ns))
		return -ENOMEM;
	return 1;
}

static int add_alert(struct crosslat_flows *ft, const struct crosslat_record *r)
{
	struct crosslat_alert *a;
	struct crosslat_flow *f;
	uint64_t suppressed;
	uint32_t hash;
	int64_t i;

	if (ft->nr_alerts == ft->cap_alerts) {
		size_t cap = ft->cap_alerts ? ft->cap_alerts * 2 : 64;
		struct crosslat_alert *v = realloc(ft->alerts, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ft->alerts = v;
		ft->cap_alerts = cap;
	}
	a = &ft->alerts[ft->nr_alerts];
	memset(a, 0, sizeof(*a));
	if (crosslat_flow_key_read(r, &a->key, &a->netns_inum) ||
	    crosslat_record_u64(r, "srtt_ns", &a->srtt_ns) ||
	    crosslat_record_u64(r, "thresh_ns", &a->thresh_ns)) {
		ft->malformed++;
		return 1;
	}
	a->ts_ns = r->ts_ns;
	a->has_ts = r->has_ts;
	a->rtt_ns = crosslat_record_u64_or(r, "rtt_ns", 0);
	a->rtt_samples = crosslat_record_u64_or(r, "rtt_samples", 0);
	a->retrans_segs = crosslat_record_u64_or(r, "retrans_segs", 0);
	a->crossing = crosslat_record_u64_or(r, "crossing", 0) != 0;
	suppressed = crosslat_record_u64_or(r, "suppressed", 0);
	a->suppressed = suppressed > UINT32_MAX ? UINT32_MAX : suppressed;

	hash = crosslat_flow_key_hash(&a->key);
	i = crosslat_index_find(&ft->idx, hash, flow_eq, &a->key, ft);
	if (i < 0)
		i = new_flow(ft, &a->key, hash);
	if (i < 0)
		return -ENOMEM;
	f = &ft->v[i];
	saw_event(f, r, a->netns_inum);
	f->alert_events++;
	if (!(f->present & CROSSLAT_FLOW_STATS)) {
		/* Until a flow_stats comes, the alerts are all we know of the flow. */
		f->srtt_ns = a->srtt_ns;
		f->rtt_samples = a->rtt_samples;
		f->retrans_segs = a->retrans_segs;
		f->thresh_ns = a->thresh_ns;
		f->present = (a->rtt_samples ? CROSSLAT_FLOW_RTT : 0) |
			     (a->thresh_ns ? CROSSLAT_FLOW_THRESH : 0);
	}
	a->flow = i;
	ft->nr_alerts++;
	if (rtt_point(f, r, a->srtt_ns))
		return -ENOMEM;
	return 1;
}

int crosslat_flows_add(struct crosslat_flows *ft, const struct crosslat_record *r)
{
	if (!r->name || strncmp(r->name, "crosslat_rtt_", 13))
		return 0;
	if (!strcmp(r->name, CROSSLAT_EV_FLOW_STATS))
		return add_stats(ft, r);
	if (!strcmp(r->name, CROSSLAT_EV_ALERT))
		return add_alert(ft, r);
	return 0;
}

const struct crosslat_flow *crosslat_flows_find(const struct crosslat_flows *ft,
						const struct crosslat_flow_key *key)
{
	int64_t i = crosslat_index_find(&ft->idx, crosslat_flow_key_hash(key), flow_eq, key, ft);

	return i < 0 ? NULL : &ft->v[i];
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* f's value for key into *v; false when f has none (it sorts last). */
static bool sort_value(const struct crosslat_flow *f, enum crosslat_flow_sort key,
		       uint64_t *v)
{
	switch (key) {
	case CROSSLAT_FLOW_SORT_SRTT:
		*v = f->srtt_ns;
		return f->present & CROSSLAT_FLOW_RTT;
	case CROSSLAT_FLOW_SORT_RTT_MAX:
		*v = f->rtt_max_ns;
		return (f->present & CROSSLAT_FLOW_RTT) && (f->present & CROSSLAT_FLOW_STATS);
	case CROSSLAT_FLOW_SORT_BYTES:
		*v = sat_add(f->bytes_out, f->bytes_in);
		return f->present & CROSSLAT_FLOW_STATS;
	case CROSSLAT_FLOW_SORT_RETRANS:
		*v = f->retrans_segs;
		return true;
	case CROSSLAT_FLOW_SORT_ALERTS:
		*v = f->alert_events;
		return true;
	default:
		/* Oldest first: the order is reversed by the caller. */
		*v = (uint64_t)f->ev_first_ns ^ (1ULL << 63);
		return f->ev_timed;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int key_cmp(const struct crosslat_flow *a, const struct crosslat_flow *b)
{
	int c;

	c = cmp_u64(a->key.trace, b->key.trace);
	if (!c)
		c = cmp_u64(a->netns_inum, b->netns_inum);
	if (!c)
		c = cmp_u64(a->key.netns_cookie, b->key.netns_cookie);
	if (!c)
		c = cmp_u64(a->key.lport, b->key.lport);
	if (!c)
		c = cmp_u64(a->key.rport, b->key.rport);
	if (!c)
		c = cmp_u64(a->key.family, b->key.family);
	if (!c)
		c = memcmp(a->key.laddr, b->key.laddr, sizeof(a->key.laddr));
	if (!c)
		c = memcmp(a->key.raddr, b->key.raddr, sizeof(a->key.raddr));
	if (!c)
		c = cmp_u64(a->first_ns, b->first_ns);
	return c;
}

static int flow_cmp(const void *pa, const void *pb, void *arg)
{
	const struct crosslat_flow *a = *(const struct crosslat_flow *const *)pa;
	const struct crosslat_flow *b = *(const struct crosslat_flow *const *)pb;
	enum crosslat_flow_sort key = *(const enum crosslat_flow_sort *)arg;
	uint64_t va = 0, vb = 0;
	bool ha = sort_value(a, key, &va), hb = sort_value(b, key, &vb);
	int c;

	if (ha != hb)
		return ha ? -1 : 1;
	c = ha ? cmp_u64(vb, va) : 0;
	if (key == CROSSLAT_FLOW_SORT_TIME)
		c = -c;
	return c ? c : key_cmp(a, b);
}

const struct crosslat_flow **crosslat_flows_sorted(const struct crosslat_flows *ft,
						   enum crosslat_flow_sort key)
{
	const struct crosslat_flow **v;
	size_t i;

	if (!ft->nr)
		return NULL;
	v = malloc(ft->nr * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < ft->nr; i++)
		v[i] = &ft->v[i];
	qsort_r(v, ft->nr, sizeof(*v), flow_cmp, &key);
	return v;
}
