// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for crosslat_encap_parse(): VXLAN, GENEVE, IP-in-IP, plain, truncation, damage. */
#include <stdlib.h>

#include "encap_invariants.h"
#include "encap_parse.h"
#include "pkt_builder.h"
#include "prng.h"
#include "tap.h"

#define BUF_MAX		(1 << 17)
#define RANDOM_FRAMES	3000
#define TRUNC_FRAMES	400
#define MUTATED_FRAMES	30000

static uint8_t buf[BUF_MAX];
static struct prng rng;

/* Node (underlay) and pod (overlay) addresses of the hand-built frames. */
static const uint8_t node_a[4] = { 192, 168, 1, 10 }, node_b[4] = { 192, 168, 1, 20 };
static const uint8_t pod_a[4] = { 10, 244, 1, 5 }, pod_b[4] = { 10, 244, 2, 7 };
static const uint8_t node6_a[16] = { 0xfd, 0, 0, 0, [15] = 0x0a };
static const uint8_t node6_b[16] = { 0xfd, 0, 0, 0, [15] = 0x14 };
static const uint8_t pod6_a[16] = { 0xfd, 0x42, 0, 1, [15] = 5 };
static const uint8_t pod6_b[16] = { 0xfd, 0x42, 0, 2, [15] = 7 };

/*
 * Parse a heap copy of exactly len bytes so that ASan sees any read past the end, and check
 * every invariant of the result.
 */
static int parse_at(const char *file, int line, const uint8_t *data, uint32_t len,
		    enum crosslat_pkt_layer start, const struct crosslat_encap_ports *ports,
		    struct crosslat_encap *res)
{
	uint8_t *copy = malloc(len ? len : 1);
	const char *bad;
	int ret;

	if (!copy)
		abort();
	memcpy(copy, data, len);
	memset(res, 0xa5, sizeof(*res));	/* nothing may depend on the old contents */
	ret = crosslat_encap_parse(copy, len, start, ports, res);
	bad = encap_invariants_check(ret, res, len, start, ports);
	if (bad)
		tap_fail_at(file, line, "invariant violated: %s (ret %d, len %u)", bad, ret, len);
	free(copy);
	return ret;
}

#define parse_exact(d, l, s, p, r)	parse_at(__FILE__, __LINE__, d, l, s, p, r)

/* One encapsulated frame: its two builders, tunnel header and what was written. */
struct frame {
	struct pkt_builder outer, inner;
	uint8_t hdr[8 + CROSSLAT_GENEVE_MAX_OPT_LEN];
	size_t hdr_len;
	bool plain;			/* no inner packet: outer alone */
	struct pkt_builder_encap_layout lay;
	uint32_t len;
};

static enum crosslat_pkt_layer start_of(const struct pkt_builder *b)
{
	return b->l2 ? CROSSLAT_PKT_L2 : CROSSLAT_PKT_L3;
}

static void set_addrs(struct pkt_builder *b, bool pod)
{
	if (b->family == 4) {
		memcpy(b->saddr, pod ? pod_a : node_a, 4);
		memcpy(b->daddr, pod ? pod_b : node_b, 4);
	} else {
		memcpy(b->saddr, pod ? pod6_a : node6_a, 16);
		memcpy(b->daddr, pod ? pod6_b : node6_b, 16);
	}
}

static void init_outer(struct frame *f, uint8_t family, uint8_t proto, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	pkt_builder_init(&f->outer, family, proto);
	set_addrs(&f->outer, false);
	f->outer.sport = 54321;
	f->outer.dport = dport;
}

static void init_inner(struct frame *f, uint8_t family, uint8_t proto, bool l2)
{
	pkt_builder_init(&f->inner, family, proto);
	set_addrs(&f->inner, true);
	f->inner.l2 = l2;
	f->inner.sport = 40000;
	f->inner.dport = 8080;
	f->inner.payload_len = 100;
}

static void vxlan_frame(struct frame *f, uint8_t outer_family, uint8_t inner_family,
			uint8_t inner_proto, uint32_t vni)
{
	init_outer(f, outer_family, CROSSLAT_IPPROTO_UDP, CROSSLAT_VXLAN_PORT);
	init_inner(f, inner_family, inner_proto, true);
	f->hdr_len = pkt_builder_vxlan_hdr(f->hdr, vni);
}

static void geneve_frame(struct frame *f, uint8_t outer_family, uint16_t proto_type,
			 uint8_t inner_family, uint8_t inner_proto, unsigned int opt_words)
{
	init_outer(f, outer_family, CROSSLAT_IPPROTO_UDP, CROSSLAT_GENEVE_PORT);
	init_inner(f, inner_family, inner_proto, proto_type == CROSSLAT_ETH_P_TEB);
	f->hdr_len = pkt_builder_geneve_hdr(f->hdr, proto_type, 0xabcdef, opt_words);
}

static void ipip_frame(struct frame *f, uint8_t outer_family, uint8_t inner_family,
		       uint8_t inner_proto)
{
	init_outer(f, outer_family,
		   inner_family == 4 ? CROSSLAT_IPPROTO_IPIP : CROSSLAT_IPPROTO_IPV6, 0);
	init_inner(f, inner_family, inner_proto, false);
}

static void plain_frame(struct frame *f, uint8_t family, uint8_t proto)
{
	init_outer(f, family, proto, 8080);
	set_addrs(&f->outer, true);
	f->outer.payload_len = 100;
	f->plain = true;
}

