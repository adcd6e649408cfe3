/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Streaming scanner of an HTTP/1.x header block for a trace context: W3C traceparent, B3
 * single header (b3) and Jaeger's uber-trace-id, fed chunk by chunk (linear part, page
 * frags, the next TCP segment) with a small per-flow state.
 */
#ifndef _CROSSLAT_HTTP_TRACE_CTX_H
#define _CROSSLAT_HTTP_TRACE_CTX_H

#include "core_types.h"

/* Default bound of a header block (start line included), as most servers' 64 KiB. */
#define CROSSLAT_HTTP_CTX_MAX_DEFAULT	65536

/* Where a scan stands; every status but INCOMPLETE is final. */
enum crosslat_http_ctx_status {
	CROSSLAT_HTTP_CTX_INCOMPLETE,	/* the data ended inside the header block: feed more */
	CROSSLAT_HTTP_CTX_FOUND,	/* a valid trace context (see the precedence below) */
	CROSSLAT_HTTP_CTX_NO_CONTEXT,	/* the header block ended without a context header */
	CROSSLAT_HTTP_CTX_INVALID,	/* it ended with only malformed context headers */
	CROSSLAT_HTTP_CTX_NOT_HTTP,	/* the start line is no HTTP/1.x request or status line */
	CROSSLAT_HTTP_CTX_TOO_LARGE,	/* the header block ran past the scan's max_len */
	CROSSLAT_HTTP_CTX_NR_STATUS
};

/* Which header carried the context. */
enum crosslat_trace_ctx_kind {
	CROSSLAT_TRACE_CTX_NONE,
	CROSSLAT_TRACE_CTX_TRACEPARENT,	/* W3C Trace Context */
	CROSSLAT_TRACE_CTX_B3,		/* B3 single header (Zipkin) */
	CROSSLAT_TRACE_CTX_UBER,	/* uber-trace-id (Jaeger) */
	CROSSLAT_TRACE_CTX_NR_KINDS
};

/* Request methods; NONE for a response or before the start line was read. */
enum crosslat_http_method {
	CROSSLAT_HTTP_M_NONE,
	CROSSLAT_HTTP_M_GET,
	CROSSLAT_HTTP_M_HEAD,
	CROSSLAT_HTTP_M_POST,
	CROSSLAT_HTTP_M_PUT,
	CROSSLAT_HTTP_M_DELETE,
	CROSSLAT_HTTP_M_CONNECT,
	CROSSLAT_HTTP_M_OPTIONS,
	CROSSLAT_HTTP_M_TRACE,
	CROSSLAT_HTTP_M_PATCH,
	CROSSLAT_HTTP_M_OTHER,		/* any other token of capitals, '-' and '_' */
	CROSSLAT_HTTP_M_NR
};

/*
 * Bits of crosslat_http_ctx.flags. SAMPLED means sampled for every kind; DEBUG only for b3
 * ("d") and uber-trace-id (its flag 2): traceparent's bit 1 is W3C's random-trace-id flag.
 */
#define CROSSLAT_TRACE_CTX_F_SAMPLED	0x01
#define CROSSLAT_TRACE_CTX_F_DEBUG	0x02

/*
 * Scan state, kept per flow between segments: treat as opaque. 96 bytes on 64-bit
 * machines; no pointers, so it may be copied and compared with memcmp() once initialised.
 */
struct crosslat_http_ctx_scan {
	u64 acc_hi;		/* trace id being parsed (high 64 bits); method name bytes */
	u64 acc_lo;		/* trace id being parsed (low 64 bits) */
	u64 acc_span;		/* span id being parsed */
	u64 best_hi;		/* the context kept: trace id ... */
	u64 best_lo;
	u64 best_span;		/* ... and span id */
	u32 pos;		/* bytes consumed since crosslat_http_ctx_init() */
	u32 max_len;		/* bound of the header block */
	u32 line_off;		/* offset of the context header being parsed */
	u32 best_off;		/* offset of the kept context header */
	u32 invalid_off;	/* offset of the first malformed context header */
	u32 hdr_len;		/* header block length, once its end was seen; else 0 */
	u16 status_code;	/* of a status line */
	u8 status;		/* enum crosslat_http_ctx_status */
	u8 phase;		/* parser state, private to http_trace_ctx.c */
	u8 kind;		/* context header being matched or parsed */
	u8 field;		/* its field (or name byte, start-line pattern byte) */
	u8 ndig;		/* digits in the field so far */
	u8 cur_version;		/* traceparent version being parsed */
	u8 cur_flags;		/* flags being parsed */
	u8 best_kind;		/* enum crosslat_trace_ctx_kind of the kept context */
	u8 best_version;
	u8 best_flags;
	u8 seen;		/* bit 1 << kind: a header of that kind was parsed */
	u8 invalid;		/* bit 1 << kind: the first header of that kind was malformed */
	u8 invalid_kind;	/* kind of the first malformed context header */
	u8 method;		/* enum crosslat_http_method */
	u8 is_response;
};

