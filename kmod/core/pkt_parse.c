// SPDX-License-Identifier: GPL-2.0-only
/* Bounded header parser for untrusted packet bytes: Ethernet, VLAN, IPv4/IPv6, TCP, UDP. */
#include "pkt_parse.h"

#define ETH_HDR_LEN		14
#define VLAN_HDR_LEN		4
#define IPV4_MIN_HDR_LEN	20
#define IPV6_HDR_LEN		40
#define IPV6_EXT_MIN_LEN	8
#define IPV6_FRAG_HDR_LEN	8
#define TCP_MIN_HDR_LEN		20
#define UDP_HDR_LEN		8

#define IPV4_MF			0x2000
#define IPV4_OFFSET_MASK	0x1fff
#define IPV6_FRAG_MF		0x0001
#define IPV6_FRAG_OFFSET_MASK	0xfff8

#define IPV6_EXT_HOP		0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_FRAGMENT	44
#define IPV6_EXT_AUTH		51
#define IPV6_EXT_DEST		60

static const char * const pkt_err_names[CROSSLAT_PKT_NR_ERRORS] = {
	[CROSSLAT_PKT_OK]		= "ok",
	[CROSSLAT_PKT_ERR_TRUNCATED]	= "truncated header",
	[CROSSLAT_PKT_ERR_BAD_VERSION]	= "bad IP version",
	[CROSSLAT_PKT_ERR_BAD_HDRLEN]	= "bad header length",
	[CROSSLAT_PKT_ERR_BAD_LENGTH]	= "length field too short for headers",
	[CROSSLAT_PKT_ERR_UNSUPPORTED_L3] = "unsupported ethertype",
	[CROSSLAT_PKT_ERR_TOO_MANY_VLAN] = "too many VLAN tags",
	[CROSSLAT_PKT_ERR_TOO_MANY_EXT]	= "too many IPv6 extension headers",
	[CROSSLAT_PKT_ERR_BAD_START]	= "bad start layer",
};

/* true if [off, off + n) lies inside [0, end); never overflows */
static inline bool fits(u32 end, u32 off, u32 n)
{
	return off <= end && n <= end - off;
}

/*
 * A header of n bytes at off must fit the IP datagram (ip_end, declared by the IP length)
 * and the buffer (len). The declared bound is checked first so that a well-formed packet
 * cut short always fails with TRUNCATED.
 */
static inline int need(u32 len, u32 ip_end, u32 off, u32 n)
{
	if (!fits(ip_end, off, n))
		return -CROSSLAT_PKT_ERR_BAD_LENGTH;
	if (!fits(len, off, n))
		return -CROSSLAT_PKT_ERR_TRUNCATED;
	return 0;
}

/* Skips Ethernet II and VLAN tags; sets l3_off and the inner ethertype. */
static int parse_eth(const u8 *data, u32 len, struct crosslat_pkt *pkt, u16 *ethertype)
{
	u32 off = ETH_HDR_LEN;
	u16 type;

	if (!fits(len, 0, ETH_HDR_LEN))
		return -CROSSLAT_PKT_ERR_TRUNCATED;
	type = cl_get_be16(data + 12);
	while (type == CROSSLAT_ETH_P_8021Q || type == CROSSLAT_ETH_P_8021AD) {
		if (pkt->vlan_count == CROSSLAT_PKT_MAX_VLAN)
			return -CROSSLAT_PKT_ERR_TOO_MANY_VLAN;
		if (!fits(len, off, VLAN_HDR_LEN))
			return -CROSSLAT_PKT_ERR_TRUNCATED;
		if (!pkt->vlan_count)
			pkt->vlan_id = cl_get_be16(data + off) & 0x0fff;
		pkt->vlan_count++;
		type = cl_get_be16(data + off + 2);
		off += VLAN_HDR_LEN;
	}
	pkt->l3_off = off;
	*ethertype = type;
	return 0;
}

