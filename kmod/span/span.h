/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslat_span.ko internals: the threads in a span, their accounting, the probes. */
#ifndef _CROSSLAT_SPAN_H
#define _CROSSLAT_SPAN_H

#include <linux/hash.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <uapi/linux/crosslat.h>
#include <uapi/linux/crosslat_span.h>

/* System calls listed per span (the longest ones are kept); stack depth recorded. */
#define SPAN_RECORDS		32
#define SPAN_STACK_DEPTH	16

/* The probes' first check: a thread whose tid hashes to a zero slot is in no span. */
#define SPAN_HINT_BITS		14

/* One system call inside a span. */
struct span_syscall {
	u64 start_ns;
	u64 duration_ns;
	u64 offcpu_ns;		/* blocked or waiting for a CPU during the call */
	u64 arg;		/* first argument: the fd of read/write/fsync/..., else as is */
	s64 ret;
	u32 nr;
};

/*
 * The longest block of the span: the kernel stack, unwound when the block ends and turns
 * out to be the longest so far (the sleeping thread's stack is still as it blocked); the
 * user stack, read at the exit of the system call it blocked in.
 */
struct span_stack {
	u64 start_ns;
	u64 blocked_ns;		/* how long it stayed off the CPU */
	s32 syscall_nr;		/* the call in progress, -1 if none */
	u8 n_kernel, n_user;
	u64 kernel[SPAN_STACK_DEPTH];
	u64 user[SPAN_STACK_DEPTH];
};

enum span_cpu_state {
	SPAN_RUNNING,		/* on a CPU */
	SPAN_RUNNABLE,		/* woken or preempted, waiting in a runqueue */
	SPAN_BLOCKED,		/* sleeping */
};

/* Where a thread's entry is between and during its spans. */
enum span_phase {
	SPAN_IDLE,		/* between spans: the next begin reuses the entry */
	SPAN_ACTIVE,		/* in a span: the probes account to it */
	SPAN_ENDING,		/* ended, its events being emitted: a begin gets -EBUSY */
	SPAN_GONE,		/* out of the table (thread exit, reclaim, last close) */
};

struct span_proc;

/*
 * A thread that uses spans: its entry is allocated at its first span (ioctl) and reused by
 * the next ones, so a span's begin and end allocate nothing and leave the table as it is.
 * It leaves the table when the thread exits, when its process needs room for another
 * thread's entry (an idle one is reclaimed), or when the device's last user closes it; it
 * is freed after an RCU grace period. Found by the probes under RCU by tid. The fields from
 * lock on are under it (raw, irq-safe: sched_wakeup may come from interrupts); the thread's
 * own system call fields are also written by the thread alone.
 */
struct span_thread {
	struct hlist_node node;	/* in the table's bucket of hash(tid) */
	u32 tid;		/* global (init namespace) tid */
	struct rcu_head rcu;
	struct span_proc *proc;
	struct list_head proc_node;	/* in proc->threads, under span_lock */

	raw_spinlock_t lock;
	u8 phase;		/* enum span_phase */

	/* reset when a span begins (span_reset): the fields of reset */
	struct_group(reset,
		struct crosslat_span_begin id;	/* trace, span, parent ids, name, service */
		pid_t pid, vtid;	/* as the process sees them */
		u64 start_ns;
		u64 threshold_ns;
		u8 state;		/* enum span_cpu_state */
		bool preempted;		/* runnable because it was preempted, not woken */
		u64 last_ns;		/* last state change */
		u64 oncpu_ns, blocked_ns, runq_ns, preempt_ns;
		u32 blocks, preemptions, wakeups;
		/*
		 * runqueue wait of the thread since its previous span ended (U64_MAX: unknown):
		 * e.g. a server thread woken by the request's arrival, waiting for a CPU before
		 * it could read the request and begin the span
		 */
		u64 pre_runq_ns;
		u64 begin_run_delay;	/* sched_info.run_delay at begin; U64_MAX: none */

		/* the system call in progress (nr -1: none) */
		s32 cur_nr;
		u64 cur_start_ns, cur_arg, cur_offcpu_ns;
		u32 syscalls, unrecorded, n_rec;
		u8 rec_min;		/* once rec is full, its shortest call */
		u64 syscall_ns;

		/* the block in progress (BLOCKED) */
		u64 block_start_ns;
		s32 block_nr;		/* the system call it is in, -1 if none */
		bool has_longest;	/* longest is set */
		bool need_user;		/* longest's user stack is due at its call's exit */
	);