/* Build f into buf; aborts if the builder refuses. */
static void build(struct frame *f)
{
	size_t n;

	if (f->plain) {
		n = pkt_builder_build(&f->outer, buf, sizeof(buf), &f->lay.outer);
		memset(&f->lay.inner, 0, sizeof(f->lay.inner));
		f->lay.tun_off = f->lay.inner_off = 0;
	} else {
		n = pkt_builder_build_encap(&f->outer, f->hdr, f->hdr_len, &f->inner, buf,
					    sizeof(buf), &f->lay);
	}
	if (!n) {
		tap_diag("pkt_builder_build failed");
		abort();
	}
	f->len = (uint32_t)n;
}

static int build_parse(struct frame *f, const struct crosslat_encap_ports *ports,
		       struct crosslat_encap *res)
{
	build(f);
	return parse_exact(buf, f->len, start_of(&f->outer), ports, res);
}

static size_t addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/* The headers res reports are the ones the builders wrote. */
static void check_frame(const struct frame *f, const struct crosslat_encap *r)
{
	const struct pkt_builder *o = &f->outer, *i = &f->inner;

	CHECK_EQ(r->outer.family, o->family);
	CHECK_EQ(r->outer.l3_off, f->lay.outer.l3_off);
	CHECK_MEM_EQ(r->outer.saddr, o->saddr, addr_len(o->family));
	CHECK_MEM_EQ(r->outer.daddr, o->daddr, addr_len(o->family));
	CHECK_EQ(r->outer.l4_proto, o->proto);
	if (f->plain) {
		CHECK_EQ(r->type, CROSSLAT_ENCAP_NONE);
		return;
	}
	if (o->proto == CROSSLAT_IPPROTO_UDP) {
		CHECK_EQ(r->outer.sport, o->sport);
		CHECK_EQ(r->outer.dport, o->dport);
		CHECK_EQ(r->tun_off, f->lay.tun_off);
		CHECK_EQ(r->tun_len, f->hdr_len);
	} else {
		CHECK_EQ(r->type, CROSSLAT_ENCAP_IPIP);
	}
	CHECK_EQ(r->inner_off, f->lay.inner_off);
	CHECK_EQ(r->inner_start, start_of(i));
	CHECK_EQ(r->inner.family, i->family);
	CHECK_EQ(r->inner.l3_off, f->lay.inner.l3_off);
	CHECK_EQ(r->inner.l4_off, f->lay.inner.l4_off);
	CHECK_EQ(r->inner.payload_off, f->lay.inner.payload_off);
	CHECK_MEM_EQ(r->inner.saddr, i->saddr, addr_len(i->family));
	CHECK_MEM_EQ(r->inner.daddr, i->daddr, addr_len(i->family));
	CHECK_EQ(r->inner.l4_proto, i->proto);
	if (i->proto == CROSSLAT_IPPROTO_TCP || i->proto == CROSSLAT_IPPROTO_UDP) {
		CHECK(r->inner.l4_valid);
		CHECK_EQ(r->inner.sport, i->sport);
		CHECK_EQ(r->inner.dport, i->dport);
	}
	if (i->proto == CROSSLAT_IPPROTO_TCP) {
		CHECK_EQ(r->inner.tcp.seq, i->seq);
		CHECK_EQ(r->inner.tcp.ack_seq, i->ack_seq);
	}
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void test_vxlan_ipv4_tcp(void)
{
	struct crosslat_encap r;
	struct frame f;

	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 0x123456);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
	CHECK_EQ(r.flags, 0);
	CHECK_EQ(r.vni, 0x123456);
	CHECK_EQ(r.outer.l4_off, 20);
	CHECK_EQ(r.tun_off, 28);
	CHECK_EQ(r.tun_len, 8);
	CHECK_EQ(r.inner_off, 36);
	CHECK_EQ(r.inner_start, CROSSLAT_PKT_L2);
	CHECK_EQ(r.inner.l3_off, 36 + 14);
	CHECK_EQ(r.inner.l4_off, 36 + 14 + 20);
	CHECK_EQ(r.inner.payload_off, 36 + 14 + 40);
	CHECK_EQ(r.inner.payload_len, 100);
	CHECK_EQ(r.outer.payload_len, 8 + 14 + 40 + 100);
	CHECK(!r.inner.truncated);
	CHECK(!r.outer.truncated);
	CHECK(crosslat_encap_innermost(&r) == &r.inner);

	/* the same frame behind an outer Ethernet header with a VLAN tag */
	f.outer.l2 = true;
	f.outer.nvlan = 1;
	f.outer.vlan_tpid[0] = 0x8100;
	f.outer.vlan_tci[0] = 42;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.outer.vlan_id, 42);
	CHECK_EQ(r.inner_off, 18 + 36);
	CHECK_EQ(r.inner.l4_off, 18 + 36 + 14 + 20);
}

