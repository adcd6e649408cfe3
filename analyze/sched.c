// SPDX-License-Identifier: GPL-2.0-only
/* Runqueue waits per network namespace, from sched_wakeup and sched_switch events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "sched.h"

struct crosslat_sched_task {
	uint32_t trace;
	int64_t tid;
	uint64_t netns;		/* 0: not seen yet */
	int64_t queued;		/* waiting since (trace time); INT64_MIN: not waiting */
	bool running;		/* switched in, not out since */
};

/* A wait of one task, then (finished) a union of waits of one namespace. */
struct crosslat_sched_wait {
	uint32_t trace;
	uint64_t netns;		/* before finish: the task's index in task[] */
	int64_t start, end;
};

struct task_key {
	uint32_t trace;
	int64_t tid;
};

void crosslat_sched_init(struct crosslat_sched *s)
{
	memset(s, 0, sizeof(*s));
}

void crosslat_sched_uninit(struct crosslat_sched *s)
{
	free(s->task);
	free(s->w);
	crosslat_index_free(&s->idx);
	memset(s, 0, sizeof(*s));
}

static bool task_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_sched *s = ctx;
	const struct task_key *k = key;

	return s->task[entry].trace == k->trace && s->task[entry].tid == k->tid;
}

static uint32_t task_hash(const struct task_key *k)
{
	uint32_t h = crosslat_hash_bytes(CROSSLAT_HASH_INIT, &k->trace, sizeof(k->trace));

	return crosslat_hash_bytes(h, &k->tid, sizeof(k->tid));
}

/* The task (trace, tid), added when new; NULL when out of memory. */
static struct crosslat_sched_task *task_get(struct crosslat_sched *s, uint32_t trace,
					    int64_t tid)
{
	struct task_key k = { .trace = trace, .tid = tid };
	uint32_t h = task_hash(&k);
	int64_t i = crosslat_index_find(&s->idx, h, task_eq, &k, s);
	struct crosslat_sched_task *t;

	if (i >= 0)
		return &s->task[i];
	if (s->nr_task == s->cap_task) {
		size_t ncap = s->cap_task ? 2 * s->cap_task : 256;

		t = realloc(s->task, ncap * sizeof(*t));
		if (!t)
			return NULL;
		s->task = t;
		s->cap_task = ncap;
	}
	t = &s->task[s->nr_task];
	t->trace = trace;
	t->tid = tid;
	t->netns = 0;
	t->queued = INT64_MIN;
	t->running = false;
	if (crosslat_index_set(&s->idx, h, task_eq, &k, s, (uint32_t)s->nr_task))
		return NULL;
	return &s->task[s->nr_task++];
}

static int wait_add(struct crosslat_sched *s, const struct crosslat_sched_task *t, int64_t end)
{
	struct crosslat_sched_wait *w;

	if (end <= t->queued)
		return 0;
	if (s->nr_w == s->cap_w) {
		size_t ncap = s->cap_w ? 2 * s->cap_w : 1024;

		w = realloc(s->w, ncap * sizeof(*w));
		if (!w)
			return -ENOMEM;
		s->w = w;
		s->cap_w = ncap;
	}
	w = &s->w[s->nr_w++];
	w->trace = t->trace;
	w->netns = (uint64_t)(t - s->task);
	w->start = t->queued;
	w->end = end;
	return 0;
}

/* Starts t's wait at ts, unless it is waiting already. */
static void queue(struct crosslat_sched_task *t, int64_t ts)
{
	if (t->queued == INT64_MIN)
		t->queued = ts;
}

/*
 * prev_state of sched_switch: the task state index (0: running, so it stays runnable)
 * with, since Linux 4.14, TASK_REPORT_MAX (0x100 in 6.x) added when it was preempted.
 */
static bool left_runnable(uint64_t prev_state)
{
	return !(prev_state & 0xff);
}

