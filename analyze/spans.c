// SPDX-License-Identifier: GPL-2.0-only
/* The span table, from crosslat_span_* (kernel) and crosslat_ust:span_* (UST) records. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "spans.h"

#define NONE	UINT32_MAX

const char *const crosslat_span_sort_names[CROSSLAT_SPAN_SORT_NR] = {
	[CROSSLAT_SPAN_SORT_DURATION]	= "duration",
	[CROSSLAT_SPAN_SORT_BLOCKED]	= "blocked",
	[CROSSLAT_SPAN_SORT_RUNQ]	= "runq",
	[CROSSLAT_SPAN_SORT_ONCPU]	= "oncpu",
	[CROSSLAT_SPAN_SORT_TIME]	= "time",
};

void crosslat_spans_init(struct crosslat_spans *sp)
{
	memset(sp, 0, sizeof(*sp));
}

void crosslat_spans_uninit(struct crosslat_spans *sp)
{
	size_t i;

	for (i = 0; i < sp->nr; i++)
		free(sp->v[i].calls);
	free(sp->v);
	free(sp->host_of);
	crosslat_index_free(&sp->idx);
	memset(sp, 0, sizeof(*sp));
}

int crosslat_spans_set_traces(struct crosslat_spans *sp, const struct crosslat_trace_info *t,
			      size_t nr)
{
	uint32_t *host_of = NULL;
	size_t i;

	if (nr) {
		host_of = malloc(nr * sizeof(*host_of));
		if (!host_of)
			return -ENOMEM;
		for (i = 0; i < nr; i++)
			host_of[i] = NONE;
	}
	free(sp->host_of);
	sp->host_of = host_of;
	sp->traces = t;
	sp->nr_traces = nr;
	return 0;
}

uint32_t crosslat_spans_host(struct crosslat_spans *sp, uint32_t trace)
{
	const char *name;
	uint32_t host = trace;
	size_t i;

	if (trace >= sp->nr_traces || !sp->host_of)
		return trace;
	if (sp->host_of[trace] != NONE)
		return sp->host_of[trace];
	name = sp->traces[trace].hostname;
	if (!name)
		return trace;
	for (i = 0; i < sp->nr_traces; i++) {
		if (sp->host_of[i] != NONE && sp->traces[i].hostname &&
		    !strcmp(sp->traces[i].hostname, name)) {
			host = sp->host_of[i];
			break;
		}
	}
	sp->host_of[trace] = host;
	return host;
}

static const struct crosslat_trace_info *trace_info(const struct crosslat_spans *sp,
						    uint32_t trace)
{
	return sp->traces && trace < sp->nr_traces ? &sp->traces[trace] : NULL;
}

/* ---- the index -------------------------------------------------------------------------- */

static uint32_t key_hash(const struct crosslat_span_key *k)
{
	uint32_t h = CROSSLAT_HASH_INIT;

	h = crosslat_hash_bytes(h, k->trace_id, sizeof(k->trace_id));
	h = crosslat_hash_bytes(h, k->span_id, sizeof(k->span_id));
	return crosslat_hash_bytes(h, &k->host, sizeof(k->host));
}

static bool key_equal(const struct crosslat_span_key *a, const struct crosslat_span_key *b)
{
	return a->host == b->host && !memcmp(a->trace_id, b->trace_id, sizeof(a->trace_id)) &&
	       !memcmp(a->span_id, b->span_id, sizeof(a->span_id));
}

static bool span_eq(uint32_t entry, const void *key, const void *ctx)
{
	return key_equal(&((const struct crosslat_spans *)ctx)->v[entry].key, key);
}

/* The latest span with key, or NONE. */
static uint32_t latest(const struct crosslat_spans *sp, const struct crosslat_span_key *key)
{
	int64_t i = crosslat_index_find(&sp->idx, key_hash(key), span_eq, key, sp);

	return i < 0 ? NONE : (uint32_t)i;
}

/* Appends a span with key, the latest one with it; its index, or NONE when out of memory. */
static uint32_t span_new(struct crosslat_spans *sp, const struct crosslat_span_key *key)
{
	uint32_t prev = latest(sp, key), i;
	struct crosslat_span *s;

	if (sp->nr >= NONE - 1)
		return NONE;
	if (sp->nr == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 64;

		s = realloc(sp->v, cap * sizeof(*s));
		if (!s)
			return NONE;
		sp->v = s;
		sp->cap = cap;
	}
	i = sp->nr;
	if (crosslat_index_set(&sp->idx, key_hash(key), span_eq, key, sp, i))
		return NONE;
	s = &sp->v[i];
	memset(s, 0, sizeof(*s));
	s->key = *key;
	s->ktrace = s->btrace = s->etrace = CROSSLAT_SPAN_NO_TRACE;
	s->prev = prev;
	sp->nr++;
	if (prev != NONE)
		sp->duplicates++;
	return i;
}

