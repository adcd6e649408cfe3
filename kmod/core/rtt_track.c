// SPDX-License-Identifier: GPL-2.0-only
/* Per-flow TCP RTT, retransmission and server think-time tracking from observed segments. */
#include "rtt_track.h"
#include "pkt_parse.h"
#include "tcp_seq.h"

#define RING_MASK	(CROSSLAT_RTT_RANGES - 1)
#define NS_PER_SEC	1000000000ULL

_Static_assert(CROSSLAT_RTT_RANGES <= 16 && !(CROSSLAT_RTT_RANGES & RING_MASK),
	       "retx_mask has 16 bits and slots wrap by masking");

static inline u16 slot_bit(unsigned int slot)
{
	return (u16)(1U << slot);
}

static inline void stat_add(struct crosslat_rtt_stat *s, u64 v)
{
	if (!s->count) {
		s->avg_ns = v;
		s->min_ns = v;
		s->max_ns = v;
	} else {
		if (v >= s->avg_ns)
			s->avg_ns += (v - s->avg_ns) >> 3;
		else
			s->avg_ns -= (s->avg_ns - v) >> 3;
		if (v < s->min_ns)
			s->min_ns = v;
		if (v > s->max_ns)
			s->max_ns = v;
	}
	s->last_ns = v;
	s->count++;
}

void crosslat_rtt_flow_init(struct crosslat_rtt_flow *f, u64 now)
{
	memset(f, 0, sizeof(*f));
	f->first_seen_ns = now;
	f->last_seen_ns = now;
}
CROSSLAT_CORE_EXPORT(crosslat_rtt_flow_init);

/* The packet is a TCP segment the tracker accepts; it also bumps the time window. */
static inline bool track_begin(struct crosslat_rtt_flow *f, const struct crosslat_pkt *pkt,
			       u64 now, struct crosslat_rtt_result *res)
{
	memset(res, 0, sizeof(*res));
	if (unlikely(!pkt->l4_valid || pkt->l4_proto != CROSSLAT_IPPROTO_TCP ||
		     pkt->payload_len > CROSSLAT_RTT_MAX_SEG_LEN))
		return false;
	if (now > f->last_seen_ns)
		f->last_seen_ns = now;
	else if (unlikely(now < f->first_seen_ns))
		f->first_seen_ns = now;
	return true;
}

/* Forget every range and restart the sequence state at seq (first segment or resync). */
static void seq_reset(struct crosslat_rtt_flow *f, u32 seq)
{
	f->ranges_dropped += f->count;
	f->count = 0;
	f->head = 0;
	f->retx_mask = 0;
	f->state = (f->state & ~CROSSLAT_RTT_S_GAP_RETX) | CROSSLAT_RTT_S_SEQ_VALID;
	f->snd_una = seq;
	f->snd_max = seq;
	f->ring_start = seq;
}

/* Retransmitted space now ends at least at end inside [snd_una, ring_start). */
static void gap_mark(struct crosslat_rtt_flow *f, u32 end)
{
	if (!(f->state & CROSSLAT_RTT_S_GAP_RETX) || crosslat_seq_after(end, f->gap_retx_end)) {
		f->gap_retx_end = end;
		f->state |= CROSSLAT_RTT_S_GAP_RETX;
	}
}

/* Appends [snd_max, end) sent at now, dropping the oldest range if the ring is full. */
static u32 range_append(struct crosslat_rtt_flow *f, u32 end, u64 now)
{
	unsigned int slot;
	u32 ev = 0;

	if (unlikely(f->count == CROSSLAT_RTT_RANGES)) {
		slot = f->head;
		if (f->retx_mask & slot_bit(slot))
			gap_mark(f, f->end[slot]);
		f->retx_mask &= ~slot_bit(slot);
		f->ring_start = f->end[slot];
		f->head = (slot + 1) & RING_MASK;
		f->count--;
		f->ranges_dropped++;
		ev = CROSSLAT_RTT_EV_RANGE_DROP;
	}
	slot = (f->head + f->count) & RING_MASK;
	f->end[slot] = end;
	f->sent_ns[slot] = now;
	f->count++;
	f->snd_max = end;
	return ev;
}

/* Wire segments pkt stands for: a GSO/GRO super-packet's count, else 1. */
static inline u32 pkt_segs(const struct crosslat_pkt *pkt)
{
	return pkt->segs ? pkt->segs : 1;
}

/* [seq, end) starts before snd_max: count it and flag what it overlaps (Karn). */
static void retransmit(struct crosslat_rtt_flow *f, u32 seq, u32 end, u32 len, u32 segs,
		       struct crosslat_rtt_result *res)
{
	u32 start = f->ring_start, below = f->snd_max - seq;
	unsigned int i, slot;

	res->retrans = min(len, below);
	f->retrans_segs += segs;
	f->retrans_bytes += res->retrans;

