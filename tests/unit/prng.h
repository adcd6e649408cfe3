/* SPDX-License-Identifier: GPL-2.0-only */
/* Seeded PRNG (splitmix64) for reproducible random tests; the seed comes from CROSSLAT_SEED. */
#ifndef _CROSSLAT_PRNG_H
#define _CROSSLAT_PRNG_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PRNG_DEFAULT_SEED	0x63726f73736c6174ULL	/* "crosslat" */

struct prng {
	uint64_t state;
};

static inline uint64_t prng_next(struct prng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant for tests. */
static inline uint64_t prng_below(struct prng *r, uint64_t n)
{
	return prng_next(r) % n;
}

/* Uniform in [lo, hi]. */
static inline uint64_t prng_range(struct prng *r, uint64_t lo, uint64_t hi)
{
	return lo + prng_below(r, hi - lo + 1);
}

/* true with probability 1/n */
static inline int prng_one_in(struct prng *r, uint64_t n)
{
	return prng_below(r, n) == 0;
}

/*
 * Seed from $CROSSLAT_SEED (a number, or "time" for a fresh one), else a fixed default so CI
 * runs are reproducible. Prints the seed as a TAP comment.
 */
static inline void prng_seed_from_env(struct prng *r)
{
	const char *env = getenv("CROSSLAT_SEED");
	uint64_t seed = PRNG_DEFAULT_SEED;

	if (env && !strcmp(env, "time"))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	else if (env && *env)
		seed = strtoull(env, NULL, 0);
	r->state = seed;
	printf("# seed 0x%016" PRIx64 " (rerun with CROSSLAT_SEED=0x%016" PRIx64 ")\n",
	       seed, seed);
}

#endif /* _CROSSLAT_PRNG_H */
