// SPDX-License-Identifier: GPL-2.0-only
/*
 * The task filter: parameters `cgroups` (cgroup v2 ids, a task matches when its
 * default-hierarchy cgroup or an ancestor is listed) and `pids` (tgids; a listed process's
 * forked child processes are added). Both sets live in one RCU-published struct, replaced
 * whole on every change (writers serialized by a spinlock: forks add pids in atomic
 * context), NULL while both are empty, so that nothing is traced and a probe hit costs one
 * pointer load. With a filter set, a per-CPU entry caches the last (tgid, cgroup) answer.
 */
#include <linux/bsearch.h>
#include <linux/cgroup.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/threads.h>
#include "req.h"

struct req_filter {
	struct rcu_head rcu;
	u32 gen;			/* unique per published filter */
	unsigned int n_cg;
	unsigned int n_pid;
	u64 cg[REQ_CGROUPS_MAX];
	u64 pid[REQ_PIDS_MAX];		/* sorted */
};

/* Last answer of req_current_match() on this CPU, valid while gen is the filter's. */
struct match_cache {
	u32 gen;
	pid_t tgid;
	u64 cgid;
	bool match;
};

static struct req_filter __rcu *req_filter;
static DEFINE_SPINLOCK(filter_lock);
static u32 filter_gen;
static DEFINE_PER_CPU(struct match_cache, match_cache);

static int id_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static bool filter_has_pid(const struct req_filter *f, u64 tgid)
{
	return bsearch(&tgid, f->pid, f->n_pid, sizeof(u64), id_cmp);
}

static bool filter_match(const struct req_filter *f, pid_t tgid, struct cgroup *cgrp)
{
	unsigned int i;

	if (f->n_pid && filter_has_pid(f, tgid))
		return true;
	for (; f->n_cg && cgrp; cgrp = cgroup_parent(cgrp))
		for (i = 0; i < f->n_cg; i++)
			if (f->cg[i] == cgroup_id(cgrp))
				return true;
	return false;
}

bool req_current_match(void)
{
	const struct req_filter *f;
	struct match_cache *c;
	struct cgroup *cgrp;
	pid_t tgid;
	bool match = false;
	u64 cgid;

	if (!rcu_access_pointer(req_filter))
		return false;
	rcu_read_lock();
	f = rcu_dereference(req_filter);
	if (!f)
		goto out;
	tgid = current->tgid;
	cgrp = task_dfl_cgroup(current);
	cgid = cgroup_id(cgrp);
	c = get_cpu_ptr(&match_cache);
	if (c->gen == f->gen && c->tgid == tgid && c->cgid == cgid) {
		match = c->match;
	} else {
		match = filter_match(f, tgid, cgrp);
		*c = (struct match_cache){ f->gen, tgid, cgid, match };
	}
	put_cpu_ptr(&match_cache);
	if (!match)
		req_count(filtered_out);
out:
	rcu_read_unlock();
	return match;
}

bool req_pid_listed(pid_t tgid)
{
	const struct req_filter *f;
	bool listed;

	rcu_read_lock();
	f = rcu_dereference(req_filter);
	listed = f && f->n_pid && filter_has_pid(f, tgid);
	rcu_read_unlock();
	return listed;
}

/* Publishes nf (NULL when it lists nothing) in place of the current filter; frees the old. */
static void filter_publish(struct req_filter *nf)
{
	struct req_filter *old;

	lockdep_assert_held(&filter_lock);
	if (nf && !nf->n_cg && !nf->n_pid) {
		kfree(nf);
		nf = NULL;
	}
	if (nf) {
		if (!++filter_gen)
			filter_gen = 1;	/* 0 is an empty cache entry's */
		nf->gen = filter_gen;
	}
	old = rcu_replace_pointer(req_filter, nf, lockdep_is_held(&filter_lock));
	if (old)
		kfree_rcu(old, rcu);
}

/* Copies the current filter into nf (zeroed when there is none). */
static void filter_copy(struct req_filter *nf)
{
	const struct req_filter *cur;

	cur = rcu_dereference_protected(req_filter, lockdep_is_held(&filter_lock));
	if (cur)
		memcpy(nf, cur, sizeof(*nf));
	else
		memset(nf, 0, sizeof(*nf));
}

