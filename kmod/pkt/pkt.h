/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslat_pkt.ko internals: trace points on devices, pending sightings, hop events. */
#ifndef _CROSSLAT_PKT_H
#define _CROSSLAT_PKT_H

#include <linux/types.h>
#include <uapi/linux/crosslat.h>
#include "core/http_trace_ctx.h"

/* Roles of the devices watched. */
enum pkt_role {
	PKT_ROLE_VPORT = 1,	/* a pod's veth or bridge port */
	PKT_ROLE_NIC = 2,	/* the underlay interface */
};

#define PKT_POINTS_MAX	16

struct pkt_point {
	u32 netns_inum;
	int ifindex;
	u8 role;		/* enum pkt_role */
};

/*
 * The segment's identity in one host, the same at each of its points: the host's network
 * namespace, the innermost TCP flow and sequence (another host on the same machine, as in
 * the testbed, sees the same segment at the same time).
 */
struct pkt_key {
	u32 netns_inum;
	u8 family;
	u8 pad[3];
	u32 seq;
	u16 sport, dport;
	u8 saddr[16];
	u8 daddr[16];
};

/* A segment carrying a trace context, seen entering the host at one point. */
struct pkt_sighting {
	struct pkt_key key;
	u32 found_seq;		/* the segment the context was found in (key.seq, or later) */
	u32 twin_seq;		/* the sequence of this sighting's other copy (key.seq: none) */
	u64 ts_ns;
	u32 len;		/* TCP payload bytes (of a GSO packet: all its segments) */
	u32 netns_inum;
	int ifindex;
	u8 role;
	u8 kind;		/* enum crosslat_trace_ctx_kind */
	u8 is_response;
	u16 cpu;
	pid_t pid;		/* 0 when not in process context */
	char comm[16];
	u8 trace_id[16];
	u8 span_id[8];
};

/* The second point: where and when the segment left. */
struct pkt_exit {
	u64 ts_ns;
	u32 netns_inum;
	int ifindex;
	u8 role;
	u16 cpu;
};

/* Counters (enum crosslat_stat from CROSSLAT_STAT_PKT_SCANNED on), per CPU. */
#define PKT_CNT_FIRST	CROSSLAT_STAT_PKT_SCANNED
#define PKT_CNT_NR	(CROSSLAT_STAT_PKT_UNMATCHED - PKT_CNT_FIRST + 1)
struct pkt_counters {
	u64 v[PKT_CNT_NR];
};
extern struct pkt_counters __percpu *pkt_counters;

static inline void pkt_count(enum crosslat_stat s)
{
	this_cpu_inc(pkt_counters->v[s - PKT_CNT_FIRST]);
}

/* main.c: the points, set by the "points" parameter. */
const struct pkt_point *pkt_point_find(u32 netns_inum, int ifindex);
bool pkt_has_points(void);
extern unsigned int pkt_scan_max;

/* pending.c: sightings waiting for their second point. */
int pkt_pending_init(unsigned int slots);
void pkt_pending_exit(void);
void pkt_pending_add(const struct pkt_sighting *s);
/*
 * Takes the sighting of key out into *s if the exit's len bytes hold its found_seq; false
 * if none (or too old).
 */
bool pkt_pending_take(const struct pkt_key *key, u32 len, u64 now, struct pkt_sighting *s);
bool pkt_pending_any(void);
u64 pkt_pending_nr(void);
/* Partial scans: the state of a header block continued in the segment at next. */
int pkt_partial_init(unsigned int slots);
void pkt_partial_exit(void);
void pkt_partial_put(const struct pkt_key *next, const struct crosslat_http_ctx_scan *scan,
		     u32 start_seq, u64 now);
/* Whether some header block awaits its next segment. */
bool pkt_partial_any(void);
bool pkt_partial_take(const struct pkt_key *key, u64 now, struct crosslat_http_ctx_scan *scan,
		      u32 *start_seq);

/* probes.c */
int pkt_probes_register(void);
void pkt_probes_unregister(void);

/* netlink.c */
int pkt_netlink_init(void);
void pkt_netlink_exit(void);

#endif /* _CROSSLAT_PKT_H */
