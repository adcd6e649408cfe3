// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_flow_table: insert, lookup, bounds, eviction, races, iteration. */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/in.h>
#include <linux/module.h>
#include "engine/flow_table.h"

struct evict_counter {
	atomic_t calls;
};

static void count_evict(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv)
{
	struct evict_counter *c = priv;

	atomic_inc(&c->calls);
}

static void make_key(struct crosslat_flow_key *k, u64 netns, u32 n)
{
	memset(k, 0, sizeof(*k));
	k->netns = netns;
	k->family = 4;
	k->proto = IPPROTO_TCP;
	k->laddr[0] = 10;
	k->raddr[0] = 10;
	k->raddr[3] = 2;
	k->lport = cpu_to_be16(40000 + (n & 0x3fff));
	k->rport = cpu_to_be16(80 + (n >> 14));
}

static struct crosslat_flow_table *new_table(struct kunit *test, u32 max, u64 idle,
					     struct evict_counter *c)
{
	struct crosslat_flow_table_params p = {
		.name = "kunit",
		.value_size = 64,
		.max_entries = max,
		.idle_timeout_ns = idle,
		.on_evict = count_evict,
		.priv = c,
	};
	struct crosslat_flow_table *t = crosslat_flow_table_create(&p);

	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	return t;
}

static struct crosslat_flow *get(struct crosslat_flow_table *t, u64 netns, u32 n, u64 now)
{
	struct crosslat_flow_key k;
	struct crosslat_flow *f;

	make_key(&k, netns, n);
	rcu_read_lock();
	f = crosslat_flow_lookup_or_create(t, &k, now);
	rcu_read_unlock();
	return f;
}

static bool present(struct crosslat_flow_table *t, u64 netns, u32 n)
{
	struct crosslat_flow_key k;
	bool found;

	make_key(&k, netns, n);
	rcu_read_lock();
	found = crosslat_flow_lookup(t, &k);
	rcu_read_unlock();
	return found;
}

static void crosslat_flow_table_insert_lookup(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 16, 0, &c);
	struct crosslat_flow_table_stats st;
	struct crosslat_flow *a, *b, *a2, *other_ns;

	a = get(t, 1, 1, 100);
	b = get(t, 1, 2, 100);
	a2 = get(t, 1, 1, 200);
	other_ns = get(t, 2, 1, 200);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_PTR_EQ(test, a, a2);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_PTR_NE(test, a, other_ns);
	KUNIT_EXPECT_EQ(test, a->created_ns, 100ULL);
	KUNIT_EXPECT_EQ(test, a->last_seen_ns, 200ULL);
	KUNIT_EXPECT_EQ(test, a->data[0], 0);
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 3ULL);
	KUNIT_EXPECT_EQ(test, st.inserted, 3ULL);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 3);
}

static void crosslat_flow_table_full_drops(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 8, 0, &c);
	struct crosslat_flow_table_stats st;
	int i, made = 0;

	for (i = 0; i < 10; i++)
		made += !!get(t, 1, i, 1);
	KUNIT_EXPECT_EQ(test, made, 8);
	KUNIT_EXPECT_TRUE(test, present(t, 1, 7));
	KUNIT_EXPECT_FALSE(test, present(t, 1, 9));
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 8ULL);
	KUNIT_EXPECT_EQ(test, st.full_drops, 2ULL);
	/* An existing flow is still found when the table is full. */
	KUNIT_EXPECT_NOT_NULL(test, get(t, 1, 3, 2));
	crosslat_flow_table_destroy(t);
}

static void crosslat_flow_table_gc_idle(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 64, 1000, &c);
	struct crosslat_flow_table_stats st;
	int i;

	for (i = 0; i < 5; i++)
		get(t, 1, i, 0);
	get(t, 1, 1, 5000);
	get(t, 1, 3, 5000);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 5500), 3U);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 3);
	KUNIT_EXPECT_TRUE(test, present(t, 1, 1));
	KUNIT_EXPECT_TRUE(test, present(t, 1, 3));
	KUNIT_EXPECT_FALSE(test, present(t, 1, 0));
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 2ULL);
	KUNIT_EXPECT_EQ(test, st.evicted_idle, 3ULL);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 5);
}

