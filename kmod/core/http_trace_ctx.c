// SPDX-License-Identifier: GPL-2.0-only
/* Streaming scanner of an HTTP/1.x header block for a trace context (traceparent, b3, uber). */
#include "http_trace_ctx.h"

#define METHOD_MAX_LEN	20
#define NR_FIELDS	4

/* The scan state is kept per TCP flow: keep it small. */
_Static_assert(sizeof(struct crosslat_http_ctx_scan) <= 128, "per-flow scan state too large");

/* Parser states (crosslat_http_ctx_scan.phase); each reads one byte unless noted. */
enum {
	P_START,	/* first byte of the message */
	P_LEAD_CR,	/* CR of a leading empty line: LF expected */
	P_FIRST,	/* first byte of the start line after a leading empty line */
	P_METHOD,	/* method token, or the "HTTP" of a status line (many bytes) */
	P_TARGET0,	/* first byte of the request target */
	P_TARGET,	/* rest of the target, up to its SP (many bytes) */
	P_VERSION,	/* start_patterns[kind] at byte field, then the start line's end */
	P_START_CR,	/* CR ending the start line: LF expected */
	P_LINE,		/* first byte of a header line */
	P_EOH_CR,	/* CR at the start of a line: LF ends the block */
	P_SKIP,		/* rest of a line of no interest, up to its LF (many bytes) */
	P_NAME,		/* a context header's name (kind) from byte field (many bytes) */
	P_LEAD,		/* whitespace before the value */
	P_FIELD,	/* the value's field number field (many bytes) */
	P_PCT1,		/* uber-trace-id "%3A" separator: '3' expected */
	P_PCT2,		/* 'A' or 'a' expected */
	P_TAIL,		/* whitespace after a complete value */
	P_IGNORE,	/* rest of a valid value (a later traceparent version), up to LF */
	P_BAD,		/* rest of a malformed value, up to LF */
	P_DONE,		/* the status is final */
};

/* Where a field's hex digits go. */
enum { D_NONE, D_TRACE, D_SPAN, D_VERSION, D_FLAGS, D_SAMPLED };

#define FS_END		0x01	/* the value may end after this field */
#define FS_LOWER	0x02	/* lower-case hex digits only */
#define FS_16_32	0x04	/* exactly 16 or 32 digits */

struct field_spec {
	u8 min, max;	/* digits */
	u8 dst;		/* D_* */
	u8 sep;		/* separator before the next field, 0 if none */
	u8 flags;	/* FS_* */
};

static const struct field_spec fields[CROSSLAT_TRACE_CTX_NR_KINDS][NR_FIELDS] = {
	/* the '-' after the flags is only allowed for versions above 00 (see next_field()) */
	[CROSSLAT_TRACE_CTX_TRACEPARENT] = {
		{ 2, 2, D_VERSION, '-', FS_LOWER },
		{ 32, 32, D_TRACE, '-', FS_LOWER },
		{ 16, 16, D_SPAN, '-', FS_LOWER },
		{ 2, 2, D_FLAGS, '-', FS_LOWER | FS_END },
	},
	[CROSSLAT_TRACE_CTX_B3] = {
		{ 16, 32, D_TRACE, '-', FS_LOWER | FS_16_32 },
		{ 16, 16, D_SPAN, '-', FS_LOWER | FS_END },
		{ 1, 1, D_SAMPLED, '-', FS_END },
		{ 16, 16, D_NONE, 0, FS_LOWER | FS_END },
	},
	[CROSSLAT_TRACE_CTX_UBER] = {
		{ 1, 32, D_TRACE, ':', 0 },
		{ 1, 16, D_SPAN, ':', 0 },
		{ 1, 16, D_NONE, ':', 0 },
		{ 1, 2, D_FLAGS, 0, FS_END },
	},
};

