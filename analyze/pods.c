// SPDX-License-Identifier: GPL-2.0-only
/* The pods of services and the pod flows between them, from spans and mappings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "pods.h"
#include "spans.h"

enum { MAP_DIR_ENCAP = 1, MAP_DIR_DECAP = 2 };

static int by_spans_desc(const void *a, const void *b)
{
	const struct crosslat_pod *x = a, *y = b;

	if (x->spans != y->spans)
		return x->spans < y->spans ? 1 : -1;
	if (x->trace != y->trace)
		return x->trace < y->trace ? -1 : 1;
	return x->netns < y->netns ? -1 : x->netns > y->netns;
}

/* The pod's cgroup, process and address from the mappings naming it; a process preferred. */
static void pod_complete(struct crosslat_pod *p, const struct crosslat_maps *mt)
{
	size_t i;

	for (i = 0; mt && i < mt->nr; i++) {
		const struct crosslat_mapping *m = &mt->v[i];
		const struct crosslat_map_tuple *t = &m->key.inner;

		if (!(m->present & CROSSLAT_MAP_POD) || m->key.trace != p->trace ||
		    m->pod.netns_inum != p->netns)
			continue;
		if (m->key.dir == MAP_DIR_ENCAP || m->key.dir == MAP_DIR_DECAP) {
			p->family = t->family;
			memcpy(p->addr, m->key.dir == MAP_DIR_ENCAP ? t->saddr : t->daddr,
			       sizeof(p->addr));
		}
		if (!p->mapped || (!p->pid && m->pod.pid)) {
			p->cgroup_id = m->pod.cgroup_id;
			p->pid = m->pod.pid;
			memcpy(p->comm, m->pod.comm, sizeof(p->comm));
			p->mapped = true;
		}
		if (p->pid && p->family)
			break;
	}
}

void crosslat_pods_of(struct crosslat_pod_set *ps, const struct crosslat_spans *sp,
		      const struct crosslat_maps *mt, const char *service)
{
	struct crosslat_pod *all = NULL;
	size_t i, j, nr = 0, cap = 0;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; service && i < sp->nr; i++) {
		const struct crosslat_span *s = &sp->v[i];

		if (!(s->present & CROSSLAT_SPAN_KERNEL) || !s->netns ||
		    s->ktrace == CROSSLAT_SPAN_NO_TRACE || strcmp(s->service, service))
			continue;
		for (j = 0; j < nr; j++)
			if (all[j].trace == s->ktrace && all[j].netns == s->netns)
				break;
		if (j == nr) {
			if (nr == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct crosslat_pod *v = realloc(all, ncap * sizeof(*v));

				if (!v) {
					ps->more++;	/* out of memory: counted, not kept */
					continue;
				}
				all = v;
				cap = ncap;
			}
			memset(&all[nr], 0, sizeof(all[nr]));
			all[nr].trace = s->ktrace;
			all[nr++].netns = s->netns;
		}
		all[j].spans++;
	}
	if (nr)
		qsort(all, nr, sizeof(*all), by_spans_desc);
	for (i = 0; i < nr; i++) {
		if (ps->nr == CROSSLAT_PODS_MAX) {
			ps->more++;
			continue;
		}
		ps->pods[ps->nr] = all[i];
		pod_complete(&ps->pods[ps->nr++], mt);
	}
	free(all);
}

/* Whether mapping m has one of ps's pods at its end. */
static bool pod_in(const struct crosslat_mapping *m, const struct crosslat_pod_set *ps)
{
	uint32_t i;

	if (!(m->present & CROSSLAT_MAP_POD))
		return false;
	for (i = 0; i < ps->nr; i++)
		if (ps->pods[i].trace == m->key.trace && ps->pods[i].netns == m->pod.netns_inum)
			return true;
	return false;
}

static int cmp_inner(const void *a, const void *b)
{
	const struct crosslat_mapping *x = *(const struct crosslat_mapping *const *)a;
	const struct crosslat_mapping *y = *(const struct crosslat_mapping *const *)b;

	return memcmp(&x->key.inner, &y->key.inner, sizeof(x->key.inner));
}

void crosslat_pod_socks_init(struct crosslat_pod_socks *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void crosslat_pod_socks_uninit(struct crosslat_pod_socks *ps)
{
	free(ps->v);
	crosslat_index_free(&ps->idx);
	memset(ps, 0, sizeof(*ps));
}

static uint32_t sock_hash(const struct crosslat_rq_tuple *t)
{
	uint32_t h = crosslat_hash_bytes(CROSSLAT_HASH_INIT, &t->trace, sizeof(t->trace));

	h = crosslat_hash_bytes(h, &t->netns, sizeof(t->netns));
	h = crosslat_hash_bytes(h, t->laddr, sizeof(t->laddr));
	h = crosslat_hash_bytes(h, t->raddr, sizeof(t->raddr));
	h = crosslat_hash_bytes(h, &t->lport, sizeof(t->lport));
	return crosslat_hash_bytes(h, &t->rport, sizeof(t->rport));
}

static bool sock_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_rq_tuple *a = &((const struct crosslat_pod_socks *)ctx)->v[entry];
	const struct crosslat_rq_tuple *b = key;

	return a->trace == b->trace && a->netns == b->netns && a->family == b->family &&
	       a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->laddr, b->laddr, sizeof(a->laddr)) &&
	       !memcmp(a->raddr, b->raddr, sizeof(a->raddr));
}

