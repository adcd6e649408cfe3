/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * crosslat control plane: the generic netlink family "crosslat", shared by the kernel
 * modules and the userspace tools.
 *
 * Commands
 *   CROSSLAT_CMD_GET_STATS  (any user)   reply: CROSSLAT_A_VERSION, CROSSLAT_A_STATS
 *   CROSSLAT_CMD_MARK       (CAP_NET_ADMIN) request: CROSSLAT_A_MARK_ID (required),
 *                           CROSSLAT_A_MARK_LABEL (optional). Emits the crosslat_mark
 *                           tracepoint, so a tool can put a named marker into the kernel
 *                           trace (phase boundaries, test checkpoints, clock alignment).
 *
 * Commands served by crosslat_rtt.ko (-EOPNOTSUPP while it is not loaded)
 *   CROSSLAT_CMD_FLOW_GET   (any user)   dump: one message per tracked TCP flow, each with
 *                           one CROSSLAT_A_FLOW nest (CROSSLAT_FLOW_A_*). A request from a
 *                           network namespace other than the initial one sees only that
 *                           namespace's flows.
 *   CROSSLAT_CMD_THRESH_SET (CAP_NET_ADMIN) request: CROSSLAT_A_THRESH (CROSSLAT_THRESH_A_*
 *                           selector + CROSSLAT_THRESH_A_RTT_NS). Adds the rule, or replaces
 *                           the rule with the same selector. -ENOSPC past
 *                           CROSSLAT_THRESH_MAX_RULES.
 *   CROSSLAT_CMD_THRESH_DEL (CAP_NET_ADMIN) request: CROSSLAT_A_THRESH (selector) deletes
 *                           that rule (-ENOENT if none), or CROSSLAT_A_FLUSH deletes all.
 *   CROSSLAT_CMD_THRESH_GET (any user)   dump: one message per rule, CROSSLAT_A_THRESH.
 *
 * Commands served by crosslat_map.ko (-EOPNOTSUPP while it is not loaded)
 *   CROSSLAT_CMD_MAP_GET    (any user)   dump: one message per mapping, each with one
 *                           CROSSLAT_A_MAP nest (CROSSLAT_MAP_A_*). Same namespace rule as
 *                           CROSSLAT_CMD_FLOW_GET (mappings belong to the namespace that
 *                           encapsulated or decapsulated the packets, usually a host's).
 *
 * Commands served by crosslat_metrics.ko (-EOPNOTSUPP while it is not loaded); the
 * attributes inside CROSSLAT_A_METRICS are in linux/crosslat_metrics.h
 *   CROSSLAT_CMD_METRICS_SET (CAP_NET_ADMIN) request: CROSSLAT_A_METRICS with a cgroup id,
 *                           the metrics it enables and their sample rate: replaces that
 *                           cgroup's configuration (no metric: removes it and its histograms)
 *   CROSSLAT_CMD_METRICS_GET (any user)  dump: one message per configured cgroup, its
 *                           configuration and histograms in one CROSSLAT_A_METRICS nest.
 *
 * Commands served by crosslat_rtt.ko for layer tracing of armed flows; the attributes
 * inside CROSSLAT_A_ARM and the rules are in linux/crosslat_arm.h
 *   CROSSLAT_CMD_ARM        (CAP_NET_ADMIN) request: CROSSLAT_A_ARM, a flow or a namespace
 *   CROSSLAT_CMD_DISARM     (CAP_NET_ADMIN) request: CROSSLAT_A_ARM (selector) or
 *                           CROSSLAT_A_FLUSH (everything)
 *   CROSSLAT_CMD_ARM_GET    (any user)   dump: one message per armed entry, CROSSLAT_A_ARM
 *
 * Mappings. crosslat_map sees every encapsulated packet a namespace sends or receives
 * (VXLAN, GENEVE, IP-in-IP) and records, per inner (pod) 5-tuple and direction, the outer
 * (underlay) tuple that carried it: outer addresses, outer UDP ports (VXLAN/GENEVE), the
 * VNI. Each tuple is a CROSSLAT_TUPLE_A_* nest, directional, as on the wire.
 * A namespace that NATs a connection (conntrack: a service VIP's DNAT, a MASQUERADE) has a
 * mapping of direction CROSSLAT_MAP_DIR_NAT: INNER is conntrack's original tuple (what the
 * pod sent, e.g. to the VIP) and OUTER its reply tuple (what comes back over the network).
 * Mappings name the pod at the namespace's end of the flow (CROSSLAT_MAP_A_POD_*) once its
 * socket is known: the namespace, cgroup and process of the socket that opened the flow
 * (TCP from its SYN or SYN-ACK, UDP from any datagram), found through the NAT, if any.
 *
 * Thresholds. A rule's selector is any combination of a network namespace (its inode
 * number, as in /proc/<pid>/ns/net), a remote address prefix (family + address + length)
 * and a port (matching the flow's local or remote port); the empty selector is the global
 * rule. A flow takes the threshold of the most specific rule that matches it: a rule with a
 * namespace beats one without; then the longer prefix wins; then a rule with a port beats
 * one without. When a flow's smoothed RTT rises above its threshold, crosslat_rtt emits a
 * crosslat_rtt_alert event (at most one per flow per alert interval; the others are counted
 * as suppressed).
 *
 * Invalid requests are refused with -EINVAL and an extack message.
 */
#ifndef _UAPI_LINUX_CROSSLAT_H
#define _UAPI_LINUX_CROSSLAT_H

#define CROSSLAT_GENL_NAME	"crosslat"
#define CROSSLAT_GENL_VERSION	1

/* Longest marker label, terminating NUL included. */
#define CROSSLAT_MARK_LABEL_MAX	64

enum crosslat_cmd {
	CROSSLAT_CMD_UNSPEC,
	CROSSLAT_CMD_GET_STATS,
	CROSSLAT_CMD_MARK,
	CROSSLAT_CMD_FLOW_GET,
	CROSSLAT_CMD_THRESH_SET,
	CROSSLAT_CMD_THRESH_DEL,
	CROSSLAT_CMD_THRESH_GET,
	CROSSLAT_CMD_MAP_GET,
	CROSSLAT_CMD_METRICS_SET,
	CROSSLAT_CMD_METRICS_GET,
	CROSSLAT_CMD_ARM,
	CROSSLAT_CMD_DISARM,
	CROSSLAT_CMD_ARM_GET,
	__CROSSLAT_CMD_MAX
};
#define CROSSLAT_CMD_MAX (__CROSSLAT_CMD_MAX - 1)

enum crosslat_attr {
	CROSSLAT_A_UNSPEC,
	CROSSLAT_A_PAD,
	CROSSLAT_A_VERSION,		/* string: module version */
	CROSSLAT_A_STATS,		/* nested: CROSSLAT_STAT_* u64 counters */
	CROSSLAT_A_MARK_ID,		/* u64 */
	CROSSLAT_A_MARK_LABEL,		/* NUL-terminated string, < CROSSLAT_MARK_LABEL_MAX */
	CROSSLAT_A_FLOW,		/* nested: CROSSLAT_FLOW_A_* */
	CROSSLAT_A_THRESH,		/* nested: CROSSLAT_THRESH_A_* */
	CROSSLAT_A_FLUSH,		/* flag: THRESH_DEL removes every rule */
	CROSSLAT_A_MAP,			/* nested: CROSSLAT_MAP_A_* */
	CROSSLAT_A_METRICS,		/* nested: CROSSLAT_METRICS_A_* (linux/crosslat_metrics.h) */
	CROSSLAT_A_ARM,			/* nested: CROSSLAT_ARM_A_* (linux/crosslat_arm.h) */
	__CROSSLAT_A_MAX
};
#define CROSSLAT_A_MAX (__CROSSLAT_A_MAX - 1)

/* Engine counters, each a u64 attribute inside CROSSLAT_A_STATS. */
enum crosslat_stat {
	CROSSLAT_STAT_UNSPEC,
	CROSSLAT_STAT_PAD,
	CROSSLAT_STAT_MARKS,		/* crosslat_mark events emitted */
	CROSSLAT_STAT_NL_INVALID,	/* control requests refused as invalid */
	/* crosslat_rtt.ko; present in replies only while it is loaded */
	CROSSLAT_STAT_RTT_NETNS,	/* network namespaces with hooks registered (gauge) */
	CROSSLAT_STAT_RTT_FLOWS,	/* flows in the table (gauge) */
	CROSSLAT_STAT_RTT_FLOWS_CREATED,
	CROSSLAT_STAT_RTT_FULL_DROPS,	/* packets of untracked flows refused an entry: table full */
	CROSSLAT_STAT_RTT_ALLOC_FAILS,	/* packets of untracked flows refused an entry: no memory */
	CROSSLAT_STAT_RTT_EVICTED_IDLE,
	CROSSLAT_STAT_RTT_EVICTED_LRU,
	CROSSLAT_STAT_RTT_PACKETS,	/* TCP segments accounted */
	CROSSLAT_STAT_RTT_PARSE_ERRORS,	/* packets whose headers did not parse: ignored */
	CROSSLAT_STAT_RTT_SAMPLES,	/* RTT samples taken */
	CROSSLAT_STAT_RTT_RETRANS,	/* retransmitted segments seen */
	CROSSLAT_STAT_RTT_ALERTS,	/* crosslat_rtt_alert events emitted */
	CROSSLAT_STAT_RTT_ALERTS_SUPPRESSED,	/* alerts held back by the per-flow rate limit */
	CROSSLAT_STAT_RTT_FLOW_REPORTS,	/* crosslat_rtt_flow_stats events emitted */
	/* crosslat_map.ko; present in replies only while it is loaded */
	CROSSLAT_STAT_MAP_NETNS,	/* network namespaces with hooks registered (gauge) */
	CROSSLAT_STAT_MAP_ENTRIES,	/* mappings in the table (gauge) */
	CROSSLAT_STAT_MAP_CREATED,
	CROSSLAT_STAT_MAP_FULL_DROPS,	/* packets of unmapped flows refused an entry: table full */
	CROSSLAT_STAT_MAP_ALLOC_FAILS,	/* packets of unmapped flows refused an entry: no memory */
	CROSSLAT_STAT_MAP_EVICTED_IDLE,
	CROSSLAT_STAT_MAP_EVICTED_LRU,
	CROSSLAT_STAT_MAP_PACKETS,	/* encapsulated packets mapped */
	CROSSLAT_STAT_MAP_PARSE_ERRORS,	/* malformed encapsulated packets: ignored */
	CROSSLAT_STAT_MAP_NESTED,	/* tunnels inside tunnels: mapped to the middle layer */
	CROSSLAT_STAT_MAP_OUTER_CHANGES,	/* a mapping's outer tuple changed (reroute, rehash) */
	CROSSLAT_STAT_MAP_NAT_PACKETS,	/* packets of NATed connections accounted */
	CROSSLAT_STAT_MAP_PODS_RESOLVED,	/* mappings that found the socket of their pod */
	CROSSLAT_STAT_MAP_PODS_UNRESOLVED,	/* mappings that stopped looking for it */
	CROSSLAT_STAT_MAP_ENDPOINTS,	/* pod sockets remembered for attribution (gauge) */
	CROSSLAT_STAT_MAP_ENDPOINT_DROPS,	/* pod sockets not remembered: table full or no memory */
	/* crosslat_span.ko; present in replies only while it is loaded */
	CROSSLAT_STAT_SPAN_ACTIVE,	/* threads in a span (gauge) */
	CROSSLAT_STAT_SPAN_PROBES,	/* 1 while its tracepoint probes are registered (gauge) */
	CROSSLAT_STAT_SPAN_BEGUN,
	CROSSLAT_STAT_SPAN_ENDED,
	CROSSLAT_STAT_SPAN_ANNOTATED,	/* ended above their threshold: events emitted */
	CROSSLAT_STAT_SPAN_UNDER_THRESHOLD,	/* ended at or below it: no annotation events */
	CROSSLAT_STAT_SPAN_ABANDONED,	/* their thread exited, or the device's last user left */
	CROSSLAT_STAT_SPAN_REFUSED,	/* begin refused: limits (EDQUOT, ENOSPC) or no memory */
	CROSSLAT_STAT_SPAN_SYSCALLS,	/* system calls accounted inside spans */
	CROSSLAT_STAT_SPAN_SYSCALLS_UNRECORDED,	/* beyond a span's records: counted, not listed */
	CROSSLAT_STAT_SPAN_HINT_MISSES,	/* probe calls past the first check of a thread in no span */
	/* crosslat_pkt.ko; present in replies only while it is loaded */
	CROSSLAT_STAT_PKT_PENDING,	/* segments with a trace context waiting for their exit (gauge) */
	CROSSLAT_STAT_PKT_SCANNED,	/* TCP segments entering at a point whose payload was scanned */
	CROSSLAT_STAT_PKT_CONTEXTS,	/* of them, HTTP messages carrying a trace context */
	CROSSLAT_STAT_PKT_NO_CONTEXT,	/* HTTP header blocks without one */
	CROSSLAT_STAT_PKT_INVALID,	/* HTTP header blocks with only malformed ones */
	CROSSLAT_STAT_PKT_SPLIT,	/* HTTP header blocks continued past their first segment */
	CROSSLAT_STAT_PKT_PARSE_ERRORS,	/* malformed packets at a point: ignored */
	CROSSLAT_STAT_PKT_HOPS,		/* crosslat_pkt_hop events */
	CROSSLAT_STAT_PKT_OVERWRITTEN,	/* pending sightings lost to a newer one in their slot */
	CROSSLAT_STAT_PKT_UNMATCHED,	/* pending sightings found too old at their exit */
	/* crosslat_metrics.ko; present in replies only while it is loaded */
	CROSSLAT_STAT_METRICS_CGROUPS,	/* cgroups with a configuration (gauge) */
	CROSSLAT_STAT_METRICS_PROBES,	/* tracepoint probes, kretprobes, netfilter hooks (gauge) */
	CROSSLAT_STAT_METRICS_EVENTS,	/* events that passed the cgroup check */
	CROSSLAT_STAT_METRICS_SAMPLED_OUT,	/* of them, skipped by the sample rate */
	CROSSLAT_STAT_METRICS_RECORDED,	/* values added to a histogram */
	CROSSLAT_STAT_METRICS_TASK_OVERWRITES,	/* runqueue: a pending wakeup lost its slot */
	CROSSLAT_STAT_METRICS_FAULT_MISSED,	/* faults not timed: no free kretprobe instance */
	CROSSLAT_STAT_METRICS_CGROUPS_FULL,	/* configurations refused: max_cgroups reached */
	/* layer tracing of armed flows, in crosslat_rtt.ko (linux/crosslat_arm.h) */
	CROSSLAT_STAT_ARM_ACTIVE,	/* armed flows and namespaces (gauge) */
	CROSSLAT_STAT_ARM_PROBES,	/* 1 while the socket and device probes are registered */
	CROSSLAT_STAT_ARM_ARMED,	/* armings accepted (alerts and manual) */
	CROSSLAT_STAT_ARM_REFUSED,	/* armings refused: max_armed reached */
	CROSSLAT_STAT_ARM_EXPIRED,	/* armings that ran out */
	CROSSLAT_STAT_ARM_EVENTS,	/* crosslat_rtt_layer_* events */
	__CROSSLAT_STAT_MAX
};
#define CROSSLAT_STAT_MAX (__CROSSLAT_STAT_MAX - 1)

/*
 * One tracked TCP flow, inside CROSSLAT_A_FLOW. The flow is oriented from the host that saw
 * it: "local" is the namespace's own end, "out" what it sent, "in" what it received. Times
 * are CLOCK_MONOTONIC nanoseconds (the clock LTTng's kernel traces use); durations are ns;
 * byte counts are TCP payload bytes; throughputs are payload bytes per second between the
 * first and last packet. RTT fields are absent until the flow has an RTT sample, APP_*
 * fields until it has an application-latency sample.
 */
enum crosslat_flow_attr {
	CROSSLAT_FLOW_A_UNSPEC,
	CROSSLAT_FLOW_A_PAD,
	CROSSLAT_FLOW_A_NETNS_COOKIE,	/* u64: the namespace's cookie (SO_NETNS_COOKIE) */
	CROSSLAT_FLOW_A_NETNS_INUM,	/* u32: the namespace's inode number */
	CROSSLAT_FLOW_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	CROSSLAT_FLOW_A_LADDR,		/* binary: 4 or 16 bytes, network order */
	CROSSLAT_FLOW_A_RADDR,
	CROSSLAT_FLOW_A_LPORT,		/* u16, host order */
	CROSSLAT_FLOW_A_RPORT,
	CROSSLAT_FLOW_A_FIRST_NS,	/* u64: first packet seen */
	CROSSLAT_FLOW_A_LAST_NS,	/* u64: latest packet seen */
	CROSSLAT_FLOW_A_SRTT_NS,	/* u64: smoothed RTT (gain 1/8) */
	CROSSLAT_FLOW_A_RTT_MIN_NS,
	CROSSLAT_FLOW_A_RTT_MAX_NS,
	CROSSLAT_FLOW_A_RTT_LAST_NS,
	CROSSLAT_FLOW_A_RTT_SAMPLES,	/* u64 */
	CROSSLAT_FLOW_A_APP_AVG_NS,	/* u64: server think time, smoothed (gain 1/8) */
	CROSSLAT_FLOW_A_APP_MAX_NS,
	CROSSLAT_FLOW_A_APP_SAMPLES,
	CROSSLAT_FLOW_A_BYTES_OUT,	/* u64 */
	CROSSLAT_FLOW_A_BYTES_IN,
	CROSSLAT_FLOW_A_PKTS_OUT,
	CROSSLAT_FLOW_A_PKTS_IN,
	CROSSLAT_FLOW_A_RETRANS_SEGS,	/* u64: segments resent below the highest sent */
	CROSSLAT_FLOW_A_RETRANS_BYTES,
	CROSSLAT_FLOW_A_KARN_SKIPPED,	/* u64: ACKs that gave no sample (retransmitted data) */
	CROSSLAT_FLOW_A_THROUGHPUT_OUT,	/* u64: bytes per second */
	CROSSLAT_FLOW_A_THROUGHPUT_IN,
	CROSSLAT_FLOW_A_THRESH_NS,	/* u64: this flow's alert threshold, absent without one */
	CROSSLAT_FLOW_A_ALERTS,		/* u64: alerts emitted for this flow */
	CROSSLAT_FLOW_A_CLOSED,		/* flag: FIN seen both ways, or RST */
	__CROSSLAT_FLOW_A_MAX
};
#define CROSSLAT_FLOW_A_MAX (__CROSSLAT_FLOW_A_MAX - 1)

/* Most threshold rules crosslat_rtt keeps at once. */
#define CROSSLAT_THRESH_MAX_RULES	64

/*
 * One threshold rule, inside CROSSLAT_A_THRESH. Selector attributes left out match
 * anything. PREFIX needs FAMILY and PREFIX_LEN (at most 32 or 128); bits of PREFIX past
 * PREFIX_LEN must be zero. RTT_NS (1 ns .. 3600 s) is required by THRESH_SET and ignored by
 * THRESH_DEL.
 */
enum crosslat_thresh_attr {
	CROSSLAT_THRESH_A_UNSPEC,
	CROSSLAT_THRESH_A_PAD,
	CROSSLAT_THRESH_A_NETNS_INUM,	/* u32 */
	CROSSLAT_THRESH_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	CROSSLAT_THRESH_A_PREFIX,	/* binary: 4 or 16 bytes, network order */
	CROSSLAT_THRESH_A_PREFIX_LEN,	/* u8 */
	CROSSLAT_THRESH_A_PORT,		/* u16, host order, not 0 */
	CROSSLAT_THRESH_A_RTT_NS,	/* u64 */
	__CROSSLAT_THRESH_A_MAX
};
#define CROSSLAT_THRESH_A_MAX (__CROSSLAT_THRESH_A_MAX - 1)

/* Longest threshold, in ns (an hour). */
#define CROSSLAT_THRESH_RTT_MAX_NS	3600000000000ULL

/* A directional 5-tuple, as on the wire. */
enum crosslat_tuple_attr {
	CROSSLAT_TUPLE_A_UNSPEC,
	CROSSLAT_TUPLE_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	CROSSLAT_TUPLE_A_PROTO,		/* u8: IPPROTO_*; IPPROTO_IPIP/IPV6 for an IP-in-IP outer */
	CROSSLAT_TUPLE_A_SADDR,		/* binary: 4 or 16 bytes, network order */
	CROSSLAT_TUPLE_A_DADDR,
	CROSSLAT_TUPLE_A_SPORT,		/* u16, host order; absent for protocols without ports */
	CROSSLAT_TUPLE_A_DPORT,
	__CROSSLAT_TUPLE_A_MAX
};
#define CROSSLAT_TUPLE_A_MAX (__CROSSLAT_TUPLE_A_MAX - 1)

/* What carried the inner packet. */
enum crosslat_map_tunnel {
	CROSSLAT_MAP_TUNNEL_UNSPEC,
	CROSSLAT_MAP_TUNNEL_VXLAN,
	CROSSLAT_MAP_TUNNEL_GENEVE,
	CROSSLAT_MAP_TUNNEL_IPIP,	/* IPv4 or IPv6 inside IPv4 or IPv6 */
};

/* Which way the namespace that recorded the mapping moved the packets. */
enum crosslat_map_dir {
	CROSSLAT_MAP_DIR_UNSPEC,
	CROSSLAT_MAP_DIR_ENCAP,		/* sent: the namespace encapsulated them (LOCAL_OUT) */
	CROSSLAT_MAP_DIR_DECAP,		/* received: it decapsulated them (LOCAL_IN) */
	CROSSLAT_MAP_DIR_NAT,		/* a connection the namespace NATs (conntrack) */
};

/* CROSSLAT_MAP_A_NAT: which translations conntrack applies to the connection. */
#define CROSSLAT_MAP_NAT_SRC	0x1	/* SNAT / MASQUERADE */
#define CROSSLAT_MAP_NAT_DST	0x2	/* DNAT (a service VIP) */

enum crosslat_map_attr {
	CROSSLAT_MAP_A_UNSPEC,
	CROSSLAT_MAP_A_PAD,
	CROSSLAT_MAP_A_NETNS_COOKIE,	/* u64: the namespace that saw the outer packets */
	CROSSLAT_MAP_A_NETNS_INUM,	/* u32: its inode number */
	CROSSLAT_MAP_A_DIR,		/* u8: enum crosslat_map_dir */
	CROSSLAT_MAP_A_TUNNEL,		/* u8: enum crosslat_map_tunnel */
	CROSSLAT_MAP_A_VNI,		/* u32: VXLAN/GENEVE only */
	CROSSLAT_MAP_A_INNER,		/* nested CROSSLAT_TUPLE_A_*: the pod flow */
	CROSSLAT_MAP_A_OUTER,		/* nested CROSSLAT_TUPLE_A_*: the underlay flow */
	CROSSLAT_MAP_A_FIRST_NS,	/* u64: first packet (ktime_get_ns) */
	CROSSLAT_MAP_A_LAST_NS,		/* u64: latest packet */
	CROSSLAT_MAP_A_PACKETS,		/* u64: encapsulated packets (wire segments) */
	CROSSLAT_MAP_A_BYTES,		/* u64: outer IP bytes */
	CROSSLAT_MAP_A_NAT,		/* u8: CROSSLAT_MAP_NAT_* (DIR_NAT only) */
	CROSSLAT_MAP_A_POD_NETNS_COOKIE,	/* u64: the pod's namespace (its socket's), if known */
	CROSSLAT_MAP_A_POD_NETNS_INUM,	/* u32 */
	CROSSLAT_MAP_A_POD_CGROUP_ID,	/* u64: cgroup v2 id of the socket (the container) */
	CROSSLAT_MAP_A_POD_PID,		/* u32: process that opened the flow, when seen */
	CROSSLAT_MAP_A_POD_COMM,	/* string: its command name */
	__CROSSLAT_MAP_A_MAX
};
#define CROSSLAT_MAP_A_MAX (__CROSSLAT_MAP_A_MAX - 1)

#endif /* _UAPI_LINUX_CROSSLAT_H */
