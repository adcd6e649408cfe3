/* SPDX-License-Identifier: GPL-2.0-only */
/* Text and JSON formatting of the analyzer's tables: addresses, durations, tables, strings. */
#ifndef _CROSSLAT_FORMAT_H
#define _CROSSLAT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fits the longest cell: "udp/[IPV6]:PORT>[IPV6]:PORT" or a date. */
#define CROSSLAT_CELL_MAX	128

/*
 * A 16-byte event address: dotted IPv4 for family 4 when it is IPv4-mapped
 * (::ffff:a.b.c.d), else IPv6 text. buf needs 46 bytes (INET6_ADDRSTRLEN).
 */
const char *crosslat_fmt_addr(char *buf, size_t len, uint8_t family, const uint8_t *addr);

/* "10.0.0.1:80" or "[fd00::1]:443". */
const char *crosslat_fmt_endpoint(char *buf, size_t len, uint8_t family, const uint8_t *addr,
				  uint16_t port);

/* ns as milliseconds with three decimals, rounded to the microsecond: "20.314". */
const char *crosslat_fmt_ms(char *buf, size_t len, uint64_t ns);

/* v with an SI prefix and unit: "999B", "1.5kB", "12.3MB". */
const char *crosslat_fmt_si(char *buf, size_t len, uint64_t v, const char *unit);

/*
 * A trace time: "2024-11-24 09:00:19.120700270" (UTC) when the clock counts from the Unix
 * epoch, else seconds from the clock's origin, "12.000000001"; date false: the time of day
 * alone, "09:00:19.120700270".
 */
const char *crosslat_fmt_time(char *buf, size_t len, int64_t ns, bool unix_epoch, bool date);

/* s as a JSON string literal; invalid UTF-8 bytes become U+FFFD. */
void crosslat_json_str(FILE *f, const char *s);

/*
 * s as HTML (or XML) text, fit for an element's content and a quoted attribute value: & < >
 * " ' as character references; control characters and invalid UTF-8 bytes as U+FFFD. With
 * max_chars, a longer s is cut after max_chars - 1 characters and ends with an ellipsis.
 */
void crosslat_html_str(FILE *f, const char *s, size_t max_chars);

/*
 * A verdict's culprit part (kind: enum crosslat_part_kind) in words: "flow frontend ->
 * backend-b", "backend-a (CPU contention)", ...
 */
const char *crosslat_fmt_culprit(char *buf, size_t len, uint8_t kind, const char *service,
				 const char *peer);

/* A column of a text table. */
struct crosslat_column {
	const char *title;
	bool right;		/* right-aligned (numbers) */
};

/* Prints nrows rows of ncols cells (CROSSLAT_CELL_MAX bytes each, row-major) under titles. */
void crosslat_table_print(FILE *f, const struct crosslat_column *cols, unsigned int ncols,
			  const char *cells, size_t nrows);

#endif /* _CROSSLAT_FORMAT_H */
