// SPDX-License-Identifier: GPL-2.0-only
/* Verdicts: slow requests split along their critical path into sender, network, receiver. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hops.h"
#include "record.h"
#include "sched.h"
#include "spans.h"
#include "stats.h"
#include "verdicts.h"

const char *const crosslat_domain_names[CROSSLAT_DOMAIN_NR] = {
	[CROSSLAT_DOMAIN_NONE]		= "none",
	[CROSSLAT_DOMAIN_SENDER]	= "sender host",
	[CROSSLAT_DOMAIN_NETWORK]	= "network",
	[CROSSLAT_DOMAIN_RECEIVER]	= "receiver host",
};

const char *const crosslat_part_names[CROSSLAT_PART_NR] = {
	[CROSSLAT_PART_APP]	= "app",
	[CROSSLAT_PART_RUNQ]	= "runq",
	[CROSSLAT_PART_NET]	= "net",
	[CROSSLAT_PART_SEND]	= "send",
	[CROSSLAT_PART_RECV]	= "recv",
};

enum crosslat_domain crosslat_part_domain(enum crosslat_part_kind kind)
{
	switch (kind) {
	case CROSSLAT_PART_NET:
		return CROSSLAT_DOMAIN_NETWORK;
	case CROSSLAT_PART_RECV:
		return CROSSLAT_DOMAIN_RECEIVER;
	case CROSSLAT_PART_SEND:
		return CROSSLAT_DOMAIN_SENDER;
	default:
		return CROSSLAT_DOMAIN_RECEIVER;
	}
}

/* A part's samples in the baseline, then its median. */
struct crosslat_part_base {
	uint8_t kind;
	const char *service, *peer;
	uint64_t *v;
	size_t nr, cap;
	uint64_t median;
};

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool part_is(const struct crosslat_part_base *b, uint8_t kind, const char *service,
		    const char *peer)
{
	return b->kind == kind && str_eq(b->service, service) && str_eq(b->peer, peer);
}

/* ---- a trace set's requests: spans grouped by (host, trace id), children in CSR ---------- */

struct node {
	const struct crosslat_span *s;
	int64_t start, end;	/* trace time */
	uint32_t parent;	/* index in the group, UINT32_MAX: none */
	uint32_t first_child, nr_children;	/* into forest.child */
	uint64_t self_ns;	/* time not covered by its critical children */
	uint32_t crit_child;	/* the critical child ending last, UINT32_MAX: none */
	bool crit_other;	/* a critical child of another service */
	uint32_t crit_peer;	/* that child */
};

struct forest {
	struct node *n;		/* every timed span, grouped (host, trace id), then span id */
	uint32_t *child;	/* children, per parent, latest end first */
	size_t nr;
	const struct crosslat_sched *sched;	/* the traces' runqueue waits per pod, or NULL */
	const struct crosslat_hops *hops;	/* request segments at pod ports, or NULL */
	const struct crosslat_spans *sp;	/* the traces' clocks */
	/* the baseline's usual share of a call's time its pods wait (RATE_*), or NULL */
	const struct crosslat_verdicts *rates;
	bool across_hosts;	/* a request's spans on several hosts (clocks aligned) */
};

/*
 * Baseline keys beside the parts: per call (caller, callee), the median share of the call's
 * time outside its callee during which the callee's pod (RATE_RECV) or the caller's
 * (RATE_SEND) had a task waiting for a CPU, in millionths.
 */
#define RATE_RECV	CROSSLAT_PART_NR
#define RATE_SEND	(CROSSLAT_PART_NR + 1)

/* Spans by group (host unless across hosts, trace id), then span id. */
static int cmp_node(const void *x, const void *y, void *ctx)
{
	const struct crosslat_span *a = ((const struct node *)x)->s;
	const struct crosslat_span *b = ((const struct node *)y)->s;
	bool across = *(const bool *)ctx;
	int c;

	if (!across && a->key.host != b->key.host)
		return a->key.host < b->key.host ? -1 : 1;
	c = memcmp(a->key.trace_id, b->key.trace_id, sizeof(a->key.trace_id));
	if (c)
		return c;
	c = memcmp(a->key.span_id, b->key.span_id, sizeof(a->key.span_id));
	if (c || a->key.host == b->key.host)
		return c;
	return a->key.host < b->key.host ? -1 : 1;
}

