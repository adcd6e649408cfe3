// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_log2_hist: bucket bounds, add, merge and quantiles vs a naive model. */
#include <kunit/test.h>
#include <linux/slab.h>
#include "core/log2_hist.h"

/* Bit length by shifting, clamped to the last bucket. */
static unsigned int naive_bucket(u64 v)
{
	unsigned int bits = 0;

	while (v) {
		v >>= 1;
		bits++;
	}
	return min_t(unsigned int, bits, CROSSLAT_LOG2_BUCKETS - 1);
}

static struct crosslat_log2_hist *new_hist(struct kunit *test)
{
	struct crosslat_log2_hist *h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	crosslat_log2_hist_init(h);
	return h;
}

static void crosslat_log2_hist_bucket_bounds(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_lo(0), 0ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_hi(0), 0ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_lo(1), 1ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_hi(1), 1ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_lo(2), 2ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_hi(2), 3ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_lo(63), 1ULL << 62);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_hi(63), U64_MAX);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket(U64_MAX), 63U);

	for (i = 1; i < CROSSLAT_LOG2_BUCKETS; i++) {
		u64 lo = crosslat_log2_hist_bucket_lo(i);

		KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket_hi(i - 1) + 1, lo);
		KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket(lo), i);
		KUNIT_EXPECT_EQ(test, crosslat_log2_hist_bucket(lo - 1), i - 1);
	}
}

/* Pseudo-random values (xorshift64, fixed seed) bucketed like the naive model. */
static void crosslat_log2_hist_add_model(struct kunit *test)
{
	struct crosslat_log2_hist *h = new_hist(test);
	u64 x = 0x9e3779b97f4a7c15ULL, sum = 0, mn = U64_MAX, mx = 0;
	u64 *ref = kunit_kzalloc(test, CROSSLAT_LOG2_BUCKETS * sizeof(*ref), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref);
	for (i = 0; i < 4096; i++) {
		u64 v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (i % 64);
		crosslat_log2_hist_add(h, v);
		ref[naive_bucket(v)]++;
		sum += v;
		mn = min(mn, v);
		mx = max(mx, v);
	}
	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++)
		KUNIT_EXPECT_EQ_MSG(test, h->bucket[i], ref[i], "bucket %u", i);
	KUNIT_EXPECT_EQ(test, h->count, 4096ULL);
	KUNIT_EXPECT_EQ(test, h->sum, sum);
	KUNIT_EXPECT_EQ(test, h->min, mn);
	KUNIT_EXPECT_EQ(test, h->max, mx);
}

static void crosslat_log2_hist_quantile_basic(struct kunit *test)
{
	struct crosslat_log2_hist *h = new_hist(test);
	u64 v;

	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 500), 0ULL);
	/* 1..100: bucket [32, 63] holds ranks 32..63 */
	for (v = 1; v <= 100; v++)
		crosslat_log2_hist_add(h, v);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 0), 1ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 310), 31ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 311), 63ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 500), 63ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 990), 127ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 1000), 127ULL);
	KUNIT_EXPECT_EQ(test, crosslat_log2_hist_quantile(h, 5000), 127ULL);
}

static void crosslat_log2_hist_merge_basic(struct kunit *test)
{
	struct crosslat_log2_hist *a = new_hist(test), *b = new_hist(test);
	struct crosslat_log2_hist *all = new_hist(test);
	u64 v;

	for (v = 0; v < 1000; v += 3) {
		crosslat_log2_hist_add(v % 2 ? a : b, v * v);
		crosslat_log2_hist_add(all, v * v);
	}
	crosslat_log2_hist_add(b, U64_MAX);
	crosslat_log2_hist_add(all, U64_MAX);
	crosslat_log2_hist_merge(a, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, all, sizeof(*a)), 0);
	KUNIT_EXPECT_EQ(test, a->min, 0ULL);
	KUNIT_EXPECT_EQ(test, a->max, U64_MAX);
	KUNIT_EXPECT_EQ(test, a->bucket[63], 1ULL);
}

static struct kunit_case crosslat_log2_hist_cases[] = {
	KUNIT_CASE(crosslat_log2_hist_bucket_bounds),
	KUNIT_CASE(crosslat_log2_hist_add_model),
	KUNIT_CASE(crosslat_log2_hist_quantile_basic),
	KUNIT_CASE(crosslat_log2_hist_merge_basic),
	{}
};

static struct kunit_suite crosslat_log2_hist_suite = {
	.name = "crosslat_log2_hist",
	.test_cases = crosslat_log2_hist_cases,
};

kunit_test_suite(crosslat_log2_hist_suite);
