// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_pkt_parse: hand-built frames through crosslat_pkt_parse(). */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core/pkt_parse.h"

/* Ethernet + IPv4 (id 0x1234, DF, TTL 64) + TCP 40000 -> 80 PSH|ACK + 4 payload bytes */
static const u8 eth_ipv4_tcp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
	0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};

/* IPv6 + hop-by-hop (8 bytes, Pad1s) + UDP 12345 -> 53 carrying "hi" */
static const u8 ipv6_hbh_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 'h', 'i',
};

/* Ethernet + 802.1Q VID 100 PCP 5 + IPv4 UDP "hi", padded to the 60-byte minimum */
static const u8 eth_vlan_ipv4_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0xa0, 0x64, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 'h', 'i',
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* IPv4 UDP fragment at offset 1480 (185 * 8) with 8 bytes of fragment data */
static const u8 ipv4_nonfirst_frag[] = {
	0x45, 0x00, 0x00, 0x1c, 0xbe, 0xef, 0x00, 0xb9, 0x40, 0x11, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
	1, 2, 3, 4, 5, 6, 7, 8,
};

/* Parse an exact-size heap copy, so KASAN reports any read past len. */
static int parse_copy(struct kunit *test, const u8 *data, u32 len, enum crosslat_pkt_layer start,
		      struct crosslat_pkt *pkt)
{
	u8 *copy = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, data, len);
	ret = crosslat_pkt_parse(copy, len, start, pkt);
	kunit_kfree(test, copy);
	return ret;
}

static void crosslat_pkt_parse_ipv4_tcp_basic(struct kunit *test)
{
	static const u8 src[4] = { 10, 0, 0, 1 };
	struct crosslat_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse_copy(test, eth_ipv4_tcp, sizeof(eth_ipv4_tcp),
					 CROSSLAT_PKT_L2, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.family, 4);
	KUNIT_EXPECT_EQ(test, pkt.vlan_count, 0);
	KUNIT_EXPECT_EQ(test, pkt.l3_off, 14U);
	KUNIT_EXPECT_EQ(test, pkt.ip_len, 44U);
	KUNIT_EXPECT_EQ(test, pkt.ttl, 64);
	KUNIT_EXPECT_EQ(test, pkt.ip_id, 0x1234U);
	KUNIT_EXPECT_FALSE(test, pkt.is_fragment);
	KUNIT_EXPECT_EQ(test, memcmp(pkt.saddr, src, sizeof(src)), 0);
	KUNIT_EXPECT_EQ(test, pkt.daddr[3], 2);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 34U);
	KUNIT_EXPECT_EQ(test, pkt.l4_proto, CROSSLAT_IPPROTO_TCP);
	KUNIT_EXPECT_TRUE(test, pkt.l4_valid);
	KUNIT_EXPECT_EQ(test, pkt.sport, 40000);
	KUNIT_EXPECT_EQ(test, pkt.dport, 80);
	KUNIT_EXPECT_EQ(test, pkt.tcp.seq, 1000U);
	KUNIT_EXPECT_EQ(test, pkt.tcp.ack_seq, 2000U);
	KUNIT_EXPECT_EQ(test, pkt.tcp.flags, CROSSLAT_TCP_FLAG_PSH | CROSSLAT_TCP_FLAG_ACK);
	KUNIT_EXPECT_EQ(test, pkt.tcp.window, 0xffff);
	KUNIT_EXPECT_EQ(test, pkt.tcp.doff, 20);
	KUNIT_EXPECT_EQ(test, pkt.payload_off, 54U);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 4U);
	KUNIT_EXPECT_FALSE(test, pkt.truncated);
}

static void crosslat_pkt_parse_ipv6_ext_udp(struct kunit *test)
{
	struct crosslat_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse_copy(test, ipv6_hbh_udp, sizeof(ipv6_hbh_udp),
					 CROSSLAT_PKT_L3, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.family, 6);
	KUNIT_EXPECT_EQ(test, pkt.l3_off, 0U);
	KUNIT_EXPECT_EQ(test, pkt.ip_len, 58U);
	KUNIT_EXPECT_EQ(test, pkt.saddr[15], 1);
	KUNIT_EXPECT_EQ(test, pkt.daddr[15], 2);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 48U);
	KUNIT_EXPECT_EQ(test, pkt.l4_proto, CROSSLAT_IPPROTO_UDP);
	KUNIT_EXPECT_TRUE(test, pkt.l4_valid);
	KUNIT_EXPECT_EQ(test, pkt.sport, 12345);
	KUNIT_EXPECT_EQ(test, pkt.dport, 53);
	KUNIT_EXPECT_EQ(test, pkt.payload_off, 56U);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 2U);
}

static void crosslat_pkt_parse_vlan_padded(struct kunit *test)
{
	struct crosslat_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse_copy(test, eth_vlan_ipv4_udp, sizeof(eth_vlan_ipv4_udp),
					 CROSSLAT_PKT_L2, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.vlan_count, 1);
	KUNIT_EXPECT_EQ(test, pkt.vlan_id, 100);
	KUNIT_EXPECT_EQ(test, pkt.l3_off, 18U);
	KUNIT_EXPECT_EQ(test, pkt.ip_len, 30U);		/* the padding is not IP */
	KUNIT_EXPECT_TRUE(test, pkt.l4_valid);
	KUNIT_EXPECT_EQ(test, pkt.payload_off, 46U);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 2U);
}

