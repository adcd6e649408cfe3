// SPDX-License-Identifier: GPL-2.0-only
/* Formatting helpers shared by the analyzer's subcommands. */

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "verdicts.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

const char *crosslat_fmt_addr(char *buf, size_t len, uint8_t family, const uint8_t *addr)
{
	char tmp[INET6_ADDRSTRLEN];

	if (family == 4 && !memcmp(addr, v4mapped, sizeof(v4mapped)))
		inet_ntop(AF_INET, addr + 12, tmp, sizeof(tmp));
	else
		inet_ntop(AF_INET6, addr, tmp, sizeof(tmp));
	snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *crosslat_fmt_endpoint(char *buf, size_t len, uint8_t family, const uint8_t *addr,
				  uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	crosslat_fmt_addr(a, sizeof(a), family, addr);
	if (strchr(a, ':'))
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *crosslat_fmt_ms(char *buf, size_t len, uint64_t ns)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);

	snprintf(buf, len, "%" PRIu64 ".%03u", us / 1000, (unsigned int)(us % 1000));
	return buf;
}

const char *crosslat_fmt_si(char *buf, size_t len, uint64_t v, const char *unit)
{
	static const char prefix[] = "kMGTPE";
	double d = v;
	int i = -1;

	if (v < 1000) {
		snprintf(buf, len, "%" PRIu64 "%s", v, unit);
		return buf;
	}
	while (d >= 999.95 && i < (int)sizeof(prefix) - 2) {
		d /= 1000;
		i++;
	}
	snprintf(buf, len, "%.1f%c%s", d, prefix[i], unit);
	return buf;
}

const char *crosslat_fmt_time(char *buf, size_t len, int64_t ns, bool unix_epoch, bool date)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	if (!unix_epoch || !gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%" PRId64 ".%09" PRId64, sec, frac);
		return buf;
	}
	if (date)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%09" PRId64, tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	else
		snprintf(buf, len, "%02d:%02d:%02d.%09" PRId64, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 frac);
	return buf;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF are invalid. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void crosslat_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p) {
		n = utf8_len(p);
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else if (n) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fputs("\\ufffd", f);
			p++;
		}
	}
	fputc('"', f);
}

/* Characters of s, counting an invalid byte as one, up to limit + 1. */
static size_t chars_upto(const unsigned char *p, size_t limit)
{
	size_t n = 0, len;

	while (*p && n <= limit) {
		len = utf8_len(p);
		p += len ? len : 1;
		n++;
	}
	return n;
}

void crosslat_html_str(FILE *f, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = SIZE_MAX, n;
	bool cut = false;

	if (max_chars && chars_upto(p, max_chars) > max_chars) {
		left = max_chars - 1;
		cut = true;
	}
	for (; *p && left; left--) {
		n = utf8_len(p);
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* C0 controls are not HTML text; U+FFFD also keeps the page valid UTF-8 */
			if (!n || *p < 0x20 || *p == 0x7f)
				fputs("&#xfffd;", f);
			else
				fwrite(p, 1, n, f);
		}
		p += n ? n : 1;
	}
	if (cut)
		fputs("&#x2026;", f);
}

void crosslat_table_print(FILE *f, const struct crosslat_column *cols, unsigned int ncols,
			  const char *cells, size_t nrows)
{
	unsigned int width[32] = { 0 };
	unsigned int c;
	size_t r;

	if (ncols > 32)
		ncols = 32;
	for (c = 0; c < ncols; c++) {
		width[c] = strlen(cols[c].title);
		for (r = 0; r < nrows; r++) {
			size_t w = strlen(cells + (r * ncols + c) * CROSSLAT_CELL_MAX);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r <= nrows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *cell = r ? cells + ((r - 1) * ncols + c) * CROSSLAT_CELL_MAX :
					   cols[c].title;
			bool last = c + 1 == ncols;

			if (cols[c].right)
				fprintf(f, "%*s", (int)width[c], cell);
			else
				fprintf(f, "%-*s", last ? 0 : (int)width[c], cell);
			fputs(last ? "\n" : "  ", f);
		}
	}
}

const char *crosslat_fmt_culprit(char *buf, size_t len, uint8_t kind, const char *service,
				 const char *peer)
{
	service = service && *service ? service : "?";
	peer = peer && *peer ? peer : "?";
	switch (kind) {
	case CROSSLAT_PART_NET:
		snprintf(buf, len, "flow %s -> %s", service, peer);
		break;
	case CROSSLAT_PART_SEND:
		snprintf(buf, len, "%s (sending to %s)", service, peer);
		break;
	case CROSSLAT_PART_RECV:
		snprintf(buf, len, "%s (before its handler: sidecar, queueing)", service);
		break;
	case CROSSLAT_PART_RUNQ:
		snprintf(buf, len, "%s (CPU contention)", service);
		break;
	default:
		snprintf(buf, len, "%s (handler)", service);
		break;
	}
	return buf;
}
