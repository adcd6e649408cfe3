/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A naive model of the HTTP trace-context scanner (kmod/core/http_trace_ctx.c) for the unit
 * tests and the fuzzer: it sees the whole buffer at once, splits it into lines and parses
 * each context value as a string, and must give the same struct crosslat_http_ctx as
 * crosslat_http_ctx_scan_buf() for every input.
 */
#ifndef _CROSSLAT_HTTP_CTX_MODEL_H
#define _CROSSLAT_HTTP_CTX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http_trace_ctx.h"

enum model_verdict { MODEL_INVALID, MODEL_VALID, MODEL_SAMPLING_ONLY };

struct model_value {
	uint8_t trace[16];
	uint8_t span[8];
	uint8_t version;
	uint8_t flags;
};

static inline bool model_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

static inline uint8_t model_lower(uint8_t c)
{
	return model_upper(c) ? (uint8_t)(c + 32) : c;
}

static inline int model_hex(uint8_t c, bool lower_only)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (!lower_only && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* true if s[0..n) are all hex digits */
static inline bool model_all_hex(const uint8_t *s, size_t n, bool lower_only)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (model_hex(s[i], lower_only) < 0)
			return false;
	return true;
}

/* n (<= 2 * size) hex digits into the last bytes of out[size], zeros on the left */
static inline void model_hex_to_bytes(const uint8_t *s, size_t n, uint8_t *out, size_t size)
{
	size_t i;

	memset(out, 0, size);
	for (i = 0; i < n; i++) {
		size_t nib = 2 * size - n + i;	/* nibble index from the left */

		out[nib / 2] |= (uint8_t)(model_hex(s[i], false) << (nib % 2 ? 0 : 4));
	}
}