static void test_vxlan_ipv6(void)
{
	struct crosslat_encap r;
	struct frame f;

	/* IPv6 underlay and overlay, inner UDP behind an inner VLAN tag */
	vxlan_frame(&f, 6, 6, CROSSLAT_IPPROTO_UDP, 0xffffff);
	f.inner.nvlan = 1;
	f.inner.vlan_tpid[0] = 0x8100;
	f.inner.vlan_tci[0] = 7;
	f.inner.dport = 53;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.vni, 0xffffff);
	CHECK_EQ(r.inner_off, 40 + 8 + 8);
	CHECK_EQ(r.inner.vlan_id, 7);
	CHECK_EQ(r.inner.dport, 53);

	/* IPv4 overlay over an IPv6 underlay with a destination-options header */
	vxlan_frame(&f, 6, 4, CROSSLAT_IPPROTO_TCP, 1);
	pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_DEST, 16);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.inner_off, 40 + 16 + 8 + 8);

	/* VNI 0 is a VNI like any other */
	vxlan_frame(&f, 4, 6, CROSSLAT_IPPROTO_TCP, 0);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
	CHECK_EQ(r.vni, 0);
}

static void test_ports_api(void)
{
	struct crosslat_encap_ports p;

	crosslat_encap_ports_init(&p);
	CHECK_EQ(p.vxlan[0], 4789);
	CHECK_EQ(p.vxlan[1], 0);
	CHECK_EQ(p.geneve[0], 6081);
	CHECK_EQ(p.geneve[1], 0);

	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 8472));
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 8472));	/* already there */
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 4789));
	CHECK_EQ(p.vxlan[1], 8472);
	CHECK_EQ(p.vxlan[2], 0);
	CHECK(!crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 0));
	CHECK(!crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_IPIP, 1234));
	CHECK(!crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_NONE, 1234));
	CHECK(!crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_NR_TYPES, 1234));
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 1));
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 2));
	CHECK(!crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 3));	/* full */
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_VXLAN, 2));	/* full, but present */
	CHECK(crosslat_encap_ports_add(&p, CROSSLAT_ENCAP_GENEVE, 7000));
	CHECK_EQ(p.geneve[1], 7000);
}

static void test_vxlan_custom_port(void)
{
	struct crosslat_encap_ports ports;
	struct crosslat_encap r;
	struct frame f;

	/* Flannel's and Cilium's 8472 is not VXLAN by default ... */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 77);
	f.outer.dport = CROSSLAT_VXLAN_PORT_LINUX;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);
	CHECK_EQ(r.outer.dport, 8472);
	CHECK_EQ(r.inner.family, 0);
	CHECK(crosslat_encap_innermost(&r) == &r.outer);

	/* ... but is once added */
	crosslat_encap_ports_init(&ports);
	CHECK(crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_VXLAN, CROSSLAT_VXLAN_PORT_LINUX));
	CHECK_INT_EQ(build_parse(&f, &ports, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
	CHECK_EQ(r.vni, 77);

	/* a set with 8472 only: 4789 becomes a plain UDP port */
	memset(&ports, 0, sizeof(ports));
	ports.vxlan[0] = 8472;
	f.outer.dport = 4789;
	CHECK_INT_EQ(build_parse(&f, &ports, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);
	/* ... and GENEVE is off with an empty GENEVE list */
	geneve_frame(&f, 4, CROSSLAT_ETH_P_TEB, 4, CROSSLAT_IPPROTO_TCP, 0);
	CHECK_INT_EQ(build_parse(&f, &ports, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);

	/* the source port never selects a tunnel */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 77);
	f.outer.sport = 4789;
	f.outer.dport = 12345;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);

	/* a port in both lists is VXLAN; a list is full without a 0 terminator */
	memset(&ports, 0, sizeof(ports));
	ports.vxlan[0] = 1;
	ports.vxlan[1] = 2;
	ports.vxlan[2] = 3;
	ports.vxlan[3] = 9999;
	ports.geneve[0] = 9999;
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 5);
	f.outer.dport = 9999;
	CHECK_INT_EQ(build_parse(&f, &ports, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
}

static void test_vxlan_flags(void)
{
	struct crosslat_encap r;
	struct frame f;
	uint8_t *h;
	int i;

	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 0x10203);
	build(&f);
	h = buf + f.lay.tun_off;

	h[0] = 0;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_VXLAN_FLAGS);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
	h[0] = 0xf7;	/* every flag but I */
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_VXLAN_FLAGS);

	/* reserved bits anywhere are accepted and flagged (RFC 7348: ignored on receipt) */
	for (i = 0; i < 8; i++) {
		build(&f);
		if (i == 0)
			h[0] = 0x88;	/* I + Group Policy's G bit */
		else if (i >= 4 && i <= 6)
			continue;	/* VNI */
		else
			h[i] = 0x01;
		CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
		CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_RSVD);
		CHECK_EQ(r.vni, 0x10203);
		check_frame(&f, &r);
	}
}

static void test_geneve_options(void)
{
	static const unsigned int words[] = { 0, 1, 5, 31, 32, 33, 63 };
	struct crosslat_encap r;
	struct frame f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		geneve_frame(&f, 4, CROSSLAT_ETH_P_TEB, 4, CROSSLAT_IPPROTO_TCP, words[i]);
		CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
		check_frame(&f, &r);
		CHECK_EQ(r.type, CROSSLAT_ENCAP_GENEVE);
		CHECK_EQ(r.vni, 0xabcdef);
		CHECK_EQ(r.flags, 0);
		CHECK_EQ(r.tun_len, 8 + 4 * words[i]);
		CHECK_EQ(r.inner_off, 28 + 8 + 4 * words[i]);
		CHECK_EQ(r.inner.l4_off, r.inner_off + 14 + 20);
	}

	/* O, C and reserved bits */
	geneve_frame(&f, 6, CROSSLAT_ETH_P_TEB, 6, CROSSLAT_IPPROTO_UDP, 2);
	build(&f);
	buf[f.lay.tun_off + 1] = CROSSLAT_GENEVE_FLAG_O;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_OAM);
	buf[f.lay.tun_off + 1] = CROSSLAT_GENEVE_FLAG_C;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_CRIT);
	buf[f.lay.tun_off + 1] = 0xc1;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_OAM | CROSSLAT_ENCAP_F_CRIT | CROSSLAT_ENCAP_F_RSVD);
	buf[f.lay.tun_off + 1] = 0;
	buf[f.lay.tun_off + 7] = 0x80;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_RSVD);
	check_frame(&f, &r);
}

