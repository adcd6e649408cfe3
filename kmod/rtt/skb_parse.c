// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP headers of the packets crosslat_rtt's hooks see. At LOCAL_OUT and LOCAL_IN the stack
 * has already checked the IP header and put it in the linear area (ip_rcv() and ipv6_rcv()
 * on the way in; on the way out the stack built it, or the raw socket code checked it), so
 * the two common cases, IPv4 that is not a fragment and IPv6 straight to TCP, are read the
 * way netfilter's own matches read them: the IP header in place, the TCP header through
 * skb_header_pointer(), every length checked against the packet. Everything else (IPv6
 * extension headers, fragments, anything that does not add up) goes to the portable parser
 * (kmod/core/pkt_parse.c) on a copy of the headers, which also names the error. The KUnit
 * suite crosslat_rtt_skb_parse checks that both give the same result.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include "compat/unaligned.h"
#include "skb_parse.h"

/* Wire segments the skb stands for: its GSO segment count, or 1. */
static u16 skb_wire_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

/*
 * The portable parser on a copy of the first RTT_HDR_MAX bytes. Out of line, so that the
 * fast path's frame stays small.
 */
static noinline int parse_copy(const struct sk_buff *skb, struct crosslat_pkt *pkt)
{
	int noff = skb_network_offset(skb);
	unsigned int avail = skb->len - noff;
	unsigned int want = min_t(unsigned int, avail, RTT_HDR_MAX);
	u8 buf[RTT_HDR_MAX] __uninitialized;
	const u8 *data;
	int err;

	data = skb_header_pointer(skb, noff, want, buf);
	if (unlikely(!data))
		return -CROSSLAT_PKT_ERR_TRUNCATED;
	err = crosslat_pkt_parse(data, want, CROSSLAT_PKT_L3, pkt);
	if (err)
		return err;
	if (!pkt->l4_valid || pkt->l4_proto != CROSSLAT_IPPROTO_TCP)
		return RTT_SKB_NOT_TCP;
	/* Only the headers were copied: the IP length and the skb say where the payload ends. */
	if (pkt->truncated) {
		u32 ip_end = pkt->family == 4 ? get_unaligned_be16(data + 2) :
			     sizeof(struct ipv6hdr) + get_unaligned_be16(data + 4);

		pkt->ip_len = min(ip_end, avail);
		pkt->payload_len = pkt->ip_len - pkt->payload_off;
		pkt->truncated = ip_end > avail;
	}
	pkt->segs = skb_wire_segs(skb);
	return 0;
}

int rtt_skb_parse(const struct sk_buff *skb, u8 pf, struct crosslat_pkt *pkt)
{
	unsigned int noff = skb_network_offset(skb);
	unsigned int avail = skb->len - noff;
	unsigned int hlen, ip_end, end, doff;
	const struct tcphdr *th;
	struct tcphdr _th;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (unlikely(skb_headlen(skb) < noff + sizeof(*iph)))
			return parse_copy(skb, pkt);
		if (iph->protocol != IPPROTO_TCP)
			return RTT_SKB_NOT_TCP;
		hlen = iph->ihl * 4;
		ip_end = ntohs(iph->tot_len);
		if (unlikely(iph->version != 4 || hlen < sizeof(*iph) || ip_end < hlen ||
			     ip_is_fragment(iph)))
			return parse_copy(skb, pkt);
		memset(pkt, 0, sizeof(*pkt));
		pkt->family = 4;
		memcpy(pkt->saddr, &iph->saddr, 4);
		memcpy(pkt->daddr, &iph->daddr, 4);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (unlikely(skb_headlen(skb) < noff + sizeof(*ip6h)))
			return parse_copy(skb, pkt);
		if (ip6h->nexthdr != IPPROTO_TCP) {
			if (ipv6_ext_hdr(ip6h->nexthdr))
				return parse_copy(skb, pkt);
			return RTT_SKB_NOT_TCP;
		}
		if (unlikely(ip6h->version != 6))
			return parse_copy(skb, pkt);
		hlen = sizeof(*ip6h);
		ip_end = hlen + ntohs(ip6h->payload_len);
		memset(pkt, 0, sizeof(*pkt));
		pkt->family = 6;
		memcpy(pkt->saddr, &ip6h->saddr, 16);
		memcpy(pkt->daddr, &ip6h->daddr, 16);
	}

	/* The TCP header, options included, must lie inside both the IP length and the skb. */
	end = min(ip_end, avail);
	if (unlikely(hlen + sizeof(_th) > end))
		return parse_copy(skb, pkt);
	th = skb_header_pointer(skb, noff + hlen, sizeof(_th), &_th);
	doff = th->doff * 4;
	if (unlikely(doff < sizeof(_th) || hlen + doff > end))
		return parse_copy(skb, pkt);

	pkt->ip_len = end;
	pkt->l4_off = hlen;
	pkt->l4_proto = IPPROTO_TCP;
	pkt->l4_valid = true;
	pkt->sport = ntohs(th->source);
	pkt->dport = ntohs(th->dest);
	pkt->tcp.seq = ntohl(th->seq);
	pkt->tcp.ack_seq = ntohl(th->ack_seq);
	pkt->tcp.flags = ((const u8 *)th)[13];	/* tcp_flag_byte() */
	pkt->tcp.window = ntohs(th->window);
	pkt->tcp.doff = doff;
	pkt->payload_off = hlen + doff;
	pkt->payload_len = end - pkt->payload_off;
	pkt->truncated = ip_end > avail;
	pkt->segs = skb_wire_segs(skb);
	return 0;
}
