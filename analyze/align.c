// SPDX-License-Identifier: GPL-2.0-only
/* Clock alignment of hosts by TCP writes read on another host (see align.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "grow.h"
#include "record.h"
#include "stats.h"

const char *const crosslat_align_status_names[CROSSLAT_ALIGN_STATUS_NR] = {
	[CROSSLAT_ALIGN_REFERENCE] = "reference",
	[CROSSLAT_ALIGN_ALIGNED] = "aligned",
	[CROSSLAT_ALIGN_ONE_WAY] = "one-way",
	[CROSSLAT_ALIGN_INCONSISTENT] = "inconsistent",
	[CROSSLAT_ALIGN_UNALIGNED] = "unaligned",
};

/* Bytes of a connection as its writer names them: its tuple and their sequence number. */
struct seg_key {
	uint8_t family;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint32_t seq;
};

struct crosslat_align_send {
	struct seg_key key;
	uint32_t trace;
	int64_t ts;
};

struct crosslat_align_recv {
	struct seg_key key;	/* the writer's view */
	uint32_t trace;
	int64_t ts;
};

/* One write read on another host. */
struct sample {
	uint32_t wr_host, rd_host;
	int64_t wr_ts, rd_ts;
	uint16_t port;		/* the connection's lower port */
};

static bool same_host(const struct crosslat_trace_info *a, const struct crosslat_trace_info *b)
{
	return a->hostname && b->hostname && !strcmp(a->hostname, b->hostname);
}

void crosslat_align_init(struct crosslat_align *al)
{
	memset(al, 0, sizeof(*al));
	al->reference = -1;
}

/* Hosts from the traces' hostnames (known once the traces were read). */
static int hosts_init(struct crosslat_align *al, const struct crosslat_trace_info *traces,
		      size_t nr_traces)
{
	size_t i, j;

	al->host_of = calloc(nr_traces ? nr_traces : 1, sizeof(*al->host_of));
	al->host = calloc(nr_traces ? nr_traces : 1, sizeof(*al->host));
	if (!al->host_of || !al->host)
		return -ENOMEM;
	al->nr_traces = nr_traces;
	for (i = 0; i < nr_traces; i++) {
		for (j = 0; j < al->nr_hosts; j++)
			if (same_host(&traces[i], &traces[al->host[j].first_trace]))
				break;
		if (j == al->nr_hosts) {
			al->host[j].hostname = traces[i].hostname;
			al->host[j].first_trace = (uint32_t)i;
			al->host[j].status = CROSSLAT_ALIGN_UNALIGNED;
			al->host[j].via = -1;
			al->nr_hosts++;
		}
		al->host[j].traces++;
		al->host_of[i] = (uint32_t)j;
	}
	return 0;
}

void crosslat_align_uninit(struct crosslat_align *al)
{
	free(al->host_of);
	free(al->host);
	free(al->send);
	free(al->recv);
	free(al->link);
	crosslat_index_free(&al->send_idx);
	memset(al, 0, sizeof(*al));
}

static bool send_eq(uint32_t entry, const void *key, const void *ctx)
{
	return !memcmp(&((const struct crosslat_align *)ctx)->send[entry].key, key,
		       sizeof(struct seg_key));
}

static uint32_t key_hash(const struct seg_key *k)
{
	return crosslat_hash_bytes(CROSSLAT_HASH_INIT, k, sizeof(*k));
}

/* The writer's key of r's bytes; false when r lacks a field. */
static bool seg_key_of(const struct crosslat_record *r, bool read, struct seg_key *k)
{
	uint64_t family, lport, rport, seq, bytes;
	uint8_t l[16], a[16];
	size_t n1, n2;

	if (crosslat_record_u64(r, "family", &family) || crosslat_record_u64(r, "lport", &lport) ||
	    crosslat_record_u64(r, "rport", &rport) || crosslat_record_u64(r, "seq", &seq) ||
	    crosslat_record_u64(r, "bytes", &bytes) ||
	    crosslat_record_bytes(r, "laddr", l, 16, &n1) ||
	    crosslat_record_bytes(r, "raddr", a, 16, &n2) || n1 != 16 || n2 != 16 ||
	    family > 255 || lport > UINT16_MAX || rport > UINT16_MAX || seq > UINT32_MAX ||
	    !bytes)
		return false;
	memset(k, 0, sizeof(*k));	/* no padding left undefined: keys are compared whole */
	k->family = (uint8_t)family;
	k->seq = (uint32_t)seq;
	/* a read names the connection from the other end */
	memcpy(k->laddr, read ? a : l, 16);
	memcpy(k->raddr, read ? l : a, 16);
	k->lport = (uint16_t)(read ? rport : lport);
	k->rport = (uint16_t)(read ? lport : rport);
	return true;
}