/* Whether a and b belong to one request: one trace id (on one host, unless across). */
static bool same_group(const struct forest *f, const struct crosslat_span *a,
		       const struct crosslat_span *b)
{
	return (f->across_hosts || a->key.host == b->key.host) &&
	       !memcmp(a->key.trace_id, b->key.trace_id, sizeof(a->key.trace_id));
}

static int cmp_child_end(const void *x, const void *y, void *nodes)
{
	const struct node *n = nodes;
	const struct node *a = &n[*(const uint32_t *)x], *b = &n[*(const uint32_t *)y];

	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->start > b->start ? -1 : a->start < b->start;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Parents within [lo, hi) (one group, sorted by span id). */
static void link_group(struct node *n, size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i < hi; i++) {
		const uint8_t *pid = n[i].s->parent_span_id;
		size_t a = lo, b = hi;

		n[i].parent = UINT32_MAX;
		if (is_zero(pid, CROSSLAT_SPAN_ID_LEN))
			continue;
		while (a < b) {
			size_t m = a + (b - a) / 2;
			int c = memcmp(n[m].s->key.span_id, pid, CROSSLAT_SPAN_ID_LEN);

			if (!c) {
				if (m != i)
					n[i].parent = (uint32_t)m;
				break;
			}
			if (c < 0)
				a = m + 1;
			else
				b = m;
		}
	}
}

/*
 * The critical path inside node i: from its end backwards, the child that ended last
 * before the cursor takes the time from its end (clipped) back to its start; gaps are i's
 * own time.
 */
static void walk_node(struct forest *f, uint32_t i)
{
	struct node *p = &f->n[i];
	int64_t cursor = p->end;
	uint64_t self = 0;
	uint32_t k;

	p->crit_child = p->crit_peer = UINT32_MAX;
	p->crit_other = false;
	for (k = 0; k < p->nr_children; k++) {
		uint32_t c = f->child[p->first_child + k];
		const struct node *ch = &f->n[c];
		int64_t end = ch->end < cursor ? ch->end : cursor;
		int64_t start = ch->start > p->start ? ch->start : p->start;

		if (start >= cursor || end <= start)
			continue;
		self += (uint64_t)(cursor - end);
		if (p->crit_child == UINT32_MAX)
			p->crit_child = c;
		if (!p->crit_other && !str_eq(ch->s->service, p->s->service)) {
			p->crit_other = true;
			p->crit_peer = c;
		}
		cursor = start;
	}
	if (cursor > p->start)
		self += (uint64_t)(cursor - p->start);
	p->self_ns = self;
}

static void forest_free(struct forest *f)
{
	free(f->n);
	free(f->child);
	memset(f, 0, sizeof(*f));
}

static int forest_build(struct forest *f, const struct crosslat_spans *sp,
			const struct crosslat_sched *sched, const struct crosslat_hops *hops,
			bool across_hosts)
{
	uint32_t *count = NULL;
	size_t i, lo, nr = 0;

	memset(f, 0, sizeof(*f));
	f->across_hosts = across_hosts;
	if (sched && crosslat_sched_has_data(sched))
		f->sched = sched;
	if (hops && hops->nr_seg)
		f->hops = hops;
	f->sp = sp;
	f->n = calloc(sp->nr ? sp->nr : 1, sizeof(*f->n));
	f->child = calloc(sp->nr ? sp->nr : 1, sizeof(*f->child));
	count = calloc(sp->nr + 1, sizeof(*count));
	if (!f->n || !f->child || !count) {
		free(count);
		forest_free(f);
		return -ENOMEM;
	}
	for (i = 0; i < sp->nr; i++) {
		const struct crosslat_span *s = &sp->v[i];
		struct crosslat_span_time t;

		crosslat_spans_time(sp, s, &t);
		if (!t.known || t.end_ns < t.start_ns)
			continue;
		f->n[nr].s = s;
		f->n[nr].start = t.start_ns;
		f->n[nr].end = t.end_ns;
		nr++;
	}
	f->nr = nr;
	qsort_r(f->n, nr, sizeof(*f->n), cmp_node, &f->across_hosts);
	for (lo = 0; lo < nr; ) {
		size_t hi = lo + 1;

		while (hi < nr && same_group(f, f->n[lo].s, f->n[hi].s))
			hi++;
		link_group(f->n, lo, hi);
		lo = hi;
	}
	/* children in CSR: count, prefix sums, fill, then each list latest end first */
	for (i = 0; i < nr; i++)
		if (f->n[i].parent != UINT32_MAX)
			count[f->n[i].parent]++;
	for (i = 0, lo = 0; i < nr; i++) {
		f->n[i].first_child = (uint32_t)lo;
		lo += count[i];
		count[i] = 0;
	}
	for (i = 0; i < nr; i++) {
		struct node *p;

		if (f->n[i].parent == UINT32_MAX)
			continue;
		p = &f->n[f->n[i].parent];
		f->child[p->first_child + count[f->n[i].parent]++] = (uint32_t)i;
	}
	for (i = 0; i < nr; i++)
		f->n[i].nr_children = count[i];
	free(count);
	for (i = 0; i < nr; i++)
		qsort_r(f->child + f->n[i].first_child, f->n[i].nr_children, sizeof(uint32_t),
			cmp_child_end, f->n);
	for (i = 0; i < nr; i++)
		walk_node(f, (uint32_t)i);
	return 0;
}

