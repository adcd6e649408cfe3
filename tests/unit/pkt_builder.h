/* SPDX-License-Identifier: GPL-2.0-only */
/* Test-only packet builder: Ethernet + VLAN + IPv4/IPv6 (+ext headers) + TCP/UDP + payload. */
#ifndef _CROSSLAT_PKT_BUILDER_H
#define _CROSSLAT_PKT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_BUILDER_MAX_VLAN	4
#define PKT_BUILDER_MAX_EXT	12

/* IPv6 extension header types the builder knows how to lay out. */
#define PKT_BUILDER_EXT_HOP	0
#define PKT_BUILDER_EXT_ROUTING	43
#define PKT_BUILDER_EXT_FRAG	44
#define PKT_BUILDER_EXT_AH	51
#define PKT_BUILDER_EXT_DEST	60

struct pkt_builder_ext {
	uint8_t type;		/* PKT_BUILDER_EXT_* */
	/* bytes: HOP/ROUTING/DEST 8..2048 step 8, AH 8..1028 step 4, FRAG always 8 */
	uint16_t len;
	uint16_t frag_off;	/* FRAG: offset in bytes, multiple of 8 */
	bool more_frags;	/* FRAG */
	uint32_t frag_id;	/* FRAG */
};

struct pkt_builder {
	bool l2;			/* prepend an Ethernet II header */
	unsigned int nvlan;		/* tags after the MAC addresses (l2 only) */
	uint16_t vlan_tpid[PKT_BUILDER_MAX_VLAN];
	uint16_t vlan_tci[PKT_BUILDER_MAX_VLAN];
	uint16_t ethertype;		/* 0: the one matching family */

	uint8_t family;			/* 4 or 6 */
	uint8_t saddr[16];		/* IPv4 uses the first 4 bytes */
	uint8_t daddr[16];
	uint8_t ttl;			/* TTL / hop limit */
	uint8_t tos;			/* TOS / traffic class */
	uint8_t ihl;			/* IPv4 header words, 5..15; options are NOPs */
	uint16_t ip_id;
	uint16_t frag_off;		/* IPv4 fragment offset in bytes, multiple of 8 */
	bool more_frags;		/* IPv4 MF */
	bool dont_frag;			/* IPv4 DF */
	uint32_t flow_label;		/* IPv6, 20 bits */
	unsigned int next;		/* IPv6 extension headers, in order */
	struct pkt_builder_ext ext[PKT_BUILDER_MAX_EXT];
	uint8_t proto;			/* upper-layer protocol number */

	/* proto 6 (TCP) or 17 (UDP); other protocols get only the payload */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack_seq;
	uint8_t tcp_flags;
	uint16_t window;
	uint8_t doff;			/* TCP header words, 5..15; options are NOPs */

	uint32_t payload_len;		/* bytes after the L4 header, a counting pattern */
	const uint8_t *payload;		/* non-NULL: payload_len bytes to copy instead */
	uint32_t pad_len;		/* bytes after the IP datagram (Ethernet padding) */
};

/* Offsets of what pkt_builder_build() wrote. */
struct pkt_builder_layout {
	uint32_t l3_off;
	uint32_t ext_off[PKT_BUILDER_MAX_EXT];	/* each IPv6 extension header */
	uint32_t l4_off;		/* after IP options / extension headers */
	uint32_t payload_off;		/* after the TCP/UDP header; l4_off for other protos */
	uint32_t ip_end;		/* end of the IP datagram */
	uint32_t len;			/* total bytes written, ip_end + pad_len */
};

/* A TCP (proto 6), UDP (17) or other packet with plain defaults; family 4 or 6. */
void pkt_builder_init(struct pkt_builder *b, uint8_t family, uint8_t proto);

/* Append an IPv6 extension header; frag_off/more_frags only matter for FRAG. */
void pkt_builder_add_ext(struct pkt_builder *b, uint8_t type, uint16_t len);

/*
 * Write the packet into buf with correct length fields (and IPv4 header checksum). Returns
 * the number of bytes written, or 0 if cap is too small or a length does not fit its
 * field. lay may be NULL.
 */
size_t pkt_builder_build(const struct pkt_builder *b, uint8_t *buf, size_t cap,
			 struct pkt_builder_layout *lay);

/* Offsets of what pkt_builder_build_encap() wrote, all from the start of buf. */
struct pkt_builder_encap_layout {
	struct pkt_builder_layout outer;
	struct pkt_builder_layout inner;
	uint32_t tun_off;		/* tunnel header: the outer payload's first byte */
	uint32_t inner_off;		/* first byte of the inner packet */
};

/* Write a VXLAN header (flags 0x08, vni) at p; returns its length, 8. */
size_t pkt_builder_vxlan_hdr(uint8_t *p, uint32_t vni);

/*
 * Write a GENEVE header at p: version 0, protocol type proto, vni and opt_words 4-byte words
 * (0..63) of options, laid out as TLVs of class 0x0102 of at most 32 words each. Returns
 * its length, 8 + 4 * opt_words.
 */
size_t pkt_builder_geneve_hdr(uint8_t *p, uint16_t proto, uint32_t vni, unsigned int opt_words);

/*
 * Build inner (packet or frame, inner->l2 decides), then outer carrying the hdr_len bytes at
 * hdr followed by the inner packet as its payload: outer->payload and payload_len are
 * overridden. VXLAN/GENEVE: outer UDP to the tunnel port with the tunnel header in hdr;
 * IP-in-IP: outer->proto 4 or 41 and hdr_len 0. Returns the bytes written, 0 on failure.
 * lay may be NULL.
 */
size_t pkt_builder_build_encap(const struct pkt_builder *outer, const uint8_t *hdr,
			       size_t hdr_len, const struct pkt_builder *inner, uint8_t *buf,
			       size_t cap, struct pkt_builder_encap_layout *lay);

#endif /* _CROSSLAT_PKT_BUILDER_H */
