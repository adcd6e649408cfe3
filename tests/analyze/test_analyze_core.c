// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of crosslat-analyze's portable core (no babeltrace): flows, maps, spans and
 * their OTLP export, summary, index, trace discovery and formatting, fed with synthetic
 * records. TAP on stdout.
 */

#define _GNU_SOURCE	/* open_memstream, mkdtemp */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "prng.h"

#include "flows.h"
#include "format.h"
#include "index.h"
#include "kallsyms.h"
#include "maps.h"
#include "otlp.h"
#include "pods.h"
#include "record.h"
#include "align.h"
#include "report.h"
#include "reqdag.h"
#include "reqdag_view.h"
#include "span_view.h"
#include "spans.h"
#include "summary.h"
#include "svg.h"
#include "syscalls.h"
#include "hops.h"
#include "layers.h"
#include "sched.h"
#include "trace_find.h"
#include "verdicts.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- synthetic records ------------------------------------------------------------------ */

enum fake_type { F_U64, F_S64, F_STR, F_BYTES, F_U64S };

struct fake_field {
	const char *name;
	enum fake_type type;
	uint64_t u;
	int64_t s;
	const char *str;
	uint8_t bytes[32];
	uint64_t u64s[40];
	size_t len;
};

#define FAKE_MAX_FIELDS	48

struct fake_event {
	struct fake_field f[FAKE_MAX_FIELDS];
	size_t nr;
	struct crosslat_record r;
};

static const struct fake_field *fake_find(const void *fields, const char *name)
{
	const struct fake_event *ev = fields;
	size_t i;

	for (i = 0; i < ev->nr; i++)
		if (!strcmp(ev->f[i].name, name))
			return &ev->f[i];
	return NULL;
}

static int fake_u64(const void *fields, const char *name, uint64_t *v)
{
	const struct fake_field *f = fake_find(fields, name);

	if (!f)
		return -ENOENT;
	if (f->type == F_U64) {
		*v = f->u;
		return 0;
	}
	if (f->type == F_S64 && f->s >= 0) {
		*v = f->s;
		return 0;
	}
	return -EINVAL;
}

static int fake_s64(const void *fields, const char *name, int64_t *v)
{
	const struct fake_field *f = fake_find(fields, name);

	if (!f)
		return -ENOENT;
	if (f->type == F_S64) {
		*v = f->s;
		return 0;
	}
	if (f->type == F_U64 && f->u <= INT64_MAX) {
		*v = f->u;
		return 0;
	}
	return -EINVAL;
}

static int fake_str(const void *fields, const char *name, const char **s)
{
	const struct fake_field *f = fake_find(fields, name);

	if (!f)
		return -ENOENT;
	if (f->type != F_STR)
		return -EINVAL;
	*s = f->str;
	return 0;
}

static int fake_bytes(const void *fields, const char *name, uint8_t *buf, size_t cap,
		      size_t *len)
{
	const struct fake_field *f = fake_find(fields, name);

	if (!f)
		return -ENOENT;
	if (f->type == F_STR) {
		*len = strlen(f->str);
		memcpy(buf, f->str, *len < cap ? *len : cap);
		return 0;
	}
	if (f->type != F_BYTES)
		return -EINVAL;
	*len = f->len;
	memcpy(buf, f->bytes, f->len < cap ? f->len : cap);
	return 0;
}

static int fake_u64s(const void *fields, const char *name, uint64_t *buf, size_t cap,
		     size_t *len)
{
	const struct fake_field *f = fake_find(fields, name);

	if (!f)
		return -ENOENT;
	if (f->type != F_U64S)
		return -EINVAL;
	*len = f->len;
	memcpy(buf, f->u64s, (f->len < cap ? f->len : cap) * sizeof(*buf));
	return 0;
}

static const struct crosslat_record_ops fake_ops = {
	.u64 = fake_u64, .s64 = fake_s64, .str = fake_str, .bytes = fake_bytes, .u64s = fake_u64s,
};

static struct fake_event *fe_new(struct fake_event *ev, const char *name, int64_t ts,
				 uint32_t trace)
{
	memset(ev, 0, sizeof(*ev));
	ev->r.name = name;
	ev->r.ts_ns = ts;
	ev->r.has_ts = ts >= 0;
	ev->r.trace = trace;
	ev->r.ops = &fake_ops;
	ev->r.fields = ev;
	return ev;
}

static struct fake_field *fe_add(struct fake_event *ev, const char *name, enum fake_type t)
{
	struct fake_field *f;
	size_t i;

	/* Setting a field twice replaces it. */
	for (i = 0; i < ev->nr; i++)
		if (!strcmp(ev->f[i].name, name))
			break;
	if (i == FAKE_MAX_FIELDS) {
		fprintf(stderr, "fake event full\n");
		abort();
	}
	f = &ev->f[i];
	if (i == ev->nr)
		ev->nr++;
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->type = t;
	return f;
}

static void fe_u64(struct fake_event *ev, const char *name, uint64_t v)
{
	fe_add(ev, name, F_U64)->u = v;
}

static void fe_s64(struct fake_event *ev, const char *name, int64_t v)
{
	fe_add(ev, name, F_S64)->s = v;
}

static void fe_str(struct fake_event *ev, const char *name, const char *s)
{
	fe_add(ev, name, F_STR)->str = s;
}

static void fe_bytes(struct fake_event *ev, const char *name, const void *p, size_t n)
{
	struct fake_field *f = fe_add(ev, name, F_BYTES);

	memcpy(f->bytes, p, n);
	f->len = n;
}

static void fe_u64s(struct fake_event *ev, const char *name, const uint64_t *v, size_t n)
{
	struct fake_field *f = fe_add(ev, name, F_U64S);

	memcpy(f->u64s, v, n * sizeof(*v));
	f->len = n;
}

static void fe_del(struct fake_event *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->nr; i++) {
		if (!strcmp(ev->f[i].name, name)) {
			ev->f[i] = ev->f[--ev->nr];
			return;
		}
	}
}

/* ::ffff:10.0.0.<last> */
static void v4(uint8_t *a, uint8_t last)
{
	memset(a, 0, 16);
	a[10] = 0xff;
	a[11] = 0xff;
	a[12] = 10;
	a[15] = last;
}

struct tuple {
	uint64_t cookie;
	uint8_t l, r;		/* last bytes of 10.0.0.x */
	uint16_t lport, rport;
};

static void fe_tuple(struct fake_event *ev, const struct tuple *t)
{
	uint8_t a[16];

	fe_u64(ev, "netns_cookie", t->cookie);
	fe_u64(ev, "netns_inum", 4026531840u + t->cookie);
	fe_u64(ev, "family", 4);
	v4(a, t->l);
	fe_bytes(ev, "laddr", a, 16);
	v4(a, t->r);
	fe_bytes(ev, "raddr", a, 16);
	fe_u64(ev, "lport", t->lport);
	fe_u64(ev, "rport", t->rport);
}

static struct fake_event *stats_ev(struct fake_event *ev, int64_t ts, const struct tuple *t,
				   uint64_t first_ns, uint64_t srtt, uint64_t bytes_out)
{
	fe_new(ev, CROSSLAT_EV_FLOW_STATS, ts, 0);
	fe_tuple(ev, t);
	fe_u64(ev, "reason", 0);
	fe_u64(ev, "closed", 0);
	fe_u64(ev, "first_ns", first_ns);
	fe_u64(ev, "last_ns", first_ns + 1000);
	fe_u64(ev, "srtt_ns", srtt);
	fe_u64(ev, "rtt_min_ns", srtt / 2);
	fe_u64(ev, "rtt_max_ns", srtt * 2);
	fe_u64(ev, "rtt_last_ns", srtt);
	fe_u64(ev, "rtt_samples", srtt ? 10 : 0);
	fe_u64(ev, "app_samples", 0);
	fe_u64(ev, "bytes_out", bytes_out);
	fe_u64(ev, "bytes_in", 7);
	fe_u64(ev, "pkts_out", 3);
	fe_u64(ev, "pkts_in", 2);
	fe_u64(ev, "retrans_segs", 1);
	fe_u64(ev, "retrans_bytes", 1448);
	fe_u64(ev, "thresh_ns", 5000000);
	fe_u64(ev, "alerts", 4);
	return ev;
}

static struct fake_event *alert_ev(struct fake_event *ev, int64_t ts, const struct tuple *t,
				   uint64_t srtt, uint64_t thresh)
{
	fe_new(ev, CROSSLAT_EV_ALERT, ts, 0);
	fe_tuple(ev, t);
	fe_u64(ev, "srtt_ns", srtt);
	fe_u64(ev, "rtt_ns", srtt + 1);
	fe_u64(ev, "thresh_ns", thresh);
	fe_u64(ev, "rtt_samples", 3);
	fe_u64(ev, "retrans_segs", 2);
	fe_u64(ev, "crossing", 1);
	fe_u64(ev, "suppressed", 5);
	return ev;
}

static struct crosslat_flow_key key_of(const struct tuple *t, uint32_t trace)
{
	struct crosslat_flow_key k;

	memset(&k, 0, sizeof(k));
	k.netns_cookie = t->cookie;
	k.trace = trace;
	k.family = 4;
	k.lport = t->lport;
	k.rport = t->rport;
	v4(k.laddr, t->l);
	v4(k.raddr, t->r);
	return k;
}

/* Seeded once in main() from CROSSLAT_SEED (tests/unit/prng.h). */
static struct prng rng;

/* ---- index ------------------------------------------------------------------------------ */

static const uint64_t *index_keys;

static bool u64_eq(uint32_t entry, const void *key, const void *ctx)
{
	(void)ctx;
	return index_keys[entry] == *(const uint64_t *)key;
}

static uint32_t h64(uint64_t v)
{
	return crosslat_hash_bytes(CROSSLAT_HASH_INIT, &v, sizeof(v));
}

/* Against a naive model: entry i holds key keys[i]; later entries replace earlier ones. */
static void test_index_vs_naive(void)
{
	enum { N = 20000, KEYS = 5000 };
	static uint64_t keys[N];
	struct crosslat_index idx = { 0 };
	size_t i, j;

	index_keys = keys;
	for (i = 0; i < N; i++) {
		keys[i] = prng_next(&rng) % KEYS;
		CHECK_INT_EQ(crosslat_index_set(&idx, h64(keys[i]), u64_eq, &keys[i], NULL, i), 0);
	}
	for (i = 0; i < KEYS + 100; i++) {
		uint64_t k = i;
		int64_t want = -1;

		for (j = 0; j < N; j++)
			if (keys[j] == k)
				want = j;
		CHECK_INT_EQ(crosslat_index_find(&idx, h64(k), u64_eq, &k, NULL), want);
	}
	crosslat_index_free(&idx);
	CHECK_EQ(idx.cap, 0);
	{
		uint64_t k = 1;

		CHECK_INT_EQ(crosslat_index_find(&idx, h64(k), u64_eq, &k, NULL), -1);
	}
}

/* Every key colliding on the same hash still resolves by equality. */
static void test_index_collisions(void)
{
	static uint64_t keys[100];
	struct crosslat_index idx = { 0 };
	size_t i;

	index_keys = keys;
	for (i = 0; i < 100; i++) {
		keys[i] = i * 7;
		CHECK_INT_EQ(crosslat_index_set(&idx, 1234, u64_eq, &keys[i], NULL, i), 0);
	}
	for (i = 0; i < 100; i++) {
		uint64_t k = i * 7;

		CHECK_INT_EQ(crosslat_index_find(&idx, 1234, u64_eq, &k, NULL), (int64_t)i);
	}
	CHECK_EQ(idx.nr, 100);
	crosslat_index_free(&idx);
}

/* ---- summary ---------------------------------------------------------------------------- */

static void test_summary_counts(void)
{
	static const char *const names[] = { "sched_switch", "crosslat_rtt_alert", "a_first" };
	const struct crosslat_name_count **v;
	struct crosslat_summary s;
	struct fake_event ev;
	int i;

	crosslat_summary_init(&s);
	v = crosslat_summary_sorted(&s);
	CHECK(v == NULL);
	for (i = 0; i < 30; i++)
		CHECK_INT_EQ(crosslat_summary_add(&s, &fe_new(&ev, names[i % 3], 1000 - i, 0)->r),
			     0);
	/* An event without a timestamp is counted but does not move the span. */
	CHECK_INT_EQ(crosslat_summary_add(&s, &fe_new(&ev, "a_first", -1, 0)->r), 0);
	CHECK_EQ(s.events, 31);
	CHECK_EQ(s.untimed, 1);
	CHECK_INT_EQ(s.first_ns, 1000 - 29);
	CHECK_INT_EQ(s.last_ns, 1000);
	CHECK_EQ(s.nr, 3);
	v = crosslat_summary_sorted(&s);
	CHECK(v != NULL);
	if (v) {
		CHECK(!strcmp(v[0]->name, "a_first"));
		CHECK_EQ(v[0]->count, 11);
		CHECK(!strcmp(v[1]->name, "crosslat_rtt_alert"));
		CHECK_EQ(v[1]->count, 10);
		CHECK(!strcmp(v[2]->name, "sched_switch"));
		CHECK_EQ(v[2]->count, 10);
	}
	free(v);
	crosslat_summary_uninit(&s);
}

static void test_summary_untimed_first(void)
{
	struct crosslat_summary s;
	struct fake_event ev;

	crosslat_summary_init(&s);
	crosslat_summary_add(&s, &fe_new(&ev, "x", -1, 0)->r);
	crosslat_summary_add(&s, &fe_new(&ev, "x", 50, 0)->r);
	crosslat_summary_add(&s, &fe_new(&ev, "x", 40, 0)->r);
	CHECK_INT_EQ(s.first_ns, 40);
	CHECK_INT_EQ(s.last_ns, 50);
	CHECK_EQ(s.untimed, 1);
	crosslat_summary_uninit(&s);
}

/* ---- flows ------------------------------------------------------------------------------ */

static const struct tuple ta = { 4097, 1, 2, 45400, 5201 };
static const struct tuple tb = { 4098, 2, 1, 5201, 45400 };

static void test_flows_stats_latest_wins(void)
{
	struct crosslat_flow_key k = key_of(&ta, 0);
	const struct crosslat_flow *f;
	struct crosslat_flows ft;
	struct fake_event ev;

	crosslat_flows_init(&ft);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &stats_ev(&ev, 100, &ta, 7, 20000000, 1000)->r), 1);
	stats_ev(&ev, 200, &ta, 7, 21000000, 5000);
	fe_u64(&ev, "reason", 1);
	fe_u64(&ev, "closed", 1);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	CHECK_EQ(ft.nr, 1);
	f = crosslat_flows_find(&ft, &k);
	CHECK(f != NULL);
	if (!f)
		goto out;
	CHECK_EQ(f->srtt_ns, 21000000);
	CHECK_EQ(f->rtt_min_ns, 10500000);
	CHECK_EQ(f->rtt_max_ns, 42000000);
	CHECK_EQ(f->bytes_out, 5000);
	CHECK_EQ(f->bytes_in, 7);
	CHECK_EQ(f->retrans_segs, 1);
	CHECK_EQ(f->retrans_bytes, 1448);
	CHECK_EQ(f->stats_events, 2);
	CHECK_EQ(f->alert_events, 0);
	CHECK_EQ(f->alerts, 4);
	CHECK_EQ(f->reason, 1);
	CHECK(f->closed);
	CHECK_EQ(f->netns_inum, 4026531840u + 4097);
	CHECK_EQ(f->present, CROSSLAT_FLOW_STATS | CROSSLAT_FLOW_RTT | CROSSLAT_FLOW_THRESH);
	CHECK_INT_EQ(f->ev_first_ns, 100);
	CHECK_INT_EQ(f->ev_last_ns, 200);
out:
	crosslat_flows_uninit(&ft);
}

static void test_flows_alert_before_stats(void)
{
	struct crosslat_flow_key k = key_of(&ta, 0);
	const struct crosslat_flow *f;
	struct crosslat_flows ft;
	struct fake_event ev;

	crosslat_flows_init(&ft);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &alert_ev(&ev, 50, &ta, 9000000, 5000000)->r), 1);
	f = crosslat_flows_find(&ft, &k);
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(f->present, CROSSLAT_FLOW_RTT | CROSSLAT_FLOW_THRESH);
		CHECK_EQ(f->srtt_ns, 9000000);
		CHECK_EQ(f->rtt_samples, 3);
		CHECK_EQ(f->retrans_segs, 2);
		CHECK_EQ(f->alert_events, 1);
	}
	CHECK_EQ(ft.nr_alerts, 1);
	CHECK_EQ(ft.alerts[0].srtt_ns, 9000000);
	CHECK_EQ(ft.alerts[0].rtt_ns, 9000001);
	CHECK_EQ(ft.alerts[0].thresh_ns, 5000000);
	CHECK(ft.alerts[0].crossing);
	CHECK_EQ(ft.alerts[0].suppressed, 5);
	CHECK_INT_EQ(ft.alerts[0].ts_ns, 50);
	CHECK_EQ(ft.alerts[0].flow, 0);

	/* The first flow_stats takes over; the alert count stays. */
	crosslat_flows_add(&ft, &stats_ev(&ev, 60, &ta, 7, 20000000, 1000)->r);
	crosslat_flows_add(&ft, &alert_ev(&ev, 70, &ta, 30000000, 5000000)->r);
	CHECK_EQ(ft.nr, 1);
	f = crosslat_flows_find(&ft, &k);
	if (f) {
		CHECK_EQ(f->srtt_ns, 20000000);
		CHECK_EQ(f->retrans_segs, 1);
		CHECK_EQ(f->alert_events, 2);
		CHECK_EQ(f->stats_events, 1);
		CHECK_INT_EQ(f->ev_first_ns, 50);
		CHECK_INT_EQ(f->ev_last_ns, 70);
	}
	CHECK_EQ(ft.nr_alerts, 2);
	crosslat_flows_uninit(&ft);
}

/* A flow_stats with another first_ns is a new incarnation; alerts go to the latest. */
static void test_flows_incarnations(void)
{
	struct crosslat_flow_key k = key_of(&ta, 0);
	const struct crosslat_flow *f;
	struct crosslat_flows ft;
	struct fake_event ev;

	crosslat_flows_init(&ft);
	crosslat_flows_add(&ft, &stats_ev(&ev, 10, &ta, 1000, 20000000, 100)->r);
	stats_ev(&ev, 20, &ta, 1000, 20000000, 200);
	fe_u64(&ev, "reason", 3);
	crosslat_flows_add(&ft, &ev.r);
	crosslat_flows_add(&ft, &stats_ev(&ev, 30, &ta, 5000, 40000000, 10)->r);
	crosslat_flows_add(&ft, &alert_ev(&ev, 40, &ta, 40000000, 5000000)->r);
	CHECK_EQ(ft.nr, 2);
	f = crosslat_flows_find(&ft, &k);
	CHECK(f == &ft.v[1]);
	if (f) {
		CHECK_EQ(f->first_ns, 5000);
		CHECK_EQ(f->bytes_out, 10);
		CHECK_EQ(f->alert_events, 1);
		CHECK_EQ(f->stats_events, 1);
	}
	CHECK_EQ(ft.v[0].bytes_out, 200);
	CHECK_EQ(ft.v[0].reason, 3);
	CHECK_EQ(ft.v[0].stats_events, 2);
	CHECK_EQ(ft.alerts[0].flow, 1);
	crosslat_flows_uninit(&ft);
}

static void test_flows_traces_apart(void)
{
	struct crosslat_flow_key k0 = key_of(&ta, 0), k1 = key_of(&ta, 1);
	struct crosslat_flows ft;
	struct fake_event ev;

	crosslat_flows_init(&ft);
	crosslat_flows_add(&ft, &stats_ev(&ev, 10, &ta, 1, 20000000, 100)->r);
	stats_ev(&ev, 10, &ta, 1, 30000000, 300);
	ev.r.trace = 1;
	crosslat_flows_add(&ft, &ev.r);
	crosslat_flows_add(&ft, &stats_ev(&ev, 10, &tb, 1, 20000000, 100)->r);
	CHECK_EQ(ft.nr, 3);
	CHECK(crosslat_flows_find(&ft, &k0) && crosslat_flows_find(&ft, &k0)->bytes_out == 100);
	CHECK(crosslat_flows_find(&ft, &k1) && crosslat_flows_find(&ft, &k1)->bytes_out == 300);
	crosslat_flows_uninit(&ft);
}

