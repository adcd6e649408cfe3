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

#define F_FIN	CROSSLAT_TCP_FLAG_FIN
#define F_SYN	CROSSLAT_TCP_FLAG_SYN
#define F_RST	CROSSLAT_TCP_FLAG_RST
#define F_ACK	CROSSLAT_TCP_FLAG_ACK
#define F_PA	(CROSSLAT_TCP_FLAG_PSH | CROSSLAT_TCP_FLAG_ACK)

/* Event masks as u32, the type crosslat_rtt_on_egress() and _on_ingress() return. */
#define EV_SAMPLE	((u32)CROSSLAT_RTT_EV_SAMPLE)
#define EV_APP		((u32)CROSSLAT_RTT_EV_APP_SAMPLE)
#define EV_RETRANS	((u32)CROSSLAT_RTT_EV_RETRANS)
#define EV_KARN		((u32)CROSSLAT_RTT_EV_KARN_SKIP)
#define EV_DUP		((u32)CROSSLAT_RTT_EV_DUP_ACK)
#define EV_BAD		((u32)CROSSLAT_RTT_EV_BAD_ACK)
#define EV_DROP		((u32)CROSSLAT_RTT_EV_RANGE_DROP)
#define EV_SKEW		((u32)CROSSLAT_RTT_EV_CLOCK_SKEW)
#define EV_ACK		((u32)CROSSLAT_RTT_EV_ACK)
#define EV_KEEPALIVE	((u32)CROSSLAT_RTT_EV_KEEPALIVE)
#define EV_RESYNC	((u32)CROSSLAT_RTT_EV_RESYNC)

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
			EV_ACK | EV_SAMPLE);
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
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896, 0, T0 + 11 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);

	seg_out(c, F_PA, 3896, 1, 14480, T0 + 20 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896 + 7240, 0, T0 + 25 * MS), EV_ACK);
	KUNIT_EXPECT_EQ(test, c->flow.ring_start, 3896U + 7240);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3896 + 14480, 0, T0 + 28 * MS),
			EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 8 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 2ULL);
}

/* Karn: no sample from an ACK of retransmitted data; duplicate ACKs counted. */
static void crosslat_rtt_track_retrans_karn(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1000, 0, T0 + 10 * MS), EV_DUP);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 1000, T0 + 200 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
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
		KUNIT_EXPECT_EQ(test, ev, i == 16 ? EV_DROP : 0U);
	}
	KUNIT_EXPECT_EQ(test, c->flow.count, CROSSLAT_RTT_RANGES);
	KUNIT_EXPECT_EQ(test, c->flow.ranges_dropped, 1U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1100, 0, T0 + 50 * MS), EV_ACK);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1200, 0, T0 + 51 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 50 * MS);
	/* ACK beyond snd_max: counted, ignored */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 9999, 0, T0 + 52 * MS), EV_BAD);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 1200U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 15);
}

/* Handshake RTT across 2^32, then a timestamp from a lagging CPU. */
static void crosslat_rtt_track_wrap_and_skew(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	KUNIT_EXPECT_EQ(test, seg_out(c, F_SYN, 0xffffffffU, 0, 0, T0), 0U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_SYN | F_ACK, 77, 0, 0, T0 + 3 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 3 * MS);
	seg_out(c, F_PA, 0, 78, 1000, T0 + 10 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 78, 1000, 0, T0 + 9 * MS), EV_ACK | EV_SKEW);
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
		if (ev & EV_APP) {
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

/* Duplicate ACKs are counted and never sampled; the ACK that finally advances samples. */
static void crosslat_rtt_track_dup_acks(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 i;

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1000, 0, T0 + (10 + i) * MS), EV_DUP);
		KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
		KUNIT_EXPECT_EQ(test, c->res.acked, 0U);
	}
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 3U);
	/* the same ACK carrying data, or a FIN, is not a duplicate */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_PA, 1, 1000, 10, T0 + 14 * MS), 0U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK | F_FIN, 11, 1000, 0, T0 + 15 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 3U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 3);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 1000U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 12, 4000, 0, T0 + 20 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 18 * MS);
	KUNIT_EXPECT_EQ(test, c->res.acked, 3000U);
	/* nothing outstanding: an ACK equal to snd_una is not a duplicate */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 12, 4000, 0, T0 + 21 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 3U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 1ULL);
}

