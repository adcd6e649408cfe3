/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-name event counts and the time span of a trace set: `crosslat-analyze summary`. */
#ifndef _CROSSLAT_SUMMARY_H
#define _CROSSLAT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

struct crosslat_name_count {
	char *name;
	uint64_t count;
};

struct crosslat_summary {
	struct crosslat_name_count *names;	/* in order of first appearance */
	size_t nr, cap;
	struct crosslat_index idx;
	size_t last;		/* names[last] counted the previous event (runs are common) */
	uint64_t events;
	uint64_t untimed;	/* events without a default clock snapshot */
	int64_t first_ns, last_ns;	/* over timed events; valid when events > untimed */
};

void crosslat_summary_init(struct crosslat_summary *s);
void crosslat_summary_uninit(struct crosslat_summary *s);

/* Counts r. Returns 0 or -ENOMEM. */
int crosslat_summary_add(struct crosslat_summary *s, const struct crosslat_record *r);

/*
 * The counts sorted by name, in a new array of nr pointers into s (free() it); NULL when
 * out of memory or when there is no name.
 */
const struct crosslat_name_count **crosslat_summary_sorted(const struct crosslat_summary *s);

#endif /* _CROSSLAT_SUMMARY_H */