static void test_geneve_inner_ip(void)
{
	struct crosslat_encap r;
	struct frame f;

	geneve_frame(&f, 4, CROSSLAT_ETH_P_IPV4, 4, CROSSLAT_IPPROTO_TCP, 1);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.inner_start, CROSSLAT_PKT_L3);
	CHECK_EQ(r.inner.l3_off, r.inner_off);
	CHECK_EQ(r.inner.l4_off, r.inner_off + 20);

	geneve_frame(&f, 6, CROSSLAT_ETH_P_IPV6, 6, CROSSLAT_IPPROTO_UDP, 0);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.inner.l4_off, r.inner_off + 40);

	/* protocol type and IP version disagree */
	geneve_frame(&f, 4, CROSSLAT_ETH_P_IPV4, 6, CROSSLAT_IPPROTO_TCP, 0);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_VERSION);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_GENEVE);
	geneve_frame(&f, 4, CROSSLAT_ETH_P_IPV6, 4, CROSSLAT_IPPROTO_TCP, 0);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_VERSION);
}

static void test_geneve_errors(void)
{
	struct crosslat_encap r;
	struct frame f;
	uint8_t *h;
	int v;

	geneve_frame(&f, 4, CROSSLAT_ETH_P_TEB, 4, CROSSLAT_IPPROTO_TCP, 3);
	build(&f);
	h = buf + f.lay.tun_off;
	for (v = 1; v < 4; v++) {
		h[0] = (uint8_t)(v << 6 | 3);
		CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
			     -CROSSLAT_ENCAP_ERR_GENEVE_VERSION);
		CHECK_EQ(r.type, CROSSLAT_ENCAP_GENEVE);
	}

	/* unknown protocol type (LLDP) */
	build(&f);
	set16(h + 2, 0x88cc);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_GENEVE_PROTO);

	/* options running past the UDP length: a short GENEVE packet claiming 63 words */
	geneve_frame(&f, 4, CROSSLAT_ETH_P_TEB, 4, CROSSLAT_IPPROTO_TCP, 0);
	f.inner.payload_len = 0;
	build(&f);
	buf[f.lay.tun_off] = 63;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_GENEVE_OPTLEN);
	/* ... and exactly up to the end: the options fit, the inner packet is empty */
	buf[f.lay.tun_off] = (uint8_t)((f.len - f.lay.inner_off) / 4);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);
}

static void test_tunnel_length(void)
{
	struct crosslat_encap r;
	struct frame f;
	uint32_t n;

	/* UDP datagrams to the VXLAN/GENEVE port with 0..7 payload bytes */
	for (n = 0; n < 8; n++) {
		plain_frame(&f, 4, CROSSLAT_IPPROTO_UDP);
		f.outer.dport = CROSSLAT_VXLAN_PORT;
		f.outer.payload_len = n;
		CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH);
		CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
		f.outer.dport = CROSSLAT_GENEVE_PORT;
		CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH);
		CHECK_EQ(r.type, CROSSLAT_ENCAP_GENEVE);
	}

	/* a UDP length shorter than the IP payload: the header must fit the UDP length */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 3);
	build(&f);
	set16(buf + f.lay.outer.l4_off + 4, 8 + 4);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_TUNNEL_LENGTH);
}

static void test_ipip(void)
{
	static const uint8_t fams[][2] = { { 4, 4 }, { 4, 6 }, { 6, 4 }, { 6, 6 } };
	struct crosslat_encap r;
	struct frame f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fams); i++) {
		ipip_frame(&f, fams[i][0], fams[i][1], CROSSLAT_IPPROTO_TCP);
		CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
		check_frame(&f, &r);
		CHECK_EQ(r.type, CROSSLAT_ENCAP_IPIP);
		CHECK_EQ(r.flags, 0);
		CHECK_EQ(r.vni, 0);
		CHECK_EQ(r.tun_off, 0);
		CHECK_EQ(r.tun_len, 0);
		CHECK_EQ(r.inner_off, fams[i][0] == 4 ? 20 : 40);
		CHECK_EQ(r.inner_start, CROSSLAT_PKT_L3);
		CHECK_EQ(r.inner.l3_off, r.inner_off);
		CHECK_EQ(r.outer.payload_off, r.inner_off);
		CHECK_EQ(r.inner.payload_len, 100);

		/* with outer IPv4 options / IPv6 extension headers, inner UDP, outer L2 */
		ipip_frame(&f, fams[i][0], fams[i][1], CROSSLAT_IPPROTO_UDP);
		f.outer.l2 = true;
		f.outer.ihl = 7;
		pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_HOP, 8);
		pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_DEST, 24);
		CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
		check_frame(&f, &r);
		CHECK_EQ(r.inner_off, 14 + (fams[i][0] == 4 ? 28 : 40 + 8 + 24));
	}

	/* protocol number and inner version disagree */
	ipip_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP);
	f.outer.proto = CROSSLAT_IPPROTO_IPV6;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_VERSION);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_IPIP);
	ipip_frame(&f, 6, 6, CROSSLAT_IPPROTO_TCP);
	f.outer.proto = CROSSLAT_IPPROTO_IPIP;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_VERSION);

	/* an empty IP-in-IP payload */
	plain_frame(&f, 4, CROSSLAT_IPPROTO_IPIP);
	f.outer.payload_len = 0;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);
}