#define NODE_PARTS	4

/* A span's pod: the kernel trace its events came from and its network namespace. */
struct pod {
	uint32_t trace;
	uint64_t netns;
};

/*
 * n's pod: its annotate's net_ns, else that of its nearest ancestor of the same service
 * (a call made on the thread of the request's span is traced by lttng-ust only).
 */
static bool pod_of(const struct forest *f, const struct node *n, struct pod *pod)
{
	const char *service = n->s->service;
	int depth;

	for (depth = 0; depth < 16; depth++) {
		if ((n->s->present & CROSSLAT_SPAN_KERNEL) && n->s->netns) {
			pod->trace = n->s->ktrace;
			pod->netns = n->s->netns;
			return true;
		}
		if (n->parent == UINT32_MAX || !str_eq(f->n[n->parent].s->service, service))
			return false;
		n = &f->n[n->parent];
	}
	return false;
}

/* Whether the runqueue waits of both pods of call p to c are known (sched, net_ns). */
static bool pods_known(const struct forest *f, const struct node *p, const struct node *c,
		       struct pod *caller, struct pod *callee)
{
	return f->sched && pod_of(f, p, caller) && pod_of(f, c, callee);
}

static struct crosslat_part_base *base_find(const struct crosslat_verdicts *v, uint8_t kind,
					    const char *service, const char *peer);

/* wait less the baseline's usual share (rate_kind) of the window's ns; at least 0. */
static uint64_t above_usual(const struct forest *f, uint8_t rate_kind, const char *caller,
			    const char *callee, uint64_t wait, uint64_t window)
{
	const struct crosslat_part_base *b;
	uint64_t usual;

	if (!f->rates)
		return wait;
	b = base_find(f->rates, rate_kind, caller, callee);
	if (!b)
		return wait;
	usual = (uint64_t)((double)b->median * (double)window / 1e6);
	return wait > usual ? wait - usual : 0;
}

/*
 * pod_waits within the windows [lo1, hi1) and [lo2, hi2) of call p only (their total is
 * the window the usual share applies to).
 */
static void pod_waits_in(const struct forest *f, const struct node *p, const struct node *c,
			 int64_t lo1, int64_t hi1, int64_t lo2, int64_t hi2, uint64_t *recv,
			 uint64_t *send, uint64_t *raw_recv, uint64_t *raw_send)
{
	const struct crosslat_span *cs = p->s, *ss = c->s;
	uint64_t r = 0, w = 0, window = 0;
	struct pod cp, sp;

	window += hi1 > lo1 ? (uint64_t)(hi1 - lo1) : 0;
	window += hi2 > lo2 ? (uint64_t)(hi2 - lo2) : 0;
	if (pods_known(f, p, c, &cp, &sp)) {
		r = crosslat_sched_runq(f->sched, sp.trace, sp.netns, lo1, hi1) +
		    crosslat_sched_runq(f->sched, sp.trace, sp.netns, lo2, hi2);
		if (cp.netns != sp.netns)
			w = crosslat_sched_runq(f->sched, cp.trace, cp.netns, lo1, hi1) +
			    crosslat_sched_runq(f->sched, cp.trace, cp.netns, lo2, hi2);
	}
	if (r > window)
		r = window;
	if (w > window - r)
		w = window - r;
	if (raw_recv)
		*raw_recv = r;
	if (raw_send)
		*raw_send = w;
	*recv = above_usual(f, RATE_RECV, cs->service, ss->service, r, window);
	*send = above_usual(f, RATE_SEND, cs->service, ss->service, w, window);
}

