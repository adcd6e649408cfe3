/* SPDX-License-Identifier: GPL-2.0-only */
/* Client side of the "crosslat" generic netlink family: message encode/decode and requests. */
#ifndef _CROSSLAT_NL_CROSSLAT_H
#define _CROSSLAT_NL_CROSSLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;
struct crosslat_nl;

/* Size every request buffer handed to a crosslat_nl_build_*() must have at least. */
#define CROSSLAT_NL_REQ_MAX		256
/* Longest module version string kept from a stats reply, NUL included. */
#define CROSSLAT_NL_VERSION_MAX		128
/* Most counters one stats reply may carry. */
#define CROSSLAT_NL_STATS_CAP		256

struct crosslat_nl_stat {
	uint16_t type;		/* enum crosslat_stat, or a newer kernel's value */
	uint64_t value;
};

/* A decoded CROSSLAT_CMD_GET_STATS reply. */
struct crosslat_nl_stats {
	char version[CROSSLAT_NL_VERSION_MAX];
	unsigned int nr;	/* entries used in stat[], in reply order, types unique */
	struct crosslat_nl_stat stat[CROSSLAT_NL_STATS_CAP];
};

/* crosslat_nl_flow.present: which optional groups of CROSSLAT_FLOW_A_* the flow carried. */
#define CROSSLAT_NL_FLOW_RTT		(1u << 0)	/* srtt_ns .. rtt_samples */
#define CROSSLAT_NL_FLOW_APP		(1u << 1)	/* app_avg_ns .. app_samples */
#define CROSSLAT_NL_FLOW_THRESH		(1u << 2)	/* thresh_ns */

/*
 * A decoded CROSSLAT_CMD_FLOW_GET dump message: one CROSSLAT_A_FLOW nest (see the uapi
 * header for units and orientation). Fields of an optional group are 0 unless its
 * CROSSLAT_NL_FLOW_* bit is set in present.
 */
struct crosslat_nl_flow {
	uint64_t netns_cookie;
	uint32_t netns_inum;
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t laddr[16];		/* network order; AF_INET uses the first 4 bytes */
	uint8_t raddr[16];
	uint16_t lport, rport;
	uint64_t first_ns, last_ns;
	uint64_t srtt_ns, rtt_min_ns, rtt_max_ns, rtt_last_ns, rtt_samples;
	uint64_t app_avg_ns, app_max_ns, app_samples;
	uint64_t bytes_out, bytes_in, pkts_out, pkts_in;
	uint64_t retrans_segs, retrans_bytes, karn_skipped;
	uint64_t throughput_out, throughput_in;
	uint64_t thresh_ns;
	uint64_t alerts;
	bool closed;			/* CROSSLAT_FLOW_A_CLOSED was set */
	unsigned int present;		/* CROSSLAT_NL_FLOW_* */
};

/* crosslat_nl_thresh.present: which selector parts a rule has; absent parts match anything. */
#define CROSSLAT_NL_THRESH_NETNS	(1u << 0)	/* netns_inum */
#define CROSSLAT_NL_THRESH_PREFIX	(1u << 1)	/* family, prefix, prefix_len */
#define CROSSLAT_NL_THRESH_PORT		(1u << 2)	/* port */

/*
 * One threshold rule (CROSSLAT_A_THRESH): a selector and its RTT threshold. A valid
 * selector has family AF_INET or AF_INET6 with a prefix, prefix_len at most 32 or 128, no
 * prefix bit set past prefix_len, and a port other than 0.
 */
struct crosslat_nl_thresh {
	unsigned int present;		/* CROSSLAT_NL_THRESH_* */
	uint32_t netns_inum;
	uint8_t family;
	uint8_t prefix_len;
	uint8_t prefix[16];		/* network order; AF_INET uses the first 4 bytes */
	uint16_t port;
	uint64_t rtt_ns;		/* 1 .. CROSSLAT_THRESH_RTT_MAX_NS; unused by deletes */
};

/* A directional 5-tuple (CROSSLAT_TUPLE_A_*), as on the wire. */
struct crosslat_nl_tuple {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_* */
	bool has_ports;			/* sport and dport were sent (always for TCP and UDP) */
	uint8_t saddr[16];		/* network order; AF_INET uses the first 4 bytes */
	uint8_t daddr[16];
	uint16_t sport, dport;		/* host order; 0 without ports */
};

#define CROSSLAT_NL_COMM_LEN	16

