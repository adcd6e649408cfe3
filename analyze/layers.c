// SPDX-License-Identifier: GPL-2.0-only
/* Armed flows' layer sightings matched into per-stage latencies (layers.h). */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "layers.h"
#include "record.h"
#include "stats.h"

const char *const crosslat_stage_names[CROSSLAT_STAGE_NR] = {
	[CROSSLAT_STAGE_SEND]	= "send",
	[CROSSLAT_STAGE_OUT]	= "out",
	[CROSSLAT_STAGE_QDISC]	= "qdisc",
	[CROSSLAT_STAGE_IN]	= "in",
	[CROSSLAT_STAGE_READ]	= "read",
};

const char *const crosslat_stage_from[CROSSLAT_STAGE_NR] = {
	[CROSSLAT_STAGE_SEND]	= "send call",
	[CROSSLAT_STAGE_OUT]	= "LOCAL_OUT",
	[CROSSLAT_STAGE_QDISC]	= "dev queue",
	[CROSSLAT_STAGE_IN]	= "dev receive",
	[CROSSLAT_STAGE_READ]	= "LOCAL_IN",
};

const char *const crosslat_stage_to[CROSSLAT_STAGE_NR] = {
	[CROSSLAT_STAGE_SEND]	= "LOCAL_OUT",
	[CROSSLAT_STAGE_OUT]	= "dev queue",
	[CROSSLAT_STAGE_QDISC]	= "dev xmit",
	[CROSSLAT_STAGE_IN]	= "LOCAL_IN",
	[CROSSLAT_STAGE_READ]	= "read call",
};

void crosslat_layers_init(struct crosslat_layers *l)
{
	memset(l, 0, sizeof(*l));
}

static void flow_free(struct crosslat_layer_flow *f)
{
	unsigned int s;

	free(f->seen);
	f->seen = NULL;
	f->nr_seen = f->cap_seen = 0;
	for (s = 0; s < CROSSLAT_STAGE_NR; s++)
		free(f->stage[s].lat);
}

void crosslat_layers_uninit(struct crosslat_layers *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		flow_free(&l->v[i]);
	free(l->v);
	free(l->arms);
	crosslat_index_free(&l->idx);
	memset(l, 0, sizeof(*l));
}

static bool flow_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_layers *l = ctx;

	return crosslat_flow_key_equal(&l->v[entry].key, key);
}

/* key's flow, added when new; NULL when out of memory. */
static struct crosslat_layer_flow *flow_get(struct crosslat_layers *l,
					     const struct crosslat_flow_key *key,
					     uint32_t netns_inum)
{
	uint32_t hash = crosslat_flow_key_hash(key);
	int64_t i = crosslat_index_find(&l->idx, hash, flow_eq, key, l);
	struct crosslat_layer_flow *f, *v;

	if (i >= 0)
		return &l->v[i];
	v = crosslat_grow(l->v, l->nr, &l->cap, sizeof(*v));
	if (!v)
		return NULL;
	l->v = v;
	if (l->nr >= UINT32_MAX || crosslat_index_set(&l->idx, hash, flow_eq, key, l,
						      (uint32_t)l->nr))
		return NULL;
	f = &l->v[l->nr++];
	memset(f, 0, sizeof(*f));
	f->key = *key;
	f->netns_inum = netns_inum;
	return f;
}

static int add_arm(struct crosslat_layers *l, const struct crosslat_record *r)
{
	uint64_t inum, only, family, lport, rport, reason;
	struct crosslat_layer_arm *a;
	size_t llen, rlen;

	a = crosslat_grow(l->arms, l->nr_arms, &l->cap_arms, sizeof(*a));
	if (!a)
		return -ENOMEM;
	l->arms = a;
	a = &l->arms[l->nr_arms];
	memset(a, 0, sizeof(*a));
	if (crosslat_record_u64(r, "netns_inum", &inum) ||
	    crosslat_record_u64(r, "netns_only", &only) ||
	    crosslat_record_u64(r, "family", &family) ||
	    crosslat_record_u64(r, "lport", &lport) ||
	    crosslat_record_u64(r, "rport", &rport) ||
	    crosslat_record_u64(r, "reason", &reason) ||
	    crosslat_record_bytes(r, "laddr", a->laddr, sizeof(a->laddr), &llen) ||
	    crosslat_record_bytes(r, "raddr", a->raddr, sizeof(a->raddr), &rlen) ||
	    inum > UINT32_MAX || lport > UINT16_MAX || rport > UINT16_MAX || reason > 255 ||
	    (family != 4 && family != 6) || llen != sizeof(a->laddr) ||
	    rlen != sizeof(a->raddr)) {
		l->malformed++;
		return 1;
	}
	a->trace = r->trace;
	a->ts_ns = r->ts_ns;
	a->netns_inum = (uint32_t)inum;
	a->netns_only = !!only;
	a->family = (uint8_t)family;
	a->lport = (uint16_t)lport;
	a->rport = (uint16_t)rport;
	a->reason = (uint8_t)reason;
	l->nr_arms++;
	l->events++;
	return 1;
}

