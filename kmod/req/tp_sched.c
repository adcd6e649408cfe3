// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thread lifetimes of selected tasks: probes on the core tracepoints sched_process_fork
 * (a selected parent's new thread or process; a listed process's child process joins the
 * pid set) and sched_process_exit, found by name through crosslat.ko (kernel_tp.h).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include "engine/kernel_tp.h"
#include "req.h"
#include "crosslat_req_trace.h"

static void fork_probe(void *data, struct task_struct *parent, struct task_struct *child)
{
	if (!req_current_match())
		return;
	req_count(events);
	trace_crosslat_req_fork(parent, child);
	if (child->tgid != parent->tgid && req_pid_listed(parent->tgid))
		req_pid_follow(child->tgid);
}

static void exit_probe(void *data, struct task_struct *p)
{
	if (!req_current_match())
		return;
	req_count(events);
	trace_crosslat_req_exit(p);
}

static struct crosslat_kernel_tp sched_tps[] = {
	{ "sched_process_fork", fork_probe },
	{ "sched_process_exit", exit_probe },
};

int req_tp_sched_register(void)
{
	return crosslat_kernel_tp_register(sched_tps, ARRAY_SIZE(sched_tps));
}

void req_tp_sched_unregister(void)
{
	crosslat_kernel_tp_unregister(sched_tps, ARRAY_SIZE(sched_tps));
}