/*
 * An IPv4 ACK from the peer with one SACK block [left, right) (options NOP, NOP, SACK),
 * through the parser: the tracker sees what the hook will see.
 */
static void parse_sack_ack(struct kunit *test, struct rtt_ctx *c, u32 ack, u32 left,
			   u32 right)
{
	static const u8 hdr[] = {
		0x45, 0x00, 0x00, 0x34, 0x56, 0x78, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
		0x00, 0x50, 0x9c, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x80, 0x10, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	u8 *copy = kunit_kmalloc(test, sizeof(hdr), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, hdr, sizeof(hdr));
	put_be32(copy + 28, ack);
	put_be32(copy + 44, left);
	put_be32(copy + 48, right);
	KUNIT_ASSERT_EQ(test, crosslat_pkt_parse(copy, sizeof(hdr), CROSSLAT_PKT_L3, &c->pkt), 0);
	kunit_kfree(test, copy);
	KUNIT_ASSERT_EQ(test, c->pkt.tcp.doff, 32);
	KUNIT_ASSERT_EQ(test, c->pkt.tcp.ack_seq, ack);
	KUNIT_ASSERT_EQ(test, c->pkt.payload_len, 0U);
}

/*
 * SACK blocks are not read: SACKed ranges stay outstanding, duplicate ACKs stay duplicates,
 * and only an advancing cumulative ACK removes ranges and samples.
 */
static void crosslat_rtt_track_sack_ignored(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 ev;

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	parse_sack_ack(test, c, 1000, 2000, 3000);
	ev = crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 10 * MS, &c->res);
	KUNIT_EXPECT_EQ(test, ev, EV_DUP);
	parse_sack_ack(test, c, 1000, 2000, 4000);
	ev = crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 11 * MS, &c->res);
	KUNIT_EXPECT_EQ(test, ev, EV_DUP);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 2U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 3);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 1000U);
	/* cumulative ACK to 2000, SACK of [3000, 4000): one range removed, sampled */
	parse_sack_ack(test, c, 2000, 3000, 4000);
	ev = crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 12 * MS, &c->res);
	KUNIT_EXPECT_EQ(test, ev, EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 12 * MS);
	KUNIT_EXPECT_EQ(test, c->res.acked, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 2);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 2000U);
	/* the SACKed range is still there: the final ACK samples it, not the middle one */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 20 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 18 * MS);
	KUNIT_EXPECT_EQ(test, c->res.acked, 2000U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 2ULL);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);

	/* SACK recovery: duplicate SACKs, the hole retransmitted, one ACK for all: Karn */
	c = new_ctx(test, T0);
	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	parse_sack_ack(test, c, 1000, 2000, 3000);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 10 * MS, &c->res),
			EV_DUP);
	parse_sack_ack(test, c, 1000, 2000, 4000);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + 11 * MS, &c->res),
			EV_DUP);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 1000, T0 + 12 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 1000U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 25 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->res.acked, 3000U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 2U);
}

/* ACKs arriving out of order: one older than snd_una changes nothing and is no duplicate. */
static void crosslat_rtt_track_reordered_acks(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 9 * MS);
	/* the ACK for the first segment overtaken by the one above */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 2000, 0, T0 + 11 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1000, 0, T0 + 12 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 3000U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 1);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 0U);
	KUNIT_EXPECT_EQ(test, c->flow.bad_acks, 0U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 1ULL);
	/* the last range is still sampled from its own send time */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 13 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 11 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 2ULL);
}

/*
 * Egress segments observed out of order. One starting past snd_max is new data from
 * snd_max on (the gap is folded into its range); the late one then starts below snd_max,
 * so it is taken for a retransmission and the range it overlaps gives no sample (Karn):
 * counted, never a wrong sample.
 */
static void crosslat_rtt_track_reordered_egress(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 1000, T0), 0U);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 3000, 1, 1000, T0 + 1 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 2);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 4000U);
	KUNIT_EXPECT_EQ(test, c->flow.end[(c->flow.head + 1) % CROSSLAT_RTT_RANGES], 4000U);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 2000, 1, 1000, T0 + 2 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 2);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 4000U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 2000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 12 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_bytes, 1000ULL);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 1ULL);
	KUNIT_EXPECT_EQ(test, c->flow.bytes_out, 3000ULL);
}