/* 64 flows seen at 1000 ns steps, table full: GC keeps the 32 most recent, evicts to 3/4. */
static void crosslat_flow_table_gc_lru(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 64, 0, &c);
	struct crosslat_flow_table_stats st;
	int i;

	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_NOT_NULL(test, get(t, 1, i, (u64)i * 1000));
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 64000), 16U);
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 48ULL);
	KUNIT_EXPECT_EQ(test, st.evicted_lru, 16ULL);
	for (i = 32; i < 64; i++)
		KUNIT_EXPECT_TRUE(test, present(t, 1, i));
	/* Below the high watermark now: nothing more goes. */
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 64000), 0U);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 64);
}

#define RACE_KEYS	1000

struct race_arg {
	struct crosslat_flow_table *t;
	struct completion done;
	int created;
};

static int race_fn(void *data)
{
	struct race_arg *a = data;
	int i;

	for (i = 0; i < RACE_KEYS; i++)
		a->created += !!get(a->t, 7, i, i);
	complete(&a->done);
	return 0;
}

/* Two threads create the same 1000 flows concurrently: exactly one entry per key. */
static void crosslat_flow_table_concurrent_writers(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 4096, 0, &c);
	struct crosslat_flow_table_stats st;
	struct race_arg a[2];
	int i;

	for (i = 0; i < 2; i++) {
		struct task_struct *k;

		a[i].t = t;
		a[i].created = 0;
		init_completion(&a[i].done);
		k = kthread_run(race_fn, &a[i], "crosslat-race%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	}
	for (i = 0; i < 2; i++)
		wait_for_completion(&a[i].done);
	KUNIT_EXPECT_EQ(test, a[0].created, RACE_KEYS);
	KUNIT_EXPECT_EQ(test, a[1].created, RACE_KEYS);
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, (u64)RACE_KEYS);
	KUNIT_EXPECT_EQ(test, st.inserted, (u64)RACE_KEYS);
	for (i = 0; i < RACE_KEYS; i++)
		KUNIT_EXPECT_TRUE(test, present(t, 7, i));
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), RACE_KEYS);
}

static void crosslat_flow_table_create_invalid(struct kunit *test)
{
	struct crosslat_flow_table_params p = { .name = "bad", .max_entries = 0 };

	KUNIT_EXPECT_EQ(test, PTR_ERR(crosslat_flow_table_create(&p)), -EINVAL);
	p.max_entries = 1;
	p.value_size = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(crosslat_flow_table_create(&p)), -EINVAL);
}

/* Key index of a flow made by make_key(). */
static u32 key_index(const struct crosslat_flow *f)
{
	return (be16_to_cpu(f->key.lport) - 40000) + ((be16_to_cpu(f->key.rport) - 80) << 14);
}

static void fill(struct kunit *test, struct crosslat_flow_table *t, u32 n, u64 now)
{
	u32 i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_NOT_NULL(test, get(t, 1, i, now));
}

/* Marks flow n done; true if it was in the table. */
static bool mark_done(struct crosslat_flow_table *t, u32 n)
{
	struct crosslat_flow_key k;
	struct crosslat_flow *f;

	make_key(&k, 1, n);
	rcu_read_lock();
	f = crosslat_flow_lookup(t, &k);
	if (f)
		crosslat_flow_set_done(f);
	rcu_read_unlock();
	return !!f;
}

/*
 * The iteration cases use 48 entries: a new rhashtable has 64 buckets, grows above 75% (48
 * entries) and shrinks below 30% (19), so with 19..48 entries no resize happens and a walk
 * returns every entry exactly once. Removals keep at least ITER_MIN_KEYS entries.
 */
#define ITER_KEYS	48
#define ITER_MIN_KEYS	19

/* One walk's record. It is written inside the RCU read-side section, checked outside. */
struct walk {
	struct crosslat_flow_iter it;
	u32 seen[ITER_KEYS];	/* times next() returned entry i */
	u32 steps;		/* entries returned */
	u32 foreign;		/* entries that are not ours */
};

static struct walk *new_walk(struct kunit *test)
{
	struct walk *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w);
	return w;
}

/* crosslat_flow_iter_next(), counted. Makes no KUnit call: it runs under RCU. */
static struct crosslat_flow *walk_next(struct walk *w)
{
	struct crosslat_flow *f = crosslat_flow_iter_next(&w->it);

	if (!f)
		return NULL;
	w->steps++;
	if (key_index(f) < ITER_KEYS)
		w->seen[key_index(f)]++;
	else
		w->foreign++;
	return f;
}

