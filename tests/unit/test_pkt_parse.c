// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for crosslat_pkt_parse(): hand-written cases, a reference model, truncation. */
#include <stdlib.h>

#include "pkt_builder.h"
#include "pkt_invariants.h"
#include "pkt_parse.h"
#include "prng.h"
#include "tap.h"

#define BUF_MAX		(1 << 17)
#define RANDOM_PACKETS	4000
#define TRUNC_PACKETS	1500
#define MUTATED_PACKETS	20000

static uint8_t buf[BUF_MAX];
static struct prng rng;

/* Parse a heap copy of exactly len bytes so that ASan sees any read past the end. */
static int parse_exact(const uint8_t *data, uint32_t len, enum crosslat_pkt_layer start,
		       struct crosslat_pkt *pkt)
{
	uint8_t *copy = malloc(len);
	int ret;

	if (!copy && len)
		abort();
	if (len)
		memcpy(copy, data, len);
	ret = crosslat_pkt_parse(copy, len, start, pkt);
	CHECK(!pkt_invariants_check(ret, pkt, len, start));
	free(copy);
	return ret;
}

static enum crosslat_pkt_layer start_of(const struct pkt_builder *b)
{
	return b->l2 ? CROSSLAT_PKT_L2 : CROSSLAT_PKT_L3;
}

/* Build b into buf and parse all of it. */
static int build_parse(const struct pkt_builder *b, struct pkt_builder_layout *lay,
		       struct crosslat_pkt *pkt)
{
	size_t len = pkt_builder_build(b, buf, sizeof(buf), lay);

	if (!len) {
		tap_diag("pkt_builder_build failed");
		abort();
	}
	return parse_exact(buf, (uint32_t)len, start_of(b), pkt);
}

static void test_ipv4_tcp_basic(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	b.payload_len = 100;
	b.tos = 0xb8;
	b.ttl = 17;
	b.seq = 0xdeadbeef;
	b.ack_seq = 0xfeedface;
	b.window = 4321;
	b.tcp_flags = CROSSLAT_TCP_FLAG_ACK | CROSSLAT_TCP_FLAG_PSH;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.family, 4);
	CHECK_EQ(p.vlan_count, 0);
	CHECK_EQ(p.l3_off, 14);
	CHECK_EQ(p.l4_off, 34);
	CHECK_EQ(p.ip_len, 20 + 20 + 100);
	CHECK_EQ(p.ttl, 17);
	CHECK_EQ(p.tos, 0xb8);
	CHECK_EQ(p.ip_id, 0x1234);
	CHECK(!p.is_fragment);
	CHECK_MEM_EQ(p.saddr, src, 4);
	CHECK_MEM_EQ(p.daddr, dst, 4);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_TCP);
	CHECK(p.l4_valid);
	CHECK_EQ(p.sport, 40000);
	CHECK_EQ(p.dport, 80);
	CHECK_EQ(p.tcp.seq, 0xdeadbeef);
	CHECK_EQ(p.tcp.ack_seq, 0xfeedface);
	CHECK_EQ(p.tcp.window, 4321);
	CHECK_EQ(p.tcp.flags, 0x18);
	CHECK_EQ(p.tcp.doff, 20);
	CHECK_EQ(p.payload_off, 54);
	CHECK_EQ(p.payload_len, 100);
	CHECK(!p.truncated);
}