static void test_plain(void)
{
	static const uint8_t protos[] = { CROSSLAT_IPPROTO_TCP, CROSSLAT_IPPROTO_UDP,
					  CROSSLAT_IPPROTO_ICMP, 47 /* GRE: not opened */ };
	struct crosslat_encap r;
	struct frame f;
	size_t i;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		for (i = 0; i < ARRAY_SIZE(protos); i++) {
			plain_frame(&f, (uint8_t)fam, protos[i]);
			f.outer.l2 = i & 1;
			CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
			check_frame(&f, &r);
			CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);
			CHECK_EQ(r.flags, 0);
			CHECK_EQ(r.inner_off, 0);
			CHECK(crosslat_encap_innermost(&r) == &r.outer);
			if (protos[i] == CROSSLAT_IPPROTO_TCP)
				CHECK_EQ(crosslat_encap_innermost(&r)->dport, 8080);
		}
	}
	/* outer Ethernet padding after a VXLAN frame is ignored */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 9);
	f.outer.l2 = true;
	f.outer.pad_len = 12;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK(!r.outer.truncated);
	CHECK(!r.inner.truncated);
	CHECK_EQ(r.inner.payload_len, 100);
}

static void test_outer_errors(void)
{
	struct crosslat_encap r;
	struct frame f;

	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 9);
	build(&f);
	buf[0] = 0x55;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_OUTER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_VERSION);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);
	buf[0] = 0x45;
	CHECK_INT_EQ(parse_exact(buf, f.len, (enum crosslat_pkt_layer)9, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_OUTER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_START);
	/* outer UDP length longer than the IP datagram */
	set16(buf + f.lay.outer.l4_off + 4, (uint16_t)(f.len - 20 + 1));
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_OUTER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);
	CHECK_INT_EQ(parse_exact(buf, 0, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED);
	CHECK_EQ(r.pkt_err, 0);
}

static void test_inner_errors(void)
{
	struct crosslat_encap r;
	struct frame f;
	uint32_t ip;

	/* ARP inside VXLAN is not an IP packet */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 9);
	f.inner.ethertype = 0x0806;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_UNSUPPORTED_L3);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);

	/* inner IP total length past the end of a complete VXLAN payload */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 9);
	build(&f);
	ip = f.lay.inner.l3_off;
	set16(buf + ip + 2, (uint16_t)(20 + 20 + 100 + 1));
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);
	/* ... but shorter is fine: the rest is inner Ethernet padding */
	set16(buf + ip + 2, (uint16_t)(20 + 20 + 90));
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.inner.payload_len, 90);

	/* inner headers past a UDP length shorter than the IP payload: a length error */
	build(&f);
	set16(buf + f.lay.outer.l4_off + 4, (uint16_t)(8 + 8 + 14 + 20 + 10));
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);

	/* bad inner TCP data offset */
	build(&f);
	buf[f.lay.inner.l4_off + 12] = 0x40;
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_INNER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_HDRLEN);
}

static void test_nested(void)
{
	struct crosslat_encap r;
	struct pkt_builder b;
	uint8_t mid[512];
	struct frame f;
	size_t mid_len;

	/* VXLAN in VXLAN: the middle layer is reported, not opened */
	mid_len = pkt_builder_vxlan_hdr(mid, 2);
	pkt_builder_init(&b, 4, CROSSLAT_IPPROTO_TCP);
	b.l2 = true;
	mid_len += pkt_builder_build(&b, mid + mid_len, sizeof(mid) - mid_len, NULL);
	CHECK(mid_len > 8);
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_UDP, 1);
	f.inner.dport = CROSSLAT_VXLAN_PORT;
	f.inner.payload = mid;
	f.inner.payload_len = (uint32_t)mid_len;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	check_frame(&f, &r);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_VXLAN);
	CHECK_EQ(r.vni, 1);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);
	CHECK_EQ(r.inner.dport, CROSSLAT_VXLAN_PORT);
	CHECK_EQ(r.inner.payload_len, mid_len);

	/* the nested header is not even looked at: garbage there changes nothing */
	build(&f);
	memset(buf + f.lay.inner.payload_off, 0xff, mid_len);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);

	/* GENEVE to a custom port inside VXLAN, with that port in the set */
	{
		struct crosslat_encap_ports ports;

		crosslat_encap_ports_init(&ports);
		CHECK(crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_GENEVE, 7081));
		f.inner.dport = 7081;
		CHECK_INT_EQ(build_parse(&f, &ports, &r), 0);
		CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);
		CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
		CHECK_EQ(r.flags, 0);
	}

	/* IP-in-IP inside VXLAN, inside GENEVE (inner IP) and inside IP-in-IP */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_IPIP, 3);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);
	CHECK_EQ(r.inner.l4_proto, CROSSLAT_IPPROTO_IPIP);
	geneve_frame(&f, 6, CROSSLAT_ETH_P_IPV6, 6, CROSSLAT_IPPROTO_IPV6, 4);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);
	ipip_frame(&f, 4, 4, CROSSLAT_IPPROTO_IPV6);
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_IPIP);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);

	/* VXLAN inside IP-in-IP */
	ipip_frame(&f, 6, 4, CROSSLAT_IPPROTO_UDP);
	f.inner.dport = CROSSLAT_VXLAN_PORT;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.flags, CROSSLAT_ENCAP_F_NESTED);

	/* an inner UDP packet *from* a VXLAN port is not a tunnel */
	ipip_frame(&f, 6, 4, CROSSLAT_IPPROTO_UDP);
	f.inner.sport = CROSSLAT_VXLAN_PORT;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.flags, 0);
}

