/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared declarations of crosslat_req.ko: the task filter, the probes, the counters. */
#ifndef _CROSSLAT_REQ_H
#define _CROSSLAT_REQ_H

#include <linux/percpu.h>
#include <linux/types.h>

struct sock;
struct task_struct;

#define REQ_CGROUPS_MAX	16
#define REQ_PIDS_MAX	64

/* One socket event as both tracers record it (crosslat_req_trace.h). */
struct req_sock_ev {
	s32 tid;
	s32 pid;
	u32 netns;
	u8 family;		/* 4 (also v4-mapped IPv6) or 6 */
	u8 laddr[16];		/* IPv4 in the first 4 bytes, the rest 0 */
	u8 raddr[16];
	u16 lport;		/* host order */
	u16 rport;
	u32 seq;
	u32 bytes;
};

struct req_counters {
	u64 events;		/* events emitted */
	u64 filtered_out;	/* probe hits of tasks outside a set filter */
	u64 pids_full;		/* forked processes not followed: pid set full */
	u64 pids_nomem;		/* forked processes not followed: no memory */
	u64 not_inet;		/* socket probe hits on a non-IPv4/IPv6 socket */
};

extern struct req_counters __percpu *req_counters;

#define req_count(field) this_cpu_inc(req_counters->field)

/* filter.c: true when current is selected; counts filtered_out. Any context. */
bool req_current_match(void);
/* True when tgid is in the pid set (callers in atomic context). */
bool req_pid_listed(pid_t tgid);
/* Adds tgid to the pid set from atomic context; counts pids_full or pids_nomem. */
void req_pid_follow(pid_t tgid);
void req_filter_exit(void);

/* kp_tcp.c */
int req_kp_tcp_register(void);
void req_kp_tcp_unregister(void);
unsigned long req_kp_tcp_missed(void);

/* tp_sched.c */
int req_tp_sched_register(void);
void req_tp_sched_unregister(void);

#endif /* _CROSSLAT_REQ_H */
