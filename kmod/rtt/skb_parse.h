/* SPDX-License-Identifier: GPL-2.0-only */
/* TCP segment headers of an skb at a LOCAL_OUT or LOCAL_IN hook, for crosslat_rtt. */
#ifndef _CROSSLAT_RTT_SKB_PARSE_H
#define _CROSSLAT_RTT_SKB_PARSE_H

#include <linux/skbuff.h>
#include "core/pkt_parse.h"

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

#endif /* _CROSSLAT_RTT_SKB_PARSE_H */
