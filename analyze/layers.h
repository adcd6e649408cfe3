/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The second phase of the RTT monitor, read back: the crosslat_rtt_layer_* events of armed
 * flows (socket, netfilter and device sightings of one flow on one host) matched into
 * segments followed through the host's stack, and the time each spent in each stage:
 *
 *   egress   send call --send--> LOCAL_OUT --out--> net_dev_queue --qdisc--> net_dev_start_xmit
 *   ingress  netif_receive_skb --in--> LOCAL_IN --read--> the read call returning its byte
 *
 * Netfilter and device sightings of a segment are matched by sequence number (the first
 * sighting of a sequence at each point, in time order: a retransmission is counted, not
 * timed again; the qdisc stage keeps to one device). A segment's send call is the one whose
 * bytes [write_seq, write_seq + len) hold its first byte, and its read call the one whose
 * bytes hold it, returning after the segment went through LOCAL_IN.
 */
#ifndef _CROSSLAT_LAYERS_H
#define _CROSSLAT_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flows.h"
#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_LAYER_SOCK	"crosslat_rtt_layer_sock"
#define CROSSLAT_EV_LAYER_NF	"crosslat_rtt_layer_nf"
#define CROSSLAT_EV_LAYER_DEV	"crosslat_rtt_layer_dev"
#define CROSSLAT_EV_LAYER_ARM	"crosslat_rtt_layer_arm"

/* The points of the kernel's enum crosslat_layer_point (kmod/rtt/layer_rec.h). */
enum {
	CROSSLAT_LAYER_SOCK_SEND = 1,
	CROSSLAT_LAYER_SOCK_RECV,
	CROSSLAT_LAYER_NF_OUT,
	CROSSLAT_LAYER_NF_IN,
	CROSSLAT_LAYER_DEV_QUEUE,
	CROSSLAT_LAYER_DEV_XMIT,
	CROSSLAT_LAYER_DEV_RECV,
	CROSSLAT_LAYER_POINTS,		/* one past the last */
};

enum crosslat_layer_stage {
	CROSSLAT_STAGE_SEND,	/* send call -> LOCAL_OUT: TCP (its queue, cwnd, Nagle) */
	CROSSLAT_STAGE_OUT,	/* LOCAL_OUT -> net_dev_queue: IP output, routing */
	CROSSLAT_STAGE_QDISC,	/* net_dev_queue -> net_dev_start_xmit: the device's qdisc */
	CROSSLAT_STAGE_IN,	/* netif_receive_skb -> LOCAL_IN: IP input */
	CROSSLAT_STAGE_READ,	/* LOCAL_IN -> its read call's return: receive queue, app */
	CROSSLAT_STAGE_NR,
};

/* "send", "out", ... and the two points a stage lies between. */
extern const char *const crosslat_stage_names[CROSSLAT_STAGE_NR];
extern const char *const crosslat_stage_from[CROSSLAT_STAGE_NR];
extern const char *const crosslat_stage_to[CROSSLAT_STAGE_NR];

/* One sighting of the flow at a point (kept until finish). */
struct crosslat_layer_seen {
	int64_t ts_ns;
	uint32_t seq, len;
	int32_t ifindex;
	uint8_t point;
};

struct crosslat_layer_stage_lat {
	uint64_t *lat;		/* ns, sorted after finish */
	size_t nr, cap;
	uint64_t p50, p90, max;	/* after finish */
};

/* An armed flow of one trace (host). */
struct crosslat_layer_flow {
	struct crosslat_flow_key key;
	uint32_t netns_inum;
	char task[32];		/* comm[pid] of its first socket sighting in process context */
	uint64_t events[CROSSLAT_LAYER_POINTS];	/* per point */
	struct crosslat_layer_seen *seen;	/* freed by finish */
	size_t nr_seen, cap_seen;
	struct crosslat_layer_stage_lat stage[CROSSLAT_STAGE_NR];
	uint64_t retrans;	/* data segments seen again at LOCAL_OUT */
	uint64_t unmatched;	/* data segments at LOCAL_OUT or LOCAL_IN without a call */
};

/* One crosslat_rtt_layer_arm: an entry armed (a flow, or every flow of a namespace). */
struct crosslat_layer_arm {
	uint32_t trace;
	int64_t ts_ns;
	uint32_t netns_inum;
	bool netns_only;
	uint8_t family;		/* 4 or 6 */
	uint8_t laddr[16], raddr[16];	/* as the event has them: IPv4 in the first 4 */
	uint16_t lport, rport;
	uint8_t reason;		/* 1 alert, 2 manual */
};

struct crosslat_layers {
	struct crosslat_layer_flow *v;	/* in order of first appearance */
	size_t nr, cap;
	struct crosslat_index idx;
	struct crosslat_layer_arm *arms;
	size_t nr_arms, cap_arms;
	uint64_t events;
	uint64_t malformed;	/* layer events without their fields: ignored */
};

void crosslat_layers_init(struct crosslat_layers *l);
void crosslat_layers_uninit(struct crosslat_layers *l);

/* Takes r when it is a crosslat_rtt_layer_*: 1 (used or counted malformed), 0, -ENOMEM. */
int crosslat_layers_add(struct crosslat_layers *l, const struct crosslat_record *r);

/* Matches each flow's sightings into stage latencies and takes their percentiles. */
int crosslat_layers_finish(struct crosslat_layers *l);

/* "alert", "manual" (or "reason N"). */
const char *crosslat_arm_reason_name(uint8_t reason, char *buf, size_t len);

#endif /* _CROSSLAT_LAYERS_H */