static void test_flows_malformed(void)
{
	struct crosslat_flows ft;
	struct fake_event ev;
	uint8_t a[16] = { 0 };

	crosslat_flows_init(&ft);
	stats_ev(&ev, 10, &ta, 1, 1, 1);
	fe_del(&ev, "laddr");
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	stats_ev(&ev, 10, &ta, 1, 1, 1);
	fe_bytes(&ev, "raddr", a, 4);		/* not 16 bytes */
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	stats_ev(&ev, 10, &ta, 1, 1, 1);
	fe_u64(&ev, "family", 5);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	stats_ev(&ev, 10, &ta, 1, 1, 1);
	fe_u64(&ev, "lport", 70000);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	stats_ev(&ev, 10, &ta, 1, 1, 1);
	fe_str(&ev, "netns_cookie", "4097");	/* wrong type */
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	alert_ev(&ev, 10, &ta, 1, 1);
	fe_del(&ev, "thresh_ns");		/* an alert needs what it compared */
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	CHECK_EQ(ft.malformed, 6);
	CHECK_EQ(ft.nr, 0);
	CHECK_EQ(ft.nr_alerts, 0);

	/* Other events are not the table's business. */
	CHECK_INT_EQ(crosslat_flows_add(&ft, &fe_new(&ev, "crosslat_rtt_sample", 1, 0)->r), 0);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &fe_new(&ev, "sched_switch", 1, 0)->r), 0);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &fe_new(&ev, "crosslat_rtt", 1, 0)->r), 0);
	CHECK_EQ(ft.malformed, 6);

	/* Missing metrics read as 0; a signed field >= 0 is taken; no RTT without samples. */
	fe_new(&ev, CROSSLAT_EV_FLOW_STATS, 5, 0);
	fe_tuple(&ev, &ta);
	fe_s64(&ev, "bytes_out", 99);
	CHECK_INT_EQ(crosslat_flows_add(&ft, &ev.r), 1);
	CHECK_EQ(ft.nr, 1);
	if (ft.nr) {
		CHECK_EQ(ft.v[0].bytes_out, 99);
		CHECK_EQ(ft.v[0].present, CROSSLAT_FLOW_STATS);
	}
	crosslat_flows_uninit(&ft);
}

static void test_flows_sorted(void)
{
	static const struct tuple t[4] = {
		{ 1, 1, 2, 1000, 80 }, { 1, 1, 2, 1001, 80 }, { 1, 1, 2, 1002, 80 },
		{ 1, 1, 2, 1003, 80 },
	};
	const struct crosslat_flow **v;
	struct crosslat_flows ft;
	struct fake_event ev;

	crosslat_flows_init(&ft);
	crosslat_flows_add(&ft, &stats_ev(&ev, 40, &t[0], 1, 30, 10)->r);
	crosslat_flows_add(&ft, &stats_ev(&ev, 30, &t[1], 1, 0, 500)->r);	/* no RTT */
	crosslat_flows_add(&ft, &stats_ev(&ev, 20, &t[2], 1, 50, 20)->r);
	crosslat_flows_add(&ft, &alert_ev(&ev, 10, &t[3], 40, 5)->r);		/* alert only */

	v = crosslat_flows_sorted(&ft, CROSSLAT_FLOW_SORT_SRTT);
	CHECK(v != NULL);
	if (v) {
		CHECK_EQ(v[0]->key.lport, 1002);
		CHECK_EQ(v[1]->key.lport, 1003);
		CHECK_EQ(v[2]->key.lport, 1000);
		CHECK_EQ(v[3]->key.lport, 1001);	/* without the value: last */
	}
	free(v);
	v = crosslat_flows_sorted(&ft, CROSSLAT_FLOW_SORT_BYTES);
	if (v) {
		CHECK_EQ(v[0]->key.lport, 1001);
		CHECK_EQ(v[1]->key.lport, 1002);
		CHECK_EQ(v[2]->key.lport, 1000);
		CHECK_EQ(v[3]->key.lport, 1003);	/* no flow_stats, no bytes */
	}
	free(v);
	v = crosslat_flows_sorted(&ft, CROSSLAT_FLOW_SORT_TIME);
	if (v) {
		CHECK_EQ(v[0]->key.lport, 1003);
		CHECK_EQ(v[1]->key.lport, 1002);
		CHECK_EQ(v[2]->key.lport, 1001);
		CHECK_EQ(v[3]->key.lport, 1000);
	}
	free(v);
	v = crosslat_flows_sorted(&ft, CROSSLAT_FLOW_SORT_ALERTS);
	if (v) {
		CHECK_EQ(v[0]->key.lport, 1003);
		CHECK_EQ(v[1]->key.lport, 1000);	/* ties: by key */
	}
	free(v);
	crosslat_flows_uninit(&ft);
	CHECK(crosslat_flows_sorted(&ft, CROSSLAT_FLOW_SORT_SRTT) == NULL);
}

/* The naive model of the flow table: a list scanned from the end for the latest. */
struct model_flow {
	struct tuple t;
	uint32_t trace;
	bool stats;
	uint64_t first_ns, srtt, bytes_out, stats_events, alert_events;
};

static void test_flows_vs_naive(void)
{
	enum { EVENTS = 20000, MAXF = EVENTS };
	static struct model_flow m[MAXF];
	struct crosslat_flows ft;
	struct fake_event ev;
	size_t nm = 0, i, alerts = 0;
	int n;

	crosslat_flows_init(&ft);
	for (n = 0; n < EVENTS; n++) {
		struct tuple t = {
			.cookie = 1 + prng_next(&rng) % 3, .l = 1 + prng_next(&rng) % 3, .r = 9,
			.lport = 1000 + prng_next(&rng) % 20, .rport = 80,
		};
		uint32_t trace = prng_next(&rng) % 2;
		bool alert = prng_next(&rng) % 4 == 0;
		uint64_t first = 1 + prng_next(&rng) % 3, srtt = 1 + prng_next(&rng) % 1000;
		uint64_t bytes = prng_next(&rng) % 100000;
		struct model_flow *f = NULL;

		for (i = nm; i-- > 0;) {
			if (!memcmp(&m[i].t, &t, sizeof(t)) && m[i].trace == trace) {
				f = &m[i];
				break;
			}
		}
		if (alert) {
			alert_ev(&ev, n, &t, srtt, 1);
			alerts++;
			if (!f) {
				f = &m[nm++];
				memset(f, 0, sizeof(*f));
				f->t = t;
				f->trace = trace;
			}
			f->alert_events++;
			if (!f->stats)
				f->srtt = srtt;
		} else {
			stats_ev(&ev, n, &t, first, srtt, bytes);
			if (!f || (f->stats && f->first_ns != first)) {
				f = &m[nm++];
				memset(f, 0, sizeof(*f));
				f->t = t;
				f->trace = trace;
			}
			f->stats = true;
			f->first_ns = first;
			f->srtt = srtt;
			f->bytes_out = bytes;
			f->stats_events++;
		}
		ev.r.trace = trace;
		if (crosslat_flows_add(&ft, &ev.r) != 1)
			CHECK(0);
	}
	CHECK_EQ(ft.nr, nm);
	CHECK_EQ(ft.nr_alerts, alerts);
	for (i = 0; i < nm && i < ft.nr; i++) {
		const struct crosslat_flow *f = &ft.v[i];
		struct crosslat_flow_key k = key_of(&m[i].t, m[i].trace);

		CHECK(!memcmp(&f->key.laddr, k.laddr, 16) && f->key.lport == k.lport &&
		      f->key.netns_cookie == k.netns_cookie && f->key.trace == k.trace);
		CHECK_EQ(f->srtt_ns, m[i].srtt);
		CHECK_EQ(f->bytes_out, m[i].bytes_out);
		CHECK_EQ(f->stats_events, m[i].stats_events);
		CHECK_EQ(f->alert_events, m[i].alert_events);
		CHECK_EQ(!!(f->present & CROSSLAT_FLOW_STATS), m[i].stats);
	}
	crosslat_flows_uninit(&ft);
}

/* ---- maps ------------------------------------------------------------------------------- */

static void map_base(struct fake_event *ev, const char *name, int64_t ts, uint16_t sport)
{
	uint8_t a[16];

	fe_new(ev, name, ts, 0);
	fe_u64(ev, "netns_cookie", 1);
	fe_u64(ev, "netns_inum", 4026531840u);
	fe_u64(ev, "dir", 1);
	fe_u64(ev, "tunnel", 1);
	fe_u64(ev, "vni", 42);
	fe_u64(ev, "in_family", 4);
	fe_u64(ev, "in_proto", 6);
	v4(a, 1);
	fe_bytes(ev, "in_saddr", a, 16);
	v4(a, 2);
	fe_bytes(ev, "in_daddr", a, 16);
	fe_u64(ev, "in_sport", sport);
	fe_u64(ev, "in_dport", 8080);
	fe_u64(ev, "out_family", 4);
	fe_u64(ev, "out_proto", 17);
	v4(a, 101);
	fe_bytes(ev, "out_saddr", a, 16);
	v4(a, 102);
	fe_bytes(ev, "out_daddr", a, 16);
	fe_u64(ev, "out_sport", 33333);
	fe_u64(ev, "out_dport", 4789);
}

static struct crosslat_map_key map_key(uint16_t sport)
{
	struct crosslat_map_key k;

	memset(&k, 0, sizeof(k));
	k.netns_cookie = 1;
	k.dir = 1;
	k.inner.family = 4;
	k.inner.proto = 6;
	v4(k.inner.saddr, 1);
	v4(k.inner.daddr, 2);
	k.inner.sport = sport;
	k.inner.dport = 8080;
	return k;
}

/* A trace of a crosslat_map without the nat and pod_* fields. */
static void test_maps_old_fields(void)
{
	struct crosslat_map_key k = map_key(40000);
	const struct crosslat_mapping *m;
	struct crosslat_maps mt;
	struct fake_event ev;

	crosslat_maps_init(&mt);
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 40000);
	fe_u64(&ev, "reason", 0);
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	m = crosslat_maps_find(&mt, &k);
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ(m->present, CROSSLAT_MAP_OUTER);
		CHECK_EQ(m->tunnel, 1);
		CHECK_EQ(m->vni, 42);
		CHECK_EQ(m->outer.dport, 4789);
		CHECK_EQ(m->outer.proto, 17);
		CHECK_EQ(m->adds, 1);
		CHECK(!m->deleted);
	}
	map_base(&ev, CROSSLAT_EV_MAP_DEL, 20, 40000);
	fe_u64(&ev, "first_ns", 100);
	fe_u64(&ev, "last_ns", 200);
	fe_u64(&ev, "packets", 12);
	fe_u64(&ev, "bytes", 3456);
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	CHECK_EQ(mt.nr, 1);
	if (m) {
		CHECK_EQ(m->present, CROSSLAT_MAP_OUTER | CROSSLAT_MAP_TOTALS);
		CHECK(m->deleted);
		CHECK_EQ(m->dels, 1);
		CHECK_EQ(m->packets, 12);
		CHECK_EQ(m->bytes, 3456);
		CHECK_EQ(m->last_ns, 200);
		CHECK_INT_EQ(m->ev_first_ns, 10);
		CHECK_INT_EQ(m->ev_last_ns, 20);
	}
	/* Back again, with a new outer tuple. */
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 30, 40000);
	fe_u64(&ev, "reason", 1);
	fe_u64(&ev, "out_sport", 44444);
	crosslat_maps_add(&mt, &ev.r);
	CHECK_EQ(mt.nr, 1);
	if (m) {
		CHECK(!m->deleted);
		CHECK_EQ(m->adds, 2);
		CHECK_EQ(m->changes, 1);
		CHECK_EQ(m->outer.sport, 44444);
	}
	crosslat_maps_uninit(&mt);
}

/* The newer fields: nat flags and the pod (comm as a string or as bytes). */
static void test_maps_new_fields(void)
{
	struct crosslat_map_key k1 = map_key(1), k2 = map_key(2);
	const struct crosslat_mapping *m;
	struct crosslat_maps mt;
	struct fake_event ev;

	crosslat_maps_init(&mt);
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 1);
	fe_u64(&ev, "nat", 0);
	fe_u64(&ev, "pod_netns_cookie", 7);
	fe_u64(&ev, "pod_netns_inum", 4026532000u);
	fe_u64(&ev, "pod_cgroup_id", 1234);
	fe_u64(&ev, "pod_pid", 77);
	fe_str(&ev, "pod_comm", "nginx");
	fe_u64(&ev, "reason", 2);
	crosslat_maps_add(&mt, &ev.r);
	m = crosslat_maps_find(&mt, &k1);
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ(m->present, CROSSLAT_MAP_OUTER | CROSSLAT_MAP_NAT | CROSSLAT_MAP_POD);
		CHECK_EQ(m->pod.pid, 77);
		CHECK_EQ(m->pod.cgroup_id, 1234);
		CHECK(!strcmp(m->pod.comm, "nginx"));
		CHECK_EQ(m->changes, 0);
	}
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 2);
	fe_u64(&ev, "dir", 3);
	fe_u64(&ev, "tunnel", 0);
	fe_u64(&ev, "nat", 3);
	fe_u64(&ev, "pod_netns_cookie", 0);	/* pod not known */
	crosslat_maps_add(&mt, &ev.r);
	CHECK(crosslat_maps_find(&mt, &k2) == NULL);	/* dir is part of the key */
	k2.dir = 3;
	m = crosslat_maps_find(&mt, &k2);
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ(m->present, CROSSLAT_MAP_OUTER | CROSSLAT_MAP_NAT);
		CHECK_EQ(m->nat, 3);
	}
	/* comm as 16 bytes, NUL padded, longer than the array: cut. */
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 3);
	fe_u64(&ev, "pod_netns_cookie", 9);
	fe_bytes(&ev, "pod_comm", "0123456789abcdefXYZ", 19);
	crosslat_maps_add(&mt, &ev.r);
	if (mt.nr == 3) {
		CHECK(!strcmp(mt.v[2].pod.comm, "0123456789abcdef"));
		CHECK(mt.v[2].present & CROSSLAT_MAP_POD);
	}
	CHECK_EQ(mt.nr, 3);
	crosslat_maps_uninit(&mt);
}

static void test_maps_malformed(void)
{
	struct crosslat_maps mt;
	struct fake_event ev;

	crosslat_maps_init(&mt);
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 1);
	fe_del(&ev, "in_saddr");
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	map_base(&ev, CROSSLAT_EV_MAP_DEL, 10, 1);
	fe_del(&ev, "dir");
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 1);
	fe_u64(&ev, "in_family", 0);
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	CHECK_EQ(mt.malformed, 3);
	CHECK_EQ(mt.nr, 0);
	/* A missing outer tuple is not fatal: the mapping is kept without it. */
	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, 1);
	fe_del(&ev, "out_daddr");
	CHECK_INT_EQ(crosslat_maps_add(&mt, &ev.r), 1);
	CHECK_EQ(mt.nr, 1);
	if (mt.nr)
		CHECK_EQ(mt.v[0].present, 0);
	CHECK_INT_EQ(crosslat_maps_add(&mt, &fe_new(&ev, "crosslat_map_stats", 1, 0)->r), 0);
	CHECK_INT_EQ(crosslat_maps_add(&mt, &fe_new(&ev, CROSSLAT_EV_ALERT, 1, 0)->r), 0);
	crosslat_maps_uninit(&mt);
}

/* ---- format ----------------------------------------------------------------------------- */

/* ---- pods ------------------------------------------------------------------------------ */

/* A tunnel mapping of trace, dir, inner 10.0.0.S:SPORT > 10.0.0.D:DPORT, pod netns (0: none). */
static void pod_map(struct crosslat_maps *mt, uint32_t trace, uint8_t dir, uint8_t s,
		    uint16_t sport, uint8_t d, uint16_t dport, uint64_t netns, uint32_t pid,
		    uint64_t cgroup)
{
	struct fake_event ev;
	uint8_t a[16];

	map_base(&ev, CROSSLAT_EV_MAP_ADD, 10, sport);
	ev.r.trace = trace;
	fe_u64(&ev, "netns_cookie", 50 + trace);
	fe_u64(&ev, "dir", dir);
	v4(a, s);
	fe_bytes(&ev, "in_saddr", a, 16);
	v4(a, d);
	fe_bytes(&ev, "in_daddr", a, 16);
	fe_u64(&ev, "in_dport", dport);
	fe_u64(&ev, "pod_netns_cookie", netns ? netns + 1000 : 0);
	fe_u64(&ev, "pod_netns_inum", netns);
	fe_u64(&ev, "pod_cgroup_id", cgroup);
	fe_u64(&ev, "pod_pid", pid);
	fe_str(&ev, "pod_comm", pid ? "python3" : "");
	CHECK_INT_EQ(crosslat_maps_add(mt, &ev.r), 1);
}

/* A crosslat_req_send of trace's socket 10.0.0.L:LPORT > 10.0.0.R:RPORT in netns. */
static const struct crosslat_record *req_sock(struct fake_event *ev, uint32_t trace,
					      uint64_t netns, uint8_t l, uint16_t lport,
					      uint8_t r, uint16_t rport)
{
	uint8_t a[16] = { 10, 0, 0, 0 };	/* crosslat_req: IPv4 in the first 4 bytes */

	fe_new(ev, "crosslat_req_send", 100, trace);
	fe_s64(ev, "tid", 7);
	fe_s64(ev, "pid", 7);
	fe_u64(ev, "netns", netns);
	fe_u64(ev, "family", 4);
	a[3] = l;
	fe_bytes(ev, "laddr", a, 16);
	a[3] = r;
	fe_bytes(ev, "raddr", a, 16);
	fe_u64(ev, "lport", lport);
	fe_u64(ev, "rport", rport);
	fe_u64(ev, "seq", 1);
	fe_u64(ev, "bytes", 10);
	return &ev->r;
}

/*
 * A frontend pod on host 0 (netns 100) calling backend pods on host 1 (200, and 201 with
 * fewer spans): the pods' addresses and processes from the mappings at their ends, and the
 * one pod flow encapsulated by host 0 with the frontend at its end and decapsulated by host
 * 1 with a backend at its end (and back: its answers); flows to other pods, or reaching
 * another pod, are not.
 */
