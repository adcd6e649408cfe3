// SPDX-License-Identifier: GPL-2.0-only
/*
 * The configured cgroups: an rhashtable by cgroup v2 id, read by the probes under RCU,
 * changed under metrics_conf_mutex (which also keeps a list for dumps). A cgroup's per-CPU
 * histograms live as long as its entry.
 */
#include <linux/cgroup.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "metrics.h"

static const struct rhashtable_params cg_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct metrics_cg, id),
	.head_offset = offsetof(struct metrics_cg, node),
	.automatic_shrinking = true,
};

static struct rhashtable cg_table;
static LIST_HEAD(metrics_cg_list);
static DEFINE_MUTEX(metrics_conf_mutex);
static unsigned int cg_nr;

int metrics_table_init(void)
{
	return rhashtable_init(&cg_table, &cg_params);
}

static void cg_free(struct metrics_cg *cg)
{
	free_percpu(cg->pcpu);
	kfree(cg);
}

static void cg_free_rcu(struct rcu_head *head)
{
	cg_free(container_of(head, struct metrics_cg, rcu));
}

struct metrics_cg *metrics_cg_lookup(u64 id)
{
	return rhashtable_lookup(&cg_table, &id, cg_params);
}

struct metrics_cg *metrics_cg_of(struct task_struct *p)
{
	return metrics_cg_lookup(cgroup_id(task_dfl_cgroup(p)));
}

struct metrics_cg *metrics_cg_of_sk(const struct sock *sk)
{
	/* sock_cgroup_ptr() takes no const, though it only reads */
	struct sock *s = (struct sock *)sk;

	return metrics_cg_lookup(cgroup_id(sock_cgroup_ptr(&s->sk_cgrp_data)));
}

unsigned int metrics_cg_count(void)
{
	return READ_ONCE(cg_nr);
}

static struct metrics_cg *cg_alloc(u64 id)
{
	struct metrics_cg *cg = kzalloc(sizeof(*cg), GFP_KERNEL);
	unsigned int cpu, h;

	if (!cg)
		return NULL;
	cg->pcpu = alloc_percpu(struct metrics_pcpu);
	if (!cg->pcpu) {
		kfree(cg);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		for (h = 0; h < __CROSSLAT_METRICS_HIST_MAX; h++)
			crosslat_log2_hist_init(&per_cpu_ptr(cg->pcpu, cpu)->hist[h]);
	cg->id = id;
	return cg;
}

/* Arms the metrics of mask that were off in old; on failure none stays armed. */
static int arm_new(u32 old, u32 mask)
{
	unsigned int m;
	int err;

	for (m = 0; m < __CROSSLAT_METRIC_MAX; m++) {
		if (!(mask & ~old & (1u << m)))
			continue;
		err = metrics_arm_get(m);
		if (err) {
			while (m--)
				if (mask & ~old & (1u << m))
					metrics_arm_put(m);
			return err;
		}
	}
	return 0;
}

static void disarm_old(u32 old, u32 mask)
{
	unsigned int m;

	for (m = 0; m < __CROSSLAT_METRIC_MAX; m++)
		if (old & ~mask & (1u << m))
			metrics_arm_put(m);
}

/* Every cgroup off: their metrics disarmed (no probe runs any more), their entries freed. */
void metrics_table_exit(void)
{
	struct metrics_cg *cg, *tmp;

	mutex_lock(&metrics_conf_mutex);
	list_for_each_entry_safe(cg, tmp, &metrics_cg_list, list) {
		list_del(&cg->list);
		rhashtable_remove_fast(&cg_table, &cg->node, cg_params);
		disarm_old(cg->mask, 0);
		call_rcu(&cg->rcu, cg_free_rcu);
	}
	cg_nr = 0;
	mutex_unlock(&metrics_conf_mutex);
	rcu_barrier();
	rhashtable_destroy(&cg_table);
}

/* Empties the histograms of the metrics of cleared: they start afresh when re-enabled. */
static void cg_clear(struct metrics_cg *cg, u32 cleared)
{
	struct metrics_pcpu *pc;
	unsigned int cpu, h, m;

	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(cg->pcpu, cpu);
		for (m = 0; m < __CROSSLAT_METRIC_MAX; m++)
			if (cleared & (1u << m)) {
				pc->events[m] = 0;
				pc->drops[m] = 0;
			}
		for (h = 0; h < __CROSSLAT_METRICS_HIST_MAX; h++)
			if (cleared & (1u << crosslat_metrics_hist_metric(h)))
				crosslat_log2_hist_init(&pc->hist[h]);
	}
}

int metrics_cg_set(u64 id, u32 mask, u32 every)
{
	struct metrics_cg *cg;
	u32 old;
	int err = 0;

	mutex_lock(&metrics_conf_mutex);
	cg = rhashtable_lookup_fast(&cg_table, &id, cg_params);
	old = cg ? cg->mask : 0;
	if (!cg && !mask)
		goto out;
	if (!cg) {
		if (cg_nr >= READ_ONCE(metrics_max_cgroups)) {
			metrics_count(CROSSLAT_STAT_METRICS_CGROUPS_FULL);
			err = -ENOSPC;
			goto out;
		}
		cg = cg_alloc(id);
		if (!cg) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = arm_new(old, mask);
	if (err)
		goto err_new;
	if (!mask) {
		/* probes still armed may look it up until they are disarmed below */
		rhashtable_remove_fast(&cg_table, &cg->node, cg_params);
		list_del(&cg->list);
		cg_nr--;
		disarm_old(old, mask);
		call_rcu(&cg->rcu, cg_free_rcu);
		goto out;
	}
	/*
	 * Disarm first: a metric that is turned off stops being recorded before its
	 * histograms are cleared, so a later enable starts from zero.
	 */
	WRITE_ONCE(cg->mask, mask);
	WRITE_ONCE(cg->every, every);
	disarm_old(old, mask);
	if (old & ~mask) {
		synchronize_rcu();	/* probes of this cgroup that read the old mask are done */
		cg_clear(cg, old & ~mask);
	}
	if (!old) {
		err = rhashtable_insert_fast(&cg_table, &cg->node, cg_params);
		if (err) {
			disarm_old(mask, 0);
			goto err_new;
		}
		list_add_tail(&cg->list, &metrics_cg_list);
		cg_nr++;
	}
	goto out;

err_new:
	if (!old)
		cg_free(cg);
out:
	mutex_unlock(&metrics_conf_mutex);
	return err;
}

int metrics_cg_for_each(unsigned long skip, int (*fn)(const struct metrics_cg *cg, void *arg),
			void *arg)
{
	struct metrics_cg *cg;
	unsigned long i = 0;
	int ret = 0;

	mutex_lock(&metrics_conf_mutex);
	list_for_each_entry(cg, &metrics_cg_list, list) {
		if (i++ < skip)
			continue;
		ret = fn(cg, arg);
		if (ret)
			break;
	}
	mutex_unlock(&metrics_conf_mutex);
	return ret;
}