/*
 * A middle range retransmitted (Karn): the ACK that covers it gives no sample, the ranges
 * before and after it are sampled from their original send times.
 */
static void crosslat_rtt_track_retrans_middle(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	seg_out(c, F_PA, 4000, 1, 1000, T0 + 3 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 2000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 2000, 1, 1000, T0 + 200 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)(1U << c->flow.head));
	KUNIT_EXPECT_EQ(test, c->flow.count, 3);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, c->res.acked, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)0);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 211 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 209 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 5000, 0, T0 + 215 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 212 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 3ULL);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.min_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.max_ns, 212 * MS);

	/* one ACK covering the retransmitted range and a clean one after it: no sample */
	c = new_ctx(test, T0);
	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	seg_out(c, F_PA, 4000, 1, 1000, T0 + 3 * MS);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 200 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->res.acked, 3000U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 5000, 0, T0 + 211 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 208 * MS);

	/* an ACK ending inside the retransmitted range trims it and keeps its flag */
	c = new_ctx(test, T0);
	seg_out(c, F_PA, 1000, 1, 1000, T0);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 1 * MS);
	seg_out(c, F_PA, 3000, 1, 1000, T0 + 2 * MS);
	seg_out(c, F_PA, 2000, 1, 1000, T0 + 200 * MS);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 2500, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)(1U << c->flow.head));
	KUNIT_EXPECT_EQ(test, c->flow.ring_start, 2500U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 211 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 4000, 0, T0 + 212 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 210 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 2U);
}

/* A retransmission that runs past snd_max: only the new part is an ordinary range. */
static void crosslat_rtt_track_retrans_new_data(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 1, 1000, T0);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 2000, T0 + 100 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 2);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 3000U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 2000, 0, T0 + 110 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 3000, 0, T0 + 120 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 20 * MS);
	/* a spurious retransmission below snd_una is counted and changes nothing else */
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 1000, T0 + 130 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 2U);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_bytes, 2000ULL);
	KUNIT_EXPECT_EQ(test, c->flow.bytes_out, 4000ULL);
}

/* Karn survives ranges pushed out of a full ring, retransmitted before or after the drop. */
static void crosslat_rtt_track_ring_drop_karn(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 i;

	for (i = 0; i < 17; i++)
		seg_out(c, F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1000, 1, 100, T0 + 300 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)0);
	KUNIT_EXPECT_EQ(test, c->flow.state & CROSSLAT_RTT_S_GAP_RETX, CROSSLAT_RTT_S_GAP_RETX);
	KUNIT_EXPECT_EQ(test, c->flow.gap_retx_end, 1100U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1200, 0, T0 + 310 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->flow.state & CROSSLAT_RTT_S_GAP_RETX, 0);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1300, 0, T0 + 311 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 309 * MS);

	c = new_ctx(test, T0);
	for (i = 0; i < 16; i++)
		seg_out(c, F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
	seg_out(c, F_PA, 1000, 1, 100, T0 + 300 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)(1U << c->flow.head));
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 2600, 1, 100, T0 + 301 * MS), EV_DROP);
	KUNIT_EXPECT_EQ(test, c->flow.retx_mask, (u16)0);
	KUNIT_EXPECT_EQ(test, c->flow.gap_retx_end, 1100U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1200, 0, T0 + 310 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->flow.karn_skipped, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.ranges_dropped, 1U);
}

/* Data ranges, ACKs and a retransmission across 2^32. */
static void crosslat_rtt_track_wraparound(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 s = 0xfffff800U;

	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, s, 1, 1000, T0), 0U);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, s + 1000, 1, 1448, T0 + 1 * MS), 0U);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, s + 2448, 1, 1448, T0 + 2 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 0x738U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 3);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, s + 1000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, s + 1000, 1, 1448, T0 + 50 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 1448U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, s + 2448, 0, T0 + 60 * MS), EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->res.acked, 1448U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, s + 3896, 0, T0 + 62 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 60 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 0x738U);
	/* older across the wrap: ignored; one past snd_max: bad */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, s + 2448, 0, T0 + 63 * MS), 0U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, s + 3897, 0, T0 + 64 * MS), EV_BAD);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 2ULL);
	KUNIT_EXPECT_EQ(test, c->flow.bad_acks, 1U);
}

