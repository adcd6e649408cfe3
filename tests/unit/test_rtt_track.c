// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the RTT tracker: hand-made segment sequences and a naive reference model. */
#include <stdlib.h>

#include "pkt_builder.h"
#include "pkt_parse.h"
#include "prng.h"
#include "rtt_track.h"
#include "tap.h"

#define US	1000ULL
#define MS	1000000ULL
#define T0	(1000 * 1000 * MS)	/* 1000 s after boot */

#define F_FIN	CROSSLAT_TCP_FLAG_FIN
#define F_SYN	CROSSLAT_TCP_FLAG_SYN
#define F_RST	CROSSLAT_TCP_FLAG_RST
#define F_ACK	CROSSLAT_TCP_FLAG_ACK
#define F_PA	(CROSSLAT_TCP_FLAG_PSH | CROSSLAT_TCP_FLAG_ACK)

#define EV_SAMPLE	CROSSLAT_RTT_EV_SAMPLE
#define EV_APP		CROSSLAT_RTT_EV_APP_SAMPLE
#define EV_RETRANS	CROSSLAT_RTT_EV_RETRANS
#define EV_KARN		CROSSLAT_RTT_EV_KARN_SKIP
#define EV_DUP		CROSSLAT_RTT_EV_DUP_ACK
#define EV_BAD		CROSSLAT_RTT_EV_BAD_ACK
#define EV_DROP		CROSSLAT_RTT_EV_RANGE_DROP
#define EV_SKEW		CROSSLAT_RTT_EV_CLOCK_SKEW
#define EV_ACK		CROSSLAT_RTT_EV_ACK
#define EV_KEEPALIVE	CROSSLAT_RTT_EV_KEEPALIVE
#define EV_RESYNC	CROSSLAT_RTT_EV_RESYNC

static struct prng rng;
static struct crosslat_rtt_flow flow;
static struct crosslat_rtt_result res;

/* A parsed TCP segment as crosslat_pkt_parse() would report it. */
static struct crosslat_pkt seg(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct crosslat_pkt p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.l4_proto = CROSSLAT_IPPROTO_TCP;
	p.l4_valid = true;
	p.sport = 40000;
	p.dport = 80;
	p.tcp.seq = seq;
	p.tcp.ack_seq = ack;
	p.tcp.flags = flags;
	p.tcp.window = 65535;
	p.tcp.doff = 20;
	p.payload_off = 40;
	p.payload_len = len;
	return p;
}

static uint32_t out(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint64_t now)
{
	struct crosslat_pkt p = seg(flags, seq, ack, len);

	return crosslat_rtt_on_egress(&flow, &p, now, &res);
}

static uint32_t in(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint64_t now)
{
	struct crosslat_pkt p = seg(flags, seq, ack, len);

	return crosslat_rtt_on_ingress(&flow, &p, now, &res);
}

/* Build real bytes with pkt_builder and parse them from L3, as the kernel hook will. */
static struct crosslat_pkt built(const struct pkt_builder *b, uint8_t *buf, size_t cap,
				 struct pkt_builder_layout *lay)
{
	struct crosslat_pkt p;
	size_t len = pkt_builder_build(b, buf, cap, lay);

	CHECK(len > 0);
	CHECK_INT_EQ(crosslat_pkt_parse(buf, (uint32_t)len, CROSSLAT_PKT_L3, &p), 0);
	return p;
}

/* Client sends a request, the response acknowledges it: one sample, volume both ways. */
static void test_request_response(void)
{
	struct pkt_builder b;
	struct crosslat_pkt p;
	uint8_t buf[2048];

	crosslat_rtt_flow_init(&flow, T0);
	pkt_builder_init(&b, 4, 6);
	b.seq = 1000;
	b.ack_seq = 5000;
	b.payload_len = 100;
	p = built(&b, buf, sizeof(buf), NULL);
	CHECK_EQ(crosslat_rtt_on_egress(&flow, &p, T0, &res), 0);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.snd_una, 1000);
	CHECK_EQ(flow.snd_max, 1100);

	pkt_builder_init(&b, 4, 6);
	b.sport = 80;
	b.dport = 40000;
	b.seq = 5000;
	b.ack_seq = 1100;
	b.payload_len = 200;
	p = built(&b, buf, sizeof(buf), NULL);
	CHECK_EQ(crosslat_rtt_on_ingress(&flow, &p, T0 + 10 * MS, &res), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 10 * MS);
	CHECK_EQ(res.acked, 100);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.snd_una, 1100);
	CHECK_EQ(flow.rtt.count, 1);
	CHECK_EQ(flow.rtt.avg_ns, 10 * MS);
	CHECK_EQ(flow.rtt.min_ns, 10 * MS);
	CHECK_EQ(flow.rtt.max_ns, 10 * MS);
	CHECK_EQ(flow.rtt.last_ns, 10 * MS);
	CHECK_EQ(flow.bytes_out, 100);
	CHECK_EQ(flow.bytes_in, 200);
	CHECK_EQ(flow.pkts_out, 1);
	CHECK_EQ(flow.pkts_in, 1);
	CHECK_EQ(flow.first_seen_ns, T0);
	CHECK_EQ(flow.last_seen_ns, T0 + 10 * MS);

	/* the client's ACK of the response is a pure ACK: no range */
	CHECK_EQ(out(F_ACK, 1100, 5200, 0, T0 + 11 * MS), 0);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.pkts_out, 2);
}

