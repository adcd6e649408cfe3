// SPDX-License-Identifier: GPL-2.0-only
/* Bounded parser of overlay encapsulations (VXLAN, GENEVE, IP-in-IP): outer and inner headers. */
#include "encap_parse.h"

#define UDP_HDR_LEN		8
#define VXLAN_RSVD0_MASK	0xf7	/* flags byte without the I flag */
#define GENEVE_VER_SHIFT	6
#define GENEVE_OPTLEN_MASK	0x3f
#define GENEVE_RSVD1_MASK	0x3f	/* second byte without O and C */

static const char * const encap_err_names[CROSSLAT_ENCAP_NR_ERRORS] = {
	[CROSSLAT_ENCAP_OK]			= "ok",
	[CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED]	= "truncated outer header",
	[CROSSLAT_ENCAP_ERR_OUTER_INVALID]	= "invalid outer header",
	[CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT]	= "non-first outer fragment",
	[CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH]	= "UDP length too short for tunnel header",
	[CROSSLAT_ENCAP_ERR_VXLAN_FLAGS]	= "VXLAN I flag clear",
	[CROSSLAT_ENCAP_ERR_GENEVE_VERSION]	= "bad GENEVE version",
	[CROSSLAT_ENCAP_ERR_GENEVE_OPTLEN]	= "GENEVE options past UDP length",
	[CROSSLAT_ENCAP_ERR_GENEVE_PROTO]	= "unsupported GENEVE protocol type",
	[CROSSLAT_ENCAP_ERR_INNER_TRUNCATED]	= "truncated inner header",
	[CROSSLAT_ENCAP_ERR_INNER_INVALID]	= "invalid inner header",
};

static const char * const encap_type_names[CROSSLAT_ENCAP_NR_TYPES] = {
	[CROSSLAT_ENCAP_NONE]	= "none",
	[CROSSLAT_ENCAP_VXLAN]	= "vxlan",
	[CROSSLAT_ENCAP_GENEVE]	= "geneve",
	[CROSSLAT_ENCAP_IPIP]	= "ipip",
};

static const struct crosslat_encap_ports default_ports = {
	.vxlan = { CROSSLAT_VXLAN_PORT },
	.geneve = { CROSSLAT_GENEVE_PORT },
};

/* true if [off, off + n) lies inside [0, end); never overflows */
static inline bool fits(u32 end, u32 off, u32 n)
{
	return off <= end && n <= end - off;
}

static bool port_in(const u16 *list, u16 port)
{
	unsigned int i;

	for (i = 0; i < CROSSLAT_ENCAP_MAX_PORTS && list[i]; i++)
		if (list[i] == port)
			return true;
	return false;
}

/* The tunnel a UDP destination port selects: VXLAN, GENEVE or NONE. */
static enum crosslat_encap_type udp_tunnel(const struct crosslat_encap_ports *ports, u16 dport)
{
	if (port_in(ports->vxlan, dport))
		return CROSSLAT_ENCAP_VXLAN;
	if (port_in(ports->geneve, dport))
		return CROSSLAT_ENCAP_GENEVE;
	return CROSSLAT_ENCAP_NONE;
}

/* Whether a parsed packet is itself one of the encapsulations this parser opens. */
static bool is_tunnel(const struct crosslat_pkt *p, const struct crosslat_encap_ports *ports)
{
	if (p->l4_proto == CROSSLAT_IPPROTO_IPIP || p->l4_proto == CROSSLAT_IPPROTO_IPV6)
		return true;
	return p->l4_valid && p->l4_proto == CROSSLAT_IPPROTO_UDP &&
	       udp_tunnel(ports, p->dport) != CROSSLAT_ENCAP_NONE;
}

void crosslat_encap_ports_init(struct crosslat_encap_ports *ports)
{
	*ports = default_ports;
}
CROSSLAT_CORE_EXPORT(crosslat_encap_ports_init);

