// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_encap_parse: hand-built VXLAN, GENEVE and IP-in-IP frames. */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core/encap_parse.h"

/*
 * IPv4 192.168.1.10 -> 192.168.1.20, UDP 54321 -> 4789, VXLAN VNI 0x123456, inner Ethernet
 * + IPv4 10.244.1.5 -> 10.244.2.7 TCP 40000 -> 8080 PSH|ACK + 4 payload bytes
 */
static const u8 vxlan_tcp[] = {
	0x45, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14,
	0xd4, 0x31, 0x12, 0xb5, 0x00, 0x4a, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0xf4, 0x01, 0x05, 0x0a, 0xf4, 0x02, 0x07,
	0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
	0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};

#define VXLAN_TUN_OFF		28
#define VXLAN_INNER_OFF		36
#define VXLAN_INNER_HDRS_END	(36 + 14 + 20 + 20)

/*
 * The same underlay, UDP to 6081, GENEVE VNI 77 with one 8-byte option, protocol 0x6558,
 * inner Ethernet + IPv4 UDP 12345 -> 53 carrying "hi"
 */
static const u8 geneve_udp[] = {
	0x45, 0x00, 0x00, 0x58, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14,
	0xd4, 0x31, 0x17, 0xc1, 0x00, 0x44, 0x00, 0x00,
	0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x4d, 0x00,
	0x01, 0x02, 0x01, 0x01, 0xa5, 0xa5, 0xa5, 0xa5,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x1e, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0xf4, 0x01, 0x05, 0x0a, 0xf4, 0x02, 0x07,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 0x68, 0x69,
};

/* IPv4 protocol 4 carrying the inner IPv4 TCP packet of vxlan_tcp */
static const u8 ipip_tcp[] = {
	0x45, 0x00, 0x00, 0x40, 0x00, 0x01, 0x40, 0x00, 0x40, 0x04, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14,
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0xf4, 0x01, 0x05, 0x0a, 0xf4, 0x02, 0x07,
	0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
	0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};

/* IPv4 protocol 41 carrying IPv6 fd42:0:1::5 -> fd42:0:2::7 UDP 12345 -> 53 "hi" */
static const u8 sit_udp[] = {
	0x45, 0x00, 0x00, 0x46, 0x00, 0x01, 0x40, 0x00, 0x40, 0x29, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x11, 0x40,
	0xfd, 0x42, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
	0xfd, 0x42, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 0x68, 0x69,
};

/* Parse an exact-size heap copy, so KASAN reports any read past len. */
static int parse_copy(struct kunit *test, const u8 *data, u32 len,
		      const struct crosslat_encap_ports *ports, struct crosslat_encap *res)
{
	u8 *copy = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, data, len);
	ret = crosslat_encap_parse(copy, len, CROSSLAT_PKT_L3, ports, res);
	kunit_kfree(test, copy);
	return ret;
}

