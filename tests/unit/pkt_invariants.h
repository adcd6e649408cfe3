/* SPDX-License-Identifier: GPL-2.0-only */
/* Properties every crosslat_pkt_parse() result must have, shared by unit tests and fuzzers. */
#ifndef _CROSSLAT_PKT_INVARIANTS_H
#define _CROSSLAT_PKT_INVARIANTS_H

#include <string.h>

#include "pkt_parse.h"

/*
 * Check the result ret/pkt of parsing len bytes from layer start. Returns NULL when every
 * invariant holds, else a static description of the first one violated.
 */
static inline const char *pkt_invariants_check(int ret, const struct crosslat_pkt *p, uint32_t len,
					       enum crosslat_pkt_layer start)
{
	static const uint8_t zero[12];
	uint32_t ip_end;

	if (ret > 0 || ret <= -CROSSLAT_PKT_NR_ERRORS)
		return "return value outside 0 and -enum crosslat_pkt_err";
	if (!strcmp(crosslat_pkt_strerror(ret), "unknown error"))
		return "strerror does not know the return value";
	if (ret)
		return NULL;

	if (p->family != 4 && p->family != 6)
		return "family is neither 4 nor 6";
	if (p->vlan_count > CROSSLAT_PKT_MAX_VLAN)
		return "too many VLAN tags reported";
	if (start == CROSSLAT_PKT_L3 && (p->l3_off || p->vlan_count))
		return "L3 start with l3_off or VLAN tags";
	if (start == CROSSLAT_PKT_L2 && p->l3_off != 14 + 4u * p->vlan_count)
		return "l3_off does not match the VLAN count";
	if (p->l3_off > len || p->ip_len > len - p->l3_off)
		return "IP datagram outside the buffer";
	ip_end = p->l3_off + p->ip_len;
	if (p->l4_off < p->l3_off + (p->family == 4 ? 20u : 40u))
		return "l4_off inside the fixed IP header";
	if (p->l4_off > ip_end)
		return "l4_off past the IP datagram";
	if (p->payload_off < p->l4_off || p->payload_off > ip_end ||
	    p->payload_len > ip_end - p->payload_off)
		return "payload outside the IP datagram";
	if (p->frag_off && !p->is_fragment)
		return "fragment offset without is_fragment";
	if (p->family == 4 && (memcmp(p->saddr + 4, zero, 12) || memcmp(p->daddr + 4, zero, 12)))
		return "IPv4 address bytes 4..15 not zero";
	if (p->l4_valid) {
		if (p->frag_off)
			return "L4 parsed in a non-first fragment";
		if (p->l4_proto == CROSSLAT_IPPROTO_TCP) {
			if (p->tcp.doff < 20 || p->tcp.doff > 60 || p->tcp.doff % 4)
				return "bad TCP data offset";
			if (p->payload_off != p->l4_off + p->tcp.doff)
				return "TCP payload_off != l4_off + doff";
		} else if (p->l4_proto == CROSSLAT_IPPROTO_UDP) {
			if (p->payload_off != p->l4_off + 8)
				return "UDP payload_off != l4_off + 8";
		} else {
			return "l4_valid for a protocol other than TCP/UDP";
		}
	} else {
		if (p->sport || p->dport || p->tcp.seq || p->tcp.flags || p->tcp.doff)
			return "L4 fields set without l4_valid";
		if (p->payload_off != p->l4_off)
			return "payload_off != l4_off without l4_valid";
	}
	if (!p->truncated && p->l4_valid && p->l4_proto == CROSSLAT_IPPROTO_TCP &&
	    p->payload_off + p->payload_len != ip_end)
		return "untruncated TCP payload does not end with the datagram";
	return NULL;
}

#endif /* _CROSSLAT_PKT_INVARIANTS_H */
