// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "crosslat" generic netlink family: strict policy, admin-only writes, and the commands
 * of tracker modules dispatched to the handlers they register (nl_ext.h).
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <uapi/linux/crosslat.h>
#include "crosslat_trace.h"
#include "netlink.h"
#include "nl_ext.h"
#include "stats.h"
#include "version.h"

static const struct nla_policy crosslat_policy[CROSSLAT_A_MAX + 1] = {
	[CROSSLAT_A_MARK_ID] = { .type = NLA_U64 },
	[CROSSLAT_A_MARK_LABEL] = { .type = NLA_NUL_STRING,
				    .len = CROSSLAT_MARK_LABEL_MAX - 1 },
	[CROSSLAT_A_FLOW] = { .type = NLA_NESTED },
	[CROSSLAT_A_THRESH] = { .type = NLA_NESTED },
	[CROSSLAT_A_FLUSH] = { .type = NLA_FLAG },
	[CROSSLAT_A_METRICS] = { .type = NLA_NESTED },
	[CROSSLAT_A_ARM] = { .type = NLA_NESTED },
};

static struct genl_family crosslat_family;

/* ---- tracker extensions ---- */

#define CROSSLAT_NL_MAX_EXT	8

static const struct crosslat_nl_ext __rcu *exts[CROSSLAT_NL_MAX_EXT];
static DEFINE_MUTEX(exts_lock);