/* The pod at a mapped flow's end (CROSSLAT_MAP_A_POD_*). */
struct crosslat_nl_pod {
	uint64_t netns_cookie;
	uint32_t netns_inum;
	uint64_t cgroup_id;
	uint32_t pid;			/* 0: no process seen */
	char comm[CROSSLAT_NL_COMM_LEN];
};

/*
 * A decoded CROSSLAT_CMD_MAP_GET dump message: one CROSSLAT_A_MAP nest (see the uapi
 * header). A tunnel mapping: the outer (underlay) tuple that carried an inner (pod) flow. A
 * NAT mapping: conntrack's original (inner) and reply (outer) tuples.
 */
struct crosslat_nl_map {
	uint64_t netns_cookie;
	uint32_t netns_inum;
	uint8_t dir;			/* CROSSLAT_MAP_DIR_ENCAP, _DECAP or _NAT */
	uint8_t tunnel;			/* CROSSLAT_MAP_TUNNEL_VXLAN, _GENEVE or _IPIP; 0 for NAT */
	uint8_t nat;			/* CROSSLAT_MAP_NAT_*; 0 for tunnels */
	bool pod_known;			/* pod was sent */
	uint32_t vni;			/* VXLAN and GENEVE; 0 for IPIP */
	struct crosslat_nl_tuple inner;	/* the pod flow; NAT: the original tuple */
	struct crosslat_nl_tuple outer;	/* the underlay flow; NAT: the reply tuple */
	struct crosslat_nl_pod pod;
	uint64_t first_ns, last_ns;	/* CLOCK_MONOTONIC */
	uint64_t packets;		/* encapsulated packets */
	uint64_t bytes;			/* outer IP bytes */
};

/*
 * Encoders. Each writes one request at buf, which must be 4-byte aligned and len >=
 * CROSSLAT_NL_REQ_MAX bytes long: NLM_F_REQUEST | NLM_F_ACK, except the *_dump ones,
 * NLM_F_REQUEST | NLM_F_DUMP. They return the message length, or -ENOBUFS if len is too
 * small; crosslat_nl_build_mark() returns -ENAMETOOLONG for a label of
 * CROSSLAT_MARK_LABEL_MAX bytes or more (label may be NULL); the threshold encoders return
 * crosslat_nl_check_thresh()'s error for an invalid rule.
 */
int crosslat_nl_build_getfamily(void *buf, size_t len, uint32_t seq);
int crosslat_nl_build_get_stats(void *buf, size_t len, uint16_t family, uint32_t seq);
int crosslat_nl_build_mark(void *buf, size_t len, uint16_t family, uint32_t seq,
			   uint64_t id, const char *label);
int crosslat_nl_build_flow_dump(void *buf, size_t len, uint16_t family, uint32_t seq);
int crosslat_nl_build_map_dump(void *buf, size_t len, uint16_t family, uint32_t seq);
/* THRESH_SET: th's selector and rtt_ns. */
int crosslat_nl_build_thresh_set(void *buf, size_t len, uint16_t family, uint32_t seq,
				 const struct crosslat_nl_thresh *th);
/* THRESH_DEL of the rule with sel's selector (sel->rtt_ns is not sent). */
int crosslat_nl_build_thresh_del(void *buf, size_t len, uint16_t family, uint32_t seq,
				 const struct crosslat_nl_thresh *sel);
/* THRESH_DEL with CROSSLAT_A_FLUSH: every rule. */
int crosslat_nl_build_thresh_flush(void *buf, size_t len, uint16_t family, uint32_t seq);
int crosslat_nl_build_thresh_dump(void *buf, size_t len, uint16_t family, uint32_t seq);

/* 0 if label fits CROSSLAT_A_MARK_LABEL (NULL does), else -ENAMETOOLONG. */
int crosslat_nl_check_label(const char *label);
/*
 * 0 if th's selector is valid (see struct crosslat_nl_thresh) and, when need_rtt, its
 * rtt_ns is in 1 .. CROSSLAT_THRESH_RTT_MAX_NS; else -EINVAL (selector) or -ERANGE (rtt).
 */
int crosslat_nl_check_thresh(const struct crosslat_nl_thresh *th, bool need_rtt);