static void crosslat_encap_parse_vxlan_tcp(struct kunit *test)
{
	static const u8 node_b[4] = { 192, 168, 1, 20 }, pod_a[4] = { 10, 244, 1, 5 };
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_EQ(test, parse_copy(test, vxlan_tcp, sizeof(vxlan_tcp), NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_VXLAN);
	KUNIT_EXPECT_EQ(test, r->flags, 0);
	KUNIT_EXPECT_EQ(test, r->vni, 0x123456U);
	KUNIT_EXPECT_EQ(test, r->tun_off, (u32)VXLAN_TUN_OFF);
	KUNIT_EXPECT_EQ(test, r->tun_len, 8U);
	KUNIT_EXPECT_EQ(test, r->inner_off, (u32)VXLAN_INNER_OFF);
	KUNIT_EXPECT_EQ(test, r->inner_start, CROSSLAT_PKT_L2);
	KUNIT_EXPECT_EQ(test, memcmp(r->outer.daddr, node_b, sizeof(node_b)), 0);
	KUNIT_EXPECT_EQ(test, r->outer.sport, 54321);
	KUNIT_EXPECT_EQ(test, r->outer.dport, CROSSLAT_VXLAN_PORT);
	KUNIT_EXPECT_EQ(test, r->inner.family, 4);
	KUNIT_EXPECT_EQ(test, memcmp(r->inner.saddr, pod_a, sizeof(pod_a)), 0);
	KUNIT_EXPECT_EQ(test, r->inner.l3_off, 36U + 14);
	KUNIT_EXPECT_EQ(test, r->inner.l4_off, 36U + 14 + 20);
	KUNIT_EXPECT_EQ(test, r->inner.l4_proto, CROSSLAT_IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, r->inner.sport, 40000);
	KUNIT_EXPECT_EQ(test, r->inner.dport, 8080);
	KUNIT_EXPECT_EQ(test, r->inner.tcp.seq, 1000U);
	KUNIT_EXPECT_EQ(test, r->inner.payload_off, (u32)VXLAN_INNER_HDRS_END);
	KUNIT_EXPECT_EQ(test, r->inner.payload_len, 4U);
	KUNIT_EXPECT_TRUE(test, crosslat_encap_innermost(r) == &r->inner);
}

static void crosslat_encap_parse_geneve_option(struct kunit *test)
{
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_EQ(test, parse_copy(test, geneve_udp, sizeof(geneve_udp), NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_GENEVE);
	KUNIT_EXPECT_EQ(test, r->vni, 77U);
	KUNIT_EXPECT_EQ(test, r->tun_len, 16U);
	KUNIT_EXPECT_EQ(test, r->inner_off, 44U);
	KUNIT_EXPECT_EQ(test, r->inner.l4_proto, CROSSLAT_IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, r->inner.sport, 12345);
	KUNIT_EXPECT_EQ(test, r->inner.dport, 53);
	KUNIT_EXPECT_EQ(test, r->inner.payload_len, 2U);
	KUNIT_EXPECT_FALSE(test, r->inner.truncated);
}

static void crosslat_encap_parse_ipip(struct kunit *test)
{
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_EQ(test, parse_copy(test, ipip_tcp, sizeof(ipip_tcp), NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_IPIP);
	KUNIT_EXPECT_EQ(test, r->inner_off, 20U);
	KUNIT_EXPECT_EQ(test, r->inner.l3_off, 20U);
	KUNIT_EXPECT_EQ(test, r->inner.l4_off, 40U);
	KUNIT_EXPECT_EQ(test, r->inner.dport, 8080);
	KUNIT_EXPECT_EQ(test, r->tun_len, 0U);

	KUNIT_ASSERT_EQ(test, parse_copy(test, sit_udp, sizeof(sit_udp), NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_IPIP);
	KUNIT_EXPECT_EQ(test, r->outer.family, 4);
	KUNIT_EXPECT_EQ(test, r->inner.family, 6);
	KUNIT_EXPECT_EQ(test, r->inner.daddr[15], 7);
	KUNIT_EXPECT_EQ(test, r->inner.l4_off, 60U);
	KUNIT_EXPECT_EQ(test, r->inner.dport, 53);
}

/* Every prefix: the outer part, then the inner headers truncated, then clipped successes. */
static void crosslat_encap_parse_truncated(struct kunit *test)
{
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u32 len;
	int ret, want;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	for (len = 0; len <= sizeof(vxlan_tcp); len++) {
		want = len < VXLAN_INNER_OFF ? -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED :
		       len < VXLAN_INNER_HDRS_END ? -CROSSLAT_ENCAP_ERR_INNER_TRUNCATED : 0;
		ret = parse_copy(test, vxlan_tcp, len, NULL, r);
		KUNIT_EXPECT_EQ_MSG(test, ret, want, "len %u", len);
		if (ret || len == sizeof(vxlan_tcp))
			continue;
		KUNIT_EXPECT_TRUE(test, r->outer.truncated);
		KUNIT_EXPECT_TRUE(test, r->inner.truncated);
		KUNIT_EXPECT_EQ(test, r->inner.payload_len, len - VXLAN_INNER_HDRS_END);
	}
	for (len = 0; len < 40; len++) {
		want = len < 20 ? -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED :
		       -CROSSLAT_ENCAP_ERR_INNER_TRUNCATED;
		KUNIT_EXPECT_EQ_MSG(test, parse_copy(test, ipip_tcp, len, NULL, r), want,
				    "len %u", len);
	}
}

static void crosslat_encap_parse_errors(struct kunit *test)
{
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, sizeof(vxlan_tcp), GFP_KERNEL);
	u32 n = sizeof(vxlan_tcp);
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	/* VXLAN without the I flag; reserved bits only flagged */
	memcpy(buf, vxlan_tcp, n);
	buf[VXLAN_TUN_OFF] = 0x00;
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, n, CROSSLAT_PKT_L3, NULL, r),
			-CROSSLAT_ENCAP_ERR_VXLAN_FLAGS);
	buf[VXLAN_TUN_OFF] = 0x88;
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, n, CROSSLAT_PKT_L3, NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->flags, CROSSLAT_ENCAP_F_RSVD);

	/* a non-first outer fragment */
	memcpy(buf, vxlan_tcp, n);
	buf[6] = 0x00;
	buf[7] = 0xb9;
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, n, CROSSLAT_PKT_L3, NULL, r),
			-CROSSLAT_ENCAP_ERR_OUTER_FRAGMENT);

	/* nested: the inner TCP packet rewritten as UDP to 4789 is flagged, not opened */
	memcpy(buf, vxlan_tcp, n);
	buf[VXLAN_INNER_OFF + 14 + 9] = CROSSLAT_IPPROTO_UDP;
	buf[VXLAN_INNER_OFF + 14 + 20 + 2] = 0x12;
	buf[VXLAN_INNER_OFF + 14 + 20 + 3] = 0xb5;
	buf[VXLAN_INNER_OFF + 14 + 20 + 4] = 0x00;
	buf[VXLAN_INNER_OFF + 14 + 20 + 5] = 8 + 16;	/* the rest of the datagram */
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, n, CROSSLAT_PKT_L3, NULL, r), 0);
	KUNIT_EXPECT_EQ(test, r->flags, CROSSLAT_ENCAP_F_NESTED);
	KUNIT_EXPECT_EQ(test, r->inner.dport, CROSSLAT_VXLAN_PORT);

	/* GENEVE version 1 */
	KUNIT_EXPECT_EQ(test, parse_copy(test, geneve_udp, sizeof(geneve_udp), NULL, r), 0);
	memcpy(buf, geneve_udp, sizeof(geneve_udp));
	buf[VXLAN_TUN_OFF] |= 0x40;
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, sizeof(geneve_udp), CROSSLAT_PKT_L3, NULL,
						   r), -CROSSLAT_ENCAP_ERR_GENEVE_VERSION);

	KUNIT_EXPECT_STREQ(test, crosslat_encap_strerror(0), "ok");
	for (i = 1; i < CROSSLAT_ENCAP_NR_ERRORS; i++)
		KUNIT_EXPECT_STRNEQ(test, crosslat_encap_strerror(-i), "unknown error");
	KUNIT_EXPECT_STREQ(test, crosslat_encap_strerror(-CROSSLAT_ENCAP_NR_ERRORS),
			   "unknown error");
}

