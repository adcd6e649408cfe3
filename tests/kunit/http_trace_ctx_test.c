// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite crosslat_http_ctx: the HTTP trace-context scanner in the kernel build, fed
 * the way crosslat_pkt.ko feeds it (linear part, frags, the next segment), every chunk an
 * exact-size heap copy so that KASAN reports any read past it.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core/http_trace_ctx.h"

#define TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define SPAN	"00f067aa0ba902b7"
#define TP	"00-" TRACE "-" SPAN "-01"
#define REQ	"GET /api/v1/items HTTP/1.1\r\nHost: backend:8080\r\n"
#define FAR_LEN	(16 * 1024)

static const u8 trace_bytes[16] = {
	0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
	0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
};
static const u8 span_bytes[8] = { 0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7 };

/* Feed data[0, len) in chunks of chunk bytes (0: at once), each an exact-size copy. */
static int feed_copies(struct kunit *test, struct crosslat_http_ctx_scan *s, const u8 *data,
		       u32 len, u32 chunk)
{
	u32 off, n;
	u8 *copy;
	int st = s->status;

	for (off = 0; off < len; off += n) {
		n = chunk ? min(chunk, len - off) : len - off;
		copy = kunit_kmalloc(test, n, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
		memcpy(copy, data + off, n);
		st = crosslat_http_ctx_feed(s, copy, n);
		kunit_kfree(test, copy);
	}
	return st;
}

static int scan(struct kunit *test, const char *text, u32 chunk, struct crosslat_http_ctx *res)
{
	struct crosslat_http_ctx_scan s;

	crosslat_http_ctx_init(&s, 0);
	feed_copies(test, &s, (const u8 *)text, strlen(text), chunk);
	return crosslat_http_ctx_result(&s, res);
}

static void crosslat_http_ctx_feed_request(struct kunit *test)
{
	static const char msg[] = REQ "User-Agent: k\r\nTraceParent:  " TP " \t\r\n"
				  "Accept: */*\r\n\r\n";
	struct crosslat_http_ctx r, bytewise;

	KUNIT_EXPECT_EQ(test, scan(test, msg, 0, &r), CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, r.kind, CROSSLAT_TRACE_CTX_TRACEPARENT);
	KUNIT_EXPECT_EQ(test, memcmp(r.trace_id, trace_bytes, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(r.span_id, span_bytes, 8), 0);
	KUNIT_EXPECT_EQ(test, r.flags, CROSSLAT_TRACE_CTX_F_SAMPLED);
	KUNIT_EXPECT_EQ(test, r.method, CROSSLAT_HTTP_M_GET);
	KUNIT_EXPECT_EQ(test, r.ctx_off, (u32)strlen(REQ "User-Agent: k\r\n"));
	KUNIT_EXPECT_EQ(test, r.hdr_len, 0U);
	KUNIT_EXPECT_EQ(test, scan(test, msg, 1, &bytewise), CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, memcmp(&r, &bytewise, sizeof(r)), 0);
	KUNIT_EXPECT_LE(test, sizeof(struct crosslat_http_ctx_scan), (size_t)128);
}

/* A header block over two segments cut at every byte; the state is copied in between. */
static void crosslat_http_ctx_feed_split(struct kunit *test)
{
	static const char msg[] = REQ "Accept: */*\r\ntraceparent: " TP "\r\nX-Id: 42\r\n\r\n";
	struct crosslat_http_ctx_scan *s = kunit_kzalloc(test, 2 * sizeof(*s), GFP_KERNEL);
	struct crosslat_http_ctx whole, r;
	u32 cut, n = strlen(msg);
	int st;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_EQ(test, scan(test, msg, 0, &whole), CROSSLAT_HTTP_CTX_FOUND);
	for (cut = 0; cut <= n; cut++) {
		crosslat_http_ctx_init(&s[0], 0);
		st = feed_copies(test, &s[0], (const u8 *)msg, cut, 0);
		KUNIT_EXPECT_EQ(test, st, cut < whole.scanned ? CROSSLAT_HTTP_CTX_INCOMPLETE :
				CROSSLAT_HTTP_CTX_FOUND);
		memcpy(&s[1], &s[0], sizeof(*s));
		feed_copies(test, &s[1], (const u8 *)msg + cut, n - cut, 0);
		crosslat_http_ctx_result(&s[1], &r);
		KUNIT_EXPECT_EQ(test, memcmp(&r, &whole, sizeof(r)), 0);
	}
}

static void crosslat_http_ctx_feed_response(struct kunit *test)
{
	struct crosslat_http_ctx r;

	KUNIT_EXPECT_EQ(test, scan(test, "HTTP/1.1 201 Created\nb3: " TRACE "-" SPAN "-d\n\n", 3,
				   &r), CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, r.is_response, 1);
	KUNIT_EXPECT_EQ(test, r.status_code, 201);
	KUNIT_EXPECT_EQ(test, r.kind, CROSSLAT_TRACE_CTX_B3);
	KUNIT_EXPECT_EQ(test, r.flags, CROSSLAT_TRACE_CTX_F_SAMPLED | CROSSLAT_TRACE_CTX_F_DEBUG);
	KUNIT_EXPECT_EQ(test, r.hdr_len, r.scanned);
}

static void crosslat_http_ctx_feed_b3_uber(struct kunit *test)
{
	static const u8 short_trace[16] = { [8] = 0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6 };
	static const u8 short_span[8] = { [7] = 0x07 };
	struct crosslat_http_ctx r;

	KUNIT_EXPECT_EQ(test, scan(test, REQ "B3: 4bf92f3577b34da6-" SPAN "-1\r\n\r\n", 0, &r),
			CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, memcmp(r.trace_id, short_trace, 16), 0);
	KUNIT_EXPECT_EQ(test, scan(test, REQ "uber-trace-id: abcd%3A7%3A0%3A1\r\n\r\n", 2, &r),
			CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, r.kind, CROSSLAT_TRACE_CTX_UBER);
	KUNIT_EXPECT_EQ(test, memcmp(r.span_id, short_span, 8), 0);
	KUNIT_EXPECT_EQ(test, r.trace_id[14], 0xab);
	/* traceparent wins over both, even after them */
	KUNIT_EXPECT_EQ(test, scan(test, REQ "b3: " TRACE "-1111111111111111\r\n"
				   "uber-trace-id: 1:2:0:1\r\ntraceparent: " TP "\r\n\r\n", 5, &r),
			CROSSLAT_HTTP_CTX_FOUND);
	KUNIT_EXPECT_EQ(test, r.kind, CROSSLAT_TRACE_CTX_TRACEPARENT);
	KUNIT_EXPECT_EQ(test, memcmp(r.span_id, span_bytes, 8), 0);
}

static void crosslat_http_ctx_feed_invalid(struct kunit *test)
{
	static const char *const values[] = {
		"ff-" TRACE "-" SPAN "-01",
		"00-00000000000000000000000000000000-" SPAN "-01",
		"00-" TRACE "-0000000000000000-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-" SPAN "-01",
		"00-" TRACE "-" SPAN "-0g",
		"00-" TRACE "-" SPAN "-01-x",
		"00-" TRACE "-" SPAN,
		"",
	};
	struct crosslat_http_ctx r;
	char *msg = kunit_kmalloc(test, 256, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		snprintf(msg, 256, REQ "traceparent: %s\r\n\r\n", values[i]);
		KUNIT_EXPECT_EQ_MSG(test, scan(test, msg, 7, &r), CROSSLAT_HTTP_CTX_INVALID,
				    "value \"%s\"", values[i]);
		KUNIT_EXPECT_EQ(test, r.kind, CROSSLAT_TRACE_CTX_TRACEPARENT);
		KUNIT_EXPECT_EQ(test, r.ctx_off, (u32)strlen(REQ));
	}
}

/* Names that merely contain a context header's, and folded or quoted ones. */
static void crosslat_http_ctx_feed_names(struct kunit *test)
{
	struct crosslat_http_ctx r;

	KUNIT_EXPECT_EQ(test, scan(test, REQ "x-traceparent-old: " TP "\r\ntraceparent-x: " TP
				   "\r\ntraceparent : " TP "\r\n traceparent: " TP "\r\nb33: "
				   TRACE "-" SPAN "\r\nX: traceparent: " TP "\r\n\r\n", 0, &r),
			CROSSLAT_HTTP_CTX_NO_CONTEXT);
	KUNIT_EXPECT_EQ(test, r.hdr_len, r.scanned);
}

/* traceparent after 16 KiB of other headers, fed as 1448-byte segments and 1-byte frags. */
static void crosslat_http_ctx_feed_far(struct kunit *test)
{
	static const u32 chunks[] = { 0, 1448, 4096, 1 };
	struct crosslat_http_ctx_scan s;
	struct crosslat_http_ctx r;
	char *msg = kunit_kmalloc(test, FAR_LEN + 256, GFP_KERNEL);
	u32 len, off, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	len = scnprintf(msg, FAR_LEN + 256, "%s", REQ);
	for (i = 0; len < FAR_LEN; i++)
		len += scnprintf(msg + len, FAR_LEN + 256 - len, "X-Header-%u: %s\r\n", i,
				 i % 2 ? "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" : "gzip\t");
	off = len;
	len += scnprintf(msg + len, FAR_LEN + 256 - len, "traceparent: " TP "\r\n\r\n");
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		crosslat_http_ctx_init(&s, 0);
		KUNIT_EXPECT_EQ(test, feed_copies(test, &s, (const u8 *)msg, len, chunks[i]),
				CROSSLAT_HTTP_CTX_FOUND);
		crosslat_http_ctx_result(&s, &r);
		KUNIT_EXPECT_EQ(test, r.ctx_off, off);
		KUNIT_EXPECT_EQ(test, memcmp(r.trace_id, trace_bytes, 16), 0);
	}
	/* with a 16 KiB bound the header block is too large */
	crosslat_http_ctx_init(&s, FAR_LEN);
	KUNIT_EXPECT_EQ(test, feed_copies(test, &s, (const u8 *)msg, len, 1448),
			CROSSLAT_HTTP_CTX_TOO_LARGE);
	KUNIT_EXPECT_EQ(test, s.pos, (u32)FAR_LEN);
}

static void crosslat_http_ctx_feed_not_http(struct kunit *test)
{
	static const u8 tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc };
	struct crosslat_http_ctx_scan s;
	struct crosslat_http_ctx r;

	crosslat_http_ctx_init(&s, 0);
	KUNIT_EXPECT_EQ(test, feed_copies(test, &s, tls, sizeof(tls), 0),
			CROSSLAT_HTTP_CTX_NOT_HTTP);
	KUNIT_EXPECT_EQ(test, s.pos, 1U);
	KUNIT_EXPECT_EQ(test, scan(test, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0, &r),
			CROSSLAT_HTTP_CTX_NOT_HTTP);
	KUNIT_EXPECT_EQ(test, scan(test, "get / HTTP/1.1\r\n\r\n", 0, &r),
			CROSSLAT_HTTP_CTX_NOT_HTTP);
}

