/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layer tracing of armed flows inside crosslat_rtt.ko: the armed set (arm.c), the socket
 * and device probes registered while it is not empty (kp_sock.c, tp_dev.c), the netlink
 * commands (arm_netlink.c). The per-packet state is the deadline in each flow's
 * rtt_flow_val (arm_until_ns): the RTT hooks, the probes and expiry all go by it.
 */
#ifndef _CROSSLAT_RTT_ARM_H
#define _CROSSLAT_RTT_ARM_H

#include <linux/types.h>
#include "layer_rec.h"

struct crosslat_flow;
struct crosslat_flow_key;
struct crosslat_pkt;
struct rtt_flow_val;
struct sk_buff;

/* Module parameters (arm.c). */
extern unsigned int crosslat_rtt_arm_ms;

int rtt_arm_init(void);
/* After the hooks and netlink are gone: stops the work, unregisters the probes. */
void rtt_arm_exit(void);

/*
 * Arms sel (flow or namespace) until sel->until_ns, or moves an armed one's end later.
 * Any context. Returns 0, or -ENOSPC at max_armed (counted).
 */
int rtt_arm_add(struct crosslat_arm_sel *sel);
/* Disarms the entry with sel's selector (-ENOENT if none), or every one (sel NULL). */
int rtt_arm_del(const struct crosslat_arm_sel *sel);
/* Copies up to max entries into out; returns how many are armed. */
/* After an add from process context: the flows it covers get their deadline now. */
void rtt_arm_apply(void);
unsigned int rtt_arm_copy(struct crosslat_arm_sel *out, unsigned int max);
u64 rtt_arm_stat(unsigned int stat);

/* RTT hooks, under the flow lock: the flow's alert fired at now. */
void rtt_arm_on_alert(const struct crosslat_flow *f, struct rtt_flow_val *v, u64 now);
/* RTT hooks, under the flow lock: a (re)started flow's deadline from the armed set. */
u64 rtt_arm_deadline(const struct crosslat_flow *f, u32 netns_inum);

/*
 * Probes: the flow of key if it is armed at now, with its tuple in r->t. Caller holds
 * rcu_read_lock().
 */
bool rtt_arm_flow_lookup(const struct crosslat_flow_key *key, u64 now,
			 struct crosslat_layer_rec *r);
/* RTT hooks, after the flow lock: a crosslat_rtt_layer_nf event for an armed flow's packet. */
void rtt_layer_nf(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		  const struct crosslat_pkt *pkt, bool egress);
/* Fills r's CPU and task fields and emits it on the tracepoint of its point. */
void rtt_layer_emit(struct crosslat_layer_rec *r);

/* tp_dev.c, kp_sock.c: register (0 or -errno) and unregister (waits for running probes). */
int rtt_tp_dev_register(void);
void rtt_tp_dev_unregister(void);
int rtt_kp_sock_register(void);
void rtt_kp_sock_unregister(void);

/* arm_netlink.c */
int rtt_arm_netlink_init(void);
void rtt_arm_netlink_exit(void);

#endif /* _CROSSLAT_RTT_ARM_H */