/*
 * The waits for a CPU while call p was outside its callee c (before c began, after it
 * ended): *recv, the times some task of c's pod waited; *send, of the rest of p's own
 * time, the times some task of p's pod waited (none when both are one pod). A pod's
 * tasks wait now and then anyway (other requests, a busy host), the longer the window the
 * more: only what exceeds the baseline's usual share of the window counts (the raw
 * figures, for the baseline, in raw_recv and raw_send when not NULL).
 */
static void pod_waits(const struct forest *f, const struct node *p, const struct node *c,
		      uint64_t *recv, uint64_t *send, uint64_t *raw_recv, uint64_t *raw_send)
{
	int64_t c_start = c->start > p->start ? c->start : p->start;
	int64_t c_end = c->end < p->end ? c->end : p->end;

	if (c_end < c_start)
		c_end = c_start;
	pod_waits_in(f, p, c, p->start, c_start, c_end, p->end, recv, send, raw_recv, raw_send);
}

/* A CLOCK_MONOTONIC time of trace's host on the traces' time line; false if unknown. */
static bool mono_to_trace(const struct forest *f, uint32_t trace, uint64_t mono, int64_t *t)
{
	const struct crosslat_spans *sp = f->sp;

	if (!sp->traces || trace >= sp->nr_traces || !sp->traces[trace].has_mono_offset)
		return false;
	*t = sp->traces[trace].mono_offset_ns + (int64_t)mono;
	return true;
}

/*
 * The request of call p as crosslat_pkt saw it: *t_out when its first segment left the
 * caller's pod port (a vport -> nic hop), *t_in when its last reached the callee's (nic ->
 * vport); true when both are known and lie in order inside the call, before callee c.
 */
static bool call_pkt(const struct forest *f, const struct node *p, const struct node *c,
		     int64_t *t_out, int64_t *t_in)
{
	const struct crosslat_hop_seg *sg;
	int64_t out = INT64_MAX, in = INT64_MIN, t;
	size_t n, k;

	if (!f->hops)
		return false;
	sg = crosslat_hops_find(f->hops, p->s->key.trace_id, p->s->key.span_id, &n);
	for (k = 0; k < n; k++) {
		if (sg[k].from_role == CROSSLAT_HOP_VPORT &&
		    mono_to_trace(f, sg[k].trace, sg[k].from_ns, &t) && t < out)
			out = t;
		if (sg[k].to_role == CROSSLAT_HOP_VPORT &&
		    mono_to_trace(f, sg[k].trace, sg[k].to_ns, &t) && t > in)
			in = t;
	}
	if (out == INT64_MAX || in == INT64_MIN || out < p->start || in < out || in > c->start)
		return false;
	*t_out = out;
	*t_in = in;
	return true;
}

/*
 * A call's parts when crosslat_pkt saw its request at both pod ports: the way there split
 * at t_out and t_in (send, net, recv), the way back by the pods' waits as without.
 */
static unsigned int call_parts_pkt(const struct forest *f, const struct node *p,
				   const struct node *c, int64_t t_out, int64_t t_in,
				   struct crosslat_part out[NODE_PARTS])
{
	int64_t c_start = c->start, c_end = c->end < p->end ? c->end : p->end;
	uint64_t send = (uint64_t)(t_out - p->start), net = (uint64_t)(t_in - t_out);
	uint64_t recv = (uint64_t)(c_start - t_in), back = 0, r = 0, w = 0, used;
	struct pod cp, cep;

