// SPDX-License-Identifier: GPL-2.0-only
/* The mapping table, from crosslat_map_* event records, tolerant of missing fields. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "record.h"

void crosslat_maps_init(struct crosslat_maps *mt)
{
	memset(mt, 0, sizeof(*mt));
}

void crosslat_maps_uninit(struct crosslat_maps *mt)
{
	free(mt->v);
	crosslat_index_free(&mt->idx);
	memset(mt, 0, sizeof(*mt));
}

static bool tuple_equal(const struct crosslat_map_tuple *a, const struct crosslat_map_tuple *b)
{
	return a->family == b->family && a->proto == b->proto && a->sport == b->sport &&
	       a->dport == b->dport && !memcmp(a->saddr, b->saddr, sizeof(a->saddr)) &&
	       !memcmp(a->daddr, b->daddr, sizeof(a->daddr));
}

static uint32_t key_hash(const struct crosslat_map_key *k)
{
	const struct crosslat_map_tuple *t = &k->inner;
	uint32_t h = CROSSLAT_HASH_INIT;

	h = crosslat_hash_bytes(h, &k->netns_cookie, sizeof(k->netns_cookie));
	h = crosslat_hash_bytes(h, &k->trace, sizeof(k->trace));
	h = crosslat_hash_bytes(h, &k->dir, sizeof(k->dir));
	h = crosslat_hash_bytes(h, &t->family, sizeof(t->family));
	h = crosslat_hash_bytes(h, &t->proto, sizeof(t->proto));
	h = crosslat_hash_bytes(h, &t->sport, sizeof(t->sport));
	h = crosslat_hash_bytes(h, &t->dport, sizeof(t->dport));
	h = crosslat_hash_bytes(h, t->saddr, sizeof(t->saddr));
	return crosslat_hash_bytes(h, t->daddr, sizeof(t->daddr));
}

static bool map_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_map_key *a = &((const struct crosslat_maps *)ctx)->v[entry].key;
	const struct crosslat_map_key *b = key;

	return a->netns_cookie == b->netns_cookie && a->trace == b->trace &&
	       a->dir == b->dir && tuple_equal(&a->inner, &b->inner);
}

/* Reads tuple "<p>_family", "<p>_proto", ...; the family and addresses are required. */
static int read_tuple(const struct crosslat_record *r, const char *p,
		      struct crosslat_map_tuple *t)
{
	char name[32];
	uint64_t v;
	size_t len;

	memset(t, 0, sizeof(*t));
	snprintf(name, sizeof(name), "%s_family", p);
	if (crosslat_record_u64(r, name, &v) || (v != 4 && v != 6))
		return -EINVAL;
	t->family = v;
	snprintf(name, sizeof(name), "%s_saddr", p);
	if (crosslat_record_bytes(r, name, t->saddr, sizeof(t->saddr), &len) ||
	    len != sizeof(t->saddr))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s_daddr", p);
	if (crosslat_record_bytes(r, name, t->daddr, sizeof(t->daddr), &len) ||
	    len != sizeof(t->daddr))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s_proto", p);
	t->proto = crosslat_record_u64_or(r, name, 0);
	snprintf(name, sizeof(name), "%s_sport", p);
	t->sport = crosslat_record_u64_or(r, name, 0);
	snprintf(name, sizeof(name), "%s_dport", p);
	t->dport = crosslat_record_u64_or(r, name, 0);
	return 0;
}

/* The optional pod_* fields into m (present only when the pod is known). */
static void read_pod(const struct crosslat_record *r, struct crosslat_mapping *m)
{
	size_t len;
	uint64_t v;

	if (crosslat_record_u64(r, "pod_netns_cookie", &v) || !v)
		return;
	m->pod.netns_cookie = v;
	m->pod.netns_inum = crosslat_record_u64_or(r, "pod_netns_inum", 0);
	m->pod.cgroup_id = crosslat_record_u64_or(r, "pod_cgroup_id", 0);
	m->pod.pid = crosslat_record_u64_or(r, "pod_pid", 0);
	memset(m->pod.comm, 0, sizeof(m->pod.comm));
	if (crosslat_record_bytes(r, "pod_comm", (uint8_t *)m->pod.comm,
				  sizeof(m->pod.comm) - 1, &len))
		m->pod.comm[0] = '\0';
	m->present |= CROSSLAT_MAP_POD;
}

