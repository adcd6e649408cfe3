// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the HTTP trace-context scanner (crosslat_http_ctx_*): hand-written messages,
 * traceparent far into random header blocks, header blocks split over two segments, and a
 * naive whole-buffer model (http_ctx_model.h) on random and damaged messages, every scan
 * repeated over random chunkings (1-byte chunks included) that must not change the result.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "http_ctx_model.h"
#include "http_trace_ctx.h"
#include "prng.h"
#include "tap.h"

#define MSG_MAX		(1 << 18)
#define FAR_BLOCKS	1000
#define MODEL_MSGS	20000
#define JUNK_MSGS	5000

#define TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define SPAN	"00f067aa0ba902b7"
#define TP	"00-" TRACE "-" SPAN "-01"
#define REQ	"GET /api/v1/items?id=7 HTTP/1.1\r\nHost: backend:8080\r\n"

static const uint8_t trace_bytes[16] = {
	0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
	0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
};
static const uint8_t span_bytes[8] = { 0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7 };

static struct prng rng;
static uint8_t msg[MSG_MAX];
static size_t msg_len;

static void put(const void *s, size_t n)
{
	if (msg_len + n > MSG_MAX)
		abort();
	memcpy(msg + msg_len, s, n);
	msg_len += n;
}

static void puts_msg(const char *s)
{
	put(s, strlen(s));
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		abort();
	put(line, (size_t)n);
}

/* Chunkings of a scan: 0 the whole buffer, 1 one byte a chunk, 2 up to 16, 3 anything */
#define CHUNK_MODES	4

/*
 * Feed b[0, n) to s in chunks of the given mode, each an exact-size heap copy so that ASan
 * sees any read past a chunk. Returns the last status.
 */
static int feed_chunked(struct crosslat_http_ctx_scan *s, const uint8_t *b, size_t n, int mode)
{
	int st = s->status;
	size_t off = 0, len;
	uint8_t *copy;

	while (off < n || !n) {
		if (mode == 0 || !n)
			len = n - off;
		else if (mode == 1)
			len = 1;
		else if (mode == 2)
			len = prng_range(&rng, 1, 16);
		else
			len = prng_range(&rng, 1, n - off);
		if (len > n - off)
			len = n - off;
		copy = malloc(len ? len : 1);
		if (!copy)
			abort();
		memcpy(copy, b + off, len);
		st = crosslat_http_ctx_feed(s, copy, (uint32_t)len);
		free(copy);
		off += len;
		if (!n)
			break;
	}
	return st;
}

static int scan_mode(const uint8_t *b, size_t n, uint32_t max_len, int mode,
		     struct crosslat_http_ctx *res)
{
	struct crosslat_http_ctx_scan s;

	crosslat_http_ctx_init(&s, max_len);
	if (feed_chunked(&s, b, n, mode) != s.status)
		tap_fail_at(__FILE__, __LINE__, "feed's return differs from the state's status");
	memset(res, 0xa5, sizeof(*res));	/* nothing may depend on the old contents */
	return crosslat_http_ctx_result(&s, res);
}

static void report(const char *file, int line, const char *what,
		   const struct crosslat_http_ctx *a, const struct crosslat_http_ctx *b)
{
	tap_fail_at(file, line, "%s: %s/%s off %u scanned %u vs %s/%s off %u scanned %u", what,
		    crosslat_http_ctx_status_name(a->status), crosslat_trace_ctx_kind_name(a->kind),
		    a->ctx_off, a->scanned, crosslat_http_ctx_status_name(b->status),
		    crosslat_trace_ctx_kind_name(b->kind), b->ctx_off, b->scanned);
}

/*
 * Scan b[0, n) whole and in a random chunking, check the invariants and that both results
 * equal the model's; the whole-buffer result goes to *res.
 */
static int check_at(const char *file, int line, const uint8_t *b, size_t n, uint32_t max_len,
		    struct crosslat_http_ctx *res)
{
	struct crosslat_http_ctx chunked, model;
	const char *bad;

	scan_mode(b, n, max_len, 0, res);
	bad = http_ctx_invariants(res, n, max_len);
	if (bad)
		tap_fail_at(file, line, "invariant violated: %s", bad);
	scan_mode(b, n, max_len, (int)prng_range(&rng, 1, CHUNK_MODES - 1), &chunked);
	if (memcmp(res, &chunked, sizeof(*res)))
		report(file, line, "whole vs chunked", res, &chunked);
	model_http_ctx(b, n, max_len, &model);
	if (memcmp(res, &model, sizeof(*res)))
		report(file, line, "scanner vs model", res, &model);
	return res->status;
}

#define check_scan(b, n, max, res)	check_at(__FILE__, __LINE__, b, n, max, res)
#define check_msg(res)			check_at(__FILE__, __LINE__, msg, msg_len, 0, res)

/* A request with one extra header line "name: value" (CRLF added) before the empty line. */
static int req_with(const char *name, const char *value, struct crosslat_http_ctx *res)
{
	msg_len = 0;
	puts_msg(REQ);
	putf("%s: %s\r\n\r\n", name, value);
	return check_msg(res);
}