	/* the part inside the gap left by dropped ranges, [snd_una, ring_start) */
	if (crosslat_seq_before(seq, start) && crosslat_seq_before(f->snd_una, end) &&
	    f->snd_una != start)
		gap_mark(f, crosslat_seq_before(end, start) ? end : start);

	for (i = 0, slot = f->head; i < f->count; i++, slot = (slot + 1) & RING_MASK) {
		if (!crosslat_seq_before(start, end))
			break;
		if (crosslat_seq_before(seq, f->end[slot]))
			f->retx_mask |= slot_bit(slot);
		start = f->end[slot];
	}
}

/* A 1-byte probe just below the point the other side has acknowledged. */
static inline bool is_keepalive(u32 len, u8 flags, u32 seq, u32 acked)
{
	return len == 1 && !(flags & (CROSSLAT_TCP_FLAG_SYN | CROSSLAT_TCP_FLAG_FIN)) &&
	       seq == acked - 1;
}

/*
 * Everything but the common case: the first segment, retransmissions and keepalives, a
 * resync, a full ring, an application sample. Kept out of line so that the fast path in
 * crosslat_rtt_on_egress() stays small.
 */
static noinline u32 egress_slow(struct crosslat_rtt_flow *f, u32 seq, u32 end, u32 len,
				u8 flags, u32 segs, u64 now, struct crosslat_rtt_result *res)
{
	bool syn = flags & CROSSLAT_TCP_FLAG_SYN;
	bool new_payload = len;
	u32 ev = 0;

	if (unlikely(!(f->state & CROSSLAT_RTT_S_SEQ_VALID))) {
		seq_reset(f, seq);
	} else if (crosslat_seq_before(seq, f->snd_max)) {
		if (is_keepalive(len, flags, seq, f->snd_una)) {
			f->keepalives++;
			return CROSSLAT_RTT_EV_KEEPALIVE;
		}
		retransmit(f, seq, end, len, segs, res);
		ev = CROSSLAT_RTT_EV_RETRANS;
		/* only sequence space past snd_max is new */
		new_payload = len && crosslat_seq_after(seq + (syn ? 1 : 0) + len, f->snd_max);
		if (!crosslat_seq_after(end, f->snd_max))
			return ev;
	}
	if (unlikely(end - f->snd_una > CROSSLAT_RTT_MAX_WINDOW)) {
		seq_reset(f, seq);
		f->resyncs++;
		ev |= CROSSLAT_RTT_EV_RESYNC;
	}
	ev |= range_append(f, end, now);

	if (new_payload && (f->state & CROSSLAT_RTT_S_AWAITING)) {
		f->state &= ~CROSSLAT_RTT_S_AWAITING;
		if (unlikely(now < f->req_ns)) {
			f->clock_skew++;
			return ev | CROSSLAT_RTT_EV_CLOCK_SKEW;
		}
		res->app_ns = now - f->req_ns;
		stat_add(&f->app, res->app_ns);
		ev |= CROSSLAT_RTT_EV_APP_SAMPLE;
	}
	return ev;
}

u32 crosslat_rtt_on_egress(struct crosslat_rtt_flow *f, const struct crosslat_pkt *pkt, u64 now,
			   struct crosslat_rtt_result *res)
{
	u32 seq = pkt->tcp.seq, len = pkt->payload_len, end;
	u8 flags = pkt->tcp.flags;
	unsigned int slot;

	if (!track_begin(f, pkt, now, res))
		return 0;
	f->pkts_out += pkt_segs(pkt);
	f->bytes_out += len;

	if (flags & CROSSLAT_TCP_FLAG_ACK) {
		if (!(f->state & CROSSLAT_RTT_S_RCV_VALID) ||
		    crosslat_seq_after(pkt->tcp.ack_seq, f->rcv_ack)) {
			f->rcv_ack = pkt->tcp.ack_seq;
			f->state |= CROSSLAT_RTT_S_RCV_VALID;
		}
	}
	if (unlikely(flags & CROSSLAT_TCP_FLAG_RST))
		return 0;
	end = crosslat_seq_end(seq, len, flags & CROSSLAT_TCP_FLAG_SYN,
			       flags & CROSSLAT_TCP_FLAG_FIN);
	if (end == seq)
		return 0;	/* pure ACK or window update */

	/* the common case: new data in order, room in the ring, no request awaiting */
	if (likely((f->state & (CROSSLAT_RTT_S_SEQ_VALID | CROSSLAT_RTT_S_AWAITING)) ==
		   CROSSLAT_RTT_S_SEQ_VALID && !crosslat_seq_before(seq, f->snd_max) &&
		   end - f->snd_una <= CROSSLAT_RTT_MAX_WINDOW &&
		   f->count < CROSSLAT_RTT_RANGES)) {
		slot = (f->head + f->count) & RING_MASK;
		f->end[slot] = end;
		f->sent_ns[slot] = now;
		f->count++;
		f->snd_max = end;
		return 0;
	}
	return egress_slow(f, seq, end, len, flags, pkt_segs(pkt), now, res);
}
CROSSLAT_CORE_EXPORT(crosslat_rtt_on_egress);