static void crosslat_pkt_parse_nonfirst_fragment(struct kunit *test)
{
	struct crosslat_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse_copy(test, ipv4_nonfirst_frag, sizeof(ipv4_nonfirst_frag),
					 CROSSLAT_PKT_L3, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.is_fragment);
	KUNIT_EXPECT_EQ(test, pkt.frag_off, 1480);
	KUNIT_EXPECT_EQ(test, pkt.l4_proto, CROSSLAT_IPPROTO_UDP);
	KUNIT_EXPECT_FALSE(test, pkt.l4_valid);
	KUNIT_EXPECT_EQ(test, pkt.sport, 0);
	KUNIT_EXPECT_EQ(test, pkt.payload_off, 20U);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 8U);
}

/* Every prefix shorter than the headers fails cleanly; longer ones parse, clipped. */
static void crosslat_pkt_parse_truncated(struct kunit *test)
{
	struct crosslat_pkt pkt;
	u32 len;
	int ret;

	for (len = 0; len < 54; len++) {
		ret = parse_copy(test, eth_ipv4_tcp, len, CROSSLAT_PKT_L2, &pkt);
		KUNIT_EXPECT_EQ_MSG(test, ret, -CROSSLAT_PKT_ERR_TRUNCATED, "len %u", len);
	}
	for (len = 54; len < sizeof(eth_ipv4_tcp); len++) {
		ret = parse_copy(test, eth_ipv4_tcp, len, CROSSLAT_PKT_L2, &pkt);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "len %u", len);
		KUNIT_EXPECT_TRUE(test, pkt.truncated);
		KUNIT_EXPECT_EQ(test, pkt.ip_len, len - 14);
		KUNIT_EXPECT_EQ(test, pkt.payload_len, len - 54);
	}
}

static void crosslat_pkt_parse_errors(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 40 + 9 * 8 + 8, GFP_KERNEL);
	struct crosslat_pkt pkt;
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	memcpy(buf, eth_ipv4_tcp, sizeof(eth_ipv4_tcp));
	buf[14] = 0x65;
	KUNIT_EXPECT_EQ(test, crosslat_pkt_parse(buf, sizeof(eth_ipv4_tcp), CROSSLAT_PKT_L2, &pkt),
			-CROSSLAT_PKT_ERR_BAD_VERSION);
	buf[14] = 0x44;
	KUNIT_EXPECT_EQ(test, crosslat_pkt_parse(buf, sizeof(eth_ipv4_tcp), CROSSLAT_PKT_L2, &pkt),
			-CROSSLAT_PKT_ERR_BAD_HDRLEN);
	buf[14] = 0x45;
	buf[17] = 19;	/* total length below the header length */
	KUNIT_EXPECT_EQ(test, crosslat_pkt_parse(buf, sizeof(eth_ipv4_tcp), CROSSLAT_PKT_L2, &pkt),
			-CROSSLAT_PKT_ERR_BAD_LENGTH);
	buf[12] = 0x08;
	buf[13] = 0x06;	/* ARP */
	KUNIT_EXPECT_EQ(test, crosslat_pkt_parse(buf, sizeof(eth_ipv4_tcp), CROSSLAT_PKT_L2, &pkt),
			-CROSSLAT_PKT_ERR_UNSUPPORTED_L3);

	/* IPv6 with nine destination-options headers, then UDP */
	memset(buf, 0, 40 + 9 * 8 + 8);
	buf[0] = 0x60;
	buf[5] = 9 * 8 + 8;
	buf[6] = 60;
	for (i = 0; i < 9; i++)
		buf[40 + i * 8] = i < 8 ? 60 : CROSSLAT_IPPROTO_UDP;
	KUNIT_EXPECT_EQ(test, crosslat_pkt_parse(buf, 40 + 9 * 8 + 8, CROSSLAT_PKT_L3, &pkt),
			-CROSSLAT_PKT_ERR_TOO_MANY_EXT);

	KUNIT_EXPECT_STREQ(test, crosslat_pkt_strerror(0), "ok");
	for (i = 1; i < CROSSLAT_PKT_NR_ERRORS; i++)
		KUNIT_EXPECT_STRNEQ(test, crosslat_pkt_strerror(-i), "unknown error");
	KUNIT_EXPECT_STREQ(test, crosslat_pkt_strerror(-CROSSLAT_PKT_NR_ERRORS), "unknown error");
}

static struct kunit_case crosslat_pkt_parse_cases[] = {
	KUNIT_CASE(crosslat_pkt_parse_ipv4_tcp_basic),
	KUNIT_CASE(crosslat_pkt_parse_ipv6_ext_udp),
	KUNIT_CASE(crosslat_pkt_parse_vlan_padded),
	KUNIT_CASE(crosslat_pkt_parse_nonfirst_fragment),
	KUNIT_CASE(crosslat_pkt_parse_truncated),
	KUNIT_CASE(crosslat_pkt_parse_errors),
	{}
};

static struct kunit_suite crosslat_pkt_parse_suite = {
	.name = "crosslat_pkt_parse",
	.test_cases = crosslat_pkt_parse_cases,
};

kunit_test_suite(crosslat_pkt_parse_suite);