static void test_basic_request(void)
{
	struct crosslat_http_ctx r;

	msg_len = 0;
	puts_msg(REQ "User-Agent: curl/8.0\r\ntraceparent: " TP "\r\nAccept: */*\r\n\r\nbody");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_TRACEPARENT);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);
	CHECK_MEM_EQ(r.span_id, span_bytes, 8);
	CHECK_EQ(r.version, 0);
	CHECK_EQ(r.flags, CROSSLAT_TRACE_CTX_F_SAMPLED);
	CHECK_EQ(r.method, CROSSLAT_HTTP_M_GET);
	CHECK_EQ(r.is_response, 0);
	CHECK_EQ(r.ctx_off, strlen(REQ "User-Agent: curl/8.0\r\n"));
	/* the scan stops after the traceparent line */
	CHECK_EQ(r.scanned, strlen(REQ "User-Agent: curl/8.0\r\ntraceparent: " TP "\r\n"));
	CHECK_EQ(r.hdr_len, 0);
	CHECK_EQ(r.invalid_kinds, 0);

	/* not sampled, and the name in any case */
	CHECK_EQ(req_with("TRACEPARENT", "00-" TRACE "-" SPAN "-00", &r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.flags, 0);
	CHECK_EQ(req_with("TraceParent", TP, &r), CROSSLAT_HTTP_CTX_FOUND);

	/* no context: the block's length is reported, the body is not read */
	msg_len = 0;
	puts_msg(REQ "\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	CHECK_EQ(r.hdr_len, strlen(REQ "\r\n"));
	CHECK_EQ(r.scanned, r.hdr_len);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_NONE);
}