/* Header names, lower case; a name's first letter alone selects it (see P_LINE). */
static const char ctx_names[CROSSLAT_TRACE_CTX_NR_KINDS][14] = {
	[CROSSLAT_TRACE_CTX_TRACEPARENT]	= "traceparent",
	[CROSSLAT_TRACE_CTX_B3]			= "b3",
	[CROSSLAT_TRACE_CTX_UBER]		= "uber-trace-id",
};

static const u8 ctx_name_len[CROSSLAT_TRACE_CTX_NR_KINDS] = {
	[CROSSLAT_TRACE_CTX_TRACEPARENT]	= 11,
	[CROSSLAT_TRACE_CTX_B3]			= 2,
	[CROSSLAT_TRACE_CTX_UBER]		= 13,
};

/* The rest of the start line after the method's SP (0) or after "HTTP/" (1); '#': a digit */
static const char start_patterns[2][9] = { "HTTP/1.#", "1.# ###" };
static const u8 start_pattern_len[2] = { 8, 7 };

static const char * const status_names[CROSSLAT_HTTP_CTX_NR_STATUS] = {
	[CROSSLAT_HTTP_CTX_INCOMPLETE]	= "incomplete",
	[CROSSLAT_HTTP_CTX_FOUND]	= "found",
	[CROSSLAT_HTTP_CTX_NO_CONTEXT]	= "no_context",
	[CROSSLAT_HTTP_CTX_INVALID]	= "invalid",
	[CROSSLAT_HTTP_CTX_NOT_HTTP]	= "not_http",
	[CROSSLAT_HTTP_CTX_TOO_LARGE]	= "too_large",
};

static const char * const kind_names[CROSSLAT_TRACE_CTX_NR_KINDS] = {
	[CROSSLAT_TRACE_CTX_NONE]		= "none",
	[CROSSLAT_TRACE_CTX_TRACEPARENT]	= "traceparent",
	[CROSSLAT_TRACE_CTX_B3]			= "b3",
	[CROSSLAT_TRACE_CTX_UBER]		= "uber-trace-id",
};

static const char * const method_names[CROSSLAT_HTTP_M_NR] = {
	[CROSSLAT_HTTP_M_NONE]		= "none",
	[CROSSLAT_HTTP_M_GET]		= "GET",
	[CROSSLAT_HTTP_M_HEAD]		= "HEAD",
	[CROSSLAT_HTTP_M_POST]		= "POST",
	[CROSSLAT_HTTP_M_PUT]		= "PUT",
	[CROSSLAT_HTTP_M_DELETE]	= "DELETE",
	[CROSSLAT_HTTP_M_CONNECT]	= "CONNECT",
	[CROSSLAT_HTTP_M_OPTIONS]	= "OPTIONS",
	[CROSSLAT_HTTP_M_TRACE]		= "TRACE",
	[CROSSLAT_HTTP_M_PATCH]		= "PATCH",
	[CROSSLAT_HTTP_M_OTHER]		= "other",
};

/* Method names packed big-endian into a u64, as P_METHOD accumulates them. */
#define PACK3(a, b, c)			((u64)(a) << 16 | (u64)(b) << 8 | (u64)(c))
#define PACK4(a, b, c, d)		(PACK3(a, b, c) << 8 | (u64)(d))
#define PACK5(a, b, c, d, e)		(PACK4(a, b, c, d) << 8 | (u64)(e))
#define PACK6(a, b, c, d, e, f)		(PACK5(a, b, c, d, e) << 8 | (u64)(f))
#define PACK7(a, b, c, d, e, f, g)	(PACK6(a, b, c, d, e, f) << 8 | (u64)(g))

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
#define LOW7	0x7f7f7f7f7f7f7f7fULL

/* What the first byte of a header line announces (line_class[]). */
enum {
	L_SKIP,			/* no context header: skip the line */
	L_TRACEPARENT = CROSSLAT_TRACE_CTX_TRACEPARENT,	/* maybe a context header */
	L_B3 = CROSSLAT_TRACE_CTX_B3,
	L_UBER = CROSSLAT_TRACE_CTX_UBER,
	L_LF,			/* the empty line ending the block */
	L_CR,			/* likewise if LF follows */
};

