// SPDX-License-Identifier: GPL-2.0-only
/* Open-addressing (linear probing) hash index from keys to array positions. */

#include <errno.h>
#include <stdlib.h>

#include "index.h"

struct crosslat_index_slot {
	uint32_t hash;
	uint32_t entry;		/* entry + 1; 0: empty */
};

#define INDEX_MIN_CAP	16

uint32_t crosslat_hash_bytes(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

/* Spreads FNV's weak low bits over the whole word before masking. */
static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

/* The slot holding key, or the empty slot where it would go; idx->cap must be non-zero. */
static struct crosslat_index_slot *probe(const struct crosslat_index *idx, uint32_t hash,
					 crosslat_index_eq_fn eq, const void *key,
					 const void *ctx)
{
	uint32_t mask = idx->cap - 1, i = mix(hash) & mask;

	for (;; i = (i + 1) & mask) {
		struct crosslat_index_slot *s = &idx->slots[i];

		if (!s->entry)
			return s;
		if (s->hash == hash && eq(s->entry - 1, key, ctx))
			return s;
	}
}

int64_t crosslat_index_find(const struct crosslat_index *idx, uint32_t hash,
			    crosslat_index_eq_fn eq, const void *key, const void *ctx)
{
	const struct crosslat_index_slot *s;

	if (!idx->cap)
		return -1;
	s = probe(idx, hash, eq, key, ctx);
	return s->entry ? (int64_t)s->entry - 1 : -1;
}

static int grow(struct crosslat_index *idx)
{
	uint32_t cap = idx->cap ? idx->cap * 2 : INDEX_MIN_CAP, i;
	struct crosslat_index_slot *slots;

	if (cap < idx->cap)
		return -ENOMEM;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < idx->cap; i++) {
		const struct crosslat_index_slot *s = &idx->slots[i];
		uint32_t j;

		if (!s->entry)
			continue;
		for (j = mix(s->hash) & (cap - 1); slots[j].entry; j = (j + 1) & (cap - 1))
			;
		slots[j] = *s;
	}
	free(idx->slots);
	idx->slots = slots;
	idx->cap = cap;
	return 0;
}

int crosslat_index_set(struct crosslat_index *idx, uint32_t hash, crosslat_index_eq_fn eq,
		       const void *key, const void *ctx, uint32_t entry)
{
	struct crosslat_index_slot *s;

	if (entry == UINT32_MAX)
		return -ENOMEM;
	/* At most 3/4 full, so probing always ends on an empty slot. */
	if ((uint64_t)(idx->nr + 1) * 4 > (uint64_t)idx->cap * 3 && grow(idx))
		return -ENOMEM;
	s = probe(idx, hash, eq, key, ctx);
	if (!s->entry)
		idx->nr++;
	s->hash = hash;
	s->entry = entry + 1;
	return 0;
}

void crosslat_index_free(struct crosslat_index *idx)
{
	free(idx->slots);
	idx->slots = NULL;
	idx->cap = 0;
	idx->nr = 0;
}