	if (c_end < c_start)
		c_end = c_start;
	used = send + net + recv;
	if (used > p->self_ns) {	/* other critical children: keep within the own time */
		net = used - p->self_ns < net ? net - (used - p->self_ns) : 0;
		if (send > p->self_ns)
			send = p->self_ns;
		if (send + recv > p->self_ns)
			recv = p->self_ns - send;
		used = send + net + recv;
	}
	back = p->self_ns > used ? p->self_ns - used : 0;
	/*
	 * Until the request left the caller's pod, only the caller pod's waits for a CPU are
	 * the sender host's: the rest is a lost first copy waiting for its retransmission
	 * (crosslat_pkt times the copy that made it), the network's.
	 */
	if (send && pods_known(f, p, c, &cp, &cep)) {
		uint64_t waited = crosslat_sched_runq(f->sched, cp.trace, cp.netns, p->start, t_out);

		if (waited < send) {
			net += send - waited;
			send = waited;
		}
	}
	if (back && pods_known(f, p, c, &cp, &cep)) {
		pod_waits_in(f, p, c, c_end, p->end, 0, 0, &r, &w, NULL, NULL);
		if (r > back)
			r = back;
		if (r + w > back)
			w = back - r;
	}
	out[0].kind = CROSSLAT_PART_NET;
	out[0].service = p->s->service;
	out[0].peer = c->s->service;
	out[0].ns = net + back - r - w;
	out[1].kind = CROSSLAT_PART_SEND;
	out[1].service = p->s->service;
	out[1].peer = c->s->service;
	out[1].ns = send + w;
	out[2].kind = CROSSLAT_PART_RUNQ;
	out[2].service = c->s->service;
	out[2].ns = r;
	out[3].kind = CROSSLAT_PART_RECV;
	out[3].service = c->s->service;
	out[3].ns = recv;
	return 4;
}

/*
 * The parts of node i's own time (kind, service, peer, ns) into out, returns how many.
 * A call (a critical child of another service): with crosslat_pkt's times of its request,
 * call_parts_pkt; else with the pods' waits (scheduler events), SEND and RUNQ of the callee
 * from them; else SEND = the calling thread's runqueue wait and RUNQ of the callee = its
 * thread's wait between its previous span and this one (woken by the request, waiting for
 * a CPU to read it), as far as the call's time holds it; NET the rest. Else RUNQ (the
 * span's own runqueue wait) and APP.
 */
static unsigned int node_parts(const struct forest *f, uint32_t i,
			       struct crosslat_part out[NODE_PARTS])
{
	const struct node *p = &f->n[i];
	const struct crosslat_span *s = p->s, *callee;
	struct pod cp, cep;
	uint64_t runq = 0, left;

	if (s->present & CROSSLAT_SPAN_KERNEL)
		runq = s->runq_ns < p->self_ns ? s->runq_ns : p->self_ns;
	left = p->self_ns - runq;
	memset(out, 0, NODE_PARTS * sizeof(*out));
	out[0].service = out[1].service = s->service;
	if (!p->crit_other) {
		out[0].kind = CROSSLAT_PART_APP;
		out[0].ns = left;
		out[1].kind = CROSSLAT_PART_RUNQ;
		out[1].ns = runq;
		return 2;
	}
	callee = f->n[p->crit_peer].s;
	{
		int64_t t_out, t_in;

		if (call_pkt(f, p, &f->n[p->crit_peer], &t_out, &t_in))
			return call_parts_pkt(f, p, &f->n[p->crit_peer], t_out, t_in, out);
	}
	out[1].kind = CROSSLAT_PART_SEND;
	out[1].ns = runq;
	out[1].peer = callee->service;
	out[2].kind = CROSSLAT_PART_RUNQ;
	out[2].service = callee->service;
	if (pods_known(f, p, &f->n[p->crit_peer], &cp, &cep)) {
		pod_waits(f, p, &f->n[p->crit_peer], &out[2].ns, &out[1].ns, NULL, NULL);
		left = p->self_ns - out[2].ns - out[1].ns;
	} else if ((callee->present & CROSSLAT_SPAN_KERNEL) &&
		   callee->pre_runq_ns != UINT64_MAX) {
		out[2].ns = callee->pre_runq_ns < left ? callee->pre_runq_ns : left;
		left -= out[2].ns;
	}
	out[0].kind = CROSSLAT_PART_NET;
	out[0].ns = left;
	out[0].peer = callee->service;
	return 3;
}

/* ---- baseline --------------------------------------------------------------------------- */

static int sample_add(uint64_t **v, size_t *nr, size_t *cap, uint64_t x)
{
	uint64_t *n = crosslat_grow(*v, *nr, cap, sizeof(**v));

	if (!n)
		return -ENOMEM;
	*v = n;
	(*v)[(*nr)++] = x;
	return 0;
}


static struct crosslat_part_base *base_find(const struct crosslat_verdicts *v, uint8_t kind,
					    const char *service, const char *peer)
{
	size_t i;

	for (i = 0; i < v->nr_base; i++)
		if (part_is(&v->base[i], kind, service, peer))
			return &v->base[i];
	return NULL;
}