static void test_pods(void)
{
	static const struct {
		const char *service;
		uint32_t trace;
		uint64_t netns;
	} sv[] = {
		{ "frontend", 0, 100 }, { "frontend", 0, 100 }, { "frontend", 0, 100 },
		{ "frontend", 0, 0 }, { "backend", 1, 201 }, { "backend", 1, 200 },
		{ "backend", 1, 200 }, { "many", 0, 1 }, { "many", 0, 2 }, { "many", 0, 3 },
		{ "many", 0, 4 }, { "many", 0, 5 }, { "many", 1, 1 },
	};
	struct crosslat_span spv[ARRAY_SIZE(sv)];
	struct crosslat_pod_set fe, be, many;
	struct crosslat_pod_socks socks;
	struct fake_event ev;
	struct crosslat_spans sp;
	struct crosslat_pod_flows pf;
	struct crosslat_maps mt;
	char buf[64];
	size_t i;

	memset(&sp, 0, sizeof(sp));
	memset(spv, 0, sizeof(spv));
	for (i = 0; i < ARRAY_SIZE(sv); i++) {
		spv[i].present = CROSSLAT_SPAN_KERNEL;
		spv[i].ktrace = sv[i].trace;
		spv[i].netns = sv[i].netns;
		snprintf(spv[i].service, sizeof(spv[i].service), "%s", sv[i].service);
	}
	sp.v = spv;
	sp.nr = ARRAY_SIZE(spv);
	crosslat_maps_init(&mt);
	pod_map(&mt, 0, 1, 1, 40000, 2, 8080, 100, 11, 5);	/* the call, out of host 0 */
	pod_map(&mt, 1, 2, 1, 40000, 2, 8080, 200, 0, 6);	/* into host 1 (SYN-ACK: no pid) */
	pod_map(&mt, 1, 1, 2, 8080, 1, 40000, 200, 22, 6);	/* the answers */
	pod_map(&mt, 0, 2, 2, 8080, 1, 40000, 100, 11, 5);
	pod_map(&mt, 0, 1, 1, 40001, 9, 53, 100, 11, 5);	/* to another pod */
	pod_map(&mt, 0, 1, 1, 40002, 3, 8080, 100, 11, 5);	/* reaching another pod */
	pod_map(&mt, 1, 2, 1, 40002, 3, 8080, 999, 0, 7);
	pod_map(&mt, 1, 2, 1, 40003, 2, 8080, 200, 0, 6);	/* not from the frontend's */
	pod_map(&mt, 0, 1, 1, 40003, 2, 8080, 0, 0, 0);

	crosslat_pods_of(&fe, &sp, &mt, "frontend");
	CHECK_EQ(fe.nr, 1);
	CHECK_EQ(fe.more, 0);
	CHECK_EQ(fe.pods[0].trace, 0);
	CHECK_EQ(fe.pods[0].netns, 100);
	CHECK_EQ(fe.pods[0].spans, 3);
	CHECK(fe.pods[0].mapped);
	CHECK_EQ(fe.pods[0].pid, 11);
	CHECK_EQ(fe.pods[0].cgroup_id, 5);
	CHECK(!strcmp(fe.pods[0].comm, "python3"));
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), fe.pods[0].family, fe.pods[0].addr),
		      "10.0.0.1"));
	crosslat_pods_of(&be, &sp, &mt, "backend");
	CHECK_EQ(be.nr, 2);
	CHECK_EQ(be.pods[0].netns, 200);	/* most spans first */
	CHECK_EQ(be.pods[0].spans, 2);
	CHECK_EQ(be.pods[0].pid, 22);		/* a mapping with a process preferred */
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), be.pods[0].family, be.pods[0].addr),
		      "10.0.0.2"));
	CHECK_EQ(be.pods[1].netns, 201);
	CHECK(!be.pods[1].mapped);
	CHECK_EQ(be.pods[1].family, 0);
	crosslat_pods_of(&many, &sp, &mt, "many");
	CHECK_EQ(many.nr, CROSSLAT_PODS_MAX);
	CHECK_EQ(many.more, 6 - CROSSLAT_PODS_MAX);
	crosslat_pods_of(&many, &sp, &mt, "nobody");
	CHECK_EQ(many.nr, 0);
	crosslat_pods_of(&many, &sp, &mt, NULL);
	CHECK_EQ(many.nr, 0);

	crosslat_pod_flows(&pf, &mt, NULL, &fe, &be);
	CHECK_EQ(pf.nr, 1);
	CHECK_EQ(pf.more, 0);
	if (pf.nr) {
		CHECK_EQ(pf.v[0].inner.sport, 40000);
		CHECK_EQ(pf.v[0].inner.dport, 8080);
		CHECK_EQ(pf.v[0].out->key.trace, 0);
		CHECK_EQ(pf.v[0].out->key.dir, 1);
		CHECK_EQ(pf.v[0].out->outer.dport, 4789);
		CHECK_EQ(pf.v[0].in->key.trace, 1);
		CHECK_EQ(pf.v[0].in->key.dir, 2);
	}
	crosslat_pod_flows(&pf, &mt, NULL, &be, &fe);	/* the answers of that connection */
	CHECK_EQ(pf.nr, 1);
	if (pf.nr) {
		CHECK_EQ(pf.v[0].inner.sport, 8080);
		CHECK_EQ(pf.v[0].inner.dport, 40000);
	}
	crosslat_pod_flows(&pf, NULL, NULL, &fe, &be);
	CHECK_EQ(pf.nr, 0);
	/* more flows than kept: counted */
	for (i = 0; i < CROSSLAT_POD_FLOWS_MAX + 2; i++) {
		pod_map(&mt, 0, 1, 1, 41000 + i, 2, 8080, 100, 11, 5);
		pod_map(&mt, 1, 2, 1, 41000 + i, 2, 8080, 200, 0, 6);
	}
	crosslat_pod_flows(&pf, &mt, NULL, &fe, &be);
	CHECK_EQ(pf.nr, CROSSLAT_POD_FLOWS_MAX);
	CHECK_EQ(pf.more, 3);
	CHECK(!pf.checked);

	/* crosslat_req saw sockets of other pods only: no say */
	crosslat_pod_socks_init(&socks);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, req_sock(&ev, 0, 555, 1, 40000, 2, 8080)), 1);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, req_sock(&ev, 1, 100, 1, 41001, 2, 8080)), 1);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, &fe_new(&ev, "crosslat_req_fork", 1, 0)->r), 0);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, &fe_new(&ev, CROSSLAT_EV_MAP_ADD, 1, 0)->r), 0);
	crosslat_pod_flows(&pf, &mt, &socks, &fe, &be);
	CHECK(!pf.checked);
	CHECK_EQ(pf.nr + pf.more, 11);
	/* it saw two of the frontend pod's (one twice): only those are the traces' */
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, req_sock(&ev, 0, 100, 1, 40000, 2, 8080)), 1);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, req_sock(&ev, 0, 100, 1, 41003, 2, 8080)), 1);
	CHECK_INT_EQ(crosslat_pod_socks_add(&socks, req_sock(&ev, 0, 100, 1, 40000, 2, 8080)), 1);
	CHECK_EQ(socks.nr, 4);
	crosslat_pod_flows(&pf, &mt, &socks, &fe, &be);
	CHECK(pf.checked);
	CHECK_EQ(pf.nr, 2);
	CHECK_EQ(pf.unused, 9);
	CHECK_EQ(pf.more, 0);
	if (pf.nr == 2) {
		CHECK_EQ(pf.v[0].inner.sport, 40000);
		CHECK_EQ(pf.v[1].inner.sport, 41003);
	}
	crosslat_pod_socks_uninit(&socks);
	crosslat_maps_uninit(&mt);
}

static void test_format_addr(void)
{
	uint8_t a[16];
	char buf[64];

	v4(a, 7);
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), 4, a), "10.0.0.7"));
	CHECK(!strcmp(crosslat_fmt_endpoint(buf, sizeof(buf), 4, a, 80), "10.0.0.7:80"));
	/* Family 6 prints the mapped form; family 4 without the mapping prints IPv6. */
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), 6, a), "::ffff:10.0.0.7"));
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = 1;
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), 6, a), "fd00::1"));
	CHECK(!strcmp(crosslat_fmt_addr(buf, sizeof(buf), 4, a), "fd00::1"));
	CHECK(!strcmp(crosslat_fmt_endpoint(buf, sizeof(buf), 6, a, 443), "[fd00::1]:443"));
}

static void test_format_numbers(void)
{
	char buf[64];

	CHECK(!strcmp(crosslat_fmt_ms(buf, sizeof(buf), 20314370), "20.314"));
	CHECK(!strcmp(crosslat_fmt_ms(buf, sizeof(buf), 20314500), "20.315"));
	CHECK(!strcmp(crosslat_fmt_ms(buf, sizeof(buf), 0), "0.000"));
	CHECK(!strcmp(crosslat_fmt_si(buf, sizeof(buf), 999, "B"), "999B"));
	CHECK(!strcmp(crosslat_fmt_si(buf, sizeof(buf), 1572901, "B"), "1.6MB"));
	CHECK(!strcmp(crosslat_fmt_si(buf, sizeof(buf), UINT64_MAX, "B"), "18.4EB"));
	CHECK(!strcmp(crosslat_fmt_time(buf, sizeof(buf), 1795510819120700270LL, true, true),
		      "2026-11-24 09:00:19.120700270"));
	CHECK(!strcmp(crosslat_fmt_time(buf, sizeof(buf), 1795510819120700270LL, true, false),
		      "09:00:19.120700270"));
	CHECK(!strcmp(crosslat_fmt_time(buf, sizeof(buf), 12000000001LL, false, true),
		      "12.000000001"));
	CHECK(!strcmp(crosslat_fmt_time(buf, sizeof(buf), -1, false, true), "-1.999999999"));
}

static char *json_of(const char *s)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	crosslat_json_str(f, s);
	fclose(f);
	return out;
}

static void test_format_json_str(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "tab\there\n", "\"tab\\u0009here\\u000a\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },			/* valid UTF-8 kept */
		{ "bad\xff!", "\"bad\\ufffd!\"" },			/* invalid byte */
		{ "cut\xc3", "\"cut\\ufffd\"" },			/* truncated sequence */
		{ "over\xc0\xaf", "\"over\\ufffd\\ufffd\"" },		/* overlong */
		{ "sur\xed\xa0\x80", "\"sur\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "emoji\xf0\x9f\x98\x80", "\"emoji\xf0\x9f\x98\x80\"" },
		{ "", "\"\"" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = json_of(cases[i].in);

		if (!got)
			tap_fail_at(__FILE__, __LINE__, "#%u: out of memory", i);
		else if (strcmp(got, cases[i].out))
			tap_fail_at(__FILE__, __LINE__, "#%u: got %s, want %s", i, got,
				    cases[i].out);
		free(got);
	}
}

static char *html_of(const char *s, size_t max_chars)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	crosslat_html_str(f, s, max_chars);
	fclose(f);
	return out;
}

static void test_format_html_str(void)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} cases[] = {
		{ "plain", 0, "plain" },
		{ "<b>&\"'", 0, "&lt;b&gt;&amp;&quot;&#39;" },
		{ "tab\there\n", 0, "tab&#xfffd;here&#xfffd;" },	/* no control in text */
		{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
		{ "bad\xff!", 0, "bad&#xfffd;!" },
		{ "over\xc0\xaf", 0, "over&#xfffd;&#xfffd;" },
		{ "abcdef", 6, "abcdef" },				/* fits */
		{ "abcdefg", 6, "abcde&#x2026;" },			/* cut, with an ellipsis */
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 2, "\xc3\xa9&#x2026;" },	/* at a character */
		{ "<<<", 2, "&lt;&#x2026;" },
		{ "", 3, "" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = html_of(cases[i].in, cases[i].max);

		if (!got)
			tap_fail_at(__FILE__, __LINE__, "#%u: out of memory", i);
		else if (strcmp(got, cases[i].out))
			tap_fail_at(__FILE__, __LINE__, "#%u: got %s, want %s", i, got,
				    cases[i].out);
		free(got);
	}
}

static void test_format_culprit(void)
{
	char buf[64];

	CHECK(!strcmp(crosslat_fmt_culprit(buf, sizeof(buf), CROSSLAT_PART_NET, "fe", "be"),
		      "flow fe -> be"));
	CHECK(!strcmp(crosslat_fmt_culprit(buf, sizeof(buf), CROSSLAT_PART_SEND, "fe", NULL),
		      "fe (sending to ?)"));
	CHECK(!strcmp(crosslat_fmt_culprit(buf, sizeof(buf), CROSSLAT_PART_RUNQ, "be", NULL),
		      "be (CPU contention)"));
	CHECK(!strcmp(crosslat_fmt_culprit(buf, sizeof(buf), CROSSLAT_PART_APP, "", NULL),
		      "? (handler)"));
}

static void test_format_table(void)
{
	static const struct crosslat_column cols[] = { { "NAME", false }, { "N", true } };
	char cells[4][CROSSLAT_CELL_MAX] = { "a", "1", "long-name", "1000" };
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		CHECK(0);
		return;
	}
	crosslat_table_print(f, cols, 2, (const char *)cells, 2);
	fclose(f);
	CHECK(out && !strcmp(out, "NAME          N\na             1\nlong-name  1000\n"));
	free(out);
}

/* ---- spans ------------------------------------------------------------------------------ */

#define OFF1	1700000000000000000LL	/* h1's CLOCK_MONOTONIC offset */
#define OFF2	1700000000500000000LL	/* h2's */

static const uint8_t tid_a[16] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/* 0: kernel of h1, 1: UST of h1, 2: kernel of h2, 3: kernel of an unnamed host, no offset. */
static struct crosslat_trace_info span_traces[4];

static void span_traces_init(struct crosslat_spans *sp)
{
	memset(span_traces, 0, sizeof(span_traces));
	span_traces[0] = (struct crosslat_trace_info){ .path = "h1/kernel", .hostname = "h1",
		.unix_epoch = true, .mono_offset_ns = OFF1, .has_mono_offset = true };
	span_traces[1] = (struct crosslat_trace_info){ .path = "h1/ust", .hostname = "h1",
		.unix_epoch = true, .mono_offset_ns = OFF1, .has_mono_offset = true };
	span_traces[2] = (struct crosslat_trace_info){ .path = "h2/kernel", .hostname = "h2",
		.unix_epoch = true, .mono_offset_ns = OFF2, .has_mono_offset = true };
	span_traces[3] = (struct crosslat_trace_info){ .path = "x/kernel" };
	crosslat_spans_init(sp);
	CHECK_INT_EQ(crosslat_spans_set_traces(sp, span_traces, ARRAY_SIZE(span_traces)), 0);
}

static void span_id_of(uint64_t span, uint8_t *id)
{
	int i;

	for (i = 7; i >= 0; i--, span >>= 8)
		id[i] = span & 0xff;
}

static struct fake_event *span_ev(struct fake_event *ev, const char *name, int64_t ts,
				  uint32_t trace, uint64_t span)
{
	uint8_t id[8];

	fe_new(ev, name, ts, trace);
	fe_bytes(ev, "trace_id", tid_a, 16);
	span_id_of(span, id);
	fe_bytes(ev, "span_id", id, 8);
	return ev;
}

static struct fake_event *annotate_ev(struct fake_event *ev, int64_t ts, uint32_t trace,
				      uint64_t span, uint64_t start, uint64_t dur)
{
	static const uint8_t parent[8] = { 0x77 };

	span_ev(ev, CROSSLAT_EV_SPAN_ANNOTATE, ts, trace, span);
	fe_s64(ev, "tid", 300);
	fe_bytes(ev, "parent_span_id", parent, 8);
	fe_str(ev, "name", "GET /work");
	fe_str(ev, "service", "svc");
	fe_s64(ev, "pid", 299);
	fe_u64(ev, "status", 1);
	fe_u64(ev, "start_ns", start);
	fe_u64(ev, "duration_ns", dur);
	fe_u64(ev, "threshold_ns", dur / 4);
	fe_u64(ev, "oncpu_ns", dur / 10);
	fe_u64(ev, "blocked_ns", dur - dur / 10 - dur / 20);
	fe_u64(ev, "runq_ns", dur / 20);
	fe_u64(ev, "preempt_ns", dur / 40);
	fe_u64(ev, "blocks", 2);
	fe_u64(ev, "preemptions", 1);
	fe_u64(ev, "wakeups", 2);
	fe_u64(ev, "syscalls", 3);
	fe_u64(ev, "syscall_ns", dur / 2);
	fe_u64(ev, "syscalls_listed", 3);
	fe_u64(ev, "syscalls_unrecorded", 0);
	return ev;
}

static struct fake_event *syscall_ev(struct fake_event *ev, int64_t ts, uint32_t trace,
				     uint64_t span, uint32_t nr, uint64_t start, uint64_t dur,
				     uint64_t offcpu)
{
	span_ev(ev, CROSSLAT_EV_SPAN_SYSCALL, ts, trace, span);
	fe_s64(ev, "tid", 300);
	fe_u64(ev, "nr", nr);
	fe_u64(ev, "start_ns", start);
	fe_u64(ev, "duration_ns", dur);
	fe_u64(ev, "offcpu_ns", offcpu);
	fe_u64(ev, "arg", 7);
	fe_s64(ev, "ret", -11);
	return ev;
}

static struct fake_event *stack_ev(struct fake_event *ev, int64_t ts, uint32_t trace,
				   uint64_t span, bool kernel, size_t depth)
{
	uint64_t ips[40];
	size_t i;

	for (i = 0; i < depth && i < ARRAY_SIZE(ips); i++)
		ips[i] = (kernel ? 0xffffffff81000000ull : 0x7f0000000000ull) + 0x10 * i;
	span_ev(ev, CROSSLAT_EV_SPAN_STACK, ts, trace, span);
	fe_u64(ev, "kernel", kernel);
	fe_s64(ev, "syscall_nr", 230);
	fe_u64(ev, "start_ns", 10100);
	fe_u64(ev, "blocked_ns", 3000);
	fe_u64s(ev, "ips", ips, depth);
	return ev;
}

static struct fake_event *begin_ev(struct fake_event *ev, int64_t ts, uint32_t trace,
				   uint64_t span, const char *name)
{
	static const uint8_t root[8];

	span_ev(ev, CROSSLAT_EV_SPAN_BEGIN, ts, trace, span);
	fe_bytes(ev, "parent_span_id", root, 8);
	fe_str(ev, "name", name);
	fe_str(ev, "service", "svc");
	fe_s64(ev, "kernel", 1);
	fe_s64(ev, "vtid", 41);		/* contexts: fake records have one namespace */
	fe_s64(ev, "vpid", 40);
	return ev;
}

static struct fake_event *end_ev(struct fake_event *ev, int64_t ts, uint32_t trace,
				 uint64_t span, uint64_t dur, bool annotated)
{
	span_ev(ev, CROSSLAT_EV_SPAN_END, ts, trace, span);
	fe_u64(ev, "status", 2);
	fe_u64(ev, "duration_ns", dur);
	fe_s64(ev, "kernel", 1);
	fe_u64(ev, "annotated", annotated);
	fe_u64(ev, "syscalls", 9);
	return ev;
}

static struct crosslat_span_key span_key(uint64_t span, uint32_t host)
{
	struct crosslat_span_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.trace_id, tid_a, 16);
	span_id_of(span, k.span_id);
	k.host = host;
	return k;
}

static int add(struct crosslat_spans *sp, struct fake_event *ev)
{
	return crosslat_spans_add(sp, &ev->r);
}

/* A span of lttng-ust events only: times of its events, ids from the vtid/vpid contexts. */
static void test_spans_ust_only(void)
{
	const struct crosslat_span **v;
	struct crosslat_span_key k = span_key(5, 1);
	const struct crosslat_span *s;
	struct crosslat_span_time t;
	struct crosslat_spans sp;
	struct fake_event ev;
	size_t nr;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, begin_ev(&ev, OFF1 + 1000, 1, 5, "work")), 1);
	CHECK_INT_EQ(add(&sp, end_ev(&ev, OFF1 + 5000, 1, 5, 3900, false)), 1);
	CHECK_INT_EQ(add(&sp, fe_new(&ev, "crosslat_ust:mark", 1, 1)), 0);
	CHECK_EQ(sp.nr, 1);
	s = crosslat_spans_find(&sp, &k);
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK_EQ(s->present, CROSSLAT_SPAN_BEGIN | CROSSLAT_SPAN_END | CROSSLAT_SPAN_TID |
			     CROSSLAT_SPAN_PID);
	CHECK_INT_EQ(s->tid, 41);
	CHECK_INT_EQ(s->pid, 40);
	CHECK(!strcmp(s->name, "work") && !strcmp(s->service, "svc"));
	CHECK_EQ(s->status, 2);
	CHECK_EQ(s->end_syscalls, 9);
	CHECK(!crosslat_span_annotated(s));
	CHECK_EQ(crosslat_span_duration(s), 3900);
	CHECK(crosslat_span_top_blocking(s) == NULL);
	crosslat_spans_time(&sp, s, &t);
	CHECK(t.known && t.epoch && !t.monotonic);
	CHECK_INT_EQ(t.start_ns, OFF1 + 1000);
	CHECK_INT_EQ(t.end_ns, OFF1 + 4900);
	/* Not annotated: hidden unless all. */
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_DURATION, false, &nr);
	CHECK(v == NULL && nr == 0);
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_DURATION, true, &nr);
	CHECK(v != NULL && nr == 1 && v[0] == s);
	free(v);
out:
	crosslat_spans_uninit(&sp);
}

