// SPDX-License-Identifier: GPL-2.0-only
/*
 * The threads in a span: an rhashtable by global tid, read by the probes under RCU; a hint
 * array (per tid hash, the number of spans whose tid hashes there) for the probes' first
 * check; the processes with spans open and their counts, for the limits. Changes are
 * serialized by span_lock, which is only taken outside the probes' fast path (begin, end,
 * thread exit).
 */
#include <linux/hashtable.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include "span.h"

u16 span_hint[1 << SPAN_HINT_BITS];

static const struct rhashtable_params span_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct span_thread, tid),
	.head_offset = offsetof(struct span_thread, node),
	.automatic_shrinking = true,
};

static struct rhashtable span_table;
static DEFINE_SPINLOCK(span_lock);
static DEFINE_HASHTABLE(span_procs, 8);
static unsigned int span_nr, span_nprocs;
static struct kmem_cache *span_cache;

int span_table_init(void)
{
	int err;

	span_cache = KMEM_CACHE(span_thread, 0);
	if (!span_cache)
		return -ENOMEM;
	err = rhashtable_init(&span_table, &span_params);
	if (err)
		kmem_cache_destroy(span_cache);
	return err;
}

void span_table_exit(void)
{
	span_abandon_all();
	rhashtable_destroy(&span_table);
	/* kfree_rcu'd span_procs and call_rcu'd threads */
	rcu_barrier();
	kmem_cache_destroy(span_cache);
}

struct span_thread *span_lookup(u32 tid)
{
	return rhashtable_lookup(&span_table, &tid, span_params);
}

unsigned int span_active(void)
{
	return READ_ONCE(span_nr);
}

/* Entries of processes without a span open kept beyond this many processes are freed. */
#define SPAN_PROCS_KEPT	256

static void proc_drop(struct span_proc *p)
{
	hash_del(&p->node);
	kfree(p);	/* only ever used under span_lock */
	span_nprocs--;
}

static struct span_proc *proc_find(pid_t tgid)
{
	struct span_proc *p;

	hash_for_each_possible(span_procs, p, node, tgid)
		if (p->tgid == tgid)
			return p;
	return NULL;
}

/*
 * Inserts st (its tid set) for process tgid. -EBUSY if the thread is in a span, -EDQUOT or
 * -ENOSPC past the per-process or global limit, -ENOMEM.
 */
int span_insert(struct span_thread *st, pid_t tgid)
{
	struct span_proc *p, *fresh = NULL;
	int err;

again:
	spin_lock(&span_lock);
	if (span_nr >= span_max_spans) {
		err = -ENOSPC;
		goto out;
	}
	p = proc_find(tgid);
	if (!p && !fresh) {
		/* a process's first span: its entry, allocated unlocked */
		spin_unlock(&span_lock);
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			return -ENOMEM;
		goto again;
	}
	if (p && p->spans >= span_max_per_process) {
		err = -EDQUOT;
		goto out;
	}
	err = rhashtable_lookup_insert_fast(&span_table, &st->node, span_params);
	if (err) {
		if (err == -EEXIST)
			err = -EBUSY;
		goto out;
	}
	if (!p) {
		p = fresh;
		fresh = NULL;
		p->tgid = tgid;
		hash_add(span_procs, &p->node, tgid);
		span_nprocs++;
	}
	p->spans++;
	st->proc = p;
	span_nr++;
	span_hint[hash_32(st->tid, SPAN_HINT_BITS)]++;
out:
	spin_unlock(&span_lock);
	kfree(fresh);
	return err;
}

bool span_remove(struct span_thread *st)
{
	struct span_proc *p;
	bool removed = false;

	spin_lock(&span_lock);
	p = st->proc;
	if (p && !rhashtable_remove_fast(&span_table, &st->node, span_params)) {
		span_hint[hash_32(st->tid, SPAN_HINT_BITS)]--;
		span_nr--;
		/*
		 * A process that ends its only span usually opens the next one soon: its entry
		 * stays, unless too many processes have one.
		 */
		if (!--p->spans && span_nprocs > SPAN_PROCS_KEPT)
			proc_drop(p);
		st->proc = NULL;
		removed = true;
	}
	spin_unlock(&span_lock);
	return removed;
}

static void span_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(span_cache, container_of(head, struct span_thread, rcu));
}

void span_free(struct span_thread *st)
{
	call_rcu(&st->rcu, span_free_rcu);
}

/* A span with its header zeroed; its records and stacks are written before they are read. */
struct span_thread *span_alloc(void)
{
	struct span_thread *st = kmem_cache_alloc(span_cache, GFP_KERNEL);

	if (st)
		memset(st, 0, offsetof(struct span_thread, rec));
	return st;
}

/* Drops every span and the idle process entries (the device's last user left, or unload). */
void span_abandon_all(void)
{
	struct rhashtable_iter iter;
	struct span_proc *p;
	struct hlist_node *tmp;
	struct span_thread *st;
	unsigned int bkt;

	rhashtable_walk_enter(&span_table, &iter);
	rhashtable_walk_start(&iter);
	while ((st = rhashtable_walk_next(&iter))) {
		if (IS_ERR(st))
			continue;	/* -EAGAIN: a resize; the walk goes on */
		if (span_remove(st)) {
			span_count(CROSSLAT_STAT_SPAN_ABANDONED);
			span_free(st);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	spin_lock(&span_lock);
	for (bkt = 0; bkt < HASH_SIZE(span_procs); bkt++)
		hlist_for_each_entry_safe(p, tmp, &span_procs[bkt], node)
			if (!p->spans)
				proc_drop(p);
	spin_unlock(&span_lock);
}
