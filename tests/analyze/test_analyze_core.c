// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of crosslat-analyze's portable core (no babeltrace): flows, maps, summary,
 * index, trace discovery and formatting, fed with synthetic records. TAP on stdout.
 */

#define _GNU_SOURCE	/* open_memstream, mkdtemp */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "prng.h"

#include "flows.h"
#include "format.h"
#include "index.h"
#include "maps.h"
#include "record.h"
#include "summary.h"
#include "trace_find.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- synthetic records ------------------------------------------------------------------ */

enum fake_type { F_U64, F_S64, F_STR, F_BYTES };

struct fake_field {
	const char *name;
	enum fake_type type;
	uint64_t u;
	int64_t s;
	const char *str;
	uint8_t bytes[32];
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

static const struct crosslat_record_ops fake_ops = {
	.u64 = fake_u64, .s64 = fake_s64, .str = fake_str, .bytes = fake_bytes,
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
	TAP_RUN(test_format_addr);
	TAP_RUN(test_format_numbers);
	TAP_RUN(test_format_json_str);
	TAP_RUN(test_format_table);
	TAP_RUN(test_trace_find);
	return tap_done();
}
