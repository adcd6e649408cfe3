// SPDX-License-Identifier: GPL-2.0-only
/* Writes the deterministic seed corpora for the fuzzers: gen_corpus OUTDIR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pkt_builder.h"

static const char *outdir;

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

static void write_seed(const char *target, int n, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%03d", outdir, target, n);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Byte 0 selects the start layer as fuzz_pkt_parse expects: 0 = L2, 1 = L3. */
static void write_pkt(int *n, const struct pkt_builder *b)
{
	static uint8_t buf[1 + 65536 + 4096];
	size_t len = pkt_builder_build(b, buf + 1, sizeof(buf) - 1, NULL);

	if (!len) {
		fprintf(stderr, "gen_corpus: builder rejected seed %d\n", *n);
		exit(1);
	}
	buf[0] = b->l2 ? 0 : 1;
	write_seed("pkt_parse", (*n)++, buf, len + 1);
}

static void pkt_seeds(void)
{
	static const uint8_t protos[] = { 6, 17, 1, 58, 50, 59 };
	struct pkt_builder b;
	int n = 0, l2, fam;
	size_t i;

	for (l2 = 0; l2 <= 1; l2++) {
		for (fam = 4; fam <= 6; fam += 2) {
			for (i = 0; i < sizeof(protos); i++) {
				pkt_builder_init(&b, (uint8_t)fam, protos[i]);
				b.l2 = l2;
				b.payload_len = 16;
				write_pkt(&n, &b);
			}
		}
	}

	/* options, VLANs, fragments, extension headers, padding */
	pkt_builder_init(&b, 4, 6);
	b.l2 = true;
	b.ihl = 15;
	b.doff = 15;
	b.nvlan = 2;
	b.vlan_tpid[0] = 0x88a8;
	b.vlan_tpid[1] = 0x8100;
	b.vlan_tci[0] = 100;
	b.vlan_tci[1] = 200;
	b.pad_len = 10;
	write_pkt(&n, &b);

	pkt_builder_init(&b, 4, 17);
	b.dont_frag = false;
	b.more_frags = true;
	b.payload_len = 32;
	write_pkt(&n, &b);
	b.frag_off = 1480;
	write_pkt(&n, &b);

	pkt_builder_init(&b, 6, 6);
	b.l2 = true;
	pkt_builder_add_ext(&b, 0, 8);
	pkt_builder_add_ext(&b, 43, 24);
	pkt_builder_add_ext(&b, 51, 16);
	pkt_builder_add_ext(&b, 60, 8);
	pkt_builder_add_ext(&b, 44, 8);
	b.ext[4].more_frags = true;
	b.payload_len = 8;
	write_pkt(&n, &b);
	b.ext[4].frag_off = 64;
	write_pkt(&n, &b);

	pkt_builder_init(&b, 6, 17);
	for (i = 0; i < 9; i++)
		pkt_builder_add_ext(&b, 60, 8);
	write_pkt(&n, &b);
}

/*
 * One fuzz_encap_parse seed: outer carrying hdr + inner (plain outer when inner is NULL).
 * Byte 0 as fuzz_encap_parse expects: bit 0 = L3 start, bit 1 = its custom port set.
 */
static void write_encap(int *n, const struct pkt_builder *outer, const uint8_t *hdr,
			size_t hdr_len, const struct pkt_builder *inner, bool custom_ports)
{
	static uint8_t buf[1 + 65536 + 4096];
	size_t len;

	if (inner)
		len = pkt_builder_build_encap(outer, hdr, hdr_len, inner, buf + 1,
					      sizeof(buf) - 1, NULL);
	else
		len = pkt_builder_build(outer, buf + 1, sizeof(buf) - 1, NULL);
	if (!len) {
		fprintf(stderr, "gen_corpus: builder rejected encap seed %d\n", *n);
		exit(1);
	}
	buf[0] = (uint8_t)((outer->l2 ? 0 : 1) | (custom_ports ? 2 : 0));
	write_seed("encap_parse", (*n)++, buf, len + 1);
}