/* An IPv4 TCP SYN with MSS/SACK/TS/WS options written out by hand, no builder. */
static void test_ipv4_tcp_raw_syn(void)
{
	static const uint8_t pkt[] = {
		0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		0xc0, 0xa8, 0x00, 0x68, 0xc0, 0xa8, 0x00, 0x01,
		0xa4, 0x1a, 0x01, 0xbb, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
		0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x03,
		0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
	};
	struct crosslat_pkt p;

	CHECK_INT_EQ(parse_exact(pkt, sizeof(pkt), CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.family, 4);
	CHECK_EQ(p.ip_len, 60);
	CHECK_EQ(p.ip_id, 0x1c46);
	CHECK_EQ(p.ttl, 64);
	CHECK_EQ(p.saddr[0], 192);
	CHECK_EQ(p.saddr[3], 0x68);
	CHECK_EQ(p.daddr[3], 1);
	CHECK_EQ(p.sport, 42010);
	CHECK_EQ(p.dport, 443);
	CHECK_EQ(p.tcp.seq, 100);
	CHECK_EQ(p.tcp.ack_seq, 0);
	CHECK_EQ(p.tcp.flags, CROSSLAT_TCP_FLAG_SYN);
	CHECK_EQ(p.tcp.window, 64240);
	CHECK_EQ(p.tcp.doff, 40);
	CHECK_EQ(p.payload_off, 60);
	CHECK_EQ(p.payload_len, 0);
}

/* IPv6 + hop-by-hop (8 bytes) + UDP "hi", written out by hand. */
static void test_ipv6_hbh_udp_raw(void)
{
	static const uint8_t pkt[] = {
		0x60, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00, 0x40,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
		0x11, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
		0x30, 0x39, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 'h', 'i',
	};
	struct crosslat_pkt p;

	CHECK_INT_EQ(parse_exact(pkt, sizeof(pkt), CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.family, 6);
	CHECK_EQ(p.ip_len, 58);
	CHECK_EQ(p.ttl, 64);
	CHECK_EQ(p.saddr[0], 0x20);
	CHECK_EQ(p.daddr[15], 2);
	CHECK_EQ(p.l4_off, 48);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_UDP);
	CHECK(p.l4_valid);
	CHECK_EQ(p.sport, 12345);
	CHECK_EQ(p.dport, 53);
	CHECK_EQ(p.payload_off, 56);
	CHECK_EQ(p.payload_len, 2);
}

static void test_ipv4_udp_basic(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 17);
	b.sport = 5353;
	b.dport = 53;
	b.payload_len = 33;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.l3_off, 0);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_UDP);
	CHECK(p.l4_valid);
	CHECK_EQ(p.sport, 5353);
	CHECK_EQ(p.dport, 53);
	CHECK_EQ(p.payload_off, 28);
	CHECK_EQ(p.payload_len, 33);
	CHECK_EQ(p.ip_len, 61);
	CHECK_EQ(p.tcp.doff, 0);
}

static void test_ipv4_options_skipped(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 6);
	b.ihl = 15;
	b.doff = 15;
	b.payload_len = 7;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.l4_off, 60);
	CHECK_EQ(p.tcp.doff, 60);
	CHECK_EQ(p.payload_off, 120);
	CHECK_EQ(p.payload_len, 7);
}

static void test_ipv4_icmp_l3_only(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, CROSSLAT_IPPROTO_ICMP);
	b.payload_len = 64;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_ICMP);
	CHECK(!p.l4_valid);
	CHECK_EQ(p.sport, 0);
	CHECK_EQ(p.l4_off, 20);
	CHECK_EQ(p.payload_off, 20);
	CHECK_EQ(p.payload_len, 64);
}

static void test_ipv4_first_fragment(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 6);
	b.dont_frag = false;
	b.more_frags = true;
	b.payload_len = 40;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK(p.is_fragment);
	CHECK_EQ(p.frag_off, 0);
	CHECK(p.l4_valid);
	CHECK_EQ(p.dport, 80);
	CHECK_EQ(p.payload_len, 40);
}

static void test_ipv4_nonfirst_fragment(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 6);
	b.dont_frag = false;
	b.frag_off = 1480;
	b.payload_len = 12;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK(p.is_fragment);
	CHECK_EQ(p.frag_off, 1480);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_TCP);
	CHECK(!p.l4_valid);
	CHECK_EQ(p.sport, 0);
	CHECK_EQ(p.payload_off, 20);
	CHECK_EQ(p.payload_len, 20 + 12);

	/* the largest offset, with an empty fragment */
	b.frag_off = 0xfff8;
	b.proto = 17;
	b.payload_len = 0;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.frag_off, 0xfff8);
	CHECK(!p.l4_valid);
}

static void test_ipv4_bad_version(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	buf[lay.l3_off] = 0x65;	/* ethertype says IPv4, header says 6 */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L2, &p), -CROSSLAT_PKT_ERR_BAD_VERSION);
}

static void test_l3_bad_version(void)
{
	static const unsigned int versions[] = { 0, 1, 5, 7, 15 };
	struct crosslat_pkt p;
	uint8_t pkt[60];
	size_t i;

	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		pkt[0] = (uint8_t)(versions[i] << 4 | 5);
		CHECK_INT_EQ(parse_exact(pkt, sizeof(pkt), CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_BAD_VERSION);
		/* even one byte is enough to see the version */
		CHECK_INT_EQ(parse_exact(pkt, 1, CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_BAD_VERSION);
	}
}

static void test_ipv6_ethertype_v4_header(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	b.ethertype = 0x86dd;
	b.payload_len = 40;	/* long enough for a fixed IPv6 header */
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L2, &p), -CROSSLAT_PKT_ERR_BAD_VERSION);
}

