/* SPDX-License-Identifier: GPL-2.0-only */
/* Properties every crosslat_encap_parse() result must have, shared by unit tests and fuzzers. */
#ifndef _CROSSLAT_ENCAP_INVARIANTS_H
#define _CROSSLAT_ENCAP_INVARIANTS_H

#include <string.h>

#include "encap_parse.h"
#include "pkt_invariants.h"

static inline bool encap_inv_port_in(const uint16_t *list, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < CROSSLAT_ENCAP_MAX_PORTS && list[i]; i++)
		if (list[i] == port)
			return true;
	return false;
}

/* An independent statement of which parsed packets are tunnels the parser opens. */
static inline enum crosslat_encap_type encap_inv_tunnel_of(const struct crosslat_pkt *p,
							   const struct crosslat_encap_ports *ports)
{
	if (p->l4_valid && p->l4_proto == CROSSLAT_IPPROTO_UDP) {
		if (encap_inv_port_in(ports->vxlan, p->dport))
			return CROSSLAT_ENCAP_VXLAN;
		if (encap_inv_port_in(ports->geneve, p->dport))
			return CROSSLAT_ENCAP_GENEVE;
	}
	if (p->l4_proto == CROSSLAT_IPPROTO_IPIP || p->l4_proto == CROSSLAT_IPPROTO_IPV6)
		return CROSSLAT_ENCAP_IPIP;
	return CROSSLAT_ENCAP_NONE;
}

/*
 * Check the result ret/res of crosslat_encap_parse() over len bytes from layer start with
 * the port set ports (NULL: the defaults). Returns NULL when every invariant holds, else a
 * static description of the first one violated.
 */
