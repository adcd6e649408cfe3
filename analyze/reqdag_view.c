// SPDX-License-Identifier: GPL-2.0-only
/* Request DAGs as text trees and JSON (see reqdag_view.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "format.h"
#include "record.h"
#include "reqdag.h"
#include "reqdag_view.h"

static size_t shown(const struct crosslat_reqdag_view *vw)
{
	size_t n = vw->d->nr_req;

	return vw->limit && vw->limit < n ? vw->limit : n;
}

static const char *host_of(const struct crosslat_reqdag_view *vw, uint32_t trace)
{
	return trace < vw->nr_traces ? vw->traces[trace].hostname : NULL;
}

/* Where state s's request came in: "LOCAL <- PEER", or "" for a fork. */
static const char *state_where(const struct crosslat_reqdag *d,
			       const struct crosslat_rq_state *s, char *buf, size_t len)
{
	const struct crosslat_rq_endpoint *e;
	char l[64], p[64];

	if (s->ep < 0) {
		buf[0] = '\0';
		return buf;
	}
	e = &d->ep[s->ep];
	snprintf(buf, len, "%s <- %s",
		 crosslat_fmt_endpoint(l, sizeof(l), e->t.family, e->t.laddr, e->t.lport),
		 crosslat_fmt_endpoint(p, sizeof(p), e->t.family, e->t.raddr, e->t.rport));
	return buf;
}

/*
 * The service a state works for: the address its request came in on (a server's
 * listening address and port), or its nearest ancestor's on the same process (a fork).
 */
static const char *state_service(const struct crosslat_reqdag *d, uint32_t si, char *buf,
				 size_t len)
{
	const struct crosslat_rq_state *s = &d->st[si];
	int32_t i = (int32_t)si;

	while (i >= 0 && d->st[i].ep < 0 && d->st[i].pid == s->pid)
		i = d->st[i].parent;
	if (i < 0 || d->st[i].ep < 0 || d->st[i].pid != s->pid) {
		snprintf(buf, len, "pid %d", s->pid);
		return buf;
	}
	return crosslat_fmt_endpoint(buf, len, d->ep[d->st[i].ep].t.family,
				     d->ep[d->st[i].ep].t.laddr, d->ep[d->st[i].ep].t.lport);
}

static void text_state(FILE *f, const struct crosslat_reqdag *d, uint32_t si, int depth,
		       int64_t t0)
{
	const struct crosslat_rq_state *s = &d->st[si];
	char where[160], b1[32], b2[32];
	uint32_t c;
	uint8_t i;

	fprintf(f, "  %*s%-6s %s%spid %d tid %d  +%s ms  %s ms%s", 2 * depth, "",
		crosslat_rq_kind_names[s->kind], state_where(d, s, where, sizeof(where)),
		s->ep >= 0 ? "  " : "", s->pid, s->tid,
		crosslat_fmt_ms(b1, sizeof(b1), (uint64_t)(s->start_ns - t0)),
		crosslat_fmt_ms(b2, sizeof(b2), (uint64_t)(s->end_ns - s->start_ns)),
		s->open ? " (open)" : "");
	for (i = 0; i < s->nr_ev; i++)
		fprintf(f, "%s%s %u", i ? ", " : "  [", d->names[s->ev[i].name], s->ev[i].n);
	if (s->other)
		fprintf(f, "%sother %u", s->nr_ev ? ", " : "  [", s->other);
	fputs(s->nr_ev || s->other ? "]\n" : "\n", f);
	for (c = s->next; c != UINT32_MAX; c = d->st[c].next)
		if (d->st[c].parent == (int32_t)si)
			text_state(f, d, c, depth + 1, t0);
}

int crosslat_reqdag_view_text(FILE *f, const struct crosslat_reqdag_view *vw)
{
	const struct crosslat_reqdag *d = vw->d;
	uint64_t kinds[CROSSLAT_RQ_KIND_NR] = { 0 };
	size_t i, n = shown(vw);
	char b[32];

	for (i = 0; i < n; i++) {
		const struct crosslat_rq_request *rq = &d->req[i];
		const char *host = host_of(vw, rq->trace);

		fprintf(f, "request %zu  %s%s%s ms  %u state%s\n", i + 1, host ? host : "",
			host ? "  " : "",
			crosslat_fmt_ms(b, sizeof(b), (uint64_t)(rq->end_ns - rq->start_ns)),
			rq->nr_states, rq->nr_states == 1 ? "" : "s");
		text_state(f, d, rq->first, 0, rq->start_ns);
	}
	for (i = 0; i < d->nr_st; i++)
		kinds[d->st[i].kind]++;
	fprintf(f, "%zu request%s (%zu shown), %zu states (entry %" PRIu64 ", call %" PRIu64
		", fork %" PRIu64 ", resume %" PRIu64 "); reads of traced writes %" PRIu64
		", of messages from outside %" PRIu64 "; %" PRIu64 " events bucketed\n",
		d->nr_req, d->nr_req == 1 ? "" : "s", n, d->nr_st, kinds[CROSSLAT_RQ_ENTRY],
		kinds[CROSSLAT_RQ_CALL], kinds[CROSSLAT_RQ_FORK], kinds[CROSSLAT_RQ_RESUME],
		d->from_traced, d->from_outside, d->bucketed);
	return 0;
}

