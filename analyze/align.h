/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Clock alignment of traces from several hosts by the TCP bytes one host wrote and another
 * read: a crosslat_req_send on one host and the crosslat_req_recv that starts at the same
 * sequence number of the same connection on another. Each such pair says the read came
 * after the write; pairs in both directions between two hosts bound the clock relation from
 * both sides. As in the convex-hull synchronization of Trace Compass (Duda's method), the
 * relation is a line t_other = (1 + drift) * t_ref + offset: the set of lines that keep
 * every write before its read is convex; the line kept is the one farthest from both sets
 * of constraints (the largest margin), and the error bound is that margin: any line the
 * pairs allow is within it at the pairs' times.
 *
 * Traces of one host (its kernel and user-space traces: same hostname) share a clock.
 * The host with the most pairs is the reference; every other host is aligned to it, or
 * through a host already aligned (bounds add up). A host without pairs both ways with an
 * aligned one stays unaligned.
 */
#ifndef _CROSSLAT_ALIGN_H
#define _CROSSLAT_ALIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;
struct crosslat_trace_info;

enum crosslat_align_status {
	CROSSLAT_ALIGN_REFERENCE,
	CROSSLAT_ALIGN_ALIGNED,
	CROSSLAT_ALIGN_ONE_WAY,		/* pairs in one direction only: no bound */
	CROSSLAT_ALIGN_INCONSISTENT,	/* no line keeps every write before its read */
	CROSSLAT_ALIGN_UNALIGNED,	/* no pair with an aligned host */
	CROSSLAT_ALIGN_STATUS_NR
};

extern const char *const crosslat_align_status_names[CROSSLAT_ALIGN_STATUS_NR];

/* Drift searched within +-CROSSLAT_ALIGN_MAX_PPM parts per million. */
#define CROSSLAT_ALIGN_MAX_PPM	1000.0

struct crosslat_align_host {
	const char *hostname;	/* NULL: a trace without one (its own host) */
	uint32_t first_trace;	/* a trace of this host */
	uint32_t traces;
	uint8_t status;		/* enum crosslat_align_status */
	int32_t via;		/* the host it was aligned to, -1 for the reference */
	uint64_t pairs_to, pairs_from;	/* with `via`: its writes read there, and back */
	/* host time = (1 + drift) * (reference time - origin_ns) + origin_ns + offset_ns */
	int64_t origin_ns;
	double offset_ns, drift_ppm, bound_ns;
	double span_ns;		/* reference time from origin_ns to its last pair */
	/* one-way latency (read - write, reference time) of its pairs with `via`, medians */
	double lat_to_ns, lat_from_ns;
};

/* One-way latencies (reference clock) of an aligned host's pairs, per direction and port. */
struct crosslat_align_link {
	uint32_t from, to;	/* writer and reader hosts */
	uint16_t port;		/* the connection's lower port (its service's) */
	uint64_t pairs;
	double min_ns, p50_ns, p90_ns;
};

struct crosslat_align_send;
struct crosslat_align_recv;

struct crosslat_align {
	uint32_t *host_of;	/* trace -> host */
	size_t nr_traces;
	struct crosslat_align_host *host;
	size_t nr_hosts;
	int32_t reference;	/* the reference host, -1 before finish or without pairs */
	struct crosslat_align_send *send;
	size_t nr_send, cap_send;
	struct crosslat_index send_idx;
	struct crosslat_align_recv *recv;
	size_t nr_recv, cap_recv;
	uint64_t events, malformed;
	uint64_t pairs;		/* writes read on another host */
	struct crosslat_align_link *link;	/* of aligned hosts with their `via` */
	size_t nr_link, cap_link;
};

void crosslat_align_init(struct crosslat_align *al);
void crosslat_align_uninit(struct crosslat_align *al);

/* Takes r when it is a crosslat_req_send or _recv: 1 when used, 0, -ENOMEM. */
int crosslat_align_add(struct crosslat_align *al, const struct crosslat_record *r);

/*
 * Once every record is in: groups the traces into hosts by hostname, matches writes and
 * reads across hosts and aligns the hosts; 0 or -ENOMEM.
 */
int crosslat_align_finish(struct crosslat_align *al, const struct crosslat_trace_info *traces,
			  size_t nr_traces);

/*
 * One constant for an aligned host's clock: *shift_ns, its time minus the reference's in the
 * middle of its pairs, and *bound_ns, the error of that constant anywhere among its pairs
 * (the fit's bound, plus the drift over half their span).
 */
void crosslat_align_constant(const struct crosslat_align_host *h, double *shift_ns,
			     double *bound_ns);

/* A time of trace `trace` in the reference host's clock (itself when not aligned). */
int64_t crosslat_align_to_ref(const struct crosslat_align *al, uint32_t trace, int64_t ts);

#endif /* _CROSSLAT_ALIGN_H */
