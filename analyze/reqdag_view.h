/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `crosslat-analyze dags` prints of the request DAGs: each request as an indented tree
 * of its states (a readable view), or one JSON object per request.
 */
#ifndef _CROSSLAT_REQDAG_VIEW_H
#define _CROSSLAT_REQDAG_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crosslat_reqdag;
struct crosslat_trace_info;

struct crosslat_reqdag_view {
	const struct crosslat_reqdag *d;	/* finished */
	const struct crosslat_trace_info *traces;
	size_t nr_traces;
	size_t limit;				/* requests shown; 0: all */
};

/* The requests as trees, then a summary line. Returns 0 or -ENOMEM. */
int crosslat_reqdag_view_text(FILE *f, const struct crosslat_reqdag_view *vw);

/* The requests as a JSON array (see `crosslat-analyze --help`, JSON OUTPUT). */
void crosslat_reqdag_view_json(FILE *f, const struct crosslat_reqdag_view *vw);

#endif /* _CROSSLAT_REQDAG_VIEW_H */
