// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the log2 histogram against a naive reference (bit-length loops, sorting). */
#include <stdlib.h>

#include "log2_hist.h"
#include "prng.h"
#include "tap.h"

#define MODEL_VALUES	5000
#define QUANTILE_ROUNDS	300

static struct prng rng;

/* Bit length by shifting, clamped to the last bucket. */
static unsigned int naive_bucket(uint64_t v)
{
	unsigned int bits = 0;

	while (v) {
		v >>= 1;
		bits++;
	}
	return bits < CROSSLAT_LOG2_BUCKETS ? bits : CROSSLAT_LOG2_BUCKETS - 1;
}

static uint64_t naive_lo(unsigned int i)
{
	uint64_t lo = 1;
	unsigned int k;

	if (!i)
		return 0;
	for (k = 1; k < i; k++)
		lo *= 2;
	return lo;
}

static uint64_t naive_hi(unsigned int i)
{
	uint64_t hi = 0;
	unsigned int k;

	if (i == CROSSLAT_LOG2_BUCKETS - 1)
		return UINT64_MAX;
	for (k = 0; k < i; k++)
		hi = hi * 2 + 1;
	return hi;
}

/* Values that stress the bucket edges: 0, 1, 2^k - 1, 2^k, 2^k + 1, U64_MAX, random. */
static uint64_t random_value(void)
{
	unsigned int k = (unsigned int)prng_below(&rng, 64);

	switch (prng_below(&rng, 8)) {
	case 0:
		return prng_below(&rng, 4);
	case 1:
		return ((uint64_t)1 << k) - 1;
	case 2:
		return (uint64_t)1 << k;
	case 3:
		return ((uint64_t)1 << k) + 1;
	case 4:
		return UINT64_MAX - prng_below(&rng, 2);
	case 5:
		return prng_next(&rng) >> k;
	default:
		return prng_below(&rng, 1000000);
	}
}

static void test_init(void)
{
	struct crosslat_log2_hist h;
	unsigned int i;

	memset(&h, 0xa5, sizeof(h));
	crosslat_log2_hist_init(&h);
	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++)
		CHECK_EQ(h.bucket[i], 0);
	CHECK_EQ(h.count, 0);
	CHECK_EQ(h.sum, 0);
	CHECK_EQ(h.min, UINT64_MAX);
	CHECK_EQ(h.max, 0);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 500), 0);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 1000), 0);
}

static void test_bucket_bounds(void)
{
	unsigned int i;

	CHECK_EQ(crosslat_log2_hist_bucket_lo(0), 0);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(0), 0);
	CHECK_EQ(crosslat_log2_hist_bucket_lo(1), 1);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(1), 1);
	CHECK_EQ(crosslat_log2_hist_bucket_lo(2), 2);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(2), 3);
	CHECK_EQ(crosslat_log2_hist_bucket_lo(10), 512);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(10), 1023);
	CHECK_EQ(crosslat_log2_hist_bucket_lo(63), (uint64_t)1 << 62);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(63), UINT64_MAX);
	/* out of range indices mean the last bucket */
	CHECK_EQ(crosslat_log2_hist_bucket_lo(64), (uint64_t)1 << 62);
	CHECK_EQ(crosslat_log2_hist_bucket_hi(1000), UINT64_MAX);

	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++) {
		uint64_t lo = crosslat_log2_hist_bucket_lo(i);
		uint64_t hi = crosslat_log2_hist_bucket_hi(i);

		CHECK_EQ(lo, naive_lo(i));
		CHECK_EQ(hi, naive_hi(i));
		CHECK(lo <= hi);
		CHECK_EQ(crosslat_log2_hist_bucket(lo), i);
		CHECK_EQ(crosslat_log2_hist_bucket(hi), i);
		if (i)
			CHECK_EQ(crosslat_log2_hist_bucket(lo - 1), i - 1);
		if (i + 1 < CROSSLAT_LOG2_BUCKETS)
			CHECK_EQ(crosslat_log2_hist_bucket_lo(i + 1), hi + 1);
	}
}

