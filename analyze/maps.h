/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tunnel and NAT mappings of a trace set, from crosslat_map_add and crosslat_map_del
 * events: which outer (underlay, or NAT reply) tuple carried which inner (pod) flow. Only
 * the key fields are required; the others (NAT flags, pod, totals) are taken when present,
 * so traces of older and newer crosslat_map versions both read.
 */
#ifndef _CROSSLAT_MAPS_H
#define _CROSSLAT_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_MAP_ADD	"crosslat_map_add"
#define CROSSLAT_EV_MAP_DEL	"crosslat_map_del"

/* A directional tuple as on the wire; addresses as in the event (IPv4 as IPv4-mapped). */
struct crosslat_map_tuple {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IPPROTO_* */
	uint16_t sport, dport;
	uint8_t saddr[16];
	uint8_t daddr[16];
};

/* What identifies a mapping: the namespace that saw it, the direction, the inner flow. */
struct crosslat_map_key {
	uint64_t netns_cookie;
	uint32_t trace;
	uint8_t dir;		/* enum crosslat_map_dir: 1 encap, 2 decap, 3 nat */
	struct crosslat_map_tuple inner;
};

/* crosslat_mapping.present */
enum {
	CROSSLAT_MAP_OUTER	= 1 << 0,	/* outer, tunnel, vni */
	CROSSLAT_MAP_NAT	= 1 << 1,	/* nat (the event has the field) */
	CROSSLAT_MAP_POD	= 1 << 2,	/* pod (known: pod_netns_cookie != 0) */
	CROSSLAT_MAP_TOTALS	= 1 << 3,	/* first_ns .. bytes, from a crosslat_map_del */
};

struct crosslat_mapping {
	struct crosslat_map_key key;
	uint32_t netns_inum;
	unsigned int present;	/* CROSSLAT_MAP_* */
	uint8_t tunnel;		/* enum crosslat_map_tunnel: 1 vxlan, 2 geneve, 3 ipip */
	uint32_t vni;
	struct crosslat_map_tuple outer;
	uint8_t nat;		/* CROSSLAT_MAP_NAT_* bits: 1 source, 2 destination */
	struct {
		uint64_t netns_cookie, cgroup_id;
		uint32_t netns_inum, pid;
		char comm[17];
	} pod;
	uint64_t adds, changes, dels;	/* events; changes: adds with reason 1 (outer changed) */
	uint64_t first_ns, last_ns, packets, bytes;	/* of the latest crosslat_map_del */
	bool deleted;		/* the latest event was a crosslat_map_del */
	int64_t ev_first_ns, ev_last_ns;	/* trace time of its first and last event */
	bool ev_timed;
};

struct crosslat_maps {
	struct crosslat_mapping *v;	/* in order of first appearance */
	size_t nr, cap;
	uint64_t malformed;	/* map events without a usable key, ignored */
	struct crosslat_index idx;
};

void crosslat_maps_init(struct crosslat_maps *mt);
void crosslat_maps_uninit(struct crosslat_maps *mt);

/*
 * Takes r into the table when it is a crosslat_map_add or crosslat_map_del. Returns 1 when
 * it was one (counted in mt->malformed if unusable), 0 for another event, -ENOMEM.
 */
int crosslat_maps_add(struct crosslat_maps *mt, const struct crosslat_record *r);

/* The mapping with this key, or NULL. */
const struct crosslat_mapping *crosslat_maps_find(const struct crosslat_maps *mt,
						  const struct crosslat_map_key *key);

#endif /* _CROSSLAT_MAPS_H */
