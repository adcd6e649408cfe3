// SPDX-License-Identifier: GPL-2.0-only
/* Text table, detail and JSON views of spans. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "kallsyms.h"
#include "record.h"
#include "span_view.h"
#include "spans.h"
#include "syscalls.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const status_names[] = { "unset", "ok", "error" };

const char *crosslat_span_view_host(const struct crosslat_span_view *vw,
				    const struct crosslat_span *s, char *buf, size_t len)
{
	const struct crosslat_spans *sp = vw->sp;
	uint32_t h = s->key.host;

	if (sp->traces && h < sp->nr_traces && sp->traces[h].hostname)
		snprintf(buf, len, "%s", sp->traces[h].hostname);
	else
		snprintf(buf, len, "#%" PRIu32, h);
	return buf;
}

static const char *status_name(uint8_t status, char *buf, size_t len)
{
	if (status < ARRAY_SIZE(status_names))
		return status_names[status];
	snprintf(buf, len, "%u", status);
	return buf;
}

/* "write(fd 7)", "clock_nanosleep(0)": the call with its first argument. */
static const char *call_text(const struct crosslat_span_syscall *c, char *buf, size_t len)
{
	char name[CROSSLAT_SYSCALL_NAME_MAX];

	if (crosslat_syscall_arg_is_fd(c->nr))
		snprintf(buf, len, "%s(fd %" PRId64 ")",
			 crosslat_syscall_name(c->nr, name, sizeof(name)), (int64_t)c->arg);
	else
		snprintf(buf, len, "%s(%" PRIu64 ")",
			 crosslat_syscall_name(c->nr, name, sizeof(name)), c->arg);
	return buf;
}

/* ---- table ------------------------------------------------------------------------------ */

static const struct crosslat_column columns[] = {
	{ "HOST", false }, { "SERVICE", false }, { "NAME", false }, { "TRACE_ID", false },
	{ "SPAN_ID", false }, { "DUR_MS", true }, { "THRESH_MS", true }, { "ONCPU_MS", true },
	{ "BLOCKED_MS", true }, { "RUNQ_MS", true }, { "PREEMPT_MS", true },
	{ "SYSCALLS", true }, { "TOP_BLOCKING", false },
};

#define COLS	ARRAY_SIZE(columns)

static void row(const struct crosslat_span_view *vw, const struct crosslat_span *s,
		char (*cell)[CROSSLAT_CELL_MAX])
{
	const struct crosslat_span_syscall *top = crosslat_span_top_blocking(s);
	bool k = s->present & CROSSLAT_SPAN_KERNEL;
	char name[CROSSLAT_SYSCALL_NAME_MAX], ms[32];
	unsigned int c = 0;

	if (vw->host)
		crosslat_span_view_host(vw, s, cell[c++], CROSSLAT_CELL_MAX);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s", s->service[0] ? s->service : "-");
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s", s->name[0] ? s->name : "-");
	crosslat_span_hex(cell[c++], s->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN);
	crosslat_span_hex(cell[c++], s->key.span_id, CROSSLAT_SPAN_ID_LEN);
	if (crosslat_span_duration(s))
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, crosslat_span_duration(s));
	else
		strcpy(cell[c++], "-");
	if (k) {
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, s->threshold_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, s->oncpu_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, s->blocked_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, s->runq_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, s->preempt_ns);
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, s->syscalls);
	} else {
		for (; c < COLS - 2 - !vw->host; c++)
			strcpy(cell[c], "-");
		if (s->present & CROSSLAT_SPAN_END)
			snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, s->end_syscalls);
		else
			strcpy(cell[c++], "-");
	}
	if (top)
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s %s",
			 crosslat_syscall_name(top->nr, name, sizeof(name)),
			 crosslat_fmt_ms(ms, sizeof(ms), top->offcpu_ns));
	else
		strcpy(cell[c++], "-");
}

int crosslat_span_view_table(FILE *f, const struct crosslat_span_view *vw,
			     const struct crosslat_span **v, size_t n)
{
	unsigned int skip = vw->host ? 0 : 1;
	char (*cells)[CROSSLAT_CELL_MAX];
	size_t i;

	cells = calloc(n ? n * COLS : 1, CROSSLAT_CELL_MAX);
	if (!cells)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		row(vw, v[i], cells + i * (COLS - skip));
	crosslat_table_print(f, columns + skip, COLS - skip, (const char *)cells, n);
	free(cells);
	return 0;
}