/* Linux's and Flannel's VXLAN port 8472 is plain UDP until added to the port set. */
static void crosslat_encap_parse_custom_port(struct kunit *test)
{
	struct crosslat_encap *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, sizeof(vxlan_tcp), GFP_KERNEL);
	struct crosslat_encap_ports ports;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, vxlan_tcp, sizeof(vxlan_tcp));
	buf[22] = CROSSLAT_VXLAN_PORT_LINUX >> 8;
	buf[23] = CROSSLAT_VXLAN_PORT_LINUX & 0xff;

	crosslat_encap_ports_init(&ports);
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, sizeof(vxlan_tcp), CROSSLAT_PKT_L3,
						   &ports, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_NONE);
	KUNIT_EXPECT_TRUE(test, crosslat_encap_innermost(r) == &r->outer);

	KUNIT_EXPECT_TRUE(test, crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_VXLAN,
							 CROSSLAT_VXLAN_PORT_LINUX));
	KUNIT_EXPECT_EQ(test, crosslat_encap_parse(buf, sizeof(vxlan_tcp), CROSSLAT_PKT_L3,
						   &ports, r), 0);
	KUNIT_EXPECT_EQ(test, r->type, CROSSLAT_ENCAP_VXLAN);
	KUNIT_EXPECT_EQ(test, r->inner.dport, 8080);
	KUNIT_EXPECT_FALSE(test, crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_IPIP, 1));
}

static struct kunit_case crosslat_encap_parse_cases[] = {
	KUNIT_CASE(crosslat_encap_parse_vxlan_tcp),
	KUNIT_CASE(crosslat_encap_parse_geneve_option),
	KUNIT_CASE(crosslat_encap_parse_ipip),
	KUNIT_CASE(crosslat_encap_parse_truncated),
	KUNIT_CASE(crosslat_encap_parse_errors),
	KUNIT_CASE(crosslat_encap_parse_custom_port),
	{}
};

static struct kunit_suite crosslat_encap_parse_suite = {
	.name = "crosslat_encap_parse",
	.test_cases = crosslat_encap_parse_cases,
};

kunit_test_suite(crosslat_encap_parse_suite);
