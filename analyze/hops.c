// SPDX-License-Identifier: GPL-2.0-only
/* Per-hop latency from crosslat_pkt_hop events, grouped per hop with percentiles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hops.h"
#include "record.h"
#include "stats.h"

void crosslat_hops_init(struct crosslat_hops *h)
{
	memset(h, 0, sizeof(*h));
}

void crosslat_hops_uninit(struct crosslat_hops *h)
{
	size_t i;

	for (i = 0; i < h->nr; i++)
		free(h->v[i].lat);
	free(h->v);
	free(h->seg);
	crosslat_index_free(&h->idx);
	memset(h, 0, sizeof(*h));
}

static bool hop_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_hops *h = ctx;

	return !memcmp(&h->v[entry].key, key, sizeof(struct crosslat_hop_key));
}

static int read_key(const struct crosslat_record *r, struct crosslat_hop_key *k)
{
	uint64_t netns, from_role, to_role, resp;
	int64_t from_if, to_if;

	if (crosslat_record_u64(r, "netns_inum", &netns) ||
	    crosslat_record_s64(r, "from_ifindex", &from_if) ||
	    crosslat_record_s64(r, "to_ifindex", &to_if) ||
	    crosslat_record_u64(r, "from_role", &from_role) ||
	    crosslat_record_u64(r, "to_role", &to_role))
		return -EINVAL;
	resp = crosslat_record_u64_or(r, "is_response", 0);
	memset(k, 0, sizeof(*k));	/* padding too: keys are compared as bytes */
	k->trace = r->trace;
	k->netns_inum = (uint32_t)netns;
	k->from_ifindex = (int32_t)from_if;
	k->to_ifindex = (int32_t)to_if;
	k->from_role = (uint8_t)from_role;
	k->to_role = (uint8_t)to_role;
	k->is_response = !!resp;
	return 0;
}

/* Keeps a request segment's hop for the requests' timing: 1, or -ENOMEM. */
static int seg_add(struct crosslat_hops *h, const struct crosslat_record *r,
		   const struct crosslat_hop_key *k, uint64_t lat)
{
	struct crosslat_hop_seg *sg;
	uint64_t from;
	size_t len;

	if (crosslat_record_u64(r, "from_ns", &from))
		return 1;
	if (h->nr_seg == h->cap_seg) {
		size_t ncap = h->cap_seg ? 2 * h->cap_seg : 256;

		sg = realloc(h->seg, ncap * sizeof(*sg));
		if (!sg)
			return -ENOMEM;
		h->seg = sg;
		h->cap_seg = ncap;
	}
	sg = &h->seg[h->nr_seg];
	memset(sg, 0, sizeof(*sg));
	if (crosslat_record_bytes(r, "trace_id", sg->trace_id, sizeof(sg->trace_id), &len) ||
	    len != sizeof(sg->trace_id) ||
	    crosslat_record_bytes(r, "span_id", sg->span_id, sizeof(sg->span_id), &len) ||
	    len != sizeof(sg->span_id))
		return 1;
	sg->trace = k->trace;
	sg->from_role = k->from_role;
	sg->to_role = k->to_role;
	sg->from_ns = from;
	sg->to_ns = from + lat;
	h->nr_seg++;
	return 1;
}

int crosslat_hops_add(struct crosslat_hops *h, const struct crosslat_record *r)
{
	struct crosslat_hop_key k;
	struct crosslat_hop *hop;
	uint64_t lat;
	uint32_t hash;
	int64_t i;

	if (strcmp(r->name, CROSSLAT_EV_PKT_HOP))
		return 0;
	if (read_key(r, &k) || crosslat_record_u64(r, "latency_ns", &lat)) {
		h->malformed++;
		return 1;
	}
	hash = crosslat_hash_bytes(CROSSLAT_HASH_INIT, &k, sizeof(k));
	i = crosslat_index_find(&h->idx, hash, hop_eq, &k, h);
	if (i < 0) {
		if (h->nr == h->cap) {
			size_t ncap = h->cap ? 2 * h->cap : 16;
			struct crosslat_hop *nv = realloc(h->v, ncap * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			h->v = nv;
			h->cap = ncap;
		}
		hop = &h->v[h->nr];
		memset(hop, 0, sizeof(*hop));
		hop->key = k;
		hop->first_ns = r->ts_ns;
		if (crosslat_index_set(&h->idx, hash, hop_eq, &k, h, (uint32_t)h->nr))
			return -ENOMEM;
		i = (int64_t)h->nr++;
	}
	hop = &h->v[i];
	if (hop->nr == hop->cap) {
		size_t ncap = hop->cap ? 2 * hop->cap : 64;
		uint64_t *nl = realloc(hop->lat, ncap * sizeof(*nl));

		if (!nl)
			return -ENOMEM;
		hop->lat = nl;
		hop->cap = ncap;
	}
	hop->lat[hop->nr++] = lat;
	hop->bytes += crosslat_record_u64_or(r, "len", 0);
	hop->last_ns = r->ts_ns;
	h->events++;
	return k.is_response ? 1 : seg_add(h, r, &k, lat);
}

static int cmp_seg(const void *x, const void *y)
{
	const struct crosslat_hop_seg *a = x, *b = y;
	int c = memcmp(a->trace_id, b->trace_id, sizeof(a->trace_id));

	if (c)
		return c;
	c = memcmp(a->span_id, b->span_id, sizeof(a->span_id));
	if (c)
		return c;
	return a->from_ns < b->from_ns ? -1 : a->from_ns > b->from_ns;
}

const struct crosslat_hop_seg *crosslat_hops_find(const struct crosslat_hops *h,
						  const uint8_t *trace_id, const uint8_t *span_id,
						  size_t *nr)
{
	struct crosslat_hop_seg key;
	size_t a = 0, b = h->nr_seg, lo;

	memcpy(key.trace_id, trace_id, sizeof(key.trace_id));
	memcpy(key.span_id, span_id, sizeof(key.span_id));
	key.from_ns = 0;
	while (a < b) {		/* the first segment not below the key */
		size_t m = a + (b - a) / 2;

		if (cmp_seg(&h->seg[m], &key) < 0)
			a = m + 1;
		else
			b = m;
	}
	lo = a;
	while (a < h->nr_seg && !memcmp(h->seg[a].trace_id, trace_id, sizeof(key.trace_id)) &&
	       !memcmp(h->seg[a].span_id, span_id, sizeof(key.span_id)))
		a++;
	*nr = a - lo;
	return *nr ? &h->seg[lo] : NULL;
}

void crosslat_hops_finish(struct crosslat_hops *h)
{
	size_t i;

	if (h->nr_seg)
		qsort(h->seg, h->nr_seg, sizeof(*h->seg), cmp_seg);

	for (i = 0; i < h->nr; i++) {
		struct crosslat_hop *hop = &h->v[i];

		if (!hop->nr)
			continue;
		crosslat_sort_u64(hop->lat, hop->nr);
		hop->min = hop->lat[0];
		hop->max = hop->lat[hop->nr - 1];
		hop->p50 = crosslat_percentile(hop->lat, hop->nr, 50);
		hop->p90 = crosslat_percentile(hop->lat, hop->nr, 90);
		hop->p99 = crosslat_percentile(hop->lat, hop->nr, 99);
	}
}

const char *crosslat_hop_role_name(uint8_t role, char *buf, size_t len)
{
	switch (role) {
	case CROSSLAT_HOP_VPORT:
		return "vport";
	case CROSSLAT_HOP_NIC:
		return "nic";
	default:
		snprintf(buf, len, "role %u", role);
		return buf;
	}
}