bool crosslat_encap_ports_add(struct crosslat_encap_ports *ports, enum crosslat_encap_type type,
			      u16 port)
{
	u16 *list;
	unsigned int i;

	if (type == CROSSLAT_ENCAP_VXLAN)
		list = ports->vxlan;
	else if (type == CROSSLAT_ENCAP_GENEVE)
		list = ports->geneve;
	else
		return false;
	if (!port)
		return false;
	for (i = 0; i < CROSSLAT_ENCAP_MAX_PORTS; i++) {
		if (list[i] == port)
			return true;
		if (!list[i]) {
			list[i] = port;
			return true;
		}
	}
	return false;
}
CROSSLAT_CORE_EXPORT(crosslat_encap_ports_add);

/*
 * Checks the 8-byte VXLAN or GENEVE header at res->tun_off against the UDP datagram's end
 * (udp_end) and the buffer; sets vni, flags, tun_len, inner_start and *inner_family (0: any).
 */
static int parse_tunnel_hdr(const u8 *data, u32 len, u32 udp_end, struct crosslat_encap *res,
			    u8 *inner_family)
{
	const u8 *h = data + res->tun_off;
	u32 opt_len;
	u16 proto;

	if (!fits(udp_end, res->tun_off, CROSSLAT_VXLAN_HDR_LEN))
		return -CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH;
	if (!fits(len, res->tun_off, CROSSLAT_VXLAN_HDR_LEN))
		return -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED;
	res->vni = cl_get_be32(h + 4) >> 8;

	if (res->type == CROSSLAT_ENCAP_VXLAN) {
		if (!(h[0] & CROSSLAT_VXLAN_FLAG_I))
			return -CROSSLAT_ENCAP_ERR_VXLAN_FLAGS;
		if ((h[0] & VXLAN_RSVD0_MASK) | h[1] | h[2] | h[3] | h[7])
			res->flags |= CROSSLAT_ENCAP_F_RSVD;
		res->tun_len = CROSSLAT_VXLAN_HDR_LEN;
		res->inner_start = CROSSLAT_PKT_L2;
		*inner_family = 0;
		return 0;
	}

	if (h[0] >> GENEVE_VER_SHIFT)
		return -CROSSLAT_ENCAP_ERR_GENEVE_VERSION;
	opt_len = (u32)(h[0] & GENEVE_OPTLEN_MASK) * 4;
	if (!fits(udp_end, res->tun_off, CROSSLAT_GENEVE_HDR_LEN + opt_len))
		return -CROSSLAT_ENCAP_ERR_GENEVE_OPTLEN;
	if (!fits(len, res->tun_off, CROSSLAT_GENEVE_HDR_LEN + opt_len))
		return -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED;
	proto = cl_get_be16(h + 2);
	if (proto == CROSSLAT_ETH_P_TEB) {
		res->inner_start = CROSSLAT_PKT_L2;
		*inner_family = 0;
	} else if (proto == CROSSLAT_ETH_P_IPV4 || proto == CROSSLAT_ETH_P_IPV6) {
		res->inner_start = CROSSLAT_PKT_L3;
		*inner_family = proto == CROSSLAT_ETH_P_IPV4 ? 4 : 6;
	} else {
		return -CROSSLAT_ENCAP_ERR_GENEVE_PROTO;
	}
	if (h[1] & CROSSLAT_GENEVE_FLAG_O)
		res->flags |= CROSSLAT_ENCAP_F_OAM;
	if (h[1] & CROSSLAT_GENEVE_FLAG_C)
		res->flags |= CROSSLAT_ENCAP_F_CRIT;
	if ((h[1] & GENEVE_RSVD1_MASK) | h[7])
		res->flags |= CROSSLAT_ENCAP_F_RSVD;
	res->tun_len = CROSSLAT_GENEVE_HDR_LEN + opt_len;
	return 0;
}

/*
 * Parses the inner packet in [res->inner_off, end), end being where the outer payload stops
 * in the buffer; clipped says whether the carrier declared more bytes than that (buffer
 * shorter than the datagram, or an outer first fragment). family 4/6 is the inner IP
 * version the carrier announced, 0 for none.
 */
static int parse_inner(const u8 *data, u32 end, bool clipped, u8 family,
		       struct crosslat_encap *res)
{
	struct crosslat_pkt *in = &res->inner;
	u32 off = res->inner_off, inner_len = end - off;
	int err;

