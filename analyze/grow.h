/* SPDX-License-Identifier: GPL-2.0-only */
/* Growing the analyzer's arrays: doubling capacity, one element at a time. */
#ifndef _CROSSLAT_GROW_H
#define _CROSSLAT_GROW_H

#include <stddef.h>
#include <stdlib.h>

/*
 * arr (nr elements of size, capacity *cap) with room for one more: arr itself, or moved;
 * NULL when out of memory (arr is then left as it was).
 */
static inline void *crosslat_grow(void *arr, size_t nr, size_t *cap, size_t size)
{
	size_t ncap;
	void *n;

	if (nr < *cap)
		return arr;
	ncap = *cap ? 2 * *cap : 16;
	n = realloc(arr, ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

#endif /* _CROSSLAT_GROW_H */
