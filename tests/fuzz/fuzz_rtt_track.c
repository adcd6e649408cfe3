// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target for the RTT tracker: 16-byte segment records drive one flow, invariants. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "pkt_parse.h"
#include "rtt_track.h"
#include "tcp_seq.h"

/*
 * Record (16 bytes, little endian):
 *   0      control: bit 0 ingress, bit 1 seq relative, bit 2 ack relative, bit 3 time goes
 *          backwards by dt, bit 4 not TCP, bit 5 no parsed L4 header, bit 6 len << 9
 *   1      TCP flags
 *   2..5   seq; relative: an s32 added to snd_max (egress) or rcv_ack (ingress)
 *   6..9   ack; relative: an s32 added to snd_una
 *   10..11 payload length
 *   12..15 dt in ns
 * Relative fields let the fuzzer reach in-order streams, retransmissions and partial ACKs
 * without guessing 32-bit sequence numbers.
 */
#define REC_LEN		16
#define CTL_INGRESS	0x01
#define CTL_SEQ_REL	0x02
#define CTL_ACK_REL	0x04
#define CTL_BACKWARDS	0x08
#define CTL_NOT_TCP	0x10
#define CTL_NO_L4	0x20
#define CTL_LEN_SHIFT	0x40

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Structural invariants of the flow that must hold after every call. */
static void check_flow(const struct crosslat_rtt_flow *f, uint64_t tmin, uint64_t tmax)
{
	uint32_t start, occupied = 0;
	unsigned int i, slot;

	REQUIRE(f->count <= CROSSLAT_RTT_RANGES);
	REQUIRE(f->head < CROSSLAT_RTT_RANGES);
	REQUIRE(f->first_seen_ns == tmin && f->last_seen_ns == tmax);

	if (f->state & CROSSLAT_RTT_S_SEQ_VALID) {
		/* snd_una <= ring_start <= snd_max, the window bounded */
		REQUIRE(f->snd_max - f->snd_una <=
			CROSSLAT_RTT_MAX_WINDOW + CROSSLAT_RTT_MAX_SEG_LEN + 2);
		REQUIRE(crosslat_seq_between(f->ring_start, f->snd_una, f->snd_max));
		/* the ranges tile [ring_start, snd_max), each non-empty */
		start = f->ring_start;
		for (i = 0, slot = f->head; i < f->count; i++, slot = (slot + 1) % 16) {
			REQUIRE(crosslat_seq_before(start, f->end[slot]));
			REQUIRE(crosslat_seq_between(f->end[slot], f->ring_start, f->snd_max));
			occupied |= 1u << slot;
			start = f->end[slot];
		}
		REQUIRE(start == f->snd_max);
		if (f->state & CROSSLAT_RTT_S_GAP_RETX) {
			REQUIRE(crosslat_seq_after(f->gap_retx_end, f->snd_una));
			REQUIRE(crosslat_seq_between(f->gap_retx_end, f->snd_una, f->ring_start));
		}
	} else {
		REQUIRE(f->count == 0);
		REQUIRE(!(f->state & CROSSLAT_RTT_S_GAP_RETX));
	}
	REQUIRE(!(f->retx_mask & ~occupied));

	/* samples never exceed the total elapsed time; the average lies within min..max */
	if (f->rtt.count) {
		REQUIRE(f->rtt.min_ns <= f->rtt.avg_ns && f->rtt.avg_ns <= f->rtt.max_ns);
		REQUIRE(f->rtt.max_ns <= tmax - tmin);
		REQUIRE(f->rtt.min_ns <= f->rtt.last_ns && f->rtt.last_ns <= f->rtt.max_ns);
	} else {
		REQUIRE(!f->rtt.avg_ns && !f->rtt.min_ns && !f->rtt.max_ns && !f->rtt.last_ns);
	}
	if (f->app.count) {
		REQUIRE(f->app.min_ns <= f->app.avg_ns && f->app.avg_ns <= f->app.max_ns);
		REQUIRE(f->app.max_ns <= tmax - tmin);
	}
}