int crosslat_layers_add(struct crosslat_layers *l, const struct crosslat_record *r)
{
	uint64_t point, seq, len;
	struct crosslat_layer_seen *s;
	struct crosslat_layer_flow *f;
	struct crosslat_flow_key key;
	int64_t ifindex, pid;
	uint32_t inum;
	const char *comm;

	if (strncmp(r->name, "crosslat_rtt_layer_", 19))
		return 0;
	if (!strcmp(r->name, CROSSLAT_EV_LAYER_ARM))
		return add_arm(l, r);
	if (strcmp(r->name, CROSSLAT_EV_LAYER_SOCK) && strcmp(r->name, CROSSLAT_EV_LAYER_NF) &&
	    strcmp(r->name, CROSSLAT_EV_LAYER_DEV))
		return 0;
	if (!r->has_ts || crosslat_flow_key_read(r, &key, &inum) ||
	    crosslat_record_u64(r, "point", &point) || crosslat_record_u64(r, "seq", &seq) ||
	    crosslat_record_u64(r, "len", &len) || !point || point >= CROSSLAT_LAYER_POINTS ||
	    seq > UINT32_MAX || len > UINT32_MAX) {
		l->malformed++;
		return 1;
	}
	f = flow_get(l, &key, inum);
	if (!f)
		return -ENOMEM;
	s = crosslat_grow(f->seen, f->nr_seen, &f->cap_seen, sizeof(*s));
	if (!s)
		return -ENOMEM;
	f->seen = s;
	s = &f->seen[f->nr_seen++];
	s->ts_ns = r->ts_ns;
	s->seq = (uint32_t)seq;
	s->len = (uint32_t)len;
	s->point = (uint8_t)point;
	s->ifindex = crosslat_record_s64(r, "ifindex", &ifindex) ? 0 : (int32_t)ifindex;
	f->events[point]++;
	if (!f->task[0] && !crosslat_record_s64(r, "pid", &pid) && pid > 0 &&
	    !crosslat_record_str(r, "comm", &comm))
		snprintf(f->task, sizeof(f->task), "%.16s[%lld]", comm, (long long)pid);
	l->events++;
	return 1;
}

/* Order of the points along a segment's way, for sightings at the same time. */
static int point_rank(uint8_t point)
{
	static const int rank[CROSSLAT_LAYER_POINTS] = {
		[CROSSLAT_LAYER_SOCK_SEND] = 0, [CROSSLAT_LAYER_NF_OUT] = 1,
		[CROSSLAT_LAYER_DEV_QUEUE] = 2, [CROSSLAT_LAYER_DEV_XMIT] = 3,
		[CROSSLAT_LAYER_DEV_RECV] = 4, [CROSSLAT_LAYER_NF_IN] = 5,
		[CROSSLAT_LAYER_SOCK_RECV] = 6,
	};

	return rank[point];
}

static int cmp_time(const void *x, const void *y)
{
	const struct crosslat_layer_seen *a = x, *b = y;

	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	return point_rank(a->point) - point_rank(b->point);
}

/* By sequence number relative to *base (an armed flow's span far less than 2^31). */
static int cmp_seq_time(const void *x, const void *y, void *base)
{
	const struct crosslat_layer_seen *a = x, *b = y;
	uint32_t ra = a->seq - *(uint32_t *)base, rb = b->seq - *(uint32_t *)base;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return cmp_time(x, y);
}

