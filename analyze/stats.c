// SPDX-License-Identifier: GPL-2.0-only
/* Order statistics of latency samples: sorting and nearest-rank percentiles. */
#include <stdlib.h>

#include "stats.h"

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

void crosslat_sort_u64(uint64_t *v, size_t nr)
{
	if (nr)
		qsort(v, nr, sizeof(*v), cmp_u64);
}

uint64_t crosslat_percentile(const uint64_t *v, size_t nr, unsigned int p)
{
	size_t k;

	if (!nr)
		return 0;
	k = (nr * p + 99) / 100;
	return v[k ? k - 1 : 0];
}
