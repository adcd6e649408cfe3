// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_rtt_track: segment sequences through the RTT tracker, exact samples. */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include "core/pkt_parse.h"
#include "core/rtt_track.h"

#define MS	((u64)NSEC_PER_MSEC)
#define T0	(1000ULL * NSEC_PER_SEC)

#define F_SYN	CROSSLAT_TCP_FLAG_SYN
#define F_ACK	CROSSLAT_TCP_FLAG_ACK
#define F_PA	(CROSSLAT_TCP_FLAG_PSH | CROSSLAT_TCP_FLAG_ACK)

/* IPv4 + TCP PSH|ACK, seq and ack patched by put_seq_ack(), 4 payload bytes */
static const u8 ipv4_tcp[] = {
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};

struct rtt_ctx {
	struct crosslat_rtt_flow flow;
	struct crosslat_rtt_result res;
	struct crosslat_pkt pkt;
};

static struct rtt_ctx *new_ctx(struct kunit *test, u64 now)
{
	struct rtt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	crosslat_rtt_flow_init(&c->flow, now);
	return c;
}

static void make_seg(struct rtt_ctx *c, u8 flags, u32 seq, u32 ack, u32 len)
{
	memset(&c->pkt, 0, sizeof(c->pkt));
	c->pkt.family = 4;
	c->pkt.l4_proto = CROSSLAT_IPPROTO_TCP;
	c->pkt.l4_valid = true;
	c->pkt.tcp.seq = seq;
	c->pkt.tcp.ack_seq = ack;
	c->pkt.tcp.flags = flags;
	c->pkt.tcp.doff = 20;
	c->pkt.payload_off = 40;
	c->pkt.payload_len = len;
}

static u32 seg_out(struct rtt_ctx *c, u8 flags, u32 seq, u32 ack, u32 len, u64 now)
{
	make_seg(c, flags, seq, ack, len);
	return crosslat_rtt_on_egress(&c->flow, &c->pkt, now, &c->res);
}

static u32 seg_in(struct rtt_ctx *c, u8 flags, u32 seq, u32 ack, u32 len, u64 now)
{
	make_seg(c, flags, seq, ack, len);
	return crosslat_rtt_on_ingress(&c->flow, &c->pkt, now, &c->res);
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Parse an exact-size heap copy of ipv4_tcp with the given seq/ack, as the hook will. */
static void parse_seg(struct kunit *test, struct rtt_ctx *c, u32 seq, u32 ack)
{
	u8 *copy = kunit_kmalloc(test, sizeof(ipv4_tcp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, ipv4_tcp, sizeof(ipv4_tcp));
	put_be32(copy + 24, seq);
	put_be32(copy + 28, ack);
	KUNIT_ASSERT_EQ(test, crosslat_pkt_parse(copy, sizeof(ipv4_tcp), CROSSLAT_PKT_L3, &c->pkt),
			0);
	kunit_kfree(test, copy);
}

/* Request out, response in (real bytes through the parser): one 10 ms sample. */
static void crosslat_rtt_track_request_response(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	parse_seg(test, c, 1000, 5000);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_egress(&c->flow, &c->pkt, T0, &c->res), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 1);
	parse_seg(test, c, 5000, 1004);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 10 * MS, &c->res),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, c->res.acked, 4U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.avg_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.bytes_out, 4ULL);
	KUNIT_EXPECT_EQ(test, c->flow.bytes_in, 4ULL);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);
}

/* One ACK for two segments samples the newer one; a TSO range is trimmed, then sampled. */
static void crosslat_rtt_track_delayed_and_partial_ack(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1448, T0);
	seg_out(c, F_PA, 2448, 1, 1448, T0 + 1 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896, 0, T0 + 11 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);

	seg_out(c, F_PA, 3896, 1, 14480, T0 + 20 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896 + 7240, 0, T0 + 25 * MS),
			(u32)CROSSLAT_RTT_EV_ACK);
	KUNIT_EXPECT_EQ(test, c->flow.ring_start, 3896U + 7240);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896 + 14480, 0, T0 + 28 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 8 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 2ULL);
}

