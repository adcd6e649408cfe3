/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tracker's netlink dump of a flow table: one message per entry, resumable across
 * recvmsg() calls, with the namespace rule of every crosslat dump (a request from a
 * namespace other than the initial one sees that namespace's entries only).
 */
#ifndef _CROSSLAT_FLOW_DUMP_H
#define _CROSSLAT_FLOW_DUMP_H

#include <linux/types.h>

struct crosslat_flow;
struct crosslat_flow_table;
struct netlink_callback;
struct sk_buff;

/*
 * Writes one entry into a message already started: returns 0, -EMSGSIZE when skb is full,
 * or CROSSLAT_FLOW_DUMP_SKIP to leave the entry out. Called inside an RCU read-side
 * section: it may take the entry's lock (spin_lock_bh), never sleep.
 */
#define CROSSLAT_FLOW_DUMP_SKIP	1
typedef int (*crosslat_flow_dump_put_t)(struct sk_buff *skb, struct crosslat_flow *f);

/* For the tracker's dump_start / dump_done; they use cb->args[1]. */
int crosslat_flow_dump_start(struct netlink_callback *cb, struct crosslat_flow_table *t);
int crosslat_flow_dump_done(struct netlink_callback *cb);

/* For the tracker's dumpit: messages of command cmd, filled by put. */
int crosslat_flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			 crosslat_flow_dump_put_t put);

#endif /* _CROSSLAT_FLOW_DUMP_H */