int crosslat_align_add(struct crosslat_align *al, const struct crosslat_record *r)
{
	bool read;
	struct seg_key k;

	if (!strcmp(r->name, "crosslat_req_send"))
		read = false;
	else if (!strcmp(r->name, "crosslat_req_recv"))
		read = true;
	else
		return 0;
	if (!r->has_ts || !seg_key_of(r, read, &k)) {
		al->malformed++;
		return 1;
	}
	al->events++;
	if (read) {
		struct crosslat_align_recv *v;

		v = crosslat_grow(al->recv, al->nr_recv, &al->cap_recv, sizeof(*v));
		if (!v)
			return -ENOMEM;
		al->recv = v;
		v[al->nr_recv].key = k;
		v[al->nr_recv].trace = r->trace;
		v[al->nr_recv++].ts = r->ts_ns;
	} else {
		struct crosslat_align_send *v;

		v = crosslat_grow(al->send, al->nr_send, &al->cap_send, sizeof(*v));
		if (!v)
			return -ENOMEM;
		al->send = v;
		v[al->nr_send].key = k;
		v[al->nr_send].trace = r->trace;
		v[al->nr_send].ts = r->ts_ns;
		/* the newest write of those bytes wins (a retransmitted send has its own seq) */
		if (crosslat_index_set(&al->send_idx, key_hash(&k), send_eq, &k, al,
				       (uint32_t)al->nr_send))
			return -ENOMEM;
		al->nr_send++;
	}
	return 1;
}

/* ---- fitting ----------------------------------------------------------------------------- */

/*
 * The constraints between the reference clock (x: reference time - origin) and a host's
 * (d: host time - reference time): writes of the reference read by the host say
 * d > drift * x + offset (upper: offset below d - drift * x), writes of the host read by
 * the reference say the opposite (lower).
 */
struct fit_pt {
	double x, d;
};

struct fit {
	struct fit_pt *up, *lo;
	size_t nr_up, nr_lo, cap_up, cap_lo;
};

static double upper_at(const struct fit *f, double g)
{
	double u = INFINITY;
	size_t i;

	for (i = 0; i < f->nr_up; i++)
		u = fmin(u, f->up[i].d - g * f->up[i].x);
	return u;
}

static double lower_at(const struct fit *f, double g)
{
	double l = -INFINITY;
	size_t i;

	for (i = 0; i < f->nr_lo; i++)
		l = fmax(l, f->lo[i].d - g * f->lo[i].x);
	return l;
}

static int pt_cmp(const void *a, const void *b)
{
	const struct fit_pt *p = a, *q = b;

	return p->x < q->x ? -1 : p->x > q->x ? 1 : p->d < q->d ? -1 : p->d > q->d;
}

/* Whether o -> a -> b turns counter-clockwise (> 0), in the (x, d) plane. */
static double turn(const struct fit_pt *o, const struct fit_pt *a, const struct fit_pt *b)
{
	return (a->x - o->x) * (b->d - o->d) - (a->d - o->d) * (b->x - o->x);
}

/*
 * Keeps only v's points on its lower hull (lower true: min(d - g x) is always reached on
 * one of them) or upper hull (max(d - g x)): monotone chain over the points sorted by x.
 * Returns how many are left at the front of v.
 */
static size_t hull(struct fit_pt *v, size_t n, bool lower)
{
	size_t i, k = 0;

	qsort(v, n, sizeof(*v), pt_cmp);
	for (i = 0; i < n; i++) {
		while (k >= 2 && (lower ? turn(&v[k - 2], &v[k - 1], &v[i]) <= 0 :
					  turn(&v[k - 2], &v[k - 1], &v[i]) >= 0))
			k--;
		v[k++] = v[i];
	}
	return k;
}