/* Parses the IPv4 header at l3_off; sets l4_off, l4_proto and the declared end *ip_end. */
static int parse_ipv4(const u8 *data, u32 len, struct crosslat_pkt *pkt, u32 *ip_end)
{
	const u8 *ip = data + pkt->l3_off;
	u32 hlen, tot_len;
	u16 frag;

	if (!fits(len, pkt->l3_off, IPV4_MIN_HDR_LEN))
		return -CROSSLAT_PKT_ERR_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return -CROSSLAT_PKT_ERR_BAD_VERSION;
	hlen = (u32)(ip[0] & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR_LEN)
		return -CROSSLAT_PKT_ERR_BAD_HDRLEN;
	tot_len = cl_get_be16(ip + 2);
	if (tot_len < hlen)
		return -CROSSLAT_PKT_ERR_BAD_LENGTH;
	if (!fits(len, pkt->l3_off, hlen))
		return -CROSSLAT_PKT_ERR_TRUNCATED;

	pkt->family = 4;
	pkt->tos = ip[1];
	pkt->ip_id = cl_get_be16(ip + 4);
	frag = cl_get_be16(ip + 6);
	pkt->frag_off = (u16)((frag & IPV4_OFFSET_MASK) << 3);
	pkt->is_fragment = (frag & (IPV4_MF | IPV4_OFFSET_MASK)) != 0;
	pkt->ttl = ip[8];
	pkt->l4_proto = ip[9];
	memcpy(pkt->saddr, ip + 12, 4);
	memcpy(pkt->daddr, ip + 16, 4);
	pkt->l4_off = pkt->l3_off + hlen;
	*ip_end = pkt->l3_off + tot_len;
	return 0;
}

static bool ipv6_is_ext(u8 nexthdr)
{
	switch (nexthdr) {
	case IPV6_EXT_HOP:
	case IPV6_EXT_ROUTING:
	case IPV6_EXT_FRAGMENT:
	case IPV6_EXT_AUTH:
	case IPV6_EXT_DEST:
		return true;
	default:
		return false;
	}
}

/*
 * Parses the IPv6 header at l3_off and walks its extension headers; sets l4_off, l4_proto
 * and the declared end *ip_end. Stops early at a non-first fragment (frag_off != 0).
 */
static int parse_ipv6(const u8 *data, u32 len, struct crosslat_pkt *pkt, u32 *ip_end)
{
	const u8 *ip = data + pkt->l3_off;
	u32 off, hlen;
	unsigned int n;
	u8 nexthdr;
	u16 frag;
	int err;

	if (!fits(len, pkt->l3_off, IPV6_HDR_LEN))
		return -CROSSLAT_PKT_ERR_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return -CROSSLAT_PKT_ERR_BAD_VERSION;

	pkt->family = 6;
	pkt->tos = (u8)(cl_get_be16(ip) >> 4);
	pkt->ttl = ip[7];
	memcpy(pkt->saddr, ip + 8, 16);
	memcpy(pkt->daddr, ip + 24, 16);
	*ip_end = pkt->l3_off + IPV6_HDR_LEN + cl_get_be16(ip + 4);
	nexthdr = ip[6];
	off = pkt->l3_off + IPV6_HDR_LEN;

	for (n = 0; ipv6_is_ext(nexthdr); n++) {
		const u8 *ext = data + off;

		if (n == CROSSLAT_PKT_MAX_EXT)
			return -CROSSLAT_PKT_ERR_TOO_MANY_EXT;
		err = need(len, *ip_end, off, IPV6_EXT_MIN_LEN);
		if (err)
			return err;
		if (nexthdr == IPV6_EXT_FRAGMENT)
			hlen = IPV6_FRAG_HDR_LEN;
		else if (nexthdr == IPV6_EXT_AUTH)
			hlen = ((u32)ext[1] + 2) * 4;
		else
			hlen = ((u32)ext[1] + 1) * 8;
		err = need(len, *ip_end, off, hlen);
		if (err)
			return err;

		if (nexthdr == IPV6_EXT_FRAGMENT) {
			frag = cl_get_be16(ext + 2);
			pkt->frag_off = frag & IPV6_FRAG_OFFSET_MASK;
			pkt->is_fragment = (frag & (IPV6_FRAG_OFFSET_MASK | IPV6_FRAG_MF)) != 0;
			pkt->ip_id = cl_get_be32(ext + 4);
		}
		nexthdr = ext[0];
		off += hlen;
		if (pkt->frag_off)
			break;
	}

	pkt->l4_proto = nexthdr;
	pkt->l4_off = off;
	return 0;
}