static void test_ipv4_bad_ihl(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;
	uint8_t ihl;

	pkt_builder_init(&b, 4, 6);
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	for (ihl = 0; ihl < 5; ihl++) {
		buf[0] = 0x40 | ihl;
		CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_BAD_HDRLEN);
	}
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void test_ipv4_bad_total_length(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 4, 6);
	b.ihl = 6;
	b.payload_len = 10;
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);

	set16(buf + 2, 23);	/* below ihl * 4 */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + 2, 0);	/* also what a BIG TCP super-packet carries */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + 2, 24 + 19);	/* leaves no room for the TCP header */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + 2, 24 + 20);	/* TCP header but no payload: fine */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.payload_len, 0);
	CHECK_EQ(p.ip_len, 44);
	CHECK(!p.truncated);
	set16(buf + 2, 24);	/* header only: L4 header lies outside the datagram */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
}

static void test_ipv4_ethernet_padding(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	b.tcp_flags = CROSSLAT_TCP_FLAG_ACK;
	b.pad_len = 6;	/* 54-byte frame padded to the 60-byte minimum */
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(lay.len, 60);
	CHECK_EQ(p.ip_len, 40);
	CHECK_EQ(p.payload_len, 0);
	CHECK(!p.truncated);
}

static void test_ipv4_truncated_payload(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	b.payload_len = 1400;
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	CHECK_EQ(len, 1454);
	/* a 128-byte snapshot */
	CHECK_INT_EQ(parse_exact(buf, 128, CROSSLAT_PKT_L2, &p), 0);
	CHECK(p.truncated);
	CHECK_EQ(p.ip_len, 128 - 14);
	CHECK_EQ(p.payload_off, 54);
	CHECK_EQ(p.payload_len, 128 - 54);
	CHECK(p.l4_valid);
	/* exactly the headers */
	CHECK_INT_EQ(parse_exact(buf, 54, CROSSLAT_PKT_L2, &p), 0);
	CHECK(p.truncated);
	CHECK_EQ(p.payload_len, 0);
	/* one byte short of the TCP header */
	CHECK_INT_EQ(parse_exact(buf, 53, CROSSLAT_PKT_L2, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
	/* inside the IP header */
	CHECK_INT_EQ(parse_exact(buf, 20, CROSSLAT_PKT_L2, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
}

static void test_tcp_bad_doff(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;
	uint8_t doff;

	pkt_builder_init(&b, 6, 6);
	b.payload_len = 100;
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	for (doff = 0; doff < 5; doff++) {
		buf[lay.l4_off + 12] = (uint8_t)(doff << 4);
		CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_BAD_HDRLEN);
	}
	/* options running past the datagram, and past the buffer */
	buf[lay.l4_off + 12] = 15 << 4;
	set16(buf + 4, 59);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + 4, 20 + 100);
	CHECK_INT_EQ(parse_exact(buf, lay.l4_off + 59, CROSSLAT_PKT_L3, &p),
		     -CROSSLAT_PKT_ERR_TRUNCATED);
	CHECK_INT_EQ(parse_exact(buf, lay.l4_off + 60, CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.tcp.doff, 60);
}

static void test_tcp_flags(void)
{
	static const uint8_t flags[] = {
		CROSSLAT_TCP_FLAG_FIN, CROSSLAT_TCP_FLAG_SYN, CROSSLAT_TCP_FLAG_RST,
		CROSSLAT_TCP_FLAG_PSH, CROSSLAT_TCP_FLAG_ACK, CROSSLAT_TCP_FLAG_URG,
		CROSSLAT_TCP_FLAG_ECE, CROSSLAT_TCP_FLAG_CWR,
	};
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	uint8_t all = 0;
	size_t i;

	pkt_builder_init(&b, 4, 6);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		CHECK_EQ(flags[i], 1u << i);
		b.tcp_flags = flags[i];
		CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
		CHECK_EQ(p.tcp.flags, flags[i]);
		all |= flags[i];
	}
	b.tcp_flags = all;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.tcp.flags, 0xff);
}

static void test_udp_length(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 4, 17);
	b.payload_len = 20;
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	set16(buf + lay.l4_off + 4, 7);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + lay.l4_off + 4, 0);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + lay.l4_off + 4, 8 + 21);	/* one past the IP datagram */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	set16(buf + lay.l4_off + 4, 8 + 5);	/* shorter than the datagram: IP padding */
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.payload_len, 5);
	CHECK_EQ(p.ip_len, 48);
	set16(buf + lay.l4_off + 4, 8);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), 0);
	CHECK_EQ(p.payload_len, 0);
	/* a UDP header cut short by the IP length */
	set16(buf + 2, 20 + 7);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	CHECK_INT_EQ(parse_exact(buf, 27, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
}

static void test_ipv6_tcp_basic(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 6, 6);
	b.l2 = true;
	b.tos = 0xa5;
	b.ttl = 3;
	b.flow_label = 0xfffff;
	b.payload_len = 10;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.family, 6);
	CHECK_EQ(p.l3_off, 14);
	CHECK_EQ(p.l4_off, 54);
	CHECK_EQ(p.ip_len, 70);
	CHECK_EQ(p.tos, 0xa5);
	CHECK_EQ(p.ttl, 3);
	CHECK_EQ(p.ip_id, 0);
	CHECK_MEM_EQ(p.saddr, b.saddr, 16);
	CHECK_MEM_EQ(p.daddr, b.daddr, 16);
	CHECK(p.l4_valid);
	CHECK_EQ(p.tcp.seq, 1000);
	CHECK_EQ(p.payload_off, 74);
	CHECK_EQ(p.payload_len, 10);
}

