// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_rtt's commands in the "crosslat" generic netlink family (served through the
 * engine's extension table): flow dumps, and threshold rules set, deleted and dumped.
 */
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include "engine/flow_dump.h"
#include "engine/nl_ext.h"
#include "engine/stats.h"
#include "rtt.h"

/* ---- flow dump ---- */

static int put_flow(struct sk_buff *skb, const struct crosslat_rtt_report *r)
{
	unsigned int alen = r->t.family == 4 ? 4 : 16;
	struct nlattr *nest;

#define PUT64(attr, val) nla_put_u64_64bit(skb, attr, val, CROSSLAT_FLOW_A_PAD)
	nest = nla_nest_start(skb, CROSSLAT_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (PUT64(CROSSLAT_FLOW_A_NETNS_COOKIE, r->t.netns_cookie) ||
	    nla_put_u32(skb, CROSSLAT_FLOW_A_NETNS_INUM, r->t.netns_inum) ||
	    nla_put_u8(skb, CROSSLAT_FLOW_A_FAMILY, r->t.family == 4 ? AF_INET : AF_INET6) ||
	    nla_put(skb, CROSSLAT_FLOW_A_LADDR, alen, r->t.laddr) ||
	    nla_put(skb, CROSSLAT_FLOW_A_RADDR, alen, r->t.raddr) ||
	    nla_put_u16(skb, CROSSLAT_FLOW_A_LPORT, r->t.lport) ||
	    nla_put_u16(skb, CROSSLAT_FLOW_A_RPORT, r->t.rport) ||
	    PUT64(CROSSLAT_FLOW_A_FIRST_NS, r->first_ns) ||
	    PUT64(CROSSLAT_FLOW_A_LAST_NS, r->last_ns) ||
	    PUT64(CROSSLAT_FLOW_A_BYTES_OUT, r->bytes_out) ||
	    PUT64(CROSSLAT_FLOW_A_BYTES_IN, r->bytes_in) ||
	    PUT64(CROSSLAT_FLOW_A_PKTS_OUT, r->pkts_out) ||
	    PUT64(CROSSLAT_FLOW_A_PKTS_IN, r->pkts_in) ||
	    PUT64(CROSSLAT_FLOW_A_RETRANS_SEGS, r->retrans_segs) ||
	    PUT64(CROSSLAT_FLOW_A_RETRANS_BYTES, r->retrans_bytes) ||
	    PUT64(CROSSLAT_FLOW_A_KARN_SKIPPED, r->karn_skipped) ||
	    PUT64(CROSSLAT_FLOW_A_THROUGHPUT_OUT, r->throughput_out) ||
	    PUT64(CROSSLAT_FLOW_A_THROUGHPUT_IN, r->throughput_in) ||
	    PUT64(CROSSLAT_FLOW_A_ALERTS, r->alerts))
		goto cancel;
	if (r->rtt_samples &&
	    (PUT64(CROSSLAT_FLOW_A_SRTT_NS, r->srtt_ns) ||
	     PUT64(CROSSLAT_FLOW_A_RTT_MIN_NS, r->rtt_min_ns) ||
	     PUT64(CROSSLAT_FLOW_A_RTT_MAX_NS, r->rtt_max_ns) ||
	     PUT64(CROSSLAT_FLOW_A_RTT_LAST_NS, r->rtt_last_ns) ||
	     PUT64(CROSSLAT_FLOW_A_RTT_SAMPLES, r->rtt_samples)))
		goto cancel;
	if (r->app_samples &&
	    (PUT64(CROSSLAT_FLOW_A_APP_AVG_NS, r->app_avg_ns) ||
	     PUT64(CROSSLAT_FLOW_A_APP_MAX_NS, r->app_max_ns) ||
	     PUT64(CROSSLAT_FLOW_A_APP_SAMPLES, r->app_samples)))
		goto cancel;
	if (r->thresh_ns && PUT64(CROSSLAT_FLOW_A_THRESH_NS, r->thresh_ns))
		goto cancel;
	if (r->closed && nla_put_flag(skb, CROSSLAT_FLOW_A_CLOSED))
		goto cancel;
#undef PUT64
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One entry of the dump: a snapshot under the entry's lock, written after it is dropped. */
static int flow_put(struct sk_buff *skb, struct crosslat_flow *f)
{
	const struct rtt_flow_val *v = (const struct rtt_flow_val *)f->data;
	struct crosslat_rtt_report r;
	bool inited;

	spin_lock_bh(&f->lock);
	inited = v->inited;
	if (inited)
		rtt_report_fill(f, v, &r);
	spin_unlock_bh(&f->lock);
	if (!inited)
		return CROSSLAT_FLOW_DUMP_SKIP;
	return put_flow(skb, &r);
}

static int flow_dump_start(struct netlink_callback *cb)
{
	return crosslat_flow_dump_start(cb, crosslat_rtt_flows);
}

static int flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return crosslat_flow_dumpit(skb, cb, CROSSLAT_CMD_FLOW_GET, flow_put);
}

/* ---- thresholds ---- */

/* Not const: 6.1's nla_policy points to a mutable range. */
static struct netlink_range_validation rtt_ns_range = {
	.min = 1,
	.max = CROSSLAT_THRESH_RTT_MAX_NS,
};

static const struct nla_policy thresh_policy[CROSSLAT_THRESH_A_MAX + 1] = {
	[CROSSLAT_THRESH_A_NETNS_INUM] = NLA_POLICY_MIN(NLA_U32, 1),
	[CROSSLAT_THRESH_A_FAMILY] = { .type = NLA_U8 },
	[CROSSLAT_THRESH_A_PREFIX] = { .type = NLA_BINARY, .len = 16 },
	[CROSSLAT_THRESH_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[CROSSLAT_THRESH_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[CROSSLAT_THRESH_A_RTT_NS] = NLA_POLICY_FULL_RANGE(NLA_U64, &rtt_ns_range),
};

/* Refuses a request: extack message (a string literal) on attr, counted. Evaluates to -EINVAL. */
#define invalid(extack, attr, msg) ({					\
	NL_SET_ERR_MSG_ATTR(extack, attr, msg);				\
	crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);			\
	-EINVAL;							\
})