/* One ACK for two segments: the sample is the newer segment's RTT. */
static void test_delayed_ack(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(out(F_PA, 1000, 1, 1448, T0), 0);
	CHECK_EQ(out(F_PA, 2448, 1, 1448, T0 + 1 * MS), 0);
	CHECK_EQ(flow.count, 2);
	CHECK_EQ(in(F_ACK, 1, 3896, 0, T0 + 11 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 10 * MS);
	CHECK_EQ(res.acked, 2896);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.rtt.count, 1);
}

/* A TSO super-segment is one range; a partial ACK trims it, the final one samples it. */
static void test_tso_partial_acks(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(out(F_PA, 1000, 1, 14480, T0), 0);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(in(F_ACK, 1, 1000 + 7240, 0, T0 + 5 * MS), EV_ACK);
	CHECK_EQ(res.rtt_ns, 0);
	CHECK_EQ(res.acked, 7240);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.ring_start, 1000 + 7240);
	CHECK_EQ(in(F_ACK, 1, 1000 + 14480, 0, T0 + 8 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 8 * MS);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.rtt.count, 1);
}

/* Karn: an ACK covering a retransmitted range gives no sample; a clean range still does. */
static void test_retrans_karn(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	CHECK_EQ(out(F_PA, 1000, 1, 1000, T0 + 200 * MS), EV_RETRANS);
	CHECK_EQ(res.retrans, 1000);
	CHECK_EQ(flow.count, 2);	/* no new range */
	CHECK_EQ(flow.snd_max, 3000);
	CHECK_EQ(in(F_ACK, 1, 3000, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(res.rtt_ns, 0);
	CHECK_EQ(flow.retrans_segs, 1);
	CHECK_EQ(flow.retrans_bytes, 1000);
	CHECK_EQ(flow.karn_skipped, 1);
	CHECK_EQ(flow.rtt.count, 0);
	CHECK_EQ(flow.retx_mask, 0);

	/* the next segment was never retransmitted: sampled */
	CHECK_EQ(out(F_PA, 3000, 1, 1000, T0 + 220 * MS), 0);
	CHECK_EQ(in(F_ACK, 1, 4000, 0, T0 + 230 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 10 * MS);

	/* the ACK of only the retransmitted range is skipped, the next range's ACK sampled */
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	out(F_PA, 1000, 1, 1000, T0 + 200 * MS);
	CHECK_EQ(in(F_ACK, 1, 2000, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(in(F_ACK, 1, 3000, 0, T0 + 211 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 210 * MS);

	/* a clean range acked together with part of a retransmitted one: no sample either */
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	out(F_PA, 2000, 1, 1000, T0 + 200 * MS);
	CHECK_EQ(in(F_ACK, 1, 2500, 0, T0 + 210 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(flow.retx_mask != 0, 1);	/* the trimmed range keeps its flag */
}

/* A retransmission that runs past snd_max: the new part is an ordinary range. */
static void test_retrans_with_new_data(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	CHECK_EQ(out(F_PA, 1000, 1, 2000, T0 + 100 * MS), EV_RETRANS);
	CHECK_EQ(res.retrans, 1000);
	CHECK_EQ(flow.count, 2);
	CHECK_EQ(flow.snd_max, 3000);
	CHECK_EQ(in(F_ACK, 1, 2000, 0, T0 + 110 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(in(F_ACK, 1, 3000, 0, T0 + 120 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 20 * MS);
	/* a retransmission entirely below snd_una (spurious) is counted and changes nothing */
	CHECK_EQ(out(F_PA, 1000, 1, 1000, T0 + 130 * MS), EV_RETRANS);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.retrans_segs, 2);
	CHECK_EQ(flow.retrans_bytes, 2000);
}

/* Duplicate ACKs are counted and never sampled. */
static void test_dup_acks(void)
{
	int i;

	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	out(F_PA, 3000, 1, 1000, T0 + 2 * MS);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(in(F_ACK, 1, 1000, 0, T0 + (10 + i) * MS), EV_DUP);
		CHECK_EQ(res.rtt_ns, 0);
	}
	CHECK_EQ(flow.dup_acks, 3);
	/* same ACK with data, or a FIN, is not a duplicate */
	CHECK_EQ(in(F_PA, 1, 1000, 10, T0 + 14 * MS), 0);
	CHECK_EQ(in(F_ACK | F_FIN, 11, 1000, 0, T0 + 15 * MS), 0);
	CHECK_EQ(flow.dup_acks, 3);
	CHECK_EQ(flow.count, 3);
	CHECK_EQ(in(F_ACK, 12, 4000, 0, T0 + 20 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 18 * MS);
	/* nothing outstanding: an ACK equal to snd_una is not a duplicate */
	CHECK_EQ(in(F_ACK, 12, 4000, 0, T0 + 21 * MS), 0);
	CHECK_EQ(flow.dup_acks, 3);
	CHECK_EQ(flow.rtt.count, 1);
}

/*
 * Duplicate ACKs carrying SACK blocks (real bytes through the parser): the SACK option is
 * not read, nothing is sampled or removed until the cumulative ACK moves.
 */
static void test_sack_dup_acks(void)
{
	struct pkt_builder_layout lay;
	struct pkt_builder b;
	struct crosslat_pkt p;
	uint8_t buf[256], *opt;
	int i;

	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	out(F_PA, 3000, 1, 1000, T0 + 2 * MS);

	pkt_builder_init(&b, 6, 6);
	b.tcp_flags = F_ACK;
	b.seq = 1;
	b.ack_seq = 1000;
	b.doff = 8;	/* 12 option bytes: NOP, NOP, SACK(10) */
	for (i = 0; i < 2; i++) {
		p = built(&b, buf, sizeof(buf), &lay);
		opt = buf + lay.l4_off + 20;
		opt[2] = 5;
		opt[3] = 10;
		opt[4] = 0;
		opt[5] = 0;
		opt[6] = (uint8_t)((2000 + 1000 * i) >> 8);
		opt[7] = (uint8_t)(2000 + 1000 * i);
		opt[8] = 0;
		opt[9] = 0;
		opt[10] = (uint8_t)((3000 + 1000 * i) >> 8);
		opt[11] = (uint8_t)(3000 + 1000 * i);
		CHECK_INT_EQ(crosslat_pkt_parse(buf, lay.len, CROSSLAT_PKT_L3, &p), 0);
		CHECK_EQ(p.tcp.doff, 32);
		CHECK_EQ(crosslat_rtt_on_ingress(&flow, &p, T0 + (10 + i) * MS, &res), EV_DUP);
		CHECK_EQ(res.rtt_ns, 0);
	}
	CHECK_EQ(flow.dup_acks, 2);
	CHECK_EQ(flow.count, 3);
	CHECK_EQ(flow.rtt.count, 0);
	CHECK_EQ(in(F_ACK, 1, 4000, 0, T0 + 20 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 18 * MS);
}

/* An ACK older than snd_una (reordered behind a newer one) is ignored. */
static void test_reordered_acks(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 1000, T0);
	out(F_PA, 2000, 1, 1000, T0 + 1 * MS);
	CHECK_EQ(in(F_ACK, 1, 3000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 9 * MS);
	CHECK_EQ(in(F_ACK, 1, 2000, 0, T0 + 11 * MS), 0);
	CHECK_EQ(in(F_ACK, 1, 1000, 0, T0 + 12 * MS), 0);
	CHECK_EQ(flow.snd_una, 3000);
	CHECK_EQ(flow.rtt.count, 1);
	CHECK_EQ(flow.dup_acks, 0);
	CHECK_EQ(flow.bad_acks, 0);
}

/* Ranges, ACKs and retransmissions across 2^32. */
static void test_wraparound(void)
{
	uint32_t s = 0xfffff800u;

	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(out(F_PA, s, 1, 1000, T0), 0);			/* ends at 0xfffffbe8 */
	CHECK_EQ(out(F_PA, s + 1000, 1, 1448, T0 + 1 * MS), 0);	/* wraps: ends at 0x190 */
	CHECK_EQ(out(F_PA, s + 2448, 1, 1448, T0 + 2 * MS), 0);
	CHECK_EQ(flow.snd_max, (uint32_t)(s + 3896));
	CHECK_EQ(in(F_ACK, 1, s + 1000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 10 * MS);
	CHECK_EQ(out(F_PA, s + 1000, 1, 1448, T0 + 50 * MS), EV_RETRANS);
	CHECK_EQ(res.retrans, 1448);
	CHECK_EQ(in(F_ACK, 1, s + 2448, 0, T0 + 60 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(res.acked, 1448);
	CHECK_EQ(in(F_ACK, 1, s + 3896, 0, T0 + 62 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 60 * MS);
	CHECK_EQ(flow.snd_una, 0x738);
	CHECK_EQ(in(F_ACK, 1, s + 2448, 0, T0 + 63 * MS), 0);	/* old, across the wrap */
	CHECK_EQ(in(F_ACK, 1, s + 3897, 0, T0 + 64 * MS), EV_BAD);
	CHECK_EQ(flow.rtt.count, 2);
}

/* Handshake RTT from either side, and a retransmitted SYN. */
static void test_handshake(void)
{
	/* local client: SYN out, SYN-ACK in */
	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(out(F_SYN, 0xabcdef00u, 0, 0, T0), 0);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.snd_max, 0xabcdef01u);
	CHECK_EQ(in(F_SYN | F_ACK, 777, 0xabcdef01u, 0, T0 + 3 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 3 * MS);
	CHECK_EQ(out(F_ACK, 0xabcdef01u, 778, 0, T0 + 3 * MS), 0);
	CHECK_EQ(flow.count, 0);

	/* local server: SYN in (no ACK: ignored for RTT), SYN-ACK out, ACK in */
	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(in(F_SYN, 5000, 0, 0, T0), 0);
	CHECK_EQ(out(F_SYN | F_ACK, 9000, 5001, 0, T0 + 1 * US), 0);
	CHECK_EQ(in(F_ACK, 5001, 9001, 0, T0 + 2 * MS + 1 * US), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 2 * MS);

	/* the SYN was lost and sent again: Karn */
	crosslat_rtt_flow_init(&flow, T0);
	out(F_SYN, 100, 0, 0, T0);
	CHECK_EQ(out(F_SYN, 100, 0, 0, T0 + 1000 * MS), EV_RETRANS);
	CHECK_EQ(res.retrans, 0);
	CHECK_EQ(in(F_SYN | F_ACK, 1, 101, 0, T0 + 1003 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(flow.rtt.count, 0);
}

/* A FIN occupies one sequence number and is a range of its own or ends a data range. */
static void test_fin(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 100, T0);
	CHECK_EQ(in(F_ACK, 1, 1100, 0, T0 + 5 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(out(F_FIN | F_ACK, 1100, 1, 0, T0 + 10 * MS), 0);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.snd_max, 1101);
	CHECK_EQ(in(F_FIN | F_ACK, 1, 1101, 0, T0 + 14 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 4 * MS);

	/* data + FIN in one segment: acking the data only trims, acking the FIN samples */
	crosslat_rtt_flow_init(&flow, T0);
	out(F_FIN | F_PA, 1000, 1, 100, T0);
	CHECK_EQ(flow.snd_max, 1101);
	CHECK_EQ(in(F_ACK, 1, 1100, 0, T0 + 5 * MS), EV_ACK);
	CHECK_EQ(in(F_ACK, 1, 1101, 0, T0 + 6 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 6 * MS);
}

/* 17 outstanding ranges: the oldest is dropped and counted; Karn survives the drop. */
static void test_ring_overflow(void)
{
	uint32_t i, ev;

	crosslat_rtt_flow_init(&flow, T0);
	for (i = 0; i < 17; i++) {
		ev = out(F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
		CHECK_EQ(ev, i == 16 ? EV_DROP : 0);
	}
	CHECK_EQ(flow.count, CROSSLAT_RTT_RANGES);
	CHECK_EQ(flow.ranges_dropped, 1);
	CHECK_EQ(flow.ring_start, 1100);
	CHECK_EQ(flow.snd_una, 1000);
	/* ACK of only the dropped range: nothing to sample */
	CHECK_EQ(in(F_ACK, 1, 1100, 0, T0 + 50 * MS), EV_ACK);
	CHECK_EQ(flow.count, CROSSLAT_RTT_RANGES);
	CHECK_EQ(in(F_ACK, 1, 1200, 0, T0 + 51 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 50 * MS);
	CHECK_EQ(flow.count, 15);

	/* the dropped range is retransmitted: the ACK covering it and the next is skipped */
	crosslat_rtt_flow_init(&flow, T0);
	for (i = 0; i < 17; i++)
		out(F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
	CHECK_EQ(out(F_PA, 1000, 1, 100, T0 + 300 * MS), EV_RETRANS);
	CHECK_EQ(flow.retx_mask, 0);		/* no range to flag: the gap remembers it */
	CHECK_EQ(flow.state & CROSSLAT_RTT_S_GAP_RETX, CROSSLAT_RTT_S_GAP_RETX);
	CHECK_EQ(flow.gap_retx_end, 1100);
	CHECK_EQ(in(F_ACK, 1, 1200, 0, T0 + 310 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(flow.state & CROSSLAT_RTT_S_GAP_RETX, 0);
	CHECK_EQ(in(F_ACK, 1, 1300, 0, T0 + 311 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 309 * MS);

	/* a retransmitted range that is then dropped keeps Karn for its space */
	crosslat_rtt_flow_init(&flow, T0);
	for (i = 0; i < 16; i++)
		out(F_PA, 1000 + 100 * i, 1, 100, T0 + i * MS);
	out(F_PA, 1000, 1, 100, T0 + 300 * MS);
	CHECK_EQ(flow.retx_mask, 1u << flow.head);
	CHECK_EQ(out(F_PA, 2600, 1, 100, T0 + 301 * MS), EV_DROP);
	CHECK_EQ(flow.retx_mask, 0);
	CHECK_EQ(flow.gap_retx_end, 1100);
	CHECK_EQ(in(F_ACK, 1, 1200, 0, T0 + 310 * MS), EV_ACK | EV_KARN);
	CHECK_EQ(flow.karn_skipped, 1);
}

/* ACKs for data never sent are counted and leave the state alone. */
static void test_bad_ack(void)
{
	struct crosslat_rtt_flow copy;

	crosslat_rtt_flow_init(&flow, T0);
	/* nothing sent yet: an ACK has nothing to match */
	CHECK_EQ(in(F_ACK, 1, 5000, 0, T0), 0);
	CHECK_EQ(flow.bad_acks, 0);
	out(F_PA, 1000, 1, 1000, T0);
	copy = flow;
	CHECK_EQ(in(F_ACK, 1, 2500, 0, T0 + 5 * MS), EV_BAD);
	CHECK_EQ(flow.bad_acks, 1);
	CHECK_EQ(flow.snd_una, 1000);
	CHECK_EQ(flow.count, 1);
	copy.bad_acks = 1;
	copy.pkts_in++;
	copy.last_seen_ns = T0 + 5 * MS;
	CHECK_MEM_EQ(&flow, &copy, sizeof(flow));
	/* one 2^31 - 1 ahead is also "after" */
	CHECK_EQ(in(F_ACK, 1, 1000 + 0x7fffffffu, 0, T0 + 6 * MS), EV_BAD);
	CHECK_EQ(in(F_ACK, 1, 2000, 0, T0 + 10 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 10 * MS);
}

/* Timestamps from a CPU whose clock lags: no huge unsigned samples. */
static void test_clock_backwards(void)
{
	crosslat_rtt_flow_init(&flow, T0 + 10 * MS);
	out(F_PA, 1000, 1, 1000, T0 + 10 * MS);
	CHECK_EQ(in(F_ACK, 1, 2000, 0, T0 + 5 * MS), EV_ACK | EV_SKEW);
	CHECK_EQ(res.rtt_ns, 0);
	CHECK_EQ(flow.clock_skew, 1);
	CHECK_EQ(flow.rtt.count, 0);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.first_seen_ns, T0 + 5 * MS);
	CHECK_EQ(flow.last_seen_ns, T0 + 10 * MS);

	/* request arrives at +20 ms, the response is stamped +15 ms */
	CHECK_EQ(in(F_PA, 1, 2000, 50, T0 + 20 * MS), 0);
	CHECK_EQ(out(F_PA, 2000, 51, 100, T0 + 15 * MS), EV_SKEW);
	CHECK_EQ(res.app_ns, 0);
	CHECK_EQ(flow.clock_skew, 2);
	CHECK_EQ(flow.app.count, 0);
	CHECK_EQ(flow.state & CROSSLAT_RTT_S_AWAITING, 0);
	CHECK_EQ(flow.last_seen_ns, T0 + 20 * MS);
}

/* Server think time: a 3-segment request, 30 ms, a 3-segment response: one sample. */
static void test_app_latency(void)
{
	uint32_t ev, apps = 0, i;

	crosslat_rtt_flow_init(&flow, T0);
	CHECK_EQ(in(F_ACK, 5000, 1000, 1448, T0), 0);
	CHECK_EQ(out(F_ACK, 1000, 6448, 0, T0 + 10 * US), 0);
	CHECK_EQ(in(F_ACK, 6448, 1000, 1448, T0 + 1 * MS), 0);
	CHECK_EQ(in(F_PA, 7896, 1000, 500, T0 + 2 * MS), 0);
	CHECK_EQ(out(F_ACK, 1000, 8396, 0, T0 + 2 * MS + 10 * US), 0);
	for (i = 0; i < 3; i++) {
		ev = out(F_PA, 1000 + 1448 * i, 8396, 1448, T0 + 32 * MS + i * 100 * US);
		if (ev & EV_APP) {
			apps++;
			CHECK_EQ(res.app_ns, 30 * MS);
		}
		CHECK_EQ(ev & ~EV_APP, 0);
	}
	CHECK_EQ(apps, 1);
	CHECK_EQ(flow.app.count, 1);
	CHECK_EQ(flow.app.avg_ns, 30 * MS);
	CHECK_EQ(flow.app.max_ns, 30 * MS);
	CHECK_EQ(flow.app.last_ns, 30 * MS);
	CHECK_EQ(flow.bytes_in, 1448 * 2 + 500);
	CHECK_EQ(flow.bytes_out, 1448 * 3);
	/* a retransmitted response segment is not an answer to anything */
	CHECK_EQ(in(F_PA, 8396, 1000 + 1448, 10, T0 + 40 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(out(F_PA, 1000 + 1448, 8406, 1448, T0 + 45 * MS), EV_RETRANS);
	CHECK_EQ(flow.app.count, 1);
	CHECK_EQ(flow.state & CROSSLAT_RTT_S_AWAITING, CROSSLAT_RTT_S_AWAITING);
	CHECK_EQ(out(F_PA, 1000 + 1448 * 3, 8406, 10, T0 + 47 * MS), EV_APP);
	CHECK_EQ(res.app_ns, 7 * MS);
	CHECK_EQ(flow.app.count, 2);
	CHECK_EQ(flow.app.avg_ns, 30 * MS - 23 * MS / 8);
}

/* Keepalive probes either way: no range, no retransmission, no application sample. */
static void test_keepalive(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 500, 100, T0);
	in(F_ACK, 500, 1100, 0, T0 + 1 * MS);
	CHECK_EQ(out(F_ACK, 1099, 500, 1, T0 + 60000 * MS), EV_KEEPALIVE);
	CHECK_EQ(flow.count, 0);
	CHECK_EQ(flow.retrans_segs, 0);
	CHECK_EQ(in(F_ACK, 500, 1100, 0, T0 + 60001 * MS), 0);
	CHECK_EQ(flow.dup_acks, 0);
	/* the peer probes one byte below our ACK point (500) */
	CHECK_EQ(in(F_ACK, 499, 1100, 1, T0 + 70000 * MS), EV_KEEPALIVE);
	CHECK_EQ(flow.state & CROSSLAT_RTT_S_AWAITING, 0);
	CHECK_EQ(out(F_PA, 1100, 500, 10, T0 + 70001 * MS), 0);
	CHECK_EQ(flow.app.count, 0);
	CHECK_EQ(flow.keepalives, 2);
}

/* Hand-computed srtt: 1/8 of the difference per sample, the step truncated toward zero. */
static void test_srtt_ewma(void)
{
	static const uint64_t sample[] = { 10 * MS, 20 * MS, 5 * MS, 1000, 7 };
	static const uint64_t srtt[] = { 10000000, 11250000, 10468750, 9160282, 8015248 };
	uint32_t seq = 1000, i;
	uint64_t now = T0;

	crosslat_rtt_flow_init(&flow, T0);
	for (i = 0; i < ARRAY_SIZE(sample); i++) {
		out(F_PA, seq, 1, 10, now);
		seq += 10;
		now += sample[i];
		CHECK_EQ(in(F_ACK, 1, seq, 0, now), EV_ACK | EV_SAMPLE);
		CHECK_EQ(res.rtt_ns, sample[i]);
		CHECK_EQ(flow.rtt.avg_ns, srtt[i]);
	}
	CHECK_EQ(flow.rtt.count, 5);
	CHECK_EQ(flow.rtt.min_ns, 7);
	CHECK_EQ(flow.rtt.max_ns, 20 * MS);
	CHECK_EQ(flow.rtt.last_ns, 7);
}

/* Packets the tracker does not handle leave the flow byte for byte as it was. */
static void test_ignored(void)
{
	struct crosslat_rtt_flow copy;
	struct crosslat_pkt p;

	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 100, T0);
	copy = flow;
	p = seg(F_PA, 1100, 1, 100);
	p.l4_proto = CROSSLAT_IPPROTO_UDP;
	CHECK_EQ(crosslat_rtt_on_egress(&flow, &p, T0 + 1 * MS, &res), 0);
	CHECK_EQ(crosslat_rtt_on_ingress(&flow, &p, T0 + 1 * MS, &res), 0);
	p = seg(F_ACK, 1, 1100, 0);
	p.l4_valid = false;
	CHECK_EQ(crosslat_rtt_on_ingress(&flow, &p, T0 + 1 * MS, &res), 0);
	p = seg(F_PA, 1100, 1, CROSSLAT_RTT_MAX_SEG_LEN + 1);
	CHECK_EQ(crosslat_rtt_on_egress(&flow, &p, T0 + 1 * MS, &res), 0);
	CHECK_MEM_EQ(&flow, &copy, sizeof(flow));
	/* RST: volume only */
	CHECK_EQ(out(F_RST, 1100, 0, 0, T0 + 2 * MS), 0);
	CHECK_EQ(in(F_RST | F_ACK, 1, 1100, 0, T0 + 2 * MS), 0);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.pkts_out, 2);
	CHECK_EQ(flow.pkts_in, 1);
}

/* A jump past CROSSLAT_RTT_MAX_WINDOW restarts the sequence state. */
static void test_resync(void)
{
	crosslat_rtt_flow_init(&flow, T0);
	out(F_PA, 1000, 1, 100, T0);
	out(F_PA, 1100, 1, 100, T0);
	CHECK_EQ(out(F_PA, 1000 + CROSSLAT_RTT_MAX_WINDOW, 1, 100, T0 + 1 * MS), EV_RESYNC);
	CHECK_EQ(flow.resyncs, 1);
	CHECK_EQ(flow.ranges_dropped, 2);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.snd_una, 1000 + CROSSLAT_RTT_MAX_WINDOW);
	CHECK_EQ(in(F_ACK, 1, 1100 + CROSSLAT_RTT_MAX_WINDOW, 0, T0 + 3 * MS), EV_ACK | EV_SAMPLE);
	CHECK_EQ(res.rtt_ns, 2 * MS);
	/* 2^31 - 100 ahead is new data, but too far past snd_una: resync again */
	CHECK_EQ(out(F_PA, 1000 + CROSSLAT_RTT_MAX_WINDOW + 0x80000000u, 1, 10, T0 + 4 * MS),
		 EV_RESYNC);
	CHECK_EQ(flow.resyncs, 2);
	/* 2^31 + 40 ahead of snd_max reads as behind it: a retransmission, nothing else */
	CHECK_EQ(out(F_PA, flow.snd_max + 0x80000000u + 40, 1, 10, T0 + 5 * MS), EV_RETRANS);
	CHECK_EQ(flow.count, 1);
	CHECK_EQ(flow.resyncs, 2);
}

static uint64_t exact_rate(uint64_t bytes, uint64_t span)
{
	unsigned __int128 r = (unsigned __int128)bytes * 1000000000u / span;

	return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

static void test_throughput(void)
{
	uint64_t bytes, span, got, want;
	int i;

	CHECK_EQ(crosslat_rtt_throughput(1000000000, T0, T0 + 1000 * MS), 1000000000);
	CHECK_EQ(crosslat_rtt_throughput(1500, T0, T0 + 1 * MS), 1500000);
	CHECK_EQ(crosslat_rtt_throughput(1, 0, 3), 333333333);
	CHECK_EQ(crosslat_rtt_throughput(1000, T0, T0), 0);
	CHECK_EQ(crosslat_rtt_throughput(1000, T0 + 1, T0), 0);
	CHECK_EQ(crosslat_rtt_throughput(UINT64_MAX, 0, 1), UINT64_MAX);
	CHECK_EQ(crosslat_rtt_throughput(UINT64_MAX, 0, UINT64_MAX), 1000000000);
	/* 10 TB over a day: the remainder path with halving */
	CHECK_EQ(crosslat_rtt_throughput(10000000000000ULL, 0, 86400 * 1000 * MS), 115740740);

	for (i = 0; i < 100000; i++) {
		bytes = prng_next(&rng) >> prng_below(&rng, 64);
		span = (prng_next(&rng) >> prng_below(&rng, 64)) + 1;
		got = crosslat_rtt_throughput(bytes, 5, 5 + span);
		want = exact_rate(bytes, span);
		if (want >= UINT64_MAX - 1000000000u)
			continue;	/* the documented saturation zone */
		if (span <= UINT64_MAX / 1000000000u)
			CHECK_EQ(got, want);
		else
			CHECK(got == want || got + 1 == want || got == want + 1);
	}
}

/*
 * Reference model: an in-order sender with 64-bit unwrapped sequence numbers (so the model
 * needs no modular arithmetic) and one array entry per original segment. Each step sends a
 * new segment, retransmits whole unacked segments (sometimes with new data appended), or
 * delivers a cumulative ACK (at segment boundaries or inside a segment), a duplicate, an old
 * or a bogus ACK, peer data, or a pure ACK. The expected outcome of every call is computed
 * from the segment array alone:
 *   - a segment is "tracked" unless 16 newer unacked segments pushed it out of the ring;
 *   - an ACK from una to ack takes a sample from the newest tracked segment with
 *     una < end <= ack, now - its send time, unless any retransmitted segment overlaps
 *     [una, ack) (then karn_skipped counts, if there was such a tracked segment);
 *   - think time is now minus the last peer payload, at the first new payload after it.
 */
#define MODEL_MAX_SEGS	8192
#define MODEL_STEPS	4000

struct model_seg {
	uint64_t start, end;
	uint64_t sent;
	bool retx, dropped;
};

static struct {
	struct model_seg seg[MODEL_MAX_SEGS];
	unsigned int n;
	uint64_t una, nxt, now, req;
	bool awaiting;
	uint32_t rseq;
	unsigned int window, send_pct, ack_pct;
	/* expected counters */
	uint64_t samples, apps, karn, retrans_segs, retrans_bytes, dups, drops, bad;
	int64_t srtt, sapp;
	uint64_t rtt_min, rtt_max;
} m;

static unsigned int model_outstanding(bool tracked_only)
{
	unsigned int i, n = 0;

	for (i = 0; i < m.n; i++)
		if (m.seg[i].end > m.una && !(tracked_only && m.seg[i].dropped))
			n++;
	return n;
}

/* A new original segment [nxt, nxt + len): returns the expected events of the ring. */
static uint32_t model_new_seg(uint64_t len)
{
	unsigned int i;
	uint32_t ev = 0;

	if (model_outstanding(true) == CROSSLAT_RTT_RANGES) {
		for (i = 0; i < m.n; i++) {
			if (m.seg[i].end > m.una && !m.seg[i].dropped) {
				m.seg[i].dropped = true;
				break;
			}
		}
		m.drops++;
		ev = EV_DROP;
	}
	m.seg[m.n].start = m.nxt;
	m.seg[m.n].end = m.nxt + len;
	m.seg[m.n].sent = m.now;
	m.seg[m.n].retx = false;
	m.seg[m.n].dropped = false;
	m.n++;
	m.nxt += len;
	return ev;
}

static uint32_t model_app(void)
{
	int64_t d;

	if (!m.awaiting)
		return 0;
	m.awaiting = false;
	d = (int64_t)(m.now - m.req);
	m.sapp = m.apps ? m.sapp + (d - m.sapp) / 8 : d;
	m.apps++;
	return EV_APP;
}

static uint64_t seg_len(void)
{
	switch (prng_below(&rng, 8)) {
	case 0:
		return prng_range(&rng, 1, 100);
	case 1:
		return prng_range(&rng, 1449, 64000);	/* TSO */
	case 2:
		return prng_range(&rng, 1, 3000);
	default:
		return 1448;
	}
}

static void model_step_send(void)
{
	uint64_t len = seg_len(), seq = m.nxt;
	uint32_t want, ev;

	want = model_new_seg(len);
	want |= model_app();
	ev = out(F_PA, (uint32_t)seq, m.rseq, (uint32_t)len, m.now);
	CHECK_EQ(ev, want);
	if (want & EV_APP)
		CHECK_EQ(res.app_ns, m.now - m.req);
}

static void model_step_retransmit(void)
{
	unsigned int first, last, i, k;
	uint64_t start, end, extra = 0;
	uint32_t want = EV_RETRANS, ev;

	for (first = 0; first < m.n && m.seg[first].end <= m.una; first++)
		;
	if (first == m.n)
		return;
	first += (unsigned int)prng_below(&rng, m.n - first);
	k = (unsigned int)prng_below(&rng, 3);
	last = first + k < m.n ? first + k : m.n - 1;
	start = m.seg[first].start;
	end = m.seg[last].end;
	if (end - start > 120000)
		last = first, end = m.seg[first].end;
	for (i = first; i <= last; i++)
		m.seg[i].retx = true;
	m.retrans_segs++;
	m.retrans_bytes += end - start;
	if (last == m.n - 1 && prng_one_in(&rng, 4)) {
		extra = prng_range(&rng, 1, 3000);
		want |= model_new_seg(extra);
		want |= model_app();
	}
	ev = out(F_PA, (uint32_t)start, m.rseq, (uint32_t)(end - start + extra), m.now);
	CHECK_EQ(ev, want);
	CHECK_EQ(res.retrans, end - start);
}

/* Expected outcome of a cumulative ACK from una to ack (una < ack <= nxt). */
static uint32_t model_ack(uint64_t ack, uint64_t *rtt)
{
	const struct model_seg *newest = NULL;
	bool karn = false;
	unsigned int i;
	int64_t d;

	for (i = 0; i < m.n; i++) {
		const struct model_seg *s = &m.seg[i];

		if (s->retx && s->start < ack && s->end > m.una)
			karn = true;
		if (!s->dropped && s->end > m.una && s->end <= ack)
			newest = s;
	}
	m.una = ack;
	if (!newest)
		return EV_ACK;
	if (karn) {
		m.karn++;
		return EV_ACK | EV_KARN;
	}
	*rtt = m.now - newest->sent;
	d = (int64_t)*rtt;
	m.srtt = m.samples ? m.srtt + (d - m.srtt) / 8 : d;
	if (!m.samples || *rtt < m.rtt_min)
		m.rtt_min = *rtt;
	if (!m.samples || *rtt > m.rtt_max)
		m.rtt_max = *rtt;
	m.samples++;
	return EV_ACK | EV_SAMPLE;
}

static void model_step_ack(void)
{
	uint64_t ack, una = m.una, rtt = 0;
	uint32_t want, ev, len = 0;
	unsigned int i, k;

	if (m.una == m.nxt)
		return;
	if (prng_one_in(&rng, 5)) {
		ack = prng_range(&rng, m.una + 1, m.nxt);
	} else {
		/* the end of the 1st, 2nd (delayed ACK) or 3rd unacked segment */
		k = (unsigned int)prng_range(&rng, 1, 3);
		for (i = 0; i < m.n && m.seg[i].end <= m.una; i++)
			;
		while (--k && i + 1 < m.n)
			i++;
		ack = m.seg[i].end;
	}
	want = model_ack(ack, &rtt);
	if (prng_one_in(&rng, 3))
		len = (uint32_t)prng_range(&rng, 1, 2000);	/* piggybacked on peer data */
	ev = in(len ? F_PA : F_ACK, m.rseq, (uint32_t)ack, len, m.now);
	if (len) {
		m.rseq += len;
		m.awaiting = true;
		m.req = m.now;
	}
	CHECK_EQ(ev, want);
	CHECK_EQ(res.rtt_ns, rtt);
	CHECK_EQ(res.acked, ack - una);
}

static void model_step_other(void)
{
	uint32_t len, ev, want = 0;

	switch (prng_below(&rng, 5)) {
	case 0:		/* duplicate ACK */
		want = m.una != m.nxt ? EV_DUP : 0;
		m.dups += m.una != m.nxt;
		ev = in(F_ACK, m.rseq, (uint32_t)m.una, 0, m.now);
		break;
	case 1:		/* an old ACK overtaken by a newer one */
		ev = in(F_ACK, m.rseq, (uint32_t)(m.una - prng_range(&rng, 1, 100000)), 0, m.now);
		break;
	case 2:		/* an ACK for data never sent (before any data: nothing to match) */
		want = m.n ? EV_BAD : 0;
		m.bad += m.n != 0;
		ev = in(F_ACK, m.rseq, (uint32_t)(m.nxt + prng_range(&rng, 1, 100000)), 0, m.now);
		break;
	case 3:		/* peer data acking nothing new */
		len = (uint32_t)prng_range(&rng, 1, 1448);
		ev = in(F_PA, m.rseq, (uint32_t)m.una, len, m.now);
		m.rseq += len;
		m.awaiting = true;
		m.req = m.now;
		break;
	default:	/* our pure ACK of peer data */
		ev = out(F_ACK, (uint32_t)m.nxt, m.rseq, 0, m.now);
		break;
	}
	CHECK_EQ(ev, want);
}

static void model_run(unsigned int run)
{
	unsigned int step, r;

	memset(&m, 0, sizeof(m));
	m.una = m.nxt = 0x100000000ULL - prng_range(&rng, 0, 300000);
	m.now = T0 + prng_below(&rng, 1000 * MS);
	m.rseq = (uint32_t)prng_next(&rng);
	m.window = (unsigned int)prng_range(&rng, 2, 24);
	m.send_pct = (unsigned int)prng_range(&rng, 30, 60);
	m.ack_pct = (unsigned int)prng_range(&rng, 15, 40);
	crosslat_rtt_flow_init(&flow, m.now);

	for (step = 0; step < MODEL_STEPS && m.n + 2 < MODEL_MAX_SEGS; step++) {
		if (!prng_one_in(&rng, 4))
			m.now += prng_below(&rng, 2 * MS);
		r = (unsigned int)prng_below(&rng, 100);
		if (r < m.send_pct && model_outstanding(false) < m.window)
			model_step_send();
		else if (r < m.send_pct + 5)
			model_step_retransmit();
		else if (r < m.send_pct + 5 + m.ack_pct)
			model_step_ack();
		else
			model_step_other();

		if (m.n) {
			CHECK_EQ(flow.snd_una, (uint32_t)m.una);
			CHECK_EQ(flow.snd_max, (uint32_t)m.nxt);
		}
		CHECK_EQ(flow.count, model_outstanding(true));
		if (tap.fails) {
			tap_diag("model run %u diverged at step %u", run, step);
			return;
		}
	}
	CHECK_EQ(flow.rtt.count, m.samples);
	CHECK_EQ(flow.app.count, m.apps);
	CHECK_EQ(flow.karn_skipped, m.karn);
	CHECK_EQ(flow.retrans_segs, m.retrans_segs);
	CHECK_EQ(flow.retrans_bytes, m.retrans_bytes);
	CHECK_EQ(flow.dup_acks, m.dups);
	CHECK_EQ(flow.ranges_dropped, m.drops);
	CHECK_EQ(flow.bad_acks, m.bad);
	CHECK_EQ(flow.clock_skew, 0);
	CHECK_EQ(flow.resyncs, 0);
	if (m.samples) {
		CHECK_EQ(flow.rtt.avg_ns, (uint64_t)m.srtt);
		CHECK_EQ(flow.rtt.min_ns, m.rtt_min);
		CHECK_EQ(flow.rtt.max_ns, m.rtt_max);
	}
	if (m.apps)
		CHECK_EQ(flow.app.avg_ns, (uint64_t)m.sapp);
}

static void test_reference_model(void)
{
	uint64_t samples = 0, karn = 0, drops = 0, apps = 0;
	unsigned int run;

	for (run = 0; run < 40 && !tap.fails; run++) {
		model_run(run);
		samples += m.samples;
		karn += m.karn;
		drops += m.drops;
		apps += m.apps;
	}
	tap_diag("model: %u runs, %" PRIu64 " samples, %" PRIu64 " Karn skips, %" PRIu64
		 " ranges dropped, %" PRIu64 " app samples", run, samples, karn, drops, apps);
	/* the random walk must actually reach the interesting cases */
	CHECK(samples > 1000 && karn > 100 && drops > 10 && apps > 100);
}

int main(void)
{
	prng_seed_from_env(&rng);
	tap_diag("sizeof(struct crosslat_rtt_flow) = %zu", sizeof(struct crosslat_rtt_flow));

	TAP_RUN(test_request_response);
	TAP_RUN(test_delayed_ack);
	TAP_RUN(test_tso_partial_acks);
	TAP_RUN(test_retrans_karn);
	TAP_RUN(test_retrans_with_new_data);
	TAP_RUN(test_dup_acks);
	TAP_RUN(test_sack_dup_acks);
	TAP_RUN(test_reordered_acks);
	TAP_RUN(test_wraparound);
	TAP_RUN(test_handshake);
	TAP_RUN(test_fin);
	TAP_RUN(test_ring_overflow);
	TAP_RUN(test_bad_ack);
	TAP_RUN(test_clock_backwards);
	TAP_RUN(test_app_latency);
	TAP_RUN(test_keepalive);
	TAP_RUN(test_srtt_ewma);
	TAP_RUN(test_ignored);
	TAP_RUN(test_resync);
	TAP_RUN(test_throughput);
	TAP_RUN(test_reference_model);
	return tap_done();
}