static const u8 line_class[256] = {
	['t'] = L_TRACEPARENT, ['T'] = L_TRACEPARENT, ['b'] = L_B3, ['B'] = L_B3,
	['u'] = L_UBER, ['U'] = L_UBER, ['\n'] = L_LF, ['\r'] = L_CR,
};

/*
 * 1 + the value of a hex digit: 1-16 for 0-9 and a-f, 1 + UPPER + value for A-F; 0 for
 * the other bytes. A field accepts a byte if (u8)(hex1[c] - 1) < hex_limit(field).
 */
#define UPPER	16
static const u8 hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = UPPER + 11, ['B'] = UPPER + 12, ['C'] = UPPER + 13,
	['D'] = UPPER + 14, ['E'] = UPPER + 15, ['F'] = UPPER + 16,
};

static inline u8 lower(u8 c)
{
	return (u8)(c - 'A') < 26 ? c + ('a' - 'A') : c;
}

static inline bool is_ows(u8 c)
{
	return c == ' ' || c == '\t';
}

/* A byte of a request target: visible ASCII or obs-text. */
static inline bool is_target(u8 c)
{
	return c > ' ' && c != 0x7f;
}

/* The bound on hex1[c] - 1 of the digits field f accepts. */
static inline u8 hex_limit(const struct field_spec *f)
{
	return f->flags & FS_LOWER ? UPPER : 2 * UPPER;
}

/*
 * Nonzero if some byte of v is below n (n <= 0x80): exact as to whether there is one, not as
 * to which (a borrow may flag the byte above a true one).
 */
static inline u64 has_below(u64 v, u8 n)
{
	return (v - ONES * n) & ~v & HIGHS;
}

/* Index of the first zero byte of v, which has one, read big endian. */
static inline unsigned int first_zero(u64 v)
{
	/* the top bit of every zero byte, exactly: no carry crosses a byte */
	u64 zero = ~(((v & LOW7) + LOW7) | v | LOW7);

	return (64 - cl_fls64(zero)) / 8;
}

/* First '\n' in [p, end), or end: eight bytes a step while they last, then byte by byte. */
static inline const u8 *find_lf(const u8 *p, const u8 *end)
{
	size_t words = (size_t)(end - p) / 8;
	u64 v;

	for (; words; words--, p += 8) {
		v = cl_get_be64(p) ^ (ONES * '\n');
		if (has_below(v, 1))
			return p + first_zero(v);
	}
	while (p < end && *p != '\n')
		p++;
	return p;
}

/* First byte in [p, end) that cannot be in a request target (a control, SP, DEL), or end. */
static inline const u8 *find_target_end(const u8 *p, const u8 *end)
{
	size_t words = (size_t)(end - p) / 8;
	u64 v;

	for (; words; words--, p += 8) {
		v = cl_get_be64(p);
		if (has_below(v, ' ' + 1) | has_below(v ^ (ONES * 0x7f), 1))
			break;
	}
	while (p < end && is_target(*p))
		p++;
	return p;
}

static u8 method_of(u64 name, u8 len)
{
	switch (len) {
	case 3:
		if (name == PACK3('G', 'E', 'T'))
			return CROSSLAT_HTTP_M_GET;
		if (name == PACK3('P', 'U', 'T'))
			return CROSSLAT_HTTP_M_PUT;
		break;
	case 4:
		if (name == PACK4('P', 'O', 'S', 'T'))
			return CROSSLAT_HTTP_M_POST;
		if (name == PACK4('H', 'E', 'A', 'D'))
			return CROSSLAT_HTTP_M_HEAD;
		break;
	case 5:
		if (name == PACK5('P', 'A', 'T', 'C', 'H'))
			return CROSSLAT_HTTP_M_PATCH;
		if (name == PACK5('T', 'R', 'A', 'C', 'E'))
			return CROSSLAT_HTTP_M_TRACE;
		break;
	case 6:
		if (name == PACK6('D', 'E', 'L', 'E', 'T', 'E'))
			return CROSSLAT_HTTP_M_DELETE;
		break;
	case 7:
		if (name == PACK7('O', 'P', 'T', 'I', 'O', 'N', 'S'))
			return CROSSLAT_HTTP_M_OPTIONS;
		if (name == PACK7('C', 'O', 'N', 'N', 'E', 'C', 'T'))
			return CROSSLAT_HTTP_M_CONNECT;
		break;
	}
	return CROSSLAT_HTTP_M_OTHER;
}