/* Keepalive probes either way: no range, no retransmission, no application sample. */
static void crosslat_rtt_track_keepalive(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_PA, 1000, 500, 100, T0);
	seg_in(c, F_ACK, 500, 1100, 0, T0 + 1 * MS);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_ACK, 1099, 500, 1, T0 + 60000 * MS), EV_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 1100U);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 0U);
	/* its ACK is not a duplicate: nothing is outstanding */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 500, 1100, 0, T0 + 60001 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.dup_acks, 0U);
	/* the peer probes one byte below the local ACK point (500) */
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 499, 1100, 1, T0 + 70000 * MS), EV_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, c->flow.state & CROSSLAT_RTT_S_AWAITING, 0);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, 1100, 500, 10, T0 + 70001 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.app.count, 0ULL);
	KUNIT_EXPECT_EQ(test, c->flow.keepalives, 2U);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 1ULL);
}

/* Handshake RTT on the server side, and a retransmitted SYN (Karn). */
static void crosslat_rtt_track_handshake(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	KUNIT_EXPECT_EQ(test, seg_in(c, F_SYN, 5000, 0, 0, T0), 0U);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_SYN | F_ACK, 9000, 5001, 0, T0 + 1000), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 9001U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 5001, 9001, 0, T0 + 2 * MS + 1000),
			EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 2 * MS);
	KUNIT_EXPECT_EQ(test, c->res.acked, 1U);

	c = new_ctx(test, T0);
	seg_out(c, F_SYN, 100, 0, 0, T0);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_SYN, 100, 0, 0, T0 + 1000 * MS), EV_RETRANS);
	KUNIT_EXPECT_EQ(test, c->res.retrans, 0U);
	KUNIT_EXPECT_EQ(test, c->flow.retrans_segs, 1U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_SYN | F_ACK, 1, 101, 0, T0 + 1003 * MS),
			EV_ACK | EV_KARN);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 0ULL);
}

/* A FIN takes one sequence number: acking data before it only trims the range. */
static void crosslat_rtt_track_fin(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);

	seg_out(c, F_FIN | F_PA, 1000, 1, 100, T0);
	KUNIT_EXPECT_EQ(test, c->flow.snd_max, 1101U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, 1100, 0, T0 + 5 * MS), EV_ACK);
	KUNIT_EXPECT_EQ(test, c->flow.count, 1);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_FIN | F_ACK, 1, 1101, 0, T0 + 6 * MS),
			EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 6 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.count, 0);
}

/* A jump past CROSSLAT_RTT_MAX_WINDOW restarts the sequence state. */
static void crosslat_rtt_track_resync(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 base = 1000 + CROSSLAT_RTT_MAX_WINDOW;

	seg_out(c, F_PA, 1000, 1, 100, T0);
	seg_out(c, F_PA, 1100, 1, 100, T0);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_PA, base, 1, 100, T0 + 1 * MS), EV_RESYNC);
	KUNIT_EXPECT_EQ(test, c->flow.resyncs, 1U);
	KUNIT_EXPECT_EQ(test, c->flow.ranges_dropped, 2U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 1);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, base);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, base + 100, 0, T0 + 3 * MS), EV_ACK | EV_SAMPLE);
	KUNIT_EXPECT_EQ(test, c->res.rtt_ns, 2 * MS);
}

/* Hand-computed srtt: 1/8 of the difference per sample, the step truncated toward zero. */
static void crosslat_rtt_track_srtt_ewma(struct kunit *test)
{
	static const u64 sample[] = { 10 * MS, 20 * MS, 5 * MS, 1000, 7 };
	static const u64 srtt[] = { 10000000, 11250000, 10468750, 9160282, 8015248 };
	struct rtt_ctx *c = new_ctx(test, T0);
	u32 seq = 1000, i;
	u64 now = T0;

	for (i = 0; i < ARRAY_SIZE(sample); i++) {
		seg_out(c, F_PA, seq, 1, 10, now);
		seq += 10;
		now += sample[i];
		KUNIT_EXPECT_EQ(test, seg_in(c, F_ACK, 1, seq, 0, now), EV_ACK | EV_SAMPLE);
		KUNIT_EXPECT_EQ(test, c->res.rtt_ns, sample[i]);
		KUNIT_EXPECT_EQ(test, c->flow.rtt.avg_ns, srtt[i]);
	}
	KUNIT_EXPECT_EQ(test, c->flow.rtt.count, 5ULL);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.min_ns, 7ULL);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.max_ns, 20 * MS);
	KUNIT_EXPECT_EQ(test, c->flow.rtt.last_ns, 7ULL);
}