/* Decodes and validates CROSSLAT_A_THRESH into r; need_rtt for THRESH_SET. */
static int parse_rule(struct genl_info *info, bool need_rtt, struct crosslat_thresh_rule *r)
{
	struct nlattr *tb[CROSSLAT_THRESH_A_MAX + 1];
	struct nlattr *nest = info->attrs[CROSSLAT_A_THRESH];
	struct netlink_ext_ack *extack = info->extack;
	unsigned int alen;
	int err;

	memset(r, 0, sizeof(*r));
	if (!nest)
		return invalid(extack, NULL, "CROSSLAT_A_THRESH is required");
	err = nla_parse_nested(tb, CROSSLAT_THRESH_A_MAX, nest, thresh_policy, extack);
	if (err) {
		crosslat_stats_inc(CROSSLAT_STAT_NL_INVALID);
		return err;
	}
	if (tb[CROSSLAT_THRESH_A_NETNS_INUM])
		r->netns_inum = nla_get_u32(tb[CROSSLAT_THRESH_A_NETNS_INUM]);
	if (tb[CROSSLAT_THRESH_A_PORT])
		r->port = nla_get_u16(tb[CROSSLAT_THRESH_A_PORT]);
	if (tb[CROSSLAT_THRESH_A_FAMILY]) {
		switch (nla_get_u8(tb[CROSSLAT_THRESH_A_FAMILY])) {
		case AF_INET:
			r->family = 4;
			break;
		case AF_INET6:
			r->family = 6;
			break;
		default:
			return invalid(extack, tb[CROSSLAT_THRESH_A_FAMILY],
				       "family must be AF_INET or AF_INET6");
		}
	}
	if (!!tb[CROSSLAT_THRESH_A_PREFIX] != !!r->family ||
	    !!tb[CROSSLAT_THRESH_A_PREFIX_LEN] != !!r->family)
		return invalid(extack, nest, "FAMILY, PREFIX and PREFIX_LEN go together");
	if (r->family) {
		alen = r->family == 4 ? 4 : 16;
		if (nla_len(tb[CROSSLAT_THRESH_A_PREFIX]) != alen)
			return invalid(extack, tb[CROSSLAT_THRESH_A_PREFIX],
				       "prefix length does not match the family");
		memcpy(r->prefix, nla_data(tb[CROSSLAT_THRESH_A_PREFIX]), alen);
		r->prefix_len = nla_get_u8(tb[CROSSLAT_THRESH_A_PREFIX_LEN]);
	}
	if (!tb[CROSSLAT_THRESH_A_RTT_NS] && need_rtt)
		return invalid(extack, nest, "CROSSLAT_THRESH_A_RTT_NS is required");
	/* THRESH_DEL ignores it: any valid value keeps the check below simple. */
	r->rtt_ns = tb[CROSSLAT_THRESH_A_RTT_NS] ? nla_get_u64(tb[CROSSLAT_THRESH_A_RTT_NS]) : 1;

	switch (-crosslat_thresh_rule_check(r)) {
	case CROSSLAT_THRESH_OK:
		return 0;
	case CROSSLAT_THRESH_ERR_PREFIX_LEN:
		return invalid(extack, tb[CROSSLAT_THRESH_A_PREFIX_LEN],
			       "prefix length too long for the family");
	case CROSSLAT_THRESH_ERR_HOST_BITS:
		return invalid(extack, tb[CROSSLAT_THRESH_A_PREFIX],
			       "prefix has bits set past its length");
	default:
		return invalid(extack, nest, "invalid threshold rule");
	}
}

static int thresh_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct crosslat_thresh_rule r;
	int err;

	switch (info->genlhdr->cmd) {
	case CROSSLAT_CMD_THRESH_SET:
		err = parse_rule(info, true, &r);
		if (err)
			return err;
		err = rtt_thresh_set(&r);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "too many threshold rules");
		return err;
	case CROSSLAT_CMD_THRESH_DEL:
		if (info->attrs[CROSSLAT_A_FLUSH]) {
			if (info->attrs[CROSSLAT_A_THRESH])
				return invalid(info->extack, info->attrs[CROSSLAT_A_FLUSH],
					       "FLUSH takes no rule");
			rtt_thresh_flush();
			return 0;
		}
		err = parse_rule(info, false, &r);
		if (err)
			return err;
		err = rtt_thresh_del(&r);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no rule with that selector");
		return err;
	}
	return -EOPNOTSUPP;
}