static int lat_add(struct crosslat_layer_flow *f, enum crosslat_layer_stage st, int64_t from,
		   int64_t to)
{
	struct crosslat_layer_stage_lat *sl = &f->stage[st];
	uint64_t *v;

	if (to < from)
		return 0;
	v = crosslat_grow(sl->lat, sl->nr, &sl->cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	sl->lat = v;
	sl->lat[sl->nr++] = (uint64_t)(to - from);
	return 0;
}

/*
 * The call among calls[0..n) (in time order, so in order of their sequence numbers) whose
 * bytes hold seq, or NULL.
 */
static const struct crosslat_layer_seen *call_of(const struct crosslat_layer_seen *calls,
						 size_t n, uint32_t seq)
{
	size_t a = 0, b = n;
	uint32_t rel;

	if (!n)
		return NULL;
	rel = seq - calls[0].seq;
	if (rel >= 0x80000000u)
		return NULL;	/* before the first call */
	while (a < b) {		/* the first call starting after seq */
		size_t m = a + (b - a) / 2;

		if (calls[m].seq - calls[0].seq <= rel)
			a = m + 1;
		else
			b = m;
	}
	if (!a)
		return NULL;
	a--;
	return rel - (calls[a].seq - calls[0].seq) < calls[a].len ? &calls[a] : NULL;
}

/* Points of one direction: the socket call, then the data sightings in their order. */
struct direction {
	uint8_t call, nf, dev_first, dev_second;	/* dev_second 0: none */
	bool call_before;	/* the call comes before the segment (send) or after (read) */
};

static const struct direction egress = {
	CROSSLAT_LAYER_SOCK_SEND, CROSSLAT_LAYER_NF_OUT, CROSSLAT_LAYER_DEV_QUEUE,
	CROSSLAT_LAYER_DEV_XMIT, true,
};

static const struct direction ingress = {
	CROSSLAT_LAYER_SOCK_RECV, CROSSLAT_LAYER_NF_IN, CROSSLAT_LAYER_DEV_RECV, 0, false,
};

/*
 * Egress, per sequence number: the first LOCAL_OUT; the first dev queue after it, the
 * first dev xmit on that device after that. Ingress: the first dev receive; the first
 * LOCAL_IN after it (or the first at all). Then the call holding the segment's first byte.
 */
static int match_direction(struct crosslat_layer_flow *f, const struct direction *d,
			   struct crosslat_layer_seen *tmp)
{
	struct crosslat_layer_seen *calls = tmp;
	size_t nc = 0, nd = 0, i, j;
	struct crosslat_layer_seen *data;
	uint32_t base;
	int err;

	for (i = 0; i < f->nr_seen; i++)	/* in time order */
		if (f->seen[i].point == d->call && f->seen[i].len)
			calls[nc++] = f->seen[i];
	data = calls + nc;
	for (i = 0; i < f->nr_seen; i++) {
		uint8_t p = f->seen[i].point;

		if (f->seen[i].len &&
		    (p == d->nf || p == d->dev_first || (d->dev_second && p == d->dev_second)))
			data[nd++] = f->seen[i];
	}
	if (!nd)
		return 0;
	base = data[0].seq;
	qsort_r(data, nd, sizeof(*data), cmp_seq_time, &base);
	for (i = 0; i < nd; i = j) {
		const struct crosslat_layer_seen *nf = NULL, *first = NULL, *second = NULL;
		const struct crosslat_layer_seen *call;
		unsigned int nfs = 0;

		for (j = i; j < nd && data[j].seq == data[i].seq; j++) {
			const struct crosslat_layer_seen *s = &data[j];

			if (s->point == d->nf) {
				if (!nfs++)
					nf = s;
			} else if (s->point == d->dev_first) {
				if (!first && (!d->call_before || (nf && s->ts_ns >= nf->ts_ns)))
					first = s;
			} else if (first && !second && s->ifindex == first->ifindex &&
				   s->ts_ns >= first->ts_ns) {
				second = s;
			}
		}
		if (d->call_before) {
			f->retrans += nfs > 1 ? nfs - 1 : 0;
			err = 0;
			if (nf && first)
				err = lat_add(f, CROSSLAT_STAGE_OUT, nf->ts_ns, first->ts_ns);
			if (!err && first && second)
				err = lat_add(f, CROSSLAT_STAGE_QDISC, first->ts_ns, second->ts_ns);
		} else {
			err = nf && first ? lat_add(f, CROSSLAT_STAGE_IN, first->ts_ns, nf->ts_ns) : 0;
		}
		if (err)
			return err;
		if (!nf)
			continue;
		call = call_of(calls, nc, nf->seq);
		if (!call || (d->call_before ? call->ts_ns > nf->ts_ns : call->ts_ns < nf->ts_ns)) {
			f->unmatched++;
			continue;
		}
		err = d->call_before ? lat_add(f, CROSSLAT_STAGE_SEND, call->ts_ns, nf->ts_ns) :
				       lat_add(f, CROSSLAT_STAGE_READ, nf->ts_ns, call->ts_ns);
		if (err)
			return err;
	}
	return 0;
}

int crosslat_layers_finish(struct crosslat_layers *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		struct crosslat_layer_flow *f = &l->v[i];
		struct crosslat_layer_seen *tmp;
		unsigned int s;
		int err;

		if (!f->nr_seen)
			continue;
		qsort(f->seen, f->nr_seen, sizeof(*f->seen), cmp_time);
		tmp = malloc(f->nr_seen * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		err = match_direction(f, &egress, tmp);
		if (!err)
			err = match_direction(f, &ingress, tmp);
		free(tmp);
		if (err)
			return err;
		free(f->seen);
		f->seen = NULL;
		f->nr_seen = f->cap_seen = 0;
		for (s = 0; s < CROSSLAT_STAGE_NR; s++) {
			struct crosslat_layer_stage_lat *sl = &f->stage[s];

			if (!sl->nr)
				continue;
			crosslat_sort_u64(sl->lat, sl->nr);
			sl->p50 = crosslat_percentile(sl->lat, sl->nr, 50);
			sl->p90 = crosslat_percentile(sl->lat, sl->nr, 90);
			sl->max = sl->lat[sl->nr - 1];
		}
	}
	return 0;
}

const char *crosslat_arm_reason_name(uint8_t reason, char *buf, size_t len)
{
	switch (reason) {
	case 1:
		return "alert";
	case 2:
		return "manual";
	default:
		snprintf(buf, len, "reason %u", reason);
		return buf;
	}
}