static inline const char *encap_invariants_check(int ret, const struct crosslat_encap *res,
						 uint32_t len, enum crosslat_pkt_layer start,
						 const struct crosslat_encap_ports *ports)
{
	static const struct crosslat_pkt zero_pkt;
	const struct crosslat_pkt *out = &res->outer;
	struct crosslat_encap_ports defaults;
	struct crosslat_pkt in;
	uint32_t end;
	const char *bad;

	if (!ports) {
		crosslat_encap_ports_init(&defaults);
		ports = &defaults;
	}
	if (ret > 0 || ret <= -CROSSLAT_ENCAP_NR_ERRORS)
		return "return value outside 0 and -enum crosslat_encap_err";
	if (!strcmp(crosslat_encap_strerror(ret), "unknown error"))
		return "strerror does not know the return value";
	if (res->type >= CROSSLAT_ENCAP_NR_TYPES)
		return "type outside enum crosslat_encap_type";
	if (ret) {
		bool invalid = ret == -CROSSLAT_ENCAP_ERR_OUTER_INVALID ||
			       ret == -CROSSLAT_ENCAP_ERR_INNER_INVALID;

		if (invalid != (res->pkt_err != 0))
			return "pkt_err set other than for an *_INVALID error";
		if (res->pkt_err >= CROSSLAT_PKT_NR_ERRORS ||
		    res->pkt_err == CROSSLAT_PKT_ERR_TRUNCATED)
			return "pkt_err is not a crosslat_pkt_parse() error other than TRUNCATED";
		if ((ret == -CROSSLAT_ENCAP_ERR_OUTER_INVALID ||
		     ret == -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT) && res->type != CROSSLAT_ENCAP_NONE)
			return "tunnel type reported for an outer IP/UDP failure";
		if (ret != -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED &&
		    ret != -CROSSLAT_ENCAP_ERR_OUTER_INVALID &&
		    ret != -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT && res->type == CROSSLAT_ENCAP_NONE)
			return "tunnel error without a tunnel type";
		return NULL;
	}

	if (res->pkt_err)
		return "pkt_err set on success";
	bad = pkt_invariants_check(0, out, len, start);
	if (bad)
		return bad;
	if (out->frag_off)
		return "non-first outer fragment accepted";
	if (res->flags & ~(CROSSLAT_ENCAP_F_NESTED | CROSSLAT_ENCAP_F_RSVD |
			   CROSSLAT_ENCAP_F_OAM | CROSSLAT_ENCAP_F_CRIT))
		return "unknown flag";
	if (encap_inv_tunnel_of(out, ports) != res->type)
		return "type does not match the outer protocol and port";
	if (crosslat_encap_innermost(res) != (res->type ? &res->inner : out))
		return "innermost picks the wrong packet";

	if (res->type == CROSSLAT_ENCAP_NONE) {
		if (res->flags || res->vni || res->tun_off || res->tun_len || res->inner_off)
			return "tunnel fields set for a plain packet";
		if (memcmp(&res->inner, &zero_pkt, sizeof(zero_pkt)))
			return "inner not zero for a plain packet";
		return NULL;
	}

	end = out->payload_off + out->payload_len;
	if (res->vni >> 24)
		return "VNI wider than 24 bits";
	if (res->type == CROSSLAT_ENCAP_IPIP) {
		if (res->vni || res->tun_off || res->tun_len)
			return "tunnel header fields set for IP-in-IP";
		if (res->inner_off != out->l4_off || res->inner_start != CROSSLAT_PKT_L3)
			return "IP-in-IP inner packet not right after the outer IP headers";
		if (res->inner.family != (out->l4_proto == CROSSLAT_IPPROTO_IPIP ? 4 : 6))
			return "IP-in-IP inner family contradicts the outer protocol";
		if (res->flags & ~CROSSLAT_ENCAP_F_NESTED)
			return "tunnel header flags set for IP-in-IP";
	} else {
		if (res->tun_off != out->payload_off)
			return "tunnel header is not the UDP payload";
		if (res->tun_len < 8 || res->tun_len > 8 + CROSSLAT_GENEVE_MAX_OPT_LEN ||
		    res->tun_len % 4 ||
		    (res->type == CROSSLAT_ENCAP_VXLAN && res->tun_len != 8))
			return "bad tunnel header length";
		if (res->inner_off != res->tun_off + res->tun_len)
			return "inner packet does not follow the tunnel header";
		if (res->type == CROSSLAT_ENCAP_VXLAN &&
		    (res->inner_start != CROSSLAT_PKT_L2 ||
		     (res->flags & (CROSSLAT_ENCAP_F_OAM | CROSSLAT_ENCAP_F_CRIT))))
			return "VXLAN with an inner IP start or GENEVE flags";
		if (res->inner_start != CROSSLAT_PKT_L2 && res->inner_start != CROSSLAT_PKT_L3)
			return "bad inner start layer";
	}
	if (res->inner_off > end)
		return "inner packet starts past the outer payload";

	/* the inner result, moved back to offsets from inner_off, is a parse of the payload */
	in = res->inner;
	if (in.l3_off < res->inner_off || in.l4_off < res->inner_off ||
	    in.payload_off < res->inner_off)
		return "inner offsets before inner_off";
	in.l3_off -= res->inner_off;
	in.l4_off -= res->inner_off;
	in.payload_off -= res->inner_off;
	bad = pkt_invariants_check(0, &in, end - res->inner_off,
				   (enum crosslat_pkt_layer)res->inner_start);
	if (bad)
		return bad;
	if (res->inner.payload_off + res->inner.payload_len > end)
		return "inner payload past the outer payload";
	if (res->inner.truncated && !out->truncated && !out->is_fragment)
		return "inner truncated inside a complete outer packet";
	if (!(res->flags & CROSSLAT_ENCAP_F_NESTED) !=
	    (encap_inv_tunnel_of(&res->inner, ports) == CROSSLAT_ENCAP_NONE))
		return "NESTED flag does not match the inner packet";
	return NULL;
}

#endif /* _CROSSLAT_ENCAP_INVARIANTS_H */