static int base_add(struct crosslat_verdicts *v, size_t *cap, const struct crosslat_part *pt)
{
	struct crosslat_part_base *b = base_find(v, pt->kind, pt->service, pt->peer);

	if (!b) {
		b = crosslat_grow(v->base, v->nr_base, cap, sizeof(*v->base));
		if (!b)
			return -ENOMEM;
		v->base = b;
		b = &v->base[v->nr_base++];
		memset(b, 0, sizeof(*b));
		b->kind = pt->kind;
		b->service = pt->service;
		b->peer = pt->peer;
	}
	return sample_add(&b->v, &b->nr, &b->cap, pt->ns);
}

/* Whether node i is the request root of its group: the earliest-starting parentless span. */
static bool is_request_root(const struct forest *f, size_t i, size_t lo)
{
	size_t j;

	if (f->n[i].parent != UINT32_MAX)
		return false;
	for (j = lo; j < f->nr && same_group(f, f->n[j].s, f->n[i].s); j++)
		if (j != i && f->n[j].parent == UINT32_MAX &&
		    (f->n[j].start < f->n[i].start ||
		     (f->n[j].start == f->n[i].start && j < i)))
			return false;
	return true;
}

static void req_add_part(struct crosslat_request *r, const struct crosslat_part *pt,
			 bool zero);

/*
 * Per request of the baseline: its latency, and each part summed over all its spans (not
 * only its critical path: a part off the path there may be on it in a judged request).
 */
/* Sorts each baseline key's samples and takes their median. */
static void base_medians(struct crosslat_verdicts *v)
{
	size_t i;

	for (i = 0; i < v->nr_base; i++) {
		struct crosslat_part_base *b = &v->base[i];

		crosslat_sort_u64(b->v, b->nr);
		b->median = crosslat_percentile(b->v, b->nr, 50);
	}
}

/* The RATE_* keys: per call of the baseline whose pods are known, the raw shares. */
static int baseline_rates(struct crosslat_verdicts *v, const struct forest *f, size_t *cap)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < f->nr && !rc; i++) {
		const struct node *p = &f->n[i];
		struct crosslat_part pt = { 0 };
		struct pod cp, cep;
		uint64_t r, w, raw_r, raw_w;

		if (!p->crit_other || !p->self_ns ||
		    !pods_known(f, p, &f->n[p->crit_peer], &cp, &cep))
			continue;
		pod_waits(f, p, &f->n[p->crit_peer], &r, &w, &raw_r, &raw_w);
		pt.service = p->s->service;
		pt.peer = f->n[p->crit_peer].s->service;
		pt.kind = RATE_RECV;
		pt.ns = (uint64_t)((double)raw_r * 1e6 / (double)p->self_ns);
		rc = base_add(v, cap, &pt);
		if (rc)
			break;
		pt.kind = RATE_SEND;
		pt.ns = (uint64_t)((double)raw_w * 1e6 / (double)p->self_ns);
		rc = base_add(v, cap, &pt);
	}
	base_medians(v);
	return rc;
}

static int baseline_build(struct crosslat_verdicts *v, struct forest *f)
{
	struct crosslat_request *r = malloc(sizeof(*r));
	uint64_t *lat = NULL;
	size_t i, j, nlat = 0, clat = 0, cap = 0, lo = 0;
	int rc = r ? 0 : -ENOMEM;

	if (!rc && f->sched) {
		rc = baseline_rates(v, f, &cap);
		f->rates = v;
	}
	for (i = 0; i < f->nr && !rc; i++) {
		uint32_t k;

		if (i && !same_group(f, f->n[i].s, f->n[i - 1].s))
			lo = i;
		if (!is_request_root(f, i, lo))
			continue;
		rc = sample_add(&lat, &nlat, &clat, (uint64_t)(f->n[i].end - f->n[i].start));
		memset(r, 0, sizeof(*r));
		for (j = lo; j < f->nr && same_group(f, f->n[j].s, f->n[i].s); j++) {
			struct crosslat_part pt[NODE_PARTS];
			unsigned int n = node_parts(f, (uint32_t)j, pt);

			for (k = 0; k < n; k++)
				req_add_part(r, &pt[k], true);
		}
		for (k = 0; k < r->nr_parts && !rc; k++)
			rc = base_add(v, &cap, &r->parts[k]);
	}
	free(r);
	if (rc) {
		free(lat);
		return rc;
	}
	base_medians(v);
	crosslat_sort_u64(lat, nlat);
	v->base_requests = nlat;
	v->base_p50_ns = crosslat_percentile(lat, nlat, 50);
	v->base_p90_ns = crosslat_percentile(lat, nlat, 90);
	v->base_p99_ns = crosslat_percentile(lat, nlat, 99);
	free(lat);
	return 0;
}

