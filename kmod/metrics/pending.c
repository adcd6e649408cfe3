// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tables of pending measurements (metrics.h): a start kept by key until its end comes,
 * possibly on another CPU and in interrupt context. Fixed size, 4-way buckets each under
 * its own raw spinlock, so a probe never allocates and never waits for long; what does not
 * fit is counted as a drop of the cgroup that wanted it.
 *
 * An end looks at its bucket's keys without the lock first: the ends of everything the
 * table never held (every other cgroup's bios, most packets) cost that and no store.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "metrics.h"

#define PENDING_WAYS	4

struct pending_bucket {
	raw_spinlock_t lock;
	struct metrics_pending_entry e[PENDING_WAYS];
};

struct metrics_pending {
	struct pending_bucket *buckets;
	unsigned int bits;	/* log2 of the number of buckets */
	atomic_t used;		/* entries held: ends leave at once while it is 0 */
	u64 timeout_ns;
	unsigned int metric;	/* whose drops the losses are */
};

struct metrics_pending *metrics_pending_create(unsigned int slots, u64 timeout_ns,
					       unsigned int m)
{
	struct metrics_pending *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned int n, i;

	if (!t)
		return ERR_PTR(-ENOMEM);
	n = roundup_pow_of_two(clamp(slots, 64U, 1U << 22)) / PENDING_WAYS;
	t->bits = ilog2(n);
	t->buckets = kvcalloc(n, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < n; i++)
		raw_spin_lock_init(&t->buckets[i].lock);
	t->timeout_ns = timeout_ns;
	t->metric = m;
	return t;
}

void metrics_pending_destroy(struct metrics_pending *t)
{
	kvfree(t->buckets);
	kfree(t);
}

void metrics_pending_clear(struct metrics_pending *t)
{
	unsigned int i, w;

	for (i = 0; i < (1U << t->bits); i++)
		for (w = 0; w < PENDING_WAYS; w++)
			WRITE_ONCE(t->buckets[i].e[w].key, 0);
	atomic_set(&t->used, 0);
}

static struct pending_bucket *bucket_of(struct metrics_pending *t, u64 key)
{
	return &t->buckets[hash_64(key, t->bits)];
}

/* The key last: a lockless reader that sees it sees an entry being filled or filled. */
static void entry_set(struct metrics_pending_entry *x, const struct metrics_pending_entry *e)
{
	x->cg_id = e->cg_id;
	x->start_ns = e->start_ns;
	x->aux = e->aux;
	WRITE_ONCE(x->key, e->key);
}

/* A loss of an entry another cgroup may own (under rcu_read_lock, preemption disabled). */
static void drop_of(struct metrics_pending *t, u64 cg_id)
{
	struct metrics_cg *cg = metrics_cg_lookup(cg_id);

	if (cg)
		metrics_drop(cg, t->metric);
}

void metrics_pending_add(struct metrics_pending *t, struct metrics_cg *cg,
			 const struct metrics_pending_entry *e, bool replace)
{
	struct pending_bucket *b = bucket_of(t, e->key);
	struct metrics_pending_entry *x, *free = NULL, *oldest = NULL;
	unsigned long flags;
	u64 lost = 0;
	bool kept = true;
	unsigned int w;

	raw_spin_lock_irqsave(&b->lock, flags);
	for (w = 0; w < PENDING_WAYS; w++) {
		x = &b->e[w];
		if (x->key == e->key) {
			/*
			 * Its end never came (replace, or too old to come now), or e is a
			 * resend of a start still pending, which keeps its time.
			 */
			if (replace || (s64)(e->start_ns - x->start_ns) > (s64)t->timeout_ns) {
				lost = x->cg_id;
				entry_set(x, e);
			}
			goto unlock;
		}
		if (!x->key)
			free = free ?: x;
		else if (!oldest || (s64)(x->start_ns - oldest->start_ns) < 0)
			oldest = x;
	}
	if (free) {
		entry_set(free, e);
		atomic_inc(&t->used);
	} else if ((s64)(e->start_ns - oldest->start_ns) > (s64)t->timeout_ns) {
		lost = oldest->cg_id;
		entry_set(oldest, e);
	} else {
		kept = false;
	}
unlock:
	raw_spin_unlock_irqrestore(&b->lock, flags);
	if (!kept)
		metrics_drop(cg, t->metric);
	if (lost)
		drop_of(t, lost);
}

bool metrics_pending_take(struct metrics_pending *t, u64 key, struct metrics_pending_entry *e)
{
	struct pending_bucket *b;
	unsigned long flags;
	bool found = false;
	unsigned int w;

	if (!atomic_read(&t->used))
		return false;
	b = bucket_of(t, key);
	for (w = 0; w < PENDING_WAYS; w++)
		if (READ_ONCE(b->e[w].key) == key)
			break;
	if (w == PENDING_WAYS)
		return false;
	raw_spin_lock_irqsave(&b->lock, flags);
	if (b->e[w].key == key) {
		*e = b->e[w];
		WRITE_ONCE(b->e[w].key, 0);
		atomic_dec(&t->used);
		found = true;
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
	return found;
}