static void finish(struct crosslat_http_ctx_scan *s, u8 status)
{
	s->status = status;
	s->phase = P_DONE;
}

/* The empty line ending the header block; off is the offset after its LF. */
static void end_block(struct crosslat_http_ctx_scan *s, u32 off)
{
	s->hdr_len = off;
	if (s->best_kind)
		finish(s, CROSSLAT_HTTP_CTX_FOUND);
	else if (s->invalid)
		finish(s, CROSSLAT_HTTP_CTX_INVALID);
	else
		finish(s, CROSSLAT_HTTP_CTX_NO_CONTEXT);
}

/* After a context header's ':': parse the first header of its kind, skip the others. */
static void begin_value(struct crosslat_http_ctx_scan *s)
{
	u8 bit = 1 << s->kind;

	if (s->seen & bit) {
		s->phase = P_SKIP;
		return;
	}
	s->seen |= bit;
	s->acc_hi = 0;
	s->acc_lo = 0;
	s->acc_span = 0;
	s->cur_version = 0;
	s->cur_flags = 0;
	s->field = 0;
	s->ndig = 0;
	s->phase = P_LEAD;
}

/* The value's line ended; valid says its syntax was complete and correct. */
static void value_done(struct crosslat_http_ctx_scan *s, bool valid)
{
	s->phase = P_LINE;
	/* a lone b3 sampling state ("0", "1", "d") is no context and not malformed either */
	if (valid && s->kind == CROSSLAT_TRACE_CTX_B3 && s->field == 0)
		return;
	if (valid)
		valid = (s->acc_hi | s->acc_lo) && s->acc_span &&
			!(s->kind == CROSSLAT_TRACE_CTX_TRACEPARENT && s->cur_version == 0xff);
	if (!valid) {
		if (!s->invalid) {
			s->invalid_kind = s->kind;
			s->invalid_off = s->line_off;
		}
		s->invalid |= 1 << s->kind;
		return;
	}
	if (s->kind == CROSSLAT_TRACE_CTX_TRACEPARENT || !s->best_kind) {
		s->best_hi = s->acc_hi;
		s->best_lo = s->acc_lo;
		s->best_span = s->acc_span;
		s->best_off = s->line_off;
		s->best_kind = s->kind;
		s->best_version = s->cur_version;
		s->best_flags = s->cur_flags;
	}
	if (s->kind == CROSSLAT_TRACE_CTX_TRACEPARENT)
		finish(s, CROSSLAT_HTTP_CTX_FOUND);
}

static inline bool field_ok(const struct crosslat_http_ctx_scan *s, const struct field_spec *f)
{
	if (f->flags & FS_16_32)
		return s->ndig == 16 || s->ndig == 32;
	return s->ndig >= f->min;
}

/* Whether the value may end here: after its last required field, or a b3 sampling state. */
static inline bool may_end(const struct crosslat_http_ctx_scan *s, const struct field_spec *f)
{
	if (s->kind == CROSSLAT_TRACE_CTX_B3 && s->field == 0 && s->ndig == 1)
		return s->acc_lo == 0 || s->acc_lo == 1 || s->acc_lo == 0xd;
	return (f->flags & FS_END) && field_ok(s, f);
}