/* A kernel-only span: figures, calls, stacks, placed by its trace's clock offset. */
static void test_spans_kernel_only(void)
{
	struct crosslat_span_key k = span_key(6, 0);
	const struct crosslat_span_syscall *top;
	const struct crosslat_span *s;
	struct crosslat_span_time t;
	struct crosslat_spans sp;
	struct fake_event ev;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, OFF1 + 20000, 0, 6, 10000, 8000)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, OFF1 + 20001, 0, 6, 230, 10100, 4000, 3900)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, OFF1 + 20002, 0, 6, 1, 14200, 100, 0)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, OFF1 + 20003, 0, 6, 45, 14400, 3000, 2000)), 1);
	CHECK_INT_EQ(add(&sp, stack_ev(&ev, OFF1 + 20004, 0, 6, true, 9)), 1);
	CHECK_INT_EQ(add(&sp, stack_ev(&ev, OFF1 + 20005, 0, 6, false, 5)), 1);
	CHECK_EQ(sp.nr, 1);
	CHECK_EQ(sp.orphans + sp.malformed + sp.dropped + sp.duplicates, 0);
	s = crosslat_spans_find(&sp, &k);
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK(crosslat_span_annotated(s));
	CHECK_EQ(s->present, CROSSLAT_SPAN_KERNEL | CROSSLAT_SPAN_TID | CROSSLAT_SPAN_PID);
	CHECK_INT_EQ(s->tid, 300);
	CHECK_INT_EQ(s->pid, 299);
	CHECK_EQ(s->parent_span_id[0], 0x77);
	CHECK(!strcmp(s->name, "GET /work"));
	CHECK_EQ(s->duration_ns, 8000);
	CHECK_EQ(s->threshold_ns, 2000);
	CHECK_EQ(s->oncpu_ns + s->blocked_ns + s->runq_ns, 8000);
	CHECK_EQ(s->calls->nr_sc, 3);
	CHECK_EQ(s->calls->sc[2].nr, 45);
	CHECK_EQ(s->calls->sc[2].arg, 7);
	CHECK_INT_EQ(s->calls->sc[2].ret, -11);
	CHECK_EQ(s->calls->nr_st, 2);
	CHECK(s->calls->st[0].kernel && !s->calls->st[1].kernel);
	CHECK_EQ(s->calls->st[0].depth, 9);
	CHECK_EQ(s->calls->st[0].ips[8], 0xffffffff81000080ull);
	CHECK_INT_EQ(s->calls->st[0].syscall_nr, 230);
	top = crosslat_span_top_blocking(s);
	CHECK(top && top->nr == 230);
	crosslat_spans_time(&sp, s, &t);
	CHECK(t.known && t.epoch);
	CHECK_INT_EQ(t.start_ns, OFF1 + 10000);
	CHECK_INT_EQ(t.end_ns, OFF1 + 18000);
	CHECK_INT_EQ(crosslat_span_mono_at(s, &t, 14400), OFF1 + 14400);
out:
	crosslat_spans_uninit(&sp);
}

/* UST begin/end (trace 1) and the kernel annotate (trace 0) of one host make one span. */
static void test_spans_joined(void)
{
	struct crosslat_span_key k = span_key(7, 1);	/* h1: the first trace seen of h1 */
	const struct crosslat_span **v;
	const struct crosslat_span *s;
	struct crosslat_span_time t;
	struct crosslat_spans sp;
	struct fake_event ev;
	size_t nr;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, begin_ev(&ev, OFF1 + 9990, 1, 7, "GET /x")), 1);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, OFF1 + 18100, 0, 7, 10000, 8000)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, OFF1 + 18101, 0, 7, 230, 10100, 4000, 3900)), 1);
	CHECK_INT_EQ(add(&sp, end_ev(&ev, OFF1 + 18200, 1, 7, 8000, true)), 1);
	CHECK_EQ(sp.nr, 1);
	CHECK_EQ(sp.duplicates + sp.orphans + sp.malformed, 0);
	CHECK_EQ(crosslat_spans_host(&sp, 0), 1);
	s = crosslat_spans_find(&sp, &k);
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK_EQ(s->present & (CROSSLAT_SPAN_KERNEL | CROSSLAT_SPAN_BEGIN | CROSSLAT_SPAN_END),
		 CROSSLAT_SPAN_KERNEL | CROSSLAT_SPAN_BEGIN | CROSSLAT_SPAN_END);
	CHECK(s->ktrace == 0 && s->btrace == 1 && s->etrace == 1);
	/* The kernel's ids and status win; the first name seen stays. */
	CHECK_INT_EQ(s->tid, 300);
	CHECK_EQ(s->status, 1);
	CHECK(!strcmp(s->name, "GET /x"));
	CHECK(s->end_annotated && s->begin_kernel == 1);
	CHECK_EQ(s->calls->nr_sc, 1);
	crosslat_spans_time(&sp, s, &t);
	CHECK_INT_EQ(t.start_ns, OFF1 + 10000);
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_DURATION, false, &nr);
	CHECK(v && nr == 1);
	free(v);
out:
	crosslat_spans_uninit(&sp);
}

/* Syscall and stack events without their annotate, and unusable events: counted, ignored. */
static void test_spans_orphans_malformed(void)
{
	static const uint8_t zero[8];
	struct crosslat_spans sp;
	struct fake_event ev;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 1, 0, 8, 1, 10, 10, 0)), 1);
	CHECK_INT_EQ(add(&sp, stack_ev(&ev, 2, 0, 8, true, 3)), 1);
	CHECK_EQ(sp.orphans, 2);
	CHECK_EQ(sp.nr, 0);
	/* The annotate of another kernel trace of the same host does not adopt them. */
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 3, 0, 8, 10, 100)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 4, 3, 8, 1, 10, 10, 0)), 1);
	CHECK_EQ(sp.orphans, 3);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 5, 0, 8, 1, 10, 10, 0)), 1);
	CHECK_EQ(sp.orphans, 3);
	CHECK_EQ(sp.v[0].calls->nr_sc, 1);

	/* Truncated ids, a missing id, an all-zero span id, missing times. */
	span_ev(&ev, CROSSLAT_EV_SPAN_BEGIN, 6, 1, 9);
	fe_bytes(&ev, "trace_id", tid_a, 15);
	CHECK_INT_EQ(add(&sp, &ev), 1);
	span_ev(&ev, CROSSLAT_EV_SPAN_END, 7, 1, 9);
	fe_del(&ev, "span_id");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	span_ev(&ev, CROSSLAT_EV_SPAN_END, 8, 1, 9);
	fe_bytes(&ev, "span_id", zero, 8);
	CHECK_INT_EQ(add(&sp, &ev), 1);
	annotate_ev(&ev, 9, 0, 9, 10, 100);
	fe_del(&ev, "start_ns");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	syscall_ev(&ev, 10, 0, 8, 1, 10, 10, 0);
	fe_str(&ev, "nr", "one");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	stack_ev(&ev, 11, 0, 8, true, 3);
	fe_del(&ev, "ips");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	CHECK_EQ(sp.malformed, 6);
	CHECK_EQ(sp.nr, 1);
	CHECK_EQ(sp.orphans, 3);

	/* Optional fields missing: zeros, names empty, syscall_nr -1. */
	span_ev(&ev, CROSSLAT_EV_SPAN_ANNOTATE, 12, 0, 10);
	fe_u64(&ev, "start_ns", 5);
	fe_u64(&ev, "duration_ns", 6);
	CHECK_INT_EQ(add(&sp, &ev), 1);
	stack_ev(&ev, 13, 0, 10, false, 2);
	fe_del(&ev, "syscall_nr");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	CHECK_EQ(sp.nr, 2);
	CHECK(sp.v[1].name[0] == '\0' && sp.v[1].threshold_ns == 0);
	CHECK(!(sp.v[1].present & CROSSLAT_SPAN_TID));
	CHECK_INT_EQ(sp.v[1].calls->st[0].syscall_nr, -1);
	crosslat_spans_uninit(&sp);
}

/* The same ids on two hosts are two spans; the same trace read twice is kept apart. */
static void test_spans_hosts_apart(void)
{
	struct crosslat_span_key k1 = span_key(11, 0), k2 = span_key(11, 2);
	struct crosslat_spans sp;
	struct fake_event ev;
	int i;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, 0, 11, 10, 100)), 1);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 2, 2, 11, 20, 200)), 1);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 3, 3, 11, 30, 300)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 4, 2, 11, 1, 25, 10, 0)), 1);
	CHECK_EQ(sp.nr, 3);
	CHECK_EQ(sp.duplicates, 0);
	CHECK(crosslat_spans_find(&sp, &k1) && crosslat_spans_find(&sp, &k1)->duration_ns == 100);
	CHECK(crosslat_spans_find(&sp, &k2) && crosslat_spans_find(&sp, &k2)->duration_ns == 200);
	CHECK_EQ(crosslat_spans_find(&sp, &k2)->calls->nr_sc, 1);
	CHECK_EQ(crosslat_spans_find(&sp, &k1)->calls->nr_sc, 0);
	crosslat_spans_uninit(&sp);

	/* Without trace information every trace is a host of its own. */
	crosslat_spans_init(&sp);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, 0, 11, 10, 100)), 1);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, 1, 11, 10, 100)), 1);
	CHECK_EQ(sp.nr, 2);
	CHECK_EQ(sp.duplicates, 0);
	crosslat_spans_uninit(&sp);

	/* Two copies of h1's kernel trace (0 and, as hostname h1 again, 1): interleaved. */
	span_traces_init(&sp);
	span_traces[1].domain = "kernel";
	for (i = 0; i < 2; i++)
		CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, i, 12, 10, 100)), 1);
	for (i = 0; i < 2; i++)
		CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 2, i, 12, 1, 20, 10, 0)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 3, 1, 12, 1, 40, 10, 0)), 1);
	CHECK_EQ(sp.nr, 2);
	CHECK_EQ(sp.duplicates, 1);
	CHECK_EQ(sp.orphans, 0);
	CHECK(sp.v[0].ktrace == 0 && sp.v[0].calls->nr_sc == 1);
	CHECK(sp.v[1].ktrace == 1 && sp.v[1].calls->nr_sc == 2);
	crosslat_spans_uninit(&sp);
}

/* Per span: at most 32 calls, 2 stacks, 32 addresses a stack; the rest counted. */
static void test_spans_limits(void)
{
	struct crosslat_spans sp;
	struct fake_event ev;
	int i;

	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, 0, 13, 10, 100000)), 1);
	for (i = 0; i < 40; i++)
		CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 2 + i, 0, 13, i, 10 + i, 1, 0)), 1);
	for (i = 0; i < 3; i++)
		CHECK_INT_EQ(add(&sp, stack_ev(&ev, 50 + i, 0, 13, true, 40)), 1);
	CHECK_EQ(sp.v[0].calls->nr_sc, CROSSLAT_SPAN_SYSCALLS_MAX);
	CHECK_EQ(sp.v[0].calls->sc[31].nr, 31);
	CHECK_EQ(sp.v[0].calls->nr_st, CROSSLAT_SPAN_STACKS_MAX);
	CHECK_EQ(sp.v[0].calls->st[0].depth, 40);
	CHECK_EQ(sp.v[0].calls->st[0].ips[31], 0xffffffff81000000ull + 0x10 * 31);
	CHECK_EQ(sp.v[0].calls_dropped, 9);
	CHECK_EQ(sp.dropped, 9);

	/* A name longer than kept is cut, the string still terminated. */
	begin_ev(&ev, 60, 1, 14,
		 "GET /a/very/long/path/that/does/not/fit/in/the/sixty-four/bytes/of/a/name");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	CHECK_EQ(strlen(sp.v[1].name), CROSSLAT_SPAN_NAME_MAX - 1);
	crosslat_spans_uninit(&sp);
}

/* Times: the kernel's when its clock offset is known, else UST's, else CLOCK_MONOTONIC. */
static void test_spans_time(void)
{
	struct crosslat_span_time t;
	struct crosslat_spans sp;
	struct fake_event ev;

	span_traces_init(&sp);
	/* Trace 3 has no offset: the span stays in CLOCK_MONOTONIC. */
	CHECK_INT_EQ(add(&sp, annotate_ev(&ev, 1, 3, 15, 10000, 500)), 1);
	CHECK_INT_EQ(add(&sp, syscall_ev(&ev, 2, 3, 15, 1, 10100, 50, 0)), 1);
	crosslat_spans_time(&sp, &sp.v[0], &t);
	CHECK(t.known && t.monotonic && !t.epoch);
	CHECK_INT_EQ(t.start_ns, 10000);
	CHECK_INT_EQ(t.end_ns, 10500);
	CHECK_INT_EQ(crosslat_span_mono_at(&sp.v[0], &t, 10100), 10100);
	crosslat_spans_uninit(&sp);

	/* An end without its begin: it ends at the event, lasts its duration. */
	span_traces_init(&sp);
	CHECK_INT_EQ(add(&sp, end_ev(&ev, OFF1 + 9000, 1, 16, 2000, false)), 1);
	crosslat_spans_time(&sp, &sp.v[0], &t);
	CHECK(t.known && t.epoch);
	CHECK_INT_EQ(t.start_ns, OFF1 + 7000);
	CHECK_INT_EQ(t.end_ns, OFF1 + 9000);
	/* Begin without end nor kernel: an instant. */
	CHECK_INT_EQ(add(&sp, begin_ev(&ev, OFF1 + 100, 1, 17, "x")), 1);
	crosslat_spans_time(&sp, &sp.v[1], &t);
	CHECK(t.known && t.start_ns == t.end_ns);
	CHECK_EQ(crosslat_span_duration(&sp.v[1]), 0);
	/* An untimed begin: no time at all. */
	begin_ev(&ev, -1, 1, 18, "y");
	CHECK_INT_EQ(add(&sp, &ev), 1);
	crosslat_spans_time(&sp, &sp.v[2], &t);
	CHECK(!t.known);
	crosslat_spans_uninit(&sp);
}

static void test_spans_sorted(void)
{
	static const struct {
		uint64_t span, dur;
		bool kernel;
	} in[] = {
		{ 21, 5000, true }, { 22, 90000, false }, { 23, 7000, true }, { 24, 6000, true },
	};
	const struct crosslat_span **v;
	struct crosslat_spans sp;
	struct fake_event ev;
	size_t i, nr;

	span_traces_init(&sp);
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		if (in[i].kernel)
			annotate_ev(&ev, 100 - i, 0, in[i].span, 1000 * (10 - i), in[i].dur);
		else
			end_ev(&ev, OFF1 + 100, 1, in[i].span, in[i].dur, false);
		CHECK_INT_EQ(add(&sp, &ev), 1);
	}
	/* Runqueue: dur / 20; blocked and on-CPU follow duration in annotate_ev. */
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_DURATION, true, &nr);
	CHECK(v && nr == 4);
	if (v && nr == 4) {
		CHECK_EQ(v[0]->duration_ns, 7000);
		CHECK_EQ(v[1]->duration_ns, 6000);
		CHECK_EQ(v[2]->duration_ns, 5000);
		CHECK(!crosslat_span_annotated(v[3]));
	}
	free(v);
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_RUNQ, false, &nr);
	CHECK(v && nr == 3 && v[0]->runq_ns == 350 && v[2]->runq_ns == 250);
	free(v);
	v = crosslat_spans_sorted(&sp, CROSSLAT_SPAN_SORT_TIME, false, &nr);
	CHECK(v && nr == 3 && v[0]->start_ns == 7000 && v[2]->start_ns == 10000);
	free(v);
	CHECK(!strcmp(crosslat_span_sort_names[CROSSLAT_SPAN_SORT_BLOCKED], "blocked"));
	crosslat_spans_uninit(&sp);
}

static void test_spans_hex(void)
{
	uint8_t id[8], back[8];
	char hex[17];

	span_id_of(0x1011121314151617ull, id);
	CHECK(!strcmp(crosslat_span_hex(hex, id, 8), "1011121314151617"));
	CHECK_INT_EQ(crosslat_span_parse_hex("1011121314151617", back, 8), 0);
	CHECK_MEM_EQ(id, back, 8);
	CHECK_INT_EQ(crosslat_span_parse_hex("10111213141516", back, 8), -EINVAL);
	CHECK_INT_EQ(crosslat_span_parse_hex("101112131415161g", back, 8), -EINVAL);
	CHECK_INT_EQ(crosslat_span_parse_hex("ABCDEFabcdef0123", back, 8), 0);
	CHECK_EQ(back[0], 0xab);
}

/* ---- JSON syntax (to check what the views and the exporter write) ----------------------- */

static bool j_value(const char **p, int depth);

static void j_ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

static bool j_string(const char **p)
{
	int i;

	if (**p != '"')
		return false;
	for ((*p)++; **p != '"'; (*p)++) {
		if (!**p || (unsigned char)**p < 0x20)
			return false;
		if (**p != '\\')
			continue;
		(*p)++;
		if (**p == 'u') {
			for (i = 0; i < 4; i++)
				if (!isxdigit((unsigned char)*++(*p)))
					return false;
		} else if (!strchr("\"\\/bfnrt", **p) || !**p) {
			return false;
		}
	}
	(*p)++;
	return true;
}

static bool j_number(const char **p)
{
	const char *s = *p;

	if (**p == '-')
		(*p)++;
	if (!isdigit((unsigned char)**p))
		return false;
	while (isdigit((unsigned char)**p) || strchr(".eE+-", **p))
		(*p)++;
	return *p > s;
}

/* Members of an object (or elements of an array) up to close. */
static bool j_items(const char **p, int depth, bool object, char close)
{
	(*p)++;
	j_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		j_ws(p);
		if (object) {
			if (!j_string(p))
				return false;
			j_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!j_value(p, depth + 1))
			return false;
		j_ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		return *(*p)++ == close;
	}
}

static bool j_word(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*p, w, n))
		return false;
	*p += n;
	return true;
}

static bool j_value(const char **p, int depth)
{
	j_ws(p);
	if (depth > 64)
		return false;
	switch (**p) {
	case '{':
		return j_items(p, depth, true, '}');
	case '[':
		return j_items(p, depth, false, ']');
	case '"':
		return j_string(p);
	case 't':
		return j_word(p, "true");
	case 'f':
		return j_word(p, "false");
	case 'n':
		return j_word(p, "null");
	default:
		return j_number(p);
	}
}

static bool json_valid(const char *s)
{
	const char *p = s;

	if (!j_value(&p, 0))
		return false;
	j_ws(&p);
	return !*p;
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* ---- the views and OTLP of a joined span and a UST-only one ----------------------------- */

static void spans_two(struct crosslat_spans *sp)
{
	struct fake_event ev;

	span_traces_init(sp);
	add(sp, begin_ev(&ev, OFF1 + 9990, 1, 0x1011121314151617ull, "GET /x"));
	add(sp, annotate_ev(&ev, OFF1 + 18100, 0, 0x1011121314151617ull, 10000, 8000));
	add(sp, syscall_ev(&ev, OFF1 + 18101, 0, 0x1011121314151617ull, 45, 14400, 3000, 2000));
	add(sp, syscall_ev(&ev, OFF1 + 18102, 0, 0x1011121314151617ull, 230, 10100, 4000, 3900));
	add(sp, stack_ev(&ev, OFF1 + 18103, 0, 0x1011121314151617ull, true, 3));
	add(sp, end_ev(&ev, OFF1 + 18200, 1, 0x1011121314151617ull, 8000, true));
	add(sp, begin_ev(&ev, OFF1 + 20000, 1, 0x2021, "work \"quoted\""));
	add(sp, end_ev(&ev, OFF1 + 21000, 1, 0x2021, 900, false));
}

/* What crosslat_otlp_write() writes of sp (free() it), or NULL after a failed CHECK. */
static char *otlp_of(struct crosslat_spans *sp, struct crosslat_otlp_stats *st)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&out, &len);
	if (!f) {
		CHECK(0);
		return NULL;
	}
	CHECK_INT_EQ(crosslat_otlp_write(f, sp, NULL, st), 0);
	fclose(f);
	return out;
}

