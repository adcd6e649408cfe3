// SPDX-License-Identifier: GPL-2.0-only
/* Bounded per-flow tables: rhashtable + capped GFP_ATOMIC entries + deferrable idle/LRU GC. */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "core/log2_hist.h"
#include "flow_table.h"

struct crosslat_flow_table {
	struct rhashtable ht;
	struct kmem_cache *cache;	/* entries: sizeof(struct crosslat_flow) + value_size */
	char cache_name[32];
	struct crosslat_flow_table_params p;
	struct rhashtable_params ht_params;
	atomic_t count;
	struct delayed_work gc_work;
	bool gc_running;
	atomic64_t inserted, full_drops, alloc_fails, insert_races, evicted_idle, evicted_lru;
};

/*
 * The key is hashed and compared as words, not bytes: an IPv4 key hashes only its 4-byte
 * addresses (the rest of them is zero), and equality is six 64-bit compares instead of a
 * 48-byte memcmp(). The netns cookie enters through the table's random seed.
 */
static_assert(sizeof(struct crosslat_flow_key) == 6 * sizeof(u64));

static u32 flow_key_hash(const void *data, u32 len, u32 seed)
{
	const struct crosslat_flow_key *k = data;
	const u32 *w = (const u32 *)k;

	seed ^= (u32)k->netns ^ (u32)(k->netns >> 32) ^ k->proto;
	if (k->family == 4)
		return jhash_3words(*(const u32 *)k->laddr, *(const u32 *)k->raddr,
				    (u32)(__force u16)k->lport << 16 | (__force u16)k->rport, seed);
	/* The words after netns: addresses, ports, family and proto. */
	return jhash2(w + 2, len / sizeof(u32) - 2, seed);
}

static int flow_key_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const u64 *a = arg->key;
	const u64 *b = (const u64 *)&((const struct crosslat_flow *)obj)->key;

	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
		(a[4] ^ b[4]) | (a[5] ^ b[5])) != 0;
}

static const struct rhashtable_params flow_ht_params = {
	.key_len = sizeof(struct crosslat_flow_key),
	.key_offset = offsetof(struct crosslat_flow, key),
	.head_offset = offsetof(struct crosslat_flow, node),
	.hashfn = flow_key_hash,
	.obj_cmpfn = flow_key_cmp,
	.automatic_shrinking = true,
};

struct crosslat_flow *crosslat_flow_lookup(struct crosslat_flow_table *t,
					   const struct crosslat_flow_key *key)
{
	return rhashtable_lookup(&t->ht, key, flow_ht_params);
}
EXPORT_SYMBOL_GPL(crosslat_flow_lookup);

struct crosslat_flow *crosslat_flow_lookup_or_create(struct crosslat_flow_table *t,
						     const struct crosslat_flow_key *key, u64 now)
{
	struct crosslat_flow *f, *old;

	f = rhashtable_lookup(&t->ht, key, flow_ht_params);
	if (likely(f)) {
		if (READ_ONCE(f->last_seen_ns) != now)
			WRITE_ONCE(f->last_seen_ns, now);
		return f;
	}
	if (atomic_inc_return(&t->count) > t->p.max_entries) {
		atomic_dec(&t->count);
		atomic64_inc(&t->full_drops);
		return NULL;
	}
	f = kmem_cache_zalloc(t->cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!f) {
		atomic_dec(&t->count);
		atomic64_inc(&t->alloc_fails);
		return NULL;
	}
	f->key = *key;
	f->cache = t->cache;
	spin_lock_init(&f->lock);
	f->created_ns = now;
	f->last_seen_ns = now;
	old = rhashtable_lookup_get_insert_fast(&t->ht, &f->node, flow_ht_params);
	if (likely(!old)) {
		atomic64_inc(&t->inserted);
		return f;
	}
	/* Never published: no grace period needed. */
	kmem_cache_free(t->cache, f);
	atomic_dec(&t->count);
	if (IS_ERR(old)) {
		atomic64_inc(&t->alloc_fails);
		return NULL;
	}
	atomic64_inc(&t->insert_races);
	return old;
}
EXPORT_SYMBOL_GPL(crosslat_flow_lookup_or_create);

static void free_rcu_cb(struct rcu_head *head)
{
	struct crosslat_flow *f = container_of(head, struct crosslat_flow, rcu);

	kmem_cache_free(f->cache, f);
}

/* Removes f unless another evictor got there first; true if this call removed it. */
static bool evict(struct crosslat_flow_table *t, struct crosslat_flow *f)
{
	if (rhashtable_remove_fast(&t->ht, &f->node, flow_ht_params))
		return false;
	atomic_dec(&t->count);
	if (t->p.on_evict)
		t->p.on_evict(t, f, t->p.priv);
	call_rcu(&f->rcu, free_rcu_cb);
	return true;
}

