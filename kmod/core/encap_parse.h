/* SPDX-License-Identifier: GPL-2.0-only */
/* Bounded parser of overlay encapsulations (VXLAN, GENEVE, IP-in-IP): outer and inner headers. */
#ifndef _CROSSLAT_ENCAP_PARSE_H
#define _CROSSLAT_ENCAP_PARSE_H

#include "core_types.h"
#include "pkt_parse.h"

/* What carries the inner packet. */
enum crosslat_encap_type {
	CROSSLAT_ENCAP_NONE,	/* a plain packet: only the outer headers exist */
	CROSSLAT_ENCAP_VXLAN,	/* RFC 7348: UDP to a VXLAN port, 8-byte header, inner Ethernet */
	CROSSLAT_ENCAP_GENEVE,	/* RFC 8926: UDP to a GENEVE port, 8 bytes + options */
	CROSSLAT_ENCAP_IPIP,	/* IPv4/IPv6 right after an IPv4/IPv6 header (protocol 4 or 41) */
	CROSSLAT_ENCAP_NR_TYPES
};

/*
 * Parse failures. crosslat_encap_parse() returns them negated, so a drop counter array of
 * CROSSLAT_ENCAP_NR_ERRORS entries is indexed by -err; slot 0 is left for successes. The
 * "outer" part of a packet is everything up to and including the VXLAN/GENEVE header and
 * its options; the "inner" part starts at crosslat_encap.inner_off.
 */
enum crosslat_encap_err {
	CROSSLAT_ENCAP_OK = 0,
	CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED,	/* buffer ends inside the outer part */
	CROSSLAT_ENCAP_ERR_OUTER_INVALID,	/* crosslat_pkt_parse() rejected the outer headers */
	CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT,	/* non-first outer fragment: no inner header in it */
	CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH,	/* UDP length too short for the 8-byte tunnel header */
	CROSSLAT_ENCAP_ERR_VXLAN_FLAGS,		/* VXLAN I flag (0x08) clear */
	CROSSLAT_ENCAP_ERR_GENEVE_VERSION,	/* GENEVE version is not 0 */
	CROSSLAT_ENCAP_ERR_GENEVE_OPTLEN,	/* GENEVE options run past the UDP length */
	CROSSLAT_ENCAP_ERR_GENEVE_PROTO,	/* GENEVE protocol type not 0x6558/0x0800/0x86dd */
	CROSSLAT_ENCAP_ERR_INNER_TRUNCATED,	/* buffer ends inside the inner headers */
	CROSSLAT_ENCAP_ERR_INNER_INVALID,	/* inner headers rejected or overrunning the tunnel */
	CROSSLAT_ENCAP_NR_ERRORS
};

/* Bits of crosslat_encap.flags. */
#define CROSSLAT_ENCAP_F_NESTED	0x01	/* the inner packet is itself a tunnel (not opened) */
#define CROSSLAT_ENCAP_F_RSVD	0x02	/* nonzero reserved bits in the VXLAN/GENEVE header */
#define CROSSLAT_ENCAP_F_OAM	0x04	/* GENEVE O bit: a control packet */
#define CROSSLAT_ENCAP_F_CRIT	0x08	/* GENEVE C bit: critical options present */

#define CROSSLAT_VXLAN_PORT		4789	/* IANA */
#define CROSSLAT_VXLAN_PORT_LINUX	8472	/* Linux's default, used by Flannel and Cilium */
#define CROSSLAT_GENEVE_PORT		6081	/* IANA */

#define CROSSLAT_VXLAN_HDR_LEN		8
#define CROSSLAT_VXLAN_FLAG_I		0x08	/* VNI valid */
#define CROSSLAT_GENEVE_HDR_LEN		8	/* without options */
#define CROSSLAT_GENEVE_MAX_OPT_LEN	252	/* 63 four-byte words */
#define CROSSLAT_GENEVE_FLAG_O		0x80
#define CROSSLAT_GENEVE_FLAG_C		0x40

#define CROSSLAT_ETH_P_TEB		0x6558	/* transparent Ethernet bridging */
#define CROSSLAT_IPPROTO_IPIP		4	/* IPv4 encapsulation */
#define CROSSLAT_IPPROTO_IPV6		41	/* IPv6 encapsulation */

/* UDP destination ports per tunnel type in a crosslat_encap_ports set. */
#define CROSSLAT_ENCAP_MAX_PORTS	4

/*
 * The UDP destination ports (host order) that mark a packet as VXLAN or GENEVE. Each list
 * ends at its first 0 entry or after CROSSLAT_ENCAP_MAX_PORTS entries; a port in both lists
 * is VXLAN. Only the destination port counts: tunnel endpoints pick the source port as
 * entropy for ECMP. The parser only reads the set: a caller changing it while packets are
 * parsed must publish a new copy (RCU) rather than write in place.
 */
struct crosslat_encap_ports {
	u16 vxlan[CROSSLAT_ENCAP_MAX_PORTS];
	u16 geneve[CROSSLAT_ENCAP_MAX_PORTS];
};

/*
 * Result of a successful crosslat_encap_parse(). Every offset, in outer and inner alike, is
 * from the start of the buffer given to crosslat_encap_parse(), so data + inner.l4_off is
 * the inner TCP/UDP header. Values are in host order.
 *
 * For a tunnel, [inner_off, outer.payload_off + outer.payload_len) is the inner packet as far
 * as the buffer holds it, and crosslat_pkt_parse() parsed exactly those bytes from
 * inner_start: inner.truncated is set only when the buffer (then outer.truncated is set too)
 * or an outer first fragment (outer.is_fragment) ends before the inner datagram does. For
 * NONE, inner is all zero and tun_off, tun_len and inner_off are 0.
 */