static void test_span_view(void)
{
	struct crosslat_span_view vw = { 0 };
	const struct crosslat_span *v[2];
	struct crosslat_spans sp;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	spans_two(&sp);
	vw.sp = &sp;
	v[0] = &sp.v[0];
	v[1] = &sp.v[1];
	f = open_memstream(&out, &len);
	if (!f) {
		CHECK(0);
		goto out;
	}
	fputs("[", f);
	crosslat_span_view_json(f, &vw, v[0]);
	fputs(",", f);
	crosslat_span_view_json(f, &vw, v[1]);
	fputs("]", f);
	fclose(f);
	CHECK(json_valid(out));
	CHECK(strstr(out, "\"span_id\":\"1011121314151617\""));
	CHECK(strstr(out, "\"name\":\"recvfrom\""));
	CHECK(strstr(out, "\"fd\":7"));
	CHECK(strstr(out, "\"top_blocking\":{\"nr\":230,\"name\":\"clock_nanosleep\""));
	CHECK(strstr(out, "\"ips\":[\"0xffffffff81000000\",\"0xffffffff81000010\""));
	CHECK(strstr(out, "\"parent_span_id\":null"));
	CHECK(strstr(out, "\"threshold_ns\":null"));
	CHECK(strstr(out, "\"name\":\"work \\\"quoted\\\"\""));
	free(out);

	out = NULL;
	f = open_memstream(&out, &len);
	if (!f) {
		CHECK(0);
		goto out;
	}
	crosslat_span_view_detail(f, &vw, v[0]);
	CHECK_INT_EQ(crosslat_span_view_table(f, &vw, v, 2), 0);
	fclose(f);
	/* The timeline is in time order, the kernel's order notwithstanding. */
	CHECK(strstr(out, "clock_nanosleep(7)") && strstr(out, "recvfrom(fd 7)") &&
	      strstr(out, "clock_nanosleep(7)") < strstr(out, "recvfrom(fd 7)"));
	CHECK(strstr(out, "+0.004    recvfrom(fd 7)               = -11"));
	CHECK(strstr(out, "3 listed, 0 unrecorded, 2 in the trace"));
	CHECK(strstr(out, "kernel stack of the longest block (clock_nanosleep"));
	CHECK(strstr(out, "SERVICE  NAME"));
	CHECK(strstr(out, "clock_nanosleep 0.004\n"));
	free(out);
out:
	crosslat_spans_uninit(&sp);
}

static void test_otlp(void)
{
	static const uint8_t id[8] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17 };
	struct crosslat_otlp_stats st;
	struct crosslat_spans sp;
	uint8_t a[8], b[8], c[8];
	struct fake_event ev;
	char *out, *line;
	size_t len;

	CHECK_EQ(crosslat_otlp_kind("GET /x"), CROSSLAT_OTLP_KIND_SERVER);
	CHECK_EQ(crosslat_otlp_kind("OPTIONS *"), CROSSLAT_OTLP_KIND_SERVER);
	CHECK_EQ(crosslat_otlp_kind("get /x"), CROSSLAT_OTLP_KIND_INTERNAL);
	CHECK_EQ(crosslat_otlp_kind("GET x"), CROSSLAT_OTLP_KIND_INTERNAL);
	CHECK_EQ(crosslat_otlp_kind(""), CROSSLAT_OTLP_KIND_INTERNAL);
	crosslat_otlp_child_id(tid_a, id, 0, a);
	crosslat_otlp_child_id(tid_a, id, 0, b);
	crosslat_otlp_child_id(tid_a, id, 1, c);
	CHECK_MEM_EQ(a, b, 8);
	CHECK(memcmp(a, c, 8) && memcmp(a, id, 8));

	spans_two(&sp);
	out = otlp_of(&sp, &st);
	if (!out)
		goto out;
	len = strlen(out);
	CHECK_EQ(st.spans, 2);
	CHECK_EQ(st.syscalls, 2);
	CHECK_EQ(st.stacks, 1);
	CHECK_EQ(st.lines, 1);
	CHECK_EQ(st.not_epoch + st.untimed, 0);
	CHECK(len && out[len - 1] == '\n');
	line = strchr(out, '\n');
	CHECK(line == out + len - 1);
	if (line)
		*line = '\0';
	CHECK(json_valid(out));
	CHECK(!strncmp(out, "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
		       "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}},"
		       "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"h1\"}}]},"
		       "\"scopeSpans\":[{\"scope\":{\"name\":\"crosslat\"},\"spans\":[", 200));
	CHECK_EQ(count_of(out, "\"parentSpanId\":\"1011121314151617\""), 2);
	CHECK_EQ(count_of(out, "\"traceId\":\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\""), 4);
	CHECK_EQ(count_of(out, "\"parentSpanId\""), 3);	/* the UST span is a root */
	CHECK(strstr(out, "\"name\":\"GET /x\",\"kind\":2"));
	CHECK(strstr(out, "\"kind\":1,\"startTimeUnixNano\":\"1700000000000020000\""));
	CHECK(strstr(out, "\"startTimeUnixNano\":\"1700000000000010000\","
			  "\"endTimeUnixNano\":\"1700000000000018000\""));
	CHECK(strstr(out, "\"name\":\"recvfrom\",\"kind\":1,"
			  "\"startTimeUnixNano\":\"1700000000000014400\","
			  "\"endTimeUnixNano\":\"1700000000000017400\""));
	CHECK(strstr(out, "{\"key\":\"crosslat.syscall.fd\",\"value\":{\"intValue\":\"7\"}}"));
	CHECK(strstr(out, "{\"key\":\"crosslat.syscall.arg0\",\"value\":{\"intValue\":\"7\"}}"));
	CHECK(strstr(out, "\"events\":[{\"name\":\"crosslat.stack.kernel\","
			  "\"timeUnixNano\":\"1700000000000010100\""));
	CHECK(strstr(out, "\"stringValue\":\"0xffffffff81000000 0xffffffff81000010 "
			  "0xffffffff81000020\""));
	CHECK(strstr(out, "\"status\":{\"code\":1}"));
	CHECK(strstr(out, "{\"key\":\"thread.id\",\"value\":{\"intValue\":\"300\"}}"));
	CHECK(!strstr(out, "crosslat.clock"));
	free(out);
	crosslat_spans_uninit(&sp);

	/* No clock offset: CLOCK_MONOTONIC times, said so. */
	span_traces_init(&sp);
	add(&sp, annotate_ev(&ev, 1, 3, 0x31, 10000, 500));
	out = otlp_of(&sp, &st);
	if (!out)
		goto out;
	CHECK_EQ(st.not_epoch, 1);
	CHECK(strstr(out, "\"startTimeUnixNano\":\"10000\""));
	CHECK(strstr(out, "{\"key\":\"crosslat.clock\","
			  "\"value\":{\"stringValue\":\"monotonic\"}}"));
	CHECK(!strstr(out, "host.name"));
	CHECK(strstr(out, "\"stringValue\":\"svc\""));
	free(out);
out:
	crosslat_spans_uninit(&sp);
}

/* Batches of CROSSLAT_OTLP_BATCH spans a line, grouped by resource inside a line. */
static void test_otlp_batches(void)
{
	struct crosslat_otlp_stats st;
	struct crosslat_spans sp;
	struct fake_event ev;
	char *out, *p, *nl;
	size_t i, lines = 0;

	span_traces_init(&sp);
	for (i = 0; i < CROSSLAT_OTLP_BATCH + 10; i++) {
		begin_ev(&ev, OFF1 + i, 1, 0x100 + i, "x");
		fe_str(&ev, "service", i % 2 ? "odd" : "even");
		add(&sp, &ev);
	}
	out = otlp_of(&sp, &st);
	if (!out)
		goto out;
	CHECK_EQ(st.lines, 2);
	CHECK_EQ(st.spans, CROSSLAT_OTLP_BATCH + 10);
	for (p = out; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		CHECK(json_valid(p));
		CHECK_EQ(count_of(p, "\"resource\":"), 2);
		lines++;
	}
	CHECK_EQ(lines, 2);
	free(out);
out:
	crosslat_spans_uninit(&sp);
}

/* ---- syscalls and kallsyms -------------------------------------------------------------- */

static void test_syscall_names(void)
{
	char buf[CROSSLAT_SYSCALL_NAME_MAX];

	CHECK(!strcmp(crosslat_syscall_name(0, buf, sizeof(buf)), "read"));
	CHECK(!strcmp(crosslat_syscall_name(45, buf, sizeof(buf)), "recvfrom"));
	CHECK(!strcmp(crosslat_syscall_name(230, buf, sizeof(buf)), "clock_nanosleep"));
	CHECK(!strcmp(crosslat_syscall_name(74, buf, sizeof(buf)), "fsync"));
	CHECK(!strcmp(crosslat_syscall_name(400, buf, sizeof(buf)), "syscall_400"));
	CHECK(!strcmp(crosslat_syscall_name(99999, buf, sizeof(buf)), "syscall_99999"));
	CHECK(!strcmp(crosslat_syscall_name(-1, buf, sizeof(buf)), "syscall_-1"));
	CHECK(crosslat_syscall_arg_is_fd(1) && crosslat_syscall_arg_is_fd(74));
	CHECK(!crosslat_syscall_arg_is_fd(230) && !crosslat_syscall_arg_is_fd(-1));
}

static void test_kallsyms(void)
{
	struct crosslat_kallsyms ks = { 0 };
	char path[] = "/tmp/crosslat-kallsyms.XXXXXX", buf[128];
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0) {
		CHECK(0);
		return;
	}
	f = fdopen(fd, "w");
	if (!f) {
		CHECK(0);
		close(fd);
		unlink(path);
		return;
	}
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff81000100 t schedule\n"
	      "ffffffff81000080 D some_data\n"
	      "ffffffffc0000000 t ext4_sync_file\t[ext4]\n"
	      "0000000000000000 A fixed_percpu_data\n", f);
	fclose(f);
	CHECK_INT_EQ(crosslat_kallsyms_load(&ks, path), 0);
	CHECK_EQ(ks.nr, 3);
	CHECK(!strcmp(crosslat_kallsyms_fmt(&ks, 0xffffffff81000123ull, buf, sizeof(buf)),
		      "schedule+0x23"));
	CHECK(!strcmp(crosslat_kallsyms_fmt(&ks, 0xffffffff81000090ull, buf, sizeof(buf)),
		      "_stext+0x90"));
	CHECK(!strcmp(crosslat_kallsyms_fmt(&ks, 0xffffffffc0000010ull, buf, sizeof(buf)),
		      "ext4_sync_file+0x10 [ext4]"));
	CHECK(crosslat_kallsyms_fmt(&ks, 0xffffffff80000000ull, buf, sizeof(buf)) == NULL);
	CHECK(crosslat_kallsyms_fmt(&ks, 0xffffffffc1000000ull, buf, sizeof(buf)) == NULL);
	crosslat_kallsyms_free(&ks);
	CHECK_EQ(ks.nr, 0);

	/* As an unprivileged reader sees it: every address 0. */
	f = fopen(path, "w");
	if (f) {
		fputs("0000000000000000 T _stext\n0000000000000000 t schedule\n", f);
		fclose(f);
	}
	CHECK_INT_EQ(crosslat_kallsyms_load(&ks, path), -ENODATA);
	unlink(path);
	CHECK_INT_EQ(crosslat_kallsyms_load(&ks, path), -ENOENT);
}

/* ---- trace_find ------------------------------------------------------------------------- */

static char tmpdir[64];

static void mkfile(const char *rel)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	f = fopen(p, "w");
	if (f)
		fclose(f);
	else
		CHECK(0);
}

static void mkd(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	if (mkdir(p, 0755))
		CHECK(0);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void test_trace_find(void)
{
	struct crosslat_trace_dirs d = { 0 };
	char p[256];
	int rc;

	strcpy(tmpdir, "/tmp/crosslat-analyze-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		CHECK(0);
		return;
	}
	/* An LTTng session: kernel/ and ust/uid/0/64-bit/, index/ dirs, a stray file. */
	mkd("s");
	mkd("s/kernel");
	mkd("s/kernel/index");
	mkfile("s/kernel/metadata");
	mkfile("s/kernel/channel0_0");
	mkd("s/ust");
	mkd("s/ust/uid");
	mkd("s/ust/uid/0");
	mkd("s/ust/uid/0/64-bit");
	mkfile("s/ust/uid/0/64-bit/metadata");
	mkfile("s/README");
	mkd("s/empty");
	mkd("s/kernel-not");
	mkd("s/kernel-not/metadata");		/* a directory called metadata: not a trace */
	snprintf(p, sizeof(p), "%s/s/kernel", tmpdir);
	snprintf(p + 128, 128, "%s/s/loop", tmpdir);
	/* Symbolic links below the argument are not followed. */
	if (symlink(p, p + 128))
		CHECK(0);

	snprintf(p, sizeof(p), "%s/s", tmpdir);
	rc = crosslat_trace_find(p, &d);
	CHECK_INT_EQ(rc, 2);
	CHECK_EQ(d.nr, 2);
	if (d.nr == 2) {
		CHECK(ends_with(d.path[0], "/s/kernel"));
		CHECK(ends_with(d.path[1], "/s/ust/uid/0/64-bit"));
	}
	/* Named again, directly or by its metadata file: found, not added twice. */
	snprintf(p, sizeof(p), "%s/s/kernel/", tmpdir);
	CHECK_INT_EQ(crosslat_trace_find(p, &d), 1);
	snprintf(p, sizeof(p), "%s/s/kernel/metadata", tmpdir);
	CHECK_INT_EQ(crosslat_trace_find(p, &d), 1);
	snprintf(p, sizeof(p), "%s/s/loop", tmpdir);	/* the argument itself is followed */
	CHECK_INT_EQ(crosslat_trace_find(p, &d), 1);
	CHECK_EQ(d.nr, 2);

	snprintf(p, sizeof(p), "%s/s/empty", tmpdir);
	CHECK_INT_EQ(crosslat_trace_find(p, &d), 0);
	snprintf(p, sizeof(p), "%s/s/README", tmpdir);
	CHECK_INT_EQ(crosslat_trace_find(p, &d), -ENOTDIR);
	snprintf(p, sizeof(p), "%s/nope", tmpdir);
	CHECK_INT_EQ(crosslat_trace_find(p, &d), -ENOENT);
	CHECK_EQ(d.nr, 2);
	crosslat_trace_dirs_free(&d);
	CHECK_EQ(d.nr, 0);

	snprintf(p, sizeof(p), "rm -rf '%s'", tmpdir);
	if (system(p))
		CHECK(0);
}

/* ---- hops ---- */

static void hop_ev(struct crosslat_hops *h, uint32_t trace, int32_t from, int32_t to,
		   uint8_t resp, uint64_t lat)
{
	struct fake_event ev;

	fe_new(&ev, CROSSLAT_EV_PKT_HOP, 1000 + (int64_t)lat, trace);
	fe_u64(&ev, "netns_inum", 4026532000u);
	fe_s64(&ev, "from_ifindex", from);
	fe_s64(&ev, "to_ifindex", to);
	fe_u64(&ev, "from_role", from < 10 ? CROSSLAT_HOP_VPORT : CROSSLAT_HOP_NIC);
	fe_u64(&ev, "to_role", to < 10 ? CROSSLAT_HOP_VPORT : CROSSLAT_HOP_NIC);
	fe_u64(&ev, "is_response", resp);
	fe_u64(&ev, "latency_ns", lat);
	fe_u64(&ev, "len", 100);
	CHECK_INT_EQ(crosslat_hops_add(h, &ev.r), 1);
}

static void test_hops(void)
{
	struct crosslat_hops h;
	struct fake_event ev;
	uint64_t i;
	char buf[16];

	crosslat_hops_init(&h);
	for (i = 1; i <= 100; i++)		/* vport 3 -> nic 12: 1..100 us */
		hop_ev(&h, 0, 3, 12, 0, i * 1000);
	hop_ev(&h, 0, 3, 12, 1, 5000);		/* a response: its own hop */
	hop_ev(&h, 1, 3, 12, 0, 7000);		/* another trace (host): its own hop */
	fe_new(&ev, CROSSLAT_EV_PKT_HOP, 5, 0);	/* no fields: counted, ignored */
	CHECK_INT_EQ(crosslat_hops_add(&h, &ev.r), 1);
	fe_new(&ev, "crosslat_rtt_alert", 5, 0);
	CHECK_INT_EQ(crosslat_hops_add(&h, &ev.r), 0);
	crosslat_hops_finish(&h);
	CHECK_EQ(h.nr, 3);
	CHECK_EQ(h.events, 102);
	CHECK_EQ(h.malformed, 1);
	CHECK_EQ(h.v[0].nr, 100);
	CHECK_EQ(h.v[0].min, 1000);
	CHECK_EQ(h.v[0].p50, 50000);
	CHECK_EQ(h.v[0].p90, 90000);
	CHECK_EQ(h.v[0].p99, 99000);
	CHECK_EQ(h.v[0].max, 100000);
	CHECK_EQ(h.v[0].bytes, 10000);
	CHECK_EQ(h.v[1].key.is_response, 1);
	CHECK_EQ(h.v[2].key.trace, 1);
	CHECK(!strcmp(crosslat_hop_role_name(CROSSLAT_HOP_NIC, buf, sizeof(buf)), "nic"));
	CHECK(!strcmp(crosslat_hop_role_name(9, buf, sizeof(buf)), "role 9"));
	crosslat_hops_uninit(&h);
}

/* ---- layers ---- */

static void layer_ev(struct crosslat_layers *l, const char *name, int64_t ts, uint8_t point,
		     uint32_t seq, uint32_t len, int32_t ifindex)
{
	const struct tuple t = { 1, 1, 2, 45303, 5303 };
	struct fake_event ev;

	fe_new(&ev, name, ts, 0);
	fe_tuple(&ev, &t);
	fe_u64(&ev, "point", point);
	fe_u64(&ev, "seq", seq);
	fe_u64(&ev, "len", len);
	fe_s64(&ev, "ifindex", ifindex);
	fe_s64(&ev, "pid", point == CROSSLAT_LAYER_SOCK_SEND ? 77 : 0);
	fe_str(&ev, "comm", point == CROSSLAT_LAYER_SOCK_SEND ? "client" : "");
	CHECK_INT_EQ(crosslat_layers_add(l, &ev.r), 1);
}

static void test_layers(void)
{
	const char *sock = CROSSLAT_EV_LAYER_SOCK, *nf = CROSSLAT_EV_LAYER_NF;
	const char *dev = CROSSLAT_EV_LAYER_DEV;
	const struct tuple t = { 1, 1, 2, 45303, 5303 };
	const struct crosslat_layer_flow *f;
	struct crosslat_layers l;
	struct fake_event ev;
	char buf[16];
	uint8_t a[16];

	crosslat_layers_init(&l);
	/* egress: two send calls, their segments through LOCAL_OUT, dev queue, dev xmit */
	layer_ev(&l, nf, 500, CROSSLAT_LAYER_NF_OUT, 50, 10, 0);	/* before any call */
	layer_ev(&l, sock, 1000, CROSSLAT_LAYER_SOCK_SEND, 100, 300, 0);
	layer_ev(&l, nf, 1500, CROSSLAT_LAYER_NF_OUT, 100, 300, 0);
	layer_ev(&l, dev, 1700, CROSSLAT_LAYER_DEV_QUEUE, 100, 300, 3);
	layer_ev(&l, sock, 2000, CROSSLAT_LAYER_SOCK_SEND, 400, 100, 0);
	layer_ev(&l, nf, 2100, CROSSLAT_LAYER_NF_OUT, 400, 100, 0);
	layer_ev(&l, nf, 2120, CROSSLAT_LAYER_NF_OUT, 500, 0, 0);	/* an ACK */
	layer_ev(&l, dev, 2150, CROSSLAT_LAYER_DEV_QUEUE, 400, 100, 3);
	layer_ev(&l, dev, 2200, CROSSLAT_LAYER_DEV_XMIT, 400, 100, 5);	/* another device */
	layer_ev(&l, dev, 51700, CROSSLAT_LAYER_DEV_XMIT, 100, 300, 3);
	layer_ev(&l, dev, 52150, CROSSLAT_LAYER_DEV_XMIT, 400, 100, 3);
	layer_ev(&l, nf, 90000, CROSSLAT_LAYER_NF_OUT, 100, 300, 0);	/* retransmitted */
	layer_ev(&l, dev, 90100, CROSSLAT_LAYER_DEV_QUEUE, 100, 300, 3);
	layer_ev(&l, dev, 90200, CROSSLAT_LAYER_DEV_XMIT, 100, 300, 3);
	/* ingress: two segments; the second's read call returned before it came in */
	layer_ev(&l, dev, 3000, CROSSLAT_LAYER_DEV_RECV, 7000, 200, 3);
	layer_ev(&l, nf, 3010, CROSSLAT_LAYER_NF_IN, 7000, 200, 0);
	layer_ev(&l, sock, 4010, CROSSLAT_LAYER_SOCK_RECV, 7000, 200, 0);
	layer_ev(&l, sock, 4999, CROSSLAT_LAYER_SOCK_RECV, 7200, 100, 0);
	layer_ev(&l, dev, 5000, CROSSLAT_LAYER_DEV_RECV, 7200, 100, 3);
	layer_ev(&l, nf, 5020, CROSSLAT_LAYER_NF_IN, 7200, 100, 0);
	/* an arming, a layer event without its point, another event */
	fe_new(&ev, CROSSLAT_EV_LAYER_ARM, 400, 0);
	fe_u64(&ev, "netns_inum", 4026531841u);
	fe_u64(&ev, "netns_only", 0);
	fe_u64(&ev, "family", 4);
	v4(a, t.l);
	fe_bytes(&ev, "laddr", a, 16);
	v4(a, t.r);
	fe_bytes(&ev, "raddr", a, 16);
	fe_u64(&ev, "lport", t.lport);
	fe_u64(&ev, "rport", t.rport);
	fe_u64(&ev, "reason", 1);
	CHECK_INT_EQ(crosslat_layers_add(&l, &ev.r), 1);
	fe_new(&ev, nf, 600, 0);
	fe_tuple(&ev, &t);
	CHECK_INT_EQ(crosslat_layers_add(&l, &ev.r), 1);
	fe_new(&ev, CROSSLAT_EV_PKT_HOP, 700, 0);
	CHECK_INT_EQ(crosslat_layers_add(&l, &ev.r), 0);

	CHECK_INT_EQ(crosslat_layers_finish(&l), 0);
	CHECK_EQ(l.nr, 1);
	CHECK_EQ(l.events, 21);
	CHECK_EQ(l.malformed, 1);
	CHECK_EQ(l.nr_arms, 1);
	CHECK_EQ(l.arms[0].reason, 1);
	CHECK_EQ(l.arms[0].lport, 45303);
	f = &l.v[0];
	CHECK(!strcmp(f->task, "client[77]"));
	CHECK_EQ(f->events[CROSSLAT_LAYER_NF_OUT], 5);
	CHECK_EQ(f->events[CROSSLAT_LAYER_DEV_XMIT], 4);
	CHECK_EQ(f->retrans, 1);
	CHECK_EQ(f->unmatched, 2);	/* seq 50 (no call), seq 7200 (read before) */
	CHECK_EQ(f->stage[CROSSLAT_STAGE_SEND].nr, 2);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_SEND].p50, 100);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_SEND].max, 500);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_OUT].nr, 2);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_OUT].max, 200);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_QDISC].nr, 2);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_QDISC].p50, 50000);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_QDISC].max, 50000);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_IN].nr, 2);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_IN].p50, 10);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_IN].max, 20);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_READ].nr, 1);
	CHECK_EQ(f->stage[CROSSLAT_STAGE_READ].max, 1000);
	CHECK(!strcmp(crosslat_arm_reason_name(2, buf, sizeof(buf)), "manual"));
	CHECK(!strcmp(crosslat_arm_reason_name(7, buf, sizeof(buf)), "reason 7"));
	crosslat_layers_uninit(&l);
}

