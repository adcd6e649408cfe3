// SPDX-License-Identifier: GPL-2.0-only
/* Streaming HTTP/1.x framing of one server connection (http_frame.h): no I/O, no allocation. */
#include <string.h>
#include "http_frame.h"

enum stream_state {
	ST_START,		/* before a start line (empty lines are skipped) */
	ST_LINE,		/* in the start line; part says where */
	ST_FIELD_START,		/* at a field line's start, or the empty line ending the head */
	ST_FIELD_NAME,		/* a name read byte by byte (split where it could be known) */
	ST_FIELD_VALUE,
	ST_SKIP_LINE,		/* an ignored field line: unknown, obs-fold, malformed */
	ST_HEAD_DONE,		/* the head is read: the connection picks the body's framing */
	ST_BODY,		/* left bytes of content */
	ST_CHUNK_SIZE,
	ST_CHUNK_EXT,
	ST_CHUNK_DATA,		/* left bytes of the chunk */
	ST_CHUNK_DATA_END,	/* the line end after a chunk's data */
	ST_TRAILER_START,
	ST_TRAILER_LINE,
	ST_UNTIL_CLOSE,		/* a response body that the connection's close ends */
	ST_DEAD,
};

/* Parts of a start line. */
enum {
	P_METHOD, P_TARGET, P_TARGET_SKIP, P_VERSION,	/* request */
	P_RVERSION, P_STATUS, P_REASON,			/* response */
};

/* What stream_feed stopped at. */
enum stream_event { EV_NONE, EV_HEAD, EV_END, EV_DEAD };

/* Known field names, lowercase; a bit each in http_stream.cand. */
enum { F_CONTENT_LENGTH, F_TRANSFER_ENCODING, F_TRACEPARENT, F_COUNT, F_NONE = F_COUNT };
/* With the ':', for field_name_is. */
#define FIELD(name)	{ name ":", sizeof(name) - 1 }
static const struct {
	char name[24];
	uint8_t len;		/* without the ':' */
} field_names[F_COUNT] = {
	[F_CONTENT_LENGTH] = FIELD("content-length"),
	[F_TRANSFER_ENCODING] = FIELD("transfer-encoding"),
	[F_TRACEPARENT] = FIELD("traceparent"),
};

/*
 * What the first byte of a field line may begin: the known fields' names (their bits, by
 * their first letter in either case), or the head's end (LINE_END). Field lines of other
 * names are skipped whole (ST_SKIP_LINE), so their bytes are not looked at one by one.
 */
#define LINE_END	0x80
#define CAND(f)		(1u << (f))
static const uint8_t line_start[256] = {
	['\n'] = LINE_END, ['\r'] = LINE_END,
	['C'] = CAND(F_CONTENT_LENGTH), ['c'] = CAND(F_CONTENT_LENGTH),
	['T'] = CAND(F_TRANSFER_ENCODING) | CAND(F_TRACEPARENT),
	['t'] = CAND(F_TRANSFER_ENCODING) | CAND(F_TRACEPARENT),
};

static uint8_t field_cand(uint8_t c)
{
	return line_start[c] & ~LINE_END;
}

#define METHOD_MAX	20		/* a longer method token is no HTTP */
#define CL_MAX		(1ULL << 60)	/* a larger Content-Length is an error */
#define CHUNK_DIGITS	15		/* hex digits of a chunk size, at most */

static const char http_version[] = "HTTP/1.";

/* The bytes of a token (RFC 9110 tchar). */
static const bool tchar[256] = {
	['0' ... '9'] = true, ['A' ... 'Z'] = true, ['a' ... 'z'] = true,
	['!'] = true, ['#'] = true, ['$'] = true, ['%'] = true, ['&'] = true, ['\''] = true,
	['*'] = true, ['+'] = true, ['-'] = true, ['.'] = true, ['^'] = true, ['_'] = true,
	['`'] = true, ['|'] = true, ['~'] = true,
};

static bool is_tchar(uint8_t c)
{
	return tchar[c];
}

