// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of libcrosslat-span's portable parts: traceparent parsing and formatting
 * (ust/traceparent.c), HTTP/1.x framing of a server connection (ust/http_frame.c) and the
 * CROSSLAT_SPAN_LOG line (ust/span_log.c). Every framing case runs with its bytes fed
 * whole, one at a time and in random pieces (of up to 7 bytes, and of up to 64: whole lines
 * and parts of lines, which the parser takes by different paths), and must give the same
 * begin/end sequence.
 * TAP-style lines on stdout (tests/userspace/run.sh), diagnostics on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crosslat_span.h"
#include "http_frame.h"
#include "span_internal.h"

static int failures;

static void result(bool ok, const char *name)
{
	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok)
		failures++;
}

/* traceparent */

#define TRACE	"4bf92f3577b34da6a3ce929d0e0e4736"
#define PARENT	"00f067aa0ba902b7"
#define TP	"00-" TRACE "-" PARENT "-01"

static const uint8_t trace_bin[16] = {
	0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
	0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
};
static const uint8_t parent_bin[8] = { 0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7 };

struct tp_case {
	const char *name;
	const char *value;
	int err;
	uint8_t flags;
};

static const struct tp_case tp_cases[] = {
	{ "valid_v00", TP, 0, 1 },
	{ "valid_unsampled", "00-" TRACE "-" PARENT "-00", 0, 0 },
	{ "future_version_exact", "cc-" TRACE "-" PARENT "-09", 0, 9 },
	{ "future_version_more_fields", "01-" TRACE "-" PARENT "-01-what-comes-next", 0, 1 },
	{ "future_version_no_dash", "01-" TRACE "-" PARENT "-01x", -EINVAL, 0 },
	{ "v00_longer", TP "-extra", -EINVAL, 0 },
	{ "version_ff", "ff-" TRACE "-" PARENT "-01", -EINVAL, 0 },
	{ "uppercase_trace", "00-4BF92F3577B34DA6A3CE929D0E0E4736-" PARENT "-01", -EINVAL, 0 },
	{ "uppercase_version", "0A-" TRACE "-" PARENT "-01", -EINVAL, 0 },
	{ "uppercase_flags", "00-" TRACE "-" PARENT "-0A", -EINVAL, 0 },
	{ "zero_trace", "00-00000000000000000000000000000000-" PARENT "-01", -EINVAL, 0 },
	{ "zero_parent", "00-" TRACE "-0000000000000000-01", -EINVAL, 0 },
	{ "short", "00-" TRACE "-" PARENT "-1", -EINVAL, 0 },
	{ "empty", "", -EINVAL, 0 },
	{ "bad_separator", "00_" TRACE "-" PARENT "-01", -EINVAL, 0 },
	{ "short_trace", "00-4bf92f3577b34da6a3ce929d0e0e473-" PARENT "-01x", -EINVAL, 0 },
	{ "junk", "not a traceparent at all, but long enough to be read", -EINVAL, 0 },
	{ "spaces_inside", "00-" TRACE "-" PARENT "- 1", -EINVAL, 0 },
};

