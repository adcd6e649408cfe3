// SPDX-License-Identifier: GPL-2.0-only
/* Replays encapsulated (or plain) TCP packets N times through crosslat_encap_parse(). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encap_parse.h"
#include "pkt_builder.h"

/*
 * One pod-to-pod TCP flow between two nodes, as the sending node's netfilter hooks see it
 * (starting at the outer IPv4 header): DATA_SEGS full-sized segments one way and as many
 * pure ACKs the other way, interleaved, TCP with timestamps (32-byte header). Every packet
 * fills an underlay MTU of 1500: a VXLAN segment carries 1398 payload bytes, an IP-in-IP one
 * 1428, a plain one 1448.
 *   vxlan: outer IPv4 + UDP to 4789 + VXLAN + inner Ethernet + IPv4 + TCP (Flannel, Calico)
 *   ipip:  outer IPv4 + inner IPv4 + TCP (Calico's IP-in-IP mode)
 *   plain: the inner IPv4 + TCP alone, the cost of a packet that is not encapsulated
 */
#define DATA_SEGS	32
#define MAX_PKTS	(2 * DATA_SEGS)
#define PKT_MAX		2048

enum mode { MODE_VXLAN, MODE_IPIP, MODE_PLAIN };

static uint8_t pkts[MAX_PKTS][PKT_MAX];
static uint32_t lens[MAX_PKTS];
static unsigned int npkts;

static void emit(enum mode mode, bool data, uint32_t seq, uint32_t ack)
{
	struct pkt_builder outer, inner;
	uint8_t hdr[8];
	size_t n, hdr_len = 0;

	pkt_builder_init(&inner, 4, 6);
	inner.saddr[1] = inner.daddr[1] = 244;
	inner.saddr[2] = data ? 1 : 2;
	inner.daddr[2] = data ? 2 : 1;
	inner.sport = data ? 8080 : 40000;
	inner.dport = data ? 40000 : 8080;
	inner.seq = seq;
	inner.ack_seq = ack;
	inner.tcp_flags = data ? 0x18 : 0x10;
	inner.doff = 8;		/* timestamps */
	pkt_builder_init(&outer, 4, 17);
	outer.saddr[0] = outer.daddr[0] = 192;
	outer.saddr[3] = data ? 10 : 20;
	outer.daddr[3] = data ? 20 : 10;
	outer.sport = (uint16_t)(49152 + seq % 1000);	/* flow-hash entropy */
	outer.dport = CROSSLAT_VXLAN_PORT;

	if (mode == MODE_VXLAN) {
		inner.l2 = true;
		inner.payload_len = data ? 1500 - 20 - 8 - 8 - 14 - 20 - 32 : 0;
		hdr_len = pkt_builder_vxlan_hdr(hdr, 1);
	} else if (mode == MODE_IPIP) {
		outer.proto = CROSSLAT_IPPROTO_IPIP;
		inner.payload_len = data ? 1500 - 20 - 20 - 32 : 0;
	} else {
		inner.payload_len = data ? 1500 - 20 - 32 : 0;
	}
	if (mode == MODE_PLAIN)
		n = pkt_builder_build(&inner, pkts[npkts], PKT_MAX, NULL);
	else
		n = pkt_builder_build_encap(&outer, hdr, hdr_len, &inner, pkts[npkts], PKT_MAX,
					    NULL);
	if (!n || n > 1500) {
		fprintf(stderr, "encap_replay: packet %u not built (%zu bytes)\n", npkts, n);
		exit(1);
	}
	lens[npkts++] = (uint32_t)n;
}

static uint64_t checksum;

static void replay(const struct crosslat_encap_ports *ports)
{
	struct crosslat_encap res;
	unsigned int i;
	uint64_t acc = 0;

	for (i = 0; i < npkts; i++) {
		if (crosslat_encap_parse(pkts[i], lens[i], CROSSLAT_PKT_L3, ports, &res))
			abort();
		acc += res.type + crosslat_encap_innermost(&res)->tcp.seq;
	}
	checksum += acc;
}

int main(int argc, char **argv)
{
	static const char * const names[] = { "vxlan", "ipip", "plain" };
	struct crosslat_encap_ports ports;
	unsigned int rounds, i;
	enum mode mode;

	if (argc != 3) {
		fprintf(stderr, "usage: encap_replay vxlan|ipip|plain ROUNDS\n");
		return 2;
	}
	for (mode = MODE_VXLAN; mode <= MODE_PLAIN; mode++)
		if (!strcmp(argv[1], names[mode]))
			break;
	if (mode > MODE_PLAIN) {
		fprintf(stderr, "encap_replay: unknown mode %s\n", argv[1]);
		return 2;
	}
	rounds = (unsigned int)strtoul(argv[2], NULL, 0);

	/* the port set of a cluster whose nodes may run Flannel/Cilium (8472) or Calico */
	crosslat_encap_ports_init(&ports);
	crosslat_encap_ports_add(&ports, CROSSLAT_ENCAP_VXLAN, CROSSLAT_VXLAN_PORT_LINUX);
	for (i = 0; i < DATA_SEGS; i++) {
		emit(mode, true, 1000 + i * 1448, 5000);
		emit(mode, false, 5000, 1000 + (i + 1) * 1448);
	}
	for (i = 0; i < rounds; i++)
		replay(&ports);

	printf("mode %s packets %u replays %u\n", names[mode], npkts, rounds);
	printf("checksum %016" PRIx64 "\n", checksum);
	return 0;
}
