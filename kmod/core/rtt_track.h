/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-flow TCP RTT, retransmission and server think-time tracking from observed segments. */
#ifndef _CROSSLAT_RTT_TRACK_H
#define _CROSSLAT_RTT_TRACK_H

#include "core_types.h"

struct crosslat_pkt;

/*
 * Model. The local host is one end of a TCP connection. "Egress" segments are the ones it
 * sends, "ingress" segments the ones it receives. Only the local host's sending direction is
 * tracked in sequence space: every egress segment that occupies sequence space (payload, SYN
 * or FIN) and starts at or past snd_max becomes one outstanding range, whatever its size
 * (a TSO/GSO super-packet is one range). The ranges tile [ring_start, snd_max) without holes:
 * a segment that starts past snd_max (the tracker missed some) gets a range starting at
 * snd_max. An ingress ACK that advances the cumulative ACK removes the ranges it covers and
 * yields one RTT sample: now minus the send time of the newest range it covers completely.
 *
 * Karn's rule: a segment that starts before snd_max is a retransmission. It flags every
 * outstanding range it overlaps, and an ACK that covers any part of a flagged range (or of
 * retransmitted sequence space whose range was dropped) gives no sample. A retransmission
 * that also carries sequence space past snd_max adds that new part as an ordinary, unflagged
 * range: it is new data and its ACK is a valid sample once the retransmitted part is acked.
 *
 * When the ring is full the oldest range is dropped (ranges_dropped); [snd_una, ring_start)
 * is then sequence space without ranges. An ACK inside it gives no sample; its retransmitted
 * part is remembered (gap_retx_end) so that Karn's rule still holds for it.
 *
 * Application latency (the local host's think time as a server): an ingress segment with
 * payload records its arrival and arms "awaiting response"; the next egress segment that
 * carries new payload (payload past snd_max) gives one sample, now minus that arrival, and
 * disarms it. Later egress segments of the same response, and retransmissions, are not
 * samples. Keepalives (a 1-byte segment just below the peer's ACK point) neither arm it nor
 * answer it.
 *
 * All sequence comparisons are modulo 2^32 (tcp_seq.h). A timestamp older than the one it is
 * compared with (CPUs whose clocks disagree) gives no sample and counts clock_skew.
 *
 * Context: every function below may run in softirq context. They never sleep or allocate,
 * loop at most CROSSLAT_RTT_RANGES times, and update the flow with plain stores: the caller
 * serialises all calls on one flow (and its readers) with a per-flow lock.
 */

/* Outstanding egress ranges per flow; a power of two no larger than 16 (retx_mask bits). */
#define CROSSLAT_RTT_RANGES		16

/*
 * Sequence space between snd_una and the end of a new segment larger than this (TCP's largest
 * scaled window) means the tracker lost the connection's thread: it drops its ranges and
 * restarts from that segment (resyncs).
 */
#define CROSSLAT_RTT_MAX_WINDOW		(1U << 30)

/* Segments with a larger payload_len are malformed input and are ignored (return 0). */
#define CROSSLAT_RTT_MAX_SEG_LEN	(1U << 24)

/* Bits of the mask returned by crosslat_rtt_on_egress() / crosslat_rtt_on_ingress(). */
#define CROSSLAT_RTT_EV_SAMPLE		0x0001	/* RTT sample in res->rtt_ns (ingress) */
#define CROSSLAT_RTT_EV_APP_SAMPLE	0x0002	/* think time in res->app_ns (egress) */
#define CROSSLAT_RTT_EV_RETRANS		0x0004	/* egress retransmission (res->retrans bytes) */
#define CROSSLAT_RTT_EV_KARN_SKIP	0x0008	/* ACK covered retransmitted data: no sample */
#define CROSSLAT_RTT_EV_DUP_ACK		0x0010	/* duplicate ACK with data outstanding */
#define CROSSLAT_RTT_EV_BAD_ACK		0x0020	/* ACK for sequence space never sent: ignored */
#define CROSSLAT_RTT_EV_RANGE_DROP	0x0040	/* ring full: the oldest range was dropped */
#define CROSSLAT_RTT_EV_CLOCK_SKEW	0x0080	/* timestamp went backwards: sample withheld */
#define CROSSLAT_RTT_EV_ACK		0x0100	/* cumulative ACK advanced by res->acked */
#define CROSSLAT_RTT_EV_KEEPALIVE	0x0200	/* keepalive probe: no range, no app sample */
#define CROSSLAT_RTT_EV_RESYNC		0x0400	/* sequence jump: ranges dropped, restarted */

/* Bits of crosslat_rtt_flow.state. */
#define CROSSLAT_RTT_S_SEQ_VALID	0x01	/* snd_una, snd_max, ring_start are set */
#define CROSSLAT_RTT_S_RCV_VALID	0x02	/* rcv_ack is set */
#define CROSSLAT_RTT_S_AWAITING		0x04	/* request data arrived, no response yet */
#define CROSSLAT_RTT_S_GAP_RETX		0x08	/* gap_retx_end is set */

/*
 * Running statistics of one kind of sample, in ns. avg_ns is TCP's srtt filter, gain 1/8: the
 * first sample sets it, each later one moves it by (sample - avg_ns) / 8 with the step
 * truncated toward zero (at most 7 ns of bias, no overflow), so min_ns <= avg_ns <= max_ns.
 * All fields are 0 while count is 0.
 */
struct crosslat_rtt_stat {
	u64 avg_ns;
	u64 min_ns;
	u64 max_ns;
	u64 last_ns;
	u64 count;
};

/*
 * One tracked connection; fixed size, no pointers, may live in a hash table entry. Set up by
 * crosslat_rtt_flow_init(); readers may look at any field under the flow's lock. Counters
 * of u32 wrap modulo 2^32.
 */