/* A separator after a complete field. */
static void next_field(struct crosslat_http_ctx_scan *s)
{
	if (s->field == NR_FIELDS - 1) {
		/* only traceparent's flags have one: a later version may append fields */
		s->phase = s->cur_version ? P_IGNORE : P_BAD;
		return;
	}
	s->field++;
	s->ndig = 0;
}

/*
 * The eight hex digits at p (lower case only unless any_case) into *val, big endian as
 * written; false if some byte is no such digit. Eight bytes at once: a value's ids.
 */
static inline bool hex8(const u8 *p, bool any_case, u32 *val)
{
	u64 x = cl_get_be64(p), y, digit, letter;

	if (x & HIGHS)
		return false;
	/* every byte is below 0x80: no sum below carries into the next byte */
	digit = (x + ONES * (0x80 - '0')) & ~(x + ONES * (0x7f - '9')) & HIGHS;
	y = any_case ? x | ONES * 0x20 : x;
	letter = (y + ONES * (0x80 - 'a')) & ~(y + ONES * (0x7f - 'f')) & HIGHS;
	if ((digit | letter) != HIGHS)
		return false;
	x = (x & ONES * 0x0f) + (letter >> 7) * 9;	/* each byte its digit's value */
	x = (x | x >> 4) & 0x00ff00ff00ff00ffULL;
	x = (x | x >> 8) & 0x0000ffff0000ffffULL;
	*val = (u32)(x | x >> 16);
	return true;
}

/*
 * The hex digits of the current field from p on (not a b3 sampling state): returns where
 * they stop, at end, at a byte that is no digit of the field or at one digit too many.
 */
static const u8 *field_digits(struct crosslat_http_ctx_scan *s, const u8 *p, const u8 *end)
{
	const struct field_spec *f = &fields[s->kind][s->field];
	const u8 *start = p, *stop;
	u8 lim = hex_limit(f), v;
	u64 hi, acc;
	u32 v8;

	if (f->dst == D_SAMPLED)
		return p;	/* not hex: field_byte() */
	/* at most the digits the field still takes */
	stop = end - p > f->max - s->ndig ? p + (f->max - s->ndig) : end;
	if (f->dst == D_TRACE) {
		hi = s->acc_hi;
		acc = s->acc_lo;
		for (; stop - p >= 8 && hex8(p, lim > UPPER, &v8); p += 8) {
			hi = hi << 32 | acc >> 32;
			acc = acc << 32 | v8;
		}
		for (; p < stop; p++) {
			v = hex1[*p] - 1;
			if (v >= lim)
				break;
			hi = hi << 4 | acc >> 60;
			acc = acc << 4 | (v & 15);
		}
		s->acc_hi = hi;
		s->acc_lo = acc;
		s->ndig += (u8)(p - start);
		return p;
	}
	acc = f->dst == D_SPAN ? s->acc_span : f->dst == D_VERSION ? s->cur_version :
	      f->dst == D_FLAGS ? s->cur_flags : 0;
	for (; stop - p >= 8 && hex8(p, lim > UPPER, &v8); p += 8)
		acc = acc << 32 | v8;
	for (; p < stop; p++) {
		v = hex1[*p] - 1;
		if (v >= lim)
			break;
		acc = acc << 4 | (v & 15);
	}
	if (f->dst == D_SPAN)
		s->acc_span = acc;
	else if (f->dst == D_VERSION)
		s->cur_version = (u8)acc;
	else if (f->dst == D_FLAGS)
		s->cur_flags = (u8)acc;
	s->ndig += (u8)(p - start);
	return p;
}