/* The drift of largest margin (upper - lower is concave in it): ternary search. */
static void fit_solve(struct fit *f, double *drift, double *offset, double *bound)
{
	double a = -CROSSLAT_ALIGN_MAX_PPM * 1e-6, b = CROSSLAT_ALIGN_MAX_PPM * 1e-6, g, m;
	int i;

	/* the writes the reads constrain from above, and from below: their hulls */
	f->nr_up = hull(f->up, f->nr_up, true);
	f->nr_lo = hull(f->lo, f->nr_lo, false);
	for (i = 0; i < 100; i++) {
		double g1 = a + (b - a) / 3, g2 = b - (b - a) / 3;

		if (upper_at(f, g1) - lower_at(f, g1) < upper_at(f, g2) - lower_at(f, g2))
			a = g1;
		else
			b = g2;
	}
	g = (a + b) / 2;
	m = upper_at(f, g) - lower_at(f, g);
	*drift = g;
	*offset = lower_at(f, g) + m / 2;
	*bound = m / 2;
}

static int fit_add(struct fit_pt **v, size_t *nr, size_t *cap, double x, double d)
{
	struct fit_pt *n = crosslat_grow(*v, *nr, cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	*v = n;
	n[*nr].x = x;
	n[(*nr)++].d = d;
	return 0;
}

/*
 * Time t of aligned host h in the reference clock, as an offset from origin (differences
 * taken in integers first: trace times since the epoch do not fit a double's mantissa).
 */
static double to_ref(const struct crosslat_align_host *h, int64_t t, int64_t origin)
{
	if (h->status == CROSSLAT_ALIGN_REFERENCE)
		return (double)(t - origin);
	return ((double)(t - h->origin_ns) - h->offset_ns) / (1.0 + h->drift_ppm * 1e-6) +
	       (double)(h->origin_ns - origin);
}

static int64_t median_ns(uint64_t *v, size_t n)
{
	crosslat_sort_u64(v, n);
	return (int64_t)crosslat_percentile(v, n, 50);
}

/* The latency of sample p in the reference clock, x aligned through y. */
static double sample_lat(const struct crosslat_align *al, const struct sample *p, uint32_t x,
			 uint32_t y)
{
	const struct crosslat_align_host *hx = &al->host[x], *hy = &al->host[y];
	int64_t o = hx->origin_ns;

	if (p->wr_host == y)	/* y wrote, x read */
		return to_ref(hx, p->rd_ts, o) - to_ref(hy, p->wr_ts, o);
	return to_ref(hy, p->rd_ts, o) - to_ref(hx, p->wr_ts, o);
}

/* The links between x (just aligned) and y: latencies per direction and port. */
static int links_add(struct crosslat_align *al, const struct sample *s, size_t nr, uint32_t x,
		     uint32_t y)
{
	uint64_t *v = calloc(nr + 1, sizeof(*v));
	size_t i, j, n, first = al->nr_link;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		const struct sample *p = &s[i];
		struct crosslat_align_link *l;

		if (!((p->wr_host == x && p->rd_host == y) || (p->wr_host == y && p->rd_host == x)))
			continue;
		for (j = first; j < al->nr_link; j++)
			if (al->link[j].from == p->wr_host && al->link[j].port == p->port)
				break;
		if (j < al->nr_link)
			continue;	/* done with the first sample of its link */
		l = crosslat_grow(al->link, al->nr_link, &al->cap_link, sizeof(*l));
		if (!l) {
			free(v);
			return -ENOMEM;
		}
		al->link = l;
		l = &al->link[al->nr_link++];
		l->from = p->wr_host;
		l->to = p->rd_host;
		l->port = p->port;
		for (j = i, n = 0; j < nr; j++) {
			double lat;

			if (s[j].wr_host != l->from || s[j].rd_host != l->to || s[j].port != l->port)
				continue;
			lat = sample_lat(al, &s[j], x, y);
			v[n++] = lat > 0 ? (uint64_t)lat : 0;
		}
		crosslat_sort_u64(v, n);
		l->pairs = n;
		l->min_ns = (double)v[0];
		l->p50_ns = (double)crosslat_percentile(v, n, 50);
		l->p90_ns = (double)crosslat_percentile(v, n, 90);
	}
	free(v);
	return 0;
}

