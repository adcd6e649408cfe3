/* SPDX-License-Identifier: GPL-2.0-only */
/* libcrosslat-span internals shared by its files (span.c, span_log.c, traceparent.c, preload). */
#ifndef _CROSSLAT_SPAN_INTERNAL_H
#define _CROSSLAT_SPAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crosslat_span;

/* The libraries export only what is marked so (they are built -fvisibility=hidden). */
#define CROSSLAT_EXPORT __attribute__((visibility("default")))

static inline bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Writes 2 * @n lowercase hex digits of @in to @out, and a NUL. */
static inline void hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (; n--; in++) {
		*out++ = digits[*in >> 4];
		*out++ = digits[*in & 15];
	}
	*out = '\0';
}

/* span_log.c: the CROSSLAT_SPAN_LOG file. */
#define SPAN_LOG_LINE_MAX	640	/* a line's size, at most */

/* Formats the JSON line of ended span @s (with its '\n') into @buf; returns its length. */
size_t span_log_format(char buf[SPAN_LOG_LINE_MAX], const struct crosslat_span *s);
/* Appends the JSON line of ended span @s to the log, if CROSSLAT_SPAN_LOG names one. */
void span_log_write(const struct crosslat_span *s);
/* The application closes fds @first to @last: if the log's is one, reopen it when needed. */
void span_log_fds_closed(unsigned int first, unsigned int last);

/* span.c */
/* The application closes fds @first to @last: forget those of the library's among them. */
void span_fds_closed(unsigned int first, unsigned int last);

#endif /* _CROSSLAT_SPAN_INTERNAL_H */
