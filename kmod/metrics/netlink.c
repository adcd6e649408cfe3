// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_metrics' commands in the "crosslat" generic netlink family (served through the
 * engine's extension table): a cgroup's configuration set, every cgroup's histograms
 * dumped; and its counters in CROSSLAT_CMD_GET_STATS.
 */
#include <linux/cgroup.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "engine/nl_ext.h"
#include "engine/stats.h"
#include "metrics.h"

/* Values are checked by crosslat_metrics_conf_valid(): every refusal is -EINVAL. */
static const struct nla_policy metrics_policy[CROSSLAT_METRICS_A_MAX + 1] = {
	[CROSSLAT_METRICS_A_CGROUP_ID] = { .type = NLA_U64 },
	[CROSSLAT_METRICS_A_MASK] = { .type = NLA_U32 },
	[CROSSLAT_METRICS_A_SAMPLE_EVERY] = { .type = NLA_U32 },
	[CROSSLAT_METRICS_A_HIST] = { .type = NLA_REJECT },
	[CROSSLAT_METRICS_A_EVENTS] = { .type = NLA_REJECT },
	[CROSSLAT_METRICS_A_DROPS] = { .type = NLA_REJECT },
};

/* Refuses a request: extack message on attr, counted. Evaluates to -EINVAL. */
#define refuse(extack, attr, msg) ({					\
	NL_SET_ERR_MSG_ATTR(extack, attr, msg);				\
	crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);			\
	-EINVAL;							\
})

static int set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CROSSLAT_METRICS_A_MAX + 1];
	struct nlattr *nest = info->attrs[CROSSLAT_A_METRICS];
	struct netlink_ext_ack *extack = info->extack;
	struct cgroup *cgrp;
	u32 mask, every = 1;
	u64 id;
	int err;

	if (!nest)
		return refuse(extack, NULL, "CROSSLAT_A_METRICS is required");
	err = nla_parse_nested(tb, CROSSLAT_METRICS_A_MAX, nest, metrics_policy, extack);
	if (err) {
		crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);
		return err;
	}
	if (!tb[CROSSLAT_METRICS_A_CGROUP_ID] || !tb[CROSSLAT_METRICS_A_MASK])
		return refuse(extack, nest, "CGROUP_ID and MASK are required");
	id = nla_get_u64(tb[CROSSLAT_METRICS_A_CGROUP_ID]);
	mask = nla_get_u32(tb[CROSSLAT_METRICS_A_MASK]);
	if (tb[CROSSLAT_METRICS_A_SAMPLE_EVERY])
		every = nla_get_u32(tb[CROSSLAT_METRICS_A_SAMPLE_EVERY]);
	if (!crosslat_metrics_conf_valid(mask, every))
		return refuse(extack, nest,
			      "MASK has an unknown metric, or SAMPLE_EVERY is not 1..1000000");
	if (mask) {
		/* a cgroup v2 directory that exists (and that this cgroup namespace sees) */
		cgrp = cgroup_get_from_id(id);
		if (IS_ERR(cgrp)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CROSSLAT_METRICS_A_CGROUP_ID],
					    "no cgroup v2 with that id");
			return PTR_ERR(cgrp);
		}
		cgroup_put(cgrp);
	}
	err = metrics_cg_set(id, mask, every);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "max_cgroups cgroups are configured already");
	return err;
}

/* ---- dump: cb->args[1] the next cgroup, args[2] a scratch histogram ---- */

struct dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct crosslat_log2_hist *h;
};

