// SPDX-License-Identifier: GPL-2.0-only
/* Replays one realistic TCP flow N times through crosslat_pkt_parse() and the RTT tracker. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_arm.h"
#include "pkt_builder.h"
#include "pkt_parse.h"
#include "rtt_track.h"

/*
 * The flow, seen from the local host, which is the server:
 *   - handshake (SYN in, SYN-ACK out, ACK in) and a 100-byte request;
 *   - a bulk response of BULK_SEGS 1448-byte segments paced PACE_NS apart, RTT_NS round trip;
 *     the peer ACKs every second in-order segment at once (delayed ACKs), every out-of-order
 *     one immediately (duplicate ACKs); every LOSS_EVERY-th segment (1%) is lost and
 *     retransmitted when the third duplicate ACK reaches the sender;
 *   - EXCHANGES request/response pairs: a 200-byte request, THINK_NS of think time, a
 *     1000-byte response, the peer's ACK.
 * The local sequence space starts just below 2^32 so the bulk transfer wraps.
 */
#define BULK_SEGS	1000
#define MSS		1448
#define PACE_NS		4000ULL
#define RTT_NS		30000ULL
#define LOSS_EVERY	100
#define EXCHANGES	20
#define THINK_NS	50000ULL
#define LOCAL_ISS	0xfff00000u
#define PEER_ISS	0x10000000u
#define MAX_PKTS	4096
#define BUF_BYTES	(8 << 20)

enum dir { EGRESS, INGRESS };

struct pkt_ref {
	uint64_t t;		/* ns since the flow started */
	uint32_t off, len;	/* bytes in buf, IP header first */
	enum dir dir;
	unsigned int order;	/* tie-break for equal times: generation order */
};

static struct pkt_ref pkts[MAX_PKTS];
static unsigned int npkts;
static uint8_t *buf;
static size_t buf_used;

static void emit(enum dir dir, uint64_t t, uint8_t flags, uint32_t seq, uint32_t ack,
		 uint32_t len)
{
	struct pkt_builder b;
	size_t n;

	pkt_builder_init(&b, 4, 6);
	if (dir == INGRESS) {
		b.saddr[3] = 2;
		b.daddr[3] = 1;
		b.sport = 40000;
		b.dport = 8080;
	} else {
		b.sport = 8080;
		b.dport = 40000;
	}
	b.tcp_flags = flags;
	b.seq = seq;
	b.ack_seq = ack;
	b.payload_len = len;
	n = pkt_builder_build(&b, buf + buf_used, BUF_BYTES - buf_used, NULL);
	if (!n || npkts == MAX_PKTS) {
		fprintf(stderr, "rtt_replay: packet buffer full\n");
		exit(1);
	}
	pkts[npkts] = (struct pkt_ref){ .t = t, .off = (uint32_t)buf_used, .len = (uint32_t)n,
					.dir = dir, .order = npkts };
	npkts++;
	buf_used += n;
}

