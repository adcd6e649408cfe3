// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page faults from a kretprobe on handle_mm_fault(), the function that also does the
 * task's own accounting (mm_account_fault): a fault that completed (neither VM_FAULT_ERROR
 * nor VM_FAULT_RETRY) is major when it returned VM_FAULT_MAJOR or was itself a retry
 * (FAULT_FLAG_TRIED), minor otherwise, exactly as min_flt/maj_flt in /proc/PID/stat count
 * them, kernel-mode faults on user memory and get_user_pages() ones included. (The x86
 * page_fault_user tracepoint fires before the outcome is known; perf's software fault
 * events skip get_user_pages() faults.)
 *
 * The entry handler does the cgroup check and the 1-in-N decision: a fault not measured
 * leaves no return probe behind. The value is the duration of the completing call
 * (local_clock(): a fault that slept may end on another CPU, a few us apart at most).
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include "metrics.h"

struct fault_data {
	u64 start_ns;
	unsigned int flags;	/* handle_mm_fault's FAULT_FLAG_* */
};

static struct kretprobe fault_krp;
static u64 missed_before;	/* nmissed of earlier registrations */

static int fault_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fault_data *d = (struct fault_data *)ri->data;
	struct metrics_cg *cg;
	int skip = 1;

	rcu_read_lock();
	cg = metrics_cg_of(current);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_FAULTS)) &&
	    metrics_sample(cg, CROSSLAT_METRIC_FAULTS)) {
		/* handle_mm_fault(vma, address, flags, regs) */
		d->flags = regs_get_kernel_argument(regs, 2);
		d->start_ns = local_clock();
		skip = 0;
	}
	rcu_read_unlock();
	return skip;
}

static int fault_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct fault_data *d = (const struct fault_data *)ri->data;
	vm_fault_t ret = (__force vm_fault_t)regs_return_value(regs);
	u64 now = local_clock();
	struct metrics_cg *cg;
	unsigned int h;

	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return 0;
	h = (ret & VM_FAULT_MAJOR) || (d->flags & FAULT_FLAG_TRIED) ?
		CROSSLAT_METRICS_HIST_FAULT_MAJOR : CROSSLAT_METRICS_HIST_FAULT_MINOR;
	rcu_read_lock();
	cg = metrics_cg_of(current);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_FAULTS)))
		metrics_record(cg, h, now > d->start_ns ? now - d->start_ns : 0);
	rcu_read_unlock();
	return 0;
}

int metrics_fault_register(void)
{
	memset(&fault_krp, 0, sizeof(fault_krp));
	fault_krp.kp.symbol_name = "handle_mm_fault";
	fault_krp.entry_handler = fault_entry;
	fault_krp.handler = fault_return;
	fault_krp.data_size = sizeof(struct fault_data);
	/* a fault may sleep (I/O): room for many in flight */
	fault_krp.maxactive = metrics_fault_maxactive;
	return register_kretprobe(&fault_krp);
}

void metrics_fault_unregister(void)
{
	unregister_kretprobe(&fault_krp);
	missed_before += fault_krp.nmissed;
	fault_krp.nmissed = 0;
}

u64 metrics_fault_missed(void)
{
	return READ_ONCE(missed_before) + READ_ONCE(fault_krp.nmissed);
}