/*
 * Decoders. nlh->nlmsg_len bytes at nlh must be readable (mnl_cb_run() guarantees it);
 * everything inside is validated. They return 0, or:
 *   -EBADMSG  truncated or malformed message or attribute, duplicate attribute, payload of
 *             the wrong size, inconsistent values (see below)
 *   -EPROTO   not the expected message (type or genl command)
 *   -ENODATA  a required attribute is missing
 *   -E2BIG    more than CROSSLAT_NL_STATS_CAP counters
 * Unknown attributes are ignored, unknown counters kept, padding attributes skipped.
 *
 * crosslat_nl_parse_flow() wants a CROSSLAT_CMD_FLOW_GET message with exactly one
 * CROSSLAT_A_FLOW nest holding every CROSSLAT_FLOW_A_* attribute the uapi header does not
 * call optional; each optional group (RTT: SRTT_NS, RTT_MIN_NS, RTT_MAX_NS, RTT_LAST_NS,
 * RTT_SAMPLES; APP: APP_AVG_NS, APP_MAX_NS, APP_SAMPLES) is there whole or not at all;
 * FAMILY is AF_INET or AF_INET6 and both addresses are 4 or 16 bytes to match.
 * crosslat_nl_parse_thresh() wants a CROSSLAT_CMD_THRESH_GET message with exactly one
 * CROSSLAT_A_THRESH nest: a valid selector (FAMILY, PREFIX and PREFIX_LEN together or not
 * at all) and RTT_NS in 1 .. CROSSLAT_THRESH_RTT_MAX_NS.
 * crosslat_nl_parse_map() wants a CROSSLAT_CMD_MAP_GET message with exactly one
 * CROSSLAT_A_MAP nest holding every CROSSLAT_MAP_A_* attribute but VNI; DIR ENCAP or DECAP;
 * TUNNEL VXLAN, GENEVE or IPIP; VNI (below 2^24) for VXLAN and GENEVE only (missing:
 * -ENODATA). INNER and OUTER each hold FAMILY (AF_INET or AF_INET6), PROTO, SADDR and DADDR
 * of the family's size, and SPORT with DPORT or neither; TCP and UDP tuples have ports.
 * The OUTER of VXLAN and GENEVE is UDP; that of IPIP is IPPROTO_IPIP over an AF_INET inner
 * tuple or IPPROTO_IPV6 over an AF_INET6 one, without ports.
 */
int crosslat_nl_parse_family(const struct nlmsghdr *nlh, uint16_t *family);
int crosslat_nl_parse_stats(const struct nlmsghdr *nlh, struct crosslat_nl_stats *st);
int crosslat_nl_parse_flow(const struct nlmsghdr *nlh, struct crosslat_nl_flow *flow);
int crosslat_nl_parse_thresh(const struct nlmsghdr *nlh, struct crosslat_nl_thresh *th);
int crosslat_nl_parse_map(const struct nlmsghdr *nlh, struct crosslat_nl_map *map);

/*
 * Decodes an NLMSG_ERROR message: *error gets 0 for an ACK or the negative errno, *ext_msg
 * the extended-ACK message (pointing into nlh) or NULL when there is none or it is
 * malformed. Returns 0, -EPROTO if nlh is not NLMSG_ERROR, -EBADMSG if it is truncated.
 */
int crosslat_nl_parse_ack(const struct nlmsghdr *nlh, int *error, const char **ext_msg);
/*
 * Decodes the NLMSG_DONE ending a dump: *error gets the dump's status (0, or the negative
 * errno that ended it), *ext_msg its extended-ACK message or NULL. Returns 0, -EPROTO if
 * nlh is not NLMSG_DONE, -EBADMSG if it lacks the status.
 */
int crosslat_nl_parse_done(const struct nlmsghdr *nlh, int *error, const char **ext_msg);

/* Counter name for an enum crosslat_stat value ("marks"), or NULL if this build lacks it. */
const char *crosslat_nl_stat_name(unsigned int type);
/* 0 and *value if st holds counter type, else -ENOENT. */
int crosslat_nl_stats_get(const struct crosslat_nl_stats *st, uint16_t type, uint64_t *value);

/*
 * Requests over a generic netlink socket. crosslat_nl_open() returns 0 and a handle that
 * crosslat_nl_close() frees, -ENOENT when the family is not registered (module not
 * loaded), or another negative errno. The others return 0 or a negative errno: the
 * kernel's (-EPERM, -EINVAL, ...) or a decoder's; after a kernel error,
 * crosslat_nl_ext_msg() gives its extended-ACK message, or NULL.
 *
 * The flow and threshold commands are served by crosslat_rtt.ko, the map command by
 * crosslat_map.ko: their -EOPNOTSUPP means that module is not loaded (or crosslat.ko
 * predates the command). crosslat_nl_thresh_del() fails with -ENOENT when no rule has that
 * selector, crosslat_nl_thresh_set() with -ENOSPC past CROSSLAT_THRESH_MAX_RULES rules.
 *
 * Dumps (crosslat_nl_flows(), crosslat_nl_thresh_list(), crosslat_nl_maps()) call cb once
 * per decoded entry, in the kernel's order, until the dump ends. The first error, a
 * decoder's or a negative value returned by cb, stops the calls; the rest of the dump is
 * read and dropped so the handle stays usable, and that error is returned, unless the
 * kernel reported one, which wins. -EINTR: the kernel flagged the dump as inconsistent (its
 * table changed meanwhile); the entries seen may miss or repeat some, and the dump is worth
 * repeating.
 */