static int parse_tcp(const u8 *data, u32 len, u32 ip_end, struct crosslat_pkt *pkt)
{
	const u8 *th = data + pkt->l4_off;
	u32 doff;
	int err;

	err = need(len, ip_end, pkt->l4_off, TCP_MIN_HDR_LEN);
	if (err)
		return err;
	doff = (u32)(th[12] >> 4) * 4;
	if (doff < TCP_MIN_HDR_LEN)
		return -CROSSLAT_PKT_ERR_BAD_HDRLEN;
	err = need(len, ip_end, pkt->l4_off, doff);
	if (err)
		return err;

	pkt->sport = cl_get_be16(th);
	pkt->dport = cl_get_be16(th + 2);
	pkt->tcp.seq = cl_get_be32(th + 4);
	pkt->tcp.ack_seq = cl_get_be32(th + 8);
	pkt->tcp.flags = th[13];
	pkt->tcp.window = cl_get_be16(th + 14);
	pkt->tcp.doff = (u8)doff;
	pkt->payload_off = pkt->l4_off + doff;
	pkt->payload_len = min(ip_end, len) - pkt->payload_off;
	pkt->l4_valid = true;
	return 0;
}

/* The UDP length must cover the header and fit the IP datagram; bytes past it are padding. */
static int parse_udp(const u8 *data, u32 len, u32 ip_end, struct crosslat_pkt *pkt)
{
	const u8 *uh = data + pkt->l4_off;
	u32 ulen;
	int err;

	err = need(len, ip_end, pkt->l4_off, UDP_HDR_LEN);
	if (err)
		return err;
	ulen = cl_get_be16(uh + 4);
	if (ulen < UDP_HDR_LEN || !fits(ip_end, pkt->l4_off, ulen))
		return -CROSSLAT_PKT_ERR_BAD_LENGTH;

	pkt->sport = cl_get_be16(uh);
	pkt->dport = cl_get_be16(uh + 2);
	pkt->payload_off = pkt->l4_off + UDP_HDR_LEN;
	pkt->payload_len = min(pkt->l4_off + ulen, len) - pkt->payload_off;
	pkt->l4_valid = true;
	return 0;
}

int crosslat_pkt_parse(const u8 *data, u32 len, enum crosslat_pkt_layer start,
		       struct crosslat_pkt *pkt)
{
	u16 ethertype;
	u32 ip_end = 0;
	int err;

	memset(pkt, 0, sizeof(*pkt));
	pkt->segs = 1;

	if (start == CROSSLAT_PKT_L2) {
		err = parse_eth(data, len, pkt, &ethertype);
		if (err)
			return err;
		if (ethertype == CROSSLAT_ETH_P_IPV4)
			err = parse_ipv4(data, len, pkt, &ip_end);
		else if (ethertype == CROSSLAT_ETH_P_IPV6)
			err = parse_ipv6(data, len, pkt, &ip_end);
		else
			err = -CROSSLAT_PKT_ERR_UNSUPPORTED_L3;
	} else if (start == CROSSLAT_PKT_L3) {
		if (!len)
			return -CROSSLAT_PKT_ERR_TRUNCATED;
		if (data[0] >> 4 == 4)
			err = parse_ipv4(data, len, pkt, &ip_end);
		else if (data[0] >> 4 == 6)
			err = parse_ipv6(data, len, pkt, &ip_end);
		else
			err = -CROSSLAT_PKT_ERR_BAD_VERSION;
	} else {
		err = -CROSSLAT_PKT_ERR_BAD_START;
	}
	if (err)
		return err;

	/* l3_off <= l4_off <= min(ip_end, len) holds from here on */
	pkt->truncated = ip_end > len;
	pkt->ip_len = min(ip_end, len) - pkt->l3_off;

	if (!pkt->frag_off) {
		if (pkt->l4_proto == CROSSLAT_IPPROTO_TCP)
			return parse_tcp(data, len, ip_end, pkt);
		if (pkt->l4_proto == CROSSLAT_IPPROTO_UDP)
			return parse_udp(data, len, ip_end, pkt);
	}
	pkt->payload_off = pkt->l4_off;
	pkt->payload_len = min(ip_end, len) - pkt->l4_off;
	return 0;
}
CROSSLAT_CORE_EXPORT(crosslat_pkt_parse);

const char *crosslat_pkt_strerror(int err)
{
	u32 e = err < 0 ? 0u - (u32)err : (u32)err;

	if (e >= CROSSLAT_PKT_NR_ERRORS)
		return "unknown error";
	return pkt_err_names[e];
}
CROSSLAT_CORE_EXPORT(crosslat_pkt_strerror);