struct crosslat_rtt_flow {
	/* Local sender's sequence state, valid with CROSSLAT_RTT_S_SEQ_VALID. */
	u32 snd_una;		/* highest cumulative ACK seen */
	u32 snd_max;		/* end of the highest sequence space sent */
	u32 ring_start;		/* start of the oldest range; snd_una <= ring_start <= snd_max */
	u32 gap_retx_end;	/* retransmitted space in [snd_una, ring_start) ends here */
	u32 rcv_ack;		/* highest ACK the local host sent (peer keepalive detection) */
	u16 retx_mask;		/* bit i: range slot i was retransmitted */
	u8 head;		/* slot of the oldest range */
	u8 count;		/* ranges outstanding, 0..CROSSLAT_RTT_RANGES */
	u8 state;		/* CROSSLAT_RTT_S_* */

	/* Range in slot i covers [start, end[i]), start being end of the previous slot. */
	u32 end[CROSSLAT_RTT_RANGES];
	u64 sent_ns[CROSSLAT_RTT_RANGES];

	u64 first_seen_ns;	/* earliest timestamp seen (init or packet) */
	u64 last_seen_ns;	/* latest timestamp seen */
	u64 req_ns;		/* arrival of the last request payload, with S_AWAITING */
	u64 bytes_out;		/* TCP payload bytes sent, retransmissions included */
	u64 bytes_in;		/* TCP payload bytes received */
	u64 pkts_out;		/* wire segments (crosslat_pkt.segs), not super-packets */
	u64 pkts_in;
	u64 retrans_bytes;	/* payload bytes of retransmissions that lay below snd_max */

	struct crosslat_rtt_stat rtt;	/* RTT samples; rtt.avg_ns is the smoothed RTT */
	struct crosslat_rtt_stat app;	/* application (server think time) samples */

	u32 retrans_segs;	/* wire segments of egress packets starting before snd_max */
	u32 karn_skipped;	/* ACKs that fully covered a range but touched retransmitted data */
	u32 dup_acks;		/* ACK == snd_una, no payload, no SYN/FIN, data outstanding */
	u32 bad_acks;		/* ACKs past snd_max, ignored */
	u32 ranges_dropped;	/* ranges lost to a full ring or a resync */
	u32 clock_skew;		/* samples withheld because time went backwards */
	u32 resyncs;		/* sequence jumps past CROSSLAT_RTT_MAX_WINDOW */
	u32 keepalives;		/* keepalive probes either way */
};

/* What one call measured; every field is written on every call, 0 when not applicable. */
struct crosslat_rtt_result {
	u64 rtt_ns;		/* with CROSSLAT_RTT_EV_SAMPLE */
	u64 app_ns;		/* with CROSSLAT_RTT_EV_APP_SAMPLE */
	u32 acked;		/* with CROSSLAT_RTT_EV_ACK: sequence space newly acknowledged */
	u32 retrans;		/* with CROSSLAT_RTT_EV_RETRANS: payload bytes below snd_max */
};

/* Zero the flow and set first_seen_ns and last_seen_ns to now. */
void crosslat_rtt_flow_init(struct crosslat_rtt_flow *f, u64 now);

/*
 * crosslat_rtt_on_egress() - account a segment the local host sent
 * @pkt: a crosslat_pkt_parse() result; payload_len must be the segment's real TCP payload
 *       length (if the parse ran on a truncated copy, the caller sets it from the packet length)
 * @now: monotonic time in ns (ktime_get_ns() in the kernel)
 * @res: filled on every call
 *
 * Non-TCP packets, packets without a parsed TCP header and payloads over
 * CROSSLAT_RTT_MAX_SEG_LEN are ignored: returns 0 and leaves the flow untouched. Otherwise
 * counts the volume, records the segment's sequence space as described above, and takes an
 * application sample if a request is awaiting its response. RST segments count as volume only.
 *
 * Return: a mask of CROSSLAT_RTT_EV_* (0 for a pure ACK).
 */
u32 crosslat_rtt_on_egress(struct crosslat_rtt_flow *f, const struct crosslat_pkt *pkt, u64 now,
			   struct crosslat_rtt_result *res);

/*
 * crosslat_rtt_on_ingress() - account a segment the local host received
 *
 * Same arguments and filtering as crosslat_rtt_on_egress(). An ACK (RST not set) after
 * snd_una and not after snd_max advances snd_una and may give an RTT sample; one after
 * snd_max only counts bad_acks; one equal to snd_una may count a duplicate ACK; older ones
 * are ignored. SACK blocks are never looked at. Payload arms the application timer.
 *
 * Return: a mask of CROSSLAT_RTT_EV_*.
 */
u32 crosslat_rtt_on_ingress(struct crosslat_rtt_flow *f, const struct crosslat_pkt *pkt, u64 now,
			    struct crosslat_rtt_result *res);

/*
 * crosslat_rtt_throughput() - bytes per second over [first_ns, last_ns]
 *
 * floor(bytes * 10^9 / span), span = last_ns - first_ns, in 64-bit integers without floating
 * point or a 128-bit product: whole multiples of span and the remainder are scaled
 * separately. Exact while the remainder times 10^9 fits in 64 bits (always for spans up to
 * ~18 s); beyond that remainder and span are halved together until it fits, which moves the
 * result by at most 1. Returns 0 when last_ns is not after first_ns; saturates at U64_MAX
 * when the rate comes within 10^9 of overflowing 64 bits.
 */
u64 crosslat_rtt_throughput(u64 bytes, u64 first_ns, u64 last_ns);

#endif /* _CROSSLAT_RTT_TRACK_H */