/* ---- sched ---- */

static void sched_switch_ev(struct crosslat_sched *s, int64_t ts, int64_t prev, uint64_t state,
			    uint64_t netns, int64_t next)
{
	struct fake_event ev;

	fe_new(&ev, CROSSLAT_EV_SCHED_SWITCH, ts, 0);
	fe_s64(&ev, "prev_tid", prev);
	fe_u64(&ev, "prev_state", state);
	fe_s64(&ev, "next_tid", next);
	if (netns)
		fe_u64(&ev, "net_ns", netns);
	CHECK_INT_EQ(crosslat_sched_add(s, &ev.r), 1);
}

static void sched_wakeup_ev(struct crosslat_sched *s, int64_t ts, int64_t tid)
{
	struct fake_event ev;

	fe_new(&ev, CROSSLAT_EV_SCHED_WAKEUP, ts, 0);
	fe_s64(&ev, "tid", tid);
	CHECK_INT_EQ(crosslat_sched_add(s, &ev.r), 1);
}

static void test_sched(void)
{
	struct crosslat_sched s;
	struct fake_event ev;

	crosslat_sched_init(&s);
	/* tasks 10 and 11 in netns 100, 20 in 200; each switched out once to learn it */
	sched_switch_ev(&s, 0, 10, 1, 100, 0);
	sched_switch_ev(&s, 1, 11, 1, 100, 0);
	sched_switch_ev(&s, 2, 20, 1, 200, 0);
	/* 10 waits [100, 300), 11 waits [200, 400): one union [100, 400) */
	sched_wakeup_ev(&s, 100, 10);
	sched_wakeup_ev(&s, 200, 11);
	sched_switch_ev(&s, 300, 0, 0, 0, 10);
	sched_switch_ev(&s, 400, 10, 0x100, 100, 11);	/* 10 preempted: waits from 400 */
	sched_switch_ev(&s, 450, 11, 1, 100, 10);	/* ... to 450 */
	/* 20 woken twice (the second ignored), runs at 1000; 30 never placed */
	sched_wakeup_ev(&s, 500, 20);
	sched_wakeup_ev(&s, 600, 20);
	sched_switch_ev(&s, 1000, 0, 0, 0, 20);
	sched_wakeup_ev(&s, 700, 30);
	sched_switch_ev(&s, 800, 0, 0, 0, 30);
	/* 20 runs from 1000; woken while it runs (about to sleep): no wait */
	sched_wakeup_ev(&s, 1100, 20);
	sched_switch_ev(&s, 1200, 20, 1, 200, 0);
	sched_switch_ev(&s, 1300, 0, 0, 0, 20);
	/* not a scheduler event; a sched_switch without its tids is not used */
	fe_new(&ev, "irq_handler_entry", 5, 0);
	CHECK_INT_EQ(crosslat_sched_add(&s, &ev.r), 0);
	fe_new(&ev, CROSSLAT_EV_SCHED_SWITCH, 6, 0);
	CHECK_INT_EQ(crosslat_sched_add(&s, &ev.r), 0);
	CHECK_INT_EQ(crosslat_sched_finish(&s), 0);
	CHECK(crosslat_sched_has_data(&s));
	CHECK_EQ(s.no_netns, 1);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 100, 0, 2000), 350);	/* [100,450) */
	CHECK_EQ(crosslat_sched_runq(&s, 0, 100, 150, 250), 100);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 100, 350, 420), 70);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 100, 450, 2000), 0);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 200, 0, 2000), 500);	/* [500,1000) */
	CHECK_EQ(crosslat_sched_runq(&s, 0, 200, 900, 950), 50);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 300, 0, 2000), 0);
	CHECK_EQ(crosslat_sched_runq(&s, 1, 100, 0, 2000), 0);
	CHECK_EQ(crosslat_sched_runq(&s, 0, 100, 300, 200), 0);
	crosslat_sched_uninit(&s);
}

/* ---- verdicts ---- */

/* A kernel-annotated span of request req (its trace id), times in ms from the request's t0. */
/* The trace of the "be" spans vspan adds (another host's in test_verdicts_hosts). */
static uint32_t vspan_be_trace;

static void vspan(struct crosslat_spans *sp, uint32_t req, uint64_t span, uint64_t parent,
		  const char *service, double start_ms, double end_ms, double runq_ms,
		  double pre_runq_ms)
{
	uint32_t trace = !strcmp(service, "be") ? vspan_be_trace : 0;
	struct fake_event ev;
	uint8_t trace_id[16] = { 0x5e }, id[8], pid[8] = { 0 };
	uint64_t t0 = 1000000000ull + req * 1000000000ull;
	uint64_t start = t0 + (uint64_t)(start_ms * 1e6), dur = (uint64_t)((end_ms - start_ms) * 1e6);

	trace_id[15] = req & 0xff;
	trace_id[14] = req >> 8;
	fe_new(&ev, CROSSLAT_EV_SPAN_ANNOTATE, OFF1 + (int64_t)(start + dur), trace);
	fe_bytes(&ev, "trace_id", trace_id, 16);
	span_id_of(span, id);
	fe_bytes(&ev, "span_id", id, 8);
	if (parent)
		span_id_of(parent, pid);
	fe_bytes(&ev, "parent_span_id", pid, 8);
	fe_s64(&ev, "tid", 300 + span);
	fe_str(&ev, "name", "x");
	fe_str(&ev, "service", service);
	fe_s64(&ev, "pid", 299);
	fe_u64(&ev, "start_ns", start);
	fe_u64(&ev, "duration_ns", dur);
	fe_u64(&ev, "runq_ns", (uint64_t)(runq_ms * 1e6));
	fe_u64(&ev, "net_ns", service[0] == 'f' ? 4026531001u : 4026531002u);	/* the pod */
	if (pre_runq_ms >= 0)
		fe_u64(&ev, "pre_runq_ns", (uint64_t)(pre_runq_ms * 1e6));
	CHECK_INT_EQ(add(sp, &ev), 1);
}

/*
 * One request: fe's root span 1 calls be (span 2, on another thread) and be2 (span 4) at
 * once; be (span 3) and be2 (span 5) serve them. Extra ms: be's handler (app), its wait
 * for a CPU before it began (pre), the way to be and back (net), be2's own runqueue wait.
 */
static void vrequest_be(struct crosslat_spans *sp, uint32_t req, const char *be, double app,
			double pre, double net, double be2_runq)
{
	double be_end = 22 + app + pre + net, c1_end = be_end + 3, c2_end = 15 + be2_runq;
	double end = (c1_end > c2_end ? c1_end : c2_end) + 2;

	vspan(sp, req, 1, 0, "fe", 0, end, 0.2, -1);
	vspan(sp, req, 2, 1, "fe", 5, c1_end, 0.1, -1);
	vspan(sp, req, 3, 2, be, 8 + pre + net / 2, be_end - net / 2, 1, 0.5 + pre);
	vspan(sp, req, 4, 1, "fe", 5, 15 + be2_runq, 0, -1);
	vspan(sp, req, 5, 4, "be2", 7, 13 + be2_runq, 0.5 + be2_runq, 0.2);
}

static void vrequest(struct crosslat_spans *sp, uint32_t req, double app, double pre,
		     double net, double be2_runq)
{
	vrequest_be(sp, req, "be", app, pre, net, be2_runq);
}

static const struct crosslat_request *vfind(const struct crosslat_verdicts *v, uint32_t req)
{
	size_t i;

	for (i = 0; i < v->nr; i++)
		if (v->req[i].root->key.trace_id[15] == (req & 0xff) &&
		    v->req[i].root->key.trace_id[14] == req >> 8)
			return &v->req[i];
	return NULL;
}

static void check_culprit(const struct crosslat_request *r, enum crosslat_domain d,
			  enum crosslat_part_kind kind, const char *service, const char *peer)
{
	const struct crosslat_part *c;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(r->slow);
	CHECK_INT_EQ(r->domain, d);
	CHECK(r->culprit >= 0);
	if (r->culprit < 0)
		return;
	c = &r->parts[r->culprit];
	CHECK_INT_EQ(c->kind, kind);
	CHECK(!strcmp(c->service, service));
	if (peer)
		CHECK(!strcmp(c->peer, peer));
	else
		CHECK(c->peer == NULL);
}

/*
 * The "be" spans on another host (h2, its clock aligned on h1's): one request over both
 * when the verdicts are across hosts; without, be's spans are requests of their own.
 */
static void test_verdicts_hosts(void)
{
	struct crosslat_verdict_params params = { .across_hosts = true };
	struct crosslat_spans sp;
	struct crosslat_verdicts v;
	uint32_t i;

	span_traces_init(&sp);
	span_traces[2].mono_offset_ns = OFF1;	/* aligned */
	vspan_be_trace = 2;
	for (i = 0; i < 20; i++)
		vrequest(&sp, i, (i % 10) * 0.1, 0, 0, 0);
	vrequest(&sp, 30, 0, 0, 40, 0);		/* the network between fe and be */
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &sp, &params), 0);
	CHECK_EQ(v.nr, 21);
	CHECK_EQ(v.orphans, 0);
	CHECK(vfind(&v, 0) && vfind(&v, 0)->spans == 5);
	check_culprit(vfind(&v, 30), CROSSLAT_DOMAIN_NETWORK, CROSSLAT_PART_NET, "fe", "be");
	crosslat_verdicts_free(&v);
	params.across_hosts = false;
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &sp, &params), 0);
	CHECK(vfind(&v, 0) && vfind(&v, 0)->spans == 4);
	CHECK_EQ(v.nr, 42);	/* be's spans: requests of their own */
	crosslat_verdicts_free(&v);
	crosslat_spans_uninit(&sp);
	vspan_be_trace = 0;
}

static void test_verdicts(void)
{
	struct crosslat_spans base, sp;
	struct crosslat_verdicts v;
	const struct crosslat_request *r;
	uint32_t i;

	span_traces_init(&base);
	for (i = 0; i < 40; i++)	/* a little jitter: 0 to 1.9 ms of handler time */
		vrequest(&base, i, (i % 20) * 0.1, 0, 0, 0);
	/* the baseline judged against itself: nothing slow, no culprit */
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &base, &base, NULL), 0);
	CHECK_EQ(v.nr, 40);
	CHECK_EQ(v.base_requests, 40);
	CHECK_EQ(v.nr_slow, 0);
	CHECK_EQ(v.nr_culprits, 0);
	CHECK_EQ(v.orphans, 0);
	r = vfind(&v, 0);
	CHECK(r != NULL && r->spans == 5);
	crosslat_verdicts_free(&v);

	span_traces_init(&sp);
	vrequest(&sp, 100, 40, 0, 0, 0);	/* be's handler */
	vrequest(&sp, 101, 0, 0, 40, 0);	/* the network between fe and be */
	vrequest(&sp, 102, 0, 40, 0, 0);	/* be woken, waiting for a CPU before its span */
	vrequest(&sp, 103, 0, 0, 0, 60);	/* be2 waiting for a CPU in its span */
	vrequest(&sp, 104, 1, 0, 0, 0);		/* as usual */
	for (i = 0; i < 3; i++)			/* enough of one kind for a run culprit */
		vrequest(&sp, 110 + i, 0, 0, 50, 0);
	/* a span of another request whose root is not in the trace: not a request */
	vspan(&sp, 120, 3, 2, "be", 1, 2, 0, -1);
	/* clocks aligned no better than 45 ms: no culprit on 40 ms, some on 50 or 60 */
	{
		struct crosslat_verdict_params p = { .min_floor_ns = 45000000 };

		CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, &p), 0);
		CHECK_EQ(v.floor_ns, 45000000);
		CHECK_EQ(v.nr_slow, 7);
		CHECK_EQ(v.nr_named, 4);
		CHECK(vfind(&v, 101) && vfind(&v, 101)->culprit == -1);
		crosslat_verdicts_free(&v);
	}
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, NULL), 0);
	CHECK_EQ(v.nr, 9);
	CHECK_EQ(v.nr_slow, 7);
	CHECK_EQ(v.nr_named, 7);
	/* threshold: median 28.95 + 2 x (p90 28.8 + ...): above the baseline's tail */
	CHECK(v.threshold_ns >= 30000000 && v.threshold_ns < 45000000);
	check_culprit(vfind(&v, 100), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_APP, "be", NULL);
	check_culprit(vfind(&v, 101), CROSSLAT_DOMAIN_NETWORK, CROSSLAT_PART_NET, "fe", "be");
	check_culprit(vfind(&v, 102), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_RUNQ, "be", NULL);
	/* be2's call became the critical path */
	check_culprit(vfind(&v, 103), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_RUNQ, "be2", NULL);
	r = vfind(&v, 104);
	CHECK(r != NULL && !r->slow && r->domain == CROSSLAT_DOMAIN_NONE && r->culprit == -1);
	/* the network's 40 ms above the baseline's, within a ms */
	r = vfind(&v, 101);
	CHECK(r->domain_ns[CROSSLAT_DOMAIN_NETWORK] > 39000000 &&
	      r->domain_ns[CROSSLAT_DOMAIN_NETWORK] < 41000000);
	CHECK(r->domain_ns[CROSSLAT_DOMAIN_RECEIVER] < 1000000);
	if (r->domain_ns[CROSSLAT_DOMAIN_RECEIVER] >= 1000000)
		for (i = 0; i < r->nr_parts; i++)
			printf("# %s %s %s %lu base %lu\n", crosslat_part_names[r->parts[i].kind],
			       r->parts[i].service, r->parts[i].peer ? r->parts[i].peer : "-",
			       (unsigned long)r->parts[i].ns, (unsigned long)r->parts[i].base_ns);
	/* groups: the network one (4 requests) first, the run's only culprit (>= 3 and 2%) */
	CHECK(v.nr_groups == 4);
	CHECK_INT_EQ(v.groups[0].requests, 4);
	CHECK_INT_EQ(v.groups[0].domain, CROSSLAT_DOMAIN_NETWORK);
	CHECK(v.groups[0].culprit);
	CHECK_EQ(v.nr_culprits, 1);
	CHECK_EQ(v.orphans, 0);
	crosslat_verdicts_free(&v);

	/*
	 * With the pods' runqueue waits: in request 101 the call to be is outside be's span
	 * [5, 28) and [42, 65) ms after t0; be's pod (its sidecar, say) waited for a CPU
	 * [5, 28) and [42, 52): 33 ms of the call's 46, which are now be's
	 */
	{
		struct crosslat_verdict_params p = { 0 };
		struct crosslat_sched sched;
		int64_t t0 = OFF1 + 1000000000ll + 101 * 1000000000ll;

		crosslat_sched_init(&sched);
		sched_switch_ev(&sched, t0, 77, 1, 4026531002u, 0);
		sched_wakeup_ev(&sched, t0 + 5000000, 77);
		sched_switch_ev(&sched, t0 + 28000000, 0, 0, 0, 77);
		sched_switch_ev(&sched, t0 + 30000000, 77, 1, 4026531002u, 0);
		sched_wakeup_ev(&sched, t0 + 42000000, 77);
		sched_switch_ev(&sched, t0 + 52000000, 0, 0, 0, 77);
		CHECK_INT_EQ(crosslat_sched_finish(&sched), 0);
		p.sched = &sched;
		CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, &p), 0);
		check_culprit(vfind(&v, 101), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_RUNQ, "be",
			      NULL);
		r = vfind(&v, 101);
		CHECK(r->domain_ns[CROSSLAT_DOMAIN_RECEIVER] > 31000000 &&
		      r->domain_ns[CROSSLAT_DOMAIN_RECEIVER] < 33000000);
		/* the others as without */
		check_culprit(vfind(&v, 100), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_APP, "be",
			      NULL);
		check_culprit(vfind(&v, 110), CROSSLAT_DOMAIN_NETWORK, CROSSLAT_PART_NET, "fe",
			      "be");
		crosslat_verdicts_free(&v);
		crosslat_sched_uninit(&sched);
	}

	/*
	 * With crosslat_pkt's view of request 101's call to be: its request left fe's pod port
	 * 0.5 ms after the call began, reached be's port 1 ms later, and be's span began
	 * 26.5 ms after that (be queued it): the 46 ms of the call are now 0.5 sent, 1 + 20
	 * on the network (the way back, unseen), 26.5 received. And request 102's call: its
	 * request waited 40 ms to reach be's port (a lost first copy): the network's.
	 */
	{
		struct crosslat_verdict_params p = { 0 };
		struct crosslat_hops hops;
		struct fake_event ev;
		uint8_t tid[16] = { 0x5e }, sid[8];
		uint64_t t0 = 1000000000ull + 101 * 1000000000ull;
		unsigned int k;

		crosslat_hops_init(&hops);
		for (k = 0; k < 4; k++) {
			/* 101: vport -> nic, nic -> vport; 102: the same 40 ms later */
			uint64_t base_t = k < 2 ? t0 : t0 + 1000000000ull + 40000000ull;

			tid[15] = k < 2 ? 101 : 102;
			span_id_of(2, sid);
			fe_new(&ev, CROSSLAT_EV_PKT_HOP, 0, 0);
			fe_u64(&ev, "netns_inum", k % 2 ? 2 : 1);
			fe_s64(&ev, "from_ifindex", k % 2 ? 20 : 3);
			fe_s64(&ev, "to_ifindex", k % 2 ? 4 : 20);
			fe_u64(&ev, "from_role", k % 2 ? CROSSLAT_HOP_NIC : CROSSLAT_HOP_VPORT);
			fe_u64(&ev, "to_role", k % 2 ? CROSSLAT_HOP_VPORT : CROSSLAT_HOP_NIC);
			fe_u64(&ev, "is_response", 0);
			fe_u64(&ev, "from_ns", base_t + (k % 2 ? 5800000 : 5500000));
			fe_u64(&ev, "latency_ns", k % 2 ? 700000 : 300000);
			fe_bytes(&ev, "trace_id", tid, 16);
			fe_bytes(&ev, "span_id", sid, 8);
			CHECK_INT_EQ(crosslat_hops_add(&hops, &ev.r), 1);
		}
		crosslat_hops_finish(&hops);
		CHECK_EQ(hops.nr_seg, 4);
		p.hops = &hops;
		CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, &p), 0);
		r = vfind(&v, 101);
		check_culprit(r, CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_RECV, "be", NULL);
		CHECK(r->domain_ns[CROSSLAT_DOMAIN_RECEIVER] > 21000000);
		/* without the scheduler's view, the 40 ms before it left fe's pod are fe's */
		check_culprit(vfind(&v, 102), CROSSLAT_DOMAIN_SENDER, CROSSLAT_PART_SEND, "fe",
			      "be");
		crosslat_verdicts_free(&v);
		/* with it, fe's pod did not wait for a CPU then: the network's (a lost copy) */
		{
			struct crosslat_sched sched;

			crosslat_sched_init(&sched);
			sched_switch_ev(&sched, 1, 88, 1, 999, 0);
			sched_wakeup_ev(&sched, 2, 88);
			sched_switch_ev(&sched, 3, 0, 0, 0, 88);
			CHECK_INT_EQ(crosslat_sched_finish(&sched), 0);
			p.sched = &sched;
			CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, &p), 0);
			check_culprit(vfind(&v, 102), CROSSLAT_DOMAIN_NETWORK, CROSSLAT_PART_NET,
				      "fe", "be");
			check_culprit(vfind(&v, 101), CROSSLAT_DOMAIN_RECEIVER, CROSSLAT_PART_RECV,
				      "be", NULL);
			crosslat_verdicts_free(&v);
			crosslat_sched_uninit(&sched);
		}
		crosslat_hops_uninit(&hops);
	}

	/* a fixed threshold and floor */
	{
		struct crosslat_verdict_params p = { .slow_ns = 100000000, .floor_ns = 1 };

		CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, &p), 0);
		CHECK_EQ(v.nr_slow, 0);
		CHECK_EQ(v.threshold_ns, 100000000);
		crosslat_verdicts_free(&v);
	}
	crosslat_spans_uninit(&sp);
	crosslat_spans_uninit(&base);
}

