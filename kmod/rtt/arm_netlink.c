// SPDX-License-Identifier: GPL-2.0-only
/*
 * Layer tracing's commands in the "crosslat" generic netlink family (linux/crosslat_arm.h):
 * arm and disarm a flow or a namespace by hand (CAP_NET_ADMIN, checked by the engine's
 * GENL_ADMIN_PERM), list the armed set; and its counters.
 */
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <uapi/linux/crosslat_arm.h>
#include "engine/nl_ext.h"
#include "engine/stats.h"
#include "arm.h"
#include "rtt.h"

static const struct nla_policy arm_policy[CROSSLAT_ARM_A_MAX + 1] = {
	/* Ranges are checked by parse_sel(): out of range is -EINVAL with a message. */
	[CROSSLAT_ARM_A_NETNS_INUM] = { .type = NLA_U32 },
	[CROSSLAT_ARM_A_FAMILY] = { .type = NLA_U8 },
	[CROSSLAT_ARM_A_LADDR] = { .type = NLA_BINARY, .len = 16 },
	[CROSSLAT_ARM_A_RADDR] = { .type = NLA_BINARY, .len = 16 },
	[CROSSLAT_ARM_A_LPORT] = { .type = NLA_U16 },
	[CROSSLAT_ARM_A_RPORT] = { .type = NLA_U16 },
	[CROSSLAT_ARM_A_MS] = { .type = NLA_U32 },
};

/* Refuses a request: extack message (a string literal) on attr, counted. Evaluates to -EINVAL. */
#define arm_invalid(extack, attr, msg) ({				\
	NL_SET_ERR_MSG_ATTR(extack, attr, msg);				\
	crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);			\
	-EINVAL;							\
})

static int parse_addr(struct netlink_ext_ack *extack, const struct nlattr *a, u8 family,
		      u8 *out)
{
	unsigned int alen = family == 4 ? 4 : 16;

	if (nla_len(a) != alen)
		return arm_invalid(extack, a, "address length does not match the family");
	memcpy(out, nla_data(a), alen);
	return 0;
}

/* Decodes CROSSLAT_A_ARM into sel; for ARM (arm) also its end. */
static int parse_sel(struct genl_info *info, bool arm, struct crosslat_arm_sel *sel)
{
	struct nlattr *tb[CROSSLAT_ARM_A_MAX + 1];
	struct nlattr *nest = info->attrs[CROSSLAT_A_ARM];
	struct netlink_ext_ack *extack = info->extack;
	unsigned int n, ms;
	int err;

	memset(sel, 0, sizeof(*sel));
	if (!nest)
		return arm_invalid(extack, NULL, "CROSSLAT_A_ARM is required");
	err = nla_parse_nested(tb, CROSSLAT_ARM_A_MAX, nest, arm_policy, extack);
	if (err) {
		crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);
		return err;
	}
	n = !!tb[CROSSLAT_ARM_A_FAMILY] + !!tb[CROSSLAT_ARM_A_LADDR] + !!tb[CROSSLAT_ARM_A_RADDR] +
	    !!tb[CROSSLAT_ARM_A_LPORT] + !!tb[CROSSLAT_ARM_A_RPORT];
	if (n && n != 5)
		return arm_invalid(extack, nest, "FAMILY, LADDR, RADDR, LPORT and RPORT go together");
	if (!n && !tb[CROSSLAT_ARM_A_NETNS_INUM])
		return arm_invalid(extack, nest, "a flow or a namespace (NETNS_INUM) is required");
	sel->netns_inum = tb[CROSSLAT_ARM_A_NETNS_INUM] ?
			  nla_get_u32(tb[CROSSLAT_ARM_A_NETNS_INUM]) :
			  genl_info_net(info)->ns.inum;
	if (!sel->netns_inum)
		return arm_invalid(extack, tb[CROSSLAT_ARM_A_NETNS_INUM], "NETNS_INUM 0");
	sel->netns_only = !n;
	if (n) {
		switch (nla_get_u8(tb[CROSSLAT_ARM_A_FAMILY])) {
		case AF_INET:
			sel->family = 4;
			break;
		case AF_INET6:
			sel->family = 6;
			break;
		default:
			return arm_invalid(extack, tb[CROSSLAT_ARM_A_FAMILY],
					   "family must be AF_INET or AF_INET6");
		}
		err = parse_addr(extack, tb[CROSSLAT_ARM_A_LADDR], sel->family, sel->laddr) ?:
		      parse_addr(extack, tb[CROSSLAT_ARM_A_RADDR], sel->family, sel->raddr);
		if (err)
			return err;
		sel->lport = nla_get_u16(tb[CROSSLAT_ARM_A_LPORT]);
		sel->rport = nla_get_u16(tb[CROSSLAT_ARM_A_RPORT]);
		if (!sel->lport || !sel->rport)
			return arm_invalid(extack, nest, "port 0");
	}
	if (!arm) {
		if (tb[CROSSLAT_ARM_A_MS])
			return arm_invalid(extack, tb[CROSSLAT_ARM_A_MS], "DISARM takes no MS");
		return 0;
	}
	if (tb[CROSSLAT_ARM_A_MS] && !nla_get_u32(tb[CROSSLAT_ARM_A_MS]))
		return arm_invalid(extack, tb[CROSSLAT_ARM_A_MS], "MS 0");
	ms = tb[CROSSLAT_ARM_A_MS] ? nla_get_u32(tb[CROSSLAT_ARM_A_MS]) :
				     READ_ONCE(crosslat_rtt_arm_ms);
	if (!ms)
		return arm_invalid(extack, nest, "MS is required while arm_ms is 0");
	if (ms > CROSSLAT_ARM_MS_MAX)
		return arm_invalid(extack, tb[CROSSLAT_ARM_A_MS], "MS over an hour");
	sel->reason = CROSSLAT_ARM_REASON_MANUAL;
	sel->until_ns = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;
	return 0;
}