/* Packets the tracker does not handle leave the flow byte for byte; RST is volume only. */
static void crosslat_rtt_track_ignored(struct kunit *test)
{
	struct rtt_ctx *c = new_ctx(test, T0);
	struct crosslat_rtt_flow *copy = kunit_kmalloc(test, sizeof(*copy), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	seg_out(c, F_PA, 1000, 1, 100, T0);
	*copy = c->flow;
	make_seg(c, F_PA, 1100, 1, 100);
	c->pkt.l4_proto = CROSSLAT_IPPROTO_UDP;
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_egress(&c->flow, &c->pkt, T0 + MS, &c->res), 0U);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + MS, &c->res), 0U);
	make_seg(c, F_ACK, 1, 1100, 0);
	c->pkt.l4_valid = false;
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_ingress(&c->flow, &c->pkt, T0 + MS, &c->res), 0U);
	make_seg(c, F_PA, 1100, 1, CROSSLAT_RTT_MAX_SEG_LEN + 1);
	KUNIT_EXPECT_EQ(test, crosslat_rtt_on_egress(&c->flow, &c->pkt, T0 + MS, &c->res), 0U);
	KUNIT_EXPECT_EQ(test, memcmp(&c->flow, copy, sizeof(*copy)), 0);
	KUNIT_EXPECT_EQ(test, seg_out(c, F_RST, 1100, 0, 0, T0 + 2 * MS), 0U);
	KUNIT_EXPECT_EQ(test, seg_in(c, F_RST | F_ACK, 1, 1100, 0, T0 + 2 * MS), 0U);
	KUNIT_EXPECT_EQ(test, c->flow.count, 1);
	KUNIT_EXPECT_EQ(test, c->flow.snd_una, 1000U);
	KUNIT_EXPECT_EQ(test, c->flow.pkts_out, 2ULL);
	KUNIT_EXPECT_EQ(test, c->flow.pkts_in, 1ULL);
}

static struct kunit_case crosslat_rtt_track_cases[] = {
	KUNIT_CASE(crosslat_rtt_track_request_response),
	KUNIT_CASE(crosslat_rtt_track_delayed_and_partial_ack),
	KUNIT_CASE(crosslat_rtt_track_retrans_karn),
	KUNIT_CASE(crosslat_rtt_track_ring_overflow),
	KUNIT_CASE(crosslat_rtt_track_wrap_and_skew),
	KUNIT_CASE(crosslat_rtt_track_app_latency),
	KUNIT_CASE(crosslat_rtt_track_dup_acks),
	KUNIT_CASE(crosslat_rtt_track_sack_ignored),
	KUNIT_CASE(crosslat_rtt_track_reordered_acks),
	KUNIT_CASE(crosslat_rtt_track_reordered_egress),
	KUNIT_CASE(crosslat_rtt_track_retrans_middle),
	KUNIT_CASE(crosslat_rtt_track_retrans_new_data),
	KUNIT_CASE(crosslat_rtt_track_ring_drop_karn),
	KUNIT_CASE(crosslat_rtt_track_wraparound),
	KUNIT_CASE(crosslat_rtt_track_keepalive),
	KUNIT_CASE(crosslat_rtt_track_handshake),
	KUNIT_CASE(crosslat_rtt_track_fin),
	KUNIT_CASE(crosslat_rtt_track_resync),
	KUNIT_CASE(crosslat_rtt_track_srtt_ewma),
	KUNIT_CASE(crosslat_rtt_track_ignored),
	{}
};

static struct kunit_suite crosslat_rtt_track_suite = {
	.name = "crosslat_rtt_track",
	.test_cases = crosslat_rtt_track_cases,
};

kunit_test_suite(crosslat_rtt_track_suite);