static void test_fragments(void)
{
	struct crosslat_encap r;
	struct frame f;

	/* non-first outer fragments: IPv4 carrying UDP, IP-in-IP and TCP */
	plain_frame(&f, 4, CROSSLAT_IPPROTO_UDP);
	f.outer.dont_frag = false;
	f.outer.frag_off = 1480;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_NONE);
	f.outer.proto = CROSSLAT_IPPROTO_IPIP;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT);
	f.outer.proto = CROSSLAT_IPPROTO_TCP;
	f.outer.more_frags = true;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT);

	/* ... and IPv6 */
	plain_frame(&f, 6, CROSSLAT_IPPROTO_IPV6);
	pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_FRAG, 8);
	f.outer.ext[0].frag_off = 1448;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), -CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT);

	/* the first fragment of an IP-in-IP packet holds the inner headers */
	ipip_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP);
	build(&f);
	buf[6] = 0x20;	/* MF, offset 0 */
	set16(buf + 2, 20 + 20 + 20 + 48);	/* the fragment ends inside the inner payload */
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_IPIP);
	CHECK(r.outer.is_fragment);
	CHECK(!r.outer.truncated);
	CHECK(r.inner.truncated);
	CHECK_EQ(r.inner.payload_len, 48);
	CHECK_EQ(r.inner.dport, 8080);
	/* ... when it ends inside the inner headers, they are truncated */
	set16(buf + 2, 20 + 20 + 10);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_INNER_TRUNCATED);

	/* IPv6 first fragment with IP-in-IPv6 */
	ipip_frame(&f, 6, 6, CROSSLAT_IPPROTO_UDP);
	pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_FRAG, 8);
	f.outer.ext[0].more_frags = true;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK_EQ(r.type, CROSSLAT_ENCAP_IPIP);
	CHECK(r.outer.is_fragment);

	/* the first fragment of a UDP tunnel packet fails at the outer UDP length */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 1);
	build(&f);
	buf[6] = 0x20;
	set16(buf + 2, 20 + 8 + 8 + 14 + 20 + 20 + 16);
	CHECK_INT_EQ(parse_exact(buf, f.len, CROSSLAT_PKT_L3, NULL, &r),
		     -CROSSLAT_ENCAP_ERR_OUTER_INVALID);
	CHECK_EQ(r.pkt_err, CROSSLAT_PKT_ERR_BAD_LENGTH);

	/* inner fragments are fine: a non-first one has no inner ports */
	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_UDP, 1);
	f.inner.dont_frag = false;
	f.inner.frag_off = 2960;
	CHECK_INT_EQ(build_parse(&f, NULL, &r), 0);
	CHECK(r.inner.is_fragment);
	CHECK(!r.inner.l4_valid);
	CHECK_EQ(r.inner.frag_off, 2960);
}

/*
 * Every prefix of f: OUTER_TRUNCATED up to the end of the tunnel header, INNER_TRUNCATED up
 * to the end of the inner TCP/UDP header, a clipped success after.
 */
static void check_truncations(struct frame *f, const struct crosslat_encap_ports *ports)
{
	enum crosslat_pkt_layer start = start_of(&f->outer);
	uint32_t cut, hdr_end, inner_end, ip_end;
	struct crosslat_encap r;
	int want, ret;

	build(f);
	if (f->plain) {
		hdr_end = f->lay.outer.payload_off;
		inner_end = hdr_end;
	} else {
		hdr_end = f->lay.inner_off;
		inner_end = f->lay.inner.payload_off;
	}
	ip_end = f->lay.outer.ip_end;
	for (cut = 0; cut <= f->len; cut++) {
		want = cut < hdr_end ? -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED :
		       cut < inner_end ? -CROSSLAT_ENCAP_ERR_INNER_TRUNCATED : 0;
		ret = parse_exact(buf, cut, start, ports, &r);
		if (ret != want) {
			tap_fail_at(__FILE__, __LINE__, "cut %u of %u: %d (%s), want %d", cut,
				    f->len, ret, crosslat_encap_strerror(ret), want);
			continue;
		}
		if (ret)
			continue;
		check_frame(f, &r);
		CHECK_EQ(r.outer.truncated, cut < ip_end);
		if (f->plain)
			continue;
		CHECK_EQ(r.inner.truncated, cut < f->lay.inner.ip_end);
		CHECK_EQ(r.inner.payload_len,
			 (cut < f->lay.inner.ip_end ? cut : f->lay.inner.ip_end) -
			 f->lay.inner.payload_off);
	}
}

