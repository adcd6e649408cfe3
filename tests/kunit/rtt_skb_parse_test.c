// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite crosslat_rtt_skb_parse: crosslat_rtt's skb header reader (kmod/rtt/skb_parse.c)
 * against the portable parser run on the same packet's bytes, over linear and paged skbs
 * split at every offset, GSO skbs and malformed headers. The file is compiled in here, so
 * the test needs nothing exported from crosslat_rtt.ko.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include "rtt/skb_parse.c"

#define TEST_PAYLOAD	300
#define TEST_MAX	(60 + 40 + 60 + TEST_PAYLOAD)

struct test_pkt {
	u8 family;		/* 4 or 6 */
	u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	u8 ip_opt_len;		/* IPv4 options, a multiple of 4 */
	bool hbh;		/* IPv6: an 8-byte hop-by-hop header before L4 */
	u8 tcp_opt_len;		/* a multiple of 4 */
	u8 doff_override;	/* 0: the real header length */
	u16 frag;		/* IPv4 flags and fragment offset field */
	s16 len_adjust;		/* added to the IP length field */
	u16 payload;
};

/* Writes the packet into buf; returns its length. Fields are distinct, to catch mix-ups. */
static unsigned int build(const struct test_pkt *t, u8 *buf)
{
	unsigned int l3, off, l4len, i, len;
	u8 *th;

	memset(buf, 0, TEST_MAX);
	l4len = (t->proto == IPPROTO_TCP ? 20 + t->tcp_opt_len : 8) + t->payload;
	if (t->family == 4) {
		l3 = 20 + t->ip_opt_len;
		len = l3 + l4len;
		buf[0] = 0x40 | l3 / 4;
		buf[1] = 0x2e;
		put_unaligned_be16(len + t->len_adjust, buf + 2);
		put_unaligned_be16(0x4242, buf + 4);
		put_unaligned_be16(t->frag, buf + 6);
		buf[8] = 61;
		buf[9] = t->proto;
		memcpy(buf + 12, "\x0a\x01\x02\x03\x0a\x04\x05\x06", 8);
		for (i = 20; i < l3; i++)
			buf[i] = 1;	/* NOP options */
	} else {
		l3 = 40 + (t->hbh ? 8 : 0);
		len = l3 + l4len;
		buf[0] = 0x60;
		put_unaligned_be16(len - 40 + t->len_adjust, buf + 4);
		buf[6] = t->hbh ? 0 : t->proto;
		buf[7] = 62;
		memcpy(buf + 8, "\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
		memcpy(buf + 24, "\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02", 16);
		if (t->hbh)
			buf[40] = t->proto;	/* the rest: length 0 (8 bytes), Pad1 options */
	}
	off = l3;
	if (t->proto == IPPROTO_TCP) {
		th = buf + off;
		put_unaligned_be16(40001, th);
		put_unaligned_be16(8080, th + 2);
		put_unaligned_be32(0xfffffff0, th + 4);
		put_unaligned_be32(0x12345678, th + 8);
		th[12] = (t->doff_override ? t->doff_override : (20 + t->tcp_opt_len) / 4) << 4;
		th[13] = 0x18;		/* PSH|ACK */
		put_unaligned_be16(5000, th + 14);
		for (i = 20; i < 20u + t->tcp_opt_len; i++)
			th[i] = 1;
		off += 20 + t->tcp_opt_len;
	} else {
		put_unaligned_be16(5353, buf + off);
		put_unaligned_be16(53, buf + off + 2);
		put_unaligned_be16(8 + t->payload, buf + off + 4);
		off += 8;
	}
	for (i = 0; i < t->payload; i++)
		buf[off + i] = (u8)i;
	return len;
}

/*
 * An skb holding the len bytes of buf after a 14-byte MAC header, the first lin of them in
 * the linear area and the rest in a page fragment. Freed by the test's resource manager.
 */
static struct sk_buff *make_skb(struct kunit *test, const u8 *buf, unsigned int len,
				unsigned int lin)
{
	struct sk_buff *skb = alloc_skb(64 + lin, GFP_KERNEL);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_push(skb, ETH_HLEN);
	memset(skb->data, 0xee, ETH_HLEN);
	skb_reset_mac_header(skb);
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	skb_put_data(skb, buf, lin);
	if (lin < len) {
		page = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), buf + lin, len - lin);
		skb_add_rx_frag(skb, 0, page, 0, len - lin, PAGE_SIZE);
	}
	return skb;
}

