// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTT alert thresholds: an immutable rule array published under RCU and replaced whole on
 * every change (changes are rare, lookups happen on RTT samples). Flows cache the threshold
 * that applies to them together with the generation it was computed for.
 */
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "rtt.h"

struct rtt_rules {
	struct rcu_head rcu;
	unsigned int n;
	struct crosslat_thresh_rule r[];
};

static struct rtt_rules __rcu *rules;
static DEFINE_MUTEX(rules_lock);
/* Bumped on every change; starts at 1 so a zeroed flow computes its threshold once. */
static atomic_t rules_gen = ATOMIC_INIT(1);

u32 rtt_thresh_gen(void)
{
	return atomic_read(&rules_gen);
}

u64 rtt_thresh_lookup(const struct crosslat_thresh_flow *f, u32 *gen)
{
	const struct rtt_rules *rs;
	u64 ns = 0;
	int i;

	/* Read the generation first: a change racing with us makes the next sample redo it. */
	*gen = atomic_read(&rules_gen);
	smp_rmb();	/* pairs with the smp_wmb() in publish() and rtt_thresh_flush() */
	rs = rcu_dereference(rules);
	if (rs) {
		i = crosslat_thresh_match(rs->r, rs->n, f);
		if (i >= 0)
			ns = rs->r[i].rtt_ns;
	}
	return ns;
}

/* Publishes a copy of cur's rules with r replacing index idx (-1: appended, no r: removed). */
static int publish(const struct rtt_rules *cur, int idx, const struct crosslat_thresh_rule *r)
{
	unsigned int n = cur ? cur->n : 0, i, j = 0;
	struct rtt_rules *next;

	if (r && idx < 0)
		n++;
	else if (!r)
		n--;
	next = kmalloc(struct_size(next, r, n), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	for (i = 0; cur && i < cur->n; i++) {
		if ((int)i == idx) {
			if (r)
				next->r[j++] = *r;
			continue;
		}
		next->r[j++] = cur->r[i];
	}
	if (r && idx < 0)
		next->r[j++] = *r;
	next->n = j;
	rcu_assign_pointer(rules, next);
	smp_wmb();	/* new rules visible before the new generation (rtt_thresh_lookup) */
	atomic_inc(&rules_gen);
	if (cur)
		kfree_rcu((struct rtt_rules *)cur, rcu);
	return 0;
}

static int find(const struct rtt_rules *rs, const struct crosslat_thresh_rule *r)
{
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (crosslat_thresh_same_selector(&rs->r[i], r))
			return i;
	return -1;
}

int rtt_thresh_set(const struct crosslat_thresh_rule *r)
{
	const struct rtt_rules *cur;
	int idx, err;

	mutex_lock(&rules_lock);
	cur = rcu_dereference_protected(rules, lockdep_is_held(&rules_lock));
	idx = find(cur, r);
	if (idx < 0 && cur && cur->n >= CROSSLAT_THRESH_MAX_RULES)
		err = -ENOSPC;
	else
		err = publish(cur, idx, r);
	mutex_unlock(&rules_lock);
	return err;
}

int rtt_thresh_del(const struct crosslat_thresh_rule *r)
{
	const struct rtt_rules *cur;
	int idx, err;

	mutex_lock(&rules_lock);
	cur = rcu_dereference_protected(rules, lockdep_is_held(&rules_lock));
	idx = find(cur, r);
	err = idx < 0 ? -ENOENT : publish(cur, idx, NULL);
	mutex_unlock(&rules_lock);
	return err;
}

void rtt_thresh_flush(void)
{
	struct rtt_rules *cur;

	mutex_lock(&rules_lock);
	cur = rcu_dereference_protected(rules, lockdep_is_held(&rules_lock));
	RCU_INIT_POINTER(rules, NULL);
	smp_wmb();	/* no rules visible before the new generation (rtt_thresh_lookup) */
	atomic_inc(&rules_gen);
	mutex_unlock(&rules_lock);
	if (cur)
		kfree_rcu(cur, rcu);
}

unsigned int rtt_thresh_copy(struct crosslat_thresh_rule *out, unsigned int max)
{
	const struct rtt_rules *rs;
	unsigned int n = 0;

	rcu_read_lock();
	rs = rcu_dereference(rules);
	if (rs) {
		n = rs->n;
		memcpy(out, rs->r, min(n, max) * sizeof(*out));
	}
	rcu_read_unlock();
	return n;
}

void rtt_thresh_exit(void)
{
	rtt_thresh_flush();
	/* kfree_rcu() callbacks must run before the module text goes away. */
	rcu_barrier();
}