static bool ranges_overlap(unsigned int a0, unsigned int a1, unsigned int b0, unsigned int b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* cmd_first = cmd_last = 0: a tracker that reports counters only. */
static bool ext_has_cmds(const struct crosslat_nl_ext *ext)
{
	return ext->cmd_last != 0;
}

int crosslat_nl_ext_register(const struct crosslat_nl_ext *ext)
{
	const struct crosslat_nl_ext *e;
	int i, slot = -1, err = 0;

	if ((ext_has_cmds(ext) && (ext->cmd_first > ext->cmd_last ||
				   ext->cmd_first <= CROSSLAT_CMD_MARK ||
				   ext->cmd_last > CROSSLAT_CMD_MAX)) ||
	    (!ext_has_cmds(ext) && ext->cmd_first) || ext->stat_first > ext->stat_last ||
	    (ext->stat_read && (ext->stat_first <= CROSSLAT_STAT_NL_INVALID ||
				ext->stat_last > CROSSLAT_STAT_MAX)))
		return -EINVAL;
	mutex_lock(&exts_lock);
	for (i = 0; i < CROSSLAT_NL_MAX_EXT; i++) {
		e = rcu_dereference_protected(exts[i], lockdep_is_held(&exts_lock));
		if (!e) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if ((ext_has_cmds(e) && ext_has_cmds(ext) &&
		     ranges_overlap(e->cmd_first, e->cmd_last, ext->cmd_first, ext->cmd_last)) ||
		    (e->stat_read && ext->stat_read &&
		     ranges_overlap(e->stat_first, e->stat_last, ext->stat_first,
				    ext->stat_last))) {
			err = -EBUSY;
			goto out;
		}
	}
	if (slot < 0)
		err = -ENOSPC;
	else
		rcu_assign_pointer(exts[slot], ext);
out:
	mutex_unlock(&exts_lock);
	return err;
}
EXPORT_SYMBOL_GPL(crosslat_nl_ext_register);

void crosslat_nl_ext_unregister(const struct crosslat_nl_ext *ext)
{
	int i;

	mutex_lock(&exts_lock);
	for (i = 0; i < CROSSLAT_NL_MAX_EXT; i++) {
		if (rcu_access_pointer(exts[i]) == ext)
			RCU_INIT_POINTER(exts[i], NULL);
	}
	mutex_unlock(&exts_lock);
	/* Requests that found ext hold a module reference; stat readers are RCU readers. */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(crosslat_nl_ext_unregister);

/* The extension serving cmd with a reference on its module, or NULL. */
static const struct crosslat_nl_ext *ext_get(u8 cmd)
{
	const struct crosslat_nl_ext *e, *found = NULL;
	int i;

	rcu_read_lock();
	for (i = 0; i < CROSSLAT_NL_MAX_EXT; i++) {
		e = rcu_dereference(exts[i]);
		if (e && ext_has_cmds(e) && cmd >= e->cmd_first && cmd <= e->cmd_last) {
			if (try_module_get(e->owner))
				found = e;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

bool crosslat_stats_value(enum crosslat_stat stat, u64 *val)
{
	const struct crosslat_nl_ext *e;
	bool found = false;
	int i;

	if (stat <= CROSSLAT_STAT_NL_INVALID) {
		if (!crosslat_stats_name(stat))
			return false;
		*val = crosslat_stats_read(stat);
		return true;
	}
	rcu_read_lock();
	for (i = 0; i < CROSSLAT_NL_MAX_EXT && !found; i++) {
		e = rcu_dereference(exts[i]);
		if (e && e->stat_read && stat >= e->stat_first && stat <= e->stat_last) {
			*val = e->stat_read(stat);
			found = true;
		}
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(crosslat_stats_value);

void *crosslat_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &crosslat_family, NLM_F_MULTI, cmd);
}
EXPORT_SYMBOL_GPL(crosslat_nl_dump_hdr);

static int not_loaded(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "no loaded crosslat tracker serves this command");
	return -EOPNOTSUPP;
}

static int ext_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct crosslat_nl_ext *e = ext_get(info->genlhdr->cmd);
	int err;

	if (!e)
		return not_loaded(info->extack);
	err = e->doit ? e->doit(skb, info) : -EOPNOTSUPP;
	module_put(e->owner);
	return err;
}

static int ext_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *di = genl_dumpit_info(cb);
	const struct crosslat_nl_ext *e = ext_get(di->op.cmd);
	int err = 0;

	if (!e)
		return not_loaded(cb->extack);
	if (!e->dumpit) {
		module_put(e->owner);
		return not_loaded(cb->extack);
	}
	cb->args[0] = (unsigned long)e;
	if (e->dump_start)
		err = e->dump_start(cb);
	if (err) {
		cb->args[0] = 0;
		module_put(e->owner);
	}
	return err;
}

static int ext_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct crosslat_nl_ext *e = (const void *)cb->args[0];

	return e->dumpit(skb, cb);
}

static int ext_dump_done(struct netlink_callback *cb)
{
	const struct crosslat_nl_ext *e = (const void *)cb->args[0];

	if (!e)
		return 0;
	if (e->dump_done)
		e->dump_done(cb);
	module_put(e->owner);
	return 0;
}

/* ---- engine commands ---- */

static int put_stats(struct sk_buff *skb)
{
	struct nlattr *nest;
	u64 val;
	int i;

	nest = nla_nest_start(skb, CROSSLAT_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __CROSSLAT_STAT_MAX; i++) {
		if (!crosslat_stats_value(i, &val))
			continue;
		if (nla_put_u64_64bit(skb, i, val, CROSSLAT_STAT_PAD)) {
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

static const struct genl_small_ops crosslat_small_ops[] = {
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

static const struct genl_ops crosslat_ext_ops[] = {
	{
		.cmd = CROSSLAT_CMD_FLOW_GET,
		.start = ext_dump_start,
		.dumpit = ext_dumpit,
		.done = ext_dump_done,
	},
	{
		.cmd = CROSSLAT_CMD_THRESH_SET,
		.doit = ext_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CROSSLAT_CMD_THRESH_DEL,
		.doit = ext_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CROSSLAT_CMD_THRESH_GET,
		.start = ext_dump_start,
		.dumpit = ext_dumpit,
		.done = ext_dump_done,
	},
	{
		.cmd = CROSSLAT_CMD_MAP_GET,
		.start = ext_dump_start,
		.dumpit = ext_dumpit,
		.done = ext_dump_done,
	},
	{
		.cmd = CROSSLAT_CMD_METRICS_SET,
		.doit = ext_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CROSSLAT_CMD_METRICS_GET,
		.start = ext_dump_start,
		.dumpit = ext_dumpit,
		.done = ext_dump_done,
	},
	{
		.cmd = CROSSLAT_CMD_ARM,
		.doit = ext_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CROSSLAT_CMD_DISARM,
		.doit = ext_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CROSSLAT_CMD_ARM_GET,
		.start = ext_dump_start,
		.dumpit = ext_dumpit,
		.done = ext_dump_done,
	},
};

static struct genl_family crosslat_family __ro_after_init = {
	.name = CROSSLAT_GENL_NAME,
	.version = CROSSLAT_GENL_VERSION,
	.maxattr = CROSSLAT_A_MAX,
	.policy = crosslat_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = crosslat_small_ops,
	.n_small_ops = ARRAY_SIZE(crosslat_small_ops),
	.ops = crosslat_ext_ops,
	.n_ops = ARRAY_SIZE(crosslat_ext_ops),
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