/* A byte c of the value in P_FIELD where field_digits() stopped. */
static void field_byte(struct crosslat_http_ctx_scan *s, u8 c)
{
	const struct field_spec *f = &fields[s->kind][s->field];

	if (f->dst == D_SAMPLED) {
		if (!s->ndig && (c == '0' || c == '1' || c == 'd')) {
			s->cur_flags = c == '0' ? 0 : c == '1' ? CROSSLAT_TRACE_CTX_F_SAMPLED :
				       CROSSLAT_TRACE_CTX_F_SAMPLED | CROSSLAT_TRACE_CTX_F_DEBUG;
			s->ndig = 1;
			return;
		}
	} else if ((u8)(hex1[c] - 1) < hex_limit(f)) {
		s->phase = P_BAD;	/* a digit too many */
		return;
	}
	if (c == '\n')
		value_done(s, may_end(s, f));
	else if (is_ows(c) || c == '\r')
		s->phase = may_end(s, f) ? P_TAIL : P_BAD;
	else if (!f->sep || !field_ok(s, f))
		s->phase = P_BAD;
	else if (c == f->sep)
		next_field(s);
	else if (c == '%' && s->kind == CROSSLAT_TRACE_CTX_UBER)
		s->phase = P_PCT1;
	else
		s->phase = P_BAD;
}

/* First byte c of a header line; off is the offset after it. */
static void line_byte(struct crosslat_http_ctx_scan *s, u8 c, u32 off)
{
	u8 cls = line_class[c];

	switch (cls) {
	case L_TRACEPARENT:
	case L_B3:
	case L_UBER:
		s->kind = cls;
		s->field = 1;
		s->line_off = off - 1;
		s->phase = P_NAME;
		break;
	case L_LF:
		end_block(s, off);
		break;
	case L_CR:
		s->phase = P_EOH_CR;
		break;
	default:
		s->phase = P_SKIP;
		break;
	}
}

/* The rest of a context header's name from p on, and the byte after it. */
static const u8 *name_bytes(struct crosslat_http_ctx_scan *s, const u8 *p, const u8 *end)
{
	const char *name = ctx_names[s->kind];
	u8 i = s->field, len = ctx_name_len[s->kind], c;

	while (p < end && i < len && lower(*p) == (u8)name[i]) {
		p++;
		i++;
	}
	s->field = i;
	if (p == end)
		return p;
	c = *p++;
	if (i == len && c == ':')
		begin_value(s);
	else
		s->phase = c == '\n' ? P_LINE : P_SKIP;
	return p;
}

/* Lines of no interest from p on: skipped while the next one's first byte says so. */
static const u8 *skip_lines(struct crosslat_http_ctx_scan *s, const u8 *p, const u8 *end)
{
	for (;;) {
		p = find_lf(p, end);
		if (p == end)
			return p;	/* still inside the line */
		p++;
		if (p == end || line_class[*p] != L_SKIP) {
			s->phase = P_LINE;
			return p;
		}
	}
}

/* The method token from p on, or the "HTTP" of a status line, and the byte after it. */
static const u8 *method_bytes(struct crosslat_http_ctx_scan *s, const u8 *p, const u8 *end)
{
	u64 name = s->acc_hi;
	u8 n = s->ndig, c;

	for (; p < end; p++) {
		c = *p;
		if ((u8)(c - 'A') >= 26 && c != '-' && c != '_')
			break;
		if (n == METHOD_MAX_LEN) {
			finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			return p + 1;
		}
		name = name << 8 | c;
		n++;
	}
	s->acc_hi = name;
	s->ndig = n;
	if (p == end)
		return p;
	c = *p++;
	if (c == ' ') {
		s->method = method_of(name, n);
		s->phase = P_TARGET0;
	} else if (c == '/' && n == 4 && name == PACK4('H', 'T', 'T', 'P')) {
		s->is_response = 1;
		s->kind = 1;
		s->field = 0;
		s->phase = P_VERSION;
	} else {
		finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
	}
	return p;
}