/* A trace time as the traced host's CLOCK_MONOTONIC, or null when it is not known. */
static void json_mono(FILE *f, const struct crosslat_reqdag_view *vw, const char *key,
		      uint32_t trace, int64_t ts)
{
	if (trace < vw->nr_traces && vw->traces[trace].has_mono_offset)
		fprintf(f, ",\"%s\":%" PRId64, key, ts - vw->traces[trace].mono_offset_ns);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_state(FILE *f, const struct crosslat_reqdag_view *vw, uint32_t si)
{
	const struct crosslat_reqdag *d = vw->d;
	const struct crosslat_rq_state *s = &d->st[si];
	char b[64];
	uint8_t i;

	fprintf(f, "{\"state\":%u,\"parent\":%d,\"kind\":\"%s\",\"trace\":%u,\"tid\":%d"
		",\"pid\":%d,\"netns\":%u", si, s->parent, crosslat_rq_kind_names[s->kind],
		s->trace, s->tid, s->pid, s->netns);
	fputs(",\"service\":", f);
	crosslat_json_str(f, state_service(d, si, b, sizeof(b)));
	if (s->ep >= 0) {
		const struct crosslat_rq_endpoint *e = &d->ep[s->ep];

		fputs(",\"local\":", f);
		crosslat_json_str(f, crosslat_fmt_endpoint(b, sizeof(b), e->t.family, e->t.laddr,
							   e->t.lport));
		fputs(",\"peer\":", f);
		crosslat_json_str(f, crosslat_fmt_endpoint(b, sizeof(b), e->t.family, e->t.raddr,
							   e->t.rport));
	}
	fprintf(f, ",\"start_ns\":%" PRId64 ",\"end_ns\":%" PRId64, s->start_ns, s->end_ns);
	json_mono(f, vw, "mono_start_ns", s->trace, s->start_ns);
	json_mono(f, vw, "mono_end_ns", s->trace, s->end_ns);
	fprintf(f, ",\"open\":%s,\"returned_to\":%d,\"bytes_in\":%" PRIu64
		",\"bytes_out\":%" PRIu64 ",\"events\":{", s->open ? "true" : "false",
		s->returned_to, s->bytes_in, s->bytes_out);
	for (i = 0; i < s->nr_ev; i++) {
		fputs(i ? "," : "", f);
		crosslat_json_str(f, d->names[s->ev[i].name]);
		fprintf(f, ":%u", s->ev[i].n);
	}
	fprintf(f, "},\"other_events\":%u}", s->other);
}

void crosslat_reqdag_view_json(FILE *f, const struct crosslat_reqdag_view *vw)
{
	const struct crosslat_reqdag *d = vw->d;
	size_t i, n = shown(vw);
	uint32_t s;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		const struct crosslat_rq_request *rq = &d->req[i];
		const char *host = host_of(vw, rq->trace);

		fprintf(f, "%s{\"request\":%zu,\"trace\":%u,\"hostname\":", i ? "," : "", i + 1,
			rq->trace);
		if (host)
			crosslat_json_str(f, host);
		else
			fputs("null", f);
		fprintf(f, ",\"start_ns\":%" PRId64 ",\"end_ns\":%" PRId64 ",\"duration_ns\":%"
			PRId64, rq->start_ns, rq->end_ns, rq->end_ns - rq->start_ns);
		json_mono(f, vw, "mono_start_ns", rq->trace, rq->start_ns);
		fputs(",\"states\":[", f);
		for (s = rq->first; s != UINT32_MAX; s = d->st[s].next) {
			fputs(s == rq->first ? "" : ",", f);
			json_state(f, vw, s);
		}
		fputs("]}", f);
	}
	fputs("]\n", f);
}