/*
 * The latest span with key that has none of the bits `lacks` in present, else a new one
 * (a duplicate when the key had spans). NONE when out of memory.
 */
static uint32_t span_lacking(struct crosslat_spans *sp, const struct crosslat_span_key *key,
			     unsigned int lacks)
{
	uint32_t i;

	for (i = latest(sp, key); i != NONE; i = sp->v[i].prev)
		if (!(sp->v[i].present & lacks))
			return i;
	return span_new(sp, key);
}

/* The latest span with key whose annotate came from trace, or NONE. */
static uint32_t span_of_kernel(const struct crosslat_spans *sp,
			       const struct crosslat_span_key *key, uint32_t trace)
{
	uint32_t i;

	for (i = latest(sp, key); i != NONE; i = sp->v[i].prev)
		if ((sp->v[i].present & CROSSLAT_SPAN_KERNEL) && sp->v[i].ktrace == trace)
			return i;
	return NONE;
}

const struct crosslat_span *crosslat_spans_find(const struct crosslat_spans *sp,
						const struct crosslat_span_key *key)
{
	uint32_t i = latest(sp, key);

	return i == NONE ? NULL : &sp->v[i];
}

/* ---- records ---------------------------------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The ids of r and the host of its trace; -EINVAL when they are missing or truncated. */
static int read_key(struct crosslat_spans *sp, const struct crosslat_record *r,
		    struct crosslat_span_key *key)
{
	size_t len;

	memset(key, 0, sizeof(*key));
	if (crosslat_record_bytes(r, "trace_id", key->trace_id, sizeof(key->trace_id), &len) ||
	    len != sizeof(key->trace_id))
		return -EINVAL;
	if (crosslat_record_bytes(r, "span_id", key->span_id, sizeof(key->span_id), &len) ||
	    len != sizeof(key->span_id) || all_zero(key->span_id, sizeof(key->span_id)))
		return -EINVAL;
	key->host = crosslat_spans_host(sp, r->trace);
	return 0;
}

/* A string field into buf (truncated), when present and buf is still empty. */
static void read_name(const struct crosslat_record *r, const char *field, char *buf,
		      size_t len)
{
	const char *v;

	if (!buf[0] && !crosslat_record_str(r, field, &v))
		snprintf(buf, len, "%s", v);
}

static void read_parent(const struct crosslat_record *r, struct crosslat_span *s)
{
	uint8_t id[CROSSLAT_SPAN_ID_LEN];
	size_t len;

	if (all_zero(s->parent_span_id, sizeof(s->parent_span_id)) &&
	    !crosslat_record_bytes(r, "parent_span_id", id, sizeof(id), &len) &&
	    len == sizeof(id))
		memcpy(s->parent_span_id, id, sizeof(id));
}

/*
 * Sets *id from field (and bit in s->present) when the field is there and, unless
 * override, *id is not known yet.
 */
static void read_id(const struct crosslat_record *r, const char *field, struct crosslat_span *s,
		    int64_t *id, unsigned int bit, bool override)
{
	int64_t v;

	if ((override || !(s->present & bit)) && !crosslat_record_s64(r, field, &v)) {
		*id = v;
		s->present |= bit;
	}
}

static int32_t s32_or(const struct crosslat_record *r, const char *name, int32_t dflt)
{
	int64_t v;

	if (crosslat_record_s64(r, name, &v) || v < INT32_MIN || v > INT32_MAX)
		return dflt;
	return (int32_t)v;
}

/*
 * The span r (an annotate, span_begin or span_end) describes: the latest with its key that
 * has not the bit of r's kind yet (set now), else a new one. NULL with *rc 1 when r has no
 * usable ids (counted), or -ENOMEM.
 */
static struct crosslat_span *span_taking(struct crosslat_spans *sp,
					 const struct crosslat_record *r, unsigned int bit,
					 int *rc)
{
	struct crosslat_span_key key;
	uint32_t i;

	*rc = 1;
	if (read_key(sp, r, &key)) {
		sp->malformed++;
		return NULL;
	}
	i = span_lacking(sp, &key, bit);
	if (i == NONE) {
		*rc = -ENOMEM;
		return NULL;
	}
	sp->v[i].present |= bit;
	return &sp->v[i];
}