/* rtt_skb_parse() on skb must give what crosslat_pkt_parse() gives on the flat bytes. */
static void expect_same(struct kunit *test, struct sk_buff *skb, u8 pf, const u8 *buf,
			unsigned int len, const char *what)
{
	struct crosslat_pkt want, got;
	int want_ret, got_ret;

	want_ret = crosslat_pkt_parse(buf, len, CROSSLAT_PKT_L3, &want);
	if (!want_ret && (!want.l4_valid || want.l4_proto != CROSSLAT_IPPROTO_TCP))
		want_ret = RTT_SKB_NOT_TCP;
	memset(&got, 0x5a, sizeof(got));
	got_ret = rtt_skb_parse(skb, pf, &got);
	KUNIT_ASSERT_EQ_MSG(test, got_ret, want_ret, "%s", what);
	if (got_ret)
		return;
	KUNIT_EXPECT_EQ_MSG(test, got.family, want.family, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(got.saddr, want.saddr, 16), 0, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(got.daddr, want.daddr, 16), 0, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.ip_len, want.ip_len, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.l4_off, want.l4_off, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.l4_proto, want.l4_proto, "%s", what);
	KUNIT_EXPECT_TRUE_MSG(test, got.l4_valid, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.sport, want.sport, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.dport, want.dport, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.tcp.seq, want.tcp.seq, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.tcp.ack_seq, want.tcp.ack_seq, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.tcp.flags, want.tcp.flags, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.tcp.window, want.tcp.window, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.tcp.doff, want.tcp.doff, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.payload_off, want.payload_off, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.payload_len, want.payload_len, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.truncated, want.truncated, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, got.segs, 1, "%s", what);
}

/*
 * Every split of t's bytes between the linear area and a page fragment, from the IP header
 * alone in the linear area (what the stack guarantees) to all of it.
 */
static void check_all_splits(struct kunit *test, const struct test_pkt *t, const char *name)
{
	u8 *buf = kunit_kzalloc(test, TEST_MAX, GFP_KERNEL);
	u8 pf = t->family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	unsigned int len, lin, min_lin;
	char what[64];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = build(t, buf);
	min_lin = t->family == 4 ? 20 : 40;
	for (lin = min_lin; lin <= len; lin++) {
		struct sk_buff *skb = make_skb(test, buf, len, lin);

		snprintf(what, sizeof(what), "%s, %u of %u bytes linear", name, lin, len);
		expect_same(test, skb, pf, buf, len, what);
		kfree_skb(skb);
	}
}

static void crosslat_rtt_skb_parse_ipv4(struct kunit *test)
{
	struct test_pkt t = { .family = 4, .proto = IPPROTO_TCP, .payload = TEST_PAYLOAD };

	check_all_splits(test, &t, "ipv4");
	t.ip_opt_len = 8;
	t.tcp_opt_len = 12;
	check_all_splits(test, &t, "ipv4 options");
	t.payload = 0;
	check_all_splits(test, &t, "ipv4 pure ack");
}

static void crosslat_rtt_skb_parse_ipv6(struct kunit *test)
{
	struct test_pkt t = { .family = 6, .proto = IPPROTO_TCP, .tcp_opt_len = 12,
			      .payload = TEST_PAYLOAD };

	check_all_splits(test, &t, "ipv6");
	t.hbh = true;		/* the portable parser's path */
	check_all_splits(test, &t, "ipv6 hop-by-hop");
}