/* The mapping of key, added when new; NULL when out of memory. */
static struct crosslat_mapping *mapping(struct crosslat_maps *mt,
					const struct crosslat_map_key *k)
{
	uint32_t h = key_hash(k);
	int64_t i = crosslat_index_find(&mt->idx, h, map_eq, k, mt);
	struct crosslat_mapping *m;

	if (i >= 0)
		return &mt->v[i];
	if (mt->nr == mt->cap) {
		size_t cap = mt->cap ? mt->cap * 2 : 32;
		struct crosslat_mapping *v = realloc(mt->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		mt->v = v;
		mt->cap = cap;
	}
	if (mt->nr >= UINT32_MAX || crosslat_index_set(&mt->idx, h, map_eq, k, mt, mt->nr))
		return NULL;
	m = &mt->v[mt->nr++];
	memset(m, 0, sizeof(*m));
	m->key = *k;
	return m;
}

int crosslat_maps_add(struct crosslat_maps *mt, const struct crosslat_record *r)
{
	struct crosslat_mapping *m;
	struct crosslat_map_key k;
	bool del;
	uint64_t v;

	if (!r->name || strncmp(r->name, "crosslat_map_", 13))
		return 0;
	if (!strcmp(r->name, CROSSLAT_EV_MAP_DEL))
		del = true;
	else if (!strcmp(r->name, CROSSLAT_EV_MAP_ADD))
		del = false;
	else
		return 0;

	memset(&k, 0, sizeof(k));
	k.trace = r->trace;
	if (crosslat_record_u64(r, "netns_cookie", &k.netns_cookie) ||
	    crosslat_record_u64(r, "dir", &v) || v > UINT8_MAX ||
	    read_tuple(r, "in", &k.inner)) {
		mt->malformed++;
		return 1;
	}
	k.dir = v;
	m = mapping(mt, &k);
	if (!m)
		return -ENOMEM;

	m->netns_inum = crosslat_record_u64_or(r, "netns_inum", m->netns_inum);
	if (!read_tuple(r, "out", &m->outer)) {
		m->present |= CROSSLAT_MAP_OUTER;
		m->tunnel = crosslat_record_u64_or(r, "tunnel", 0);
		m->vni = crosslat_record_u64_or(r, "vni", 0);
	}
	if (!crosslat_record_u64(r, "nat", &v)) {
		m->nat = v;
		m->present |= CROSSLAT_MAP_NAT;
	}
	read_pod(r, m);
	if (del) {
		m->dels++;
		m->deleted = true;
		m->first_ns = crosslat_record_u64_or(r, "first_ns", 0);
		m->last_ns = crosslat_record_u64_or(r, "last_ns", 0);
		m->packets = crosslat_record_u64_or(r, "packets", 0);
		m->bytes = crosslat_record_u64_or(r, "bytes", 0);
		m->present |= CROSSLAT_MAP_TOTALS;
	} else {
		m->adds++;
		m->deleted = false;
		if (crosslat_record_u64_or(r, "reason", 0) == 1)
			m->changes++;
	}
	if (r->has_ts) {
		if (!m->ev_timed || r->ts_ns < m->ev_first_ns)
			m->ev_first_ns = r->ts_ns;
		if (!m->ev_timed || r->ts_ns > m->ev_last_ns)
			m->ev_last_ns = r->ts_ns;
		m->ev_timed = true;
	}
	return 1;
}

const struct crosslat_mapping *crosslat_maps_find(const struct crosslat_maps *mt,
						  const struct crosslat_map_key *key)
{
	int64_t i = crosslat_index_find(&mt->idx, key_hash(key), map_eq, key, mt);

	return i < 0 ? NULL : &mt->v[i];
}