	if (family && inner_len && data[off] >> 4 != family) {
		res->pkt_err = CROSSLAT_PKT_ERR_BAD_VERSION;
		return -CROSSLAT_ENCAP_ERR_INNER_INVALID;
	}
	err = crosslat_pkt_parse(data + off, inner_len, res->inner_start, in);
	if (err == -CROSSLAT_PKT_ERR_TRUNCATED && clipped)
		return -CROSSLAT_ENCAP_ERR_INNER_TRUNCATED;
	if (!err && in->truncated && !clipped)
		err = -CROSSLAT_PKT_ERR_BAD_LENGTH;
	if (err) {
		/* headers past the end of a complete tunnel payload: a length error */
		res->pkt_err = err == -CROSSLAT_PKT_ERR_TRUNCATED ?
			       CROSSLAT_PKT_ERR_BAD_LENGTH : (u8)-err;
		return -CROSSLAT_ENCAP_ERR_INNER_INVALID;
	}

	in->l3_off += off;
	in->l4_off += off;
	in->payload_off += off;
	return 0;
}

int crosslat_encap_parse(const u8 *data, u32 len, enum crosslat_pkt_layer start,
			 const struct crosslat_encap_ports *ports, struct crosslat_encap *res)
{
	struct crosslat_pkt *out = &res->outer;
	u32 end, udp_end;
	bool clipped;
	u8 family;
	int err;

	res->type = CROSSLAT_ENCAP_NONE;
	res->flags = 0;
	res->pkt_err = 0;
	res->vni = 0;
	res->tun_off = 0;
	res->tun_len = 0;
	res->inner_off = 0;
	if (!ports)
		ports = &default_ports;

	err = crosslat_pkt_parse(data, len, start, out);
	if (err == -CROSSLAT_PKT_ERR_TRUNCATED)
		return -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED;
	if (err) {
		res->pkt_err = (u8)-err;
		return -CROSSLAT_ENCAP_ERR_OUTER_INVALID;
	}
	if (out->frag_off)
		return -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT;

	/* l3_off <= l4_off <= payload_off <= end <= len hold for the outer packet */
	end = out->payload_off + out->payload_len;
	if (out->l4_proto == CROSSLAT_IPPROTO_UDP && out->l4_valid)
		res->type = udp_tunnel(ports, out->dport);

	if (res->type != CROSSLAT_ENCAP_NONE) {
		/* UDP length is at least 8 and fits the IP datagram: no overflow */
		udp_end = out->l4_off + cl_get_be16(data + out->l4_off + 4);
		res->tun_off = out->payload_off;
		err = parse_tunnel_hdr(data, len, udp_end, res, &family);
		if (err)
			return err;
		res->inner_off = res->tun_off + res->tun_len;
		clipped = udp_end > len;
	} else if (out->l4_proto == CROSSLAT_IPPROTO_IPIP ||
		   out->l4_proto == CROSSLAT_IPPROTO_IPV6) {
		res->type = CROSSLAT_ENCAP_IPIP;
		res->inner_start = CROSSLAT_PKT_L3;
		res->inner_off = out->l4_off;
		family = out->l4_proto == CROSSLAT_IPPROTO_IPIP ? 4 : 6;
		clipped = out->truncated;
	} else {
		res->inner_start = 0;
		memset(&res->inner, 0, sizeof(res->inner));
		return 0;
	}

	err = parse_inner(data, end, clipped || out->is_fragment, family, res);
	if (err)
		return err;
	if (is_tunnel(&res->inner, ports))
		res->flags |= CROSSLAT_ENCAP_F_NESTED;
	return 0;
}
CROSSLAT_CORE_EXPORT(crosslat_encap_parse);

const char *crosslat_encap_strerror(int err)
{
	u32 e = err < 0 ? 0u - (u32)err : (u32)err;

	if (e >= CROSSLAT_ENCAP_NR_ERRORS)
		return "unknown error";
	return encap_err_names[e];
}
CROSSLAT_CORE_EXPORT(crosslat_encap_strerror);

const char *crosslat_encap_type_name(unsigned int type)
{
	if (type >= CROSSLAT_ENCAP_NR_TYPES)
		return "unknown";
	return encap_type_names[type];
}
CROSSLAT_CORE_EXPORT(crosslat_encap_type_name);