/* ---- report ---- */

static void test_svg_scale(void)
{
	struct crosslat_scale s = { .p0 = 70, .p1 = 940 };
	double step;

	step = crosslat_scale_round(&s, 194.7, 8);
	CHECK(step == 20 && s.lo == 0 && s.hi == 200);
	step = crosslat_scale_round(&s, 100, 5);
	CHECK(step == 20 && s.hi == 100);		/* max on a step: no step added */
	step = crosslat_scale_round(&s, 0.3, 5);
	CHECK(step > 0.0499 && step < 0.0501 && s.hi > 0.2999 && s.hi < 0.3001);
	step = crosslat_scale_round(&s, 0, 5);
	CHECK(step == 0.2 && s.hi > 0.9999 && s.hi < 1.0001);
	step = crosslat_scale_round(&s, 100, 8);
	CHECK(s.hi == 100);
	CHECK(crosslat_scale_px(&s, 50) == 505);
	CHECK(crosslat_scale_px(&s, -1) == 70);		/* clamped */
	CHECK(crosslat_scale_px(&s, 1000) == 940);
}

static void test_svg_line(void)
{
	struct crosslat_svg_line l;
	char *out = NULL;
	size_t len, i;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		CHECK(0);
		return;
	}
	crosslat_svg_line_begin(&l, f, "cdf");
	for (i = 0; i <= 1000; i++)	/* 1000 steps of 0.01 px, then one of 10 */
		crosslat_svg_line_to(&l, 10 + i * 0.01, 20);
	crosslat_svg_line_to(&l, 30, 20);
	crosslat_svg_line_to(&l, 30.1, 20);	/* the last point, kept though near */
	crosslat_svg_line_end(&l);
	fclose(f);
	CHECK(out && !strcmp(out, "<polyline class=\"cdf\" points=\"10.0,20.0 10.5,20.0 "
			     "11.0,20.0 11.5,20.0 12.0,20.0 12.5,20.0 13.0,20.0 13.5,20.0 "
			     "14.0,20.0 14.5,20.0 15.0,20.0 15.5,20.0 16.0,20.0 16.5,20.0 "
			     "17.0,20.0 17.5,20.0 18.0,20.0 18.5,20.0 19.0,20.0 19.5,20.0 "
			     "20.0,20.0 30.0,20.0 30.1,20.0\"/>\n"));
	if (out && l.points != 23)
		printf("# %s", out);
	free(out);
}

/* The text written to a tmpfile(), or NULL after a failed CHECK (free() it). */
static char *report_of(const struct crosslat_report *rep)
{
	FILE *f = tmpfile();
	char *out;
	long len;

	if (!f) {
		CHECK(0);
		return NULL;
	}
	CHECK_INT_EQ(crosslat_report_write(f, rep), 0);
	len = ftell(f);
	out = len > 0 ? malloc(len + 1) : NULL;
	rewind(f);
	if (!out || fread(out, 1, len, f) != (size_t)len) {
		CHECK(0);
		free(out);
		fclose(f);
		return NULL;
	}
	out[len] = 0;
	fclose(f);
	return out;
}

/* Whether every <tag ...> (or <tag>) of html has its </tag>, in number. */
static bool balanced(const char *html, const char *tag)
{
	char open[32], open_attrs[32], close[32];

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(open_attrs, sizeof(open_attrs), "<%s ", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	return count_of(html, open) + count_of(html, open_attrs) == count_of(html, close);
}

static void check_page(const char *html)
{
	static const char *const tags[] = { "html", "head", "body", "svg", "table", "tr", "g",
					    "text", "title", "p", "h2" };
	unsigned int i;

	CHECK(!strncmp(html, "<!DOCTYPE html>\n", 16));
	CHECK(strlen(html) > 8 && !strcmp(html + strlen(html) - 8, "</html>\n"));
	for (i = 0; i < ARRAY_SIZE(tags); i++)
		if (!balanced(html, tags[i]))
			tap_fail_at(__FILE__, __LINE__, "<%s> not balanced", tags[i]);
	/* offline: nothing to fetch, nothing to run */
	CHECK(!strstr(html, "http:") && !strstr(html, "https:") && !strstr(html, "<script") &&
	      !strstr(html, "src=") && !strstr(html, "href=") && !strstr(html, "url("));
}

static void test_report(void)
{
	static const char evil[] = "<b>&\"";
	struct crosslat_spans base, sp;
	struct crosslat_verdicts v, bv;
	struct crosslat_report rep = { .v = &v, .base = &bv, .baseline = "quiet/<run>",
				       .traces = span_traces, .nr_traces = 1, .unix_epoch = true };
	char *html;
	uint32_t i;

	/* the slow service is named with HTML's special characters */
	span_traces_init(&base);
	for (i = 0; i < 40; i++)
		vrequest_be(&base, i, evil, (i % 20) * 0.1, 0, 0, 0);
	span_traces_init(&sp);
	for (i = 0; i < 4; i++)			/* its handler: the run's culprit */
		vrequest_be(&sp, 100 + i, evil, 40 + i, 0, 0, 0);
	vrequest_be(&sp, 110, evil, 0, 0, 50, 0);	/* the network: one request */
	for (i = 0; i < 5; i++)
		vrequest_be(&sp, 120 + i, evil, 1, 0, 0, 0);	/* as usual */
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &base, NULL), 0);
	CHECK_INT_EQ(crosslat_verdicts_build(&bv, &base, &base, NULL), 0);
	CHECK_EQ(v.nr_slow, 5);
	CHECK_EQ(v.nr_culprits, 1);
	html = report_of(&rep);
	if (html) {
		check_page(html);
		CHECK(count_of(html, "<svg ") >= 2);	/* the CDF and the bars */
		CHECK(count_of(html, "<polyline ") == 2);	/* these traces and the baseline */
		CHECK(strstr(html, "<p class=\"verdict culprit\">receiver host: "
				   "&lt;b&gt;&amp;&quot; (handler), 4 of 5 slow requests</p>"));
		CHECK(strstr(html, "network: flow fe -&gt; &lt;b&gt;&amp;&quot;"));
		CHECK(strstr(html, "quiet/&lt;run&gt;: 40 requests"));
		CHECK(!strstr(html, evil) && !strstr(html, "<run>"));
		CHECK(count_of(html, "<g><title>trace ") == 5);	/* a bar per slow request */
		CHECK(strstr(html, "these traces: 10 requests") &&
		      strstr(html, "baseline: 40 requests"));
		if (tap.fails)
			printf("# %.*s\n", 400, html);
	}
	free(html);

	/* at most max_bars bars, the slowest: the network's (50 ms more), 3 handler ones (41-43) */
	rep.max_bars = 4;
	html = report_of(&rep);
	if (html) {
		check_page(html);
		CHECK(count_of(html, "<g><title>trace ") == 4);
		CHECK_EQ(count_of(html, "(handler)</text>"), 3);
		CHECK_EQ(count_of(html, "&gt; &lt;b&gt;&amp;&quot;</text>"), 1);
		CHECK(strstr(html, "The 4 slowest of the 5 slow requests"));
	}
	free(html);
	crosslat_verdicts_free(&bv);
	crosslat_verdicts_free(&v);

	/* no request at all: still a page, "no culprit", the CDF's axes */
	crosslat_spans_uninit(&sp);
	span_traces_init(&sp);
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &sp, NULL), 0);
	rep = (struct crosslat_report){ .v = &v };
	html = report_of(&rep);
	if (html) {
		check_page(html);
		CHECK(strstr(html, "<p class=\"verdict none\">no culprit</p>"));
		CHECK(count_of(html, "<svg ") == 1 && !strstr(html, "<polyline "));
		CHECK(strstr(html, "no request in the traces"));
	}
	free(html);
	crosslat_verdicts_free(&v);
	crosslat_spans_uninit(&sp);
	crosslat_spans_uninit(&base);
}

/*
 * The network charts: per-hop CDFs of the hops with the most segments (at most
 * CROSSLAT_REPORT_SERIES), RTT over time of the flows whose srtt went highest, each with
 * its legend; without hops or flows, the notes saying what to record.
 */
static void test_report_net(void)
{
	struct crosslat_spans sp;
	struct crosslat_verdicts v;
	struct crosslat_hops h;
	struct crosslat_flows ft;
	struct fake_event ev;
	struct crosslat_report rep = { .v = &v, .traces = span_traces, .nr_traces = 1 };
	char *html;
	uint32_t i, j;

	span_traces_init(&sp);
	CHECK_INT_EQ(crosslat_verdicts_build(&v, &sp, &sp, NULL), 0);
	crosslat_hops_init(&h);
	for (i = 0; i < 8; i++)			/* 8 hops, hop i with i + 1 segments */
		for (j = 0; j <= i; j++)
			hop_ev(&h, 0, 3, 11 + i, 0, (j + 1) * 10000);
	crosslat_hops_finish(&h);
	crosslat_flows_init(&ft);
	for (i = 0; i < 8; i++) {		/* 8 flows, flow i up to (i + 1) ms */
		struct tuple t = { .cookie = 1, .l = 1, .r = 2, .lport = 40000 + i, .rport = 80 };

		for (j = 0; j < 3; j++)
			CHECK_INT_EQ(crosslat_flows_add(&ft, &stats_ev(&ev, 1000000000LL * (j + 1), &t,
				     7, (j + 1) * (i + 1) * 333333, 10)->r), 1);
	}
	CHECK_EQ(ft.nr, 8);
	CHECK_EQ(ft.v[7].nr_rtt, 3);
	CHECK_EQ(ft.v[7].rtt[2].srtt_ns, 7999992);
	CHECK_INT_EQ(ft.v[7].rtt[1].ts_ns, 2000000000LL);
	rep.hops = &h;
	rep.flows = &ft;
	html = report_of(&rep);
	if (html) {
		check_page(html);
		CHECK(strstr(html, "<h2>Latency per hop</h2>") && strstr(html, "<h2>RTT over time</h2>"));
		CHECK_EQ(count_of(html, "class=\"series s"), 2 * CROSSLAT_REPORT_SERIES);
		/* the heaviest hop (8 segments, to nic#18) first; the 2 lightest left out */
		CHECK(strstr(html, "<span class=\"key s0\"></span>h1 netns 4026532000: vport#3 to nic#18, requests, 8 segments"));
		CHECK(!strstr(html, "nic#11,") && !strstr(html, "nic#12,"));
		/* the flow up to 8 ms first */
		CHECK(strstr(html, "<span class=\"key s0\"></span>h1: 10.0.0.1:40007 &gt; 10.0.0.2:80, up to 8.000 ms"));
		CHECK(!strstr(html, ":40000 &gt;") && !strstr(html, ":40001 &gt;"));
		CHECK(strstr(html, "time from the first of these samples (s)"));
	}
	free(html);
	rep.hops = NULL;
	rep.flows = NULL;
	html = report_of(&rep);
	if (html) {
		check_page(html);
		CHECK(strstr(html, "No crosslat_pkt_hop event in these traces"));
		CHECK(strstr(html, "No crosslat_rtt_flow_stats or alert with an RTT"));
		CHECK(!strstr(html, "class=\"series s"));
	}
	free(html);
	crosslat_flows_uninit(&ft);
	crosslat_hops_uninit(&h);
	crosslat_verdicts_free(&v);
	crosslat_spans_uninit(&sp);
}

/* ---- request DAGs ---- */

/* One end of a TCP connection: 10.0.0.<l>:lport <-> 10.0.0.<r>:rport in netns. */
struct rq_end {
	uint32_t netns;
	uint8_t l, r;
	uint16_t lport, rport;
};

static uint32_t rq_trace;	/* the trace rq_sock's events come from */

static int rq_sock(struct crosslat_reqdag *d, const char *op, int64_t ts, int32_t tid,
		   const struct rq_end *e, uint32_t seq, uint32_t bytes)
{
	char name[64];
	struct fake_event ev;
	uint8_t a[16] = { 0 };

	snprintf(name, sizeof(name), CROSSLAT_EV_REQ_PREFIX "%s", op);
	fe_new(&ev, name, ts, rq_trace);
	fe_s64(&ev, "tid", tid);
	fe_s64(&ev, "pid", tid / 10 * 10);
	fe_u64(&ev, "netns", e->netns);
	fe_u64(&ev, "family", 4);
	a[0] = 10;
	a[3] = e->l;
	fe_bytes(&ev, "laddr", a, 16);
	a[3] = e->r;
	fe_bytes(&ev, "raddr", a, 16);
	fe_u64(&ev, "lport", e->lport);
	fe_u64(&ev, "rport", e->rport);
	fe_u64(&ev, "seq", seq);
	fe_u64(&ev, "bytes", bytes);
	return crosslat_reqdag_add(d, &ev.r);
}

static int rq_fork(struct crosslat_reqdag *d, int64_t ts, int32_t parent, int32_t child)
{
	struct fake_event ev;

	fe_new(&ev, CROSSLAT_EV_REQ_PREFIX "fork", ts, 0);
	fe_s64(&ev, "parent_tid", parent);
	fe_s64(&ev, "parent_pid", parent / 10 * 10);
	fe_s64(&ev, "child_tid", child);
	fe_s64(&ev, "child_pid", parent / 10 * 10);
	fe_u64(&ev, "thread", 1);
	return crosslat_reqdag_add(d, &ev.r);
}

static int rq_tid_ev(struct crosslat_reqdag *d, const char *name, int64_t ts, int32_t tid)
{
	struct fake_event ev;

	fe_new(&ev, name, ts, 0);
	fe_s64(&ev, "tid", tid);
	return crosslat_reqdag_add(d, &ev.r);
}

/* The state of request req (0-based) on thread tid, or NULL. */
static const struct crosslat_rq_state *rq_state_of(const struct crosslat_reqdag *d, size_t req,
						   int32_t tid)
{
	uint32_t s;

	for (s = d->req[req].first; s != UINT32_MAX; s = d->st[s].next)
		if (d->st[s].tid == tid)
			return &d->st[s];
	return NULL;
}

/*
 * A frontend (threads 11, 12; netns 1, 10.0.0.1) serving a client that is not traced
 * (10.0.0.9), calling a backend (threads 21, 22; netns 2, 10.0.0.2) over one keep-alive
 * connection: first from a thread it forks, then from the handler thread itself.
 */