static void encap_seeds(void)
{
	struct pkt_builder outer, inner, mid;
	uint8_t hdr[8 + 252], nested[512];
	size_t hdr_len, nested_len;
	int n = 0, l2, ofam, ifam;
	unsigned int words;

	for (l2 = 0; l2 <= 1; l2++) {
		for (ofam = 4; ofam <= 6; ofam += 2) {
			for (ifam = 4; ifam <= 6; ifam += 2) {
				/* VXLAN to 4789 and (custom set) 8472, inner TCP / UDP */
				pkt_builder_init(&outer, (uint8_t)ofam, 17);
				outer.l2 = l2;
				outer.dport = 4789;
				pkt_builder_init(&inner, (uint8_t)ifam, 6);
				inner.l2 = true;
				inner.payload_len = 16;
				hdr_len = pkt_builder_vxlan_hdr(hdr, 0x123456);
				write_encap(&n, &outer, hdr, hdr_len, &inner, false);
				outer.dport = 8472;
				inner.proto = 17;
				write_encap(&n, &outer, hdr, hdr_len, &inner, true);

				/* GENEVE with options, inner Ethernet and inner IP */
				outer.dport = 6081;
				hdr_len = pkt_builder_geneve_hdr(hdr, 0x6558, 77, 3);
				write_encap(&n, &outer, hdr, hdr_len, &inner, false);
				inner.l2 = false;
				hdr_len = pkt_builder_geneve_hdr(hdr, ifam == 4 ? 0x0800 : 0x86dd,
								 78, 0);
				write_encap(&n, &outer, hdr, hdr_len, &inner, false);

				/* IP-in-IP, 4 or 41 */
				pkt_builder_init(&outer, (uint8_t)ofam, ifam == 4 ? 4 : 41);
				outer.l2 = l2;
				inner.proto = 6;
				write_encap(&n, &outer, hdr, 0, &inner, false);
			}
		}
	}

	/* GENEVE with the most options, to the custom port */
	pkt_builder_init(&outer, 4, 17);
	outer.dport = 7081;
	pkt_builder_init(&inner, 4, 6);
	inner.l2 = true;
	for (words = 31; words <= 63; words += 32) {
		hdr_len = pkt_builder_geneve_hdr(hdr, 0x6558, 1, words);
		write_encap(&n, &outer, hdr, hdr_len, &inner, true);
	}

	/* plain packets, a UDP datagram to 4789 too short for VXLAN, a non-first fragment */
	pkt_builder_init(&outer, 4, 6);
	write_encap(&n, &outer, NULL, 0, NULL, false);
	pkt_builder_init(&outer, 6, 17);
	outer.l2 = true;
	write_encap(&n, &outer, NULL, 0, NULL, false);
	pkt_builder_init(&outer, 4, 17);
	outer.dport = 4789;
	outer.payload_len = 4;
	write_encap(&n, &outer, NULL, 0, NULL, false);
	pkt_builder_init(&outer, 4, 4);
	outer.dont_frag = false;
	outer.frag_off = 1480;
	outer.payload_len = 40;
	write_encap(&n, &outer, NULL, 0, NULL, false);

	/* nested: VXLAN in VXLAN, IP-in-IP in GENEVE */
	nested_len = pkt_builder_vxlan_hdr(nested, 2);
	pkt_builder_init(&mid, 4, 6);
	mid.l2 = true;
	nested_len += pkt_builder_build(&mid, nested + nested_len, sizeof(nested) - nested_len,
					NULL);
	pkt_builder_init(&outer, 4, 17);
	outer.dport = 4789;
	pkt_builder_init(&inner, 4, 17);
	inner.l2 = true;
	inner.dport = 4789;
	inner.payload = nested;
	inner.payload_len = (uint32_t)nested_len;
	hdr_len = pkt_builder_vxlan_hdr(hdr, 1);
	write_encap(&n, &outer, hdr, hdr_len, &inner, false);
	outer.dport = 6081;
	pkt_builder_init(&inner, 6, 4);
	inner.payload_len = 40;
	hdr_len = pkt_builder_geneve_hdr(hdr, 0x86dd, 3, 1);
	write_encap(&n, &outer, hdr, hdr_len, &inner, false);
}

static void put_record(uint8_t *rec, uint8_t ctl, uint64_t v)
{
	int i;

	rec[0] = ctl;
	for (i = 1; i <= 8; i++, v >>= 8)
		rec[i] = (uint8_t)v;
}