static void test_bucket_edges(void)
{
	uint64_t v;
	unsigned int k;
	int d;

	for (k = 0; k < 64; k++) {
		for (d = -1; d <= 1; d++) {
			v = ((uint64_t)1 << k) + (uint64_t)(int64_t)d;
			CHECK_EQ(crosslat_log2_hist_bucket(v), naive_bucket(v));
		}
	}
	CHECK_EQ(crosslat_log2_hist_bucket(0), 0);
	CHECK_EQ(crosslat_log2_hist_bucket(1), 1);
	CHECK_EQ(crosslat_log2_hist_bucket(2), 2);
	CHECK_EQ(crosslat_log2_hist_bucket(3), 2);
	CHECK_EQ(crosslat_log2_hist_bucket(4), 3);
	CHECK_EQ(crosslat_log2_hist_bucket((uint64_t)1 << 62), 63);
	CHECK_EQ(crosslat_log2_hist_bucket((uint64_t)1 << 63), 63);
	CHECK_EQ(crosslat_log2_hist_bucket(UINT64_MAX), 63);
	CHECK_EQ(crosslat_log2_hist_bucket(((uint64_t)1 << 62) - 1), 62);
}

struct ref_hist {
	uint64_t bucket[CROSSLAT_LOG2_BUCKETS];
	uint64_t count, sum, min, max;
};

static void ref_add(struct ref_hist *r, uint64_t v)
{
	if (!r->count || v < r->min)
		r->min = v;
	if (!r->count || v > r->max)
		r->max = v;
	r->bucket[naive_bucket(v)]++;
	r->count++;
	r->sum += v;
}

static void check_hist(const struct crosslat_log2_hist *h, const struct ref_hist *r)
{
	unsigned int i;

	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++)
		CHECK_EQ(h->bucket[i], r->bucket[i]);
	CHECK_EQ(h->count, r->count);
	CHECK_EQ(h->sum, r->sum);
	CHECK_EQ(h->min, r->count ? r->min : UINT64_MAX);
	CHECK_EQ(h->max, r->count ? r->max : 0);
}

static void test_add_model(void)
{
	struct crosslat_log2_hist h;
	struct ref_hist r;
	int i;

	memset(&r, 0, sizeof(r));
	crosslat_log2_hist_init(&h);
	for (i = 0; i < MODEL_VALUES; i++) {
		uint64_t v = random_value();

		crosslat_log2_hist_add(&h, v);
		ref_add(&r, v);
	}
	check_hist(&h, &r);
}

static void test_sum_wraps(void)
{
	struct crosslat_log2_hist h;

	crosslat_log2_hist_init(&h);
	crosslat_log2_hist_add(&h, UINT64_MAX);
	crosslat_log2_hist_add(&h, 3);
	CHECK_EQ(h.sum, 2);
	CHECK_EQ(h.count, 2);
	CHECK_EQ(h.min, 3);
	CHECK_EQ(h.max, UINT64_MAX);
	CHECK_EQ(h.bucket[63], 1);
	CHECK_EQ(h.bucket[2], 1);
}