static int by_time(const void *a, const void *b)
{
	const struct pkt_ref *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

#define SYN	0x02
#define ACK	0x10
#define PA	0x18

/* Arrival at the peer of each bulk segment, original or retransmitted, in time order. */
struct arrival {
	uint64_t t;
	unsigned int seg;
};

static int arrival_cmp(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static void build_flow(void)
{
	static struct arrival arr[BULK_SEGS];
	static bool have[BULK_SEGS];
	uint32_t lseq = LOCAL_ISS + 1, pseq = PEER_ISS + 1, bulk0;
	uint64_t t = 0, bulk_t0, r, end_t;
	unsigned int i, narr = 0, rcv = 0, pending = 0, n;

	/* handshake and the request for the bulk data */
	emit(INGRESS, t, SYN, PEER_ISS, 0, 0);
	emit(EGRESS, t + 5000, SYN | ACK, LOCAL_ISS, pseq, 0);
	emit(INGRESS, t + 5000 + RTT_NS, ACK, pseq, lseq, 0);
	emit(INGRESS, t + 6000 + RTT_NS, PA, pseq, lseq, 100);
	pseq += 100;
	t += 6000 + RTT_NS + THINK_NS;

	/* the bulk response: sends, losses, retransmissions */
	bulk_t0 = t;
	bulk0 = lseq;
	for (i = 0; i < BULK_SEGS; i++) {
		uint64_t sent = bulk_t0 + i * PACE_NS;

		emit(EGRESS, sent, i ? ACK : PA, bulk0 + i * MSS, pseq, MSS);
		if (i % LOSS_EVERY == LOSS_EVERY / 2 && i + 3 < BULK_SEGS) {
			/* the third duplicate ACK (after segment i + 3) triggers the retransmit */
			r = bulk_t0 + (i + 3) * PACE_NS + RTT_NS + 1000;
			emit(EGRESS, r, ACK, bulk0 + i * MSS, pseq, MSS);
			arr[narr++] = (struct arrival){ r + RTT_NS / 2, i };
		} else {
			arr[narr++] = (struct arrival){ sent + RTT_NS / 2, i };
		}
	}

	/* the peer: delayed ACKs in order, immediate ACKs out of order or filling a hole */
	qsort(arr, narr, sizeof(arr[0]), arrival_cmp);
	end_t = 0;
	for (i = 0; i < narr; i++) {
		bool in_order = arr[i].seg == rcv, filled = false;

		have[arr[i].seg] = true;
		if (in_order) {
			while (rcv < BULK_SEGS && have[rcv])
				rcv++;
			filled = rcv > arr[i].seg + 1;
		}
		if (!in_order || filled || ++pending == 2) {
			emit(INGRESS, arr[i].t + RTT_NS / 2, ACK, pseq, bulk0 + rcv * MSS, 0);
			pending = 0;
		}
		end_t = arr[i].t;
	}
	if (pending)	/* delayed-ACK timer */
		emit(INGRESS, end_t + 40000 + RTT_NS / 2, ACK, pseq, bulk0 + rcv * MSS, 0);
	lseq = bulk0 + BULK_SEGS * MSS;
	t = end_t + 100000;

	/* request/response exchanges */
	for (n = 0; n < EXCHANGES; n++) {
		emit(INGRESS, t, PA, pseq, lseq, 200);
		pseq += 200;
		emit(EGRESS, t + THINK_NS, PA, lseq, pseq, 1000);
		lseq += 1000;
		emit(INGRESS, t + THINK_NS + RTT_NS, ACK, pseq, lseq, 0);
		t += THINK_NS + RTT_NS + 200000;
	}
	qsort(pkts, npkts, sizeof(pkts[0]), by_time);
}

/* Results are summed into a checksum that is printed, so the compiler cannot drop the work. */
static uint64_t checksum;

/*
 * Mode "arm": after each packet, the check crosslat_rtt's hooks make for layer tracing
 * (core/layer_arm.h) on the flow's deadline, read like READ_ONCE() (a volatile load), of an
 * unarmed flow (0). Compared with the plain mode, the difference is what an unarmed flow
 * pays on the RTT path.
 */
static uint64_t arm_until_ns;
static uint64_t layer_events;

static noinline void layer_emit(void)
{
	layer_events++;
}

/* Inlined into one function per mode, so the plain mode has no trace of the check. */
static inline __attribute__((__always_inline__)) void replay_mode(unsigned int round,
							      struct crosslat_rtt_flow *f,
							      const bool arm_check)
{
	uint64_t base = 1000000000000ULL + round * 100000000ULL, acc = 0;
	struct crosslat_rtt_result res;
	struct crosslat_pkt pkt;
	unsigned int i;

	crosslat_rtt_flow_init(f, base);
	for (i = 0; i < npkts; i++) {
		const struct pkt_ref *p = &pkts[i];

		if (crosslat_pkt_parse(buf + p->off, p->len, CROSSLAT_PKT_L3, &pkt))
			abort();
		if (p->dir == EGRESS)
			acc += crosslat_rtt_on_egress(f, &pkt, base + p->t, &res);
		else
			acc += crosslat_rtt_on_ingress(f, &pkt, base + p->t, &res);
		acc += res.rtt_ns;
		if (arm_check &&
		    unlikely(crosslat_layer_armed(*(volatile uint64_t *)&arm_until_ns, base + p->t)))
			layer_emit();
	}
	checksum += acc;
}

static noinline void replay(unsigned int round, struct crosslat_rtt_flow *f)
{
	replay_mode(round, f, false);
}

static noinline void replay_arm(unsigned int round, struct crosslat_rtt_flow *f)
{
	replay_mode(round, f, true);
}

int main(int argc, char **argv)
{
	static struct crosslat_rtt_flow flow;
	unsigned int rounds = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 1, i;
	unsigned int egress = 0;
	bool arm_check = argc > 2 && !strcmp(argv[2], "arm");

	buf = malloc(BUF_BYTES);
	if (!buf)
		return 1;
	build_flow();
	for (i = 0; i < npkts; i++)
		egress += pkts[i].dir == EGRESS;
	for (i = 0; i < rounds; i++) {
		if (arm_check)
			replay_arm(i, &flow);
		else
			replay(i, &flow);
	}

	printf("packets %u egress %u ingress %u replays %u\n", npkts, egress, npkts - egress,
	       rounds);
	printf("sizeof(struct crosslat_rtt_flow) %zu\n", sizeof(struct crosslat_rtt_flow));
	printf("checksum %016" PRIx64 "\n", checksum);
	if (arm_check)
		printf("arm check: layer events %" PRIu64 "\n", layer_events);
	if (rounds)
		printf("last replay: rtt samples %" PRIu64 " srtt %" PRIu64 " ns min %" PRIu64
		       " max %" PRIu64 " app samples %" PRIu64 " app avg %" PRIu64
		       " ns retrans %u karn %u dup acks %u dropped %u\n",
		       flow.rtt.count, flow.rtt.avg_ns, flow.rtt.min_ns, flow.rtt.max_ns,
		       flow.app.count, flow.app.avg_ns, flow.retrans_segs, flow.karn_skipped,
		       flow.dup_acks, flow.ranges_dropped);
	free(buf);
	return 0;
}