static int put_hist(struct sk_buff *skb, unsigned int id, const struct crosslat_log2_hist *h)
{
	struct nlattr *nest = nla_nest_start(skb, CROSSLAT_METRICS_A_HIST);
	unsigned int n = CROSSLAT_LOG2_BUCKETS;

	if (!nest)
		return -EMSGSIZE;
	while (n && !h->bucket[n - 1])
		n--;
#define PUT64(attr, val) nla_put_u64_64bit(skb, attr, val, CROSSLAT_METRICS_HIST_A_PAD)
	if (nla_put_u8(skb, CROSSLAT_METRICS_HIST_A_ID, id) ||
	    PUT64(CROSSLAT_METRICS_HIST_A_COUNT, h->count) ||
	    PUT64(CROSSLAT_METRICS_HIST_A_SUM, h->sum) ||
	    (h->count && (PUT64(CROSSLAT_METRICS_HIST_A_MIN_VALUE, h->min) ||
			  PUT64(CROSSLAT_METRICS_HIST_A_MAX_VALUE, h->max))) ||
	    nla_put(skb, CROSSLAT_METRICS_HIST_A_BUCKETS, n * sizeof(u64), h->bucket)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;
}

static int put_cg(const struct metrics_cg *cg, void *arg)
{
	struct dump_ctx *c = arg;
	u64 events[__CROSSLAT_METRIC_MAX] = {}, drops[__CROSSLAT_METRIC_MAX] = {};
	const struct metrics_pcpu *pc;
	struct nlattr *nest;
	unsigned int cpu, h, m;
	u32 mask = READ_ONCE(cg->mask);
	void *hdr;

	hdr = crosslat_nl_dump_hdr(c->skb, c->cb, CROSSLAT_CMD_METRICS_GET);
	if (!hdr)
		return -EMSGSIZE;
	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(cg->pcpu, cpu);
		for (m = 0; m < __CROSSLAT_METRIC_MAX; m++) {
			events[m] += READ_ONCE(pc->events[m]);
			drops[m] += READ_ONCE(pc->drops[m]);
		}
	}
	nest = nla_nest_start(c->skb, CROSSLAT_A_METRICS);
	if (!nest ||
	    nla_put_u64_64bit(c->skb, CROSSLAT_METRICS_A_CGROUP_ID, cg->id, CROSSLAT_METRICS_A_PAD) ||
	    nla_put_u32(c->skb, CROSSLAT_METRICS_A_MASK, mask) ||
	    nla_put_u32(c->skb, CROSSLAT_METRICS_A_SAMPLE_EVERY, READ_ONCE(cg->every)) ||
	    nla_put(c->skb, CROSSLAT_METRICS_A_EVENTS, sizeof(events), events) ||
	    nla_put(c->skb, CROSSLAT_METRICS_A_DROPS, sizeof(drops), drops))
		goto cancel;
	for (h = 0; h < __CROSSLAT_METRICS_HIST_MAX; h++) {
		if (!(mask & (1u << crosslat_metrics_hist_metric(h))))
			continue;
		crosslat_log2_hist_init(c->h);
		for_each_possible_cpu(cpu)
			crosslat_log2_hist_merge(c->h, &per_cpu_ptr(cg->pcpu, cpu)->hist[h]);
		if (put_hist(c->skb, h, c->h))
			goto cancel;
	}
	nla_nest_end(c->skb, nest);
	genlmsg_end(c->skb, hdr);
	c->cb->args[1]++;
	return 0;

cancel:
	genlmsg_cancel(c->skb, hdr);
	return -EMSGSIZE;
}

static int get_dump_start(struct netlink_callback *cb)
{
	cb->args[1] = 0;
	cb->args[2] = (unsigned long)kmalloc(sizeof(struct crosslat_log2_hist), GFP_KERNEL);
	return cb->args[2] ? 0 : -ENOMEM;
}

static int get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx c = { skb, cb, (struct crosslat_log2_hist *)cb->args[2] };
	unsigned long before = cb->args[1];
	int err;

	err = metrics_cg_for_each(before, put_cg, &c);
	if (err == -EMSGSIZE && cb->args[1] == before)
		return -EMSGSIZE;	/* one cgroup does not fit an empty message */
	return skb->len;
}

static int get_dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[2]);
	return 0;
}

/* ---- counters ---- */

struct metrics_counters __percpu *metrics_counters;

static u64 metrics_stat_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	switch (stat) {
	case CROSSLAT_STAT_METRICS_CGROUPS:
		return metrics_cg_count();
	case CROSSLAT_STAT_METRICS_PROBES:
		return metrics_arm_probes();
	case CROSSLAT_STAT_METRICS_FAULT_MISSED:
		return metrics_fault_missed();
	default:
		break;
	}
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(metrics_counters, cpu)->v[stat - METRICS_CNT_FIRST];
	return sum;
}

static const struct crosslat_nl_ext metrics_nl_ext = {
	.owner = THIS_MODULE,
	.cmd_first = CROSSLAT_CMD_METRICS_SET,
	.cmd_last = CROSSLAT_CMD_METRICS_GET,
	.doit = set_doit,
	.dump_start = get_dump_start,
	.dumpit = get_dumpit,
	.dump_done = get_dump_done,
	.stat_first = CROSSLAT_STAT_METRICS_CGROUPS,
	.stat_last = CROSSLAT_STAT_METRICS_CGROUPS_FULL,
	.stat_read = metrics_stat_read,
};

int metrics_netlink_init(void)
{
	return crosslat_nl_ext_register(&metrics_nl_ext);
}

void metrics_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&metrics_nl_ext);
}
