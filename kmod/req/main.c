// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_req.ko: request tracing without instrumentation. For the tasks a filter
 * selects, the socket calls of TCP over IPv4/IPv6 (connect, accept, send, receive, close:
 * kp_tcp.c) and thread lifetimes (fork, exit: tp_sched.c) as crosslat_req_* events
 * (crosslat_req_trace.h), from which the analyzer rebuilds each thread's state and follows
 * a request across threads, processes and hosts by TCP sequence numbers.
 *
 * Parameters (/sys/module/crosslat_req/parameters/):
 *   cgroups  (run time) cgroup v2 ids (`stat -c %i /sys/fs/cgroup/PATH`), comma-separated,
 *            up to 16: a task is selected when its cgroup or an ancestor is listed
 *   pids     (run time) tgids, comma-separated, up to 64; a listed process's child
 *            processes are added as they fork
 *            Writes are parsed whole: junk, 0, too many entries give -EINVAL and keep the
 *            old list; "" clears. Nothing is traced while both lists are empty.
 *   stats    (read only) counters, one "name value" a line: events (emitted),
 *            filtered_out (probe hits of tasks outside a set filter), pids_full and
 *            pids_nomem (forked processes not followed), not_inet (sockets not IPv4/IPv6),
 *            kretprobe_missed (calls missed for want of a free kretprobe instance)
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include "req.h"

struct req_counters __percpu *req_counters;

static int stats_get(char *buf, const struct kernel_param *kp)
{
	struct req_counters sum = {};
	const struct req_counters *c;
	int cpu;

	if (!req_counters)
		return -ENODEV;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(req_counters, cpu);
		sum.events += c->events;
		sum.filtered_out += c->filtered_out;
		sum.pids_full += c->pids_full;
		sum.pids_nomem += c->pids_nomem;
		sum.not_inet += c->not_inet;
	}
	return scnprintf(buf, PAGE_SIZE,
			 "events %llu\nfiltered_out %llu\npids_full %llu\npids_nomem %llu\nnot_inet %llu\nkretprobe_missed %lu\n",
			 sum.events, sum.filtered_out, sum.pids_full, sum.pids_nomem,
			 sum.not_inet, req_kp_tcp_missed());
}

static const struct kernel_param_ops stats_ops = {
	.get = stats_get,
};
module_param_cb(stats, &stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "counters (read only)");

static int __init crosslat_req_init(void)
{
	int err;

	req_counters = alloc_percpu(struct req_counters);
	if (!req_counters)
		return -ENOMEM;
	err = req_tp_sched_register();
	if (err)
		goto err_counters;
	err = req_kp_tcp_register();
	if (err)
		goto err_sched;
	return 0;

err_sched:
	req_tp_sched_unregister();
err_counters:
	free_percpu(req_counters);
	req_filter_exit();
	return err;
}

static void __exit crosslat_req_exit(void)
{
	req_kp_tcp_unregister();
	req_tp_sched_unregister();
	req_filter_exit();
	free_percpu(req_counters);
}

module_init(crosslat_req_init);
module_exit(crosslat_req_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: socket and thread events of selected tasks for request tracing");