/* ack lies in (snd_una, snd_max]: remove what it covers, maybe take a sample. */
static inline u32 ack_advance(struct crosslat_rtt_flow *f, u32 ack, u64 now,
			      struct crosslat_rtt_result *res)
{
	unsigned int head = f->head, count = f->count, last = 0;
	u32 una = f->snd_una;
	u16 removed = 0, touched;
	bool karn = false;

	res->acked = ack - una;
	/* remove the ranges ack covers completely; last is the newest of them */
	for (; count; count--) {
		if (crosslat_seq_before(ack, f->end[head]))
			break;
		removed |= slot_bit(head);
		last = head;
		head = (head + 1) & RING_MASK;
	}
	touched = removed;
	if (removed)
		f->ring_start = f->end[last];
	if (count && crosslat_seq_after(ack, f->ring_start)) {
		/* partly covered: trimmed, no sample from it */
		touched |= slot_bit(head);
		f->ring_start = ack;
	}
	f->head = head;
	f->count = count;
	f->snd_una = ack;

	if (unlikely(f->state & CROSSLAT_RTT_S_GAP_RETX)) {
		karn = crosslat_seq_before(una, f->gap_retx_end);
		if (!crosslat_seq_before(ack, f->gap_retx_end))
			f->state &= ~CROSSLAT_RTT_S_GAP_RETX;
	}
	if (unlikely(f->retx_mask & touched)) {
		karn = true;
		f->retx_mask &= ~removed;
	}

	if (!removed)
		return CROSSLAT_RTT_EV_ACK;
	if (unlikely(karn)) {
		f->karn_skipped++;
		return CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_KARN_SKIP;
	}
	if (unlikely(now < f->sent_ns[last])) {
		f->clock_skew++;
		return CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_CLOCK_SKEW;
	}
	res->rtt_ns = now - f->sent_ns[last];
	stat_add(&f->rtt, res->rtt_ns);
	return CROSSLAT_RTT_EV_ACK | CROSSLAT_RTT_EV_SAMPLE;
}

u32 crosslat_rtt_on_ingress(struct crosslat_rtt_flow *f, const struct crosslat_pkt *pkt, u64 now,
			    struct crosslat_rtt_result *res)
{
	u32 ack = pkt->tcp.ack_seq, len = pkt->payload_len, ev = 0;
	u8 flags = pkt->tcp.flags;

	if (!track_begin(f, pkt, now, res))
		return 0;
	f->pkts_in += pkt_segs(pkt);
	f->bytes_in += len;
	if (unlikely(flags & CROSSLAT_TCP_FLAG_RST))
		return 0;

	if ((flags & CROSSLAT_TCP_FLAG_ACK) && (f->state & CROSSLAT_RTT_S_SEQ_VALID)) {
		if (crosslat_seq_after(ack, f->snd_una)) {
			if (likely(!crosslat_seq_after(ack, f->snd_max))) {
				ev = ack_advance(f, ack, now, res);
			} else {
				f->bad_acks++;
				ev = CROSSLAT_RTT_EV_BAD_ACK;
			}
		} else if (ack == f->snd_una && !len && f->snd_una != f->snd_max &&
			   !(flags & (CROSSLAT_TCP_FLAG_SYN | CROSSLAT_TCP_FLAG_FIN))) {
			f->dup_acks++;
			ev = CROSSLAT_RTT_EV_DUP_ACK;
		}
	}

	if (len) {
		if ((f->state & CROSSLAT_RTT_S_RCV_VALID) &&
		    is_keepalive(len, flags, pkt->tcp.seq, f->rcv_ack)) {
			f->keepalives++;
			return ev | CROSSLAT_RTT_EV_KEEPALIVE;
		}
		f->req_ns = now;
		f->state |= CROSSLAT_RTT_S_AWAITING;
	}
	return ev;
}
CROSSLAT_CORE_EXPORT(crosslat_rtt_on_ingress);

u64 crosslat_rtt_throughput(u64 bytes, u64 first_ns, u64 last_ns)
{
	u64 span, whole, rem;

	if (last_ns <= first_ns)
		return 0;
	span = last_ns - first_ns;
	whole = cl_div64_u64(bytes, span);
	if (whole >= CL_U64_MAX / NS_PER_SEC)
		return CL_U64_MAX;
	rem = bytes - whole * span;
	/* rem < span, so after equal shifts the share stays <= 10^9 and span stays non-zero */
	while (rem > CL_U64_MAX / NS_PER_SEC) {
		rem >>= 1;
		span >>= 1;
	}
	return whole * NS_PER_SEC + cl_div64_u64(rem * NS_PER_SEC, span);
}
CROSSLAT_CORE_EXPORT(crosslat_rtt_throughput);
