// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_span.ko: spans of application threads, told by libcrosslat-span through
 * /dev/crosslat_span; the kernel accounts each span's system calls, on-CPU, blocked and
 * runqueue-wait time and, when it ends above its latency threshold, emits the annotation
 * (crosslat_span_annotate, _syscall, _stack).
 *
 * Configuration (module parameters, writable at run time by root, checked: -EINVAL):
 *   threshold_us          the threshold of spans whose service has none of its own
 *   service_threshold_us  per service: "name:us[,name:us...]" (up to 16; "" clears)
 *   syscalls              the calls listed in annotations: "all", or numbers and ranges
 *                         "0-3,35,74" (the others are only counted)
 */
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "span.h"

#define SPAN_SERVICES_MAX	16
#define SPAN_SYSCALLS_NR	512

struct span_conf {
	struct rcu_head rcu;
	unsigned int n_services;
	struct {
		char name[CROSSLAT_SPAN_SERVICE_MAX];
		u64 threshold_ns;
	} services[SPAN_SERVICES_MAX];
	DECLARE_BITMAP(syscalls, SPAN_SYSCALLS_NR);
};

static struct span_conf __rcu *span_conf;
static DEFINE_MUTEX(span_conf_mutex);
struct span_counters __percpu *span_counters;

unsigned int span_max_spans = 4096;
module_param_named(max_spans, span_max_spans, uint, 0644);
MODULE_PARM_DESC(max_spans, "most threads with a span entry (in a span, or idle and reclaimable), default 4096, about 2.5 KiB each");

unsigned int span_max_per_process = 256;
module_param_named(max_spans_per_process, span_max_per_process, uint, 0644);
MODULE_PARM_DESC(max_spans_per_process, "most thread entries of one process (idle ones are reclaimed first), default 256");

static unsigned long threshold_us = 10000;
module_param(threshold_us, ulong, 0644);
MODULE_PARM_DESC(threshold_us, "spans longer than this are annotated (default 10000 us)");

u64 span_threshold_for(const char *service)
{
	const struct span_conf *c;
	u64 ns = (u64)READ_ONCE(threshold_us) * NSEC_PER_USEC;
	unsigned int i;

	rcu_read_lock();
	c = rcu_dereference(span_conf);
	for (i = 0; c && i < c->n_services; i++) {
		if (!strcmp(c->services[i].name, service)) {
			ns = c->services[i].threshold_ns;
			break;
		}
	}
	rcu_read_unlock();
	return ns;
}

/* Called by the probes under rcu_read_lock(). */
bool span_syscall_recorded(long nr)
{
	const struct span_conf *c = rcu_dereference(span_conf);

	return nr >= 0 && nr < SPAN_SYSCALLS_NR && c && test_bit(nr, c->syscalls);
}

/* Copies the current configuration for a change (under span_conf_mutex). */
static struct span_conf *span_conf_copy(void)
{
	const struct span_conf *old = rcu_dereference_protected(span_conf,
							lockdep_is_held(&span_conf_mutex));

	struct span_conf *c;

	if (old)
		return kmemdup(old, sizeof(*old), GFP_KERNEL);
	/* the defaults: the global threshold only, every call listed */
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (c)
		bitmap_fill(c->syscalls, SPAN_SYSCALLS_NR);
	return c;
}

static void span_conf_publish(struct span_conf *c)
{
	struct span_conf *old = rcu_replace_pointer(span_conf, c,
						    lockdep_is_held(&span_conf_mutex));

	if (old)
		kfree_rcu(old, rcu);
}

/* "name:us,name:us" */
static int service_parse(struct span_conf *c, char *s)
{
	char *item, *colon;
	unsigned long us;

	c->n_services = 0;
	s = strim(s);
	while ((item = strsep(&s, ",")) && *item) {
		colon = strrchr(item, ':');
		if (!colon || colon == item || c->n_services == SPAN_SERVICES_MAX)
			return -EINVAL;
		*colon = '\0';
		if (strlen(item) >= CROSSLAT_SPAN_SERVICE_MAX || kstrtoul(colon + 1, 10, &us) ||
		    us > U64_MAX / NSEC_PER_USEC)
			return -EINVAL;
		strscpy(c->services[c->n_services].name, item, CROSSLAT_SPAN_SERVICE_MAX);
		c->services[c->n_services++].threshold_ns = (u64)us * NSEC_PER_USEC;
	}
	return s && *s ? -EINVAL : 0;
}