static inline bool model_zero(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static inline enum model_verdict model_traceparent(const uint8_t *v, size_t n,
						   struct model_value *out)
{
	static const size_t dash[] = { 2, 35, 52 };
	size_t i;

	if (n < 55)
		return MODEL_INVALID;
	for (i = 0; i < 55; i++) {
		bool is_dash = i == dash[0] || i == dash[1] || i == dash[2];

		if (is_dash ? v[i] != '-' : model_hex(v[i], true) < 0)
			return MODEL_INVALID;
	}
	model_hex_to_bytes(v, 2, &out->version, 1);
	model_hex_to_bytes(v + 3, 32, out->trace, 16);
	model_hex_to_bytes(v + 36, 16, out->span, 8);
	model_hex_to_bytes(v + 53, 2, &out->flags, 1);
	if (n > 55 && (v[55] != '-' || out->version == 0))
		return MODEL_INVALID;
	if (out->version == 0xff || model_zero(out->trace, 16) || model_zero(out->span, 8))
		return MODEL_INVALID;
	return MODEL_VALID;
}

/* Splits v at sep (or, with pct, also at "%3A"/"%3a") into at most max parts. */
static inline int model_split(const uint8_t *v, size_t n, uint8_t sep, bool pct,
			      const uint8_t **part, size_t *len, int max)
{
	int np = 0;
	size_t i = 0, start = 0;

	for (;;) {
		size_t skip = 0;

		if (i == n) {
			skip = 1;
		} else if (v[i] == sep) {
			skip = 1;
		} else if (pct && v[i] == '%') {
			if (i + 2 >= n || v[i + 1] != '3' || model_lower(v[i + 2]) != 'a')
				return -1;
			skip = 3;
		}
		if (skip) {
			if (np == max)
				return -1;
			part[np] = v + start;
			len[np++] = i - start;
			if (i == n)
				return np;
			i += skip;
			start = i;
		} else {
			i++;
		}
	}
}

static inline enum model_verdict model_b3(const uint8_t *v, size_t n, struct model_value *out)
{
	const uint8_t *p[4];
	size_t l[4];
	int np;

	if (n == 1 && (v[0] == '0' || v[0] == '1' || v[0] == 'd'))
		return MODEL_SAMPLING_ONLY;
	np = model_split(v, n, '-', false, p, l, 4);
	if (np < 2)
		return MODEL_INVALID;
	if ((l[0] != 16 && l[0] != 32) || !model_all_hex(p[0], l[0], true))
		return MODEL_INVALID;
	if (l[1] != 16 || !model_all_hex(p[1], 16, true))
		return MODEL_INVALID;
	out->flags = 0;
	if (np >= 3) {
		if (l[2] != 1 || (p[2][0] != '0' && p[2][0] != '1' && p[2][0] != 'd'))
			return MODEL_INVALID;
		out->flags = p[2][0] == '1' ? 1 : p[2][0] == 'd' ? 3 : 0;
	}
	if (np == 4 && (l[3] != 16 || !model_all_hex(p[3], 16, true)))
		return MODEL_INVALID;
	out->version = 0;
	model_hex_to_bytes(p[0], l[0], out->trace, 16);
	model_hex_to_bytes(p[1], l[1], out->span, 8);
	if (model_zero(out->trace, 16) || model_zero(out->span, 8))
		return MODEL_INVALID;
	return MODEL_VALID;
}

static inline enum model_verdict model_uber(const uint8_t *v, size_t n, struct model_value *out)
{
	static const size_t maxlen[4] = { 32, 16, 16, 2 };
	const uint8_t *p[4];
	size_t l[4];
	int i, np;

	np = model_split(v, n, ':', true, p, l, 4);
	if (np != 4)
		return MODEL_INVALID;
	for (i = 0; i < 4; i++)
		if (!l[i] || l[i] > maxlen[i] || !model_all_hex(p[i], l[i], false))
			return MODEL_INVALID;
	out->version = 0;
	model_hex_to_bytes(p[0], l[0], out->trace, 16);
	model_hex_to_bytes(p[1], l[1], out->span, 8);
	model_hex_to_bytes(p[3], l[3], &out->flags, 1);
	if (model_zero(out->trace, 16) || model_zero(out->span, 8))
		return MODEL_INVALID;
	return MODEL_VALID;
}

static inline enum model_verdict model_value(unsigned int kind, const uint8_t *v, size_t n,
					     struct model_value *out)
{
	size_t a = 0;

	while (a < n && (v[a] == ' ' || v[a] == '\t'))
		a++;
	while (n > a && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (kind == CROSSLAT_TRACE_CTX_TRACEPARENT)
		return model_traceparent(v + a, n - a, out);
	if (kind == CROSSLAT_TRACE_CTX_B3)
		return model_b3(v + a, n - a, out);
	return model_uber(v + a, n - a, out);
}

/* The context header a line (without its LF) starts with, and its name's length */
static inline unsigned int model_header_kind(const uint8_t *line, size_t n, size_t *name_len)
{
	static const char *const names[] = { NULL, "traceparent", "b3", "uber-trace-id" };
	unsigned int k;
	size_t i, nl;

	for (k = 1; k < 4; k++) {
		nl = strlen(names[k]);
		if (n <= nl || line[nl] != ':')
			continue;
		for (i = 0; i < nl && model_lower(line[i]) == (uint8_t)names[k][i]; i++)
			;
		if (i == nl) {
			*name_len = nl;
			return k;
		}
	}
	return 0;
}

static inline uint8_t model_method(const uint8_t *m, size_t n)
{
	static const char *const names[] = {
		[CROSSLAT_HTTP_M_GET] = "GET", [CROSSLAT_HTTP_M_HEAD] = "HEAD",
		[CROSSLAT_HTTP_M_POST] = "POST", [CROSSLAT_HTTP_M_PUT] = "PUT",
		[CROSSLAT_HTTP_M_DELETE] = "DELETE", [CROSSLAT_HTTP_M_CONNECT] = "CONNECT",
		[CROSSLAT_HTTP_M_OPTIONS] = "OPTIONS", [CROSSLAT_HTTP_M_TRACE] = "TRACE",
		[CROSSLAT_HTTP_M_PATCH] = "PATCH",
	};
	unsigned int i;

	for (i = CROSSLAT_HTTP_M_GET; i <= CROSSLAT_HTTP_M_PATCH; i++)
		if (strlen(names[i]) == n && !memcmp(m, names[i], n))
			return (uint8_t)i;
	return CROSSLAT_HTTP_M_OTHER;
}

static inline bool model_target(uint8_t c)
{
	return c > ' ' && c != 0x7f;
}

/* Position of the first LF in b[from, lim), or lim */
static inline size_t model_lf(const uint8_t *b, size_t from, size_t lim)
{
	const uint8_t *e = from < lim ? memchr(b + from, '\n', lim - from) : NULL;

	return e ? (size_t)(e - b) : lim;
}

/*
 * model_http_ctx() - the expected crosslat_http_ctx_scan_buf(b, n, max_len, res)
 */
static inline int model_http_ctx(const uint8_t *b, size_t n, uint32_t max_len,
				 struct crosslat_http_ctx *res)
{
	struct model_value best, cur;
	unsigned int kind, best_kind = 0, invalid_kind = 0;
	uint8_t seen = 0, invalid = 0;
	size_t lim, i, j, k, e, nl, best_off = 0, invalid_off = 0;
	const char *pat;
	bool over;
	int t;

	memset(res, 0, sizeof(*res));
	memset(&best, 0, sizeof(best));
	if (!max_len)
		max_len = CROSSLAT_HTTP_CTX_MAX_DEFAULT;
	over = n > max_len;
	lim = over ? max_len : n;
	k = 0;

/* the scan needs byte at: fail short of data, or past max_len */
#define NEED(at)	do { if ((at) >= lim) goto short_data; } while (0)
#define NOT_HTTP(at)	do { k = (at); goto not_http; } while (0)

	/* one leading empty line */
	NEED(0);
	if (b[0] == '\r') {
		NEED(1);
		if (b[1] != '\n')
			NOT_HTTP(1);
		k = 2;
	} else if (b[0] == '\n') {
		k = 1;
	}
	NEED(k);
	if (!model_upper(b[k]))
		NOT_HTTP(k);
	for (j = k; ; j++) {
		NEED(j);
		if (!model_upper(b[j]) && b[j] != '-' && b[j] != '_')
			break;
		if (j - k == 20)
			NOT_HTTP(j);
	}
	if (b[j] == ' ') {
		res->method = model_method(b + k, j - k);
		i = j + 1;
		NEED(i);
		if (!model_target(b[i]))
			NOT_HTTP(i);
		for (i++; ; i++) {
			NEED(i);
			if (!model_target(b[i]))
				break;
		}
		if (b[i] != ' ')
			NOT_HTTP(i);
		pat = "HTTP/1.#";
	} else if (b[j] == '/' && j - k == 4 && !memcmp(b + k, "HTTP", 4)) {
		res->is_response = 1;
		i = j;
		pat = "1.# ###";
	} else {
		NOT_HTTP(j);
	}
	for (t = 0, i++; pat[t]; t++, i++) {
		NEED(i);
		if (pat[t] == '#' ? b[i] < '0' || b[i] > '9' : b[i] != (uint8_t)pat[t])
			NOT_HTTP(i);
		if (res->is_response && t >= 4)
			res->status_code = (uint16_t)(res->status_code * 10 + b[i] - '0');
	}
	NEED(i);
	if (b[i] == '\r') {
		NEED(i + 1);
		if (b[i + 1] != '\n')
			NOT_HTTP(i + 1);
		k = i + 2;
	} else if (b[i] == '\n') {
		k = i + 1;
	} else if (b[i] == ' ' && res->is_response) {
		k = model_lf(b, i + 1, lim);
		NEED(k);
		k++;
	} else {
		NOT_HTTP(i);
	}

	/* header lines from k */
	for (;;) {
		NEED(k);
		if (b[k] == '\n') {
			k++;
			break;
		}
		if (b[k] == '\r') {
			NEED(k + 1);
			if (b[k + 1] == '\n') {
				k += 2;
				break;
			}
		}
		e = model_lf(b, k, lim);
		NEED(e);
		kind = model_header_kind(b + k, e - k, &nl);
		if (kind && !(seen & (1 << kind))) {
			enum model_verdict v;

			seen |= (uint8_t)(1 << kind);
			memset(&cur, 0, sizeof(cur));
			v = model_value(kind, b + k + nl + 1, e - k - nl - 1, &cur);
			if (v == MODEL_INVALID) {
				if (!invalid) {
					invalid_kind = kind;
					invalid_off = k;
				}
				invalid |= (uint8_t)(1 << kind);
			} else if (v == MODEL_VALID &&
				   (kind == CROSSLAT_TRACE_CTX_TRACEPARENT || !best_kind)) {
				best = cur;
				best_kind = kind;
				best_off = k;
				if (kind == CROSSLAT_TRACE_CTX_TRACEPARENT) {
					k = e + 1;
					res->status = CROSSLAT_HTTP_CTX_FOUND;
					goto out;
				}
			}
		}
		k = e + 1;
	}
	res->hdr_len = (uint32_t)k;
	res->status = best_kind ? CROSSLAT_HTTP_CTX_FOUND :
		      invalid ? CROSSLAT_HTTP_CTX_INVALID : CROSSLAT_HTTP_CTX_NO_CONTEXT;
	goto out;

not_http:
	res->status = CROSSLAT_HTTP_CTX_NOT_HTTP;
	k++;
	goto out;
short_data:
	res->status = over ? CROSSLAT_HTTP_CTX_TOO_LARGE : CROSSLAT_HTTP_CTX_INCOMPLETE;
	k = lim;
out:
#undef NEED
#undef NOT_HTTP
	res->scanned = (uint32_t)k;
	res->invalid_kinds = invalid;
	if (res->status == CROSSLAT_HTTP_CTX_INVALID) {
		res->kind = (uint8_t)invalid_kind;
		res->ctx_off = (uint32_t)invalid_off;
	} else if (best_kind) {
		res->kind = (uint8_t)best_kind;
		res->ctx_off = (uint32_t)best_off;
		res->version = best.version;
		res->flags = best.flags;
		memcpy(res->trace_id, best.trace, 16);
		memcpy(res->span_id, best.span, 8);
	}
	return res->status;
}

/* true if both ids are zero */
static inline bool model_ids_zero(const struct crosslat_http_ctx *r)
{
	return model_zero(r->trace_id, 16) && model_zero(r->span_id, 8);
}

/*
 * What every result of scanning n bytes with bound max_len (0: the default) must satisfy,
 * whatever the bytes: NULL, or the first property violated.
 */
static inline const char *http_ctx_invariants(const struct crosslat_http_ctx *r, size_t n,
					      uint32_t max_len)
{
	if (!max_len)
		max_len = CROSSLAT_HTTP_CTX_MAX_DEFAULT;
	if (r->status >= CROSSLAT_HTTP_CTX_NR_STATUS)
		return "status out of range";
	if (r->kind >= CROSSLAT_TRACE_CTX_NR_KINDS || r->method >= CROSSLAT_HTTP_M_NR)
		return "kind or method out of range";
	if (r->scanned > n || r->scanned > max_len)
		return "scanned past the data or max_len";
	if (r->invalid_kinds & ~0x0e)
		return "invalid_kinds names no kind";
	if (r->is_response && r->method)
		return "a response with a method";
	if (r->status_code > 999)
		return "status code above 999";
	switch (r->status) {
	case CROSSLAT_HTTP_CTX_INCOMPLETE:
	case CROSSLAT_HTTP_CTX_TOO_LARGE:
		if (r->status == CROSSLAT_HTTP_CTX_INCOMPLETE ? r->scanned != n :
		    n <= max_len || r->scanned != max_len)
			return "incomplete before the data ended, or too_large within max_len";
		if (r->hdr_len)
			return "unfinished with a header block length";
		/* a b3 or uber-trace-id context may be held */
		if (r->kind ? r->kind == CROSSLAT_TRACE_CTX_TRACEPARENT ||
			      model_zero(r->trace_id, 16) || model_zero(r->span_id, 8) :
			      !model_ids_zero(r) || r->ctx_off || r->flags)
			return "unfinished: held context inconsistent";
		break;
	case CROSSLAT_HTTP_CTX_FOUND:
		if (!r->kind || model_zero(r->trace_id, 16) || model_zero(r->span_id, 8))
			return "found without a kind or with a zero id";
		if (r->ctx_off >= r->scanned)
			return "found context past the bytes scanned";
		if (r->kind == CROSSLAT_TRACE_CTX_TRACEPARENT ?
		    r->version == 0xff || r->hdr_len || (r->invalid_kinds & 2) :
		    r->version || r->hdr_len != r->scanned)
			return "found: version, hdr_len or invalid_kinds inconsistent";
		if (r->kind == CROSSLAT_TRACE_CTX_B3 && r->flags != 0 && r->flags != 1 &&
		    r->flags != 3)
			return "b3 flags other than 0, 1, 3";
		break;
	case CROSSLAT_HTTP_CTX_INVALID:
		if (!r->kind || !(r->invalid_kinds & (1 << r->kind)) || !model_ids_zero(r))
			return "invalid without its kind or with ids";
		if (r->ctx_off >= r->scanned || r->hdr_len != r->scanned)
			return "invalid: offsets inconsistent";
		break;
	default:	/* NO_CONTEXT, NOT_HTTP */
		if (r->kind || !model_ids_zero(r) || r->ctx_off || r->flags || r->version)
			return "a context without a found status";
		if (r->status == CROSSLAT_HTTP_CTX_NOT_HTTP && (r->hdr_len || r->invalid_kinds))
			return "not_http with header results";
		if (r->status == CROSSLAT_HTTP_CTX_NO_CONTEXT &&
		    (r->hdr_len != r->scanned || r->invalid_kinds))
			return "no_context: hdr_len or invalid_kinds inconsistent";
		break;
	}
	if (r->hdr_len && r->hdr_len < 14)	/* "A * HTTP/1.0\n\n" */
		return "a header block shorter than the shortest";
	return NULL;
}

#endif /* _CROSSLAT_HTTP_CTX_MODEL_H */