/*
 * One pass over the table. With min_age == 0 it evicts entries idle for longer than the
 * table's idle timeout and fills ages (when non-NULL) with the survivors' ages; otherwise
 * it evicts entries at least min_age old until the table holds no more than limit.
 */
static unsigned int gc_pass(struct crosslat_flow_table *t, u64 now, u64 min_age,
			    unsigned int limit, struct crosslat_log2_hist *ages)
{
	struct rhashtable_iter iter;
	struct crosslat_flow *f;
	unsigned int evicted = 0;
	u64 idle = t->p.idle_timeout_ns;
	u64 done_idle = t->p.done_timeout_ns ? t->p.done_timeout_ns : idle;

	rhashtable_walk_enter(&t->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		u64 seen, age;

		if (IS_ERR(f))
			continue;	/* -EAGAIN: a resize; the walk goes on */
		seen = READ_ONCE(f->last_seen_ns);
		age = now > seen ? now - seen : 0;
		if (!min_age) {
			u64 timeout = READ_ONCE(f->done) ? done_idle : idle;

			if (timeout && age > timeout) {
				if (evict(t, f)) {
					atomic64_inc(&t->evicted_idle);
					evicted++;
				}
			} else if (ages) {
				crosslat_log2_hist_add(ages, age);
			}
		} else if (age >= min_age) {
			if (atomic_read(&t->count) <= limit)
				break;
			if (evict(t, f)) {
				atomic64_inc(&t->evicted_lru);
				evicted++;
			}
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return evicted;
}

unsigned int crosslat_flow_table_gc(struct crosslat_flow_table *t, u64 now)
{
	unsigned int high = t->p.max_entries - t->p.max_entries / 8;
	unsigned int low = t->p.max_entries - t->p.max_entries / 4;
	struct crosslat_log2_hist *ages;
	unsigned int evicted, excess, have = 0;
	int b;

	ages = kmalloc(sizeof(*ages), GFP_KERNEL);
	if (ages)
		crosslat_log2_hist_init(ages);
	evicted = gc_pass(t, now, 0, 0, ages);
	if (!ages || atomic_read(&t->count) <= high)
		goto out;
	/*
	 * Least recently seen first, at log2 granularity of age: find the youngest age bucket
	 * such that it and all older ones hold the excess, and evict from those.
	 */
	excess = atomic_read(&t->count) - low;
	for (b = CROSSLAT_LOG2_BUCKETS - 1; b > 0; b--) {
		have += ages->bucket[b];
		if (have >= excess)
			break;
	}
	evicted += gc_pass(t, now, max_t(u64, crosslat_log2_hist_bucket_lo(b), 1), low, NULL);
out:
	kfree(ages);
	return evicted;
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_gc);

static void gc_work_fn(struct work_struct *work)
{
	struct crosslat_flow_table *t = container_of(to_delayed_work(work),
						     struct crosslat_flow_table, gc_work);

	crosslat_flow_table_gc(t, ktime_get_ns());
	queue_delayed_work(system_power_efficient_wq, &t->gc_work,
			   msecs_to_jiffies(t->p.gc_interval_ms));
}

struct crosslat_flow_table *crosslat_flow_table_create(const struct crosslat_flow_table_params *p)
{
	struct crosslat_flow_table *t;
	int err;

	if (!p->max_entries || p->value_size > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->p = *p;
	/* A cache of the exact entry size: kmalloc would round it up to a power of two. */
	snprintf(t->cache_name, sizeof(t->cache_name), "crosslat_flow_%s",
		 p->name ? p->name : "anon");
	t->cache = kmem_cache_create(t->cache_name, sizeof(struct crosslat_flow) + p->value_size,
				     __alignof__(struct crosslat_flow), 0, NULL);
	if (!t->cache) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	err = rhashtable_init(&t->ht, &flow_ht_params);
	if (err) {
		kmem_cache_destroy(t->cache);
		kfree(t);
		return ERR_PTR(err);
	}
	INIT_DEFERRABLE_WORK(&t->gc_work, gc_work_fn);
	if (p->gc_interval_ms) {
		t->gc_running = true;
		queue_delayed_work(system_power_efficient_wq, &t->gc_work,
				   msecs_to_jiffies(p->gc_interval_ms));
	}
	return t;
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_create);

static void destroy_one(void *ptr, void *arg)
{
	struct crosslat_flow *f = ptr;
	struct crosslat_flow_table *t = arg;

	if (t->p.on_evict)
		t->p.on_evict(t, f, t->p.priv);
	kmem_cache_free(t->cache, f);
}

void crosslat_flow_table_destroy(struct crosslat_flow_table *t)
{
	if (t->gc_running)
		cancel_delayed_work_sync(&t->gc_work);
	/* Callers have stopped lookups; wait out the readers that were still inside. */
	synchronize_rcu();
	rhashtable_free_and_destroy(&t->ht, destroy_one, t);
	/* Entries evicted earlier are freed by RCU callbacks: let them all run first. */
	rcu_barrier();
	kmem_cache_destroy(t->cache);
	kfree(t);
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_destroy);

void crosslat_flow_table_stats(struct crosslat_flow_table *t,
			       struct crosslat_flow_table_stats *st)
{
	st->entries = atomic_read(&t->count);
	st->inserted = atomic64_read(&t->inserted);
	st->full_drops = atomic64_read(&t->full_drops);
	st->alloc_fails = atomic64_read(&t->alloc_fails);
	st->insert_races = atomic64_read(&t->insert_races);
	st->evicted_idle = atomic64_read(&t->evicted_idle);
	st->evicted_lru = atomic64_read(&t->evicted_lru);
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_stats);

u64 crosslat_flow_table_stat(struct crosslat_flow_table *t, enum crosslat_flow_table_stat i)
{
	switch (i) {
	case CROSSLAT_FT_ENTRIES:
		return atomic_read(&t->count);
	case CROSSLAT_FT_CREATED:
		return atomic64_read(&t->inserted);
	case CROSSLAT_FT_FULL_DROPS:
		return atomic64_read(&t->full_drops);
	case CROSSLAT_FT_ALLOC_FAILS:
		return atomic64_read(&t->alloc_fails);
	case CROSSLAT_FT_EVICTED_IDLE:
		return atomic64_read(&t->evicted_idle);
	case CROSSLAT_FT_EVICTED_LRU:
		return atomic64_read(&t->evicted_lru);
	default:
		return 0;
	}
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_stat);

void crosslat_flow_iter_init(struct crosslat_flow_table *t, struct crosslat_flow_iter *it)
{
	rhashtable_walk_enter(&t->ht, &it->it);
	it->keep = false;
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_init);

void crosslat_flow_iter_begin(struct crosslat_flow_iter *it)
	__acquires(RCU)
{
	bool had_cursor = it->it.p;

	rhashtable_walk_start(&it->it);
	if (had_cursor && !it->it.p) {
		/*
		 * The entry the walk stopped at left the table. rhashtable would resume at its
		 * old position in the bucket, and so step over live entries if one before it
		 * went too: restart the bucket instead (entries may come twice, none is lost).
		 */
		it->it.skip = 0;
		it->keep = false;
	}
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_begin);

struct crosslat_flow *crosslat_flow_iter_next(struct crosslat_flow_iter *it)
{
	struct crosslat_flow *f;

	if (it->keep) {
		it->keep = false;
		/* The entry next() returned last, unless it left the table meanwhile. */
		f = rhashtable_walk_peek(&it->it);
	} else {
		f = rhashtable_walk_next(&it->it);
	}
	/* -EAGAIN: a resize restarted the walk; entries may come twice, none is lost. */
	while (IS_ERR(f))
		f = rhashtable_walk_next(&it->it);
	return f;
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_next);

void crosslat_flow_iter_keep(struct crosslat_flow_iter *it)
{
	it->keep = true;
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_keep);

void crosslat_flow_iter_end(struct crosslat_flow_iter *it)
	__releases(RCU)
{
	rhashtable_walk_stop(&it->it);
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_end);

void crosslat_flow_iter_exit(struct crosslat_flow_iter *it)
{
	rhashtable_walk_exit(&it->it);
}
EXPORT_SYMBOL_GPL(crosslat_flow_iter_exit);

unsigned int crosslat_flow_table_for_each(struct crosslat_flow_table *t,
					  void (*fn)(struct crosslat_flow *f, void *arg),
					  void *arg)
{
	struct crosslat_flow_iter it;
	struct crosslat_flow *f;
	unsigned int n = 0;

	crosslat_flow_iter_init(t, &it);
	crosslat_flow_iter_begin(&it);
	while ((f = crosslat_flow_iter_next(&it))) {
		fn(f, arg);
		/* Bound the read-side section and let others run on big tables. */
		if (!(++n % 256)) {
			crosslat_flow_iter_end(&it);
			cond_resched();
			crosslat_flow_iter_begin(&it);
		}
	}
	crosslat_flow_iter_end(&it);
	crosslat_flow_iter_exit(&it);
	return n;
}
EXPORT_SYMBOL_GPL(crosslat_flow_table_for_each);
