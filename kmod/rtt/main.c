// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat_rtt.ko: per-flow TCP RTT, retransmissions, volume and server think time from the
 * packets every network namespace sends and receives; flow dumps and alert thresholds over
 * the crosslat netlink family; crosslat_rtt_* tracepoints.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "arm.h"
#include "rtt.h"

static unsigned int max_flows = 65536;
module_param(max_flows, uint, 0444);
MODULE_PARM_DESC(max_flows, "most flows tracked at once, 1..4194304 (default 65536)");

static unsigned int idle_timeout_ms = 120000;
module_param(idle_timeout_ms, uint, 0444);
MODULE_PARM_DESC(idle_timeout_ms, "a flow without packets for this long is evicted (default 120000)");

static unsigned int closed_timeout_ms = 10000;
module_param(closed_timeout_ms, uint, 0444);
MODULE_PARM_DESC(closed_timeout_ms, "idle timeout of closed flows (FIN both ways or RST; default 10000)");

static int set_interval(const char *val, const struct kernel_param *kp)
{
	/* 0 (off) or 100 ms .. 1 hour */
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (v && (v < 100 || v > 3600000))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops interval_ops = {
	.set = set_interval,
	.get = param_get_uint,
};

unsigned int crosslat_rtt_stats_interval_ms = 1000;
module_param_cb(stats_interval_ms, &interval_ops, &crosslat_rtt_stats_interval_ms, 0644);
MODULE_PARM_DESC(stats_interval_ms, "period of crosslat_rtt_flow_stats for active flows, 0 (off) or 100..3600000 (default 1000)");

unsigned int crosslat_rtt_alert_interval_ms = 1000;
module_param_cb(alert_interval_ms, &interval_ops, &crosslat_rtt_alert_interval_ms, 0644);
MODULE_PARM_DESC(alert_interval_ms, "at most one crosslat_rtt_alert per flow per interval, 0 (no limit) or 100..3600000 (default 1000)");

static int set_sample_every(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, 1000000);
}

static const struct kernel_param_ops sample_every_ops = {
	.set = set_sample_every,
	.get = param_get_uint,
};

unsigned int crosslat_rtt_sample_every;
module_param_cb(sample_every, &sample_every_ops, &crosslat_rtt_sample_every, 0644);
MODULE_PARM_DESC(sample_every, "emit crosslat_rtt_sample for one RTT sample in N per flow, 0 = off (default), up to 1000000");

struct crosslat_flow_table *crosslat_rtt_flows;
struct rtt_counters __percpu *crosslat_rtt_counters;

static int __init crosslat_rtt_init(void)
{
	struct crosslat_flow_table_params p = {
		.name = "rtt",
		.value_size = sizeof(struct rtt_flow_val),
		.max_entries = max_flows,
		.idle_timeout_ns = (u64)idle_timeout_ms * NSEC_PER_MSEC,
		.done_timeout_ns = (u64)closed_timeout_ms * NSEC_PER_MSEC,
		.gc_interval_ms = 1000,
		.on_evict = rtt_on_evict,
	};
	int err;

	if (!max_flows || max_flows > (1U << 22) || !idle_timeout_ms || !closed_timeout_ms) {
		pr_err("max_flows must be 1..4194304 and the timeouts non-zero\n");
		return -EINVAL;
	}
	crosslat_rtt_counters = alloc_percpu(struct rtt_counters);
	if (!crosslat_rtt_counters)
		return -ENOMEM;
	crosslat_rtt_flows = crosslat_flow_table_create(&p);
	if (IS_ERR(crosslat_rtt_flows)) {
		err = PTR_ERR(crosslat_rtt_flows);
		goto err_counters;
	}
	err = rtt_arm_init();
	if (err)
		goto err_table;
	err = rtt_netlink_init();
	if (err)
		goto err_arm;
	err = rtt_arm_netlink_init();
	if (err)
		goto err_netlink;
	err = rtt_hooks_init();
	if (err)
		goto err_arm_netlink;
	rtt_reports_start();
	pr_info("tracking up to %u flows (%zu bytes of state each)\n", max_flows,
		sizeof(struct crosslat_flow) + sizeof(struct rtt_flow_val));
	return 0;

err_arm_netlink:
	rtt_arm_netlink_exit();
err_netlink:
	rtt_netlink_exit();
err_arm:
	rtt_arm_exit();
err_table:
	crosslat_flow_table_destroy(crosslat_rtt_flows);
err_counters:
	free_percpu(crosslat_rtt_counters);
	return err;
}

static void __exit crosslat_rtt_exit(void)
{
	/* No new packets, then no periodic reports, then no netlink users. */
	rtt_hooks_exit();
	rtt_reports_stop();
	rtt_arm_netlink_exit();
	rtt_netlink_exit();
	/* No more arming: the probes go before the table they look flows up in. */
	rtt_arm_exit();
	/* Final reports of the remaining flows go out from here (rtt_on_evict). */
	crosslat_flow_table_destroy(crosslat_rtt_flows);
	rtt_thresh_exit();
	free_percpu(crosslat_rtt_counters);
}

module_init(crosslat_rtt_init);
module_exit(crosslat_rtt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: per-flow TCP RTT monitor in every network namespace");