static void crosslat_rtt_skb_parse_not_tcp(struct kunit *test)
{
	struct test_pkt t = { .family = 4, .proto = IPPROTO_UDP, .payload = 20 };

	check_all_splits(test, &t, "ipv4 udp");
	t.family = 6;
	check_all_splits(test, &t, "ipv6 udp");
	t.hbh = true;
	check_all_splits(test, &t, "ipv6 hop-by-hop udp");
	t = (struct test_pkt){ .family = 4, .proto = IPPROTO_TCP, .frag = 0x00b9, .payload = 20 };
	check_all_splits(test, &t, "ipv4 non-first fragment");
	t.frag = 0x2000;	/* more fragments, offset 0: the TCP header is there */
	check_all_splits(test, &t, "ipv4 first fragment");
}

static void crosslat_rtt_skb_parse_malformed(struct kunit *test)
{
	struct test_pkt t = { .family = 4, .proto = IPPROTO_TCP, .doff_override = 4,
			      .payload = 40 };

	check_all_splits(test, &t, "ipv4 doff 4");
	t.doff_override = 15;	/* 60-byte header in a 60-byte segment: no payload */
	check_all_splits(test, &t, "ipv4 doff 15");
	t.doff_override = 15;
	t.payload = 10;		/* 60-byte header, 30 bytes of segment */
	check_all_splits(test, &t, "ipv4 doff past the end");
	t = (struct test_pkt){ .family = 4, .proto = IPPROTO_TCP, .len_adjust = -30,
			       .payload = 20 };
	check_all_splits(test, &t, "ipv4 length inside the tcp header");
	t.len_adjust = 100;	/* the IP length claims more than the skb holds */
	check_all_splits(test, &t, "ipv4 length past the skb");
	t.len_adjust = -10;	/* trailing bytes past the IP length */
	check_all_splits(test, &t, "ipv4 trailing bytes");
	t = (struct test_pkt){ .family = 6, .proto = IPPROTO_TCP, .len_adjust = -50,
			       .payload = 20 };
	check_all_splits(test, &t, "ipv6 length inside the tcp header");
	t.len_adjust = 7;
	check_all_splits(test, &t, "ipv6 length past the skb");
}

/* A GSO super-packet stands for gso_segs wire segments; its payload is all of it. */
static void crosslat_rtt_skb_parse_gso(struct kunit *test)
{
	struct test_pkt t = { .family = 4, .proto = IPPROTO_TCP, .tcp_opt_len = 12,
			      .payload = TEST_PAYLOAD };
	u8 *buf = kunit_kzalloc(test, TEST_MAX, GFP_KERNEL);
	struct crosslat_pkt pkt;
	struct sk_buff *skb;
	unsigned int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = build(&t, buf);
	skb = make_skb(test, buf, len, 52);
	skb_shinfo(skb)->gso_size = 100;
	skb_shinfo(skb)->gso_segs = 3;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_ASSERT_EQ(test, rtt_skb_parse(skb, NFPROTO_IPV4, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.segs, 3);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, TEST_PAYLOAD);
	kfree_skb(skb);
}

static struct kunit_case crosslat_rtt_skb_parse_cases[] = {
	KUNIT_CASE(crosslat_rtt_skb_parse_ipv4),
	KUNIT_CASE(crosslat_rtt_skb_parse_ipv6),
	KUNIT_CASE(crosslat_rtt_skb_parse_not_tcp),
	KUNIT_CASE(crosslat_rtt_skb_parse_malformed),
	KUNIT_CASE(crosslat_rtt_skb_parse_gso),
	{}
};

static struct kunit_suite crosslat_rtt_skb_parse_suite = {
	.name = "crosslat_rtt_skb_parse",
	.test_cases = crosslat_rtt_skb_parse_cases,
};

kunit_test_suite(crosslat_rtt_skb_parse_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: KUnit tests for crosslat_rtt's skb header reader");
