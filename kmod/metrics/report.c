// SPDX-License-Identifier: GPL-2.0-only
/*
 * The periodic crosslat_metrics_hist events: every hist_interval_ms, each configured
 * cgroup's histograms of its enabled metrics (every CPU's merged, empty ones left out), so
 * an LTTng session holds the metrics over time beside the rest of the trace. Nothing is
 * merged while the tracepoint has no probe attached.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include "metrics.h"
#include "crosslat_metrics_trace.h"

#define HIST_INTERVAL_MIN_MS	10
#define HIST_INTERVAL_MAX_MS	3600000

static unsigned int hist_interval_ms = 1000;
static bool report_running;	/* between start and stop; under the parameters' lock */
static struct crosslat_log2_hist report_scratch;	/* only the report work uses it */

static void report_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(report_work, report_fn);

static int report_cg(const struct metrics_cg *cg, void *arg)
{
	u32 mask = READ_ONCE(cg->mask), every = READ_ONCE(cg->every);
	u64 events[__CROSSLAT_METRIC_MAX] = { 0 }, drops[__CROSSLAT_METRIC_MAX] = { 0 };
	unsigned int cpu, h, m;

	for_each_possible_cpu(cpu) {
		const struct metrics_pcpu *pc = per_cpu_ptr(cg->pcpu, cpu);

		for (m = 0; m < __CROSSLAT_METRIC_MAX; m++) {
			events[m] += pc->events[m];
			drops[m] += pc->drops[m];
		}
	}
	for (h = 0; h < __CROSSLAT_METRICS_HIST_MAX; h++) {
		m = crosslat_metrics_hist_metric(h);
		if (!(mask & (1u << m)))
			continue;
		crosslat_log2_hist_init(&report_scratch);
		for_each_possible_cpu(cpu)
			crosslat_log2_hist_merge(&report_scratch, &per_cpu_ptr(cg->pcpu, cpu)->hist[h]);
		if (report_scratch.count)
			trace_crosslat_metrics_hist(cg->id, h, crosslat_metrics_hist_name(h), every,
						    events[m], drops[m], &report_scratch);
	}
	return 0;
}

static void report_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(hist_interval_ms);

	if (trace_crosslat_metrics_hist_enabled())
		metrics_cg_for_each(0, report_cg, NULL);
	if (ms)
		schedule_delayed_work(&report_work, msecs_to_jiffies(ms));
}

/* 0 (off) or 10 ms to an hour; a change takes effect at once. */
static int interval_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int err = kstrtouint(val, 0, &ms);

	if (err)
		return err;
	if (ms && (ms < HIST_INTERVAL_MIN_MS || ms > HIST_INTERVAL_MAX_MS))
		return -EINVAL;
	WRITE_ONCE(hist_interval_ms, ms);
	if (ms && report_running)	/* not at load, before the table exists */
		mod_delayed_work(system_wq, &report_work, msecs_to_jiffies(ms));
	return 0;
}

static const struct kernel_param_ops interval_ops = {
	.set = interval_set,
	.get = param_get_uint,
};
module_param_cb(hist_interval_ms, &interval_ops, &hist_interval_ms, 0644);
MODULE_PARM_DESC(hist_interval_ms, "period of the crosslat_metrics_hist events, ms (default 1000; 10 to 3600000, 0: none)");

void metrics_report_start(void)
{
	unsigned int ms;

	kernel_param_lock(THIS_MODULE);
	report_running = true;
	ms = hist_interval_ms;
	if (ms)
		schedule_delayed_work(&report_work, msecs_to_jiffies(ms));
	kernel_param_unlock(THIS_MODULE);
}

void metrics_report_stop(void)
{
	/* no parameter write re-arms the work once this is set */
	kernel_param_lock(THIS_MODULE);
	report_running = false;
	kernel_param_unlock(THIS_MODULE);
	cancel_delayed_work_sync(&report_work);
}