static int arm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct crosslat_arm_sel sel;
	int err;

	switch (info->genlhdr->cmd) {
	case CROSSLAT_CMD_ARM:
		err = parse_sel(info, true, &sel);
		if (err)
			return err;
		err = rtt_arm_add(&sel);
		if (err == -ENOSPC) {
			NL_SET_ERR_MSG(info->extack, "max_armed entries are armed already");
			return err;
		}
		rtt_arm_apply();
		return err;
	case CROSSLAT_CMD_DISARM:
		if (info->attrs[CROSSLAT_A_FLUSH]) {
			if (info->attrs[CROSSLAT_A_ARM])
				return arm_invalid(info->extack, info->attrs[CROSSLAT_A_FLUSH],
						   "FLUSH takes no selector");
			return rtt_arm_del(NULL);
		}
		err = parse_sel(info, false, &sel);
		if (err)
			return err;
		err = rtt_arm_del(&sel);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "nothing armed with that selector");
		return err;
	}
	return -EOPNOTSUPP;
}

static int put_sel(struct sk_buff *skb, const struct crosslat_arm_sel *s)
{
	struct nlattr *nest = nla_nest_start(skb, CROSSLAT_A_ARM);
	unsigned int alen = s->family == 4 ? 4 : 16;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CROSSLAT_ARM_A_NETNS_INUM, s->netns_inum) ||
	    (!s->netns_only &&
	     (nla_put_u8(skb, CROSSLAT_ARM_A_FAMILY, s->family == 4 ? AF_INET : AF_INET6) ||
	      nla_put(skb, CROSSLAT_ARM_A_LADDR, alen, s->laddr) ||
	      nla_put(skb, CROSSLAT_ARM_A_RADDR, alen, s->raddr) ||
	      nla_put_u16(skb, CROSSLAT_ARM_A_LPORT, s->lport) ||
	      nla_put_u16(skb, CROSSLAT_ARM_A_RPORT, s->rport))) ||
	    nla_put_u64_64bit(skb, CROSSLAT_ARM_A_UNTIL_NS, s->until_ns, CROSSLAT_ARM_A_PAD) ||
	    nla_put_u8(skb, CROSSLAT_ARM_A_REASON, s->reason)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The armed set as it was when a dump started. */
struct arm_snapshot {
	unsigned int n;
	struct crosslat_arm_sel e[];
};

/* cb->args[1]: the snapshot; args[2]: the next entry to send. */
static int arm_dump_start(struct netlink_callback *cb)
{
	unsigned int cap = rtt_arm_copy(NULL, 0) + 8;
	struct arm_snapshot *snap = kvmalloc(struct_size(snap, e, cap), GFP_KERNEL);

	if (!snap)
		return -ENOMEM;
	snap->n = min(rtt_arm_copy(snap->e, cap), cap);
	cb->args[1] = (unsigned long)snap;
	cb->args[2] = 0;
	return 0;
}

static int arm_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct arm_snapshot *snap = (void *)cb->args[1];
	void *hdr;

	while (cb->args[2] < snap->n) {
		hdr = crosslat_nl_dump_hdr(skb, cb, CROSSLAT_CMD_ARM_GET);
		if (!hdr)
			break;
		if (put_sel(skb, &snap->e[cb->args[2]])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[2]++;
	}
	return skb->len;
}

static int arm_dump_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[1]);
	return 0;
}

static u64 arm_stat_read(enum crosslat_stat stat)
{
	return rtt_arm_stat(stat);
}

static const struct crosslat_nl_ext arm_nl_ext = {
	.owner = THIS_MODULE,
	.cmd_first = CROSSLAT_CMD_ARM,
	.cmd_last = CROSSLAT_CMD_ARM_GET,
	.doit = arm_doit,
	.dump_start = arm_dump_start,
	.dumpit = arm_dumpit,
	.dump_done = arm_dump_done,
	.stat_first = CROSSLAT_STAT_ARM_ACTIVE,
	.stat_last = CROSSLAT_STAT_ARM_EVENTS,
	.stat_read = arm_stat_read,
};

int rtt_arm_netlink_init(void)
{
	return crosslat_nl_ext_register(&arm_nl_ext);
}

void rtt_arm_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&arm_nl_ext);
}
