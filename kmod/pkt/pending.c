// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sightings of segments with a trace context that entered the host at one point and have
 * not left it yet: a fixed array of buckets of PKT_WAYS sightings by hash of (flow,
 * sequence), each under its own lock. A newer sighting evicts the oldest of a full bucket
 * (counted): the table never grows and never allocates on the packet path. A sighting older
 * than PKT_MAX_AGE_NS when its exit comes is dropped (counted as unmatched). A split header
 * block's sighting is kept under two sequences; taking one drops the other.
 *
 * Partial scans: a header block that did not end in its segment, its scanner state kept
 * under (flow, the next segment's sequence) in a second such table, for that segment.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/vmalloc.h>
#include "pkt.h"

#define PKT_MAX_AGE_NS	(2 * NSEC_PER_SEC)

/* Ways of a bucket: a newer sighting evicts the oldest only when all are busy. */
#define PKT_WAYS	4

struct pkt_way {
	bool used;
	struct pkt_sighting s;
};

struct pkt_bucket {
	spinlock_t lock;
	struct pkt_way way[PKT_WAYS];
};

static struct pkt_bucket *buckets;
static unsigned int nr_buckets;
static atomic_t pending = ATOMIC_INIT(0);

/* n sightings at most: n / PKT_WAYS buckets (rounded up). */
int pkt_pending_init(unsigned int n)
{
	unsigned int i;

	nr_buckets = DIV_ROUND_UP(n, PKT_WAYS);
	buckets = vzalloc(array_size(nr_buckets, sizeof(*buckets)));
	if (!buckets)
		return -ENOMEM;
	for (i = 0; i < nr_buckets; i++)
		spin_lock_init(&buckets[i].lock);
	return 0;
}

void pkt_pending_exit(void)
{
	vfree(buckets);
	buckets = NULL;
}

static struct pkt_bucket *bucket_of(const struct pkt_key *key)
{
	return &buckets[jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 0) % nr_buckets];
}

void pkt_pending_add(const struct pkt_sighting *s)
{
	struct pkt_bucket *b = bucket_of(&s->key);
	struct pkt_way *w = NULL;
	unsigned int i;

	spin_lock_bh(&b->lock);
	for (i = 0; i < PKT_WAYS; i++) {
		if (!b->way[i].used) {
			if (!w || w->used)
				w = &b->way[i];
		} else if (!memcmp(&b->way[i].s.key, &s->key, sizeof(s->key))) {
			w = &b->way[i];	/* the same segment again (retransmitted) */
			break;
		} else if (!w || (w->used && b->way[i].s.ts_ns < w->s.ts_ns)) {
			w = &b->way[i];	/* the oldest, unless a way is free */
		}
	}
	if (w->used)
		pkt_count(CROSSLAT_STAT_PKT_OVERWRITTEN);
	else
		atomic_inc(&pending);
	w->used = true;
	w->s = *s;
	spin_unlock_bh(&b->lock);
}

/* Drops the sighting of key seen at ts_ns, if it is still there. */
static void pkt_pending_drop(const struct pkt_key *key, u64 ts_ns)
{
	struct pkt_bucket *b = bucket_of(key);
	unsigned int i;

	spin_lock_bh(&b->lock);
	for (i = 0; i < PKT_WAYS; i++) {
		if (b->way[i].used && b->way[i].s.ts_ns == ts_ns &&
		    !memcmp(&b->way[i].s.key, key, sizeof(*key))) {
			b->way[i].used = false;
			atomic_dec(&pending);
			break;
		}
	}
	spin_unlock_bh(&b->lock);
}

bool pkt_pending_take(const struct pkt_key *key, u32 len, u64 now, struct pkt_sighting *s)
{
	struct pkt_bucket *b = bucket_of(key);
	struct pkt_key twin;
	bool found = false, taken = false;
	unsigned int i;

	spin_lock_bh(&b->lock);
	for (i = 0; i < PKT_WAYS; i++) {
		struct pkt_way *w = &b->way[i];

		if (!w->used || memcmp(&w->s.key, key, sizeof(*key)) ||
		    w->s.found_seq - key->seq >= len)
			continue;
		w->used = false;
		atomic_dec(&pending);
		taken = true;
		*s = w->s;
		if (now - w->s.ts_ns <= PKT_MAX_AGE_NS)
			found = true;
		else
			pkt_count(CROSSLAT_STAT_PKT_UNMATCHED);
		break;
	}
	spin_unlock_bh(&b->lock);
	if (taken && s->twin_seq != s->key.seq) {
		/* the copy of a split block's sighting under its other sequence */
		twin = s->key;
		twin.seq = s->twin_seq;
		pkt_pending_drop(&twin, s->ts_ns);
	}
	return found;
}

bool pkt_pending_any(void)
{
	return atomic_read(&pending) > 0;
}

u64 pkt_pending_nr(void)
{
	return atomic_read(&pending);
}

struct pkt_partial_slot {
	spinlock_t lock;
	bool used;
	struct pkt_key key;
	u32 start_seq;
	u64 ts_ns;
	struct crosslat_http_ctx_scan scan;
};

static struct pkt_partial_slot *partials;
static unsigned int nr_partials;
static atomic_t partial_nr = ATOMIC_INIT(0);

int pkt_partial_init(unsigned int n)
{
	unsigned int i;

	partials = vzalloc(array_size(n, sizeof(*partials)));
	if (!partials)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		spin_lock_init(&partials[i].lock);
	nr_partials = n;
	return 0;
}

void pkt_partial_exit(void)
{
	vfree(partials);
	partials = NULL;
}

static struct pkt_partial_slot *partial_of(const struct pkt_key *key)
{
	return &partials[jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 1) % nr_partials];
}

void pkt_partial_put(const struct pkt_key *next, const struct crosslat_http_ctx_scan *scan,
		     u32 start_seq, u64 now)
{
	struct pkt_partial_slot *slot = partial_of(next);

	spin_lock_bh(&slot->lock);
	if (!slot->used)
		atomic_inc(&partial_nr);
	slot->used = true;
	slot->key = *next;
	slot->start_seq = start_seq;
	slot->ts_ns = now;
	slot->scan = *scan;
	spin_unlock_bh(&slot->lock);
}

bool pkt_partial_any(void)
{
	return atomic_read(&partial_nr) > 0;
}

bool pkt_partial_take(const struct pkt_key *key, u64 now, struct crosslat_http_ctx_scan *scan,
		      u32 *start_seq)
{
	struct pkt_partial_slot *slot;
	bool found = false;

	if (!atomic_read(&partial_nr))
		return false;
	slot = partial_of(key);
	spin_lock_bh(&slot->lock);
	if (slot->used && !memcmp(&slot->key, key, sizeof(*key))) {
		slot->used = false;
		atomic_dec(&partial_nr);
		if (now - slot->ts_ns <= PKT_MAX_AGE_NS) {
			*scan = slot->scan;
			*start_seq = slot->start_seq;
			found = true;
		}
	}
	spin_unlock_bh(&slot->lock);
	return found;
}
