/* SPDX-License-Identifier: GPL-2.0-only */
/* Bounded header parser for untrusted packet bytes: Ethernet, VLAN, IPv4/IPv6, TCP, UDP. */
#ifndef _CROSSLAT_PKT_PARSE_H
#define _CROSSLAT_PKT_PARSE_H

#include "core_types.h"

/* Where the bytes handed to crosslat_pkt_parse() start. */
enum crosslat_pkt_layer {
	CROSSLAT_PKT_L2,	/* Ethernet II header, up to two 802.1Q/802.1ad tags */
	CROSSLAT_PKT_L3,	/* IP header; its version nibble selects IPv4 or IPv6 */
};

/*
 * Parse failures. crosslat_pkt_parse() returns them negated (-CROSSLAT_PKT_ERR_TRUNCATED),
 * so a drop counter array of CROSSLAT_PKT_NR_ERRORS entries is indexed by -err; slot 0 is
 * left for successes.
 */
enum crosslat_pkt_err {
	CROSSLAT_PKT_OK = 0,
	CROSSLAT_PKT_ERR_TRUNCATED,	/* buffer ends inside a header */
	CROSSLAT_PKT_ERR_BAD_VERSION,	/* IP version nibble is not the expected 4 or 6 */
	CROSSLAT_PKT_ERR_BAD_HDRLEN,	/* IPv4 ihl < 5 or TCP data offset < 5 */
	CROSSLAT_PKT_ERR_BAD_LENGTH,	/* IP/UDP length field shorter than the headers it holds */
	CROSSLAT_PKT_ERR_UNSUPPORTED_L3,	/* ethertype is neither IPv4 nor IPv6 */
	CROSSLAT_PKT_ERR_TOO_MANY_VLAN,	/* more than CROSSLAT_PKT_MAX_VLAN tags */
	CROSSLAT_PKT_ERR_TOO_MANY_EXT,	/* more than CROSSLAT_PKT_MAX_EXT IPv6 ext headers */
	CROSSLAT_PKT_ERR_BAD_START,	/* start is not an enum crosslat_pkt_layer value */
	CROSSLAT_PKT_NR_ERRORS
};

#define CROSSLAT_PKT_MAX_VLAN	2
#define CROSSLAT_PKT_MAX_EXT	8

#define CROSSLAT_ETH_P_IPV4	0x0800
#define CROSSLAT_ETH_P_IPV6	0x86dd
#define CROSSLAT_ETH_P_8021Q	0x8100
#define CROSSLAT_ETH_P_8021AD	0x88a8

#define CROSSLAT_IPPROTO_ICMP	1
#define CROSSLAT_IPPROTO_TCP	6
#define CROSSLAT_IPPROTO_UDP	17
#define CROSSLAT_IPPROTO_ICMPV6	58

/* Bits of the TCP flags byte (header byte 13). */
#define CROSSLAT_TCP_FLAG_FIN	0x01
#define CROSSLAT_TCP_FLAG_SYN	0x02
#define CROSSLAT_TCP_FLAG_RST	0x04
#define CROSSLAT_TCP_FLAG_PSH	0x08
#define CROSSLAT_TCP_FLAG_ACK	0x10
#define CROSSLAT_TCP_FLAG_URG	0x20
#define CROSSLAT_TCP_FLAG_ECE	0x40
#define CROSSLAT_TCP_FLAG_CWR	0x80

/*
 * Result of a successful parse. All offsets are from the start of the buffer given to
 * crosslat_pkt_parse() and all multi-byte values are in host order. Fields a packet does
 * not have are zero.
 */
struct crosslat_pkt {
	u8 family;		/* 4 or 6 */
	u8 vlan_count;		/* VLAN tags skipped (L2 start only) */
	u16 vlan_id;		/* VID of the outermost tag, 0 without tags */

	u32 l3_off;		/* first byte of the IP header */
	u32 ip_len;		/* IPv4 total length / IPv6 payload length + 40, clipped */
	u8 ttl;			/* IPv4 TTL or IPv6 hop limit */
	u8 tos;			/* IPv4 TOS or IPv6 traffic class */
	u32 ip_id;		/* IPv4 identification, or the IPv6 fragment header's */
	bool is_fragment;	/* more-fragments set or non-zero fragment offset */
	u16 frag_off;		/* fragment offset in bytes */
	u8 saddr[16];		/* IPv4 uses the first 4 bytes, the rest stay zero */
	u8 daddr[16];

	u32 l4_off;		/* first byte after the IP header and IPv6 extension headers */
	u8 l4_proto;		/* IPv4 protocol or the last IPv6 next-header value */
	bool l4_valid;		/* TCP/UDP header parsed: ports and tcp fields are set */
	u16 sport;
	u16 dport;
	struct {
		u32 seq;
		u32 ack_seq;
		u16 window;
		u8 flags;	/* CROSSLAT_TCP_FLAG_* */
		u8 doff;	/* header length in bytes, 20..60 */
	} tcp;

	/*
	 * The bytes after the last parsed header: TCP/UDP payload when l4_valid, otherwise
	 * everything after l4_off (ICMP message, fragment data, ...). The length comes from
	 * the IP length (UDP: the UDP length), clipped to the buffer; truncated says whether
	 * clipping happened, i.e. the buffer ends before the IP datagram does.
	 */
	u32 payload_off;
	u32 payload_len;
	bool truncated;

	/*
	 * Wire segments this packet stands for: 1 after a parse; a caller that parsed the
	 * headers of a GSO/GRO super-packet sets its segment count (crosslat_rtt_on_*()
	 * count packets and retransmitted segments in these units).
	 */
	u16 segs;
};

/*
 * crosslat_pkt_parse() - parse the headers of the len bytes at data into *pkt
 *
 * Never reads outside [data, data + len). IPv4 options, TCP options and up to
 * CROSSLAT_PKT_MAX_EXT IPv6 extension headers (hop-by-hop, routing, fragment, destination
 * options, AH) are skipped; every header skipped or parsed must lie both inside the
 * buffer (else TRUNCATED) and inside the IP length (else BAD_LENGTH). Non-first fragments,
 * ESP, no-next-header and protocols other than TCP/UDP end the parse at L3: the result is
 * 0 with l4_valid false. Checksums are not verified. Trailing bytes past the IP length
 * (Ethernet padding) are ignored.
 *
 * Return: 0 on success, or -enum crosslat_pkt_err; on failure *pkt is unspecified.
 */
int crosslat_pkt_parse(const u8 *data, u32 len, enum crosslat_pkt_layer start,
		       struct crosslat_pkt *pkt);

/* A static string naming err (either sign); "unknown error" outside the enum. */
const char *crosslat_pkt_strerror(int err);

#endif /* _CROSSLAT_PKT_PARSE_H */