/* ---- requests --------------------------------------------------------------------------- */

/* Adds pt to r's parts (merged with one of the same kind, service and peer); zero: even 0. */
static void req_add_part(struct crosslat_request *r, const struct crosslat_part *pt, bool zero)
{
	uint32_t k;

	if (!pt->ns && !zero)
		return;
	for (k = 0; k < r->nr_parts; k++) {
		struct crosslat_part *q = &r->parts[k];

		if (q->kind == pt->kind && str_eq(q->service, pt->service) &&
		    str_eq(q->peer, pt->peer)) {
			q->ns += pt->ns;
			return;
		}
	}
	if (r->nr_parts == CROSSLAT_REQUEST_PARTS) {
		r->parts_dropped++;
		return;
	}
	r->parts[r->nr_parts++] = *pt;
}

static void request_judge(struct crosslat_verdicts *v, struct crosslat_request *r)
{
	uint64_t total = 0, best = 0;
	uint32_t k;
	int d, top = CROSSLAT_DOMAIN_NONE;

	r->domain = CROSSLAT_DOMAIN_NONE;
	r->culprit = -1;
	for (k = 0; k < r->nr_parts; k++) {
		struct crosslat_part *pt = &r->parts[k];
		const struct crosslat_part_base *b = base_find(v, pt->kind, pt->service, pt->peer);
		uint64_t ex;

		pt->has_base = b != NULL;
		pt->base_ns = b ? b->median : 0;
		ex = pt->ns > pt->base_ns ? pt->ns - pt->base_ns : 0;
		r->domain_ns[crosslat_part_domain(pt->kind)] += ex;
		total += ex;
	}
	if (!r->slow)
		return;
	for (d = 1; d < CROSSLAT_DOMAIN_NR; d++)
		if (r->domain_ns[d] > r->domain_ns[top])
			top = d;
	if (top == CROSSLAT_DOMAIN_NONE || 2 * r->domain_ns[top] < total ||
	    r->domain_ns[top] < v->floor_ns)
		return;
	r->domain = (uint8_t)top;
	for (k = 0; k < r->nr_parts; k++) {
		const struct crosslat_part *pt = &r->parts[k];
		uint64_t ex = pt->ns > pt->base_ns ? pt->ns - pt->base_ns : 0;

		if ((int)crosslat_part_domain(pt->kind) == top && ex > best) {
			best = ex;
			r->culprit = (int)k;
		}
	}
}

static int request_build(struct crosslat_verdicts *v, const struct forest *f, uint32_t root,
			 size_t lo, struct crosslat_request *r)
{
	uint32_t i = root;
	size_t j;

	memset(r, 0, sizeof(*r));
	r->root = f->n[root].s;
	r->start_ns = f->n[root].start;
	r->latency_ns = (uint64_t)(f->n[root].end - f->n[root].start);
	r->excess_ns = r->latency_ns > v->base_p50_ns ? r->latency_ns - v->base_p50_ns : 0;
	r->slow = r->latency_ns > v->threshold_ns;
	for (j = lo; j < f->nr && same_group(f, f->n[j].s, r->root); j++)
		r->spans++;
	/* down the critical path: each span's own time, then into its last critical child */
	while (i != UINT32_MAX) {
		struct crosslat_part pt[NODE_PARTS];
		unsigned int k, n = node_parts(f, i, pt);

		for (k = 0; k < n; k++)
			req_add_part(r, &pt[k], false);
		i = f->n[i].crit_child;
	}
	request_judge(v, r);
	return 0;
}

static int group_add(struct crosslat_verdicts *v, size_t *cap, const struct crosslat_request *r)
{
	const struct crosslat_part *c = r->culprit >= 0 ? &r->parts[r->culprit] : NULL;
	struct crosslat_verdict_group *g = NULL;
	size_t i;

	for (i = 0; i < v->nr_groups; i++) {
		g = &v->groups[i];
		if (g->domain == r->domain &&
		    (!c || (g->kind == c->kind && str_eq(g->service, c->service) &&
			    str_eq(g->peer, c->peer))))
			break;
		g = NULL;
	}
	if (!g) {
		g = crosslat_grow(v->groups, v->nr_groups, cap, sizeof(*v->groups));
		if (!g)
			return -ENOMEM;
		v->groups = g;
		g = &v->groups[v->nr_groups++];
		memset(g, 0, sizeof(*g));
		g->domain = r->domain;
		if (c) {
			g->kind = c->kind;
			g->service = c->service;
			g->peer = c->peer;
		}
	}
	g->requests++;
	g->latency_ns += r->latency_ns;
	if (c)
		g->excess_ns += c->ns > c->base_ns ? c->ns - c->base_ns : 0;
	return 0;
}

