// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scans HTTP requests for their trace context N times: http_ctx_replay MODE N.
 *   block2k:   a service-mesh request whose header block is 2048 bytes (browser headers, a
 *              JWT, cookies, Envoy's, baggage, tracestate), traceparent its last header
 *   minimal:   "GET / HTTP/1.1", traceparent first, Host
 *   nocontext: the block2k request without traceparent: scanned to its empty line
 *   segments:  block2k fed as the TCP segments of an MSS of 1448 (two chunks)
 * Each replay is crosslat_http_ctx_init(), the feeds, crosslat_http_ctx_result().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_trace_ctx.h"

#define BLOCK_LEN	2048
#define MSS		1448
#define TRACEPARENT	"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"

static const char *const headers[] = {
	"GET /api/v1/products/12345/reviews?limit=20&offset=40 HTTP/1.1\r\n",
	"Host: reviews.default.svc.cluster.local:9080\r\n",
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	"Chrome/120.0.0.0 Safari/537.36\r\n",
	"Accept: application/json, text/plain, */*\r\n",
	"Accept-Language: en-US,en;q=0.9,fr;q=0.8\r\n",
	"Accept-Encoding: gzip, deflate, br\r\n",
	"Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjE2In0.eyJpc3MiOiJodHRwczovL2F1dGgu"
	"ZXhhbXBsZS5jb20iLCJzdWIiOiJhbGljZSIsImF1ZCI6InJldmlld3MiLCJleHAiOjE3MDAwMDAwMDAsImlhd"
	"CI6MTY5OTk5NjQwMCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cm"
	"Utc2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl\r\n",
	"Content-Type: application/json\r\n",
	"X-Forwarded-For: 10.244.1.5, 10.244.0.1\r\n",
	"X-Forwarded-Proto: http\r\n",
	"X-Request-Id: 5f3c1a2e-8d4b-4c6a-9f1e-2b7d3c8a9e01\r\n",
	"X-Envoy-Attempt-Count: 1\r\n",
	"X-Envoy-Expected-Rq-Timeout-Ms: 15000\r\n",
	"X-Envoy-Internal: true\r\n",
	"Baggage: userId=alice,serverNode=DF%2028,isProduction=false\r\n",
	"Tracestate: congo=t61rcWkgMzE,rojo=00f067aa0ba902b7\r\n",
	"Referer: https://shop.example.com/products/12345?ref=home&campaign=winter-sale\r\n",
	"Connection: keep-alive\r\n",
	"Cache-Control: no-cache\r\n",
};

static uint8_t msg[4096];
static uint32_t msg_len;

static void put(const char *s)
{
	size_t n = strlen(s);

	if (msg_len + n > sizeof(msg)) {
		fprintf(stderr, "http_ctx_replay: message too long\n");
		exit(1);
	}
	memcpy(msg + msg_len, s, n);
	msg_len += (uint32_t)n;
}

/* The 2048-byte block: the headers, a cookie filling the rest, traceparent if tp. */
static void build_block2k(int tp)
{
	uint32_t fixed, i;

	msg_len = 0;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		put(headers[i]);
	fixed = msg_len + (uint32_t)strlen("Cookie: \r\n" TRACEPARENT "\r\n");
	put("Cookie: ");
	for (i = 0; fixed + i < BLOCK_LEN; i++)
		msg[msg_len++] = "session=9f86d081884c7d65; _ga=GA1.2.1234567890.1699999999; "[i % 60];
	put("\r\n");
	if (tp) {
		put(TRACEPARENT);
	} else {
		/* a header line as long as the traceparent line */
		put("X-Filler: ");
		for (i = strlen("X-Filler: \r\n"); i < strlen(TRACEPARENT); i++)
			put("f");
		put("\r\n");
	}
	put("\r\n");
	put("{\"body\": true}");
}

int main(int argc, char **argv)
{
	struct crosslat_http_ctx_scan s;
	struct crosslat_http_ctx res;
	uint32_t cut = 0, n, replays;
	uint64_t checksum = 0;
	const char *mode;

	if (argc != 3) {
		fprintf(stderr, "usage: http_ctx_replay block2k|minimal|nocontext|segments N\n");
		return 2;
	}
	mode = argv[1];
	replays = (uint32_t)strtoul(argv[2], NULL, 0);
	if (!strcmp(mode, "minimal")) {
		msg_len = 0;
		put("GET / HTTP/1.1\r\n" TRACEPARENT "Host: a\r\n\r\n");
	} else if (!strcmp(mode, "block2k") || !strcmp(mode, "segments")) {
		build_block2k(1);
		if (!strcmp(mode, "segments"))
			cut = MSS;
	} else if (!strcmp(mode, "nocontext")) {
		build_block2k(0);
	} else {
		fprintf(stderr, "http_ctx_replay: unknown mode %s\n", mode);
		return 2;
	}

	for (n = 0; n < replays; n++) {
		crosslat_http_ctx_init(&s, 0);
		if (cut) {
			crosslat_http_ctx_feed(&s, msg, cut);
			crosslat_http_ctx_feed(&s, msg + cut, msg_len - cut);
		} else {
			crosslat_http_ctx_feed(&s, msg, msg_len);
		}
		crosslat_http_ctx_result(&s, &res);
		checksum += res.status + res.ctx_off + res.trace_id[15];
	}
	/* one more, to report what a replay finds */
	crosslat_http_ctx_scan_buf(msg, msg_len, 0, &res);
	printf("mode %s bytes %u status %s kind %s ctx_off %u hdr_len %u scanned %u\n", mode,
	       msg_len, crosslat_http_ctx_status_name(res.status),
	       crosslat_trace_ctx_kind_name(res.kind), res.ctx_off, res.hdr_len, res.scanned);
	printf("sizeof(struct crosslat_http_ctx_scan) %zu\n", sizeof(struct crosslat_http_ctx_scan));
	printf("checksum %" PRIu64 "\n", checksum);
	return 0;
}