static int put_rule(struct sk_buff *skb, const struct crosslat_thresh_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, CROSSLAT_A_THRESH);

	if (!nest)
		return -EMSGSIZE;
	if ((r->netns_inum && nla_put_u32(skb, CROSSLAT_THRESH_A_NETNS_INUM, r->netns_inum)) ||
	    (r->family &&
	     (nla_put_u8(skb, CROSSLAT_THRESH_A_FAMILY, r->family == 4 ? AF_INET : AF_INET6) ||
	      nla_put(skb, CROSSLAT_THRESH_A_PREFIX, r->family == 4 ? 4 : 16, r->prefix) ||
	      nla_put_u8(skb, CROSSLAT_THRESH_A_PREFIX_LEN, r->prefix_len))) ||
	    (r->port && nla_put_u16(skb, CROSSLAT_THRESH_A_PORT, r->port)) ||
	    nla_put_u64_64bit(skb, CROSSLAT_THRESH_A_RTT_NS, r->rtt_ns, CROSSLAT_THRESH_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The rules as they were when a dump started. */
struct thresh_snapshot {
	unsigned int n;
	struct crosslat_thresh_rule r[CROSSLAT_THRESH_MAX_RULES];
};

/* cb->args[1]: the snapshot; args[2]: the next rule to send. */
static int thresh_dump_start(struct netlink_callback *cb)
{
	struct thresh_snapshot *snap = kmalloc(sizeof(*snap), GFP_KERNEL);

	if (!snap)
		return -ENOMEM;
	snap->n = min_t(unsigned int, rtt_thresh_copy(snap->r, CROSSLAT_THRESH_MAX_RULES),
			CROSSLAT_THRESH_MAX_RULES);
	cb->args[1] = (unsigned long)snap;
	cb->args[2] = 0;
	return 0;
}

static int thresh_dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[1]);
	return 0;
}

static int thresh_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct thresh_snapshot *snap = (void *)cb->args[1];
	void *hdr;

	while (cb->args[2] < snap->n) {
		hdr = crosslat_nl_dump_hdr(skb, cb, CROSSLAT_CMD_THRESH_GET);
		if (!hdr)
			break;
		if (put_rule(skb, &snap->r[cb->args[2]])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[2]++;
	}
	return skb->len;
}

/* ---- registration ---- */

static int rtt_dump_start(struct netlink_callback *cb)
{
	switch (genl_dumpit_info(cb)->op.cmd) {
	case CROSSLAT_CMD_FLOW_GET:
		return flow_dump_start(cb);
	case CROSSLAT_CMD_THRESH_GET:
		return thresh_dump_start(cb);
	}
	return -EOPNOTSUPP;
}

static int rtt_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	if (genl_dumpit_info(cb)->op.cmd == CROSSLAT_CMD_FLOW_GET)
		return flow_dumpit(skb, cb);
	return thresh_dumpit(skb, cb);
}

static int rtt_dump_done(struct netlink_callback *cb)
{
	if (genl_dumpit_info(cb)->op.cmd == CROSSLAT_CMD_FLOW_GET)
		return crosslat_flow_dump_done(cb);
	return thresh_dump_done(cb);
}

/* The table's counters follow enum crosslat_flow_table_stat's order. */
static_assert(CROSSLAT_STAT_RTT_EVICTED_LRU - CROSSLAT_STAT_RTT_FLOWS == CROSSLAT_FT_EVICTED_LRU);

static u64 rtt_stat_read(enum crosslat_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat >= RTT_CNT_FIRST) {
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(crosslat_rtt_counters, cpu)->v[stat - RTT_CNT_FIRST];
		return sum;
	}
	if (stat == CROSSLAT_STAT_RTT_NETNS)
		return rtt_hooks_netns();
	return crosslat_flow_table_stat(crosslat_rtt_flows, stat - CROSSLAT_STAT_RTT_FLOWS);
}

static const struct crosslat_nl_ext rtt_nl_ext = {
	.owner = THIS_MODULE,
	.cmd_first = CROSSLAT_CMD_FLOW_GET,
	.cmd_last = CROSSLAT_CMD_THRESH_GET,
	.doit = thresh_doit,
	.dump_start = rtt_dump_start,
	.dumpit = rtt_dumpit,
	.dump_done = rtt_dump_done,
	.stat_first = CROSSLAT_STAT_RTT_NETNS,
	.stat_last = CROSSLAT_STAT_RTT_FLOW_REPORTS,
	.stat_read = rtt_stat_read,
};

int rtt_netlink_init(void)
{
	return crosslat_nl_ext_register(&rtt_nl_ext);
}

void rtt_netlink_exit(void)
{
	crosslat_nl_ext_unregister(&rtt_nl_ext);
}