/*
 * Aligns host x through aligned host y with the samples between them: x's mapping to the
 * reference clock, its bound (y's added), its one-way latencies. 0 or -ENOMEM.
 */
static int align_via(struct crosslat_align *al, const struct sample *s, size_t nr, uint32_t x,
		     uint32_t y)
{
	struct crosslat_align_host *hx = &al->host[x];
	const struct crosslat_align_host *hy = &al->host[y];
	struct fit f = { 0 };
	uint64_t *lat_to = NULL, *lat_from = NULL;
	size_t i, nt = 0, nf = 0;
	double drift, offset, bound, span = 0;
	int64_t origin = 0;
	bool have_origin = false;
	int rc = -ENOMEM;

	lat_to = calloc(nr + 1, sizeof(*lat_to));
	lat_from = calloc(nr + 1, sizeof(*lat_from));
	if (!lat_to || !lat_from)
		goto out;
	for (i = 0; i < nr; i++) {
		bool to_x = s[i].wr_host == y && s[i].rd_host == x;
		double r, h;

		if (!to_x && !(s[i].wr_host == x && s[i].rd_host == y))
			continue;
		if (!have_origin) {
			/* the reference time of the first pair, near enough */
			origin = to_x ? s[i].wr_ts : s[i].rd_ts;
			have_origin = true;
		}
		r = to_ref(hy, to_x ? s[i].wr_ts : s[i].rd_ts, origin);
		h = (double)((to_x ? s[i].rd_ts : s[i].wr_ts) - origin);
		if (r > span)
			span = r;
		if (to_x ? fit_add(&f.up, &f.nr_up, &f.cap_up, r, h - r) :
			   fit_add(&f.lo, &f.nr_lo, &f.cap_lo, r, h - r))
			goto out;
	}
	hx->via = (int32_t)y;
	hx->pairs_to = f.nr_lo;		/* x's writes read by y */
	hx->pairs_from = f.nr_up;
	if (!f.nr_up || !f.nr_lo) {
		hx->status = f.nr_up || f.nr_lo ? CROSSLAT_ALIGN_ONE_WAY : CROSSLAT_ALIGN_UNALIGNED;
		rc = 0;
		goto out;
	}
	fit_solve(&f, &drift, &offset, &bound);
	hx->origin_ns = origin;
	hx->span_ns = span;
	hx->drift_ppm = drift * 1e6;
	hx->offset_ns = offset;
	hx->status = bound >= 0 ? CROSSLAT_ALIGN_ALIGNED : CROSSLAT_ALIGN_INCONSISTENT;
	hx->bound_ns = fabs(bound) + (hy->status == CROSSLAT_ALIGN_REFERENCE ? 0 : hy->bound_ns);
	/* one-way latencies in the reference clock (fit_solve kept only the hulls in f) */
	for (i = 0; i < nr; i++) {
		double l;

		if (!((s[i].wr_host == x && s[i].rd_host == y) ||
		      (s[i].wr_host == y && s[i].rd_host == x)))
			continue;
		l = sample_lat(al, &s[i], x, y);
		if (s[i].wr_host == y)
			lat_from[nf++] = l > 0 ? (uint64_t)l : 0;
		else
			lat_to[nt++] = l > 0 ? (uint64_t)l : 0;
	}
	hx->lat_from_ns = (double)median_ns(lat_from, nf);
	hx->lat_to_ns = (double)median_ns(lat_to, nt);
	rc = links_add(al, s, nr, x, y);
out:
	free(f.up);
	free(f.lo);
	free(lat_to);
	free(lat_from);
	return rc;
}

/* Samples between hosts a and b, both ways. */
static uint64_t pairs_between(const struct sample *s, size_t nr, uint32_t a, uint32_t b,
			      uint64_t *ab, uint64_t *ba)
{
	size_t i;

	*ab = *ba = 0;
	for (i = 0; i < nr; i++) {
		*ab += s[i].wr_host == a && s[i].rd_host == b;
		*ba += s[i].wr_host == b && s[i].rd_host == a;
	}
	return *ab < *ba ? *ab : *ba;
}

