/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One sighting of an armed flow at a layer of the host stack, handed to the crosslat_rtt_layer_*
 * tracepoints. Shared with the LTTng probe (kmod/lttng).
 */
#ifndef _CROSSLAT_RTT_LAYER_REC_H
#define _CROSSLAT_RTT_LAYER_REC_H

#include <linux/types.h>
#include "rtt/rtt_report.h"

/* Where the flow was seen. */
enum crosslat_layer_point {
	CROSSLAT_LAYER_SOCK_SEND = 1,	/* tcp_sendmsg(): the application hands data over */
	CROSSLAT_LAYER_SOCK_RECV = 2,	/* tcp_recvmsg() returned: the application got data */
	CROSSLAT_LAYER_NF_OUT = 3,	/* netfilter LOCAL_OUT */
	CROSSLAT_LAYER_NF_IN = 4,	/* netfilter LOCAL_IN */
	CROSSLAT_LAYER_DEV_QUEUE = 5,	/* net_dev_queue: handed to the device's qdisc */
	CROSSLAT_LAYER_DEV_XMIT = 6,	/* net_dev_start_xmit: handed to the driver */
	CROSSLAT_LAYER_DEV_RECV = 7,	/* netif_receive_skb: received from the device */
};

struct crosslat_layer_rec {
	struct crosslat_rtt_tuple t;	/* the armed flow, oriented as its RTT table entry */
	u32 seq;		/* TCP sequence of the first payload byte (socket: of the call) */
	u32 len;		/* TCP payload bytes (socket: bytes of the call) */
	s32 ifindex;		/* device layer: the device; else 0 */
	u16 cpu;
	u8 point;		/* enum crosslat_layer_point */
	u8 tcp_flags;		/* netfilter and device layers; 0 at the socket */
	s32 pid, tid;		/* 0 when not in process context */
	char comm[16];		/* "" when not in process context */
};

/* An armed entry (crosslat_rtt_layer_arm events, the netlink commands): a flow or a namespace. */
struct crosslat_arm_sel {
	u32 netns_inum;
	u8 netns_only;		/* every flow of the namespace; the tuple is unused */
	u8 family;		/* 4 or 6 */
	u8 reason;		/* enum crosslat_arm_reason */
	u8 laddr[16];		/* network order; IPv4 in the first 4 bytes, rest zero */
	u8 raddr[16];
	u16 lport, rport;	/* host order */
	u64 until_ns;		/* when it disarms (CLOCK_MONOTONIC) */
};

#endif /* _CROSSLAT_RTT_LAYER_REC_H */
