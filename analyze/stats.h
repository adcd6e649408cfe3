/* SPDX-License-Identifier: GPL-2.0-only */
/* Order statistics of latency samples: sorting and nearest-rank percentiles. */
#ifndef _CROSSLAT_STATS_H
#define _CROSSLAT_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sorts nr values ascending (nr may be 0, v then NULL). */
void crosslat_sort_u64(uint64_t *v, size_t nr);

/* The p-th percentile (0..100) of sorted v, nearest rank; 0 when nr is 0. */
uint64_t crosslat_percentile(const uint64_t *v, size_t nr, unsigned int p);

#endif /* _CROSSLAT_STATS_H */
