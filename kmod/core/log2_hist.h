/* SPDX-License-Identifier: GPL-2.0-only */
/* Power-of-two latency histogram: 64 buckets by bit length, exact count/sum/min/max. */
#ifndef _CROSSLAT_LOG2_HIST_H
#define _CROSSLAT_LOG2_HIST_H

#include "core_types.h"

#define CROSSLAT_LOG2_BUCKETS	64

/*
 * Bucket i holds the values v with fls64(v) == i: bucket 0 is {0}, bucket 1 is {1},
 * bucket 2 is [2, 3], bucket i is [2^(i-1), 2^i - 1]. fls64() reaches 64 but there are 64
 * buckets, so the last one, 63, also takes the values of bit length 64: it holds
 * [2^62, U64_MAX].
 *
 * sum wraps modulo 2^64. min is U64_MAX and max is 0 while count is 0. Updates are plain
 * stores: callers serialise, or keep one histogram per CPU and merge them.
 */
struct crosslat_log2_hist {
	u64 bucket[CROSSLAT_LOG2_BUCKETS];
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
};

/* Index of the bucket that holds v. */
static inline unsigned int crosslat_log2_hist_bucket(u64 v)
{
	unsigned int i = cl_fls64(v);

	return i < CROSSLAT_LOG2_BUCKETS ? i : CROSSLAT_LOG2_BUCKETS - 1;
}

/* Smallest value bucket i holds; i past the last bucket means the last bucket. */
static inline u64 crosslat_log2_hist_bucket_lo(unsigned int i)
{
	if (i >= CROSSLAT_LOG2_BUCKETS)
		i = CROSSLAT_LOG2_BUCKETS - 1;
	return i ? (u64)1 << (i - 1) : 0;
}

/* Largest value bucket i holds; i past the last bucket means the last bucket. */
static inline u64 crosslat_log2_hist_bucket_hi(unsigned int i)
{
	if (i >= CROSSLAT_LOG2_BUCKETS - 1)
		return CL_U64_MAX;
	return ((u64)1 << i) - 1;
}

void crosslat_log2_hist_init(struct crosslat_log2_hist *h);
void crosslat_log2_hist_add(struct crosslat_log2_hist *h, u64 value);
/* Adds every sample of src to dst; src is unchanged. */
void crosslat_log2_hist_merge(struct crosslat_log2_hist *dst, const struct crosslat_log2_hist *src);

/*
 * crosslat_log2_hist_quantile() - upper bound of the bucket holding a quantile
 * @permille: 0..1000 (larger values count as 1000)
 *
 * With n = count, the sample of rank r = max(1, ceil(n * permille / 1000)) in ascending
 * order (ranks start at 1) lies in the first bucket b whose cumulative count reaches r.
 * Returns crosslat_log2_hist_bucket_hi(b): the true quantile lies in
 * [crosslat_log2_hist_bucket_lo(b), result]. permille 0 gives the bucket of min, 1000 the
 * bucket of max. Returns 0 for an empty histogram.
 */
u64 crosslat_log2_hist_quantile(const struct crosslat_log2_hist *h, u32 permille);

#endif /* _CROSSLAT_LOG2_HIST_H */
