// SPDX-License-Identifier: GPL-2.0-only
/* Event counts per name and the time span: the portable half of `summary`. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "summary.h"

void crosslat_summary_init(struct crosslat_summary *s)
{
	memset(s, 0, sizeof(*s));
}

void crosslat_summary_uninit(struct crosslat_summary *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->names[i].name);
	free(s->names);
	crosslat_index_free(&s->idx);
	memset(s, 0, sizeof(*s));
}

static bool name_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_summary *s = ctx;

	return !strcmp(s->names[entry].name, key);
}

/* The entry counting name, added when new; NULL when out of memory. */
static struct crosslat_name_count *name_entry(struct crosslat_summary *s, const char *name)
{
	struct crosslat_name_count *e;
	uint32_t h;
	int64_t i;

	if (s->last < s->nr && !strcmp(s->names[s->last].name, name))
		return &s->names[s->last];
	h = crosslat_hash_bytes(CROSSLAT_HASH_INIT, name, strlen(name));
	i = crosslat_index_find(&s->idx, h, name_eq, name, s);
	if (i >= 0) {
		s->last = i;
		return &s->names[i];
	}
	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct crosslat_name_count *v = realloc(s->names, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->names = v;
		s->cap = cap;
	}
	e = &s->names[s->nr];
	e->name = strdup(name);
	if (!e->name)
		return NULL;
	e->count = 0;
	if (crosslat_index_set(&s->idx, h, name_eq, name, s, s->nr)) {
		free(e->name);
		return NULL;
	}
	s->last = s->nr++;
	return e;
}

int crosslat_summary_add(struct crosslat_summary *s, const struct crosslat_record *r)
{
	struct crosslat_name_count *e = name_entry(s, r->name ? r->name : "");

	if (!e)
		return -ENOMEM;
	e->count++;
	if (!r->has_ts) {
		s->untimed++;
	} else if (s->events == s->untimed) {
		s->first_ns = r->ts_ns;
		s->last_ns = r->ts_ns;
	} else {
		if (r->ts_ns < s->first_ns)
			s->first_ns = r->ts_ns;
		if (r->ts_ns > s->last_ns)
			s->last_ns = r->ts_ns;
	}
	s->events++;
	return 0;
}

static int count_cmp(const void *pa, const void *pb)
{
	const struct crosslat_name_count *a = *(const struct crosslat_name_count *const *)pa;
	const struct crosslat_name_count *b = *(const struct crosslat_name_count *const *)pb;

	return strcmp(a->name, b->name);
}

const struct crosslat_name_count **crosslat_summary_sorted(const struct crosslat_summary *s)
{
	const struct crosslat_name_count **v;
	size_t i;

	if (!s->nr)
		return NULL;
	v = malloc(s->nr * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < s->nr; i++)
		v[i] = &s->names[i];
	qsort(v, s->nr, sizeof(*v), count_cmp);
	return v;
}