int crosslat_align_finish(struct crosslat_align *al, const struct crosslat_trace_info *traces,
			  size_t nr_traces)
{
	struct sample *s = NULL;
	uint64_t *per_host;
	size_t nr = 0, cap = 0, i;
	bool progress = true;
	int rc;

	rc = hosts_init(al, traces, nr_traces);
	if (rc)
		return rc;
	per_host = calloc(al->nr_hosts ? al->nr_hosts : 1, sizeof(*per_host));
	if (!per_host)
		return -ENOMEM;
	for (i = 0; i < al->nr_recv; i++) {
		const struct crosslat_align_recv *r = &al->recv[i];
		int64_t w = crosslat_index_find(&al->send_idx, key_hash(&r->key), send_eq, &r->key,
						al);
		uint32_t wh, rh;
		struct sample *n;

		if (w < 0 || al->send[w].trace >= nr_traces || r->trace >= nr_traces)
			continue;
		wh = al->host_of[al->send[w].trace];
		rh = al->host_of[r->trace];
		if (wh == rh)
			continue;
		n = crosslat_grow(s, nr, &cap, sizeof(*n));
		if (!n) {
			rc = -ENOMEM;
			goto out;
		}
		s = n;
		s[nr].wr_host = wh;
		s[nr].rd_host = rh;
		s[nr].wr_ts = al->send[w].ts;
		s[nr].rd_ts = r->ts;
		s[nr++].port = r->key.lport < r->key.rport ? r->key.lport : r->key.rport;
		per_host[wh]++;
		per_host[rh]++;
	}
	al->pairs = nr;
	if (al->nr_hosts == 1) {
		/* one host: nothing to align, its clock is the reference */
		al->reference = 0;
		al->host[0].status = CROSSLAT_ALIGN_REFERENCE;
	}
	if (!nr)
		goto out;
	al->reference = 0;
	for (i = 1; i < al->nr_hosts; i++)
		if (per_host[i] > per_host[al->reference])
			al->reference = (int32_t)i;
	al->host[al->reference].status = CROSSLAT_ALIGN_REFERENCE;
	/* grow the aligned set: each time the unaligned host best tied to an aligned one */
	while (progress) {
		uint64_t best = 0, ab, ba;
		uint32_t bx = 0, by = 0, x, y;

		progress = false;
		for (x = 0; x < al->nr_hosts; x++) {
			if (al->host[x].status != CROSSLAT_ALIGN_UNALIGNED &&
			    al->host[x].status != CROSSLAT_ALIGN_ONE_WAY)
				continue;
			for (y = 0; y < al->nr_hosts; y++) {
				uint8_t st = al->host[y].status;

				if (st != CROSSLAT_ALIGN_REFERENCE && st != CROSSLAT_ALIGN_ALIGNED)
					continue;
				if (pairs_between(s, nr, x, y, &ab, &ba) > best) {
					best = pairs_between(s, nr, x, y, &ab, &ba);
					bx = x;
					by = y;
				} else if (!best && (ab || ba) &&
					   al->host[x].status == CROSSLAT_ALIGN_UNALIGNED) {
					/* pairs one way only: say so, keep looking */
					rc = align_via(al, s, nr, x, y);
					if (rc)
						goto out;
				}
			}
		}
		if (best) {
			rc = align_via(al, s, nr, bx, by);
			if (rc)
				goto out;
			progress = al->host[bx].status == CROSSLAT_ALIGN_ALIGNED;
		}
	}
out:
	free(per_host);
	free(s);
	return rc;
}

void crosslat_align_constant(const struct crosslat_align_host *h, double *shift_ns,
			     double *bound_ns)
{
	double drift = h->drift_ppm * 1e-6;

	*shift_ns = h->offset_ns + drift * h->span_ns / 2;
	*bound_ns = h->bound_ns + fabs(drift) * h->span_ns / 2;
}

int64_t crosslat_align_to_ref(const struct crosslat_align *al, uint32_t trace, int64_t ts)
{
	const struct crosslat_align_host *h;

	if (trace >= al->nr_traces)
		return ts;
	h = &al->host[al->host_of[trace]];
	if (h->status != CROSSLAT_ALIGN_ALIGNED)
		return ts;
	return h->origin_ns + (int64_t)llround(((double)(ts - h->origin_ns) - h->offset_ns) /
					       (1.0 + h->drift_ppm * 1e-6));
}
