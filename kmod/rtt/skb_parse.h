/* SPDX-License-Identifier: GPL-2.0-only */
/* TCP segment headers of an skb at a LOCAL_OUT or LOCAL_IN hook, for crosslat_rtt. */
#ifndef _CROSSLAT_RTT_SKB_PARSE_H
#define _CROSSLAT_RTT_SKB_PARSE_H

#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include "core/pkt_parse.h"
#include "engine/flow_table.h"

/* rtt_skb_parse() result for a packet that is not a TCP segment: ignore it. */
#define RTT_SKB_NOT_TCP	1

/*
 * Headers are copied out for the portable parser from at most this many bytes at the
 * network header: an IPv6 header with some extension headers, or IPv4 with options, plus a
 * TCP header with options.
 */
#define RTT_HDR_MAX	192

/*
 * rtt_skb_parse() - parse the IP and TCP headers of skb (pf: NFPROTO_IPV4 or NFPROTO_IPV6)
 *
 * On success *pkt holds what crosslat_pkt_parse() would find in the whole packet for the
 * fields crosslat_rtt reads (family, saddr, daddr, ip_len, l4_off, l4_proto, l4_valid,
 * sport, dport, tcp, payload_off, payload_len, truncated) and segs is the skb's wire
 * segment count (GSO/GRO super-packets); the other fields may be zero. Never reads outside
 * the skb.
 *
 * Return: 0 for a TCP segment, RTT_SKB_NOT_TCP for anything else (non-first fragments
 * included), or a negative enum crosslat_pkt_err for malformed headers.
 */
int rtt_skb_parse(const struct sk_buff *skb, u8 pf, struct crosslat_pkt *pkt);

/*
 * The RTT table's key of a parsed TCP segment seen in net: the local end is the source of
 * what the namespace sends (egress), the destination of what it receives.
 */
static inline void rtt_skb_flow_key(struct crosslat_flow_key *key, const struct net *net,
				    const struct crosslat_pkt *pkt, bool egress)
{
	memset(key, 0, sizeof(*key));
	key->netns = net->net_cookie;
	key->family = pkt->family;
	key->proto = IPPROTO_TCP;
	if (egress) {
		memcpy(key->laddr, pkt->saddr, sizeof(key->laddr));
		memcpy(key->raddr, pkt->daddr, sizeof(key->raddr));
		key->lport = htons(pkt->sport);
		key->rport = htons(pkt->dport);
	} else {
		memcpy(key->laddr, pkt->daddr, sizeof(key->laddr));
		memcpy(key->raddr, pkt->saddr, sizeof(key->raddr));
		key->lport = htons(pkt->dport);
		key->rport = htons(pkt->sport);
	}
}

#endif /* _CROSSLAT_RTT_SKB_PARSE_H */
