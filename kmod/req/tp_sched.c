// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thread lifetimes of selected tasks: probes on the core tracepoints sched_process_fork
 * (a selected parent's new thread or process; a listed process's child process joins the
 * pid set) and sched_process_exit. Neither tracepoint is exported to modules: both are
 * found by name.
 */
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
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

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
} sched_tps[] = {
	{ "sched_process_fork", fork_probe },
	{ "sched_process_exit", exit_probe },
};

static void tp_lookup(struct tracepoint *tp, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sched_tps); i++)
		if (!strcmp(tp->name, sched_tps[i].name))
			sched_tps[i].tp = tp;
}

int req_tp_sched_register(void)
{
	unsigned int i;
	int err = 0;

	for_each_kernel_tracepoint(tp_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(sched_tps) && !err; i++)
		err = sched_tps[i].tp ?
		      tracepoint_probe_register(sched_tps[i].tp, sched_tps[i].probe, NULL) :
		      -ENOENT;
	if (!err)
		return 0;
	pr_err("cannot attach to %s: %d\n", sched_tps[i - 1].name, err);
	for (i--; i-- > 0;)
		tracepoint_probe_unregister(sched_tps[i].tp, sched_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
	return err;
}

void req_tp_sched_unregister(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(sched_tps); i-- > 0;)
		tracepoint_probe_unregister(sched_tps[i].tp, sched_tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
}