typedef int (*crosslat_nl_flow_cb)(const struct crosslat_nl_flow *flow, void *arg);
typedef int (*crosslat_nl_thresh_cb)(const struct crosslat_nl_thresh *th, void *arg);
typedef int (*crosslat_nl_map_cb)(const struct crosslat_nl_map *map, void *arg);

int crosslat_nl_open(struct crosslat_nl **nlp);
/*
 * A handle over fd, a connected socket whose peer speaks the family's protocol under the
 * id family (a test double, or a netlink socket already resolved); it owns fd from then
 * on, even on failure. Its requests are numbered from 1. Returns 0 or -ENOMEM.
 */
int crosslat_nl_open_fd(struct crosslat_nl **nlp, int fd, uint16_t family);
void crosslat_nl_close(struct crosslat_nl *nl);
int crosslat_nl_get_stats(struct crosslat_nl *nl, struct crosslat_nl_stats *st);
int crosslat_nl_mark(struct crosslat_nl *nl, uint64_t id, const char *label);
int crosslat_nl_flows(struct crosslat_nl *nl, crosslat_nl_flow_cb cb, void *arg);
int crosslat_nl_thresh_set(struct crosslat_nl *nl, const struct crosslat_nl_thresh *th);
int crosslat_nl_thresh_del(struct crosslat_nl *nl, const struct crosslat_nl_thresh *sel);
int crosslat_nl_thresh_flush(struct crosslat_nl *nl);
int crosslat_nl_thresh_list(struct crosslat_nl *nl, crosslat_nl_thresh_cb cb, void *arg);
int crosslat_nl_maps(struct crosslat_nl *nl, crosslat_nl_map_cb cb, void *arg);
const char *crosslat_nl_ext_msg(const struct crosslat_nl *nl);
/*
 * Explains a failed request (what: the command's name) on stderr as crosslatctl, with the
 * extended-ACK message if any; module serves the command (NULL: crosslat.ko); nl NULL when
 * the family was not found.
 */
void crosslat_nl_report(const char *what, const struct crosslat_nl *nl, int err,
			const char *module);

/*
 * A request of a command this library has no encoder for: crosslat_nl_req_start() writes
 * its headers into the handle's request buffer (CROSSLAT_NL_REQ_MAX bytes; NLM_F_DUMP when
 * dump) and returns them for the caller to append attributes (mnl_attr_put_check() with
 * that size); crosslat_nl_req_run() sends it and calls cb once per data reply (none
 * expected when cb is NULL). Errors and dumps as for the requests above; -ENOBUFS if nlh
 * is not the request of crosslat_nl_req_start() or outgrew the buffer.
 */
typedef int (*crosslat_nl_msg_cb)(const struct nlmsghdr *nlh, void *arg);
struct nlmsghdr *crosslat_nl_req_start(struct crosslat_nl *nl, uint8_t cmd, bool dump);
int crosslat_nl_req_run(struct crosslat_nl *nl, const struct nlmsghdr *nlh, crosslat_nl_msg_cb cb,
			void *arg);

/*
 * Mapping identity: namespace cookie, direction, then the inner tuple; <0, 0 or >0 like
 * memcmp(). The outer tuple is not part of it: it is what the mapping records.
 */
int crosslat_nl_map_key_cmp(const struct crosslat_nl_map *a, const struct crosslat_nl_map *b);
/*
 * A map dump may deliver a mapping twice (the kernel's iterator repeats an entry rather
 * than risk skipping one when the table changes under it). Keeps one copy of each
 * identity, its latest snapshot (largest last_ns, then most packets), sorting the nr
 * entries of v by identity; returns how many are left at the start of v.
 */
size_t crosslat_nl_maps_dedupe(struct crosslat_nl_map *v, size_t nr);

#endif /* _CROSSLAT_NL_CROSSLAT_H */