static void test_ipv6_ext_chain(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 6, 17);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_HOP, 8);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_DEST, 24);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_ROUTING, 40);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_AH, 12);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_DEST, 2048);
	b.payload_len = 3;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.l4_off, 40 + 8 + 24 + 40 + 12 + 2048);
	CHECK_EQ(p.l4_proto, CROSSLAT_IPPROTO_UDP);
	CHECK(p.l4_valid);
	CHECK_EQ(p.payload_len, 3);
	CHECK(!p.is_fragment);
}

static void test_ipv6_fragments(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 6, 6);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_FRAG, 8);
	b.ext[0].more_frags = true;
	b.ext[0].frag_id = 0xcafe0001;
	b.payload_len = 16;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK(p.is_fragment);
	CHECK_EQ(p.frag_off, 0);
	CHECK_EQ(p.ip_id, 0xcafe0001);
	CHECK(p.l4_valid);
	CHECK_EQ(p.l4_off, 48);
	CHECK_EQ(p.dport, 80);

	/* non-first: stops at the fragment header, later headers are opaque data */
	b.ext[0].frag_off = 2048;
	b.ext[0].more_frags = false;
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_DEST, 16);
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK(p.is_fragment);
	CHECK_EQ(p.frag_off, 2048);
	CHECK(!p.l4_valid);
	CHECK_EQ(p.l4_proto, PKT_BUILDER_EXT_DEST);
	CHECK_EQ(p.l4_off, 48);
	CHECK_EQ(p.payload_off, 48);
	CHECK_EQ(p.payload_len, 16 + 20 + 16);
}

static void test_ipv6_ext_limit(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	int i;

	pkt_builder_init(&b, 6, 6);
	for (i = 0; i < CROSSLAT_PKT_MAX_EXT; i++)
		pkt_builder_add_ext(&b, PKT_BUILDER_EXT_DEST, 8);
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK(p.l4_valid);
	CHECK_EQ(p.l4_off, 40 + 8 * CROSSLAT_PKT_MAX_EXT);

	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_HOP, 8);
	CHECK_INT_EQ(build_parse(&b, &lay, &p), -CROSSLAT_PKT_ERR_TOO_MANY_EXT);
}

static void test_ipv6_l3_only(void)
{
	static const uint8_t protos[] = { 50, 59, CROSSLAT_IPPROTO_ICMPV6, 132 };
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		pkt_builder_init(&b, 6, protos[i]);
		pkt_builder_add_ext(&b, PKT_BUILDER_EXT_HOP, 8);
		b.payload_len = 9;
		CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
		CHECK_EQ(p.l4_proto, protos[i]);
		CHECK(!p.l4_valid);
		CHECK_EQ(p.l4_off, 48);
		CHECK_EQ(p.payload_len, 9);
	}
	/* no next header and an empty payload */
	pkt_builder_init(&b, 6, 59);
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.ip_len, 40);
	CHECK_EQ(p.payload_len, 0);
}