static int on_annotate(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	struct crosslat_span_calls *calls;
	uint64_t start, duration;
	struct crosslat_span *s;
	int rc;

	if (crosslat_record_u64(r, "start_ns", &start) ||
	    crosslat_record_u64(r, "duration_ns", &duration)) {
		sp->malformed++;
		return 1;
	}
	calls = calloc(1, sizeof(*calls));
	if (!calls)
		return -ENOMEM;
	s = span_taking(sp, r, CROSSLAT_SPAN_KERNEL, &rc);
	if (!s) {
		free(calls);
		return rc;
	}
	s->ktrace = r->trace;
	s->calls = calls;
	read_parent(r, s);
	read_name(r, "name", s->name, sizeof(s->name));
	read_name(r, "service", s->service, sizeof(s->service));
	/* The span thread's ids as its process sees them, like the vtid and vpid contexts. */
	read_id(r, "tid", s, &s->tid, CROSSLAT_SPAN_TID, true);
	read_id(r, "pid", s, &s->pid, CROSSLAT_SPAN_PID, true);
	s->status = crosslat_record_u64_or(r, "status", s->status);
	s->start_ns = start;
	s->duration_ns = duration;
	s->threshold_ns = crosslat_record_u64_or(r, "threshold_ns", 0);
	s->oncpu_ns = crosslat_record_u64_or(r, "oncpu_ns", 0);
	s->blocked_ns = crosslat_record_u64_or(r, "blocked_ns", 0);
	s->runq_ns = crosslat_record_u64_or(r, "runq_ns", 0);
	s->preempt_ns = crosslat_record_u64_or(r, "preempt_ns", 0);
	s->syscall_ns = crosslat_record_u64_or(r, "syscall_ns", 0);
	s->blocks = crosslat_record_u64_or(r, "blocks", 0);
	s->preemptions = crosslat_record_u64_or(r, "preemptions", 0);
	s->wakeups = crosslat_record_u64_or(r, "wakeups", 0);
	s->syscalls = crosslat_record_u64_or(r, "syscalls", 0);
	s->syscalls_listed = crosslat_record_u64_or(r, "syscalls_listed", 0);
	s->syscalls_unrecorded = crosslat_record_u64_or(r, "syscalls_unrecorded", 0);
	/* a later field: absent from older crosslat_span versions, U64_MAX when unknown */
	s->pre_runq_ns = crosslat_record_u64_or(r, "pre_runq_ns", UINT64_MAX);
	/* the net_ns context, when the session added it: the span's pod */
	s->netns = crosslat_record_u64_or(r, "net_ns", 0);
	return 1;
}

/* The span whose annotate r (a syscall or stack event) follows, or NULL (counted). */
static struct crosslat_span *kernel_span(struct crosslat_spans *sp,
					 const struct crosslat_record *r)
{
	struct crosslat_span_key key;
	uint32_t i;

	if (read_key(sp, r, &key)) {
		sp->malformed++;
		return NULL;
	}
	i = span_of_kernel(sp, &key, r->trace);
	if (i == NONE) {
		sp->orphans++;
		return NULL;
	}
	return &sp->v[i];
}

static int on_syscall(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	struct crosslat_span_syscall sc = { 0 };
	struct crosslat_span *s;
	uint64_t nr;

	if (crosslat_record_u64(r, "nr", &nr) || nr > UINT32_MAX ||
	    crosslat_record_u64(r, "start_ns", &sc.start_ns) ||
	    crosslat_record_u64(r, "duration_ns", &sc.duration_ns)) {
		sp->malformed++;
		return 1;
	}
	s = kernel_span(sp, r);
	if (!s)
		return 1;
	if (s->calls->nr_sc == CROSSLAT_SPAN_SYSCALLS_MAX) {
		s->calls_dropped++;
		sp->dropped++;
		return 1;
	}
	sc.nr = nr;
	sc.offcpu_ns = crosslat_record_u64_or(r, "offcpu_ns", 0);
	sc.arg = crosslat_record_u64_or(r, "arg", 0);
	if (crosslat_record_s64(r, "ret", &sc.ret))
		sc.ret = 0;
	s->calls->sc[s->calls->nr_sc++] = sc;
	return 1;
}