static void test_response(void)
{
	struct crosslat_http_ctx r;

	msg_len = 0;
	puts_msg("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ntraceparent: " TP "\r\n\r\nok");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.is_response, 1);
	CHECK_EQ(r.status_code, 200);
	CHECK_EQ(r.method, CROSSLAT_HTTP_M_NONE);
	CHECK_EQ(r.ctx_off, strlen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"));

	/* no reason phrase, HTTP/1.0, bare LF */
	msg_len = 0;
	puts_msg("HTTP/1.0 503\r\nRetry-After: 1\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	CHECK_EQ(r.status_code, 503);
	CHECK_EQ(r.is_response, 1);
	msg_len = 0;
	puts_msg("HTTP/1.1 404 Not Found\nb3: " TRACE "-" SPAN "-1\n\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
	CHECK_EQ(r.status_code, 404);

	/* not a status line */
	msg_len = 0;
	puts_msg("HTTP/2.0 200 OK\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NOT_HTTP);
	msg_len = 0;
	puts_msg("HTTP/1.1 20 OK\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NOT_HTTP);
	msg_len = 0;
	puts_msg("HTTP/1.1 200OK\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NOT_HTTP);
}

static void test_start_lines(void)
{
	static const struct {
		const char *line;
		int status;
		int method;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_GET },
		{ "HEAD / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_HEAD },
		{ "POST /x HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_POST },
		{ "PUT /x HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_PUT },
		{ "DELETE /x HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_DELETE },
		{ "CONNECT h:443 HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT,
		  CROSSLAT_HTTP_M_CONNECT },
		{ "OPTIONS * HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_OPTIONS },
		{ "TRACE / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_TRACE },
		{ "PATCH /x HTTP/1.0\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_PATCH },
		{ "PROPFIND /d HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_OTHER },
		{ "VERSION-CONTROL /d HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT,
		  CROSSLAT_HTTP_M_OTHER },
		{ "GETS / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_OTHER },
		{ "\r\nGET / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_GET },
		{ "\nGET / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT, CROSSLAT_HTTP_M_GET },
		{ "GET http://a.example/x?y=%20 HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT,
		  CROSSLAT_HTTP_M_GET },
		{ "\r\n\r\nGET / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, 0 },
		{ "get / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, 0 },
		{ "GET  / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "GET / HTTP/1.1 \r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "GET /\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "GET / HTTP/2.0\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "GET / HTTP/1.1\rX\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "PRI * HTTP/2.0\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_OTHER },
		{ "ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, 0 },
		{ "ABCDEFGHIJKLMNOPQRST / HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NO_CONTEXT,
		  CROSSLAT_HTTP_M_OTHER },
		{ "GET /a\x01 HTTP/1.1\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, CROSSLAT_HTTP_M_GET },
		{ "{\"json\": 1}\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, 0 },
		{ "SSH-2.0-OpenSSH_9.2\r\n", CROSSLAT_HTTP_CTX_NOT_HTTP, 0 },
	};
	struct crosslat_http_ctx r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		msg_len = 0;
		puts_msg(cases[i].line);
		puts_msg("Host: a\r\n\r\n");
		if (check_msg(&r) != cases[i].status || r.method != cases[i].method)
			tap_fail_at(__FILE__, __LINE__, "case %zu %s: %s, method %s", i,
				    cases[i].line, crosslat_http_ctx_status_name(r.status),
				    crosslat_http_method_name(r.method));
	}

	/* binary protocols are refused at their first byte: TLS, HTTP/2 frames, zeros */
	msg_len = 0;
	put("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NOT_HTTP);
	CHECK_EQ(r.scanned, 1);
	msg_len = 0;
	put("\0\0\0\0\0\0\0\0", 8);
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NOT_HTTP);
	CHECK_EQ(r.scanned, 1);
	/* nothing yet, and a start line still going */
	CHECK_EQ(check_scan((const uint8_t *)"", 0, 0, &r), CROSSLAT_HTTP_CTX_INCOMPLETE);
	CHECK_EQ(check_scan((const uint8_t *)"GET /very/long", 14, 0, &r),
		 CROSSLAT_HTTP_CTX_INCOMPLETE);
}

/* Values of a traceparent header and whether they are a context. */
static const struct {
	const char *value;
	int status;
} tp_cases[] = {
	{ TP, CROSSLAT_HTTP_CTX_FOUND },
	{ " \t " TP " \t\t ", CROSSLAT_HTTP_CTX_FOUND },		/* OWS both sides */
	{ TP "\r\r", CROSSLAT_HTTP_CTX_FOUND },			/* then CR CR LF */
	{ "01-" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_FOUND },	/* a later version */
	{ "cc-" TRACE "-" SPAN "-09-what ever", CROSSLAT_HTTP_CTX_FOUND },
	{ "01-" TRACE "-" SPAN "-01-", CROSSLAT_HTTP_CTX_FOUND },
	{ "00-" TRACE "-" SPAN "-01-", CROSSLAT_HTTP_CTX_INVALID },	/* 00 is 55 bytes */
	{ "00-" TRACE "-" SPAN "-01-x", CROSSLAT_HTTP_CTX_INVALID },
	{ "01-" TRACE "-" SPAN "-01x", CROSSLAT_HTTP_CTX_INVALID },
	{ "ff-" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },	/* version ff */
	{ "ff-" TRACE "-" SPAN "-01-x", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-00000000000000000000000000000000-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-0000000000000000-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-4BF92F3577B34DA6A3CE929D0E0E4736-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-00F067AA0BA902B7-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "0A-" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-" SPAN "-0A", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-4bf92f3577b34da6a3ce929d0e0e473g-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-4bf92f3577b34da6a3ce929d0e0e473-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-4bf92f3577b34da6a3ce929d0e0e47360-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-00f067aa0ba902b-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-" SPAN "-1", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-" SPAN "-011", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-" SPAN, CROSSLAT_HTTP_CTX_INVALID },
	{ "0-" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00_" TRACE "_" SPAN "_01", CROSSLAT_HTTP_CTX_INVALID },
	{ "00-" TRACE "-" SPAN "-01 x", CROSSLAT_HTTP_CTX_INVALID },
	{ TP ",00-" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },	/* a list */
	{ "\"" TP "\"", CROSSLAT_HTTP_CTX_INVALID },
	{ "00 -" TRACE "-" SPAN "-01", CROSSLAT_HTTP_CTX_INVALID },
	{ "\r" TP, CROSSLAT_HTTP_CTX_INVALID },
	{ "", CROSSLAT_HTTP_CTX_INVALID },
	{ "   ", CROSSLAT_HTTP_CTX_INVALID },
};

static void test_traceparent_values(void)
{
	struct crosslat_http_ctx r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tp_cases); i++) {
		if (req_with("traceparent", tp_cases[i].value, &r) != tp_cases[i].status ||
		    r.kind != CROSSLAT_TRACE_CTX_TRACEPARENT)
			tap_fail_at(__FILE__, __LINE__, "case %zu \"%s\": %s %s", i,
				    tp_cases[i].value, crosslat_http_ctx_status_name(r.status),
				    crosslat_trace_ctx_kind_name(r.kind));
		if (r.status == CROSSLAT_HTTP_CTX_INVALID) {
			CHECK_EQ(r.invalid_kinds, 1 << CROSSLAT_TRACE_CTX_TRACEPARENT);
			CHECK_EQ(r.ctx_off, strlen(REQ));
		}
	}
	req_with("traceparent", "cc-" TRACE "-" SPAN "-09-what ever", &r);
	CHECK_EQ(r.version, 0xcc);
	CHECK_EQ(r.flags, 0x09);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);
}

static void test_b3(void)
{
	static const uint8_t short_trace[16] = { [8] = 0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d,
						0xa6 };
	static const struct {
		const char *value;
		int status;
		uint8_t flags;
	} cases[] = {
		{ TRACE "-" SPAN, CROSSLAT_HTTP_CTX_FOUND, 0 },
		{ TRACE "-" SPAN "-1", CROSSLAT_HTTP_CTX_FOUND, 1 },
		{ TRACE "-" SPAN "-0", CROSSLAT_HTTP_CTX_FOUND, 0 },
		{ TRACE "-" SPAN "-d", CROSSLAT_HTTP_CTX_FOUND, 3 },
		{ TRACE "-" SPAN "-1-05e3ac9a4f6e3b90", CROSSLAT_HTTP_CTX_FOUND, 1 },
		{ "\t" TRACE "-" SPAN "-1 \t", CROSSLAT_HTTP_CTX_FOUND, 1 },
		{ "4bf92f3577b34da6-" SPAN "-1", CROSSLAT_HTTP_CTX_FOUND, 1 },	/* 64-bit */
		{ "1", CROSSLAT_HTTP_CTX_NO_CONTEXT, 0 },	/* a sampling decision only */
		{ "0", CROSSLAT_HTTP_CTX_NO_CONTEXT, 0 },
		{ " d ", CROSSLAT_HTTP_CTX_NO_CONTEXT, 0 },
		{ "2", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ "D", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ "11", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-2", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-11", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-1-", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-1-05e3ac9a4f6e3b9", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-1-05e3ac9a4f6e3b90-x", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ "4bf92f3577b34da6a3-" SPAN, CROSSLAT_HTTP_CTX_INVALID, 0 },	/* 18 digits */
		{ "4BF92F3577B34DA6-" SPAN, CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-00f067aa0ba902b", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE, CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ "0000000000000000-" SPAN, CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-0000000000000000", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ "", CROSSLAT_HTTP_CTX_INVALID, 0 },
	};
	struct crosslat_http_ctx r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		req_with(i & 1 ? "B3" : "b3", cases[i].value, &r);
		if (r.status != cases[i].status || r.flags != cases[i].flags)
			tap_fail_at(__FILE__, __LINE__, "case %zu \"%s\": %s flags %u", i,
				    cases[i].value, crosslat_http_ctx_status_name(r.status), r.flags);
		if (r.status == CROSSLAT_HTTP_CTX_FOUND) {
			CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
			CHECK_MEM_EQ(r.span_id, span_bytes, 8);
		}
	}
	req_with("b3", TRACE "-" SPAN, &r);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);
	CHECK_EQ(r.version, 0);
	req_with("b3", "4bf92f3577b34da6-" SPAN, &r);
	CHECK_MEM_EQ(r.trace_id, short_trace, 16);
}

static void test_uber(void)
{
	static const uint8_t short_trace[16] = { [14] = 0xab, 0xcd };
	static const uint8_t short_span[8] = { [7] = 0x07 };
	static const struct {
		const char *value;
		int status;
		uint8_t flags;
	} cases[] = {
		{ TRACE ":" SPAN ":0:1", CROSSLAT_HTTP_CTX_FOUND, 1 },
		{ TRACE ":" SPAN ":05e3ac9a4f6e3b90:03", CROSSLAT_HTTP_CTX_FOUND, 3 },
		{ "4BF92F3577B34DA6A3CE929D0E0E4736:00F067AA0BA902B7:0:0",
		  CROSSLAT_HTTP_CTX_FOUND, 0 },
		{ TRACE "%3A" SPAN "%3a0%3A1", CROSSLAT_HTTP_CTX_FOUND, 1 },	/* URL-encoded */
		{ "abcd:7:0:1", CROSSLAT_HTTP_CTX_FOUND, 1 },			/* short ids */
		{ "  " TRACE ":" SPAN ":00000000:01\t ", CROSSLAT_HTTP_CTX_FOUND, 1 },
		{ "0:" SPAN ":0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":0:0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0:", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0:1:", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0:100", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "0:" SPAN ":0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },	/* 33 digits */
		{ TRACE ":" SPAN "0:0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },	/* 17 digits */
		{ TRACE "::0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "%3B" SPAN ":0:1", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0%3", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0:1%3A", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE ":" SPAN ":0:g", CROSSLAT_HTTP_CTX_INVALID, 0 },
		{ TRACE "-" SPAN "-0-1", CROSSLAT_HTTP_CTX_INVALID, 0 },
	};
	struct crosslat_http_ctx r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		req_with(i & 1 ? "Uber-Trace-Id" : "uber-trace-id", cases[i].value, &r);
		if (r.status != cases[i].status || r.flags != cases[i].flags)
			tap_fail_at(__FILE__, __LINE__, "case %zu \"%s\": %s flags %u", i,
				    cases[i].value, crosslat_http_ctx_status_name(r.status), r.flags);
		if (r.status == CROSSLAT_HTTP_CTX_FOUND)
			CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_UBER);
	}
	req_with("uber-trace-id", TRACE "%3A" SPAN "%3a0%3A1", &r);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);
	CHECK_MEM_EQ(r.span_id, span_bytes, 8);
	req_with("uber-trace-id", "abcd:7:0:1", &r);
	CHECK_MEM_EQ(r.trace_id, short_trace, 16);
	CHECK_MEM_EQ(r.span_id, short_span, 8);
}

/* Names that contain or start like a context header's: never a context. */
static void test_header_names(void)
{
	static const char *const names[] = {
		"x-traceparent-old", "traceparent-old", "traceparentx", "traceparent ",
		"tracepar", "tracestate", "t", "xtraceparent", "trace-parent", "b33", "b",
		"x-b3", "X-B3-TraceId", "b3 ", "uber-trace-idx", "uber-trace", "uber",
		"uber_trace_id", "x-uber-trace-id",
	};
	struct crosslat_http_ctx r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		req_with(names[i], names[i][0] == 'u' ? TRACE ":" SPAN ":0:1" :
			 names[i][0] == 'b' ? TRACE "-" SPAN : TP, &r);
		if (r.status != CROSSLAT_HTTP_CTX_NO_CONTEXT)
			tap_fail_at(__FILE__, __LINE__, "name \"%s\": %s", names[i],
				    crosslat_http_ctx_status_name(r.status));
	}
	/* a context inside another header's value, an obs-fold continuation line */
	msg_len = 0;
	puts_msg(REQ "X-Note: traceparent: " TP "\r\nX-Long: a\r\n traceparent: " TP
		 "\r\n\ttraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	/* an obs-fold line after the context header does not extend its value */
	msg_len = 0;
	puts_msg(REQ "traceparent: " TP "\r\n  -more\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	msg_len = 0;
	puts_msg(REQ "traceparent: 00-" TRACE "\r\n -" SPAN "-01\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_INVALID);
}

/* Every line ending a bare LF, and a mix. */
static void test_lf_only(void)
{
	struct crosslat_http_ctx r;

	msg_len = 0;
	puts_msg("POST /q HTTP/1.1\nHost: a\nContent-Length: 0\ntraceparent: " TP "\n\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.method, CROSSLAT_HTTP_M_POST);
	CHECK_EQ(r.ctx_off, strlen("POST /q HTTP/1.1\nHost: a\nContent-Length: 0\n"));
	msg_len = 0;
	puts_msg("GET / HTTP/1.1\nHost: a\r\nX: y\n\nb3: " TRACE "-" SPAN "\n\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	CHECK_EQ(r.hdr_len, strlen("GET / HTTP/1.1\nHost: a\r\nX: y\n\n"));
	msg_len = 0;
	puts_msg("GET / HTTP/1.1\nHost: a\nuber-trace-id: 1:2:3:1\r\n\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_UBER);
	/* a line of a lone CR and text is no end of the block */
	msg_len = 0;
	puts_msg("GET / HTTP/1.1\r\n\rX: y\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
}

/* traceparent first wins; otherwise the first valid b3 or uber-trace-id context. */
static void test_precedence(void)
{
	struct crosslat_http_ctx r;

	msg_len = 0;
	puts_msg(REQ "b3: 1111111111111111-2222222222222222-1\r\n"
		 "uber-trace-id: 3:4:0:1\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_TRACEPARENT);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);

	/* without traceparent: the first valid of the others, decided at the block's end */
	msg_len = 0;
	puts_msg(REQ "uber-trace-id: 3:4:0:1\r\nb3: 1111111111111111-2222222222222222-1\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_UBER);
	CHECK_EQ(r.hdr_len, msg_len);
	CHECK_EQ(r.ctx_off, strlen(REQ));
	msg_len = 0;
	puts_msg(REQ "uber-trace-id: 0:4:0:1\r\nb3: 1111111111111111-2222222222222222-1\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
	CHECK_EQ(r.invalid_kinds, 1 << CROSSLAT_TRACE_CTX_UBER);

	/* a malformed traceparent: the b3 context is found, the malformed header counted */
	msg_len = 0;
	puts_msg(REQ "traceparent: ff-" TRACE "-" SPAN "-01\r\n"
		 "b3: 1111111111111111-2222222222222222\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
	CHECK_EQ(r.invalid_kinds, 1 << CROSSLAT_TRACE_CTX_TRACEPARENT);

	/* only malformed ones: INVALID names the first */
	msg_len = 0;
	puts_msg(REQ "b3: x\r\ntraceparent: 00\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_INVALID);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
	CHECK_EQ(r.ctx_off, strlen(REQ));
	CHECK_EQ(r.invalid_kinds, (1 << CROSSLAT_TRACE_CTX_B3) |
		 (1 << CROSSLAT_TRACE_CTX_TRACEPARENT));

	/* a b3 context held while the block goes on */
	msg_len = 0;
	puts_msg(REQ "b3: 1111111111111111-2222222222222222-d\r\nX-More: 1\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_INCOMPLETE);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);
	CHECK_EQ(r.flags, CROSSLAT_TRACE_CTX_F_SAMPLED | CROSSLAT_TRACE_CTX_F_DEBUG);
}

/* Only the first header of each kind is parsed. */
static void test_duplicates(void)
{
	struct crosslat_http_ctx r;

	msg_len = 0;
	puts_msg(REQ "traceparent: " TP "\r\ntraceparent: 00-" TRACE "-1111111111111111-01\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_MEM_EQ(r.span_id, span_bytes, 8);
	/* a malformed first one is not replaced by a later valid one */
	msg_len = 0;
	puts_msg(REQ "traceparent: 00-" TRACE "\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_INVALID);
	CHECK_EQ(r.ctx_off, strlen(REQ));
	msg_len = 0;
	puts_msg(REQ "b3: 0\r\nb3: " TRACE "-" SPAN "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	msg_len = 0;
	puts_msg(REQ "b3: " TRACE "-" SPAN "-1\r\nb3: x\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(r.invalid_kinds, 0);
}

/* Headers of other names and random values (never "\n") of about len bytes, line end eol. */
static void random_headers(size_t len, const char *eol)
{
	static const char tchar[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-_!#$%&'*+.^`|~";
	static const char *const decoys[] = {
		"x-traceparent-old", "traceparent-old", "tracestate", "Traceparentx", "b33",
		"X-B3-TraceId", "uber-trace-idx", "uberctx-user", "baggage", "TRACEPARENT ",
	};
	size_t end = msg_len + len, i, n;
	char name[32];

	while (msg_len < end) {
		if (prng_one_in(&rng, 8)) {
			puts_msg(decoys[prng_below(&rng, ARRAY_SIZE(decoys))]);
		} else if (prng_one_in(&rng, 20)) {
			puts_msg(" traceparent");	/* obs-fold continuation */
		} else {
			n = prng_range(&rng, 1, 30);
			for (i = 0; i < n; i++)
				name[i] = tchar[prng_below(&rng, sizeof(tchar) - 1)];
			name[n] = 0;
			if (!strcasecmp(name, "traceparent") || !strcasecmp(name, "b3") ||
			    !strcasecmp(name, "uber-trace-id"))
				continue;
			puts_msg(name);
		}
		puts_msg(":");
		n = prng_below(&rng, 3);
		for (i = 0; i < n; i++)
			puts_msg(prng_one_in(&rng, 2) ? " " : "\t");
		if (prng_one_in(&rng, 10)) {
			puts_msg(TP);		/* a context in another header's value */
		} else {
			n = prng_below(&rng, 160);
			for (i = 0; i < n; i++) {
				uint8_t c = (uint8_t)prng_range(&rng, 0x20, 0x7e);

				if (prng_one_in(&rng, 50))
					c = (uint8_t)prng_range(&rng, 0x80, 0xff);
				else if (prng_one_in(&rng, 100))
					c = prng_one_in(&rng, 2) ? '\t' : '\r';
				put(&c, 1);
			}
		}
		puts_msg(eol[0] ? eol : prng_one_in(&rng, 2) ? "\r\n" : "\n");
	}
}

static void random_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	do {
		for (i = 0; i < n; i++)
			out[i] = hex[prng_below(&rng, 16)];
		out[n] = 0;
	} while (strspn(out, "0") == n);
}

static void hex_bytes(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(model_hex((uint8_t)s[2 * i], true) << 4 |
				   model_hex((uint8_t)s[2 * i + 1], true));
}

/*
 * A traceparent after `other` bytes of random headers, in FAR_BLOCKS random blocks scanned
 * in random chunkings: found in every one, with its ids and offset.
 */
static void far_traceparent(size_t other)
{
	static const char *const eols[] = { "\r\n", "\n", "" };
	char trace[33], span[17], name[12], label[96];
	uint8_t want_trace[16], want_span[8];
	struct crosslat_http_ctx r, model;
	size_t i, j, off, line_end;
	unsigned int found = 0;
	const char *eol;

	for (i = 0; i < FAR_BLOCKS; i++) {
		eol = eols[prng_below(&rng, ARRAY_SIZE(eols))];
		msg_len = 0;
		if (prng_one_in(&rng, 4))
			puts_msg("HTTP/1.1 200 OK");
		else
			putf("%s /svc/%u HTTP/1.1", prng_one_in(&rng, 2) ? "GET" : "POST",
			     (unsigned int)i);
		puts_msg(eol[0] ? eol : "\r\n");
		random_headers(other, eol);
		random_hex(trace, 32);
		random_hex(span, 16);
		for (j = 0; j < 11; j++)
			name[j] = prng_one_in(&rng, 2) ? "traceparent"[j] : "TRACEPARENT"[j];
		name[11] = 0;
		off = msg_len;
		putf("%s:%s00-%s-%s-0%c%s", name, prng_one_in(&rng, 2) ? " " : "", trace, span,
		     prng_one_in(&rng, 2) ? '1' : '0', prng_one_in(&rng, 3) ? "" : " \t ");
		puts_msg(eol[0] ? eol : "\r\n");
		line_end = msg_len;
		random_headers(prng_below(&rng, 200), eol);
		puts_msg(eol[0] ? eol : "\r\n");
		hex_bytes(trace, want_trace, 16);
		hex_bytes(span, want_span, 8);

		scan_mode(msg, msg_len, 0, (int)prng_below(&rng, CHUNK_MODES), &r);
		if (r.status == CROSSLAT_HTTP_CTX_FOUND && r.ctx_off == off &&
		    r.scanned == line_end && !memcmp(r.trace_id, want_trace, 16) &&
		    !memcmp(r.span_id, want_span, 8))
			found++;
		else
			tap_fail_at(__FILE__, __LINE__, "block %zu: %s at %u, want offset %zu", i,
				    crosslat_http_ctx_status_name(r.status), r.ctx_off, off);
		model_http_ctx(msg, msg_len, 0, &model);
		if (memcmp(&r, &model, sizeof(r)))
			report(__FILE__, __LINE__, "scanner vs model", &r, &model);
	}
	snprintf(label, sizeof(label), "traceparent after %zu KiB of headers: %u/%u found",
		 other / 1024, found, FAR_BLOCKS);
	TAP_OK(found == FAR_BLOCKS, label);
}

/*
 * A header block over two segments, cut at every byte: the state (kept per flow, copied
 * here as a flow table would) says INCOMPLETE after the first unless the decision already
 * fell in it, and after the second gives the whole-buffer result.
 */
static void split_everywhere(const char *text)
{
	struct crosslat_http_ctx_scan s, kept;
	struct crosslat_http_ctx whole, r;
	size_t n = strlen(text), cut;
	int st;

	check_scan((const uint8_t *)text, n, 0, &whole);
	for (cut = 0; cut <= n; cut++) {
		crosslat_http_ctx_init(&s, 0);
		st = feed_chunked(&s, (const uint8_t *)text, cut, 0);
		if (cut < whole.scanned)
			CHECK_EQ(st, CROSSLAT_HTTP_CTX_INCOMPLETE);
		else
			CHECK_EQ(st, whole.status);
		memcpy(&kept, &s, sizeof(s));
		memset(&s, 0x5a, sizeof(s));
		feed_chunked(&kept, (const uint8_t *)text + cut, n - cut, 0);
		crosslat_http_ctx_result(&kept, &r);
		CHECK_MEM_EQ(&r, &whole, sizeof(r));
	}
}

static void test_split_segments(void)
{
	struct crosslat_http_ctx_scan s;
	struct crosslat_http_ctx r;
	const char *seg1 = REQ "User-Agent: test\r\ntrace", *seg2 = "parent: " TP "\r\n\r\n";

	/* the named case: the context header's name cut in two */
	crosslat_http_ctx_init(&s, 0);
	CHECK_EQ(crosslat_http_ctx_feed(&s, (const uint8_t *)seg1, (uint32_t)strlen(seg1)),
		 CROSSLAT_HTTP_CTX_INCOMPLETE);
	crosslat_http_ctx_result(&s, &r);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_NONE);
	CHECK_EQ(r.scanned, strlen(seg1));
	CHECK_EQ(crosslat_http_ctx_feed(&s, (const uint8_t *)seg2, (uint32_t)strlen(seg2)),
		 CROSSLAT_HTTP_CTX_FOUND);
	crosslat_http_ctx_result(&s, &r);
	CHECK_MEM_EQ(r.trace_id, trace_bytes, 16);
	CHECK_EQ(r.ctx_off, strlen(REQ "User-Agent: test\r\n"));
	/* a final status ignores more data */
	CHECK_EQ(crosslat_http_ctx_feed(&s, (const uint8_t *)"junk", 4), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(s.pos, strlen(seg1) + strlen(seg2) - 2);

	split_everywhere(REQ "Accept: */*\r\ntraceparent: " TP "\r\nX-Request-Id: 42\r\n\r\n");
	split_everywhere("HTTP/1.1 200 OK\nb3: " TRACE "-" SPAN "-1-05e3ac9a4f6e3b90\nServer: x\n\n");
	split_everywhere(REQ "uber-trace-id: " TRACE "%3A" SPAN "%3A0%3A1\r\n\r\n");
	split_everywhere(REQ "traceparent: 00-" TRACE "-" SPAN "-0x\r\nX: 1\r\n\r\n");
	split_everywhere(REQ "Cookie: a=b\r\n\r\n");
	split_everywhere("\r\nDELETE /x HTTP/1.0\r\ntraceparent: 00\r\n\r\n");
}

/* The max_len bound, at its edges, and headers far larger than any segment. */
static void test_huge_headers(void)
{
	struct crosslat_http_ctx r;
	size_t i, block;

	/* one 100 KiB header: too large for the default 64 KiB */
	msg_len = 0;
	puts_msg(REQ "X-Huge: ");
	for (i = 0; i < 100 * 1024; i++)
		put("abcdefghijklmnopqrstuvwxyz" + i % 26, 1);
	puts_msg("\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_TOO_LARGE);
	CHECK_EQ(r.scanned, CROSSLAT_HTTP_CTX_MAX_DEFAULT);
	/* a larger bound finds it */
	CHECK_EQ(check_scan(msg, msg_len, 1 << 20, &r), CROSSLAT_HTTP_CTX_FOUND);

	/* a held b3 context survives TOO_LARGE */
	msg_len = 0;
	puts_msg(REQ "b3: " TRACE "-" SPAN "\r\nX-Huge: ");
	for (i = 0; i < 70000; i++)
		put("x", 1);
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_TOO_LARGE);
	CHECK_EQ(r.kind, CROSSLAT_TRACE_CTX_B3);

	/* the bound counts the whole block, the final empty line included */
	msg_len = 0;
	puts_msg(REQ "X-A: 1\r\n\r\n");
	block = msg_len;
	CHECK_EQ(check_scan(msg, msg_len, (uint32_t)block, &r), CROSSLAT_HTTP_CTX_NO_CONTEXT);
	CHECK_EQ(check_scan(msg, msg_len, (uint32_t)block - 1, &r), CROSSLAT_HTTP_CTX_TOO_LARGE);
	CHECK_EQ(r.scanned, block - 1);
	/* exactly max_len bytes of an unfinished block: still incomplete */
	CHECK_EQ(check_scan(msg, block - 1, (uint32_t)block - 1, &r),
		 CROSSLAT_HTTP_CTX_INCOMPLETE);
	/* a traceparent decides as soon as its line ends, whatever follows */
	msg_len = 0;
	puts_msg(REQ "traceparent: " TP "\r\n");
	block = msg_len;
	puts_msg("X-B: 2\r\n\r\n");
	CHECK_EQ(check_scan(msg, msg_len, (uint32_t)block, &r), CROSSLAT_HTTP_CTX_FOUND);
	CHECK_EQ(check_scan(msg, msg_len, (uint32_t)block - 1, &r), CROSSLAT_HTTP_CTX_TOO_LARGE);

	/* a target of 60 KiB */
	msg_len = 0;
	puts_msg("GET /");
	for (i = 0; i < 60 * 1024; i++)
		put("q", 1);
	puts_msg(" HTTP/1.1\r\ntraceparent: " TP "\r\n\r\n");
	CHECK_EQ(check_msg(&r), CROSSLAT_HTTP_CTX_FOUND);
}

/* Random bytes, alone or after a valid start line, and damaged messages: the model agrees. */
static void test_binary_junk(void)
{
	struct crosslat_http_ctx r;
	unsigned int not_http = 0;
	size_t i, j, n;

	for (i = 0; i < JUNK_MSGS; i++) {
		msg_len = 0;
		if (i % 2)
			puts_msg(i % 4 == 1 ? REQ : "HTTP/1.1 200 OK\r\n");
		n = prng_below(&rng, 600);
		for (j = 0; j < n; j++) {
			uint8_t c = (uint8_t)prng_next(&rng);

			put(&c, 1);
		}
		check_msg(&r);
		if (!(i % 2) && r.status == CROSSLAT_HTTP_CTX_NOT_HTTP)
			not_http++;
	}
	/* random bytes start with a capital one time in ten or so */
	CHECK(not_http > JUNK_MSGS / 2 * 8 / 10);
}

/* crosslat_http_ctx_may_start() false: the scan of a message starting so is NOT_HTTP. */
static void test_may_start(void)
{
	static const char rest[] = REQ "traceparent: " TP "\r\n\r\n";
	struct crosslat_http_ctx r;
	unsigned int c, may = 0;

	for (c = 0; c < 256; c++) {
		uint8_t first = (uint8_t)c;

		msg_len = 0;
		put(&first, 1);
		puts_msg(rest);
		check_msg(&r);
		if (crosslat_http_ctx_may_start(first))
			may++;
		else
			CHECK(r.status == CROSSLAT_HTTP_CTX_NOT_HTTP);
	}
	CHECK(may == 28);	/* A-Z, CR, LF */
	CHECK(crosslat_http_ctx_may_start('G') && crosslat_http_ctx_may_start('H'));
}

/* One random message made of plausible pieces, damaged at a few random bytes. */
static void random_message(void)
{
	static const char *const starts[] = {
		"GET / HTTP/1.1\r\n", "POST /a/b?c=d HTTP/1.0\n", "HTTP/1.1 200 OK\r\n",
		"\r\nPUT * HTTP/1.1\r\n", "HTTP/1.0 301\n", "OPTIONS * HTTP/1.1\r\n",
	};
	static const char *const lines[] = {
		"traceparent: " TP, "TRACEPARENT:00-" TRACE "-" SPAN "-00 ",
		"traceparent: 01-" TRACE "-" SPAN "-01-x", "traceparent: ff-" TRACE "-" SPAN "-01",
		"b3: " TRACE "-" SPAN "-1-05e3ac9a4f6e3b90", "b3: 4bf92f3577b34da6-" SPAN,
		"b3: d", "B3: " TRACE "-" SPAN "-", "uber-trace-id: abc:def:0:1",
		"uber-trace-id: " TRACE "%3A" SPAN "%3A0%3A01", "Uber-Trace-Id:\t1:2:3:4",
		"Host: x", "x-traceparent-old: " TP, " folded", "Cookie: a=b; c=d", "Accept: */*",
		"traceparent:", "b3:", "uber-trace-id: ::", "\r",
	};
	size_t i, n, at;

	msg_len = 0;
	puts_msg(starts[prng_below(&rng, ARRAY_SIZE(starts))]);
	n = prng_below(&rng, 8);
	for (i = 0; i < n; i++) {
		puts_msg(lines[prng_below(&rng, ARRAY_SIZE(lines))]);
		puts_msg(prng_one_in(&rng, 3) ? "\n" : "\r\n");
	}
	if (!prng_one_in(&rng, 5))
		puts_msg(prng_one_in(&rng, 2) ? "\r\n" : "\n");
	n = prng_below(&rng, 4);
	for (i = 0; i < n && msg_len; i++) {
		at = prng_below(&rng, msg_len);
		switch (prng_below(&rng, 4)) {
		case 0:
			msg[at] = (uint8_t)prng_next(&rng);
			break;
		case 1:
			msg[at] = (uint8_t)"\r\n:- %3Aa0fF\t"[prng_below(&rng, 13)];
			break;
		case 2:
			msg[at] ^= 0x20;	/* case */
			break;
		default:
			msg_len = at;		/* truncated */
			break;
		}
	}
}

/*
 * The model on random messages, and every prefix property: a prefix's result is INCOMPLETE
 * or the full result, never anything else.
 */
static void test_random_model(void)
{
	struct crosslat_http_ctx whole, part;
	unsigned int status_seen = 0;
	uint32_t max_len;
	size_t i, cut;

	for (i = 0; i < MODEL_MSGS; i++) {
		random_message();
		max_len = prng_one_in(&rng, 4) ? (uint32_t)prng_range(&rng, 1, 200) : 0;
		check_scan(msg, msg_len, max_len, &whole);
		status_seen |= 1u << whole.status;
		cut = prng_below(&rng, msg_len + 1);
		scan_mode(msg, cut, max_len, 0, &part);
		if (part.status == CROSSLAT_HTTP_CTX_INCOMPLETE)
			CHECK_EQ(part.scanned, cut);
		else if (memcmp(&part, &whole, sizeof(part)))
			report(__FILE__, __LINE__, "prefix vs whole", &part, &whole);
	}
	/* the generator reaches every status */
	CHECK_EQ(status_seen, (1u << CROSSLAT_HTTP_CTX_NR_STATUS) - 1);
}

static void test_names_and_size(void)
{
	CHECK(!strcmp(crosslat_http_ctx_status_name(CROSSLAT_HTTP_CTX_FOUND), "found"));
	CHECK(!strcmp(crosslat_http_ctx_status_name(CROSSLAT_HTTP_CTX_TOO_LARGE), "too_large"));
	CHECK(!strcmp(crosslat_http_ctx_status_name(99), "unknown"));
	CHECK(!strcmp(crosslat_trace_ctx_kind_name(CROSSLAT_TRACE_CTX_UBER), "uber-trace-id"));
	CHECK(!strcmp(crosslat_trace_ctx_kind_name(4), "unknown"));
	CHECK(!strcmp(crosslat_http_method_name(CROSSLAT_HTTP_M_OPTIONS), "OPTIONS"));
	CHECK(!strcmp(crosslat_http_method_name(CROSSLAT_HTTP_M_NR), "unknown"));
	/* kept per flow: small */
	CHECK(sizeof(struct crosslat_http_ctx_scan) <= 128);
	tap_diag("sizeof(struct crosslat_http_ctx_scan) = %zu bytes",
		 sizeof(struct crosslat_http_ctx_scan));
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_basic_request);
	TAP_RUN(test_response);
	TAP_RUN(test_start_lines);
	TAP_RUN(test_traceparent_values);
	TAP_RUN(test_b3);
	TAP_RUN(test_uber);
	TAP_RUN(test_header_names);
	TAP_RUN(test_lf_only);
	TAP_RUN(test_precedence);
	TAP_RUN(test_duplicates);
	far_traceparent(2 * 1024);
	far_traceparent(4 * 1024);
	far_traceparent(16 * 1024);
	TAP_RUN(test_split_segments);
	TAP_RUN(test_huge_headers);
	TAP_RUN(test_binary_junk);
	TAP_RUN(test_may_start);
	TAP_RUN(test_random_model);
	TAP_RUN(test_names_and_size);
	return tap_done();
}
