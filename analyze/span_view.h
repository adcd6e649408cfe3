/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `crosslat-analyze spans` prints of the span table: a text table, a detail view of
 * one span (its system calls as a timeline, its stacks) and a JSON object per span.
 */
#ifndef _CROSSLAT_SPAN_VIEW_H
#define _CROSSLAT_SPAN_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crosslat_kallsyms;
struct crosslat_span;
struct crosslat_spans;

struct crosslat_span_view {
	const struct crosslat_spans *sp;
	const struct crosslat_kallsyms *ks;	/* kernel addresses as symbols too; or NULL */
	bool host;				/* a HOST column */
};

/* One row per span of v[n]. Returns 0 or -ENOMEM. */
int crosslat_span_view_table(FILE *f, const struct crosslat_span_view *vw,
			     const struct crosslat_span **v, size_t n);

/* s in detail: ids, figures, its system calls in time order, its stacks. */
void crosslat_span_view_detail(FILE *f, const struct crosslat_span_view *vw,
			       const struct crosslat_span *s);

/* s as one JSON object (see `crosslat-analyze --help`, JSON OUTPUT). */
void crosslat_span_view_json(FILE *f, const struct crosslat_span_view *vw,
			     const struct crosslat_span *s);

/* The text label of s's host: its hostname, else "#TRACE". */
const char *crosslat_span_view_host(const struct crosslat_span_view *vw,
				    const struct crosslat_span *s, char *buf, size_t len);

#endif /* _CROSSLAT_SPAN_VIEW_H */