static void hist_seeds(void)
{
	uint8_t buf[9 * 130];
	size_t len = 0;
	int i, n = 0;

	/* every power of two and its neighbours, alternating histograms */
	for (i = 0; i < 64; i++) {
		put_record(buf + len, (uint8_t)((i & 1) << 6), (uint64_t)1 << i);
		len += 9;
		put_record(buf + len, (uint8_t)((~i & 1) << 6), ((uint64_t)1 << i) - 1);
		len += 9;
	}
	write_seed("log2_hist", n++, buf, len);

	/* latency-like values: shift 40 leaves 24-bit values */
	for (i = 0, len = 0; i < 100; i++, len += 9)
		put_record(buf + len, 40 | (uint8_t)((i % 3 == 0) << 6),
			   (uint64_t)(i * 2654435761u) << 32);
	write_seed("log2_hist", n++, buf, len);

	put_record(buf, 0, UINT64_MAX);
	put_record(buf + 9, 0x40, 0);
	write_seed("log2_hist", n++, buf, 18);
}

/* One fuzz_rtt_track record; see the layout there. */
static size_t put_seg(uint8_t *rec, uint8_t ctl, uint8_t flags, uint32_t seq, uint32_t ack,
		      uint16_t len, uint32_t dt)
{
	uint32_t v[2] = { seq, ack };
	int i, j;

	rec[0] = ctl;
	rec[1] = flags;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 4; j++)
			rec[2 + 4 * i + j] = (uint8_t)(v[i] >> (8 * j));
	rec[10] = (uint8_t)len;
	rec[11] = (uint8_t)(len >> 8);
	for (j = 0; j < 4; j++)
		rec[12 + j] = (uint8_t)(dt >> (8 * j));
	return 16;
}

#define RTT_IN		0x01
#define RTT_SEQ_REL	0x02
#define RTT_ACK_REL	0x04
#define RTT_BACK	0x08
#define TCP_SYN		0x02
#define TCP_ACK		0x10
#define TCP_PA		0x18
#define TCP_FA		0x11

static void rtt_seeds(void)
{
	static uint8_t buf[16 * 256];
	size_t len = 0;
	int i, n = 0;

	/* handshake, request, think time, a multi-segment response with delayed ACKs */
	len += put_seg(buf + len, 0, TCP_SYN, 0xfffff000u, 0, 0, 0);
	len += put_seg(buf + len, RTT_IN, TCP_SYN | TCP_ACK, 5000, 0xfffff001u, 0, 2000000);
	len += put_seg(buf + len, 0, TCP_ACK, 0xfffff001u, 5001, 0, 10000);
	len += put_seg(buf + len, RTT_IN, TCP_PA, 5001, 0xfffff001u, 300, 100000);
	for (i = 0; i < 8; i++)
		len += put_seg(buf + len, RTT_SEQ_REL, TCP_PA, 0, 5301, 1448, i ? 1000 : 30000000);
	for (i = 0; i < 4; i++)
		len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 5301, 2896, 0, 2000000);
	len += put_seg(buf + len, RTT_SEQ_REL, TCP_FA, 0, 5301, 0, 1000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_FA, 5301, 1, 0, 2000000);
	write_seed("rtt_track", n++, buf, len);

	/* bulk send past the ring, a retransmission, dup ACKs, partial and old ACKs */
	len = 0;
	for (i = 0; i < 20; i++)
		len += put_seg(buf + len, RTT_SEQ_REL, TCP_PA, 0, 1, 1448, 10000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, 0, 0, 100000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, 0, 0, 100);
	len += put_seg(buf + len, RTT_SEQ_REL, TCP_PA, (uint32_t)-(20 * 1448), 1, 1448, 200000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, 724, 0, 100000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, 4 * 1448, 0, 100000);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, (uint32_t)-100, 0, 100);
	len += put_seg(buf + len, RTT_IN | RTT_ACK_REL, TCP_ACK, 1, 100 * 1448, 0, 100);
	len += put_seg(buf + len, RTT_IN | RTT_BACK | RTT_ACK_REL, TCP_ACK, 1, 1448, 0, 5000000);
	write_seed("rtt_track", n++, buf, len);
}

/*
 * fuzz_http_trace_ctx seeds: byte 0 the header block bound (0: default, else 4 x byte 0),
 * byte 1 the chunking seed, then the message.
 */