/* The bytes of a request target: 0 those that end it or are none of it, 2 '?' and '#'. */
static const uint8_t target_byte[256] = {
	[0x21 ... 0x22] = 1, ['#'] = 2, [0x24 ... 0x3e] = 1, ['?'] = 2, [0x40 ... 0x7e] = 1,
	[0x80 ... 0xff] = 1,
};

static bool is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Ready for the next message's start line. */
static void stream_reset(struct http_stream *s)
{
	uint8_t dead = s->dead;

	/* All but tp and name, which are used up to their lengths. */
	memset(s, 0, offsetof(struct http_stream, tp));
	s->state = ST_START;
	s->dead = dead;
}

static enum stream_event stream_die(struct http_stream *s, enum http_dead why)
{
	s->state = ST_DEAD;
	if (!s->dead)
		s->dead = why;
	return EV_DEAD;
}

/* Adds @n bytes to the head (or trailer): false, the stream dead, if it grows too long. */
static bool head_grow(struct http_stream *s, size_t n)
{
	if (n > HTTP_HEAD_MAX - s->head_len) {
		stream_die(s, HTTP_DEAD_HEAD_TOO_LONG);
		return false;
	}
	s->head_len += n;
	return true;
}

/* Whether @p starts with "HTTP/1.<digit>". */
static bool is_http_version(const uint8_t *p)
{
	return !memcmp(p, http_version, sizeof(http_version) - 1) &&
	       p[sizeof(http_version) - 1] >= '0' && p[sizeof(http_version) - 1] <= '9';
}

/*
 * The fast paths of a start line: when it is all there, and a plain one (what a start line
 * usually is), it is taken in one go; else it is left to the byte by byte parser (0 bytes
 * used, the stream untouched), which takes it or finds it wrong. Returns the bytes used.
 */
static size_t request_line(struct http_stream *s, const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len, *q = p, *target, *cut;
	size_t method, keep, n;

	while (q < end && tchar[*q])
		q++;
	method = q - p;
	if (!method || method > METHOD_MAX || q == end || *q != ' ')
		return 0;
	target = ++q;
	while (q < end && target_byte[*q] == 1)
		q++;
	cut = q;	/* the name keeps no query nor fragment */
	while (q < end && target_byte[*q])
		q++;
	if (q == target || end - q < (ptrdiff_t)sizeof(http_version) + 1 || *q != ' ' ||
	    !is_http_version(q + 1))
		return 0;
	for (q += sizeof(http_version) + 1; q < end && *q == '\r'; q++)
		;
	n = q + 1 - p;
	if (q == end || *q != '\n' || n > HTTP_HEAD_MAX - s->head_len)
		return 0;
	/* "METHOD /path", as it is in the line */
	keep = cut - p;
	if (keep > CROSSLAT_SPAN_NAME_SIZE - 1)
		keep = CROSSLAT_SPAN_NAME_SIZE - 1;
	memcpy(s->name, p, keep);
	s->name_len = keep;
	s->head = method == 4 && !memcmp(p, "HEAD", 4);
	s->connect = method == 7 && !memcmp(p, "CONNECT", 7);
	s->head_len += n;
	s->state = ST_FIELD_START;
	return n;
}

