// SPDX-License-Identifier: GPL-2.0-only
/* OTLP/JSON encoding of the span table, one ExportTraceServiceRequest per line. */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "kallsyms.h"
#include "otlp.h"
#include "record.h"
#include "spans.h"
#include "syscalls.h"

int crosslat_otlp_kind(const char *name)
{
	const char *p = name;

	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p > name && p[0] == ' ' && (p[1] == '/' || p[1] == '*'))
		return CROSSLAT_OTLP_KIND_SERVER;
	return CROSSLAT_OTLP_KIND_INTERNAL;
}

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void crosslat_otlp_child_id(const uint8_t *trace_id, const uint8_t *span_id, uint32_t index,
			    uint8_t *out)
{
	uint64_t x = mix64(be64(trace_id) ^ mix64(be64(trace_id + 8)));
	int i;

	x = mix64(x ^ be64(span_id));
	x = mix64(x + 0x9e3779b97f4a7c15ull * ((uint64_t)index + 1));
	if (!x)
		x = 1;
	for (i = 7; i >= 0; i--, x >>= 8)
		out[i] = x & 0xff;
}

/* ---- JSON pieces ------------------------------------------------------------------------ */

/* An attribute list being written: puts the commas. */
struct attrs {
	FILE *f;
	bool any;
};

static void attr_key(struct attrs *a, const char *key)
{
	fprintf(a->f, "%s{\"key\":\"%s\",\"value\":", a->any ? "," : "", key);
	a->any = true;
}

static void attr_int(struct attrs *a, const char *key, int64_t v)
{
	attr_key(a, key);
	fprintf(a->f, "{\"intValue\":\"%" PRId64 "\"}}", v);
}