static void test_ipv6_ext_bad_length(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t len;

	pkt_builder_init(&b, 6, 17);
	pkt_builder_add_ext(&b, PKT_BUILDER_EXT_ROUTING, 64);
	len = pkt_builder_build(&b, buf, sizeof(buf), &lay);
	/* payload length covers only part of the routing header */
	set16(buf + 4, 32);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	/* payload length 0: not even the minimal 8 bytes */
	set16(buf + 4, 0);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_BAD_LENGTH);
	/* correct length, buffer ends inside the routing header */
	set16(buf + 4, 64 + 8);
	CHECK_INT_EQ(parse_exact(buf, 40 + 63, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
	CHECK_INT_EQ(parse_exact(buf, 40 + 7, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
	CHECK_INT_EQ(parse_exact(buf, len, CROSSLAT_PKT_L3, &p), 0);
}

static void test_vlan(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;

	pkt_builder_init(&b, 4, 17);
	b.l2 = true;
	b.nvlan = 1;
	b.vlan_tpid[0] = 0x8100;
	b.vlan_tci[0] = 0xe123;	/* PCP 7, VID 0x123 */
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.vlan_count, 1);
	CHECK_EQ(p.vlan_id, 0x123);
	CHECK_EQ(p.l3_off, 18);
	CHECK_EQ(p.l4_off, 38);
	CHECK(p.l4_valid);

	b.nvlan = 2;	/* QinQ: 802.1ad outside, 802.1Q inside */
	b.vlan_tpid[0] = 0x88a8;
	b.vlan_tci[0] = 0x0fff;
	b.vlan_tpid[1] = 0x8100;
	b.vlan_tci[1] = 0x0005;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), 0);
	CHECK_EQ(p.vlan_count, 2);
	CHECK_EQ(p.vlan_id, 0xfff);
	CHECK_EQ(p.l3_off, 22);

	b.nvlan = 3;
	b.vlan_tpid[2] = 0x8100;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), -CROSSLAT_PKT_ERR_TOO_MANY_VLAN);

	/* a tag cut in half */
	b.nvlan = 2;
	pkt_builder_build(&b, buf, sizeof(buf), &lay);
	CHECK_INT_EQ(parse_exact(buf, 20, CROSSLAT_PKT_L2, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
}

static void test_unsupported_ethertype(void)
{
	static const uint16_t types[] = { 0x0806, 0x8847, 0x0042, 0x9100, 0xffff };
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	size_t i;

	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		b.ethertype = types[i];
		CHECK_INT_EQ(build_parse(&b, &lay, &p), -CROSSLAT_PKT_ERR_UNSUPPORTED_L3);
	}
	/* behind a VLAN tag too */
	b.nvlan = 1;
	b.vlan_tpid[0] = 0x8100;
	CHECK_INT_EQ(build_parse(&b, &lay, &p), -CROSSLAT_PKT_ERR_UNSUPPORTED_L3);
}

