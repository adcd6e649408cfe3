// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_flow_table: insert, lookup, bounds, idle and LRU eviction, races. */
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

static struct kunit_case crosslat_flow_table_cases[] = {
	KUNIT_CASE(crosslat_flow_table_insert_lookup),
	KUNIT_CASE(crosslat_flow_table_full_drops),
	KUNIT_CASE(crosslat_flow_table_gc_idle),
	KUNIT_CASE(crosslat_flow_table_gc_lru),
	KUNIT_CASE(crosslat_flow_table_concurrent_writers),
	KUNIT_CASE(crosslat_flow_table_create_invalid),
	{}
};

static struct kunit_suite crosslat_flow_table_suite = {
	.name = "crosslat_flow_table",
	.test_cases = crosslat_flow_table_cases,
};
kunit_test_suite(crosslat_flow_table_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the crosslat engine's flow tables");