static void attr_uint(struct attrs *a, const char *key, uint64_t v)
{
	attr_int(a, key, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static void attr_bool(struct attrs *a, const char *key, bool v)
{
	attr_key(a, key);
	fprintf(a->f, "{\"boolValue\":%s}}", v ? "true" : "false");
}

static void attr_str(struct attrs *a, const char *key, const char *v)
{
	attr_key(a, key);
	fputs("{\"stringValue\":", a->f);
	crosslat_json_str(a->f, v);
	fputs("}}", a->f);
}

/* A time as OTLP's fixed64 nanoseconds (a string); before the origin: 0. */
static void json_time(FILE *f, const char *key, int64_t ns)
{
	fprintf(f, ",\"%s\":\"%" PRIu64 "\"", key, ns < 0 ? 0 : (uint64_t)ns);
}

/* Opens a span: its ids (no parentSpanId when parent is all zero), name and kind. */
static void span_head(FILE *f, const uint8_t *trace_id, const uint8_t *span_id,
		      const uint8_t *parent, const char *name, int kind)
{
	static const uint8_t zero[CROSSLAT_SPAN_ID_LEN];
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1];

	fprintf(f, "{\"traceId\":\"%s\"",
		crosslat_span_hex(hex, trace_id, CROSSLAT_SPAN_TRACE_ID_LEN));
	fprintf(f, ",\"spanId\":\"%s\"", crosslat_span_hex(hex, span_id, CROSSLAT_SPAN_ID_LEN));
	if (memcmp(parent, zero, sizeof(zero)))
		fprintf(f, ",\"parentSpanId\":\"%s\"",
			crosslat_span_hex(hex, parent, CROSSLAT_SPAN_ID_LEN));
	fputs(",\"name\":", f);
	crosslat_json_str(f, name);
	fprintf(f, ",\"kind\":%d", kind);
}

/* ---- spans ------------------------------------------------------------------------------ */

static const struct crosslat_trace_info *span_trace(const struct crosslat_spans *sp,
						    const struct crosslat_span *s)
{
	uint32_t t = s->ktrace != CROSSLAT_SPAN_NO_TRACE ? s->ktrace :
		     s->btrace != CROSSLAT_SPAN_NO_TRACE ? s->btrace : s->etrace;

	return sp->traces && t < sp->nr_traces ? &sp->traces[t] : NULL;
}

static const char *span_host(const struct crosslat_spans *sp, const struct crosslat_span *s)
{
	const struct crosslat_trace_info *t = span_trace(sp, s);

	return t && t->hostname ? t->hostname : "";
}

/* OTel's name for a service that did not say (the SDKs' default). */
static const char *span_service(const struct crosslat_span *s)
{
	return s->service[0] ? s->service : "unknown_service";
}

static void clock_attr(struct attrs *a, const struct crosslat_span_time *t)
{
	if (!t->epoch)
		attr_str(a, "crosslat.clock", t->monotonic ? "monotonic" : "trace");
}

static void write_stack(FILE *f, const struct crosslat_span *s,
			const struct crosslat_span_time *t, const struct crosslat_span_stack *st,
			const struct crosslat_kallsyms *ks)
{
	char ips[CROSSLAT_SPAN_STACK_DEPTH * 19 + 1], name[CROSSLAT_SYSCALL_NAME_MAX];
	struct attrs a = { f, false };
	size_t n = 0;
	uint32_t i, kept = st->depth < CROSSLAT_SPAN_STACK_DEPTH ? st->depth :
			   CROSSLAT_SPAN_STACK_DEPTH;

	ips[0] = '\0';
	for (i = 0; i < kept; i++)
		n += snprintf(ips + n, sizeof(ips) - n, "%s0x%" PRIx64, i ? " " : "", st->ips[i]);
	fprintf(f, "{\"name\":\"crosslat.stack.%s\"", st->kernel ? "kernel" : "user");
	json_time(f, "timeUnixNano", crosslat_span_mono_at(s, t, st->start_ns));
	fputs(",\"attributes\":[", f);
	attr_str(&a, "crosslat.stack.ips", ips);
	attr_uint(&a, "crosslat.stack.depth", st->depth);
	attr_uint(&a, "crosslat.stack.blocked_ns", st->blocked_ns);
	if (st->syscall_nr >= 0)
		attr_str(&a, "crosslat.stack.syscall",
			 crosslat_syscall_name(st->syscall_nr, name, sizeof(name)));
	if (ks && st->kernel) {
		char syms[CROSSLAT_SPAN_STACK_DEPTH * 80] = "", sym[256];

		for (i = 0, n = 0; i < kept && n < sizeof(syms); i++) {
			const char *v = crosslat_kallsyms_fmt(ks, st->ips[i], sym, sizeof(sym));

			n += snprintf(syms + n, sizeof(syms) - n, "%s%s", i ? "\n" : "",
				      v ? v : "?");
		}
		attr_str(&a, "crosslat.stack.symbols", syms);
	}
	fputs("]}", f);
}

static void write_span(FILE *f, const struct crosslat_span *s, const struct crosslat_span_time *t,
		       const struct crosslat_kallsyms *ks)
{
	bool kernel = s->present & CROSSLAT_SPAN_KERNEL;
	struct attrs a = { f, false };
	uint32_t i;

	span_head(f, s->key.trace_id, s->key.span_id, s->parent_span_id, s->name,
		  crosslat_otlp_kind(s->name));
	json_time(f, "startTimeUnixNano", t->start_ns);
	json_time(f, "endTimeUnixNano", t->end_ns);
	fputs(",\"attributes\":[", f);
	if (s->present & CROSSLAT_SPAN_TID)
		attr_int(&a, "thread.id", s->tid);
	if (s->present & CROSSLAT_SPAN_PID)
		attr_int(&a, "process.pid", s->pid);
	attr_bool(&a, "crosslat.annotated", crosslat_span_annotated(s));
	if (kernel) {
		attr_uint(&a, "crosslat.threshold_ns", s->threshold_ns);
		attr_uint(&a, "crosslat.oncpu_ns", s->oncpu_ns);
		attr_uint(&a, "crosslat.blocked_ns", s->blocked_ns);
		attr_uint(&a, "crosslat.runq_ns", s->runq_ns);
		attr_uint(&a, "crosslat.preempt_ns", s->preempt_ns);
		attr_uint(&a, "crosslat.blocks", s->blocks);
		attr_uint(&a, "crosslat.preemptions", s->preemptions);
		attr_uint(&a, "crosslat.wakeups", s->wakeups);
		attr_uint(&a, "crosslat.syscalls", s->syscalls);
		attr_uint(&a, "crosslat.syscall_ns", s->syscall_ns);
		attr_uint(&a, "crosslat.syscalls_unrecorded", s->syscalls_unrecorded);
	} else if (s->present & CROSSLAT_SPAN_END) {
		attr_uint(&a, "crosslat.syscalls", s->end_syscalls);
	}
	if (s->present & CROSSLAT_SPAN_BEGIN)
		attr_int(&a, "crosslat.kernel.begin", s->begin_kernel);
	if (s->present & CROSSLAT_SPAN_END)
		attr_int(&a, "crosslat.kernel.end", s->end_kernel);
	clock_attr(&a, t);
	fputs("]", f);
	if (kernel && s->calls->nr_st) {
		fputs(",\"events\":[", f);
		for (i = 0; i < s->calls->nr_st; i++) {
			if (i)
				fputs(",", f);
			write_stack(f, s, t, &s->calls->st[i], ks);
		}
		fputs("]", f);
	}
	fprintf(f, ",\"status\":{\"code\":%u}}", s->status <= 2 ? s->status : 0);
}

static void write_syscall(FILE *f, const struct crosslat_span *s,
			  const struct crosslat_span_time *t, uint32_t index)
{
	const struct crosslat_span_syscall *c = &s->calls->sc[index];
	char name[CROSSLAT_SYSCALL_NAME_MAX];
	struct attrs a = { f, false };
	uint8_t id[CROSSLAT_SPAN_ID_LEN];
	int64_t start = crosslat_span_mono_at(s, t, c->start_ns);

	crosslat_otlp_child_id(s->key.trace_id, s->key.span_id, index, id);
	span_head(f, s->key.trace_id, id, s->key.span_id,
		  crosslat_syscall_name(c->nr, name, sizeof(name)), CROSSLAT_OTLP_KIND_INTERNAL);
	json_time(f, "startTimeUnixNano", start);
	json_time(f, "endTimeUnixNano", start + (int64_t)c->duration_ns);
	fputs(",\"attributes\":[", f);
	if (s->present & CROSSLAT_SPAN_TID)
		attr_int(&a, "thread.id", s->tid);
	attr_uint(&a, "crosslat.syscall.nr", c->nr);
	if (crosslat_syscall_arg_is_fd(c->nr))
		attr_int(&a, "crosslat.syscall.fd", (int64_t)c->arg);
	else
		attr_uint(&a, "crosslat.syscall.arg0", c->arg);
	attr_int(&a, "crosslat.syscall.ret", c->ret);
	attr_uint(&a, "crosslat.offcpu_ns", c->offcpu_ns);
	clock_attr(&a, t);
	fputs("],\"status\":{\"code\":0}}", f);
}

/* ---- requests --------------------------------------------------------------------------- */

struct batch_item {
	const struct crosslat_span *s;
	const char *host, *service;
	struct crosslat_span_time t;
};

static int cmp_resource(const void *a, const void *b)
{
	const struct batch_item *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (!c)
		c = strcmp(x->service, y->service);
	if (!c)
		c = x->s < y->s ? -1 : x->s > y->s;
	return c;
}

static bool same_resource(const struct batch_item *x, const struct batch_item *y)
{
	return !strcmp(x->host, y->host) && !strcmp(x->service, y->service);
}

/* One line: the n spans of v, grouped by resource. */
static void write_request(FILE *f, struct batch_item *v, size_t n,
			  const struct crosslat_kallsyms *ks, struct crosslat_otlp_stats *st)
{
	size_t i;
	uint32_t j;

	qsort(v, n, sizeof(*v), cmp_resource);
	fputs("{\"resourceSpans\":[", f);
	for (i = 0; i < n; i++) {
		const struct crosslat_span *s = v[i].s;
		bool first = !i || !same_resource(&v[i - 1], &v[i]);

		if (first) {
			struct attrs a = { f, false };

			fputs(i ? "]}]}," : "", f);
			fputs("{\"resource\":{\"attributes\":[", f);
			attr_str(&a, "service.name", v[i].service);
			if (v[i].host[0])
				attr_str(&a, "host.name", v[i].host);
			fputs("]},\"scopeSpans\":[{\"scope\":{\"name\":\"crosslat\"},", f);
			fputs("\"spans\":[", f);
		} else {
			fputs(",", f);
		}
		write_span(f, s, &v[i].t, ks);
		st->spans++;
		if (!(s->present & CROSSLAT_SPAN_KERNEL))
			continue;
		for (j = 0; j < s->calls->nr_sc; j++) {
			fputs(",", f);
			write_syscall(f, s, &v[i].t, j);
		}
		st->syscalls += s->calls->nr_sc;
		st->stacks += s->calls->nr_st;
	}
	fputs(n ? "]}]}]}\n" : "]}\n", f);
	st->lines++;
}

int crosslat_otlp_write(FILE *f, const struct crosslat_spans *sp,
			const struct crosslat_kallsyms *ks, struct crosslat_otlp_stats *st)
{
	struct batch_item *v = malloc(CROSSLAT_OTLP_BATCH * sizeof(*v));
	size_t i, n = 0;

	memset(st, 0, sizeof(*st));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < sp->nr; i++) {
		const struct crosslat_span *s = &sp->v[i];
		struct batch_item *it = &v[n];

		crosslat_spans_time(sp, s, &it->t);
		if (!it->t.known) {
			st->untimed++;
			continue;
		}
		if (!it->t.epoch)
			st->not_epoch++;
		it->s = s;
		it->host = span_host(sp, s);
		it->service = span_service(s);
		if (++n == CROSSLAT_OTLP_BATCH) {
			write_request(f, v, n, ks, st);
			n = 0;
		}
	}
	if (n)
		write_request(f, v, n, ks, st);
	free(v);
	return ferror(f) ? -EIO : 0;
}