/* floor(bytes * 10^9 / span) with a 128-bit product, saturated at UINT64_MAX */
static uint64_t exact_rate(uint64_t bytes, uint64_t span)
{
	unsigned __int128 r = (unsigned __int128)bytes * 1000000000u / span;

	return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

/* Within 1 of the exact floor, or saturated near 2^64 as documented. */
static void check_throughput(uint64_t bytes, uint64_t first, uint64_t last)
{
	uint64_t got = crosslat_rtt_throughput(bytes, first, last), want;

	if (last <= first) {
		REQUIRE(got == 0);
		return;
	}
	want = exact_rate(bytes, last - first);
	if (want >= UINT64_MAX - 1000000000u)
		REQUIRE(got == UINT64_MAX || got + 1 >= want);
	else
		REQUIRE(got <= want + 1 && got + 1 >= want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 1ULL << 42, tmin = now, tmax = now, dt, rtt_count, app_count;
	struct crosslat_rtt_flow f, before;
	struct crosslat_rtt_result res;
	struct crosslat_pkt pkt;
	const uint8_t *rec;
	uint32_t ev, len;
	bool ingress, accepted;
	size_t off;
	uint8_t ctl;

	crosslat_rtt_flow_init(&f, now);
	for (off = 0; off + REC_LEN <= size; off += REC_LEN) {
		rec = data + off;
		ctl = rec[0];
		ingress = ctl & CTL_INGRESS;
		len = (uint32_t)rec[10] | (uint32_t)rec[11] << 8;
		if (ctl & CTL_LEN_SHIFT)
			len <<= 9;
		dt = get32(rec + 12);
		now = ctl & CTL_BACKWARDS ? now - dt : now + dt;

		memset(&pkt, 0, sizeof(pkt));
		pkt.family = 4;
		pkt.l4_proto = ctl & CTL_NOT_TCP ? CROSSLAT_IPPROTO_UDP : CROSSLAT_IPPROTO_TCP;
		pkt.l4_valid = !(ctl & CTL_NO_L4);
		pkt.tcp.flags = rec[1];
		pkt.tcp.seq = get32(rec + 2);
		if (ctl & CTL_SEQ_REL)
			pkt.tcp.seq += ingress ? f.rcv_ack : f.snd_max;
		pkt.tcp.ack_seq = get32(rec + 6);
		if (ctl & CTL_ACK_REL)
			pkt.tcp.ack_seq += f.snd_una;
		pkt.tcp.doff = 20;
		pkt.payload_off = 40;
		pkt.payload_len = len;

		before = f;
		rtt_count = f.rtt.count;
		app_count = f.app.count;
		memset(&res, 0xa5, sizeof(res));
		if (ingress)
			ev = crosslat_rtt_on_ingress(&f, &pkt, now, &res);
		else
			ev = crosslat_rtt_on_egress(&f, &pkt, now, &res);

		accepted = pkt.l4_valid && pkt.l4_proto == CROSSLAT_IPPROTO_TCP &&
			   len <= CROSSLAT_RTT_MAX_SEG_LEN;
		if (!accepted) {
			REQUIRE(ev == 0);
			REQUIRE(!memcmp(&f, &before, sizeof(f)));
		} else {
			tmin = now < tmin ? now : tmin;
			tmax = now > tmax ? now : tmax;
		}
		REQUIRE(!(ev & ~0x7ffu));
		if (ev & CROSSLAT_RTT_EV_SAMPLE) {
			REQUIRE(ingress);
			REQUIRE(f.rtt.count == rtt_count + 1 && f.rtt.last_ns == res.rtt_ns);
			REQUIRE(res.rtt_ns <= tmax - tmin);
		} else {
			REQUIRE(res.rtt_ns == 0 && f.rtt.count == rtt_count);
		}
		if (ev & CROSSLAT_RTT_EV_APP_SAMPLE) {
			REQUIRE(!ingress);
			REQUIRE(f.app.count == app_count + 1 && f.app.last_ns == res.app_ns);
			REQUIRE(res.app_ns <= tmax - tmin);
		} else {
			REQUIRE(res.app_ns == 0 && f.app.count == app_count);
		}
		if (!(ev & CROSSLAT_RTT_EV_ACK))
			REQUIRE(res.acked == 0);
		if (!(ev & CROSSLAT_RTT_EV_RETRANS))
			REQUIRE(res.retrans == 0);
		/* an RTT sample and a Karn skip or clock skew exclude each other */
		if (ev & (CROSSLAT_RTT_EV_KARN_SKIP | CROSSLAT_RTT_EV_CLOCK_SKEW))
			REQUIRE(!(ev & CROSSLAT_RTT_EV_SAMPLE));
		check_flow(&f, tmin, tmax);
	}
	check_throughput(f.bytes_out, f.first_seen_ns, f.last_seen_ns);
	if (size >= 16)
		check_throughput(get32(data) | (uint64_t)get32(data + 4) << 32, 0,
				 get32(data + 8) | (uint64_t)get32(data + 12) << 32);
	return 0;
}