/* The HTTP version of a request line, or version and status code of a status line. */
static void version_byte(struct crosslat_http_ctx_scan *s, u8 c)
{
	u8 want;

	if (s->field < start_pattern_len[s->kind]) {
		want = (u8)start_patterns[s->kind][s->field];
		if (want == '#' ? (u8)(c - '0') >= 10 : c != want) {
			finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			return;
		}
		if (s->kind && s->field >= 4)
			s->status_code = (u16)(s->status_code * 10 + (c - '0'));
		s->field++;
	} else if (c == '\r') {
		s->phase = P_START_CR;
	} else if (c == '\n') {
		s->phase = P_LINE;
	} else if (c == ' ' && s->kind) {
		s->phase = P_SKIP;	/* reason phrase */
	} else {
		finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
	}
}

/* The first byte of the start line. */
static void first_byte(struct crosslat_http_ctx_scan *s, u8 c)
{
	if ((u8)(c - 'A') >= 26) {
		finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
		return;
	}
	s->acc_hi = c;
	s->ndig = 1;
	s->phase = P_METHOD;
}

void crosslat_http_ctx_init(struct crosslat_http_ctx_scan *s, u32 max_len)
{
	memset(s, 0, sizeof(*s));
	s->max_len = max_len ? max_len : CROSSLAT_HTTP_CTX_MAX_DEFAULT;
	s->status = CROSSLAT_HTTP_CTX_INCOMPLETE;
	s->phase = P_START;
}
CROSSLAT_CORE_EXPORT(crosslat_http_ctx_init);

int crosslat_http_ctx_feed(struct crosslat_http_ctx_scan *s, const u8 *data, u32 len)
{
	const u8 *p = data, *end;
	u32 base = s->pos, room;
	u8 c;

	if (s->status != CROSSLAT_HTTP_CTX_INCOMPLETE)
		return s->status;
	room = s->max_len - base;
	end = data + min(len, room);
	while (p < end && s->phase != P_DONE) {
		switch (s->phase) {
		case P_SKIP:
			p = skip_lines(s, p, end);
			break;
		case P_LINE:
			c = *p++;
			line_byte(s, c, base + (u32)(p - data));
			break;
		case P_NAME:
			p = name_bytes(s, p, end);
			break;
		case P_FIELD:
			p = field_digits(s, p, end);
			if (p < end)
				field_byte(s, *p++);
			break;
		case P_IGNORE:
		case P_BAD:
			p = find_lf(p, end);
			if (p < end) {
				p++;
				value_done(s, s->phase == P_IGNORE);
			}
			break;
		case P_LEAD:
			c = *p;
			if (c == '\n') {
				p++;
				value_done(s, false);
			} else if (is_ows(c)) {
				p++;
			} else {
				s->phase = P_FIELD;
			}
			break;
		case P_TAIL:
			c = *p++;
			if (c == '\n')
				value_done(s, true);
			else if (!is_ows(c) && c != '\r')
				s->phase = P_BAD;
			break;
		case P_PCT1:
		case P_PCT2:
			c = *p++;
			if (c == '\n') {
				value_done(s, false);
			} else if (s->phase == P_PCT1 && c == '3') {
				s->phase = P_PCT2;
			} else if (s->phase == P_PCT2 && (c == 'A' || c == 'a')) {
				s->phase = P_FIELD;
				next_field(s);
			} else {
				s->phase = P_BAD;
			}
			break;
		case P_EOH_CR:
			c = *p++;
			if (c == '\n')
				end_block(s, base + (u32)(p - data));
			else
				s->phase = P_SKIP;	/* a line starting with a lone CR */
			break;
		case P_START:
			c = *p++;
			if (c == '\r')
				s->phase = P_LEAD_CR;
			else if (c == '\n')
				s->phase = P_FIRST;
			else
				first_byte(s, c);
			break;
		case P_LEAD_CR:
			if (*p++ == '\n')
				s->phase = P_FIRST;
			else
				finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			break;
		case P_FIRST:
			first_byte(s, *p++);
			break;
		case P_METHOD:
			p = method_bytes(s, p, end);
			break;
		case P_TARGET0:
			if (is_target(*p++))
				s->phase = P_TARGET;
			else
				finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			break;
		case P_TARGET:
			p = find_target_end(p, end);
			if (p == end)
				break;
			if (*p++ == ' ') {
				s->kind = 0;
				s->field = 0;
				s->phase = P_VERSION;
			} else {
				finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			}
			break;
		case P_VERSION:
			/* the whole "HTTP/1.d" of a request at once when the chunk holds it */
			if (!s->kind && !s->field && end - p >= 8 &&
			    cl_get_be64(p) >> 8 == PACK7('H', 'T', 'T', 'P', '/', '1', '.') &&
			    (u8)(p[7] - '0') < 10) {
				p += 8;
				s->field = 8;
				break;
			}
			version_byte(s, *p++);
			break;
		case P_START_CR:
			if (*p++ == '\n')
				s->phase = P_LINE;
			else
				finish(s, CROSSLAT_HTTP_CTX_NOT_HTTP);
			break;
		}
	}
	s->pos = base + (u32)(p - data);
	if (s->status == CROSSLAT_HTTP_CTX_INCOMPLETE && len > room)
		finish(s, CROSSLAT_HTTP_CTX_TOO_LARGE);
	return s->status;
}
CROSSLAT_CORE_EXPORT(crosslat_http_ctx_feed);

