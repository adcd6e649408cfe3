// SPDX-License-Identifier: GPL-2.0-only
/* The "crosslat" generic netlink family: strict policy, admin-only writes. */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/crosslat.h>
#include "crosslat_trace.h"
#include "netlink.h"
#include "stats.h"
#include "version.h"

static const struct nla_policy crosslat_policy[CROSSLAT_A_MAX + 1] = {
	[CROSSLAT_A_MARK_ID] = { .type = NLA_U64 },
	[CROSSLAT_A_MARK_LABEL] = { .type = NLA_NUL_STRING,
				    .len = CROSSLAT_MARK_LABEL_MAX - 1 },
};

static struct genl_family crosslat_family;

static int put_stats(struct sk_buff *skb)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, CROSSLAT_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __CROSSLAT_STAT_MAX; i++) {
		if (!crosslat_stats_name(i))
			continue;
		if (nla_put_u64_64bit(skb, i, crosslat_stats_read(i), CROSSLAT_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &crosslat_family, 0, CROSSLAT_CMD_GET_STATS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = -EMSGSIZE;
	if (nla_put_string(msg, CROSSLAT_A_VERSION, CROSSLAT_VERSION))
		goto err_free;
	err = put_stats(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int mark_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *label = "";

	if (GENL_REQ_ATTR_CHECK(info, CROSSLAT_A_MARK_ID)) {
		crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);
		return -EINVAL;
	}
	if (info->attrs[CROSSLAT_A_MARK_LABEL])
		label = nla_data(info->attrs[CROSSLAT_A_MARK_LABEL]);
	trace_crosslat_mark(nla_get_u64(info->attrs[CROSSLAT_A_MARK_ID]), label);
	crosslat_stats_inc(CROSSLAT_STAT_MARKS);
	return 0;
}

static const struct genl_small_ops crosslat_ops[] = {
	{
		.cmd = CROSSLAT_CMD_GET_STATS,
		.doit = get_stats_doit,
	},
	{
		.cmd = CROSSLAT_CMD_MARK,
		.doit = mark_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family crosslat_family __ro_after_init = {
	.name = CROSSLAT_GENL_NAME,
	.version = CROSSLAT_GENL_VERSION,
	.maxattr = CROSSLAT_A_MAX,
	.policy = crosslat_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = crosslat_ops,
	.n_small_ops = ARRAY_SIZE(crosslat_ops),
	.resv_start_op = __CROSSLAT_CMD_MAX,
};

int __init crosslat_netlink_init(void)
{
	return genl_register_family(&crosslat_family);
}

void crosslat_netlink_uninit(void)
{
	genl_unregister_family(&crosslat_family);
}