	/* not reset: rec[n_rec...] and longest (before has_longest) are written before read */
	struct span_syscall rec[SPAN_RECORDS];
	struct span_stack longest;
};

/* Processes with thread entries, for the per-process limit. */
struct span_proc {
	struct hlist_node node;
	pid_t tgid;		/* global */
	unsigned int threads;	/* entries in the list below */
	struct list_head list;
};

/* Counters (enum crosslat_stat from CROSSLAT_STAT_SPAN_BEGUN on), per CPU. */
#define SPAN_CNT_FIRST	CROSSLAT_STAT_SPAN_BEGUN
#define SPAN_CNT_NR	(CROSSLAT_STAT_SPAN_HINT_MISSES - SPAN_CNT_FIRST + 1)
struct span_counters {
	u64 v[SPAN_CNT_NR];
};
extern struct span_counters __percpu *span_counters;

static inline void span_count_add(enum crosslat_stat s, u64 n)
{
	this_cpu_add(span_counters->v[s - SPAN_CNT_FIRST], n);
}

static inline void span_count(enum crosslat_stat s)
{
	span_count_add(s, 1);
}

/* main.c: configuration. */
extern unsigned int span_max_spans, span_max_per_process;
u64 span_threshold_for(const char *service);
bool span_syscall_recorded(long nr);

/* table.c: the threads that use spans. */
extern atomic_t span_hint[1 << SPAN_HINT_BITS];

/* The probes' first check: false for a thread in no span (one load). */
static inline bool span_hint_test(u32 tid)
{
	return atomic_read(&span_hint[hash_32(tid, SPAN_HINT_BITS)]) != 0;
}

int span_table_init(void);
void span_table_exit(void);
struct span_thread *span_lookup(u32 tid);	/* under rcu_read_lock() */
/*
 * Begins the span described by b, threshold_ns, for thread tid of process tgid (global
 * ids; vtid as the process sees it): 0, -EBUSY if the thread is in a span, -EDQUOT or
 * -ENOSPC past the per-process or global limit, -ENOMEM.
 */
int span_start(const struct crosslat_span_begin *b, u32 tid, pid_t tgid, pid_t vtid,
	       u64 threshold_ns, bool running);
/* Moves st from ACTIVE to ENDING (under st->lock): the thread is in no span any more. */
void span_stop(struct span_thread *st);
/* Moves st from ENDING back to IDLE, its span's events emitted. */
void span_idle(struct span_thread *st);
/* The thread of st exits: its entry leaves the table. */
void span_thread_exit(struct span_thread *st);
void span_abandon_all(void);
unsigned int span_active(void);

/* probes.c: tracepoint probes, registered while the device is open. */
int span_probes_register(void);
void span_probes_unregister(void);
bool span_probes_registered(void);
/* Closes the accounting of st at now (the thread's state interval in progress). */
void span_account_close(struct span_thread *st, u64 now, bool caller_is_thread);

/* annotate.c: the events of an ended span that crossed its threshold. */
void span_annotate(const struct span_thread *st, u64 end_ns, u32 status);

/* dev.c: /dev/crosslat_span. */
int span_dev_init(void);
void span_dev_exit(void);

/* netlink.c: counters and per-service thresholds in the crosslat family. */
int span_netlink_init(void);
void span_netlink_exit(void);

#endif /* _CROSSLAT_SPAN_H */
