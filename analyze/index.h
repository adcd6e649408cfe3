/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An open-addressing hash index over a caller-owned array of entries: it maps a key (which
 * the caller hashes and compares) to the entry's position in that array. The tables of the
 * analyzer (flows, mappings, event names) keep their entries in arrays and find them here.
 */
#ifndef _CROSSLAT_INDEX_H
#define _CROSSLAT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crosslat_index_slot;

struct crosslat_index {
	struct crosslat_index_slot *slots;
	uint32_t cap;		/* a power of two; 0 before the first insertion */
	uint32_t nr;		/* occupied slots */
};

/* Whether entry number `entry` of the caller's array has key `key`. */
typedef bool (*crosslat_index_eq_fn)(uint32_t entry, const void *key, const void *ctx);

/* FNV-1a over n bytes, continuing from h (start with CROSSLAT_HASH_INIT). */
#define CROSSLAT_HASH_INIT	2166136261u
uint32_t crosslat_hash_bytes(uint32_t h, const void *p, size_t n);

/* The entry whose key equals key, or -1. */
int64_t crosslat_index_find(const struct crosslat_index *idx, uint32_t hash,
			    crosslat_index_eq_fn eq, const void *key, const void *ctx);

/*
 * Points key at entry: replaces the entry an equal key had, or adds the key. Returns 0 or
 * -ENOMEM (the index is unchanged then).
 */
int crosslat_index_set(struct crosslat_index *idx, uint32_t hash, crosslat_index_eq_fn eq,
		       const void *key, const void *ctx, uint32_t entry);

void crosslat_index_free(struct crosslat_index *idx);

#endif /* _CROSSLAT_INDEX_H */
