/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pods behind a verdict. A service's pods are the network namespaces its spans ran in
 * (their annotate's net_ns), per kernel trace (host). crosslat_map's mappings name the pod
 * at their local end (namespace, cgroup, process) and the flow's inner (pod) tuple, so they
 * give each pod its address and process, and the pod flows from one service's pods to
 * another's: an inner tuple that the caller's host encapsulated with the caller's pod at
 * its end and that the callee's host decapsulated with the callee's pod at its end, with
 * the underlay tuple each host used. A mapping outlives its connection (until it idles
 * out), so when crosslat_req saw sockets of the caller's pod, only the pod flows that are
 * such a socket's are the traces' own.
 */
#ifndef _CROSSLAT_PODS_H
#define _CROSSLAT_PODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "maps.h"
#include "reqdag.h"

struct crosslat_record;
struct crosslat_spans;

/* Pods kept per service, pod flows per pair of services; more are counted. */
#define CROSSLAT_PODS_MAX	4
#define CROSSLAT_POD_FLOWS_MAX	8

struct crosslat_pod {
	uint32_t trace;		/* the kernel trace of the spans (a host) */
	uint64_t netns;		/* network namespace inode */
	uint32_t spans;		/* of the service in it */
	bool mapped;		/* a mapping names it: the fields below are known */
	uint64_t cgroup_id;
	uint32_t pid;
	char comm[17];
	uint8_t family;		/* 4 or 6: addr is the pod's address (its flows' local end) */
	uint8_t addr[16];
};

struct crosslat_pod_flow {
	struct crosslat_map_tuple inner;	/* caller's pod -> callee's pod */
	const struct crosslat_mapping *out;	/* the caller's host, encapsulating it */
	const struct crosslat_mapping *in;	/* the callee's host, decapsulating it */
};

struct crosslat_pod_set {
	struct crosslat_pod pods[CROSSLAT_PODS_MAX];	/* of the service, most spans first */
	uint32_t nr, more;
};

struct crosslat_pod_flows {
	struct crosslat_pod_flow v[CROSSLAT_POD_FLOWS_MAX];	/* in mapping order */
	uint32_t nr, more;
	uint32_t unused;	/* pod flows left out: no socket of them in the traces */
	bool checked;		/* the flows are sockets crosslat_req saw */
};

/* The sockets of crosslat_req events: (trace, netns, addresses and ports). */
struct crosslat_pod_socks {
	struct crosslat_rq_tuple *v;
	size_t nr, cap;
	struct crosslat_index idx;
};

void crosslat_pod_socks_init(struct crosslat_pod_socks *ps);
void crosslat_pod_socks_uninit(struct crosslat_pod_socks *ps);

/* Takes r's socket when it is a crosslat_req socket event: 1; another event 0; -ENOMEM. */
int crosslat_pod_socks_add(struct crosslat_pod_socks *ps, const struct crosslat_record *r);

/* The pods of service in sp, each completed from the mappings of mt (NULL: none). */
void crosslat_pods_of(struct crosslat_pod_set *ps, const struct crosslat_spans *sp,
		      const struct crosslat_maps *mt, const char *service);

/*
 * The pod flows from the pods of caller to those of callee; with socks (may be NULL), when
 * some are sockets seen in the caller's pods, those only.
 */
void crosslat_pod_flows(struct crosslat_pod_flows *pf, const struct crosslat_maps *mt,
			const struct crosslat_pod_socks *socks,
			const struct crosslat_pod_set *caller,
			const struct crosslat_pod_set *callee);

#endif /* _CROSSLAT_PODS_H */
