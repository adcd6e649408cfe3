// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_pkt.ko: per-hop latency of HTTP/1.x messages carrying a trace context (W3C
 * traceparent, b3, uber-trace-id) between watched devices of a host, a pod's port and the
 * underlay NIC (crosslat_pkt_hop events; probes.c).
 *
 * Parameters:
 *   points         (run time) the watched devices: "ROLE:NETNS:IFINDEX[,...]", ROLE vport
 *                  or nic, NETNS the inode number of the device's network namespace (as in
 *                  /proc/<pid>/ns/net or `stat -L -c %i /run/netns/NAME`), IFINDEX its
 *                  index there; up to 16; "" watches none. Checked: -EINVAL.
 *   scan_max       (run time) longest header block scanned, bytes (default 65536)
 *   pending_slots  (load) sightings waiting for their exit (default 4096)
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "pkt.h"

struct pkt_points {
	struct rcu_head rcu;
	unsigned int n;
	struct pkt_point p[PKT_POINTS_MAX];
};

static struct pkt_points __rcu *pkt_points;
static DEFINE_MUTEX(pkt_points_mutex);
static bool pkt_any_point;
struct pkt_counters __percpu *pkt_counters;

unsigned int pkt_scan_max = 65536;
module_param_named(scan_max, pkt_scan_max, uint, 0644);
MODULE_PARM_DESC(scan_max, "longest HTTP header block scanned, bytes (default 65536)");

static unsigned int pending_slots = 4096;
module_param(pending_slots, uint, 0444);
MODULE_PARM_DESC(pending_slots, "segments with a trace context awaiting their exit (default 4096)");

bool pkt_has_points(void)
{
	return READ_ONCE(pkt_any_point);
}

/* Under the probes' RCU read side (tracepoint probes run with preemption disabled). */
const struct pkt_point *pkt_point_find(u32 netns_inum, int ifindex)
{
	const struct pkt_points *pts = rcu_dereference_sched(pkt_points);
	unsigned int i;

	for (i = 0; pts && i < pts->n; i++)
		if (pts->p[i].ifindex == ifindex && pts->p[i].netns_inum == netns_inum)
			return &pts->p[i];
	return NULL;
}

static int points_parse(struct pkt_points *pts, char *s)
{
	char *item, *role, *inum;
	unsigned int ifindex;
	u32 netns;

	s = strim(s);
	while ((item = strsep(&s, ",")) && *item) {
		role = strsep(&item, ":");
		inum = strsep(&item, ":");
		if (!item || !inum || pts->n == PKT_POINTS_MAX || kstrtou32(inum, 10, &netns) ||
		    kstrtouint(item, 10, &ifindex) || !netns || !ifindex || ifindex > INT_MAX)
			return -EINVAL;
		if (!strcmp(role, "vport"))
			pts->p[pts->n].role = PKT_ROLE_VPORT;
		else if (!strcmp(role, "nic"))
			pts->p[pts->n].role = PKT_ROLE_NIC;
		else
			return -EINVAL;
		pts->p[pts->n].netns_inum = netns;
		pts->p[pts->n++].ifindex = ifindex;
	}
	return s && *s ? -EINVAL : 0;
}

static int points_set(const char *val, const struct kernel_param *kp)
{
	struct pkt_points *pts, *old;
	char *copy;
	int err;

	pts = kzalloc(sizeof(*pts), GFP_KERNEL);
	copy = kstrdup(val, GFP_KERNEL);
	if (!pts || !copy) {
		kfree(pts);
		kfree(copy);
		return -ENOMEM;
	}
	err = points_parse(pts, copy);
	kfree(copy);
	if (err) {
		kfree(pts);
		return -EINVAL;
	}
	mutex_lock(&pkt_points_mutex);
	old = rcu_replace_pointer(pkt_points, pts, lockdep_is_held(&pkt_points_mutex));
	WRITE_ONCE(pkt_any_point, pts->n > 0);
	mutex_unlock(&pkt_points_mutex);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static int points_get(char *buffer, const struct kernel_param *kp)
{
	const struct pkt_points *pts;
	unsigned int i;
	int n = 0;

	rcu_read_lock_sched();
	pts = rcu_dereference_sched(pkt_points);
	for (i = 0; pts && i < pts->n; i++)
		n += scnprintf(buffer + n, PAGE_SIZE - n, "%s%s:%u:%d", i ? "," : "",
			       pts->p[i].role == PKT_ROLE_NIC ? "nic" : "vport",
			       pts->p[i].netns_inum, pts->p[i].ifindex);
	rcu_read_unlock_sched();
	return n + scnprintf(buffer + n, PAGE_SIZE - n, "\n");
}

static const struct kernel_param_ops points_ops = {
	.set = points_set,
	.get = points_get,
};
module_param_cb(points, &points_ops, NULL, 0644);
MODULE_PARM_DESC(points, "watched devices: ROLE:NETNS_INODE:IFINDEX[,...], ROLE vport or nic");

static int __init crosslat_pkt_init(void)
{
	int err;

	if (!pending_slots || pending_slots > (1U << 22)) {
		pr_err("pending_slots must be 1..4194304\n");
		return -EINVAL;
	}
	pkt_counters = alloc_percpu(struct pkt_counters);
	if (!pkt_counters)
		return -ENOMEM;
	err = pkt_pending_init(pending_slots);
	if (err)
		goto err_counters;
	err = pkt_partial_init(pending_slots);
	if (err) {
		pkt_pending_exit();
		goto err_counters;
	}
	err = pkt_netlink_init();
	if (err)
		goto err_pending;
	err = pkt_probes_register();
	if (err)
		goto err_netlink;
	return 0;

err_netlink:
	pkt_netlink_exit();
err_pending:
	pkt_partial_exit();
	pkt_pending_exit();
err_counters:
	free_percpu(pkt_counters);
	return err;
}

static void __exit crosslat_pkt_exit(void)
{
	pkt_probes_unregister();
	pkt_netlink_exit();
	pkt_partial_exit();
	pkt_pending_exit();
	free_percpu(pkt_counters);
	/* points given at run time; kfree_rcu'd ones are done after this barrier */
	rcu_barrier();
	kfree(rcu_access_pointer(pkt_points));
}

module_init(crosslat_pkt_init);
module_exit(crosslat_pkt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: per-hop latency of traced HTTP messages between a pod's port and the NIC");