static int on_stack(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	struct crosslat_span_stack st = { 0 };
	struct crosslat_span *s;
	uint64_t kernel;
	size_t depth;

	if (crosslat_record_u64(r, "kernel", &kernel) ||
	    crosslat_record_u64s(r, "ips", st.ips, CROSSLAT_SPAN_STACK_DEPTH, &depth)) {
		sp->malformed++;
		return 1;
	}
	s = kernel_span(sp, r);
	if (!s)
		return 1;
	if (s->calls->nr_st == CROSSLAT_SPAN_STACKS_MAX) {
		s->calls_dropped++;
		sp->dropped++;
		return 1;
	}
	st.kernel = kernel != 0;
	st.depth = depth > UINT32_MAX ? UINT32_MAX : depth;
	st.start_ns = crosslat_record_u64_or(r, "start_ns", 0);
	st.blocked_ns = crosslat_record_u64_or(r, "blocked_ns", 0);
	st.syscall_nr = s32_or(r, "syscall_nr", -1);
	s->calls->st[s->calls->nr_st++] = st;
	return 1;
}

static int on_begin(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	struct crosslat_span *s;
	int rc;

	s = span_taking(sp, r, CROSSLAT_SPAN_BEGIN, &rc);
	if (!s)
		return rc;
	s->btrace = r->trace;
	s->begin_ts = r->ts_ns;
	s->has_begin_ts = r->has_ts;
	read_parent(r, s);
	read_name(r, "name", s->name, sizeof(s->name));
	read_name(r, "service", s->service, sizeof(s->service));
	/* The vtid and vpid contexts, when the session added them. */
	read_id(r, "vtid", s, &s->tid, CROSSLAT_SPAN_TID, false);
	read_id(r, "vpid", s, &s->pid, CROSSLAT_SPAN_PID, false);
	s->begin_kernel = s32_or(r, "kernel", 0);
	return 1;
}

static int on_end(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	struct crosslat_span *s;
	int rc;

	s = span_taking(sp, r, CROSSLAT_SPAN_END, &rc);
	if (!s)
		return rc;
	s->etrace = r->trace;
	s->end_ts = r->ts_ns;
	s->has_end_ts = r->has_ts;
	if (!(s->present & CROSSLAT_SPAN_KERNEL))
		s->status = crosslat_record_u64_or(r, "status", 0);
	s->end_duration_ns = crosslat_record_u64_or(r, "duration_ns", 0);
	s->end_kernel = s32_or(r, "kernel", 0);
	s->end_annotated = crosslat_record_u64_or(r, "annotated", 0) != 0;
	s->end_syscalls = crosslat_record_u64_or(r, "syscalls", 0);
	/* span_end may come from another thread, but of the span's process. */
	read_id(r, "vpid", s, &s->pid, CROSSLAT_SPAN_PID, false);
	return 1;
}

int crosslat_spans_add(struct crosslat_spans *sp, const struct crosslat_record *r)
{
	const char *n = r->name;

	if (strncmp(n, "crosslat_", 9))
		return 0;
	if (!strcmp(n, CROSSLAT_EV_SPAN_ANNOTATE))
		return on_annotate(sp, r);
	if (!strcmp(n, CROSSLAT_EV_SPAN_SYSCALL))
		return on_syscall(sp, r);
	if (!strcmp(n, CROSSLAT_EV_SPAN_STACK))
		return on_stack(sp, r);
	if (!strcmp(n, CROSSLAT_EV_SPAN_BEGIN))
		return on_begin(sp, r);
	if (!strcmp(n, CROSSLAT_EV_SPAN_END))
		return on_end(sp, r);
	return 0;
}

/* ---- derived figures -------------------------------------------------------------------- */

bool crosslat_span_annotated(const struct crosslat_span *s)
{
	return (s->present & CROSSLAT_SPAN_KERNEL) || s->end_annotated;
}

uint64_t crosslat_span_duration(const struct crosslat_span *s)
{
	if (s->present & CROSSLAT_SPAN_KERNEL)
		return s->duration_ns;
	if ((s->present & CROSSLAT_SPAN_END) && s->end_duration_ns)
		return s->end_duration_ns;
	if (s->has_begin_ts && s->has_end_ts && s->end_ts >= s->begin_ts)
		return (uint64_t)(s->end_ts - s->begin_ts);
	return 0;
}

const struct crosslat_span_syscall *crosslat_span_top_blocking(const struct crosslat_span *s)
{
	const struct crosslat_span_syscall *top = NULL;
	uint32_t i;

	if (!s->calls)
		return NULL;
	for (i = 0; i < s->calls->nr_sc; i++) {
		const struct crosslat_span_syscall *c = &s->calls->sc[i];

		if (!top || c->offcpu_ns > top->offcpu_ns ||
		    (c->offcpu_ns == top->offcpu_ns && c->duration_ns > top->duration_ns))
			top = c;
	}
	return top;
}