void req_pid_follow(pid_t tgid)
{
	struct req_filter *nf = kmalloc(sizeof(*nf), GFP_NOWAIT | __GFP_NOWARN);
	unsigned int i;

	if (!nf) {
		req_count(pids_nomem);
		return;
	}
	spin_lock(&filter_lock);
	filter_copy(nf);
	if (filter_has_pid(nf, tgid)) {
		kfree(nf);
		goto out;
	}
	if (nf->n_pid == REQ_PIDS_MAX) {
		kfree(nf);
		req_count(pids_full);
		goto out;
	}
	for (i = nf->n_pid; i > 0 && nf->pid[i - 1] > (u64)tgid; i--)
		nf->pid[i] = nf->pid[i - 1];
	nf->pid[i] = tgid;
	nf->n_pid++;
	filter_publish(nf);
out:
	spin_unlock(&filter_lock);
}

void req_filter_exit(void)
{
	spin_lock(&filter_lock);
	filter_publish(NULL);
	spin_unlock(&filter_lock);
	rcu_barrier();
}

/* ---- the parameters ---- */

enum { SET_CGROUPS, SET_PIDS };
static const int set_cgroups = SET_CGROUPS, set_pids = SET_PIDS;

/* "ID[,ID...]" or "" into ids (sorted, no duplicates): the count, or -EINVAL. */
static int ids_parse(char *s, u64 *ids, unsigned int max, u64 limit)
{
	unsigned int n = 0, i, j;
	char *item;

	s = strim(s);
	if (!*s)
		return 0;
	while ((item = strsep(&s, ","))) {
		if (n == max || kstrtou64(item, 10, &ids[n]) || !ids[n] || ids[n] > limit)
			return -EINVAL;
		n++;
	}
	sort(ids, n, sizeof(u64), id_cmp, NULL);
	for (i = j = 0; i < n; i++)
		if (!j || ids[j - 1] != ids[i])
			ids[j++] = ids[i];
	return j;
}

static int ids_set(const char *val, const struct kernel_param *kp)
{
	bool pids = *(const int *)kp->arg == SET_PIDS;
	u64 ids[REQ_PIDS_MAX];
	struct req_filter *nf;
	char *copy;
	int n;

	copy = kstrdup(val, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	n = ids_parse(copy, ids, pids ? REQ_PIDS_MAX : REQ_CGROUPS_MAX,
		      pids ? PID_MAX_LIMIT : U64_MAX);
	kfree(copy);
	if (n < 0)
		return n;
	nf = kmalloc(sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return -ENOMEM;
	spin_lock(&filter_lock);
	filter_copy(nf);
	if (pids) {
		memcpy(nf->pid, ids, n * sizeof(u64));
		nf->n_pid = n;
	} else {
		memcpy(nf->cg, ids, n * sizeof(u64));
		nf->n_cg = n;
	}
	filter_publish(nf);
	spin_unlock(&filter_lock);
	return 0;
}

static int ids_get(char *buf, const struct kernel_param *kp)
{
	bool pids = *(const int *)kp->arg == SET_PIDS;
	const struct req_filter *f;
	unsigned int i, n;
	int len = 0;

	rcu_read_lock();
	f = rcu_dereference(req_filter);
	n = !f ? 0 : pids ? f->n_pid : f->n_cg;
	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%llu", i ? "," : "",
				 pids ? f->pid[i] : f->cg[i]);
	rcu_read_unlock();
	return len + scnprintf(buf + len, PAGE_SIZE - len, "\n");
}

static const struct kernel_param_ops ids_ops = {
	.set = ids_set,
	.get = ids_get,
};

module_param_cb(cgroups, &ids_ops, (void *)&set_cgroups, 0644);
MODULE_PARM_DESC(cgroups, "traced cgroup v2 ids (directory inode numbers), comma-separated, up to 16");
module_param_cb(pids, &ids_ops, (void *)&set_pids, 0644);
MODULE_PARM_DESC(pids, "traced processes (tgids), comma-separated, up to 64; forked children follow");
