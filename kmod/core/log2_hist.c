// SPDX-License-Identifier: GPL-2.0-only
/* Power-of-two latency histogram: 64 buckets by bit length, exact count/sum/min/max. */
#include "log2_hist.h"

void crosslat_log2_hist_init(struct crosslat_log2_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = CL_U64_MAX;
}
CROSSLAT_CORE_EXPORT(crosslat_log2_hist_init);

void crosslat_log2_hist_add(struct crosslat_log2_hist *h, u64 value)
{
	h->bucket[crosslat_log2_hist_bucket(value)]++;
	h->count++;
	h->sum += value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
}
CROSSLAT_CORE_EXPORT(crosslat_log2_hist_add);

void crosslat_log2_hist_merge(struct crosslat_log2_hist *dst, const struct crosslat_log2_hist *src)
{
	unsigned int i;

	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}
CROSSLAT_CORE_EXPORT(crosslat_log2_hist_merge);

/* ceil(n * permille / 1000) without overflowing 64 bits, permille <= 1000 */
static u64 quantile_rank(u64 n, u32 permille)
{
	u32 rem;
	u64 q = cl_div_u64_rem(n, 1000, &rem);
	u32 part = rem * permille;

	return q * permille + part / 1000 + (part % 1000 ? 1 : 0);
}

u64 crosslat_log2_hist_quantile(const struct crosslat_log2_hist *h, u32 permille)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	if (permille > 1000)
		permille = 1000;
	rank = quantile_rank(h->count, permille);
	if (!rank)
		rank = 1;
	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return crosslat_log2_hist_bucket_hi(i);
	}
	/* count disagrees with the buckets (a torn per-CPU read): report the top one in use */
	return crosslat_log2_hist_bucket_hi(crosslat_log2_hist_bucket(h->max));
}
CROSSLAT_CORE_EXPORT(crosslat_log2_hist_quantile);