static void count_visit(struct crosslat_flow *f, void *arg)
{
	struct walk *w = arg;

	w->steps++;
	if (key_index(f) < ITER_KEYS)
		w->seen[key_index(f)]++;
	else
		w->foreign++;
}

/*
 * Each entry seen want[i] times (want NULL: once each), or with repeats_ok at least that
 * often when it is wanted at all. One expectation for all entries: a
 * failure per entry would overflow the test's log and truncate its KTAP.
 */
static void expect_seen_at_least(struct kunit *test, const struct walk *w, const u32 *want,
				 bool repeats_ok)
{
	u32 i, bad = 0, first = 0, n, wanted;

	for (i = 0; i < ITER_KEYS; i++) {
		n = w->seen[i];
		wanted = want ? want[i] : 1U;
		if ((repeats_ok && wanted ? n < wanted : n != wanted) && !bad++)
			first = i;
	}
	KUNIT_EXPECT_EQ(test, w->foreign, 0U);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "first: entry %u seen %u times, want %u", first,
			    w->seen[first], want ? want[first] : 1U);
}

static void expect_seen(struct kunit *test, const struct walk *w, const u32 *want)
{
	expect_seen_at_least(test, w, want, false);
}

/* A stable table: for_each and one uninterrupted walk each visit every entry once. */
static void crosslat_flow_table_iter_stable(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 4096, 0, &c);
	struct walk *w = new_walk(test);
	struct crosslat_flow *f, *after;

	/* empty table */
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_for_each(t, count_visit, w), 0U);
	crosslat_flow_iter_init(t, &w->it);
	crosslat_flow_iter_begin(&w->it);
	f = walk_next(w);
	crosslat_flow_iter_end(&w->it);
	crosslat_flow_iter_exit(&w->it);
	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, w->steps, 0U);

	fill(test, t, ITER_KEYS, 1);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_for_each(t, count_visit, w), ITER_KEYS);
	KUNIT_EXPECT_EQ(test, w->steps, ITER_KEYS);
	expect_seen(test, w, NULL);

	w = new_walk(test);
	crosslat_flow_iter_init(t, &w->it);
	crosslat_flow_iter_begin(&w->it);
	do {
		f = walk_next(w);
	} while (f && w->steps < 2 * ITER_KEYS);
	after = walk_next(w);	/* past the end it stays at the end */
	crosslat_flow_iter_end(&w->it);
	crosslat_flow_iter_exit(&w->it);
	KUNIT_EXPECT_NULL(test, after);
	KUNIT_EXPECT_EQ(test, w->steps, ITER_KEYS);
	expect_seen(test, w, NULL);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), ITER_KEYS);
}

/*
 * A dump-like walk in batches of 1 to 4 entries, leaving the read-side section after each;
 * every other batch keeps its last entry (no room for it). The entry kept comes back first
 * in the next batch, and every entry is returned exactly once otherwise.
 */
static void crosslat_flow_table_iter_keep_resume(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_table(test, 4096, 0, &c);
	struct walk *w = new_walk(test);
	struct crosslat_flow *f, *kept = NULL;
	u32 batch = 0, n, keeps = 0, back = 0;

	fill(test, t, ITER_KEYS, 1);
	crosslat_flow_iter_init(t, &w->it);
	do {
		crosslat_flow_iter_begin(&w->it);
		f = walk_next(w);
		if (kept)
			back += f == kept;
		kept = NULL;
		for (n = 1; f && n < 1 + batch % 4; n++)
			f = walk_next(w);
		if (f && batch % 2 == 0) {
			crosslat_flow_iter_keep(&w->it);
			w->seen[key_index(f)]--;
			w->steps--;
			kept = f;
			keeps++;
		}
		crosslat_flow_iter_end(&w->it);
		cond_resched();
	} while (f && ++batch < 4 * ITER_KEYS);
	crosslat_flow_iter_exit(&w->it);

	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_NULL(test, kept);
	KUNIT_EXPECT_GT(test, keeps, 5U);
	KUNIT_EXPECT_EQ(test, back, keeps);
	KUNIT_EXPECT_EQ(test, w->steps, ITER_KEYS);
	expect_seen(test, w, NULL);
	crosslat_flow_table_destroy(t);
}

/* Evicts the entries marked done (done_timeout_ns 10, all last seen at 0). */
static unsigned int gc_done(struct crosslat_flow_table *t)
{
	return crosslat_flow_table_gc(t, 1000);
}