static void test_traceparent(void)
{
	uint8_t tid[16], sid[8], flags, untouched[16];
	char out[CROSSLAT_TRACEPARENT_SIZE], name[80];
	const struct tp_case *c;
	bool ok;
	int err;

	for (c = tp_cases; c < tp_cases + sizeof(tp_cases) / sizeof(*tp_cases); c++) {
		memset(tid, 0xaa, sizeof(tid));
		memset(sid, 0xaa, sizeof(sid));
		memset(untouched, 0xaa, sizeof(untouched));
		flags = 0xaa;
		err = crosslat_traceparent_parse(c->value, strlen(c->value), tid, sid, &flags);
		ok = err == c->err;
		if (!err)
			ok = ok && !memcmp(tid, trace_bin, 16) && !memcmp(sid, parent_bin, 8) &&
			     flags == c->flags;
		else
			ok = ok && !memcmp(tid, untouched, 16) && !memcmp(sid, untouched, 8) &&
			     flags == 0xaa;
		if (!ok)
			fprintf(stderr, "# %s: \"%s\" gave %d\n", c->name, c->value, err);
		snprintf(name, sizeof(name), "traceparent_parse_%s", c->name);
		result(ok, name);
	}
	/* The length given is the value's: a NUL or more text beyond it is not read. */
	result(crosslat_traceparent_parse(TP "-x", 55, tid, sid, NULL) == 0,
	       "traceparent_parse_length_bounds_value");
	result(crosslat_traceparent_parse(TP, 54, tid, sid, NULL) == -EINVAL,
	       "traceparent_parse_length_too_short");
	result(crosslat_traceparent_parse(NULL, 55, tid, sid, NULL) == -EINVAL,
	       "traceparent_parse_null");

	memset(out, 'x', sizeof(out));
	err = crosslat_traceparent_format(out, trace_bin, parent_bin, 1);
	result(err == CROSSLAT_TRACEPARENT_LEN && !strcmp(out, TP), "traceparent_format");
	err = crosslat_traceparent_format(out, trace_bin, parent_bin, 0xfe);
	result(err == CROSSLAT_TRACEPARENT_LEN && !crosslat_traceparent_parse(out, err, tid, sid,
									    &flags) &&
	       flags == 0xfe && !memcmp(tid, trace_bin, 16) && !memcmp(sid, parent_bin, 8),
	       "traceparent_format_parse_roundtrip");
	memset(tid, 0, sizeof(tid));
	result(crosslat_traceparent_format(out, tid, parent_bin, 1) == -EINVAL,
	       "traceparent_format_zero_trace");
	memset(sid, 0, sizeof(sid));
	result(crosslat_traceparent_format(out, trace_bin, sid, 1) == -EINVAL,
	       "traceparent_format_zero_span");
}

/* HTTP framing */

/* A connection's begins and ends as text: "B(GET /a <4bf92f35/00f067aa0ba902b7) E(200) ". */
struct recorder {
	char log[4096];
	size_t len;
	bool begun;
	bool misordered;
};

static void rec_add(struct recorder *r, const char *text)
{
	size_t n = strlen(text);

	if (n < sizeof(r->log) - r->len) {
		memcpy(r->log + r->len, text, n + 1);
		r->len += n;
	}
}

/* Begins and ends must alternate. */
static struct recorder *rec_turn(void *ctx, bool begin)
{
	struct recorder *r = ctx;

	if (r->begun == begin)
		r->misordered = true;
	r->begun = begin;
	return r;
}

static void rec_begin(void *ctx, const struct http_request *req)
{
	struct recorder *r = rec_turn(ctx, true);
	char text[128], tid[9], sid[17];

	if (req->has_parent) {
		hex_encode(tid, req->trace_id, 4);
		hex_encode(sid, req->parent_span_id, 8);
		snprintf(text, sizeof(text), "B(%s <%s/%s) ", req->name, tid, sid);
	} else {
		snprintf(text, sizeof(text), "B(%s) ", req->name);
	}
	rec_add(r, text);
}

static void rec_end(void *ctx, int http_status)
{
	struct recorder *r = rec_turn(ctx, false);
	char text[32];

	snprintf(text, sizeof(text), "E(%d) ", http_status);
	rec_add(r, text);
}

static const struct http_conn_ops rec_ops = {
	.begin = rec_begin,
	.end = rec_end,
};

/*
 * A step: 'r' the server reads data, 's' it writes data, 'o' it sendfile()s strlen(data)
 * bytes, 'c' it closes.
 */
struct step {
	char op;
	const char *data;
};

struct frame_case {
	const char *name;
	struct step steps[12];
	const char *expect;	/* the recorder's log, then "dead=<why>" */
};