static int cmp_group(const void *x, const void *y)
{
	const struct crosslat_verdict_group *a = x, *b = y;

	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	return a->domain < b->domain ? -1 : a->domain > b->domain;
}

static int cmp_request(const void *x, const void *y)
{
	const struct crosslat_request *a = x, *b = y;

	return a->start_ns < b->start_ns ? -1 : a->start_ns > b->start_ns;
}

int crosslat_verdicts_build(struct crosslat_verdicts *v, const struct crosslat_spans *sp,
			    const struct crosslat_spans *base,
			    const struct crosslat_verdict_params *params)
{
	struct forest f = { 0 }, fb = { 0 };
	size_t i, lo = 0, cap = 0, gcap = 0;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = forest_build(&fb, base, params ? params->base_sched : NULL,
			  params ? params->base_hops : NULL, params && params->across_hosts);
	if (!rc)
		rc = baseline_build(v, &fb);
	forest_free(&fb);
	if (!rc)
		rc = forest_build(&f, sp, params ? params->sched : NULL,
				  params ? params->hops : NULL, params && params->across_hosts);
	f.rates = v;
	if (rc)
		goto fail;

	if (params && params->slow_ns) {
		v->threshold_ns = params->slow_ns;
	} else {
		v->threshold_ns = v->base_p50_ns + 2 * (v->base_p90_ns - v->base_p50_ns);
		if (v->threshold_ns < v->base_p50_ns * 3 / 2)
			v->threshold_ns = v->base_p50_ns * 3 / 2;
	}
	v->floor_ns = params && params->floor_ns ? params->floor_ns :
		      (v->threshold_ns > v->base_p50_ns ? (v->threshold_ns - v->base_p50_ns) / 4 : 0);
	if (!(params && params->floor_ns) && v->floor_ns < 1000000)
		v->floor_ns = 1000000;
	if (params && v->floor_ns < params->min_floor_ns)
		v->floor_ns = params->min_floor_ns;

	for (i = 0; i < f.nr; i++) {
		struct crosslat_request *req;

		if (i && !same_group(&f, f.n[i].s, f.n[i - 1].s))
			lo = i;
		if (f.n[i].parent != UINT32_MAX)
			continue;
		if (!is_request_root(&f, i, lo)) {
			v->orphans++;
			continue;
		}
		req = crosslat_grow(v->req, v->nr, &cap, sizeof(*v->req));
		if (!req) {
			rc = -ENOMEM;
			goto fail;
		}
		v->req = req;
		request_build(v, &f, (uint32_t)i, lo, &v->req[v->nr]);
		if (v->req[v->nr].slow) {
			v->nr_slow++;
			v->nr_named += v->req[v->nr].domain != CROSSLAT_DOMAIN_NONE;
			rc = group_add(v, &gcap, &v->req[v->nr]);
			if (rc)
				goto fail;
		}
		v->nr++;
	}
	if (v->nr_groups)
		qsort(v->groups, v->nr_groups, sizeof(*v->groups), cmp_group);
	for (i = 0; i < v->nr_groups; i++) {
		struct crosslat_verdict_group *g = &v->groups[i];

		g->culprit = g->domain != CROSSLAT_DOMAIN_NONE && g->requests >= 3 &&
			     g->requests * 50 >= v->nr;
		v->nr_culprits += g->culprit;
	}
	if (v->nr)
		qsort(v->req, v->nr, sizeof(*v->req), cmp_request);
	forest_free(&f);
	return 0;
fail:
	forest_free(&f);
	crosslat_verdicts_free(v);
	return rc;
}

void crosslat_verdicts_free(struct crosslat_verdicts *v)
{
	size_t i;

	for (i = 0; i < v->nr_base; i++)
		free(v->base[i].v);
	free(v->base);
	free(v->req);
	free(v->groups);
	memset(v, 0, sizeof(*v));
}