static void write_http(int *n, uint8_t max4, const char *text)
{
	static uint8_t buf[2 + 4096];
	size_t len = strlen(text);

	if (len > sizeof(buf) - 2) {
		fprintf(stderr, "gen_corpus: http seed %d too long\n", *n);
		exit(1);
	}
	buf[0] = max4;
	buf[1] = (uint8_t)*n;
	memcpy(buf + 2, text, len);
	write_seed("http_trace_ctx", (*n)++, buf, len + 2);
}

#define TP_TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define TP_SPAN		"00f067aa0ba902b7"
#define TP_VALUE	"00-" TP_TRACE "-" TP_SPAN "-01"

static void http_seeds(void)
{
	static const char *const msgs[] = {
		"GET /api HTTP/1.1\r\nHost: svc:8080\r\ntraceparent: " TP_VALUE "\r\n\r\n",
		"POST /q HTTP/1.0\nContent-Length: 0\nTRACEPARENT:\t" TP_VALUE " \t\n\n",
		"HTTP/1.1 200 OK\r\nServer: x\r\ntraceparent: " TP_VALUE "\r\n\r\nbody",
		"HTTP/1.0 503\r\nRetry-After: 1\r\n\r\n",
		"GET / HTTP/1.1\r\ntraceparent: cc-" TP_TRACE "-" TP_SPAN "-09-future\r\n\r\n",
		"GET / HTTP/1.1\r\ntraceparent: ff-" TP_TRACE "-" TP_SPAN "-01\r\n"
		"b3: " TP_TRACE "-" TP_SPAN "-1-05e3ac9a4f6e3b90\r\n\r\n",
		"GET / HTTP/1.1\r\nb3: 4bf92f3577b34da6-" TP_SPAN "-d\r\n\r\n",
		"GET / HTTP/1.1\r\nb3: 1\r\nb3: " TP_TRACE "-" TP_SPAN "\r\n\r\n",
		"GET / HTTP/1.1\r\nuber-trace-id: abcd:7:0:1\r\n\r\n",
		"GET / HTTP/1.1\r\nUber-Trace-Id: " TP_TRACE "%3A" TP_SPAN "%3a0%3A01\r\n\r\n",
		"GET / HTTP/1.1\r\nx-traceparent-old: " TP_VALUE "\r\ntraceparent-x: "
		TP_VALUE "\r\n traceparent: " TP_VALUE "\r\n\r\n",
		"GET / HTTP/1.1\r\ntraceparent: 00-" TP_TRACE "-" TP_SPAN "-01\r\n"
		"traceparent: 00-" TP_TRACE "-1111111111111111-01\r\n\r\n",
		"GET / HTTP/1.1\r\ntraceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-" TP_SPAN
		"-01\r\n\r\n",
		"GET / HTTP/1.1\r\ntraceparent: 00-00000000000000000000000000000000-" TP_SPAN
		"-01\r\nuber-trace-id: 0:1:0:1\r\n\r\n",
		"\r\nDELETE /x?y=1 HTTP/1.1\r\nHost: a\r\n\rX: y\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nCookie: a=b; c=d\r\nAccept: */*\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"\x16\x03\x01\x02\xfc\x03\x03",	/* a TLS record */
	};
	char big[4096];
	size_t i, len;
	int n = 0;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		write_http(&n, 0, msgs[i]);
	/* a small bound (TOO_LARGE), and a traceparent after 3 KiB of other headers */
	write_http(&n, 20, msgs[0]);
	len = (size_t)snprintf(big, sizeof(big), "GET /far HTTP/1.1\r\n");
	while (len < 3000)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"X-Header-%zu: value %zu with some text\r\n", len, len);
	snprintf(big + len, sizeof(big) - len, "traceparent: " TP_VALUE "\r\n\r\n");
	write_http(&n, 0, big);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	make_dir(outdir);
	snprintf(path, sizeof(path), "%s/pkt_parse", outdir);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/log2_hist", outdir);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/rtt_track", outdir);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/encap_parse", outdir);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/http_trace_ctx", outdir);
	make_dir(path);
	pkt_seeds();
	encap_seeds();
	hist_seeds();
	rtt_seeds();
	http_seeds();
	return 0;
}
