// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device layer of armed flows: the core tracepoints net_dev_queue (a packet handed to its
 * device's qdisc), net_dev_start_xmit (handed to the driver) and netif_receive_skb (received
 * from a device, before the IP layer). Registered only while something is armed; each IP
 * packet then has its TCP header read and its flow looked up in the RTT table in the
 * device's namespace, so only the armed flows' own namespaces' devices report them.
 */
#include <linux/if_ether.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include "engine/kernel_tp.h"
#include "engine/flow_table.h"
#include "arm.h"
#include "skb_parse.h"

static void dev_packet(const struct sk_buff *skb, const struct net_device *dev, u8 point)
{
	bool egress = point != CROSSLAT_LAYER_DEV_RECV;
	struct crosslat_flow_key key;
	struct crosslat_layer_rec r;
	struct crosslat_pkt pkt;
	bool armed;
	u8 pf;

	if (skb->protocol == htons(ETH_P_IP))
		pf = NFPROTO_IPV4;
	else if (skb->protocol == htons(ETH_P_IPV6))
		pf = NFPROTO_IPV6;
	else
		return;
	/*
	 * On receive the stack sets the network header right after this tracepoint: it is
	 * where the data starts, which is where a forwarded (veth) or GRO packet has it.
	 */
	if (!egress && skb_network_offset(skb) != 0)
		return;
	if (rtt_skb_parse(skb, pf, &pkt))
		return;
	rtt_skb_flow_key(&key, dev_net(dev), &pkt, egress);
	rcu_read_lock();
	armed = rtt_arm_flow_lookup(&key, ktime_get_ns(), &r);
	rcu_read_unlock();
	if (!armed)
		return;
	r.point = point;
	r.seq = pkt.tcp.seq;
	r.len = pkt.payload_len;
	r.tcp_flags = pkt.tcp.flags;
	r.ifindex = dev->ifindex;
	rtt_layer_emit(&r);
}

static void dev_queue(void *data, struct sk_buff *skb)
{
	if (skb->dev)
		dev_packet(skb, skb->dev, CROSSLAT_LAYER_DEV_QUEUE);
}

static void dev_start_xmit(void *data, const struct sk_buff *skb, const struct net_device *dev)
{
	dev_packet(skb, dev, CROSSLAT_LAYER_DEV_XMIT);
}

static void dev_receive(void *data, struct sk_buff *skb)
{
	if (skb->dev)
		dev_packet(skb, skb->dev, CROSSLAT_LAYER_DEV_RECV);
}

static struct crosslat_kernel_tp dev_probes[] = {
	{ "net_dev_queue", dev_queue },
	{ "net_dev_start_xmit", dev_start_xmit },
	{ "netif_receive_skb", dev_receive },
};

int rtt_tp_dev_register(void)
{
	unsigned int i;

	/* Found again on each registration. */
	for (i = 0; i < ARRAY_SIZE(dev_probes); i++)
		dev_probes[i].tp = NULL;
	return crosslat_kernel_tp_register(dev_probes, ARRAY_SIZE(dev_probes));
}

void rtt_tp_dev_unregister(void)
{
	crosslat_kernel_tp_unregister(dev_probes, ARRAY_SIZE(dev_probes));
}