int crosslat_pod_socks_add(struct crosslat_pod_socks *ps, const struct crosslat_record *r)
{
	struct crosslat_rq_tuple t, *v;
	uint32_t h;

	if (crosslat_reqdag_socket(r, &t))
		return 0;
	h = sock_hash(&t);
	if (crosslat_index_find(&ps->idx, h, sock_eq, &t, ps) >= 0)
		return 1;
	if (ps->nr >= UINT32_MAX)
		return 1;
	v = crosslat_grow(ps->v, ps->nr, &ps->cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ps->v = v;
	v[ps->nr] = t;
	if (crosslat_index_set(&ps->idx, h, sock_eq, &t, ps, (uint32_t)ps->nr))
		return -ENOMEM;
	ps->nr++;
	return 1;
}

/* Whether socks saw the socket of flow m (an encapsulation: the pod is its source). */
static bool flow_seen(const struct crosslat_pod_socks *socks, const struct crosslat_mapping *m)
{
	const struct crosslat_map_tuple *i = &m->key.inner;
	struct crosslat_rq_tuple t;

	memset(&t, 0, sizeof(t));
	t.trace = m->key.trace;
	t.netns = m->pod.netns_inum;
	t.family = i->family;
	memcpy(t.laddr, i->saddr, sizeof(t.laddr));
	memcpy(t.raddr, i->daddr, sizeof(t.raddr));
	t.lport = i->sport;
	t.rport = i->dport;
	return crosslat_index_find(&socks->idx, sock_hash(&t), sock_eq, &t, socks) >= 0;
}

/*
 * The pod flows of mt from caller's pods into callee's: every caller-side encapsulation whose
 * inner tuple the callee side decapsulated (in sorted by inner tuple), given to fn.
 */
static void for_each_pod_flow(const struct crosslat_maps *mt,
				  const struct crosslat_pod_set *caller,
				  const struct crosslat_mapping **in, size_t nin,
				  void (*fn)(const struct crosslat_mapping *out,
					     const struct crosslat_mapping *in, void *arg),
				  void *arg)
{
	size_t i;

	for (i = 0; i < mt->nr && nin; i++) {
		const struct crosslat_mapping *m = &mt->v[i], **hit;

		if (m->key.dir != MAP_DIR_ENCAP || !pod_in(m, caller))
			continue;
		hit = bsearch(&m, in, nin, sizeof(*in), cmp_inner);
		if (!hit)
			continue;
		/* the first of equal tuples: one flow per inner tuple and caller mapping */
		while (hit > in && !cmp_inner(hit - 1, &m))
			hit--;
		fn(m, *hit, arg);
	}
}

struct flows_ctx {
	struct crosslat_pod_flows *pf;
	const struct crosslat_pod_socks *socks;
	uint32_t seen;
};

static void count_seen(const struct crosslat_mapping *out, const struct crosslat_mapping *in,
		       void *arg)
{
	struct flows_ctx *c = arg;

	(void)in;
	c->seen += flow_seen(c->socks, out);
}

static void keep_flow(const struct crosslat_mapping *out, const struct crosslat_mapping *in,
		      void *arg)
{
	struct flows_ctx *c = arg;
	struct crosslat_pod_flows *pf = c->pf;
	struct crosslat_pod_flow *f;

	if (pf->checked && !flow_seen(c->socks, out)) {
		pf->unused++;
		return;
	}
	if (pf->nr == CROSSLAT_POD_FLOWS_MAX) {
		pf->more++;
		return;
	}
	f = &pf->v[pf->nr++];
	f->inner = out->key.inner;
	f->out = out;
	f->in = in;
}

void crosslat_pod_flows(struct crosslat_pod_flows *pf, const struct crosslat_maps *mt,
			const struct crosslat_pod_socks *socks,
			const struct crosslat_pod_set *caller,
			const struct crosslat_pod_set *callee)
{
	struct flows_ctx c = { .pf = pf, .socks = socks };
	const struct crosslat_mapping **in;
	size_t i, nin = 0;

	memset(pf, 0, sizeof(*pf));
	if (!mt || !mt->nr || !caller->nr || !callee->nr)
		return;
	/* the callee side's decapsulations, by inner tuple */
	in = malloc(mt->nr * sizeof(*in));
	if (!in)
		return;
	for (i = 0; i < mt->nr; i++)
		if (mt->v[i].key.dir == MAP_DIR_DECAP && pod_in(&mt->v[i], callee))
			in[nin++] = &mt->v[i];
	qsort(in, nin, sizeof(*in), cmp_inner);
	if (socks && socks->nr)
		for_each_pod_flow(mt, caller, in, nin, count_seen, &c);
	pf->checked = c.seen > 0;
	for_each_pod_flow(mt, caller, in, nin, keep_flow, &c);
	free(in);
}
