// SPDX-License-Identifier: GPL-2.0-only
/*
 * The threads that use spans: a fixed hash table by global tid (RCU lists, read by the
 * probes), whose entries stay from one span of a thread to the next, so that beginning and
 * ending a span allocate nothing and take no global lock; the hint array (per tid hash, the
 * number of threads in a span there) for the probes' first check; the processes with
 * entries and their counts, for the limits. The table changes under span_lock, only when a
 * thread gets its first entry, exits, or has its idle entry reclaimed, and at last close.
 *
 * Locks: span_lock, then an entry's lock (never the other way round). An entry's phase
 * moves under its lock; whoever moves it to SPAN_GONE takes it out of the table and frees
 * it after a grace period.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "span.h"

atomic_t span_hint[1 << SPAN_HINT_BITS];

/* A bucket per hint slot: the same hash, and short chains up to that many entries. */
static struct hlist_head span_threads[1 << SPAN_HINT_BITS];
static DEFINE_SPINLOCK(span_lock);
static DEFINE_HASHTABLE(span_procs, 8);
static unsigned int span_nr, span_nprocs;	/* entries, processes (under span_lock) */
static atomic_t span_nr_active = ATOMIC_INIT(0);
static struct kmem_cache *span_cache;

int span_table_init(void)
{
	span_cache = KMEM_CACHE(span_thread, 0);
	return span_cache ? 0 : -ENOMEM;
}

void span_table_exit(void)
{
	span_abandon_all();
	/* call_rcu'd entries */
	rcu_barrier();
	kmem_cache_destroy(span_cache);
}

static struct hlist_head *span_bucket(u32 tid)
{
	return &span_threads[hash_32(tid, SPAN_HINT_BITS)];
}

struct span_thread *span_lookup(u32 tid)
{
	struct span_thread *st;

	hlist_for_each_entry_rcu(st, span_bucket(tid), node)
		if (st->tid == tid)
			return st;
	return NULL;
}

unsigned int span_active(void)
{
	return atomic_read(&span_nr_active);
}

/* Counts tid's thread in (or out of) a span, under the entry's lock. */
static void span_hint_add(u32 tid, int n)
{
	atomic_add(n, &span_hint[hash_32(tid, SPAN_HINT_BITS)]);
	atomic_add(n, &span_nr_active);
}

/* Process entries without threads kept beyond this many processes are freed. */
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

static void span_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(span_cache, container_of(head, struct span_thread, rcu));
}

/*
 * Takes st, just moved to SPAN_GONE by the caller, out of the table (under span_lock);
 * its process's entry may go too, unless keep_proc.
 */
static void span_unlink(struct span_thread *st, bool keep_proc)
{
	struct span_proc *p = st->proc;

	hlist_del_rcu(&st->node);
	list_del(&st->proc_node);
	span_nr--;
	/*
	 * A process whose last thread entry goes usually makes another soon: its entry
	 * stays, unless too many processes have one.
	 */
	if (!--p->threads && !keep_proc && span_nprocs > SPAN_PROCS_KEPT)
		proc_drop(p);
	call_rcu(&st->rcu, span_free_rcu);
}

/* Moves st to SPAN_GONE; returns its phase before, SPAN_GONE if someone else did. */
static u8 span_set_gone(struct span_thread *st)
{
	unsigned long flags;
	u8 was;

	raw_spin_lock_irqsave(&st->lock, flags);
	was = st->phase;
	st->phase = SPAN_GONE;
	if (was == SPAN_ACTIVE)
		span_hint_add(st->tid, -1);
	raw_spin_unlock_irqrestore(&st->lock, flags);
	if (was == SPAN_ACTIVE)
		span_count(CROSSLAT_STAT_SPAN_ABANDONED);
	return was;
}

/*
 * Frees one idle entry of p's threads, or of any process's if p is NULL (under span_lock);
 * the entry of process keep stays even if it has no thread left.
 */
static bool span_reclaim_idle(struct span_proc *p, struct span_proc *keep)
{
	struct span_thread *st;
	unsigned long flags;
	unsigned int bkt;
	bool idle;

	if (!p) {
		hash_for_each(span_procs, bkt, p, node)
			if (span_reclaim_idle(p, keep))
				return true;
		return false;
	}
	list_for_each_entry(st, &p->list, proc_node) {
		raw_spin_lock_irqsave(&st->lock, flags);
		idle = st->phase == SPAN_IDLE;
		if (idle)
			st->phase = SPAN_GONE;
		raw_spin_unlock_irqrestore(&st->lock, flags);
		if (idle) {
			span_unlink(st, p == keep);
			return true;
		}
	}
	return false;
}

/*
 * Thread tid's runqueue wait so far (sched_info) when it is the calling thread (a span
 * begun for another thread of the process leaves it unknown), U64_MAX without it.
 */
static u64 span_run_delay(u32 tid)
{
#ifdef CONFIG_SCHED_INFO
	if (tid == (u32)current->pid)
		return current->sched_info.run_delay;
#endif
	return U64_MAX;
}

/*
 * The span's fields as a span begins on the calling thread (under st->lock): the runqueue
 * wait since the previous span's end is the run_delay grown since its begin, less what
 * that span accounted itself.
 */