#define GET(path)	"GET " path " HTTP/1.1\r\nHost: x\r\n\r\n"
#define OK(body)	"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" body
#define BEGIN_TP(name)	"B(" name " <4bf92f35/00f067aa0ba902b7) "

static char long_head[HTTP_HEAD_MAX + 64];
static char nine_requests[16 * sizeof(GET("/n"))];
/* Heads of HTTP_HEAD_MAX bytes exactly, and of one more. */
static char head_at_max[HTTP_HEAD_MAX + 1], head_over_max[HTTP_HEAD_MAX + 2];

static struct frame_case frame_cases[] = {
	{ "traceparent_content_length",
	  { { 'r', "GET /a HTTP/1.1\r\nHost: x\r\ntraceparent: " TP "\r\n\r\n" },
	    { 's', OK("hello") } },
	  BEGIN_TP("GET /a") "E(200) dead=alive" },
	{ "traceparent_name_case_and_ows",
	  { { 'r', "POST /submit?id=3 HTTP/1.0\r\nAccept: */*\r\nTraceParent:\t " TP " \t\r\n"
		   "User-Agent: t\r\nContent-Length: 4\r\n\r\nbody" },
	    { 's', "HTTP/1.0 201 Created\r\ncontent-length:0\r\n\r\n" } },
	  BEGIN_TP("POST /submit") "E(201) dead=alive" },
	{ "no_traceparent",
	  { { 'r', GET("/") }, { 's', OK("hello") } },
	  "B(GET /) E(200) dead=alive" },
	{ "invalid_traceparent",
	  { { 'r', "GET / HTTP/1.1\r\ntraceparent: ff-" TRACE "-" PARENT "-01\r\n\r\n" },
	    { 's', OK("hello") } },
	  "B(GET /) E(200) dead=alive" },
	{ "two_traceparents",
	  { { 'r', "GET / HTTP/1.1\r\ntraceparent: " TP "\r\ntraceparent: " TP "\r\n\r\n" },
	    { 's', OK("hello") } },
	  "B(GET /) E(200) dead=alive" },
	{ "traceparent_prefix_name_is_not_it",
	  { { 'r', "GET / HTTP/1.1\r\ntraceparentx: " TP "\r\ntrace: " TP "\r\n\r\n" },
	    { 's', OK("hello") } },
	  "B(GET /) E(200) dead=alive" },
	{ "keep_alive_three",
	  { { 'r', GET("/1") }, { 's', OK("hello") }, { 'r', GET("/2") },
	    { 's', "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n" }, { 'r', GET("/3") },
	    { 's', "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n" }, { 's', "abc" } },
	  "B(GET /1) E(200) B(GET /2) E(500) B(GET /3) E(404) dead=alive" },
	{ "pipelined",
	  { { 'r', GET("/1") GET("/2") "HEAD /3 HTTP/1.1\r\n\r\n" },
	    { 's', OK("hello") OK("world") "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" },
	    { 'r', GET("/4") }, { 's', OK("again") } },
	  "B(GET /1) E(200) B(GET /2) E(200) B(HEAD /3) E(200) B(GET /4) E(200) dead=alive" },
	{ "chunked_response",
	  { { 'r', GET("/c") },
	    { 's', "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
		   "5\r\nhello\r\n1A;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n"
		   "0\r\nTrailer: x\r\n\r\n" },
	    { 'r', GET("/d") }, { 's', "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" },
	    { 's', "0\r\n\r\n" } },
	  "B(GET /c) E(200) B(GET /d) E(200) dead=alive" },
	{ "chunked_request_body",
	  { { 'r', "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "3\r\nabc\r\n0\r\n\r\n" GET("/next") },
	    { 's', OK("hello") OK("hello") } },
	  "B(POST /up) E(200) B(GET /next) E(200) dead=alive" },
	{ "content_length_request_body_looks_like_request",
	  { { 'r', "POST /p HTTP/1.1\r\nContent-Length: 40\r\n\r\n" GET("/not-a-request") },
	    { 's', OK("hello") } },
	  "B(POST /p) E(200) dead=alive" },
	{ "no_body_statuses",
	  { { 'r', "HEAD /h HTTP/1.1\r\n\r\n" GET("/204") GET("/304") GET("/x") },
	    { 's', "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" },
	    { 's', "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n" },
	    { 's', "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n" },
	    { 's', OK("hello") } },
	  "B(HEAD /h) E(200) B(GET /204) E(204) B(GET /304) E(304) B(GET /x) E(200) dead=alive" },
	{ "interim_100_continue",
	  { { 'r', "PUT /f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n" },
	    { 's', "HTTP/1.1 100 Continue\r\n\r\n" }, { 'r', "ok" },
	    { 's', "HTTP/1.1 204 No Content\r\n\r\n" } },
	  "B(PUT /f) E(204) dead=alive" },
	{ "until_close",
	  { { 'r', GET("/old") }, { 's', "HTTP/1.0 200 OK\r\n\r\nbody without length" },
	    { 'c', NULL } },
	  "B(GET /old) E(200) dead=closed" },
	{ "until_next_request",
	  { { 'r', GET("/1") }, { 's', "HTTP/1.1 200 OK\r\n\r\nno length" }, { 'r', GET("/2") },
	    { 's', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" } },
	  "B(GET /1) E(200) B(GET /2) E(200) dead=alive" },
	{ "close_before_response",
	  { { 'r', GET("/slow") }, { 's', "HTTP/1.1 2" }, { 'c', NULL } },
	  "B(GET /slow) E(0) dead=closed" },
	{ "upgrade_101",
	  { { 'r', "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n" GET("/after") },
	    { 's', "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello" },
	    { 'r', "\x81\x85junk" } },
	  "B(GET /ws) E(101) dead=upgrade" },
	{ "connect_tunnel",
	  { { 'r', "CONNECT example.org:443 HTTP/1.1\r\n\r\n" },
	    { 's', "HTTP/1.1 200 Connection established\r\n\r\n" }, { 'r', "\x16\x03\x01" } },
	  "B(CONNECT example.org:443) E(200) dead=upgrade" },
	{ "tls_is_not_http",
	  { { 'r', "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" } },
	  "dead=not_http" },
	{ "http2_preface_is_not_http1",
	  { { 'r', "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" } },
	  "dead=not_http" },
	{ "http09_is_not_http1",
	  { { 'r', "GET /\r\n" } },
	  "dead=not_http" },
	{ "head_too_long",
	  { { 'r', long_head } },
	  "dead=head_too_long" },
	{ "head_at_max",
	  { { 'r', head_at_max }, { 's', OK("hello") } },
	  BEGIN_TP("GET /max") "E(200) dead=alive" },
	{ "head_over_max",
	  { { 'r', head_over_max } },
	  "dead=head_too_long" },
	{ "pipeline_overflow",
	  { { 'r', nine_requests }, { 's', OK("hello") } },
	  "B(GET /n) E(0) dead=pipeline" },
	{ "sendfile_body",
	  { { 'r', GET("/file") }, { 's', "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" },
	    { 'o', "0123456789" }, { 'r', GET("/next") }, { 's', OK("hello") } },
	  "B(GET /file) E(200) B(GET /next) E(200) dead=alive" },
	{ "sendfile_chunk_data",
	  { { 'r', GET("/file") },
	    { 's', "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n" },
	    { 'o', "0123456789" }, { 's', "\r\n0\r\n\r\n" } },
	  "B(GET /file) E(200) dead=alive" },
	{ "sendfile_where_head_due",
	  { { 'r', GET("/file") }, { 'o', "HTTP/1.1 200 OK\r\n" } },
	  "B(GET /file) E(0) dead=opaque" },
	{ "name_truncated_query_dropped",
	  { { 'r', GET("/a/very/long/path/that/goes/on/and/on?q=1") }, { 's', OK("hello") } },
	  "B(GET /a/very/long/path/that/goes) E(200) dead=alive" },
	{ "fragment_dropped",
	  { { 'r', GET("/p#frag") }, { 's', OK("hello") } },
	  "B(GET /p) E(200) dead=alive" },
	{ "bad_content_length",
	  { { 'r', "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n" },
	    { 's', "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" } },
	  "dead=not_http" },
	{ "conflicting_content_lengths",
	  { { 'r', "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n" } },
	  "dead=not_http" },
	{ "same_content_length_twice",
	  { { 'r', "POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1 \r\n\r\nx" },
	    { 's', OK("hello") } },
	  "B(POST /) E(200) dead=alive" },
	{ "empty_lines_and_bare_lf",
	  { { 'r', "\r\n\nGET /lf HTTP/1.1\nHost: x\ntraceparent: " TP "\n\n" },
	    { 's', "HTTP/1.1 200 OK\nContent-Length: 2\n\nok" } },
	  BEGIN_TP("GET /lf") "E(200) dead=alive" },
	{ "response_without_request",
	  { { 's', "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n" },
	    { 'r', GET("/late") }, { 's', OK("hello") } },
	  "B(GET /late) E(200) dead=alive" },
	{ "response_garbage",
	  { { 'r', GET("/g") }, { 's', "HTP/1.1 200 OK\r\n\r\n" } },
	  "B(GET /g) E(0) dead=not_http" },
	{ "obs_fold_ignored",
	  { { 'r', "GET /f HTTP/1.1\r\nX-A: 1\r\n  continued\r\ntraceparent: " TP "\r\n\r\n" },
	    { 's', OK("hello") } },
	  BEGIN_TP("GET /f") "E(200) dead=alive" },
};

/*
 * Feeds @len bytes in pieces: mode 0 whole, 1 byte by byte, 2 random sizes of 1 to 7, 3 of
 * 1 to 64.
 */
static void feed(struct http_conn *c, struct recorder *r, const struct step *st, int mode,
		 unsigned int *seed)
{
	size_t len = strlen(st->data), off = 0, n;

	while (off < len) {
		n = mode == 0 ? len - off : mode == 1 ? 1 :
		    1 + (size_t)rand_r(seed) % (mode == 2 ? 7 : 64);
		n = n < len - off ? n : len - off;
		if (st->op == 'r')
			http_conn_recv(c, st->data + off, n, &rec_ops, r);
		else if (st->op == 's')
			http_conn_send(c, st->data + off, n, &rec_ops, r);
		else
			http_conn_send_opaque(c, n, &rec_ops, r);
		off += n;
	}
}

static void run_frame_case(const struct frame_case *fc, int mode, char *log, size_t size,
			   bool *misordered)
{
	static struct recorder r;
	struct http_conn c;
	unsigned int seed = 42 + mode;
	const struct step *st;

	memset(&r, 0, sizeof(r));
	http_conn_init(&c);
	for (st = fc->steps; st < fc->steps + 12 && st->op; st++) {
		if (st->op == 'c')
			http_conn_close(&c, &rec_ops, &r);
		else
			feed(&c, &r, st, mode, &seed);
	}
	snprintf(log, size, "%.4000sdead=%s", r.log, http_dead_name(c.dead));
	*misordered = r.misordered || (r.begun != (c.count > 0));
}

/*
 * A request head of @size bytes (its last line's end included): field lines of no interest,
 * one of them as long as makes the size, and a traceparent last.
 */
static void head_fill(char *buf, size_t size)
{
	static const char start[] = "GET /max HTTP/1.1\r\n", last[] = "traceparent: " TP "\r\n\r\n";
	size_t off = sizeof(start) - 1, end = size - (sizeof(last) - 1), line;

	memcpy(buf, start, off);
	while (off < end) {
		line = end - off > 200 ? 100 : end - off;	/* at least 4: "X:\r\n" */
		memcpy(buf + off, "X:", 2);
		memset(buf + off + 2, 'x', line - 4);
		memcpy(buf + off + line - 2, "\r\n", 2);
		off += line;
	}
	memcpy(buf + off, last, sizeof(last));
}

static void test_frames(void)
{
	static const char *const modes[] = { "whole", "bytes", "random", "pieces" };
	char log[4200], name[128];
	const struct frame_case *fc;
	bool misordered;
	size_t off;
	int mode, i;

	/* A head over HTTP_HEAD_MAX; nine requests in a row, one more than can wait. */
	off = snprintf(long_head, sizeof(long_head), "GET /long HTTP/1.1\r\n");
	while (off + 24 < sizeof(long_head) - 1)
		off += snprintf(long_head + off, sizeof(long_head) - off,
				"X-Filler: 0123456789\r\n");
	nine_requests[0] = '\0';
	for (i = 0; i <= HTTP_PIPELINE_MAX; i++)
		strcat(nine_requests, GET("/n"));
	head_fill(head_at_max, HTTP_HEAD_MAX);
	head_fill(head_over_max, HTTP_HEAD_MAX + 1);

	for (fc = frame_cases; fc < frame_cases + sizeof(frame_cases) / sizeof(*frame_cases);
	     fc++) {
		for (mode = 0; mode < 4; mode++) {
			run_frame_case(fc, mode, log, sizeof(log), &misordered);
			snprintf(name, sizeof(name), "http_frame_%s_%s", fc->name, modes[mode]);
			if (strcmp(log, fc->expect) || misordered)
				fprintf(stderr, "# %s:\n#   got    %s%s\n#   wanted %s\n",
					name, log, misordered ? " (begin/end misordered)" : "",
					fc->expect);
			result(!strcmp(log, fc->expect) && !misordered, name);
		}
	}
}

/* The CROSSLAT_SPAN_LOG line */

static void test_log_format(void)
{
	struct crosslat_span s = { 0 };
	char line[SPAN_LOG_LINE_MAX], expect[SPAN_LOG_LINE_MAX];
	size_t len;

	memcpy(s.trace_id, trace_bin, 16);
	memcpy(s.span_id, parent_bin, 8);
	s.span_id[0] = 0x11;
	strcpy(s.name, "GET /\"quoted\\\"");
	strcpy(s.service, "svc");
	s.tid = 1234;
	s.start_ns = 1000;
	s.end_ns = 3000;
	s.duration_ns = 1900;
	s.status = CROSSLAT_OTLP_ERROR;
	s.begin_kernel = 1;
	s.end_kernel = -2;
	s.annotated = 1;
	s.syscalls = 17;
	len = span_log_format(line, &s);
	snprintf(expect, sizeof(expect),
		 "{\"trace_id\":\"" TRACE "\",\"span_id\":\"11f067aa0ba902b7\","
		 "\"parent_span_id\":\"\",\"name\":\"GET /\\\"quoted\\\\\\\"\",\"service\":\"svc\","
		 "\"pid\":%d,\"tid\":1234,\"start_ns\":1000,\"end_ns\":3000,\"duration_ns\":1900,"
		 "\"status\":2,\"begin_kernel\":1,\"end_kernel\":-2,\"annotated\":1,"
		 "\"syscalls\":17}\n", (int)getpid());
	if (strcmp(line, expect))
		fprintf(stderr, "# got    %s# wanted %s", line, expect);
	result(!strcmp(line, expect) && len == strlen(expect), "span_log_format_root_escaped");

	memcpy(s.parent_span_id, parent_bin, 8);
	memset(s.name, 'n', sizeof(s.name) - 1);
	memset(s.service, '"', sizeof(s.service) - 1);
	len = span_log_format(line, &s);
	result(strstr(line, "\"parent_span_id\":\"" PARENT "\"") && len == strlen(line) &&
	       line[len - 1] == '\n', "span_log_format_longest_names_fit");
}

int main(void)
{
	test_traceparent();
	test_frames();
	test_log_format();
	return failures ? 1 : 0;
}
