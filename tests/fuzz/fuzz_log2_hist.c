// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target for the log2 histogram: values from 9-byte records, split, merged, checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "log2_hist.h"

/*
 * Record: byte 0 = (which histogram << 6) | shift, bytes 1..8 = value (little endian),
 * shifted right by shift so small values and bucket edges are reachable.
 */
static uint64_t record_value(const uint8_t *rec)
{
	uint64_t v = 0;
	int i;

	for (i = 8; i >= 1; i--)
		v = v << 8 | rec[i];
	return v >> (rec[0] & 63);
}

static void check_one(const struct crosslat_log2_hist *h)
{
	uint64_t buckets = 0, q, prev = 0;
	unsigned int i, lo = CROSSLAT_LOG2_BUCKETS, hi = 0;
	uint32_t p;

	for (i = 0; i < CROSSLAT_LOG2_BUCKETS; i++) {
		buckets += h->bucket[i];
		if (h->bucket[i]) {
			if (lo == CROSSLAT_LOG2_BUCKETS)
				lo = i;
			hi = i;
		}
	}
	REQUIRE(buckets == h->count);
	if (!h->count) {
		REQUIRE(h->min == UINT64_MAX && h->max == 0 && h->sum == 0);
		REQUIRE(crosslat_log2_hist_quantile(h, 500) == 0);
		return;
	}
	REQUIRE(h->min <= h->max);
	REQUIRE(crosslat_log2_hist_bucket(h->min) == lo);
	REQUIRE(crosslat_log2_hist_bucket(h->max) == hi);
	/* every permille up to 20, then a stride, then the top and one past it */
	for (p = 0; p <= 1001; p += p < 20 || p >= 990 ? 1 : 13) {
		q = crosslat_log2_hist_quantile(h, p);
		REQUIRE(q >= prev);
		REQUIRE(q == crosslat_log2_hist_bucket_hi(crosslat_log2_hist_bucket(q)));
		REQUIRE(q >= crosslat_log2_hist_bucket_hi(lo));
		REQUIRE(q <= crosslat_log2_hist_bucket_hi(hi));
		prev = q;
	}
	REQUIRE(crosslat_log2_hist_quantile(h, 0) == crosslat_log2_hist_bucket_hi(lo));
	REQUIRE(crosslat_log2_hist_quantile(h, 1000) == crosslat_log2_hist_bucket_hi(hi));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crosslat_log2_hist part[2], all;
	uint64_t n = 0, sum = 0, min = UINT64_MAX, max = 0, v;
	size_t off;

	crosslat_log2_hist_init(&part[0]);
	crosslat_log2_hist_init(&part[1]);
	crosslat_log2_hist_init(&all);
	for (off = 0; off + 9 <= size; off += 9) {
		v = record_value(data + off);
		REQUIRE(v >= crosslat_log2_hist_bucket_lo(crosslat_log2_hist_bucket(v)));
		REQUIRE(v <= crosslat_log2_hist_bucket_hi(crosslat_log2_hist_bucket(v)));
		crosslat_log2_hist_add(&part[data[off] >> 6 & 1], v);
		crosslat_log2_hist_add(&all, v);
		n++;
		sum += v;
		min = v < min ? v : min;
		max = v > max ? v : max;
	}
	REQUIRE(all.count == n && all.sum == sum);
	REQUIRE(all.min == min && all.max == max);
	check_one(&part[0]);
	check_one(&part[1]);
	check_one(&all);
	crosslat_log2_hist_merge(&part[0], &part[1]);
	REQUIRE(!memcmp(&part[0], &all, sizeof(all)));
	return 0;
}
