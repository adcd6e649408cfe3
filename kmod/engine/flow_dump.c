// SPDX-License-Identifier: GPL-2.0-only
/* Netlink dumps of flow tables for the trackers' dump commands. */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "flow_dump.h"
#include "flow_table.h"
#include "nl_ext.h"

/* cb->args[1]: the table iterator (struct crosslat_flow_iter *). */
int crosslat_flow_dump_start(struct netlink_callback *cb, struct crosslat_flow_table *t)
{
	struct crosslat_flow_iter *it = kmalloc(sizeof(*it), GFP_KERNEL);

	if (!it)
		return -ENOMEM;
	crosslat_flow_iter_init(t, it);
	cb->args[1] = (unsigned long)it;
	return 0;
}
EXPORT_SYMBOL_GPL(crosslat_flow_dump_start);

int crosslat_flow_dump_done(struct netlink_callback *cb)
{
	struct crosslat_flow_iter *it = (void *)cb->args[1];

	if (it) {
		crosslat_flow_iter_exit(it);
		kfree(it);
		cb->args[1] = 0;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(crosslat_flow_dump_done);

int crosslat_flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			 crosslat_flow_dump_put_t put)
{
	struct crosslat_flow_iter *it = (void *)cb->args[1];
	struct net *net = sock_net(cb->skb->sk);
	struct crosslat_flow *f;
	void *hdr;
	int sent = 0, err;

	crosslat_flow_iter_begin(it);
	while ((f = crosslat_flow_iter_next(it))) {
		if (!net_eq(net, &init_net) && f->key.netns != net->net_cookie)
			continue;
		hdr = crosslat_nl_dump_hdr(skb, cb, cmd);
		err = hdr ? put(skb, f) : -EMSGSIZE;
		if (err == CROSSLAT_FLOW_DUMP_SKIP) {
			genlmsg_cancel(skb, hdr);
			continue;
		}
		if (err) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			crosslat_flow_iter_keep(it);
			break;
		}
		genlmsg_end(skb, hdr);
		sent++;
	}
	crosslat_flow_iter_end(it);
	/* An entry that does not fit an empty message would stall the dump: give up on it. */
	if (f && !sent)
		return -EMSGSIZE;
	return skb->len;
}
EXPORT_SYMBOL_GPL(crosslat_flow_dumpit);