/* Random chunkings of damaged messages give the whole-buffer result. */
static void crosslat_http_ctx_feed_chunking(struct kunit *test)
{
	static const char base[] = REQ "b3: " TRACE "-" SPAN "-1\r\nCookie: a=b\r\n"
				   "uber-trace-id: 1:2:0:1\r\ntraceparent: " TP "\r\n\r\n";
	struct crosslat_http_ctx_scan s;
	struct crosslat_http_ctx whole, r;
	u8 *msg = kunit_kmalloc(test, sizeof(base), GFP_KERNEL);
	u32 len = sizeof(base) - 1, off, n, round;
	struct rnd_state rnd;
	u8 *copy;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	prandom_seed_state(&rnd, 0x63726f73736c6174ULL);
	for (round = 0; round < 2000; round++) {
		memcpy(msg, base, len);
		msg[prandom_u32_state(&rnd) % len] = "\r\n:-0aF %3"[prandom_u32_state(&rnd) % 10];
		crosslat_http_ctx_scan_buf(msg, len, 0, &whole);
		crosslat_http_ctx_init(&s, 0);
		for (off = 0; off < len; off += n) {
			n = min(1 + prandom_u32_state(&rnd) % 24, len - off);
			copy = kunit_kmalloc(test, n, GFP_KERNEL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
			memcpy(copy, msg + off, n);
			crosslat_http_ctx_feed(&s, copy, n);
			kunit_kfree(test, copy);
		}
		crosslat_http_ctx_result(&s, &r);
		if (memcmp(&r, &whole, sizeof(r))) {
			KUNIT_FAIL(test, "round %u: chunked %s, whole %s", round,
				   crosslat_http_ctx_status_name(r.status),
				   crosslat_http_ctx_status_name(whole.status));
			break;
		}
	}
}

static struct kunit_case crosslat_http_ctx_cases[] = {
	KUNIT_CASE(crosslat_http_ctx_feed_request),
	KUNIT_CASE(crosslat_http_ctx_feed_split),
	KUNIT_CASE(crosslat_http_ctx_feed_response),
	KUNIT_CASE(crosslat_http_ctx_feed_b3_uber),
	KUNIT_CASE(crosslat_http_ctx_feed_invalid),
	KUNIT_CASE(crosslat_http_ctx_feed_names),
	KUNIT_CASE(crosslat_http_ctx_feed_far),
	KUNIT_CASE(crosslat_http_ctx_feed_not_http),
	KUNIT_CASE(crosslat_http_ctx_feed_chunking),
	{}
};

static struct kunit_suite crosslat_http_ctx_suite = {
	.name = "crosslat_http_ctx",
	.test_cases = crosslat_http_ctx_cases,
};

kunit_test_suite(crosslat_http_ctx_suite);