static void test_truncation_every_length(void)
{
	struct crosslat_encap_ports ports;
	struct frame f;

	vxlan_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP, 5);
	check_truncations(&f, NULL);
	f.outer.l2 = true;
	f.outer.pad_len = 6;
	check_truncations(&f, NULL);

	vxlan_frame(&f, 6, 6, CROSSLAT_IPPROTO_UDP, 5);
	f.inner.nvlan = 2;
	f.inner.vlan_tpid[0] = 0x88a8;
	f.inner.vlan_tpid[1] = 0x8100;
	check_truncations(&f, NULL);

	crosslat_encap_ports_init(&ports);
	crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_VXLAN, CROSSLAT_VXLAN_PORT_LINUX);
	vxlan_frame(&f, 4, 6, CROSSLAT_IPPROTO_TCP, 5);
	f.outer.dport = CROSSLAT_VXLAN_PORT_LINUX;
	f.inner.doff = 8;
	check_truncations(&f, &ports);

	geneve_frame(&f, 4, CROSSLAT_ETH_P_TEB, 4, CROSSLAT_IPPROTO_TCP, 7);
	check_truncations(&f, NULL);
	geneve_frame(&f, 6, CROSSLAT_ETH_P_IPV4, 4, CROSSLAT_IPPROTO_UDP, 63);
	check_truncations(&f, NULL);
	geneve_frame(&f, 4, CROSSLAT_ETH_P_IPV6, 6, CROSSLAT_IPPROTO_TCP, 0);
	pkt_builder_add_ext(&f.inner, PKT_BUILDER_EXT_DEST, 16);
	check_truncations(&f, NULL);

	ipip_frame(&f, 4, 4, CROSSLAT_IPPROTO_TCP);
	check_truncations(&f, NULL);
	ipip_frame(&f, 4, 6, CROSSLAT_IPPROTO_TCP);
	f.outer.l2 = true;
	check_truncations(&f, NULL);
	ipip_frame(&f, 6, 4, CROSSLAT_IPPROTO_UDP);
	check_truncations(&f, NULL);
	ipip_frame(&f, 6, 6, CROSSLAT_IPPROTO_TCP);
	pkt_builder_add_ext(&f.outer, PKT_BUILDER_EXT_HOP, 8);
	check_truncations(&f, NULL);

	plain_frame(&f, 4, CROSSLAT_IPPROTO_TCP);
	check_truncations(&f, NULL);
	plain_frame(&f, 6, CROSSLAT_IPPROTO_UDP);
	f.outer.l2 = true;
	check_truncations(&f, NULL);
}

static void test_strerror(void)
{
	int i, j;

	CHECK(!strcmp(crosslat_encap_strerror(0), "ok"));
	for (i = 1; i < CROSSLAT_ENCAP_NR_ERRORS; i++) {
		const char *s = crosslat_encap_strerror(-i);

		CHECK(s && *s);
		CHECK(strcmp(s, "unknown error") != 0);
		CHECK(s == crosslat_encap_strerror(i));
		for (j = 0; j < i; j++)
			CHECK(strcmp(s, crosslat_encap_strerror(-j)) != 0);
	}
	CHECK(!strcmp(crosslat_encap_strerror(-CROSSLAT_ENCAP_NR_ERRORS), "unknown error"));
	CHECK(!strcmp(crosslat_encap_strerror(-2147483647 - 1), "unknown error"));

	CHECK(!strcmp(crosslat_encap_type_name(CROSSLAT_ENCAP_NONE), "none"));
	CHECK(!strcmp(crosslat_encap_type_name(CROSSLAT_ENCAP_VXLAN), "vxlan"));
	CHECK(!strcmp(crosslat_encap_type_name(CROSSLAT_ENCAP_GENEVE), "geneve"));
	CHECK(!strcmp(crosslat_encap_type_name(CROSSLAT_ENCAP_IPIP), "ipip"));
	CHECK(!strcmp(crosslat_encap_type_name(CROSSLAT_ENCAP_NR_TYPES), "unknown"));
	CHECK(!strcmp(crosslat_encap_type_name(~0u), "unknown"));
}