static inline void put_be32(u8 *b, u32 v)
{
	b[0] = (u8)(v >> 24);
	b[1] = (u8)(v >> 16);
	b[2] = (u8)(v >> 8);
	b[3] = (u8)v;
}

static inline void put_be64(u8 *b, u64 v)
{
	put_be32(b, (u32)(v >> 32));
	put_be32(b + 4, (u32)v);
}

int crosslat_http_ctx_result(const struct crosslat_http_ctx_scan *s, struct crosslat_http_ctx *res)
{
	memset(res, 0, sizeof(*res));
	res->status = s->status;
	res->invalid_kinds = s->invalid;
	res->is_response = s->is_response;
	res->method = s->method;
	res->status_code = s->status_code;
	res->scanned = s->pos;
	res->hdr_len = s->hdr_len;
	if (s->status == CROSSLAT_HTTP_CTX_INVALID) {
		res->kind = s->invalid_kind;
		res->ctx_off = s->invalid_off;
	} else if (s->best_kind) {
		res->kind = s->best_kind;
		res->version = s->best_version;
		res->flags = s->best_flags;
		res->ctx_off = s->best_off;
		put_be64(res->trace_id, s->best_hi);
		put_be64(res->trace_id + 8, s->best_lo);
		put_be64(res->span_id, s->best_span);
	}
	return res->status;
}
CROSSLAT_CORE_EXPORT(crosslat_http_ctx_result);

int crosslat_http_ctx_scan_buf(const u8 *data, u32 len, u32 max_len, struct crosslat_http_ctx *res)
{
	struct crosslat_http_ctx_scan s;

	crosslat_http_ctx_init(&s, max_len);
	crosslat_http_ctx_feed(&s, data, len);
	return crosslat_http_ctx_result(&s, res);
}
CROSSLAT_CORE_EXPORT(crosslat_http_ctx_scan_buf);

const char *crosslat_http_ctx_status_name(unsigned int status)
{
	return status < CROSSLAT_HTTP_CTX_NR_STATUS ? status_names[status] : "unknown";
}
CROSSLAT_CORE_EXPORT(crosslat_http_ctx_status_name);

const char *crosslat_trace_ctx_kind_name(unsigned int kind)
{
	return kind < CROSSLAT_TRACE_CTX_NR_KINDS ? kind_names[kind] : "unknown";
}
CROSSLAT_CORE_EXPORT(crosslat_trace_ctx_kind_name);

const char *crosslat_http_method_name(unsigned int method)
{
	return method < CROSSLAT_HTTP_M_NR ? method_names[method] : "unknown";
}
CROSSLAT_CORE_EXPORT(crosslat_http_method_name);