/* ---- detail ----------------------------------------------------------------------------- */

/* "85.797 ms (94.9%)": part of whole. */
static const char *part(char *buf, size_t len, uint64_t ns, uint64_t whole)
{
	char ms[32];

	if (whole)
		snprintf(buf, len, "%s ms (%.1f%%)", crosslat_fmt_ms(ms, sizeof(ms), ns),
			 100.0 * (double)ns / (double)whole);
	else
		snprintf(buf, len, "%s ms", crosslat_fmt_ms(ms, sizeof(ms), ns));
	return buf;
}

/* Milliseconds from the span's start, signed: "+50.612", "-0.004". */
static const char *offset_ms(char *buf, size_t len, int64_t ns)
{
	char ms[32];

	snprintf(buf, len, "%c%s", ns < 0 ? '-' : '+',
		 crosslat_fmt_ms(ms, sizeof(ms), ns < 0 ? -(uint64_t)ns : (uint64_t)ns));
	return buf;
}

static void detail_times(FILE *f, const struct crosslat_span *s,
			 const struct crosslat_span_time *t)
{
	uint64_t dur = crosslat_span_duration(s);
	char buf[64], ms[32];

	if (t->known) {
		crosslat_fmt_time(buf, sizeof(buf), t->start_ns, t->epoch, true);
		fprintf(f, "  start      %s%s\n", buf,
			t->epoch ? " UTC" : t->monotonic ? " (CLOCK_MONOTONIC)" : "");
	}
	fprintf(f, "  duration   %s ms", dur ? crosslat_fmt_ms(ms, sizeof(ms), dur) : "-");
	if (s->present & CROSSLAT_SPAN_KERNEL)
		fprintf(f, ", threshold %s ms", crosslat_fmt_ms(ms, sizeof(ms), s->threshold_ns));
	fprintf(f, "%s\n", crosslat_span_annotated(s) ? " (annotated)" : "");
}

static void detail_kernel(FILE *f, const struct crosslat_span *s)
{
	char buf[64], ms[32];

	fprintf(f, "  on-CPU     %s\n", part(buf, sizeof(buf), s->oncpu_ns, s->duration_ns));
	fprintf(f, "  blocked    %s in %" PRIu32 " block%s, %" PRIu32 " wakeup%s\n",
		part(buf, sizeof(buf), s->blocked_ns, s->duration_ns), s->blocks,
		s->blocks == 1 ? "" : "s", s->wakeups, s->wakeups == 1 ? "" : "s");
	fprintf(f, "  runqueue   %s, %s ms after %" PRIu32 " preemption%s\n",
		part(buf, sizeof(buf), s->runq_ns, s->duration_ns),
		crosslat_fmt_ms(ms, sizeof(ms), s->preempt_ns), s->preemptions,
		s->preemptions == 1 ? "" : "s");
	fprintf(f, "  syscalls   %" PRIu32 ", %s ms in calls; %" PRIu32 " listed, %" PRIu32
		" unrecorded", s->syscalls, crosslat_fmt_ms(ms, sizeof(ms), s->syscall_ns),
		s->syscalls_listed, s->syscalls_unrecorded);
	if (s->calls->nr_sc != s->syscalls_listed)
		fprintf(f, ", %" PRIu32 " in the trace", s->calls->nr_sc);
	if (s->calls_dropped)
		fprintf(f, ", %" PRIu32 " events past the limits", s->calls_dropped);
	fprintf(f, "\n");
}