void crosslat_spans_time(const struct crosslat_spans *sp, const struct crosslat_span *s,
			 struct crosslat_span_time *t)
{
	const struct crosslat_trace_info *kt = trace_info(sp, s->ktrace);
	const struct crosslat_trace_info *bt = trace_info(sp, s->btrace);
	const struct crosslat_trace_info *et = trace_info(sp, s->etrace);
	int64_t dur = (int64_t)crosslat_span_duration(s);

	memset(t, 0, sizeof(*t));
	if ((s->present & CROSSLAT_SPAN_KERNEL) && kt && kt->has_mono_offset) {
		t->start_ns = kt->mono_offset_ns + (int64_t)s->start_ns;
		t->end_ns = t->start_ns + dur;
		t->epoch = kt->unix_epoch;
	} else if (s->has_begin_ts) {
		t->start_ns = s->begin_ts;
		t->end_ns = dur || !s->has_end_ts ? s->begin_ts + dur : s->end_ts;
		t->epoch = bt && bt->unix_epoch;
	} else if (s->has_end_ts) {
		t->end_ns = s->end_ts;
		t->start_ns = s->end_ts - dur;
		t->epoch = et && et->unix_epoch;
	} else if (s->present & CROSSLAT_SPAN_KERNEL) {
		t->start_ns = (int64_t)s->start_ns;
		t->end_ns = t->start_ns + dur;
		t->monotonic = true;
	} else {
		return;
	}
	t->known = true;
}

int64_t crosslat_span_mono_at(const struct crosslat_span *s, const struct crosslat_span_time *t,
			      uint64_t mono_ns)
{
	return t->start_ns + (int64_t)(mono_ns - s->start_ns);
}

/* ---- sorting ---------------------------------------------------------------------------- */

struct sort_item {
	const struct crosslat_span *s;
	bool annotated;
	uint64_t v;		/* the key's value, larger first */
	int64_t start;		/* ties: older first */
};

static int cmp_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c;

	if (x->annotated != y->annotated)
		return x->annotated ? -1 : 1;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	c = memcmp(x->s->key.span_id, y->s->key.span_id, sizeof(x->s->key.span_id));
	if (c)
		return c;
	return x->s < y->s ? -1 : x->s > y->s;
}

const struct crosslat_span **crosslat_spans_sorted(const struct crosslat_spans *sp,
						   enum crosslat_span_sort key, bool all,
						   size_t *nr)
{
	const struct crosslat_span **v;
	struct sort_item *items;
	size_t i, n = 0;

	for (i = 0; i < sp->nr; i++)
		n += all || crosslat_span_annotated(&sp->v[i]);
	*nr = n;
	if (!n)
		return NULL;
	items = malloc(n * sizeof(*items));
	v = malloc(n * sizeof(*v));
	if (!items || !v) {
		free(items);
		free(v);
		return NULL;
	}
	for (i = 0, n = 0; i < sp->nr; i++) {
		const struct crosslat_span *s = &sp->v[i];
		struct crosslat_span_time t;
		struct sort_item *it;

		if (!all && !crosslat_span_annotated(s))
			continue;
		it = &items[n++];
		crosslat_spans_time(sp, s, &t);
		it->s = s;
		it->annotated = crosslat_span_annotated(s);
		it->start = t.known ? t.start_ns : INT64_MAX;
		switch (key) {
		case CROSSLAT_SPAN_SORT_BLOCKED:
			it->v = s->blocked_ns;
			break;
		case CROSSLAT_SPAN_SORT_RUNQ:
			it->v = s->runq_ns;
			break;
		case CROSSLAT_SPAN_SORT_ONCPU:
			it->v = s->oncpu_ns;
			break;
		case CROSSLAT_SPAN_SORT_TIME:
			it->v = 0;
			break;
		default:
			it->v = crosslat_span_duration(s);
			break;
		}
	}
	qsort(items, n, sizeof(*items), cmp_item);
	for (i = 0; i < n; i++)
		v[i] = items[i].s;
	free(items);
	return v;
}

/* ---- ids -------------------------------------------------------------------------------- */

const char *crosslat_span_hex(char *buf, const uint8_t *id, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf[2 * i] = digits[id[i] >> 4];
		buf[2 * i + 1] = digits[id[i] & 15];
	}
	buf[2 * n] = '\0';
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int crosslat_span_parse_hex(const char *s, uint8_t *id, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		id[i] = hi << 4 | lo;
	}
	return 0;
}