static struct crosslat_flow_table *new_done_table(struct kunit *test, u32 max, u64 idle,
						  u64 done, struct evict_counter *c)
{
	struct crosslat_flow_table_params p = {
		.name = "kunit-done",
		.value_size = 16,
		.max_entries = max,
		.idle_timeout_ns = idle,
		.done_timeout_ns = done,
		.on_evict = count_evict,
		.priv = c,
	};
	struct crosslat_flow_table *t = crosslat_flow_table_create(&p);

	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	return t;
}

/*
 * Entries evicted between two batches of a walk: those not visited yet are never returned,
 * the others at least once. One eviction takes the entry the walk kept, which then does not
 * come back either (its bucket is walked again, so entries before it may come twice).
 */
static void crosslat_flow_table_iter_removed(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_done_table(test, 4096, NSEC_PER_SEC, 10, &c);
	struct crosslat_flow_table_stats st;
	struct walk *w = new_walk(test);
	u32 *want = kunit_kcalloc(test, ITER_KEYS, sizeof(*want), GFP_KERNEL);
	u32 batch = 0, n, i, removed = 0, ahead, kept_idx;
	struct crosslat_flow *f;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, want);
	fill(test, t, ITER_KEYS, 0);
	for (i = 0; i < ITER_KEYS; i++)
		want[i] = 1;
	crosslat_flow_iter_init(t, &w->it);
	do {
		crosslat_flow_iter_begin(&w->it);
		f = walk_next(w);
		for (n = 1; f && n < 4; n++)
			f = walk_next(w);
		kept_idx = U32_MAX;
		if (f && batch == 3) {
			crosslat_flow_iter_keep(&w->it);
			kept_idx = key_index(f);
			w->seen[kept_idx]--;
			w->steps--;
		}
		crosslat_flow_iter_end(&w->it);
		if (!f)
			break;

		if (kept_idx != U32_MAX) {
			/* only the kept entry: it is the walk's position */
			KUNIT_EXPECT_TRUE(test, mark_done(t, kept_idx));
			want[kept_idx] = 0;
			KUNIT_EXPECT_EQ(test, gc_done(t), 1U);
			removed++;
		} else if (removed + 2 <= ITER_KEYS - ITER_MIN_KEYS) {
			/* two entries the walk has not reached yet */
			for (i = 0, ahead = 0; i < ITER_KEYS && ahead < 2; i++) {
				if (w->seen[i] || !want[i])
					continue;
				KUNIT_EXPECT_TRUE(test, mark_done(t, i));
				want[i] = 0;
				ahead++;
			}
			KUNIT_EXPECT_EQ(test, gc_done(t), ahead);
			removed += ahead;
		}
	} while (++batch < 4 * ITER_KEYS);
	crosslat_flow_iter_exit(&w->it);

	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_GE(test, removed, 10U);
	/* evicting the kept entry makes the walk go over its bucket again */
	KUNIT_EXPECT_GE(test, w->steps, ITER_KEYS - removed);
	expect_seen_at_least(test, w, want, true);
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, (u64)(ITER_KEYS - removed));
	KUNIT_EXPECT_EQ(test, st.evicted_idle, (u64)removed);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), (int)removed);
	crosslat_flow_table_destroy(t);
}

/*
 * The entry a walk returned last is evicted before the walk resumes (a dump racing with
 * GC). Every entry present throughout must still be returned: the iterator walks that
 * bucket again, so entries before the cursor may come twice, but none may be missed.
 */
static void crosslat_flow_table_iter_cursor_removed(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_done_table(test, 4096, NSEC_PER_SEC, 10, &c);
	struct walk *w = new_walk(test);
	u32 removed = 0, last = 0, missed = 0, twice = 0, i;
	struct crosslat_flow *f;

	fill(test, t, ITER_KEYS, 0);
	crosslat_flow_iter_init(t, &w->it);
	do {
		crosslat_flow_iter_begin(&w->it);
		f = walk_next(w);
		if (f)
			last = key_index(f);
		crosslat_flow_iter_end(&w->it);
		if (f && removed < ITER_KEYS - ITER_MIN_KEYS) {
			KUNIT_EXPECT_TRUE(test, mark_done(t, last));
			KUNIT_EXPECT_EQ(test, gc_done(t), 1U);
			removed++;
		}
	} while (f && w->steps < 2 * ITER_KEYS);
	crosslat_flow_iter_exit(&w->it);

	for (i = 0; i < ITER_KEYS; i++) {
		missed += !w->seen[i];
		twice += w->seen[i] > 1;
	}
	KUNIT_EXPECT_EQ(test, removed, ITER_KEYS - ITER_MIN_KEYS);
	KUNIT_EXPECT_EQ(test, w->foreign, 0U);
	KUNIT_EXPECT_EQ(test, missed, 0U);
	/* at most one repeat per eviction: the walk only ever re-enters one bucket */
	KUNIT_EXPECT_LE(test, twice, removed);
	crosslat_flow_table_destroy(t);
}