static void detail_timeline(FILE *f, const struct crosslat_span *s,
			    const struct crosslat_span_time *t)
{
	const struct crosslat_span_syscall *sc = s->calls->sc;
	uint32_t order[CROSSLAT_SPAN_SYSCALLS_MAX], i, j, n = s->calls->nr_sc;
	char off[32], call[96], ret[32], dur[32], ms[32];

	/* Insertion sort by start: the kernel lists the longest calls, not in time order. */
	for (i = 0; i < n; i++) {
		for (j = i; j && sc[order[j - 1]].start_ns > sc[i].start_ns; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	fprintf(f, "  timeline (ms from the start; call, result, duration, off-CPU):\n");
	fprintf(f, "    %10s  span begins\n", "+0.000");
	for (i = 0; i < n; i++) {
		const struct crosslat_span_syscall *c = &sc[order[i]];

		snprintf(ret, sizeof(ret), "= %" PRId64, c->ret);
		crosslat_fmt_ms(dur, sizeof(dur), c->duration_ns);
		fprintf(f, "    %10s    %-28s %-10s %10s", offset_ms(off, sizeof(off),
			crosslat_span_mono_at(s, t, c->start_ns) - t->start_ns),
			call_text(c, call, sizeof(call)), ret, dur);
		if (c->offcpu_ns)
			fprintf(f, "  off-CPU %s", crosslat_fmt_ms(ms, sizeof(ms), c->offcpu_ns));
		fprintf(f, "\n");
	}
	fprintf(f, "    %10s  span ends\n",
		offset_ms(off, sizeof(off), t->end_ns - t->start_ns));
}

static void detail_stack(FILE *f, const struct crosslat_span_view *vw,
			 const struct crosslat_span *s, const struct crosslat_span_time *t,
			 const struct crosslat_span_stack *st)
{
	char name[CROSSLAT_SYSCALL_NAME_MAX], off[32], ms[32], sym[256];
	int64_t at = crosslat_span_mono_at(s, t, st->start_ns) - t->start_ns;
	uint32_t i, kept = st->depth < CROSSLAT_SPAN_STACK_DEPTH ? st->depth :
			   CROSSLAT_SPAN_STACK_DEPTH;

	fprintf(f, "  %s stack of the longest block (%s, %s ms off-CPU, at %s):\n",
		st->kernel ? "kernel" : "user",
		st->syscall_nr >= 0 ? crosslat_syscall_name(st->syscall_nr, name, sizeof(name)) :
				      "no system call",
		crosslat_fmt_ms(ms, sizeof(ms), st->blocked_ns),
		offset_ms(off, sizeof(off), at));
	for (i = 0; i < kept; i++) {
		const char *v = NULL;

		if (vw->ks && st->kernel)
			v = crosslat_kallsyms_fmt(vw->ks, st->ips[i], sym, sizeof(sym));
		fprintf(f, "    0x%016" PRIx64 "%s%s\n", st->ips[i], v ? "  " : "", v ? v : "");
	}
	if (st->depth > kept)
		fprintf(f, "    (%" PRIu32 " more)\n", st->depth - kept);
}

void crosslat_span_view_detail(FILE *f, const struct crosslat_span_view *vw,
			       const struct crosslat_span *s)
{
	static const uint8_t zero[CROSSLAT_SPAN_ID_LEN];
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1], buf[64];
	struct crosslat_span_time t;
	uint32_t i;

	crosslat_spans_time(vw->sp, s, &t);
	fprintf(f, "span %s", crosslat_span_hex(hex, s->key.span_id, CROSSLAT_SPAN_ID_LEN));
	fprintf(f, " of trace %s",
		crosslat_span_hex(hex, s->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN));
	if (memcmp(s->parent_span_id, zero, sizeof(zero)))
		fprintf(f, ", parent %s\n",
			crosslat_span_hex(hex, s->parent_span_id, CROSSLAT_SPAN_ID_LEN));
	else
		fprintf(f, ", a root span\n");
	fprintf(f, "  service    %s\n  name       %s\n", s->service[0] ? s->service : "-",
		s->name[0] ? s->name : "-");
	fprintf(f, "  host       %s", crosslat_span_view_host(vw, s, buf, sizeof(buf)));
	if (s->present & CROSSLAT_SPAN_PID)
		fprintf(f, ", pid %" PRId64, s->pid);
	if (s->present & CROSSLAT_SPAN_TID)
		fprintf(f, ", tid %" PRId64, s->tid);
	fprintf(f, "\n  status     %s\n", status_name(s->status, buf, sizeof(buf)));
	fprintf(f, "  events    %s%s%s\n", s->present & CROSSLAT_SPAN_KERNEL ? " annotate" : "",
		s->present & CROSSLAT_SPAN_BEGIN ? " span_begin" : "",
		s->present & CROSSLAT_SPAN_END ? " span_end" : "");
	detail_times(f, s, &t);
	if (!(s->present & CROSSLAT_SPAN_KERNEL)) {
		if (s->present & CROSSLAT_SPAN_END)
			fprintf(f, "  syscalls   %" PRIu32 "\n", s->end_syscalls);
		return;
	}
	detail_kernel(f, s);
	detail_timeline(f, s, &t);
	for (i = 0; i < s->calls->nr_st; i++)
		detail_stack(f, vw, s, &t, &s->calls->st[i]);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_u64(FILE *f, const char *key, bool has, uint64_t v)
{
	if (has)
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_s64(FILE *f, const char *key, bool has, int64_t v)
{
	if (has)
		fprintf(f, ",\"%s\":%" PRId64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s)
		crosslat_json_str(f, s);
	else
		fputs("null", f);
}

static void json_call(FILE *f, const struct crosslat_span *s,
		      const struct crosslat_span_time *t, const struct crosslat_span_syscall *c)
{
	char name[CROSSLAT_SYSCALL_NAME_MAX];
	int64_t at = crosslat_span_mono_at(s, t, c->start_ns);

	fprintf(f, "{\"nr\":%" PRIu32, c->nr);
	json_str(f, "name", crosslat_syscall_name(c->nr, name, sizeof(name)));
	fprintf(f, ",\"start_ns\":%" PRId64 ",\"offset_ns\":%" PRId64, at, at - t->start_ns);
	fprintf(f, ",\"mono_ns\":%" PRIu64 ",\"duration_ns\":%" PRIu64 ",\"offcpu_ns\":%" PRIu64,
		c->start_ns, c->duration_ns, c->offcpu_ns);
	fprintf(f, ",\"arg\":%" PRIu64, c->arg);
	json_s64(f, "fd", crosslat_syscall_arg_is_fd(c->nr), (int64_t)c->arg);
	fprintf(f, ",\"ret\":%" PRId64 "}", c->ret);
}

static void json_stack(FILE *f, const struct crosslat_span_view *vw,
		       const struct crosslat_span *s, const struct crosslat_span_time *t,
		       const struct crosslat_span_stack *st)
{
	char name[CROSSLAT_SYSCALL_NAME_MAX], sym[256];
	int64_t at = crosslat_span_mono_at(s, t, st->start_ns);
	uint32_t i, kept = st->depth < CROSSLAT_SPAN_STACK_DEPTH ? st->depth :
			   CROSSLAT_SPAN_STACK_DEPTH;

	fprintf(f, "{\"kernel\":%s", st->kernel ? "true" : "false");
	fprintf(f, ",\"syscall_nr\":%" PRId32, st->syscall_nr);
	json_str(f, "syscall", st->syscall_nr >= 0 ?
		 crosslat_syscall_name(st->syscall_nr, name, sizeof(name)) : NULL);
	fprintf(f, ",\"start_ns\":%" PRId64 ",\"offset_ns\":%" PRId64, at, at - t->start_ns);
	fprintf(f, ",\"blocked_ns\":%" PRIu64 ",\"depth\":%" PRIu32 ",\"ips\":[", st->blocked_ns,
		st->depth);
	for (i = 0; i < kept; i++)
		fprintf(f, "%s\"0x%" PRIx64 "\"", i ? "," : "", st->ips[i]);
	fputs("]", f);
	if (vw->ks && st->kernel) {
		fputs(",\"symbols\":[", f);
		for (i = 0; i < kept; i++) {
			fputs(i ? "," : "", f);
			if (crosslat_kallsyms_fmt(vw->ks, st->ips[i], sym, sizeof(sym)))
				crosslat_json_str(f, sym);
			else
				fputs("null", f);
		}
		fputs("]", f);
	}
	fputs("}", f);
}

void crosslat_span_view_json(FILE *f, const struct crosslat_span_view *vw,
			     const struct crosslat_span *s)
{
	static const uint8_t zero[CROSSLAT_SPAN_ID_LEN];
	const struct crosslat_span_syscall *top = crosslat_span_top_blocking(s);
	const struct crosslat_spans *sp = vw->sp;
	bool k = s->present & CROSSLAT_SPAN_KERNEL, end = s->present & CROSSLAT_SPAN_END;
	bool root = !memcmp(s->parent_span_id, zero, sizeof(zero));
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1], buf[64];
	uint32_t tr = k ? s->ktrace : (s->present & CROSSLAT_SPAN_BEGIN) ? s->btrace : s->etrace;
	struct crosslat_span_time t;
	uint32_t i;

	crosslat_spans_time(sp, s, &t);
	fprintf(f, "{\"trace_id\":\"%s\"",
		crosslat_span_hex(hex, s->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN));
	fprintf(f, ",\"span_id\":\"%s\"",
		crosslat_span_hex(hex, s->key.span_id, CROSSLAT_SPAN_ID_LEN));
	json_str(f, "parent_span_id", root ? NULL :
		 crosslat_span_hex(hex, s->parent_span_id, CROSSLAT_SPAN_ID_LEN));
	json_str(f, "trace", sp->traces && tr < sp->nr_traces ? sp->traces[tr].path : NULL);
	json_str(f, "hostname", sp->traces && tr < sp->nr_traces ? sp->traces[tr].hostname :
		 NULL);
	json_str(f, "service", s->service);
	json_str(f, "name", s->name);
	json_s64(f, "pid", s->present & CROSSLAT_SPAN_PID, s->pid);
	json_s64(f, "tid", s->present & CROSSLAT_SPAN_TID, s->tid);
	json_str(f, "status", status_name(s->status, buf, sizeof(buf)));
	fprintf(f, ",\"annotated\":%s,\"kernel\":%s,\"span_begin\":%s,\"span_end\":%s",
		crosslat_span_annotated(s) ? "true" : "false", k ? "true" : "false",
		s->present & CROSSLAT_SPAN_BEGIN ? "true" : "false", end ? "true" : "false");
	json_s64(f, "start_ns", t.known, t.start_ns);
	json_s64(f, "end_ns", t.known, t.end_ns);
	json_str(f, "clock", !t.known ? NULL : t.epoch ? "unix" :
		 t.monotonic ? "monotonic" : "trace");
	json_u64(f, "duration_ns", true, crosslat_span_duration(s));
	json_u64(f, "mono_start_ns", k, s->start_ns);
	json_u64(f, "threshold_ns", k, s->threshold_ns);
	json_u64(f, "oncpu_ns", k, s->oncpu_ns);
	json_u64(f, "blocked_ns", k, s->blocked_ns);
	json_u64(f, "runq_ns", k, s->runq_ns);
	json_u64(f, "preempt_ns", k, s->preempt_ns);
	json_u64(f, "blocks", k, s->blocks);
	json_u64(f, "preemptions", k, s->preemptions);
	json_u64(f, "wakeups", k, s->wakeups);
	json_u64(f, "syscalls", k || end, k ? s->syscalls : s->end_syscalls);
	json_u64(f, "syscall_ns", k, s->syscall_ns);
	json_u64(f, "syscalls_listed", k, s->syscalls_listed);
	json_u64(f, "syscalls_unrecorded", k, s->syscalls_unrecorded);
	json_s64(f, "begin_kernel", s->present & CROSSLAT_SPAN_BEGIN, s->begin_kernel);
	json_s64(f, "end_kernel", end, s->end_kernel);
	fprintf(f, ",\"dropped\":%" PRIu32, s->calls_dropped);
	if (top) {
		fprintf(f, ",\"top_blocking\":");
		json_call(f, s, &t, top);
	} else {
		fprintf(f, ",\"top_blocking\":null");
	}
	fprintf(f, ",\"calls\":[");
	for (i = 0; k && i < s->calls->nr_sc; i++) {
		fputs(i ? "," : "", f);
		json_call(f, s, &t, &s->calls->sc[i]);
	}
	fprintf(f, "],\"stacks\":[");
	for (i = 0; k && i < s->calls->nr_st; i++) {
		fputs(i ? "," : "", f);
		json_stack(f, vw, s, &t, &s->calls->st[i]);
	}
	fprintf(f, "]}");
}
