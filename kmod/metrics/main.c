// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_metrics.ko: per-cgroup kernel metrics as log2 histograms (runqueue latency,
 * page faults, TCP retransmissions, block I/O, DNS latency), each enabled and sampled per
 * cgroup at run time through the crosslat generic netlink family (crosslatctl metrics
 * set|off); a metric's probes are registered only while some cgroup enables it.
 *
 * Parameters (at load): max_cgroups (configured cgroups at once), task_slots (runqueue
 * latency: pending starts kept, a power of two), fault_maxactive (faults timed at once),
 * blkio_slots and dns_slots (bios in flight and DNS queries awaiting their answer kept).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include "metrics.h"

unsigned int metrics_max_cgroups = 1024;
module_param_named(max_cgroups, metrics_max_cgroups, uint, 0644);
MODULE_PARM_DESC(max_cgroups, "most cgroups configured at once (default 1024; ~4.5 KiB per CPU each)");

unsigned int metrics_task_slots = 16384;
module_param_named(task_slots, metrics_task_slots, uint, 0444);
MODULE_PARM_DESC(task_slots, "runqueue latency: slots for pending wakeups (default 16384, rounded up to a power of two)");

unsigned int metrics_fault_maxactive = 256;
module_param_named(fault_maxactive, metrics_fault_maxactive, uint, 0444);
MODULE_PARM_DESC(fault_maxactive, "page faults timed at once (default 256; the others are counted as missed)");

unsigned int metrics_blkio_slots = 4096;
module_param_named(blkio_slots, metrics_blkio_slots, uint, 0444);
MODULE_PARM_DESC(blkio_slots, "block I/O: bios in flight timed at once (default 4096, rounded up to a power of two; beyond: drops)");

unsigned int metrics_dns_slots = 1024;
module_param_named(dns_slots, metrics_dns_slots, uint, 0444);
MODULE_PARM_DESC(dns_slots, "DNS: queries awaiting their answer timed at once (default 1024, rounded up to a power of two; beyond: drops)");

static int __init crosslat_metrics_init(void)
{
	int err;

	metrics_counters = alloc_percpu(struct metrics_counters);
	if (!metrics_counters)
		return -ENOMEM;
	err = metrics_table_init();
	if (err)
		goto err_counters;
	err = metrics_sched_init();
	if (err)
		goto err_table;
	err = metrics_block_init();
	if (err)
		goto err_sched;
	err = metrics_dns_init();
	if (err)
		goto err_block;
	err = metrics_netlink_init();
	if (err)
		goto err_dns;
	metrics_report_start();
	metrics_bench_init();
	pr_info("up to %u cgroups, %u task slots, %u bio slots, %u DNS slots\n",
		metrics_max_cgroups, metrics_task_slots, metrics_blkio_slots, metrics_dns_slots);
	return 0;

err_dns:
	metrics_dns_exit();
err_block:
	metrics_block_exit();
err_sched:
	metrics_sched_exit();
err_table:
	metrics_table_exit();
err_counters:
	free_percpu(metrics_counters);
	return err;
}

static void __exit crosslat_metrics_exit(void)
{
	/* no new configuration, no report; then every cgroup off (unregisters every probe) */
	metrics_bench_exit();
	metrics_netlink_exit();
	metrics_report_stop();
	metrics_table_exit();
	metrics_dns_exit();
	metrics_block_exit();
	metrics_sched_exit();
	free_percpu(metrics_counters);
}

module_init(crosslat_metrics_init);
module_exit(crosslat_metrics_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat per-cgroup kernel metrics: runqueue latency, page faults, TCP retransmissions, block I/O, DNS latency");