static size_t status_line(struct http_stream *s, const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len, *q = p + sizeof(http_version) + 1;
	size_t n;

	if (len < sizeof(http_version) + 4 || !is_http_version(p) || q[-1] != ' ' ||
	    q[0] < '0' || q[0] > '9' || q[1] < '0' || q[1] > '9' || q[2] < '0' || q[2] > '9')
		return 0;
	for (q += 3; q < end && *q == '\r'; q++)
		;
	if (q < end && *q == ' ')	/* a reason, up to the line's end */
		while (q < end && *q != '\n')
			q++;
	n = q + 1 - p;
	if (q == end || *q != '\n' || n > HTTP_HEAD_MAX - s->head_len)
		return 0;
	q = p + sizeof(http_version) + 1;
	s->status = (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0');
	s->head_len += n;
	s->state = ST_FIELD_START;
	return n;
}

static enum stream_event request_line_byte(struct http_stream *s, uint8_t c)
{
	switch (s->part) {
	case P_METHOD:
		if (c == ' ' && s->name_len) {
			s->head = s->name_len == 4 && !memcmp(s->name, "HEAD", 4);
			s->connect = s->name_len == 7 && !memcmp(s->name, "CONNECT", 7);
			s->name[s->name_len++] = ' ';
			s->part = P_TARGET;
			return EV_NONE;
		}
		if (!is_tchar(c) || s->name_len >= METHOD_MAX)
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		s->name[s->name_len++] = c;
		return EV_NONE;
	case P_TARGET:
	case P_TARGET_SKIP:
		if (c == ' ' && s->pos) {
			s->part = P_VERSION;
			s->pos = 0;
			return EV_NONE;
		}
		if (c <= ' ' || c == 0x7f)
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		s->pos = 1;
		if (c == '?' || c == '#')
			s->part = P_TARGET_SKIP;
		if (s->part == P_TARGET && s->name_len < CROSSLAT_SPAN_NAME_SIZE - 1)
			s->name[s->name_len++] = c;
		return EV_NONE;
	default: /* P_VERSION: "HTTP/1.<digit>", then the line's end */
		if (s->pos < sizeof(http_version) - 1) {
			if (c != http_version[s->pos++])
				return stream_die(s, HTTP_DEAD_NOT_HTTP);
		} else if (s->pos == sizeof(http_version) - 1) {
			if (c < '0' || c > '9')
				return stream_die(s, HTTP_DEAD_NOT_HTTP);
			s->pos++;
		} else if (c == '\n') {
			s->state = ST_FIELD_START;
		} else if (c != '\r') {
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		}
		return EV_NONE;
	}
}

static enum stream_event status_line_byte(struct http_stream *s, uint8_t c)
{
	switch (s->part) {
	case P_RVERSION: /* "HTTP/1.<digit> " */
		if (s->pos < sizeof(http_version) - 1 ? c != http_version[s->pos] :
		    s->pos == sizeof(http_version) - 1 ? c < '0' || c > '9' : c != ' ')
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		if (++s->pos == sizeof(http_version) + 1) {
			s->part = P_STATUS;
			s->pos = 0;
		}
		return EV_NONE;
	case P_STATUS: /* three digits, then a space or the line's end */
		if (s->pos < 3) {
			if (c < '0' || c > '9')
				return stream_die(s, HTTP_DEAD_NOT_HTTP);
			s->status = s->status * 10 + (c - '0');
			s->pos++;
		} else if (c == ' ') {
			s->part = P_REASON;
		} else if (c == '\n') {
			s->state = ST_FIELD_START;
		} else if (c != '\r') {
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		}
		return EV_NONE;
	default: /* P_REASON */
		if (c == '\n')
			s->state = ST_FIELD_START;
		return EV_NONE;
	}
}

static void field_name_byte(struct http_stream *s, uint8_t c)
{
	unsigned int i;

	c = lower(c);
	for (i = 0; i < F_COUNT; i++)
		if ((s->cand & (1u << i)) && (s->pos >= field_names[i].len ||
					      field_names[i].name[s->pos] != c))
			s->cand &= ~(1u << i);
	if (s->cand)
		s->pos++;
}

/* The value of @field (or of an unknown field, F_NONE) follows. */
static void field_begin(struct http_stream *s, unsigned int field)
{
	s->field = field;
	s->pos = 0;
	s->state = ST_FIELD_VALUE;
	switch (field) {
	case F_CONTENT_LENGTH:
		s->left = 0;	/* the value, parsed: compared with an earlier one at the end */
		break;
	case F_TRANSFER_ENCODING:
		s->te = true;	/* the last field line's last coding decides */
		s->te_len = 0;
		break;
	case F_TRACEPARENT:
		s->tp_count++;
		s->tp_len = 0;
		s->tp_long = false;
		break;
	}
}

/* The name ended (':') after pos bytes: which known field it is, if any. */
static unsigned int field_named(const struct http_stream *s)
{
	unsigned int i;

	for (i = 0; i < F_COUNT; i++)
		if ((s->cand & (1u << i)) && s->pos == field_names[i].len)
			return i;
	return F_NONE;
}

static uint64_t load64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Whether @p starts with known name @i, in any case, and ':' (the caller made sure of the
 * bytes), compared 8 bytes at a time: the lowercase letters of the pattern, and only they,
 * have bit 6 set (0x40), and a byte ORed with 0x20 equals such a letter if and only if it
 * is that letter in either case; the other bytes ('-', ':') must be equal.
 */
static bool field_name_is(const uint8_t *p, unsigned int i)
{
	const char *pat = field_names[i].name;
	size_t n = field_names[i].len + 1, off = 0;
	uint64_t w;

	for (;;) {
		if (off + 8 > n)
			off = n - 8;	/* the last 8 bytes, overlapping */
		w = load64(pat + off);
		if ((load64(p + off) | (w & 0x4040404040404040ull) >> 1) != w)
			return false;
		if (off + 8 == n)
			return true;
		off += 8;
	}
}

/*
 * At a field line's start (neither '\r' nor '\n'), with @n bytes at @p: a line that names
 * no known field is skipped (ST_SKIP_LINE), one that names one has its value read next
 * (ST_FIELD_VALUE, its name and ':' used), unless there are too few bytes to tell: then its
 * name is read byte by byte (ST_FIELD_NAME). Returns the bytes used (not yet counted in
 * the head's length).
 */
static size_t field_start(struct http_stream *s, const uint8_t *p, size_t n)
{
	unsigned int cand = field_cand(p[0]), i;

	s->state = ST_SKIP_LINE;
	if (!cand)
		return 0;
	for (i = 0; i < F_COUNT; i++) {
		if (!(cand & (1u << i)))
			continue;
		if (n <= field_names[i].len) {
			s->state = ST_FIELD_NAME;
			s->cand = cand;
			s->pos = 0;
			return 0;
		}
		if (field_name_is(p, i)) {
			field_begin(s, i);
			return field_names[i].len + 1;
		}
	}
	return 0;
}

static void content_length_byte(struct http_stream *s, uint8_t c)
{
	/* pos: 1 digits seen, 2 white space after them */
	if (is_ows(c)) {
		s->pos |= s->pos ? 2 : 0;
	} else if (c >= '0' && c <= '9' && !(s->pos & 2) && s->left < CL_MAX) {
		s->left = s->left * 10 + (c - '0');
		s->pos |= 1;
	} else {
		s->bad_cl = true;
	}
}

static void transfer_encoding_byte(struct http_stream *s, uint8_t c)
{
	if (is_ows(c))
		return;
	if (s->te_len == sizeof(s->te_tail)) {
		memmove(s->te_tail, s->te_tail + 1, sizeof(s->te_tail) - 1);
		s->te_len--;
	}
	s->te_tail[s->te_len++] = lower(c);
}

/* @n bytes of a traceparent value, none of them '\r'. */
static void traceparent_bytes(struct http_stream *s, const uint8_t *p, size_t n)
{
	size_t room = sizeof(s->tp) - s->tp_len;

	while (!s->tp_len && n && is_ows(*p)) {
		p++;
		n--;
	}
	if (n > room) {
		n = room;
		s->tp_long = true;
	}
	memcpy(s->tp + s->tp_len, p, n);
	s->tp_len += n;
}

/* @n bytes of a field's value (up to its line's '\n', excluded): '\r' are ignored. */
static void field_value(struct http_stream *s, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n, *cr;

	switch (s->field) {
	case F_NONE:
		break;
	case F_TRACEPARENT:
		for (; p < end; p = cr + 1) {
			cr = memchr(p, '\r', end - p);
			traceparent_bytes(s, p, (cr ? cr : end) - p);
			if (!cr)
				break;
		}
		break;
	case F_CONTENT_LENGTH:
		for (; p < end; p++) {
			/* A digit where one may be, the usual, taken here: content_length_byte's. */
			if (*p >= '0' && *p <= '9' && s->pos < 2 && s->left < CL_MAX) {
				s->left = s->left * 10 + (*p - '0');
				s->pos = 1;
			} else if (*p != '\r') {
				content_length_byte(s, *p);
			}
		}
		break;
	case F_TRANSFER_ENCODING:
		for (; p < end; p++)
			if (*p != '\r')
				transfer_encoding_byte(s, *p);
		break;
	}
}

static void field_end(struct http_stream *s)
{
	switch (s->field) {
	case F_CONTENT_LENGTH:
		if (!(s->pos & 1) || s->left >= CL_MAX || (s->has_cl && s->cl != s->left))
			s->bad_cl = true;
		s->has_cl = true;
		s->cl = s->left;
		s->left = 0;
		break;
	case F_TRANSFER_ENCODING:
		s->chunked = s->te_len >= 7 && !memcmp(s->te_tail + s->te_len - 7, "chunked", 7);
		break;
	case F_TRACEPARENT:
		while (s->tp_len && !s->tp_long && is_ows(s->tp[s->tp_len - 1]))
			s->tp_len--;
		break;
	}
}

/* One byte of a head: start line and fields. */
static enum stream_event head_byte(struct http_stream *s, uint8_t c, bool response)
{
	if (++s->head_len > HTTP_HEAD_MAX)
		return stream_die(s, HTTP_DEAD_HEAD_TOO_LONG);
	switch (s->state) {
	case ST_START:
		if (c == '\r' || c == '\n')
			return EV_NONE;
		s->state = ST_LINE;
		s->part = response ? P_RVERSION : P_METHOD;
		/* fallthrough */
	case ST_LINE:
		return response ? status_line_byte(s, c) : request_line_byte(s, c);
	default: /* ST_FIELD_NAME, from field_start: the other field states are fields_feed's */
		if (c == ':') {
			field_begin(s, field_named(s));
		} else if (c == '\n') {
			s->state = ST_FIELD_START;
		} else {
			if (is_tchar(c))
				field_name_byte(s, c);
			else
				s->cand = 0;
			if (!s->cand)
				s->state = ST_SKIP_LINE;
		}
		return EV_NONE;
	}
}

/*
 * Lines to skip, from @p to @end: returns the bytes up to the start of the first line after
 * them that is to be looked at (*@at_start true), or all of them if it is not there yet. A
 * line is to be looked at if its first byte may begin a known field's name or the head's end.
 */
static size_t skip_lines(const uint8_t *p, const uint8_t *end, bool *at_start)
{
	const uint8_t *q = p, *nl;

	while ((nl = memchr(q, '\n', end - q))) {
		q = nl + 1;
		if (q == end || line_start[*q]) {
			*at_start = true;
			return q - p;
		}
	}
	*at_start = false;
	return end - p;
}

/*
 * Field lines, whole lines at a time: from ST_FIELD_START, ST_FIELD_VALUE or ST_SKIP_LINE to
 * the head's end (EV_HEAD), the end of the bytes, or a name to read byte by byte
 * (ST_FIELD_NAME). Returns the bytes used. The head's length is checked once, at the end:
 * it only grows, and nothing that happens before it is too long outlives the stream's death.
 */
static size_t fields_feed(struct http_stream *s, const uint8_t *p, size_t len,
			  enum stream_event *ev)
{
	const uint8_t *q = p, *end = p + len, *nl;
	bool at_start;

	if (s->state == ST_FIELD_START)
		goto line_start;
	for (;;) {
		if (s->state == ST_SKIP_LINE) {
			q += skip_lines(q, end, &at_start);
			if (!at_start)
				break;
		} else { /* ST_FIELD_VALUE: up to the line's end, or all there is */
			nl = memchr(q, '\n', end - q);
			field_value(s, q, (nl ? nl : end) - q);
			if (!nl) {
				q = end;
				break;
			}
			q = nl + 1;
			field_end(s);
		}
		s->state = ST_FIELD_START;
line_start:
		while (q < end && *q == '\r')
			q++;
		if (q == end)
			break;
		if (*q == '\n') {
			q++;
			s->state = ST_HEAD_DONE;
			*ev = EV_HEAD;
			break;
		}
		q += field_start(s, q, end - q);
		if (s->state == ST_FIELD_NAME)
			break;
	}
	if (!head_grow(s, q - p))
		*ev = EV_DEAD;
	return q - p;
}

/* One byte of a chunked body's framing: sizes, extensions, line ends, trailers. */
static enum stream_event chunk_byte(struct http_stream *s, uint8_t c)
{
	int v;

	if (++s->head_len > HTTP_HEAD_MAX)
		return stream_die(s, HTTP_DEAD_HEAD_TOO_LONG);
	switch (s->state) {
	case ST_CHUNK_SIZE:
		v = hex_value(c);
		if (v >= 0 && s->pos < CHUNK_DIGITS) {
			s->left = s->left * 16 + v;
			s->pos++;
			return EV_NONE;
		}
		if (c == '\r')
			return EV_NONE;
		if (!s->pos || (c != '\n' && c != ';' && !is_ows(c)))
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		if (c != '\n') {
			s->state = ST_CHUNK_EXT;
			return EV_NONE;
		}
		break;
	case ST_CHUNK_EXT:
		if (c != '\n')
			return EV_NONE;
		break;
	case ST_CHUNK_DATA_END:
		if (c == '\r')
			return EV_NONE;
		if (c != '\n')
			return stream_die(s, HTTP_DEAD_NOT_HTTP);
		s->state = ST_CHUNK_SIZE;
		s->pos = 0;
		s->left = 0;
		s->head_len = 0;
		return EV_NONE;
	case ST_TRAILER_START:
		if (c == '\n')
			return EV_END;
		if (c != '\r')
			s->state = ST_TRAILER_LINE;
		return EV_NONE;
	default: /* ST_TRAILER_LINE */
		if (c == '\n')
			s->state = ST_TRAILER_START;
		return EV_NONE;
	}
	/* The end of a chunk-size line. */
	s->head_len = 0;
	s->state = s->left ? ST_CHUNK_DATA : ST_TRAILER_START;
	return EV_NONE;
}

/*
 * Parses bytes until the head is read (EV_HEAD: the caller calls stream_body), the message
 * ends (EV_END: the caller resets the stream), the stream dies (EV_DEAD) or the bytes run
 * out (EV_NONE). Returns the bytes used.
 */
static size_t stream_feed(struct http_stream *s, const uint8_t *p, size_t len, bool response,
			  enum stream_event *ev)
{
	size_t i = 0, take;

	*ev = EV_NONE;
	while (i < len && *ev == EV_NONE) {
		switch (s->state) {
		case ST_START:
			take = p[i] == '\r' || p[i] == '\n' ? 0 :
			       response ? status_line(s, p + i, len - i) :
			       request_line(s, p + i, len - i);
			if (!take) {
				*ev = head_byte(s, p[i++], response);
				break;
			}
			i += take;
			if (i == len)
				break;
			/* fallthrough - to the fields */
		case ST_FIELD_START:
		case ST_FIELD_VALUE:
		case ST_SKIP_LINE:
			i += fields_feed(s, p + i, len - i, ev);
			break;
		case ST_BODY:
		case ST_CHUNK_DATA:
			take = len - i < s->left ? len - i : s->left;
			i += take;
			s->left -= take;
			if (s->left)
				break;
			if (s->state == ST_CHUNK_DATA)
				s->state = ST_CHUNK_DATA_END;
			else
				*ev = EV_END;
			break;
		case ST_UNTIL_CLOSE:
		case ST_DEAD:
			return len;
		case ST_CHUNK_SIZE:
		case ST_CHUNK_EXT:
		case ST_CHUNK_DATA_END:
		case ST_TRAILER_START:
		case ST_TRAILER_LINE:
			*ev = chunk_byte(s, p[i++]);
			break;
		default:
			*ev = head_byte(s, p[i++], response);
			break;
		}
	}
	return i;
}

enum body { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };

/* After EV_HEAD: how the body is framed (BODY_NONE: the message has ended). */
static void stream_body(struct http_stream *s, enum body body)
{
	switch (body) {
	case BODY_NONE:
		stream_reset(s);
		break;
	case BODY_LENGTH:
		s->state = ST_BODY;
		s->left = s->cl;
		break;
	case BODY_CHUNKED:
		s->state = ST_CHUNK_SIZE;
		s->pos = 0;
		s->left = 0;
		s->head_len = 0;
		break;
	case BODY_UNTIL_CLOSE:
		s->state = ST_UNTIL_CLOSE;
		break;
	}
}

const char *http_dead_name(unsigned int why)
{
	static const char *const names[HTTP_DEAD_COUNT] = {
		[HTTP_ALIVE] = "alive",
		[HTTP_DEAD_NOT_HTTP] = "not_http",
		[HTTP_DEAD_HEAD_TOO_LONG] = "head_too_long",
		[HTTP_DEAD_PIPELINE] = "pipeline",
		[HTTP_DEAD_UPGRADE] = "upgrade",
		[HTTP_DEAD_OPAQUE] = "opaque",
		[HTTP_DEAD_CLOSED] = "closed",
	};

	return why < HTTP_DEAD_COUNT ? names[why] : "?";
}

void http_conn_init(struct http_conn *c)
{
	memset(c, 0, sizeof(*c));
	stream_reset(&c->in);
	stream_reset(&c->out);
}

static struct http_request *conn_first(struct http_conn *c)
{
	return c->count ? &c->queue[c->first] : NULL;
}

/* The request being answered is over: end it and begin the next one read ahead, if any. */
static void conn_finish(struct http_conn *c, int http_status, const struct http_conn_ops *ops,
			void *ctx)
{
	if (!c->count)
		return;
	ops->end(ctx, http_status);
	c->first = (c->first + 1) % HTTP_PIPELINE_MAX;
	if (--c->count)
		ops->begin(ctx, &c->queue[c->first]);
}

/*
 * Gives the connection up: the request being answered ends with @http_status (0: none), the
 * requests read ahead of it are dropped.
 */
static void conn_die(struct http_conn *c, enum http_dead why, int http_status,
		     const struct http_conn_ops *ops, void *ctx)
{
	stream_die(&c->in, why);
	stream_die(&c->out, why);
	if (!c->dead)
		c->dead = why;
	if (c->count)
		ops->end(ctx, http_status);
	c->count = 0;
}

static void response_end(struct http_conn *c, const struct http_conn_ops *ops, void *ctx)
{
	int status = c->out.status;

	stream_reset(&c->out);
	conn_finish(c, status, ops, ctx);
}

static void request_head(struct http_conn *c, const struct http_conn_ops *ops, void *ctx)
{
	struct http_stream *s = &c->in;
	struct http_request *req;

	if (s->bad_cl || (s->te && !s->chunked)) {
		/* The server cannot frame it either: a 400, then (usually) a close. */
		stream_die(s, HTTP_DEAD_NOT_HTTP);
		c->dead = c->dead ? c->dead : HTTP_DEAD_NOT_HTTP;
		return;
	}
	if (c->count == HTTP_PIPELINE_MAX) {
		conn_die(c, HTTP_DEAD_PIPELINE, 0, ops, ctx);
		return;
	}
	/* A response without length is ended by the next request as well as by the close. */
	if (c->out.state == ST_UNTIL_CLOSE)
		response_end(c, ops, ctx);

	req = &c->queue[(c->first + c->count) % HTTP_PIPELINE_MAX];
	memset(req, 0, sizeof(*req));
	memcpy(req->name, s->name, s->name_len);
	req->head = s->head;
	req->connect = s->connect;
	req->has_parent = s->tp_count == 1 &&
		!crosslat_traceparent_parse(s->tp, s->tp_len, req->trace_id,
					    req->parent_span_id, NULL);
	if (c->count++ == 0)
		ops->begin(ctx, req);

	if (s->te)
		stream_body(s, BODY_CHUNKED);
	else if (s->has_cl && s->cl)
		stream_body(s, BODY_LENGTH);
	else
		stream_body(s, BODY_NONE);
}

static void response_head(struct http_conn *c, const struct http_conn_ops *ops, void *ctx)
{
	struct http_stream *s = &c->out;
	struct http_request *req = conn_first(c);
	unsigned int status = s->status;

	if (status == 101 || (req && req->connect && status >= 200 && status < 300)) {
		conn_die(c, HTTP_DEAD_UPGRADE, status, ops, ctx);	/* no longer HTTP */
		return;
	}
	if (status < 200) {
		stream_body(s, BODY_NONE);	/* interim (100 Continue): not the final response */
		return;
	}
	if ((req && req->head) || status == 204 || status == 304) {
		response_end(c, ops, ctx);
	} else if (s->te) {
		stream_body(s, s->chunked ? BODY_CHUNKED : BODY_UNTIL_CLOSE);
	} else if (s->bad_cl) {
		conn_die(c, HTTP_DEAD_NOT_HTTP, 0, ops, ctx);
	} else if (s->has_cl) {
		if (s->cl)
			stream_body(s, BODY_LENGTH);
		else
			response_end(c, ops, ctx);
	} else {
		stream_body(s, BODY_UNTIL_CLOSE);
	}
}

/* The bytes of one direction: requests the server read, or responses it wrote. */
static void conn_feed(struct http_conn *c, bool response, const void *buf, size_t len,
		      const struct http_conn_ops *ops, void *ctx)
{
	struct http_stream *s = response ? &c->out : &c->in;
	const uint8_t *p = buf;
	enum stream_event ev;
	size_t n;

	while (len && s->state != ST_DEAD) {
		n = stream_feed(s, p, len, response, &ev);
		p += n;
		len -= n;
		switch (ev) {
		case EV_HEAD:
			if (response)
				response_head(c, ops, ctx);
			else
				request_head(c, ops, ctx);
			break;
		case EV_END:
			if (response)
				response_end(c, ops, ctx);
			else
				stream_reset(s);
			break;
		case EV_DEAD:
			/* Requests already read still get their responses. */
			if (response)
				conn_die(c, s->dead, 0, ops, ctx);
			else if (!c->dead)
				c->dead = s->dead;
			break;
		case EV_NONE:
			break;
		}
	}
}

void http_conn_recv(struct http_conn *c, const void *buf, size_t len,
		    const struct http_conn_ops *ops, void *ctx)
{
	conn_feed(c, false, buf, len, ops, ctx);
}

void http_conn_send(struct http_conn *c, const void *buf, size_t len,
		    const struct http_conn_ops *ops, void *ctx)
{
	conn_feed(c, true, buf, len, ops, ctx);
}

void http_conn_send_opaque(struct http_conn *c, size_t len, const struct http_conn_ops *ops,
			   void *ctx)
{
	struct http_stream *s = &c->out;
	size_t take;

	while (len && s->state != ST_DEAD && s->state != ST_UNTIL_CLOSE) {
		if (s->state != ST_BODY && s->state != ST_CHUNK_DATA) {
			conn_die(c, HTTP_DEAD_OPAQUE, 0, ops, ctx);
			return;
		}
		take = len < s->left ? len : s->left;
		len -= take;
		s->left -= take;
		if (s->left)
			continue;
		if (s->state == ST_BODY)
			response_end(c, ops, ctx);
		else
			s->state = ST_CHUNK_DATA_END;
	}
}

void http_conn_close(struct http_conn *c, const struct http_conn_ops *ops, void *ctx)
{
	/* A body until close is complete; any other response is cut short. */
	conn_die(c, HTTP_DEAD_CLOSED, c->out.state == ST_UNTIL_CLOSE ? c->out.status : 0, ops,
		 ctx);
}