static void test_short_buffers(void)
{
	struct crosslat_pkt p;
	uint8_t zero[14];
	uint32_t i;

	memset(zero, 0, sizeof(zero));
	for (i = 0; i < 14; i++)
		CHECK_INT_EQ(parse_exact(zero, i, CROSSLAT_PKT_L2, &p),
			     -CROSSLAT_PKT_ERR_TRUNCATED);
	CHECK_INT_EQ(parse_exact(zero, 0, CROSSLAT_PKT_L3, &p), -CROSSLAT_PKT_ERR_TRUNCATED);
	zero[0] = 0x45;
	for (i = 1; i < 14; i++)
		CHECK_INT_EQ(parse_exact(zero, i, CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_TRUNCATED);
	zero[0] = 0x60;
	for (i = 1; i < 14; i++)
		CHECK_INT_EQ(parse_exact(zero, i, CROSSLAT_PKT_L3, &p),
			     -CROSSLAT_PKT_ERR_TRUNCATED);
}

static void test_bad_start(void)
{
	struct crosslat_pkt p;
	uint8_t pkt[64];

	memset(pkt, 0, sizeof(pkt));
	CHECK_INT_EQ(crosslat_pkt_parse(pkt, sizeof(pkt), (enum crosslat_pkt_layer)7, &p),
		     -CROSSLAT_PKT_ERR_BAD_START);
}

static void test_strerror(void)
{
	int i, j;

	CHECK(!strcmp(crosslat_pkt_strerror(0), "ok"));
	for (i = 1; i < CROSSLAT_PKT_NR_ERRORS; i++) {
		const char *s = crosslat_pkt_strerror(-i);

		CHECK(s && *s);
		CHECK(strcmp(s, "unknown error") != 0);
		CHECK(s == crosslat_pkt_strerror(i));
		for (j = 0; j < i; j++)
			CHECK(strcmp(s, crosslat_pkt_strerror(-j)) != 0);
	}
	CHECK(!strcmp(crosslat_pkt_strerror(-CROSSLAT_PKT_NR_ERRORS), "unknown error"));
	CHECK(!strcmp(crosslat_pkt_strerror(1000), "unknown error"));
	CHECK(!strcmp(crosslat_pkt_strerror(-2147483647 - 1), "unknown error"));
}

static bool is_ipv6_ext(uint8_t t)
{
	return t == 0 || t == 43 || t == 44 || t == 51 || t == 60;
}

static void random_packet(struct pkt_builder *b)
{
	static const uint16_t tpids[] = { 0x8100, 0x88a8 };
	static const uint8_t ext_types[] = { 0, 43, 44, 51, 60 };
	uint8_t family = prng_one_in(&rng, 2) ? 4 : 6;
	uint64_t pick = prng_below(&rng, 10);
	uint8_t proto;
	unsigned int i, n;

	if (pick < 4)
		proto = 6;
	else if (pick < 7)
		proto = 17;
	else if (pick < 8)
		proto = family == 4 ? 1 : 58;
	else
		do {
			proto = (uint8_t)prng_next(&rng);
		} while (family == 6 && is_ipv6_ext(proto));

	pkt_builder_init(b, family, proto);
	b->l2 = prng_one_in(&rng, 2);
	if (b->l2) {
		b->nvlan = (unsigned int)prng_below(&rng, 3);
		if (prng_one_in(&rng, 20))
			b->nvlan = 3;
		for (i = 0; i < b->nvlan; i++) {
			b->vlan_tpid[i] = tpids[prng_below(&rng, 2)];
			b->vlan_tci[i] = (uint16_t)prng_next(&rng);
		}
	}
	for (i = 0; i < (family == 4 ? 4u : 16u); i++) {
		b->saddr[i] = (uint8_t)prng_next(&rng);
		b->daddr[i] = (uint8_t)prng_next(&rng);
	}
	b->ttl = (uint8_t)prng_next(&rng);
	b->tos = (uint8_t)prng_next(&rng);
	if (family == 4) {
		b->ihl = prng_one_in(&rng, 2) ? 5 : (uint8_t)prng_range(&rng, 5, 15);
		b->ip_id = (uint16_t)prng_next(&rng);
		b->dont_frag = prng_one_in(&rng, 2);
		if (prng_one_in(&rng, 6)) {
			b->more_frags = prng_one_in(&rng, 2);
			b->frag_off = (uint16_t)(prng_range(&rng, 0, 8191) * 8);
		}
	} else {
		b->flow_label = (uint32_t)prng_next(&rng);
		n = (unsigned int)prng_below(&rng, 4);
		if (prng_one_in(&rng, 12))
			n = (unsigned int)prng_range(&rng, 7, 10);
		for (i = 0; i < n; i++) {
			uint8_t t = ext_types[prng_below(&rng, ARRAY_SIZE(ext_types))];
			uint16_t len = t == 51 ? (uint16_t)(4 * prng_range(&rng, 2, 20)) :
						 (uint16_t)(8 * prng_range(&rng, 1, 8));

			pkt_builder_add_ext(b, t, len);
			if (t == 44 && prng_one_in(&rng, 2)) {
				b->ext[i].frag_off = (uint16_t)(prng_range(&rng, 0, 8191) * 8);
				b->ext[i].more_frags = prng_one_in(&rng, 2);
				b->ext[i].frag_id = (uint32_t)prng_next(&rng);
			}
		}
	}
	b->sport = (uint16_t)prng_next(&rng);
	b->dport = (uint16_t)prng_next(&rng);
	b->seq = (uint32_t)prng_next(&rng);
	b->ack_seq = (uint32_t)prng_next(&rng);
	b->tcp_flags = (uint8_t)prng_next(&rng);
	b->window = (uint16_t)prng_next(&rng);
	b->doff = prng_one_in(&rng, 2) ? 5 : (uint8_t)prng_range(&rng, 5, 15);
	b->payload_len = prng_one_in(&rng, 5) ? 0 : (uint32_t)prng_range(&rng, 1, 300);
	if (prng_one_in(&rng, 4))
		b->pad_len = (uint32_t)prng_range(&rng, 1, 30);
}

/*
 * The reference model: what the parser must report for the packet b describes when only
 * its first cut bytes are present. Independent of the parser's code: it works from the
 * builder's description and layout.
 */
static int model(const struct pkt_builder *b, const struct pkt_builder_layout *lay,
		 uint32_t cut, struct crosslat_pkt *e)
{
	uint32_t need, end;
	bool l4;
	unsigned int i;
	int ret = 0;

	memset(e, 0, sizeof(*e));
	if (b->l2 && b->nvlan > CROSSLAT_PKT_MAX_VLAN) {
		need = 14 + 4 * CROSSLAT_PKT_MAX_VLAN;
		ret = -CROSSLAT_PKT_ERR_TOO_MANY_VLAN;
		goto out;
	}
	e->vlan_count = (uint8_t)b->nvlan;
	e->vlan_id = b->nvlan ? b->vlan_tci[0] & 0xfff : 0;
	e->family = b->family;
	e->l3_off = lay->l3_off;
	e->ttl = b->ttl;
	e->tos = b->tos;
	memcpy(e->saddr, b->saddr, b->family == 4 ? 4 : 16);
	memcpy(e->daddr, b->daddr, b->family == 4 ? 4 : 16);
	e->l4_off = lay->l4_off;
	e->l4_proto = b->proto;
	if (b->family == 4) {
		e->ip_id = b->ip_id;
		e->frag_off = b->frag_off;
		e->is_fragment = b->more_frags || b->frag_off;
	}
	for (i = 0; b->family == 6 && i < b->next; i++) {
		const struct pkt_builder_ext *x = &b->ext[i];

		if (i == CROSSLAT_PKT_MAX_EXT) {
			need = lay->ext_off[i];
			ret = -CROSSLAT_PKT_ERR_TOO_MANY_EXT;
			goto out;
		}
		if (x->type != 44)
			continue;
		e->frag_off = x->frag_off;
		e->is_fragment = x->more_frags || x->frag_off;
		e->ip_id = x->frag_id;
		if (x->frag_off) {
			e->l4_off = lay->ext_off[i] + 8;
			e->l4_proto = i + 1 < b->next ? b->ext[i + 1].type : b->proto;
			break;
		}
	}

	l4 = !e->frag_off && (e->l4_proto == 6 || e->l4_proto == 17);
	end = lay->ip_end < cut ? lay->ip_end : cut;
	e->truncated = lay->ip_end > cut;
	e->ip_len = end - lay->l3_off;
	if (l4) {
		e->l4_valid = true;
		e->sport = b->sport;
		e->dport = b->dport;
		if (b->proto == 6) {
			e->tcp.seq = b->seq;
			e->tcp.ack_seq = b->ack_seq;
			e->tcp.flags = b->tcp_flags;
			e->tcp.window = b->window;
			e->tcp.doff = (uint8_t)(b->doff * 4);
		}
		e->payload_off = lay->payload_off;
	} else {
		e->payload_off = e->l4_off;
	}
	need = e->payload_off;
	if (cut >= need)
		e->payload_len = end - e->payload_off;
out:
	return cut < need ? -CROSSLAT_PKT_ERR_TRUNCATED : ret;
}

static void check_pkt(const struct crosslat_pkt *e, const struct crosslat_pkt *p)
{
	CHECK_EQ(p->family, e->family);
	CHECK_EQ(p->vlan_count, e->vlan_count);
	CHECK_EQ(p->vlan_id, e->vlan_id);
	CHECK_EQ(p->l3_off, e->l3_off);
	CHECK_EQ(p->ip_len, e->ip_len);
	CHECK_EQ(p->ttl, e->ttl);
	CHECK_EQ(p->tos, e->tos);
	CHECK_EQ(p->ip_id, e->ip_id);
	CHECK_EQ(p->is_fragment, e->is_fragment);
	CHECK_EQ(p->frag_off, e->frag_off);
	CHECK_MEM_EQ(p->saddr, e->saddr, 16);
	CHECK_MEM_EQ(p->daddr, e->daddr, 16);
	CHECK_EQ(p->l4_off, e->l4_off);
	CHECK_EQ(p->l4_proto, e->l4_proto);
	CHECK_EQ(p->l4_valid, e->l4_valid);
	CHECK_EQ(p->sport, e->sport);
	CHECK_EQ(p->dport, e->dport);
	CHECK_EQ(p->tcp.seq, e->tcp.seq);
	CHECK_EQ(p->tcp.ack_seq, e->tcp.ack_seq);
	CHECK_EQ(p->tcp.window, e->tcp.window);
	CHECK_EQ(p->tcp.flags, e->tcp.flags);
	CHECK_EQ(p->tcp.doff, e->tcp.doff);
	CHECK_EQ(p->payload_off, e->payload_off);
	CHECK_EQ(p->payload_len, e->payload_len);
	CHECK_EQ(p->truncated, e->truncated);
}

static void describe(const struct pkt_builder *b, uint32_t len, uint32_t cut)
{
	tap_diag("packet: l2 %d nvlan %u family %u proto %u ihl %u next %u doff %u",
		 b->l2, b->nvlan, b->family, b->proto, b->ihl, b->next, b->doff);
	tap_diag("        payload %u pad %u len %u cut %u", b->payload_len, b->pad_len, len, cut);
}

/* Parse the first cut bytes of the packet b describes and compare with the model. */
static void check_against_model(const struct pkt_builder *b,
				const struct pkt_builder_layout *lay, uint32_t cut)
{
	struct crosslat_pkt e, p;
	int fails = tap.fails;
	int want, got;

	want = model(b, lay, cut, &e);
	got = parse_exact(buf, cut, start_of(b), &p);
	CHECK_INT_EQ(got, want);
	if (!got && !want)
		check_pkt(&e, &p);
	if (tap.fails != fails && fails < TAP_MAX_DIAG)
		describe(b, lay->len, cut);
}

static void test_random_model(void)
{
	struct pkt_builder_layout lay;
	struct pkt_builder b;
	int i;

	for (i = 0; i < RANDOM_PACKETS; i++) {
		random_packet(&b);
		if (!pkt_builder_build(&b, buf, sizeof(buf), &lay)) {
			tap_fail_at(__FILE__, __LINE__, "builder rejected random packet %d", i);
			continue;
		}
		check_against_model(&b, &lay, lay.len);
	}
}

/* Every prefix of a well-formed packet fails with TRUNCATED or parses with clipped lengths. */
static void test_random_truncation(void)
{
	struct pkt_builder_layout lay;
	struct pkt_builder b;
	uint32_t cut;
	int i;

	for (i = 0; i < TRUNC_PACKETS; i++) {
		random_packet(&b);
		if (!pkt_builder_build(&b, buf, sizeof(buf), &lay))
			continue;
		for (cut = 0; cut < lay.len; cut++)
			check_against_model(&b, &lay, cut);
	}
}

/* Random byte damage to well-formed packets: no over-read, every invariant holds. */
static void test_random_mutation(void)
{
	struct pkt_builder_layout lay;
	struct crosslat_pkt p;
	struct pkt_builder b;
	uint32_t len, n, k;
	int i;

	for (i = 0; i < MUTATED_PACKETS; i++) {
		random_packet(&b);
		len = (uint32_t)pkt_builder_build(&b, buf, sizeof(buf), &lay);
		if (!len)
			continue;
		n = (uint32_t)prng_range(&rng, 1, 4);
		for (k = 0; k < n; k++) {
			/* bias the damage towards the headers */
			uint32_t at = (uint32_t)prng_below(&rng, len < 128 ? len : 128);

			if (prng_one_in(&rng, 2))
				buf[at] = (uint8_t)prng_next(&rng);
			else
				buf[at] ^= (uint8_t)(1u << prng_below(&rng, 8));
		}
		if (prng_one_in(&rng, 3))
			len = (uint32_t)prng_below(&rng, len + 1);
		parse_exact(buf, len, (enum crosslat_pkt_layer)prng_below(&rng, 2), &p);
	}
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_ipv4_tcp_basic);
	TAP_RUN(test_ipv4_tcp_raw_syn);
	TAP_RUN(test_ipv6_hbh_udp_raw);
	TAP_RUN(test_ipv4_udp_basic);
	TAP_RUN(test_ipv4_options_skipped);
	TAP_RUN(test_ipv4_icmp_l3_only);
	TAP_RUN(test_ipv4_first_fragment);
	TAP_RUN(test_ipv4_nonfirst_fragment);
	TAP_RUN(test_ipv4_bad_version);
	TAP_RUN(test_l3_bad_version);
	TAP_RUN(test_ipv6_ethertype_v4_header);
	TAP_RUN(test_ipv4_bad_ihl);
	TAP_RUN(test_ipv4_bad_total_length);
	TAP_RUN(test_ipv4_ethernet_padding);
	TAP_RUN(test_ipv4_truncated_payload);
	TAP_RUN(test_tcp_bad_doff);
	TAP_RUN(test_tcp_flags);
	TAP_RUN(test_udp_length);
	TAP_RUN(test_ipv6_tcp_basic);
	TAP_RUN(test_ipv6_ext_chain);
	TAP_RUN(test_ipv6_fragments);
	TAP_RUN(test_ipv6_ext_limit);
	TAP_RUN(test_ipv6_l3_only);
	TAP_RUN(test_ipv6_ext_bad_length);
	TAP_RUN(test_vlan);
	TAP_RUN(test_unsupported_ethertype);
	TAP_RUN(test_short_buffers);
	TAP_RUN(test_bad_start);
	TAP_RUN(test_strerror);
	TAP_RUN(test_random_model);
	TAP_RUN(test_random_truncation);
	TAP_RUN(test_random_mutation);
	return tap_done();
}