struct crosslat_encap {
	u8 type;		/* enum crosslat_encap_type */
	u8 flags;		/* CROSSLAT_ENCAP_F_* */
	u8 inner_start;		/* enum crosslat_pkt_layer of the inner packet (tunnels only) */
	u8 pkt_err;		/* see crosslat_encap_parse(); 0 on success */
	u32 vni;		/* VXLAN/GENEVE 24-bit virtual network identifier, else 0 */
	u32 tun_off;		/* first byte of the VXLAN/GENEVE header, else 0 */
	u32 tun_len;		/* its length, GENEVE options included, else 0 */
	u32 inner_off;		/* first byte of the inner Ethernet or IP header */
	struct crosslat_pkt outer;	/* outer IP addresses, UDP ports for VXLAN/GENEVE */
	struct crosslat_pkt inner;	/* the inner 5-tuple */
};

/* Fill ports with the IANA ports: VXLAN 4789, GENEVE 6081. */
void crosslat_encap_ports_init(struct crosslat_encap_ports *ports);

/*
 * crosslat_encap_ports_add() - add a UDP destination port to the set of a tunnel type
 * @type: CROSSLAT_ENCAP_VXLAN or CROSSLAT_ENCAP_GENEVE
 *
 * Return: true if port is in the set afterwards (already there, or added); false if port is
 * 0, type has no ports, or the type's list is full.
 */
bool crosslat_encap_ports_add(struct crosslat_encap_ports *ports, enum crosslat_encap_type type,
			      u16 port);

/*
 * crosslat_encap_parse() - find the encapsulation of the len bytes at data and parse both
 * the outer and the inner headers into *res
 * @start: CROSSLAT_PKT_L2 (outer Ethernet) or CROSSLAT_PKT_L3 (outer IP header)
 * @ports: UDP ports of VXLAN and GENEVE; NULL means those of crosslat_encap_ports_init()
 *
 * Never reads outside [data, data + len), never allocates, and parses at most one level of
 * encapsulation: crosslat_pkt_parse() runs once on the outer headers and, for a tunnel,
 * once on the inner ones.
 *
 * The outer packet is a tunnel when it is not a fragment or is the first fragment, and
 *   - it is UDP to a port of ports->vxlan: VXLAN. The I flag must be set (else
 *     VXLAN_FLAGS). Nonzero reserved bits only set CROSSLAT_ENCAP_F_RSVD: RFC 7348 says to
 *     ignore them on receipt, and extensions (Group Policy) use some; a caller that wants
 *     Linux's stricter receive rule (drop) tests the flag. The inner packet starts with
 *     Ethernet (VLAN tags allowed);
 *   - else it is UDP to a port of ports->geneve: GENEVE. Version 0 (else GENEVE_VERSION);
 *     options (not walked) must end within the UDP length (else GENEVE_OPTLEN); protocol
 *     type 0x6558 is an inner Ethernet frame, 0x0800/0x86dd an inner IPv4/IPv6 header
 *     (anything else: GENEVE_PROTO). O, C and reserved bits set F_OAM, F_CRIT, F_RSVD;
 *   - its protocol (IPv6: last next header) is 4 or 41: IPIP, the inner IPv4 (4) or IPv6
 *     (41) header follows the outer IP header and its extension headers.
 * Anything else is type NONE. A non-first fragment fails with OUTER_FRAGMENT whatever it
 * carries. The first fragment of a UDP tunnel packet fails with OUTER_INVALID (BAD_LENGTH):
 * crosslat_pkt_parse() checks the UDP length against the fragment.
 *
 * Lengths: a tunnel header or an inner header must lie inside the length its carrier
 * declares (UDP length, outer IP length) and inside the buffer. A declared bound that is
 * violated fails as TUNNEL_LENGTH, GENEVE_OPTLEN or INNER_INVALID (pkt_err BAD_LENGTH, also
 * for an inner IP length past the tunnel's payload); a buffer that ends early fails as
 * OUTER_TRUNCATED or INNER_TRUNCATED, so every prefix of a well-formed packet fails with a
 * *_TRUNCATED error or parses with clipped lengths. An inner IP version that contradicts
 * the GENEVE protocol type or the IPIP protocol number is INNER_INVALID (BAD_VERSION).
 *
 * Nested tunnels are never opened: when the inner packet is itself IPIP (protocol 4 or 41)
 * or UDP to a port of ports, the result is a success with CROSSLAT_ENCAP_F_NESTED set and
 * inner describing that middle layer.
 *
 * Return: 0 on success, or -enum crosslat_encap_err. On failure res->type is the tunnel
 * recognised before the error (NONE if none), res->pkt_err is the positive enum
 * crosslat_pkt_err behind an OUTER_INVALID or INNER_INVALID (else 0); the rest of *res is
 * unspecified.
 */
int crosslat_encap_parse(const u8 *data, u32 len, enum crosslat_pkt_layer start,
			 const struct crosslat_encap_ports *ports, struct crosslat_encap *res);

/* A static string naming err (either sign); "unknown error" outside the enum. */
const char *crosslat_encap_strerror(int err);

/* A static lower-case name of type ("none", "vxlan", "geneve", "ipip"); "unknown" outside. */
const char *crosslat_encap_type_name(unsigned int type);

/* The innermost packet parsed: inner for a tunnel, outer for a plain packet. */
static inline const struct crosslat_pkt *crosslat_encap_innermost(const struct crosslat_encap *e)
{
	return e->type == CROSSLAT_ENCAP_NONE ? &e->outer : &e->inner;
}

#endif /* _CROSSLAT_ENCAP_PARSE_H */
