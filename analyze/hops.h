/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-hop latency from crosslat_pkt_hop events: a TCP segment carrying a trace context seen
 * at one point of a host (a pod's port or the underlay NIC) and then at another. Events are
 * grouped per hop: the trace (host) they came from, the network namespace of the points,
 * the two interfaces and their roles, and whether the segment held a request or a
 * response; each group keeps its latencies for percentiles.
 */
#ifndef _CROSSLAT_HOPS_H
#define _CROSSLAT_HOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_PKT_HOP	"crosslat_pkt_hop"

/* Roles of crosslat_pkt's points (its enum pkt_role). */
enum {
	CROSSLAT_HOP_VPORT = 1,
	CROSSLAT_HOP_NIC = 2,
};

struct crosslat_hop_key {
	uint32_t trace;
	uint32_t netns_inum;
	int32_t from_ifindex, to_ifindex;
	uint8_t from_role, to_role;
	uint8_t is_response;
};

struct crosslat_hop {
	struct crosslat_hop_key key;
	uint64_t *lat;		/* latencies, sorted after finish */
	size_t nr, cap;
	uint64_t bytes;		/* TCP payload of its segments */
	int64_t first_ns, last_ns;	/* trace times of its first and last events */
	uint64_t p50, p90, p99, min, max;	/* after finish */
};

/* One hop event of a request segment, for the requests' own timing (verdicts). */
struct crosslat_hop_seg {
	uint8_t trace_id[16], span_id[8];	/* the segment's trace context */
	uint32_t trace;
	uint8_t from_role, to_role;
	uint64_t from_ns, to_ns;	/* CLOCK_MONOTONIC of the traced host */
};

struct crosslat_hops {
	struct crosslat_hop *v;	/* in order of first appearance */
	size_t nr, cap;
	struct crosslat_index idx;
	struct crosslat_hop_seg *seg;	/* requests' segments; by (trace id, span id) after finish */
	size_t nr_seg, cap_seg;
	uint64_t events;
	uint64_t malformed;	/* hop events without their key fields: ignored */
};

void crosslat_hops_init(struct crosslat_hops *h);
void crosslat_hops_uninit(struct crosslat_hops *h);

/* Takes r when it is a crosslat_pkt_hop: 1 (used or counted malformed), 0, -ENOMEM. */
int crosslat_hops_add(struct crosslat_hops *h, const struct crosslat_record *r);

/* Sorts each hop's latencies and takes its percentiles. */
void crosslat_hops_finish(struct crosslat_hops *h);

/*
 * After finish: the request segments whose trace context is (trace_id, span_id), the
 * span id being the caller's (traceparent's parent-id): *nr of them from the returned one.
 */
const struct crosslat_hop_seg *crosslat_hops_find(const struct crosslat_hops *h,
						  const uint8_t *trace_id, const uint8_t *span_id,
						  size_t *nr);

/* "vport" or "nic" (or "role N"). */
const char *crosslat_hop_role_name(uint8_t role, char *buf, size_t len);

#endif /* _CROSSLAT_HOPS_H */