static void test_reqdag_model(void)
{
	const struct rq_end fe_in = { 1, 1, 9, 8080, 5000 };	/* frontend's accepted socket */
	const struct rq_end fe_out = { 1, 1, 2, 40000, 8080 };	/* frontend -> backend */
	const struct rq_end be_in = { 2, 2, 1, 8080, 40000 };	/* backend's end of it */
	const struct crosslat_rq_state *e, *f, *c, *c2;
	uint32_t wrap = 0xffffff00u;	/* sequence numbers wrap inside the first call */
	struct crosslat_reqdag d;
	char *text = NULL;
	size_t len = 0;
	FILE *mf;

	crosslat_reqdag_init(&d);
	CHECK_INT_EQ(rq_sock(&d, "accept", 100, 11, &fe_in, 0, 0), 1);
	CHECK_INT_EQ(rq_sock(&d, "connect", 110, 12, &fe_out, 0, 0), 1);
	/* request 1: read in two parts, a call from a forked thread */
	CHECK_INT_EQ(rq_sock(&d, "recv", 1000, 11, &fe_in, 1, 50), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 1010, 11, &fe_in, 51, 30), 1);
	CHECK_INT_EQ(rq_fork(&d, 1100, 11, 13), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1200, 13, &fe_out, wrap, 0x200), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 1300, 21, &be_in, wrap, 0x100), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 1310, 21, &be_in, wrap + 0x100, 0x100), 1);
	CHECK_INT_EQ(rq_tid_ev(&d, "x86_exceptions_page_fault_user", 1350, 21), 1);
	CHECK_INT_EQ(rq_tid_ev(&d, "x86_exceptions_page_fault_user", 1360, 21), 1);
	CHECK_INT_EQ(rq_tid_ev(&d, "x86_exceptions_page_fault_user", 1370, 22), 0);
	CHECK_INT_EQ(rq_sock(&d, "send", 1400, 21, &be_in, 7000, 40), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1410, 21, &be_in, 7040, 10), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 1500, 13, &fe_out, 7000, 50), 1);
	CHECK_INT_EQ(rq_tid_ev(&d, CROSSLAT_EV_REQ_PREFIX "exit", 1600, 13), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1700, 11, &fe_in, 90, 100), 1);
	/* request 2 on the same connections, the call from the handler thread itself;
	 * another backend thread serves it */
	CHECK_INT_EQ(rq_sock(&d, "recv", 2000, 11, &fe_in, 81, 80), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 2100, 11, &fe_out, wrap + 0x200, 0x80), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 2200, 22, &be_in, wrap + 0x200, 0x80), 1);
	CHECK_INT_EQ(rq_tid_ev(&d, "sched_migrate_task", 2250, 22), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 2300, 22, &be_in, 7050, 50), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 2400, 11, &fe_out, 7050, 50), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 2500, 11, &fe_in, 190, 100), 1);
	/* request 3: arrives, is never answered; the client reconnects on the same tuple */
	CHECK_INT_EQ(rq_sock(&d, "recv", 3000, 11, &fe_in, 161, 80), 1);
	CHECK_INT_EQ(rq_sock(&d, "close", 3100, 11, &fe_in, 0, 0), 1);
	CHECK_INT_EQ(rq_sock(&d, "accept", 3200, 11, &fe_in, 0, 0), 1);
	CHECK_INT_EQ(rq_sock(&d, "recv", 3300, 11, &fe_in, 1, 80), 1);
	/* malformed: no addresses */
	{
		struct fake_event ev;

		fe_new(&ev, CROSSLAT_EV_REQ_PREFIX "recv", 3400, 0);
		fe_s64(&ev, "tid", 11);
		CHECK_INT_EQ(crosslat_reqdag_add(&d, &ev.r), 1);
	}
	CHECK_INT_EQ(crosslat_reqdag_finish(&d), 0);
	CHECK_EQ(d.malformed, 1);
	CHECK_EQ(d.nr_req, 4);

	/* request 1: entry on 11 -> fork on 13 -> call on 21, its response back to 13 */
	CHECK_EQ(d.req[0].nr_states, 3);
	e = rq_state_of(&d, 0, 11);
	f = rq_state_of(&d, 0, 13);
	c = rq_state_of(&d, 0, 21);
	CHECK(e && f && c);
	CHECK_EQ(e->kind, CROSSLAT_RQ_ENTRY);
	CHECK_EQ(e->parent, -1);
	CHECK_EQ(e->start_ns, 1000);
	CHECK_EQ(e->end_ns, 1700);
	CHECK_EQ(e->bytes_in, 80);
	CHECK_EQ(e->bytes_out, 100);
	CHECK(!e->open);
	CHECK_EQ(f->kind, CROSSLAT_RQ_FORK);
	CHECK_EQ(&d.st[f->parent], e);
	CHECK_EQ(f->end_ns, 1600);
	CHECK_EQ(c->kind, CROSSLAT_RQ_CALL);
	CHECK_EQ(&d.st[c->parent], f);
	CHECK_EQ(&d.st[c->returned_to], f);
	CHECK_EQ(c->start_ns, 1300);
	CHECK_EQ(c->end_ns, 1410);
	CHECK_EQ(c->bytes_in, 0x200);
	CHECK_EQ(c->bytes_out, 50);
	CHECK_EQ(c->nr_ev, 1);
	CHECK_EQ(c->ev[0].n, 2);
	CHECK(!strcmp(d.names[c->ev[0].name], "x86_exceptions_page_fault_user"));
	CHECK_EQ(d.req[0].end_ns, 1700);

	/* request 2: entry on 11 -> call on 22 */
	CHECK_EQ(d.req[1].nr_states, 2);
	e = rq_state_of(&d, 1, 11);
	c2 = rq_state_of(&d, 1, 22);
	CHECK(e && c2 && !rq_state_of(&d, 1, 21));
	CHECK_EQ(&d.st[c2->parent], e);
	CHECK_EQ(&d.st[c2->returned_to], e);
	CHECK_EQ(c2->nr_ev, 1);
	CHECK_EQ(e->start_ns, 2000);
	CHECK_EQ(e->end_ns, 2500);

	/* request 3 ended unanswered at the close; request 4 is still open */
	CHECK_EQ(d.req[2].nr_states, 1);
	CHECK_EQ(d.st[d.req[2].first].end_ns, 3100);
	CHECK(!d.st[d.req[2].first].open);
	CHECK(d.st[d.req[3].first].open);
	CHECK_EQ(d.from_traced, 5);
	CHECK_EQ(d.from_outside, 4);
	CHECK_EQ(d.bucketed, 3);

	/* the views */
	mf = open_memstream(&text, &len);
	{
		const struct crosslat_reqdag_view vw = { .d = &d, .limit = 2 };

		CHECK_INT_EQ(crosslat_reqdag_view_text(mf, &vw), 0);
		crosslat_reqdag_view_json(mf, &vw);
	}
	fclose(mf);
	CHECK(strstr(text, "request 1  0.001 ms  3 states\n"));
	CHECK(strstr(text, "      call   10.0.0.2:8080 <- 10.0.0.1:40000  pid 20 tid 21"));
	CHECK(strstr(text, "[x86_exceptions_page_fault_user 2]"));
	CHECK(strstr(text, "4 requests (2 shown), 7 states (entry 4, call 2, fork 1, resume 0)"));
	CHECK(strstr(text, "\"kind\":\"fork\",\"trace\":0,\"tid\":13,\"pid\":10,\"netns\":1,"
			   "\"service\":\"10.0.0.1:8080\""));
	CHECK(strstr(text, "\"events\":{\"sched_migrate_task\":1}"));
	CHECK(!strstr(text, "\"request\":3"));
	free(text);
	crosslat_reqdag_uninit(&d);
}

/* A call from one host (trace 0) to another (trace 1): one request over both. */
static void test_reqdag_hosts(void)
{
	/* no accept or connect seen: the lower port is the server's */
	const struct rq_end fe_in = { 1, 1, 9, 8080, 50000 };
	const struct rq_end fe_out = { 1, 1, 2, 40000, 8080 };
	const struct rq_end be_in = { 1, 2, 1, 8080, 40000 };	/* same netns inode, other host */
	const struct crosslat_rq_state *c;
	struct crosslat_reqdag d;

	crosslat_reqdag_init(&d);
	rq_trace = 0;
	CHECK_INT_EQ(rq_sock(&d, "recv", 1000, 11, &fe_in, 1, 50), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1100, 11, &fe_out, 500, 60), 1);
	rq_trace = 1;
	CHECK_INT_EQ(rq_sock(&d, "recv", 1200, 11, &be_in, 500, 60), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1300, 11, &be_in, 900, 10), 1);
	rq_trace = 0;
	CHECK_INT_EQ(rq_sock(&d, "recv", 1400, 11, &fe_out, 900, 10), 1);
	CHECK_INT_EQ(rq_sock(&d, "send", 1500, 11, &fe_in, 51, 10), 1);
	CHECK_INT_EQ(crosslat_reqdag_finish(&d), 0);
	CHECK_EQ(d.nr_req, 1);
	CHECK_EQ(d.req[0].nr_states, 2);
	c = &d.st[d.st[d.req[0].first].next];
	CHECK_EQ(c->trace, 1);
	CHECK_EQ(c->kind, CROSSLAT_RQ_CALL);
	CHECK_EQ(c->parent, (int32_t)d.req[0].first);
	CHECK_EQ(c->returned_to, (int32_t)d.req[0].first);
	CHECK_EQ(d.req[0].end_ns, 1500);
	crosslat_reqdag_uninit(&d);
}

/*
 * A traced client outside any state (thread 31) asking a server (thread 41) twice: two
 * requests, each an entry at the server; the answers end them at the client.
 */
static void test_reqdag_client(void)
{
	const struct rq_end cl = { 3, 3, 4, 45000, 8080 }, sv = { 4, 4, 3, 8080, 45000 };
	struct crosslat_reqdag d;
	uint32_t i;

	crosslat_reqdag_init(&d);
	rq_trace = 0;
	CHECK_INT_EQ(rq_sock(&d, "connect", 10, 31, &cl, 0, 0), 1);
	for (i = 0; i < 2; i++) {
		CHECK_INT_EQ(rq_sock(&d, "send", 100 + 100 * i, 31, &cl, 1 + 10 * i, 5), 1);
		CHECK_INT_EQ(rq_sock(&d, "recv", 110 + 100 * i, 41, &sv, 1 + 10 * i, 5), 1);
		CHECK_INT_EQ(rq_sock(&d, "send", 120 + 100 * i, 41, &sv, 900 + 10 * i, 5), 1);
		CHECK_INT_EQ(rq_sock(&d, "recv", 130 + 100 * i, 31, &cl, 900 + 10 * i, 5), 1);
	}
	CHECK_INT_EQ(crosslat_reqdag_finish(&d), 0);
	CHECK_EQ(d.nr_req, 2);
	CHECK_EQ(d.nr_st, 2);
	CHECK_EQ(d.st[0].kind, CROSSLAT_RQ_ENTRY);
	CHECK_EQ(d.st[1].kind, CROSSLAT_RQ_ENTRY);
	CHECK_EQ(d.st[0].tid, 41);
	CHECK_EQ(d.from_traced, 4);
	crosslat_reqdag_uninit(&d);
}

/* Random event streams (garbage tids, tuples, sequence numbers): no crash, no leak. */
static void test_reqdag_random(void)
{
	static const char *const ops[] = { "send", "recv", "accept", "connect", "close" };
	struct crosslat_reqdag d;
	unsigned int i;

	crosslat_reqdag_init(&d);
	for (i = 0; i < 20000; i++) {
		struct rq_end e = { 1 + prng_below(&rng, 3), 1 + prng_below(&rng, 3),
				    1 + prng_below(&rng, 3), 8080 + prng_below(&rng, 2),
				    8080 + prng_below(&rng, 2) };
		int32_t tid = 1 + prng_below(&rng, 6);
		uint32_t r = prng_below(&rng, 20);

		if (r == 0)
			CHECK(rq_fork(&d, i, tid, 1 + prng_below(&rng, 6)) == 1);
		else if (r == 1)
			CHECK(rq_tid_ev(&d, CROSSLAT_EV_REQ_PREFIX "exit", i, tid) == 1);
		else if (r == 2)
			CHECK(rq_tid_ev(&d, "sched_migrate_task", i, tid) >= 0);
		else
			CHECK(rq_sock(&d, ops[prng_below(&rng, 5)], i, tid, &e,
				      prng_below(&rng, 400), prng_below(&rng, 100)) == 1);
	}
	CHECK_INT_EQ(crosslat_reqdag_finish(&d), 0);
	for (i = 0; i < d.nr_st; i++) {
		CHECK(d.st[i].parent < (int32_t)i);
		CHECK(d.st[i].end_ns >= d.st[i].start_ns);
		CHECK(d.st[i].req < d.nr_req);
	}
	crosslat_reqdag_uninit(&d);
}

/* ---- align ---- */

static int align_ev(struct crosslat_align *al, const char *op, int64_t ts, uint32_t trace,
		    uint8_t l, uint16_t lport, uint8_t r, uint16_t rport, uint32_t seq)
{
	struct fake_event ev;
	uint8_t a[16] = { 10, 0, 0, 0 };

	fe_new(&ev, op, ts, trace);
	fe_u64(&ev, "family", 4);
	a[3] = l;
	fe_bytes(&ev, "laddr", a, 16);
	a[3] = r;
	fe_bytes(&ev, "raddr", a, 16);
	fe_u64(&ev, "lport", lport);
	fe_u64(&ev, "rport", rport);
	fe_u64(&ev, "seq", seq);
	fe_u64(&ev, "bytes", 100);
	return crosslat_align_add(al, &ev.r);
}

/*
 * Host a (trace 0; traces 0 and 4 share its hostname), host b (trace 1): b's clock runs
 * 50 ppm fast and 5 s ahead. Requests a -> b, answers b -> a, 150..400 us one way. Host c
 * (trace 2) has no traffic with them, host d (trace 3) only reads what a wrote.
 */
static void test_align(void)
{
	const int64_t t0 = 1795555100000000000LL, off = 5000000000LL;
	const double drift = 50e-6;
	struct crosslat_trace_info ti[5];
	struct crosslat_align al;
	const struct crosslat_align_host *b;
	int64_t t, truth_b, bt;
	uint32_t seq = 1000, i;

	memset(ti, 0, sizeof(ti));
	ti[0].hostname = "a";
	ti[1].hostname = "b";
	ti[2].hostname = "c";
	ti[3].hostname = "d";
	ti[4].hostname = "a";
	crosslat_align_init(&al);
	for (i = 0, t = t0; i < 1000; i++, t += 10000000, seq += 100) {
		int64_t lat1 = 150000 + (int64_t)prng_below(&rng, 250000);
		int64_t lat2 = 150000 + (int64_t)prng_below(&rng, 250000);
		int64_t rd = t + lat1, wr = rd + 1000000;

		/* b's clock: (1 + drift) * (t - t0) + t0 + off */
		CHECK(align_ev(&al, "crosslat_req_send", t, i % 2 ? 4 : 0, 1, 40000, 2, 80,
			       seq) == 1);
		bt = t0 + off + (int64_t)((double)(rd - t0) * (1 + drift));
		CHECK(align_ev(&al, "crosslat_req_recv", bt, 1, 2, 80, 1, 40000, seq) == 1);
		bt = t0 + off + (int64_t)((double)(wr - t0) * (1 + drift));
		CHECK(align_ev(&al, "crosslat_req_send", bt, 1, 2, 80, 1, 40000, seq + 50000) == 1);
		CHECK(align_ev(&al, "crosslat_req_recv", wr + lat2, 0, 1, 40000, 2, 80,
			       seq + 50000) == 1);
		/* d reads a's bytes of another connection, never writes */
		CHECK(align_ev(&al, "crosslat_req_send", t, 0, 1, 40001, 4, 80, seq) == 1);
		CHECK(align_ev(&al, "crosslat_req_recv", t + lat1, 3, 4, 80, 1, 40001, seq) == 1);
	}
	CHECK_INT_EQ(crosslat_align_finish(&al, ti, 5), 0);
	CHECK_EQ(al.nr_hosts, 4);
	CHECK_EQ(al.host[0].traces, 2);
	CHECK_EQ(al.pairs, 3000);
	CHECK_EQ(al.reference, 0);
	CHECK_EQ(al.host[0].status, CROSSLAT_ALIGN_REFERENCE);
	b = &al.host[1];
	CHECK_EQ(b->status, CROSSLAT_ALIGN_ALIGNED);
	CHECK_EQ(b->via, 0);
	CHECK_EQ(b->pairs_to, 1000);
	CHECK_EQ(b->pairs_from, 1000);
	/* the truth at the fit's origin, within the bound; the bound about the smallest
	 * latency (150 us), the drift near 50 ppm */
	truth_b = off + (int64_t)((double)(b->origin_ns - t0) * drift);
	CHECK(fabs(b->offset_ns - (double)truth_b) <= b->bound_ns + 1);
	CHECK(b->bound_ns >= 140000 && b->bound_ns <= 200000);
	CHECK(fabs(b->drift_ppm - 50) < 5);
	/* one-way latencies: 275 us on average, the aligned line within the bound */
	CHECK(fabs(b->lat_to_ns - 275000) < b->bound_ns + 30000);
	CHECK(fabs(b->lat_from_ns - 275000) < b->bound_ns + 30000);
	/* a time of b back in a's clock */
	bt = t0 + off + (int64_t)(5e9 * (1 + drift));
	CHECK(llabs(crosslat_align_to_ref(&al, 1, bt) - (t0 + 5000000000LL)) <=
	      (int64_t)b->bound_ns + 1);
	/* one constant for b (--align): b - a in the middle of the 10 s of pairs, within its
	 * bound (the fit's plus 50 ppm over 5 s) at both ends */
	{
		double c, cb;

		crosslat_align_constant(b, &c, &cb);
		CHECK(b->span_ns > 9.9e9 && b->span_ns < 10.1e9);
		CHECK(fabs(c - (off + 250000)) <= b->bound_ns + 1);
		CHECK(fabs(cb - (b->bound_ns + 250000)) < 30000);
		CHECK(fabs(c - off) <= cb && fabs(c - (off + 500000)) <= cb);
	}
	/* a -> b and b -> a on port 80 */
	CHECK_EQ(al.nr_link, 2);
	for (i = 0; i < al.nr_link; i++) {
		CHECK_EQ(al.link[i].port, 80);
		CHECK_EQ(al.link[i].pairs, 1000);
		CHECK(fabs(al.link[i].p50_ns - 275000) < b->bound_ns + 30000);
		CHECK(al.link[i].min_ns <= al.link[i].p50_ns &&
		      al.link[i].p50_ns <= al.link[i].p90_ns);
	}
	CHECK(al.link[0].from != al.link[1].from);
	CHECK_EQ(al.host[2].status, CROSSLAT_ALIGN_UNALIGNED);
	CHECK_EQ(al.host[3].status, CROSSLAT_ALIGN_ONE_WAY);
	CHECK_EQ(crosslat_align_to_ref(&al, 2, 123), 123);
	crosslat_align_uninit(&al);

	/* one host alone is its own reference; a malformed event is counted */
	crosslat_align_init(&al);
	{
		struct fake_event ev;

		fe_new(&ev, "crosslat_req_recv", 5, 0);
		CHECK_INT_EQ(crosslat_align_add(&al, &ev.r), 1);
		fe_new(&ev, "crosslat_req_fork", 5, 0);
		CHECK_INT_EQ(crosslat_align_add(&al, &ev.r), 0);
	}
	CHECK_INT_EQ(crosslat_align_finish(&al, ti, 1), 0);
	CHECK_EQ(al.malformed, 1);
	CHECK_EQ(al.host[0].status, CROSSLAT_ALIGN_REFERENCE);
	crosslat_align_uninit(&al);
}

int main(void)
{
	prng_seed_from_env(&rng);
	TAP_RUN(test_index_vs_naive);
	TAP_RUN(test_index_collisions);
	TAP_RUN(test_summary_counts);
	TAP_RUN(test_summary_untimed_first);
	TAP_RUN(test_flows_stats_latest_wins);
	TAP_RUN(test_flows_alert_before_stats);
	TAP_RUN(test_flows_incarnations);
	TAP_RUN(test_flows_traces_apart);
	TAP_RUN(test_flows_malformed);
	TAP_RUN(test_flows_sorted);
	TAP_RUN(test_flows_vs_naive);
	TAP_RUN(test_maps_old_fields);
	TAP_RUN(test_maps_new_fields);
	TAP_RUN(test_maps_malformed);
	TAP_RUN(test_pods);
	TAP_RUN(test_format_addr);
	TAP_RUN(test_format_numbers);
	TAP_RUN(test_format_json_str);
	TAP_RUN(test_format_html_str);
	TAP_RUN(test_format_culprit);
	TAP_RUN(test_format_table);
	TAP_RUN(test_trace_find);
	TAP_RUN(test_spans_ust_only);
	TAP_RUN(test_spans_kernel_only);
	TAP_RUN(test_spans_joined);
	TAP_RUN(test_spans_orphans_malformed);
	TAP_RUN(test_spans_hosts_apart);
	TAP_RUN(test_spans_limits);
	TAP_RUN(test_spans_time);
	TAP_RUN(test_spans_sorted);
	TAP_RUN(test_spans_hex);
	TAP_RUN(test_span_view);
	TAP_RUN(test_otlp);
	TAP_RUN(test_otlp_batches);
	TAP_RUN(test_syscall_names);
	TAP_RUN(test_kallsyms);
	TAP_RUN(test_verdicts);
	TAP_RUN(test_verdicts_hosts);
	TAP_RUN(test_sched);
	TAP_RUN(test_hops);
	TAP_RUN(test_layers);
	TAP_RUN(test_svg_scale);
	TAP_RUN(test_svg_line);
	TAP_RUN(test_report);
	TAP_RUN(test_report_net);
	TAP_RUN(test_reqdag_model);
	TAP_RUN(test_reqdag_hosts);
	TAP_RUN(test_reqdag_client);
	TAP_RUN(test_reqdag_random);
	TAP_RUN(test_align);
	return tap_done();
}