/*
 * Entries marked done are evicted once idle for done_timeout_ns (strictly longer), entries
 * of the same age that are not done stay until idle_timeout_ns; a done entry seen again is
 * idle from then on.
 */
static void crosslat_flow_table_gc_done(struct kunit *test)
{
	struct evict_counter c = { ATOMIC_INIT(0) };
	struct crosslat_flow_table *t = new_done_table(test, 64, 10000, 1000, &c);
	struct crosslat_flow_table_stats st;
	u32 i;

	fill(test, t, 6, 0);
	KUNIT_EXPECT_TRUE(test, mark_done(t, 0));
	KUNIT_EXPECT_TRUE(test, mark_done(t, 2));
	KUNIT_EXPECT_TRUE(test, mark_done(t, 2));
	KUNIT_EXPECT_TRUE(test, mark_done(t, 4));
	KUNIT_EXPECT_NOT_NULL(test, get(t, 1, 4, 4500));
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 1000), 0U);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 1001), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 2);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ_MSG(test, present(t, 1, i), i != 0 && i != 2, "flow %u", i);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 5500), 0U);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 5501), 1U);
	KUNIT_EXPECT_FALSE(test, present(t, 1, 4));
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 10000), 0U);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 10001), 3U);
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 0ULL);
	KUNIT_EXPECT_EQ(test, st.evicted_idle, 6ULL);
	KUNIT_EXPECT_EQ(test, st.evicted_lru, 0ULL);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 6);

	/* done_timeout_ns 0: done entries use idle_timeout_ns like the others */
	atomic_set(&c.calls, 0);
	t = new_done_table(test, 64, 10000, 0, &c);
	fill(test, t, 4, 0);
	KUNIT_EXPECT_TRUE(test, mark_done(t, 1));
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 10000), 0U);
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 10001), 4U);
	crosslat_flow_table_destroy(t);

	/* idle_timeout_ns 0: only done entries are ever idle-evicted */
	t = new_done_table(test, 64, 0, 1000, &c);
	fill(test, t, 4, 0);
	KUNIT_EXPECT_TRUE(test, mark_done(t, 3));
	KUNIT_EXPECT_EQ(test, crosslat_flow_table_gc(t, 1000ULL * NSEC_PER_SEC), 1U);
	KUNIT_EXPECT_FALSE(test, present(t, 1, 3));
	KUNIT_EXPECT_TRUE(test, present(t, 1, 0));
	crosslat_flow_table_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.entries, 3ULL);
	crosslat_flow_table_destroy(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.calls), 8);
}

static struct kunit_case crosslat_flow_table_cases[] = {
	KUNIT_CASE(crosslat_flow_table_insert_lookup),
	KUNIT_CASE(crosslat_flow_table_full_drops),
	KUNIT_CASE(crosslat_flow_table_gc_idle),
	KUNIT_CASE(crosslat_flow_table_gc_lru),
	KUNIT_CASE(crosslat_flow_table_concurrent_writers),
	KUNIT_CASE(crosslat_flow_table_create_invalid),
	KUNIT_CASE(crosslat_flow_table_iter_stable),
	KUNIT_CASE(crosslat_flow_table_iter_keep_resume),
	KUNIT_CASE(crosslat_flow_table_iter_removed),
	KUNIT_CASE(crosslat_flow_table_iter_cursor_removed),
	KUNIT_CASE(crosslat_flow_table_gc_done),
	{}
};

static struct kunit_suite crosslat_flow_table_suite = {
	.name = "crosslat_flow_table",
	.test_cases = crosslat_flow_table_cases,
};
kunit_test_suite(crosslat_flow_table_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the crosslat engine's flow tables");