static int syscalls_parse(struct span_conf *c, char *s)
{
	s = strim(s);
	if (!strcmp(s, "all")) {
		bitmap_fill(c->syscalls, SPAN_SYSCALLS_NR);
		return 0;
	}
	/* numbers and ranges, as in a cpulist; an empty list lists no call */
	return bitmap_parselist(s, c->syscalls, SPAN_SYSCALLS_NR);
}

enum span_param { SPAN_PARAM_SERVICES, SPAN_PARAM_SYSCALLS };

static int span_param_set(const char *val, const struct kernel_param *kp)
{
	enum span_param which = (uintptr_t)kp->arg;
	struct span_conf *c;
	char *copy;
	int err;

	copy = kstrdup(val, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	mutex_lock(&span_conf_mutex);
	c = span_conf_copy();
	if (!c) {
		err = -ENOMEM;
		goto out;
	}
	err = which == SPAN_PARAM_SERVICES ? service_parse(c, copy) : syscalls_parse(c, copy);
	if (err)
		kfree(c);
	else
		span_conf_publish(c);
out:
	mutex_unlock(&span_conf_mutex);
	kfree(copy);
	return err ? -EINVAL : 0;
}

static int span_param_get(char *buffer, const struct kernel_param *kp)
{
	enum span_param which = (uintptr_t)kp->arg;
	const struct span_conf *c;
	unsigned int i;
	int n = 0;

	rcu_read_lock();
	c = rcu_dereference(span_conf);
	if (c && which == SPAN_PARAM_SERVICES) {
		for (i = 0; i < c->n_services; i++)
			n += scnprintf(buffer + n, PAGE_SIZE - n, "%s%s:%llu", i ? "," : "",
				       c->services[i].name,
				       div_u64(c->services[i].threshold_ns, NSEC_PER_USEC));
	} else if (c && bitmap_full(c->syscalls, SPAN_SYSCALLS_NR)) {
		n = scnprintf(buffer, PAGE_SIZE, "all");
	} else if (c) {
		n = scnprintf(buffer, PAGE_SIZE, "%*pbl", SPAN_SYSCALLS_NR, c->syscalls);
	}
	rcu_read_unlock();
	return n + scnprintf(buffer + n, PAGE_SIZE - n, "\n");
}

static const struct kernel_param_ops span_param_ops = {
	.set = span_param_set,
	.get = span_param_get,
};

module_param_cb(service_threshold_us, &span_param_ops, (void *)SPAN_PARAM_SERVICES, 0644);
MODULE_PARM_DESC(service_threshold_us, "per-service thresholds: name:us[,name:us...]");
module_param_cb(syscalls, &span_param_ops, (void *)SPAN_PARAM_SYSCALLS, 0644);
MODULE_PARM_DESC(syscalls, "system calls listed in annotations: all, or a list like 0-3,35");

static int __init crosslat_span_init(void)
{
	struct span_conf *c;
	int err;

	/* Parameters given at load have made span_conf already. */
	mutex_lock(&span_conf_mutex);
	if (!rcu_access_pointer(span_conf)) {
		c = span_conf_copy();
		if (c)
			span_conf_publish(c);
	}
	mutex_unlock(&span_conf_mutex);
	if (!rcu_access_pointer(span_conf))
		return -ENOMEM;

	span_counters = alloc_percpu(struct span_counters);
	if (!span_counters) {
		err = -ENOMEM;
		goto err_conf;
	}
	err = span_table_init();
	if (err)
		goto err_counters;
	err = span_netlink_init();
	if (err)
		goto err_table;
	err = span_dev_init();
	if (err)
		goto err_netlink;
	pr_info("spans: up to %u (%u per process), %zu bytes each\n", span_max_spans,
		span_max_per_process, sizeof(struct span_thread));
	return 0;

err_netlink:
	span_netlink_exit();
err_table:
	span_table_exit();
err_counters:
	free_percpu(span_counters);
err_conf:
	kfree(rcu_access_pointer(span_conf));
	return err;
}

static void __exit crosslat_span_exit(void)
{
	/* The device holds a reference on the module while open: no probes are left. */
	span_dev_exit();
	span_netlink_exit();
	span_table_exit();
	free_percpu(span_counters);
	kfree(rcu_access_pointer(span_conf));
}

module_init(crosslat_span_init);
module_exit(crosslat_span_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: spans annotated with their system calls, stacks and scheduling delays");