/* Karn: no sample from an ACK of retransmitted data; duplicate ACKs counted. */
static void crosslat_rtt_track_retrans_karn(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1000, 0, T0 + 10 * MS),
			(u32)CROSSLAT_RTT_EV_DUP_ACK);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 1000, T0 + 200 * MS),
			(u32)CROSSLAT_RTT_EV_RETRANS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 210 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_KARN_SKIP));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_bytes, 1000ULL);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 0ULL);
}

/* 17 outstanding ranges: the oldest is dropped and counted; ACKs stay consistent. */
static void crosslat_rtt_track_ring_overflow(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 i, ev;

	for (i = 0; i < 17; i++) {
		ev = seg_out(c, F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
		KUNIT_EXPECT_EQ(test, ev, i == 16 ? (u32)CROSSLAT_RTT_EV_RANGE_DROP : 0U);
	}
	KUNIT_EXPECT_EQ(test, c->flow.count, CROSSLAT_RTT_RANGES);
	KUNIT_EXPECT_EQ(test, c->flow.ranges_dropped, 1U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1100, 0, T0 + 50 * MS),
			(u32)CROSSLAT_RTT_EV_ACK);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1200, 0, T0 + 51 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 50 * MS);
	/* ACK beyond snd_max: counted, ignored */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 9999, 0, T0 + 52 * MS),
			(u32)CROSSLAT_RTT_EV_BAD_ACK);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 1200U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 15);
}

/* Handshake RTT across 2^32, then a timestamp from a lagging CPU. */
static void crosslat_rtt_track_wrap_and_skew(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	KUNIT_EXPECT_EQ(test, seg_out(c, F_SYN, 0xffffffffU, 0, 0, T0), 0U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_SYN | F_ACK, 77, 0, 0, T0 + 3 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 3 * MS);
	seg_out(c, F_PA, 0, 78, 1000, T0 + 10 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 78, 1000, 0, T0 + 9 * MS),
			(u32)(CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_CLOCK_SKEW));
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.clock_skew, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 1ULL);
	KUNIT_EXPECT_EQ(test, c->flow.last_seen_ns, T0 + 10 * MS);
}

/* A 3-segment request, 30 ms of think time, a 3-segment response: exactly one sample. */
static void crosslat_rtt_track_app_latency(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 i, ev, apps = 0;

	seg_in(c, F_ACK, 5000, 1000, 1448, T0);
	seg_in(c, F_ACK, 6448, 1000, 1448, T0 + 1 * MS);
	seg_in(c, F_PA, 7896, 1000, 500, T0 + 2 * MS);
	seg_out(c, F_ACK, 1000, 8396, 0, T0 + 2 * MS);
	for (i = 0; i < 3; i++) {
		ev = seg_out(c, F_PA, 1000 + 1448 * i, 8396, 1448, T0 + 32 * MS + i * 100000);
		if (ev & CROSSLAT_RTT_EV_APP_SAMPLE) {
			apps++;
			KUNIT_EXPECT_EQ(test, c->res.app_ns, 30 * MS);
		}
	}
	KUNIT_EXPECT_EQ(test, apps, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.app.count, 1ULL);
	KUNIT_EXPECT_EQ(test, c->flow.app.avg_ns, 30 * MS);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_throughput(c->flow.bytes_out, T0, T0 + NSEC_PER_SEC),
			3ULL * 1448);
}

static struct kunit_case crosslat_rtt_track_cases[] = {
	KUNIT_CASE(crosslat_rtt_track_request_response),
	KUNIT_CASE(crosslat_rtt_track_delayed_and_partial_ack),
	KUNIT_CASE(crosslat_rtt_track_retrans_karn),
	KUNIT_CASE(crosslat_rtt_track_ring_overflow),
	KUNIT_CASE(crosslat_rtt_track_wrap_and_skew),
	KUNIT_CASE(crosslat_rtt_track_app_latency),
	{}
};

static struct kunit_suite crosslat_rtt_track_suite = {
	.name = "crosslat_rtt_track",
	.test_cases = crosslat_rtt_track_cases,
};

kunit_test_suite(crosslat_rtt_track_suite);