static void span_reset(struct span_thread *st, const struct crosslat_span_begin *b,
		       pid_t tgid_v, pid_t vtid, u64 threshold_ns, bool running)
{
	u64 rd = span_run_delay(st->tid), ended = U64_MAX;

	/* the previous span's end, in run_delay (st is new unless IDLE) */
	if (st->phase == SPAN_IDLE && st->begin_run_delay != U64_MAX && rd != U64_MAX)
		ended = st->begin_run_delay + st->runq_ns;
	memset(&st->reset, 0, sizeof(st->reset));
	st->begin_run_delay = rd;
	st->pre_runq_ns = U64_MAX;
	if (ended != U64_MAX)
		st->pre_runq_ns = rd > ended ? rd - ended : 0;
	st->id = *b;
	st->pid = tgid_v;
	st->vtid = vtid;
	st->threshold_ns = threshold_ns;
	st->cur_nr = -1;
	st->state = running ? SPAN_RUNNING : SPAN_BLOCKED;
	st->start_ns = ktime_get_ns();
	st->last_ns = st->start_ns;
}

/* Inserts st, a new entry already ACTIVE, for process tgid (see span_start). */
static int span_insert(struct span_thread *st, pid_t tgid)
{
	struct span_proc *p, *fresh = NULL;
	int err = 0;

again:
	spin_lock(&span_lock);
	if (span_lookup(st->tid)) {
		err = -EBUSY;	/* another thread made this one's entry meanwhile */
		goto out;
	}
	p = proc_find(tgid);
	if (!p && !fresh) {
		/* a process's first entry: its own, allocated unlocked */
		spin_unlock(&span_lock);
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			return -ENOMEM;
		goto again;
	}
	if (p && p->threads >= span_max_per_process && !span_reclaim_idle(p, p)) {
		err = -EDQUOT;
		goto out;
	}
	if (span_nr >= span_max_spans && !(p && span_reclaim_idle(p, p)) &&
	    !span_reclaim_idle(NULL, p)) {
		err = -ENOSPC;
		goto out;
	}
	if (!p) {
		p = fresh;
		fresh = NULL;
		p->tgid = tgid;
		INIT_LIST_HEAD(&p->list);
		hash_add(span_procs, &p->node, tgid);
		span_nprocs++;
	}
	p->threads++;
	list_add(&st->proc_node, &p->list);
	st->proc = p;
	span_nr++;
	span_hint_add(st->tid, 1);
	hlist_add_head_rcu(&st->node, span_bucket(st->tid));
out:
	spin_unlock(&span_lock);
	kfree(fresh);
	return err;
}

int span_start(const struct crosslat_span_begin *b, u32 tid, pid_t tgid, pid_t vtid,
	       u64 threshold_ns, bool running)
{
	pid_t tgid_v = task_tgid_vnr(current);
	struct span_thread *st;
	unsigned long flags;
	int err;

	/* the usual case: the thread's entry from its previous span */
	rcu_read_lock();
	st = span_lookup(tid);
	if (st) {
		raw_spin_lock_irqsave(&st->lock, flags);
		err = st->phase == SPAN_IDLE ? 0 : st->phase == SPAN_GONE ? -EAGAIN : -EBUSY;
		if (!err) {
			span_reset(st, b, tgid_v, vtid, threshold_ns, running);
			span_hint_add(tid, 1);
			st->phase = SPAN_ACTIVE;
		}
		raw_spin_unlock_irqrestore(&st->lock, flags);
		if (err != -EAGAIN) {
			rcu_read_unlock();
			return err;
		}
	}
	rcu_read_unlock();

	/* its first span (or its entry is going away): a new entry */
	st = kmem_cache_alloc(span_cache, GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	raw_spin_lock_init(&st->lock);
	st->tid = tid;
	st->phase = SPAN_ACTIVE;	/* not IDLE: no previous span to measure from */
	span_reset(st, b, tgid_v, vtid, threshold_ns, running);
	err = span_insert(st, tgid);
	if (err)
		kmem_cache_free(span_cache, st);	/* never seen by anyone */
	return err;
}

void span_stop(struct span_thread *st)
{
	st->phase = SPAN_ENDING;
	span_hint_add(st->tid, -1);
}

void span_idle(struct span_thread *st)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&st->lock, flags);
	if (st->phase == SPAN_ENDING)
		st->phase = SPAN_IDLE;
	raw_spin_unlock_irqrestore(&st->lock, flags);
}

void span_thread_exit(struct span_thread *st)
{
	if (span_set_gone(st) == SPAN_GONE)
		return;
	spin_lock(&span_lock);
	span_unlink(st, false);
	spin_unlock(&span_lock);
}

/* Drops every entry and the idle process entries (the device's last user left, or unload). */
void span_abandon_all(void)
{
	struct span_thread *st;
	struct hlist_node *tmp;
	struct span_proc *p;
	unsigned int bkt;

	spin_lock(&span_lock);
	for (bkt = 0; bkt < ARRAY_SIZE(span_threads); bkt++)
		hlist_for_each_entry_safe(st, tmp, &span_threads[bkt], node)
			if (span_set_gone(st) != SPAN_GONE)
				span_unlink(st, true);	/* idle process entries go below */
	hash_for_each_safe(span_procs, bkt, tmp, p, node)
		if (!p->threads)
			proc_drop(p);
	spin_unlock(&span_lock);
}
