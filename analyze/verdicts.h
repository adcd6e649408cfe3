/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Verdicts: why each slow request was slow. A request is a root span of the application
 * spans (crosslat_spans) with its descendants of the same host and trace id. Its latency
 * is split along the critical path (from its end backwards, into the child span that ended
 * last, recursively) into parts:
 *   - a span whose critical child belongs to another service is a call: its own time (the
 *     part not covered by its children) is the way there and back. The calling thread's
 *     runqueue wait in it is the sender host's (SEND), the rest the network's (NET: the
 *     underlay, both hosts' stacks and sidecars between the two services);
 *   - any other span's own time is its service's: runqueue wait (RUNQ, CPU contention on
 *     the receiving host) and the rest (APP: the handler's own work and blocking).
 * With the scheduler's events (params sched) and crosslat_pkt's hops (params hops), a
 * call's time is split further: see struct crosslat_verdict_params.
 * Each part is compared with its baseline, the median of the same part (kind, service,
 * peer) over every span of a baseline trace set (a run without the fault, or the same
 * traces); its excess is the time above that median. A slow request's verdict is the
 * domain (sender host, network, receiver host) holding at least half of its excess, and
 * its culprit the part of that domain with the largest excess; no domain that large or an
 * excess under the floor: no culprit.
 */
#ifndef _CROSSLAT_VERDICTS_H
#define _CROSSLAT_VERDICTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crosslat_span;
struct crosslat_spans;

enum crosslat_domain {
	CROSSLAT_DOMAIN_NONE,		/* no culprit */
	CROSSLAT_DOMAIN_SENDER,		/* the calling host */
	CROSSLAT_DOMAIN_NETWORK,
	CROSSLAT_DOMAIN_RECEIVER,	/* the host serving the span */
	CROSSLAT_DOMAIN_NR,
};

enum crosslat_part_kind {
	CROSSLAT_PART_APP,	/* a service's own time, not waiting for a CPU */
	CROSSLAT_PART_RUNQ,	/* a service's runqueue wait */
	CROSSLAT_PART_NET,	/* a call's time outside the callee, less SEND */
	CROSSLAT_PART_SEND,	/* the calling host's part of a call (its pod's CPU waits; with
				 * crosslat_pkt, the request's way out of the caller's pod) */
	CROSSLAT_PART_RECV,	/* with crosslat_pkt: from the request at the callee's pod port
				 * to its span's begin (sidecar, queueing in the callee) */
	CROSSLAT_PART_NR,
};

extern const char *const crosslat_domain_names[CROSSLAT_DOMAIN_NR];
extern const char *const crosslat_part_names[CROSSLAT_PART_NR];

/* The domain a part's time belongs to. */
enum crosslat_domain crosslat_part_domain(enum crosslat_part_kind kind);

/* Parts kept per request (the critical path's distinct parts); more are counted. */
#define CROSSLAT_REQUEST_PARTS	16

struct crosslat_part {
	uint8_t kind;		/* enum crosslat_part_kind */
	const char *service;	/* the span's service (NET, SEND: the caller's) */
	const char *peer;	/* NET, SEND: the callee's service; else NULL */
	uint64_t ns;		/* the request's time in this part, on its critical path */
	uint64_t base_ns;	/* the baseline's median of the part; 0 if it has none */
	bool has_base;
};

struct crosslat_request {
	const struct crosslat_span *root;
	int64_t start_ns;	/* the root's start, trace time */
	uint64_t latency_ns;
	uint64_t excess_ns;	/* latency above the baseline's median latency */
	bool slow;		/* latency above the threshold */
	uint8_t domain;		/* enum crosslat_domain; NONE when not slow or no culprit */
	int culprit;		/* index in parts, -1: none */
	uint64_t domain_ns[CROSSLAT_DOMAIN_NR];	/* excess of the parts per domain */
	uint32_t spans;		/* spans of the request (same host and trace id) */
	uint32_t nr_parts;
	uint32_t parts_dropped;	/* parts past CROSSLAT_REQUEST_PARTS */
	struct crosslat_part parts[CROSSLAT_REQUEST_PARTS];
};

/* Slow requests sharing a verdict: domain and culprit part (kind, service, peer). */
struct crosslat_verdict_group {
	uint8_t domain, kind;
	const char *service, *peer;
	uint32_t requests;
	uint64_t excess_ns;	/* the culprit parts' excess, summed */
	uint64_t latency_ns;	/* the requests' latency, summed */
	bool culprit;		/* named for the run: a domain, in at least 3 requests and 2% */
};

struct crosslat_sched;

struct crosslat_verdict_params {
	uint64_t slow_ns;	/* slow above this latency; 0: the default (see below) */
	uint64_t floor_ns;	/* least excess named a culprit; 0: the default */
	/*
	 * the floor is at least this: the error bound of the clocks' alignment when spans
	 * of several hosts are compared (across_hosts), so that no verdict rests on less
	 */
	uint64_t min_floor_ns;
	/*
	 * The runqueue waits per pod of the judged traces and of the baseline's (finished),
	 * or NULL. With them, a call's time is also split by its pods' waits: while the call
	 * was on its way (outside the callee's span), the time some task of the callee's pod
	 * waited for a CPU (its sidecar, the thread that will read the request) is the
	 * receiver host's, then the time some task of the caller's pod waited the sender
	 * host's, each less the share of the call's time the baseline's pods usually wait
	 * (per caller and callee: the median over its calls); the pods are the spans'
	 * net_ns contexts.
	 */
	const struct crosslat_sched *sched, *base_sched;
	/*
	 * crosslat_pkt_hop segments of the judged traces and of the baseline's (finished),
	 * or NULL: a call whose request was seen leaving the caller's pod port and reaching
	 * the callee's (the segment's span id is the call span's) has the request's way
	 * split there: the caller's host until it left its pod (send), the network between
	 * the two pod ports (net), the callee's host from its pod port to its span (recv).
	 */
	const struct crosslat_hops *hops, *base_hops;
	/*
	 * A request's spans on several hosts (traces of several hostnames read with their
	 * clocks aligned, --align): grouped by trace id alone; else per host and trace id.
	 */
	bool across_hosts;
};

struct crosslat_part_base;

struct crosslat_verdicts {
	struct crosslat_request *req;	/* oldest first */
	size_t nr;
	size_t nr_slow, nr_named;	/* slow requests; of those, with a culprit */
	uint64_t threshold_ns;	/* slow above this */
	uint64_t floor_ns;
	/* the baseline */
	size_t base_requests;
	uint64_t base_p50_ns, base_p90_ns, base_p99_ns;	/* its latencies */
	struct crosslat_part_base *base;	/* per part: its median */
	size_t nr_base;
	/*
	 * slow requests grouped by verdict (NONE included), most requests first; a group with
	 * a domain is the run's culprit when it holds at least 3 requests and 2% of all (a
	 * fault-free run has about 1% of its requests above its own 99th percentile)
	 */
	struct crosslat_verdict_group *groups;
	size_t nr_groups, nr_culprits;
	uint64_t orphans;	/* spans whose root is not in the traces (cut at the edges) */
};

/*
 * Judges the requests of sp against the baseline base (may be sp itself; both outlive v).
 * Default threshold: the baseline's median latency plus twice the distance from its median
 * to its 90th percentile (a tail's reach, steadier than a 99th percentile of a few hundred
 * requests), at least 1.5 times its median. Default floor: a quarter of the threshold's distance to the baseline median, at
 * least 1 ms. Returns 0 or -ENOMEM.
 */
int crosslat_verdicts_build(struct crosslat_verdicts *v, const struct crosslat_spans *sp,
			    const struct crosslat_spans *base,
			    const struct crosslat_verdict_params *params);

void crosslat_verdicts_free(struct crosslat_verdicts *v);

#endif /* _CROSSLAT_VERDICTS_H */