/* What crosslat_http_ctx_result() reports. Offsets are from the first byte fed. */
struct crosslat_http_ctx {
	u8 status;		/* enum crosslat_http_ctx_status */
	u8 kind;		/* enum crosslat_trace_ctx_kind: see crosslat_http_ctx_result() */
	u8 version;		/* traceparent version; 0 for b3 and uber-trace-id */
	u8 flags;		/* traceparent: its trace-flags byte; b3 and uber: F_SAMPLED, F_DEBUG */
	u8 invalid_kinds;	/* bit 1 << kind per kind whose first header was malformed */
	u8 is_response;		/* the start line was a status line */
	u8 method;		/* enum crosslat_http_method of a request */
	u16 status_code;	/* of a response */
	u32 ctx_off;		/* first byte of the context header's name (FOUND, INVALID, held) */
	u32 scanned;		/* bytes consumed: a FOUND traceparent stops the scan at its line */
	u32 hdr_len;		/* length of the header block up to its empty line, once seen; else 0 */
	u8 trace_id[16];	/* network order as in the header; shorter ids padded on the left */
	u8 span_id[8];
};

/*
 * crosslat_http_ctx_init() - start a scan at the first byte of an HTTP/1.x message
 * @max_len: bound of the header block in bytes, start line and final empty line included;
 *	     0 means CROSSLAT_HTTP_CTX_MAX_DEFAULT
 */
void crosslat_http_ctx_init(struct crosslat_http_ctx_scan *s, u32 max_len);

/*
 * crosslat_http_ctx_feed() - scan the next len bytes of the message
 *
 * Chunks are the message's bytes in order, cut anywhere: the state after a byte, so every
 * result, does not depend on how the bytes were chunked. Once the status is final, later
 * calls return it and read nothing. Never reads outside [data, data + len), never allocates;
 * the scan is linear in len (header lines of no interest eight bytes at a time).
 *
 * The message must start with a request line (METHOD SP target SP HTTP/1.d, the method a
 * token of capitals, '-' and '_', at most 20) or a status line (HTTP/1.d SP 3 digits, then
 * SP reason, or the line's end), after at most one empty line; else NOT_HTTP, usually
 * decided by the first byte. Lines end with CRLF or a bare LF; the block ends at its first
 * empty line and nothing after it (the body) is read. Header names match regardless of case,
 * exactly (x-traceparent, traceparent-old and "traceparent :" are other headers); spaces and
 * tabs before a value and spaces, tabs and CRs after it are skipped; obs-fold continuation
 * lines and lines without a known name are skipped up to their LF (a context value ends at
 * its own line's end).
 *
 * Values (malformed ones make the header INVALID):
 *   traceparent    version-traceid-spanid-flags: 2, 32, 16 and 2 lower-case hex digits;
 *                  version ff, an all-zero trace id or span id are invalid; version 00 ends
 *                  after the flags, a later version may go on after another '-' (ignored).
 *   b3             traceid-spanid[-sampled[-parentspanid]]: 16 or 32, then 16 lower-case
 *                  hex digits; sampled 0, 1 or d (debug, implies sampled); zero ids are
 *                  invalid. A lone "0", "1" or "d" only carries a sampling decision: that
 *                  header counts as neither a context nor malformed.
 *   uber-trace-id  traceid:spanid:parentspanid:flags: 1 to 32, 1 to 16, 1 to 16 and 1 or 2
 *                  hex digits of either case, shorter ids padded with zeros on the left; a
 *                  ':' may be URL-encoded (%3A); zero trace or span ids are invalid.
 *
 * Precedence: the first traceparent header decides. Valid, it is FOUND at once and the
 * scan stops after its line; malformed, later traceparent headers are ignored. Else the
 * first valid b3 or uber-trace-id context in header order is FOUND when the block ends.
 * Duplicates: only the first header of each kind is parsed, as a server reading one value
 * per name would (later ones are skipped, whatever they hold).
 *
 * The header block is bounded by the scan's max_len: TOO_LARGE once a byte past max_len
 * would be read before the scan's end.
 *
 * Return: the status after these bytes, enum crosslat_http_ctx_status.
 */
int crosslat_http_ctx_feed(struct crosslat_http_ctx_scan *s, const u8 *data, u32 len);

/*
 * crosslat_http_ctx_result() - the scan's result so far into *res
 *
 * res->kind, ids, flags, version and ctx_off describe: for FOUND, the context; for INVALID,
 * the first malformed context header (kind and ctx_off only); for INCOMPLETE and TOO_LARGE,
 * a b3 or uber-trace-id context already held (FOUND if the block ends without a valid
 * traceparent), kind NONE if none; for the others nothing (kind NONE, ids zero).
 *
 * Return: res->status.
 */
int crosslat_http_ctx_result(const struct crosslat_http_ctx_scan *s, struct crosslat_http_ctx *res);

/*
 * crosslat_http_ctx_may_start() - whether an HTTP/1.x message can begin with byte c: the
 * first capital of a method or of "HTTP", or a leading empty line. A scan of data that
 * begins with any other byte ends at its first byte with CROSSLAT_HTTP_CTX_NOT_HTTP, so a
 * caller may skip it (and its set-up) for such data.
 */
static inline bool crosslat_http_ctx_may_start(u8 c)
{
	return (u8)(c - 'A') < 26 || c == '\r' || c == '\n';
}

/* crosslat_http_ctx_init(), one feed of the whole buffer and the result. */
int crosslat_http_ctx_scan_buf(const u8 *data, u32 len, u32 max_len, struct crosslat_http_ctx *res);

/* Static names ("found", "traceparent", "GET"); "unknown" outside the enums. */
const char *crosslat_http_ctx_status_name(unsigned int status);
const char *crosslat_trace_ctx_kind_name(unsigned int kind);
const char *crosslat_http_method_name(unsigned int method);

#endif /* _CROSSLAT_HTTP_TRACE_CTX_H */