/* A random well-formed frame: any tunnel (or none) over any underlay, any overlay inside. */
static void random_frame(struct frame *f, struct crosslat_encap_ports *ports)
{
	static const uint8_t inner_protos[] = { 6, 6, 17, 17, 1, 58 };
	uint8_t ofam = prng_one_in(&rng, 2) ? 4 : 6, ifam = prng_one_in(&rng, 2) ? 4 : 6;
	uint8_t iproto = inner_protos[prng_below(&rng, sizeof(inner_protos))];
	unsigned int kind = (unsigned int)prng_below(&rng, 5), i;

	if (iproto == 1 || iproto == 58)
		iproto = ifam == 4 ? 1 : 58;
	crosslat_encap_ports_init(ports);
	switch (kind) {
	case 0:
		vxlan_frame(f, ofam, ifam, iproto, (uint32_t)prng_below(&rng, 1 << 24));
		if (prng_one_in(&rng, 2)) {
			crosslat_encap_ports_add(ports, CROSSLAT_ENCAP_VXLAN, 8472);
			f->outer.dport = 8472;
		}
		break;
	case 1:
		geneve_frame(f, ofam, CROSSLAT_ETH_P_TEB, ifam, iproto,
			     (unsigned int)prng_below(&rng, 64));
		break;
	case 2:
		geneve_frame(f, ofam, ifam == 4 ? CROSSLAT_ETH_P_IPV4 : CROSSLAT_ETH_P_IPV6,
			     ifam, iproto, (unsigned int)prng_below(&rng, 64));
		break;
	case 3:
		ipip_frame(f, ofam, ifam, iproto);
		break;
	default:
		plain_frame(f, ofam, iproto == 1 || iproto == 58 ?
				    (ofam == 4 ? 1 : 58) : iproto);
		break;
	}
	f->outer.l2 = prng_one_in(&rng, 2);
	if (f->outer.l2 && prng_one_in(&rng, 3)) {
		f->outer.nvlan = 1;
		f->outer.vlan_tpid[0] = 0x8100;
		f->outer.vlan_tci[0] = (uint16_t)prng_below(&rng, 4096);
	}
	if (ofam == 4)
		f->outer.ihl = (uint8_t)prng_range(&rng, 5, 7);
	else
		for (i = (unsigned int)prng_below(&rng, 3); i; i--)
			pkt_builder_add_ext(&f->outer, PKT_BUILDER_EXT_DEST,
					    (uint16_t)(8 * prng_range(&rng, 1, 3)));
	if (f->outer.l2 && prng_one_in(&rng, 4))
		f->outer.pad_len = (uint32_t)prng_below(&rng, 20);
	f->inner.payload_len = (uint32_t)prng_below(&rng, 300);
	f->inner.doff = (uint8_t)prng_range(&rng, 5, 15);
	f->inner.sport = (uint16_t)prng_range(&rng, 1024, 65535);
	f->inner.dport = (uint16_t)prng_range(&rng, 1, 4000);	/* below every tunnel port */
	if (f->inner.l2 && prng_one_in(&rng, 4)) {
		f->inner.nvlan = 1;
		f->inner.vlan_tpid[0] = 0x8100;
	}
	if (ifam == 6 && prng_one_in(&rng, 4))
		pkt_builder_add_ext(&f->inner, PKT_BUILDER_EXT_HOP, 8);
}

/* Random frames parse to what was built; a sample of them through every truncation. */
static void test_random_model(void)
{
	struct crosslat_encap_ports ports;
	struct crosslat_encap r;
	struct frame f;
	int i;

	for (i = 0; i < RANDOM_FRAMES; i++) {
		random_frame(&f, &ports);
		if (build_parse(&f, &ports, &r)) {
			tap_fail_at(__FILE__, __LINE__, "random frame %d rejected", i);
			continue;
		}
		check_frame(&f, &r);
		if (!f.plain && f.outer.proto == CROSSLAT_IPPROTO_UDP)
			CHECK_EQ(r.type, f.outer.dport == CROSSLAT_GENEVE_PORT ?
				 CROSSLAT_ENCAP_GENEVE : CROSSLAT_ENCAP_VXLAN);
		CHECK_EQ(r.flags, 0);
		if (i < TRUNC_FRAMES)
			check_truncations(&f, &ports);
	}
}

/* Random damage to well-formed frames: no over-read, every invariant holds. */
static void test_random_mutation(void)
{
	struct crosslat_encap_ports ports;
	struct crosslat_encap r;
	uint32_t len, n, k, span;
	struct frame f;
	int i;

	for (i = 0; i < MUTATED_FRAMES; i++) {
		random_frame(&f, &ports);
		build(&f);
		len = f.len;
		/* bias the damage towards the headers, both layers */
		span = f.lay.inner.payload_off ? f.lay.inner.payload_off : f.lay.outer.payload_off;
		span = span + 8 < len ? span + 8 : len;
		n = (uint32_t)prng_range(&rng, 1, 4);
		for (k = 0; k < n; k++) {
			uint32_t at = (uint32_t)prng_below(&rng, span);

			if (prng_one_in(&rng, 2))
				buf[at] = (uint8_t)prng_next(&rng);
			else
				buf[at] ^= (uint8_t)(1u << prng_below(&rng, 8));
		}
		if (prng_one_in(&rng, 3))
			len = (uint32_t)prng_below(&rng, len + 1);
		parse_exact(buf, len, (enum crosslat_pkt_layer)prng_below(&rng, 2),
			    prng_one_in(&rng, 4) ? NULL : &ports, &r);
	}
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_vxlan_ipv4_tcp);
	TAP_RUN(test_vxlan_ipv6);
	TAP_RUN(test_ports_api);
	TAP_RUN(test_vxlan_custom_port);
	TAP_RUN(test_vxlan_flags);
	TAP_RUN(test_geneve_options);
	TAP_RUN(test_geneve_inner_ip);
	TAP_RUN(test_geneve_errors);
	TAP_RUN(test_tunnel_length);
	TAP_RUN(test_ipip);
	TAP_RUN(test_plain);
	TAP_RUN(test_outer_errors);
	TAP_RUN(test_inner_errors);
	TAP_RUN(test_nested);
	TAP_RUN(test_fragments);
	TAP_RUN(test_truncation_every_length);
	TAP_RUN(test_strerror);
	TAP_RUN(test_random_model);
	TAP_RUN(test_random_mutation);
	return tap_done();
}
