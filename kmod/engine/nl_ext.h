/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracker extensions of the "crosslat" generic netlink family. The engine owns the family
 * (so userspace talks to one family whatever trackers are loaded); a tracker module
 * registers the handlers of its commands and the counters it reports. While no tracker
 * serves a command, requests for it get -EOPNOTSUPP.
 */
#ifndef _CROSSLAT_NL_EXT_H
#define _CROSSLAT_NL_EXT_H

#include <linux/types.h>
#include <net/genetlink.h>
#include <uapi/linux/crosslat.h>

/*
 * One tracker's share of the family.
 * @cmd_first, @cmd_last: the commands it serves (inclusive); ranges may not overlap. Both 0:
 *	none (a tracker that only reports counters).
 * @doit: a non-dump command; runs with a reference on @owner held.
 * @dump_start, @dumpit, @dump_done: a dump (all optional but @dumpit). The engine holds a
 *	reference on @owner from before @dump_start until after @dump_done, and keeps
 *	cb->args[0] for itself: trackers use cb->args[1..].
 * @stat_first, @stat_last: the enum crosslat_stat counters it reports (inclusive), read with
 *	@stat_read, which must not sleep (it runs under rcu_read_lock()).
 */
struct crosslat_nl_ext {
	struct module *owner;
	u8 cmd_first, cmd_last;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dump_start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*dump_done)(struct netlink_callback *cb);
	u16 stat_first, stat_last;
	u64 (*stat_read)(enum crosslat_stat stat);
};

/* -EBUSY if a command or counter is already served, -ENOSPC past the extension limit. */
int crosslat_nl_ext_register(const struct crosslat_nl_ext *ext);
/* Returns after every request that could still see ext has finished with it. */
void crosslat_nl_ext_unregister(const struct crosslat_nl_ext *ext);

/* Starts one message of a dump reply (NLM_F_MULTI) for cmd; NULL when skb is full. */
void *crosslat_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);

/*
 * Value of counter stat, from the engine or from the tracker that reports it. Returns false
 * when nobody does (a reserved index, or a tracker that is not loaded). Never sleeps.
 */
bool crosslat_stats_value(enum crosslat_stat stat, u64 *val);

#endif /* _CROSSLAT_NL_EXT_H */