static int on_switch(struct crosslat_sched *s, const struct crosslat_record *r)
{
	struct crosslat_sched_task *prev, *next;
	int64_t prev_tid, next_tid;
	uint64_t state, netns;
	int rc;

	if (crosslat_record_s64(r, "prev_tid", &prev_tid) ||
	    crosslat_record_s64(r, "next_tid", &next_tid) ||
	    crosslat_record_u64(r, "prev_state", &state))
		return 0;
	if (prev_tid > 0) {
		prev = task_get(s, r->trace, prev_tid);
		if (!prev)
			return -ENOMEM;
		if (!crosslat_record_u64(r, "net_ns", &netns) && netns)
			prev->netns = netns;
		prev->running = false;
		prev->queued = INT64_MIN;	/* a wakeup seen while it ran was no wait */
		if (left_runnable(state))
			queue(prev, r->ts_ns);
	}
	if (next_tid > 0) {
		next = task_get(s, r->trace, next_tid);
		if (!next)
			return -ENOMEM;
		if (next->queued != INT64_MIN) {
			rc = wait_add(s, next, r->ts_ns);
			if (rc)
				return rc;
			next->queued = INT64_MIN;
		}
		next->running = true;
	}
	return 1;
}

int crosslat_sched_add(struct crosslat_sched *s, const struct crosslat_record *r)
{
	struct crosslat_sched_task *t;
	int64_t tid;
	int rc;

	if (!r->has_ts || s->finished)
		return 0;
	if (!strcmp(r->name, CROSSLAT_EV_SCHED_SWITCH)) {
		rc = on_switch(s, r);
	} else if (!strcmp(r->name, CROSSLAT_EV_SCHED_WAKEUP) ||
		   !strcmp(r->name, CROSSLAT_EV_SCHED_WAKEUP_NEW)) {
		if (crosslat_record_s64(r, "tid", &tid) || tid <= 0)
			return 0;
		t = task_get(s, r->trace, tid);
		if (!t)
			return -ENOMEM;
		/* a task woken while it runs (it was about to sleep) does not wait */
		if (!t->running)
			queue(t, r->ts_ns);
		rc = 1;
	} else {
		return 0;
	}
	s->events += rc > 0;
	return rc;
}

static int cmp_wait(const void *x, const void *y)
{
	const struct crosslat_sched_wait *a = x, *b = y;

	if (a->trace != b->trace)
		return a->trace < b->trace ? -1 : 1;
	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

int crosslat_sched_finish(struct crosslat_sched *s)
{
	size_t i, n = 0;

	if (s->finished)
		return 0;
	s->finished = true;
	/* each wait to its task's namespace; a task without one cannot be placed */
	for (i = 0; i < s->nr_w; i++) {
		struct crosslat_sched_wait w = s->w[i];

		w.netns = s->task[w.netns].netns;
		if (!w.netns) {
			s->no_netns++;
			continue;
		}
		s->w[n++] = w;
	}
	s->nr_w = n;
	if (n)
		qsort(s->w, n, sizeof(*s->w), cmp_wait);
	/* unions: overlapping waits of one namespace merged */
	for (i = 0, n = 0; i < s->nr_w; i++) {
		struct crosslat_sched_wait *u = n ? &s->w[n - 1] : NULL;

		if (u && u->trace == s->w[i].trace && u->netns == s->w[i].netns &&
		    s->w[i].start <= u->end) {
			if (s->w[i].end > u->end)
				u->end = s->w[i].end;
			continue;
		}
		s->w[n++] = s->w[i];
	}
	s->nr_w = n;
	return 0;
}

bool crosslat_sched_has_data(const struct crosslat_sched *s)
{
	return s->finished && s->nr_w;
}

uint64_t crosslat_sched_runq(const struct crosslat_sched *s, uint32_t trace, uint64_t netns,
			     int64_t lo, int64_t hi)
{
	size_t a = 0, b = s->nr_w;
	uint64_t sum = 0;

	if (!s->finished || hi <= lo || !netns)
		return 0;
	/* the first union of (trace, netns) that ends after lo */
	while (a < b) {
		size_t m = a + (b - a) / 2;
		const struct crosslat_sched_wait *w = &s->w[m];

		if (w->trace < trace || (w->trace == trace && (w->netns < netns ||
		    (w->netns == netns && w->end <= lo))))
			a = m + 1;
		else
			b = m;
	}
	for (; a < s->nr_w; a++) {
		const struct crosslat_sched_wait *w = &s->w[a];
		int64_t from, to;

		if (w->trace != trace || w->netns != netns || w->start >= hi)
			break;
		from = w->start > lo ? w->start : lo;
		to = w->end < hi ? w->end : hi;
		if (to > from)
			sum += (uint64_t)(to - from);
	}
	return sum;
}