static void test_merge(void)
{
	struct crosslat_log2_hist a, b, all, empty;
	struct ref_hist r;
	int round, i;

	for (round = 0; round < 50; round++) {
		int n = (int)prng_below(&rng, 200);

		memset(&r, 0, sizeof(r));
		crosslat_log2_hist_init(&a);
		crosslat_log2_hist_init(&b);
		crosslat_log2_hist_init(&all);
		for (i = 0; i < n; i++) {
			uint64_t v = random_value();

			crosslat_log2_hist_add(prng_one_in(&rng, 2) ? &a : &b, v);
			crosslat_log2_hist_add(&all, v);
			ref_add(&r, v);
		}
		crosslat_log2_hist_merge(&a, &b);
		check_hist(&a, &r);
		CHECK(!memcmp(&a, &all, sizeof(a)));
	}

	/* empty into empty, empty into full, full into empty */
	crosslat_log2_hist_init(&a);
	crosslat_log2_hist_init(&empty);
	crosslat_log2_hist_merge(&a, &empty);
	CHECK(!memcmp(&a, &empty, sizeof(a)));
	crosslat_log2_hist_add(&a, 7);
	crosslat_log2_hist_add(&a, 0);
	b = a;
	crosslat_log2_hist_merge(&a, &empty);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	crosslat_log2_hist_merge(&empty, &a);
	CHECK(!memcmp(&empty, &a, sizeof(a)));
	CHECK_EQ(empty.min, 0);
	CHECK_EQ(empty.max, 7);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The documented definition, computed with 128-bit arithmetic on the sorted samples. */
static uint64_t ref_quantile(const uint64_t *sorted, uint64_t n, uint32_t permille)
{
	unsigned __int128 rank;

	if (!n)
		return 0;
	if (permille > 1000)
		permille = 1000;
	rank = ((unsigned __int128)n * permille + 999) / 1000;
	if (!rank)
		rank = 1;
	return naive_hi(naive_bucket(sorted[rank - 1]));
}

static void test_quantile_model(void)
{
	static const uint32_t fixed[] = { 0, 1, 10, 100, 250, 500, 750, 900, 990, 999, 1000, 1001,
					  5000 };
	static uint64_t vals[2000];
	struct crosslat_log2_hist h;
	int round;
	size_t i;

	for (round = 0; round < QUANTILE_ROUNDS; round++) {
		uint64_t n = prng_range(&rng, 1, ARRAY_SIZE(vals));
		uint32_t prev = 0;

		crosslat_log2_hist_init(&h);
		for (i = 0; i < n; i++) {
			vals[i] = round % 2 ? random_value() : prng_below(&rng, 100000);
			crosslat_log2_hist_add(&h, vals[i]);
		}
		qsort(vals, n, sizeof(vals[0]), cmp_u64);
		for (i = 0; i < ARRAY_SIZE(fixed); i++)
			CHECK_EQ(crosslat_log2_hist_quantile(&h, fixed[i]),
				 ref_quantile(vals, n, fixed[i]));
		for (i = 0; i < 20; i++) {
			uint32_t p = (uint32_t)prng_below(&rng, 1001);

			CHECK_EQ(crosslat_log2_hist_quantile(&h, p), ref_quantile(vals, n, p));
		}
		for (i = 0; i <= 1000; i += 7) {
			uint32_t q = (uint32_t)crosslat_log2_hist_quantile(&h, (uint32_t)i);

			CHECK(q >= prev);
			prev = q;
		}
		CHECK_EQ(crosslat_log2_hist_quantile(&h, 0),
			 crosslat_log2_hist_bucket_hi(crosslat_log2_hist_bucket(h.min)));
		CHECK_EQ(crosslat_log2_hist_quantile(&h, 1000),
			 crosslat_log2_hist_bucket_hi(crosslat_log2_hist_bucket(h.max)));
	}
}

static void test_quantile_small(void)
{
	struct crosslat_log2_hist h;
	int i;

	/* 1..100: p50 is the 50th sample, 50, in bucket [32, 63] */
	crosslat_log2_hist_init(&h);
	for (i = 1; i <= 100; i++)
		crosslat_log2_hist_add(&h, (uint64_t)i);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 500), 63);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 310), 31);	/* 31st sample: 31 */
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 311), 63);	/* 32nd sample: 32 */
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 0), 1);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 10), 1);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 11), 3);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 1000), 127);

	crosslat_log2_hist_init(&h);
	crosslat_log2_hist_add(&h, 0);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 999), 0);
	crosslat_log2_hist_add(&h, UINT64_MAX);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 500), 0);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 501), UINT64_MAX);
}

/* Counts near 2^64 must not overflow the rank computation. */
static void test_quantile_huge_counts(void)
{
	struct crosslat_log2_hist h;

	crosslat_log2_hist_init(&h);
	h.bucket[5] = (uint64_t)1 << 62;
	h.bucket[40] = (uint64_t)1 << 62;
	h.count = (uint64_t)1 << 63;
	h.min = 16;
	h.max = (uint64_t)1 << 39;
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 500), 31);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 501), ((uint64_t)1 << 40) - 1);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 1000), ((uint64_t)1 << 40) - 1);

	h.bucket[5] = UINT64_MAX - 1000;
	h.bucket[6] = 1000;
	h.bucket[40] = 0;
	h.count = UINT64_MAX;
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 999), 31);
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 1000), 63);

	/* count larger than the buckets hold (torn read): the bucket of max */
	h.count = 10;
	memset(h.bucket, 0, sizeof(h.bucket));
	h.bucket[3] = 2;
	h.max = 6;
	CHECK_EQ(crosslat_log2_hist_quantile(&h, 900), 7);
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_init);
	TAP_RUN(test_bucket_bounds);
	TAP_RUN(test_bucket_edges);
	TAP_RUN(test_add_model);
	TAP_RUN(test_sum_wraps);
	TAP_RUN(test_merge);
	TAP_RUN(test_quantile_model);
	TAP_RUN(test_quantile_small);
	TAP_RUN(test_quantile_huge_counts);
	return tap_done();
}
