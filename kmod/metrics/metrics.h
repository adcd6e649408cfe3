/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crosslat_metrics.ko internals: the per-cgroup table (configuration and per-CPU
 * histograms), the tables of pending measurements, the probes of each metric, armed while
 * some cgroup enables it.
 */
#ifndef _CROSSLAT_METRICS_H
#define _CROSSLAT_METRICS_H

#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <uapi/linux/crosslat.h>
#include <uapi/linux/crosslat_metrics.h>
#include "core/log2_hist.h"
#include "core/metrics_conf.h"

struct sock;
struct task_struct;

/* One cgroup's share on one CPU: written by the probes on that CPU only. */
struct metrics_pcpu {
	u32 tick[__CROSSLAT_METRIC_MAX];	/* sampling counters */
	u64 events[__CROSSLAT_METRIC_MAX];	/* events seen, sampled or not */
	u64 drops[__CROSSLAT_METRIC_MAX];	/* measurements lost (pending tables) */
	struct crosslat_log2_hist hist[__CROSSLAT_METRICS_HIST_MAX];
};

/*
 * A configured cgroup. Found by the probes under RCU by id; mask and every change in place
 * (READ_ONCE), under metrics_conf_mutex; freed after a grace period.
 */
struct metrics_cg {
	struct rhash_head node;
	u64 id;			/* cgroup v2 id */
	u32 mask;		/* CROSSLAT_METRIC_* bits */
	u32 every;		/* sample one event in every */
	struct metrics_pcpu __percpu *pcpu;
	struct list_head list;	/* metrics_cg_list, under metrics_conf_mutex */
	struct rcu_head rcu;
};

/* Counters (enum crosslat_stat from CROSSLAT_STAT_METRICS_EVENTS on), per CPU. */
#define METRICS_CNT_FIRST	CROSSLAT_STAT_METRICS_EVENTS
#define METRICS_CNT_NR		(CROSSLAT_STAT_METRICS_CGROUPS_FULL - METRICS_CNT_FIRST + 1)
struct metrics_counters {
	u64 v[METRICS_CNT_NR];
};
extern struct metrics_counters __percpu *metrics_counters;

static inline void metrics_count(enum crosslat_stat s)
{
	this_cpu_inc(metrics_counters->v[s - METRICS_CNT_FIRST]);
}

/* main.c: module parameters. */
extern unsigned int metrics_max_cgroups, metrics_task_slots, metrics_fault_maxactive;
extern unsigned int metrics_blkio_slots, metrics_dns_slots;

/* table.c: the configured cgroups. */
int metrics_table_init(void);
void metrics_table_exit(void);
/* Under rcu_read_lock() (or preemption disabled): the cgroup's entry, or NULL. */
struct metrics_cg *metrics_cg_lookup(u64 id);
/* The entry of task p's default-hierarchy cgroup; same context. */
struct metrics_cg *metrics_cg_of(struct task_struct *p);
/* The entry of the cgroup of full socket sk (its creator's); same context. */
struct metrics_cg *metrics_cg_of_sk(const struct sock *sk);
/*
 * Replaces cgroup id's configuration (mask 0: removes it), arming and disarming probes.
 * Sleeps. -ENOSPC past max_cgroups, -ENOMEM, or a probe's registration error (the old
 * configuration is then kept).
 */
int metrics_cg_set(u64 id, u32 mask, u32 every);
unsigned int metrics_cg_count(void);
/*
 * Calls fn for each configured cgroup from the skip-th on, under the configuration lock,
 * until fn returns non-zero; returns that value, or 0.
 */
int metrics_cg_for_each(unsigned long skip, int (*fn)(const struct metrics_cg *cg, void *arg),
			void *arg);

/*
 * The sampling decision of an event of metric m of cgroup cg, on this CPU (preemption
 * disabled): counts the event, true if it is to be measured.
 */
static inline bool metrics_sample(struct metrics_cg *cg, unsigned int m)
{
	struct metrics_pcpu *pc = this_cpu_ptr(cg->pcpu);
	u32 every = READ_ONCE(cg->every);

	pc->events[m]++;
	metrics_count(CROSSLAT_STAT_METRICS_EVENTS);
	if (crosslat_metrics_sampled(++pc->tick[m], every))
		return true;
	metrics_count(CROSSLAT_STAT_METRICS_SAMPLED_OUT);
	return false;
}

/* Counts a lost measurement of metric m for cg on this CPU (preemption disabled). */
static inline void metrics_drop(struct metrics_cg *cg, unsigned int m)
{
	this_cpu_ptr(cg->pcpu)->drops[m]++;
}

/* Adds value to histogram h of cg on this CPU (preemption disabled). */
static inline void metrics_record(struct metrics_cg *cg, unsigned int h, u64 value)
{
	crosslat_log2_hist_add(&this_cpu_ptr(cg->pcpu)->hist[h], value);
	metrics_count(CROSSLAT_STAT_METRICS_RECORDED);
}

/*
 * pending.c: measurements begun and not yet ended (a bio in flight, a DNS query awaiting
 * its answer), by a non-zero 64-bit key, in a fixed number of 4-way buckets. Any context,
 * interrupts included.
 */
struct metrics_pending_entry {
	u64 key;		/* 0: free */
	u64 cg_id;		/* cgroup v2 id that measures it */
	u64 start_ns;		/* the probe's clock (ktime_get_ns()) */
	u32 aux;		/* the probe's own (bio size and direction) */
};

struct metrics_pending;

/*
 * A table of at least slots entries (rounded up to a power of two, at least 64) whose
 * entries may be pushed out after timeout_ns; metric m's drops count what it loses.
 * ERR_PTR(-ENOMEM).
 */
struct metrics_pending *metrics_pending_create(unsigned int slots, u64 timeout_ns,
					       unsigned int m);
void metrics_pending_destroy(struct metrics_pending *t);
/* Empties the table; only while no probe uses it. */
void metrics_pending_clear(struct metrics_pending *t);
/*
 * Adds e (e->key non-zero) for cgroup cg, under rcu_read_lock() with preemption disabled.
 * An entry with the same key is replaced when replace is set or it is past the timeout (its
 * end was missed), kept otherwise (e resends it). With every entry of its bucket taken,
 * the oldest one past the timeout gives way; without one, e is dropped. Either loss counts
 * as a drop of its cgroup.
 */
void metrics_pending_add(struct metrics_pending *t, struct metrics_cg *cg,
			 const struct metrics_pending_entry *e, bool replace);
/* Removes the entry of key into *e: true if there was one. Any context. */
bool metrics_pending_take(struct metrics_pending *t, u64 key, struct metrics_pending_entry *e);

/* arm.c: each metric's probes, registered while at least one cgroup enables it. */
int metrics_arm_get(unsigned int metric);	/* first user registers; sleeps */
void metrics_arm_put(unsigned int metric);	/* last user unregisters; sleeps */
unsigned int metrics_arm_probes(void);		/* probes registered now */
/* Cgroups that enable each metric (READ_ONCE from a probe: a hint, 0 skips its work). */
extern unsigned int metrics_metric_users[__CROSSLAT_METRIC_MAX];
/* When each metric last went from no cgroup to one (local_clock()). */
extern u64 metrics_metric_since[__CROSSLAT_METRIC_MAX];

/* tp_sched.c: runqueue latency and on/off-CPU time (sched tracepoints). */
int metrics_sched_init(void);
void metrics_sched_exit(void);
int metrics_sched_register(void);
void metrics_sched_unregister(void);
extern const unsigned int metrics_sched_nr_probes;

/* bench.c (CONFIG_CROSSLAT_BENCH=y): the probes' microbenchmark, in debugfs. */
#ifdef CROSSLAT_METRICS_BENCH
struct metrics_sched_probes {
	void (*sw)(void *data, bool preempt, struct task_struct *prev,
		   struct task_struct *next, unsigned int prev_state);
	void (*wakeup)(void *data, struct task_struct *p);
};
void metrics_sched_probes_get(struct metrics_sched_probes *p);
void metrics_bench_init(void);
void metrics_bench_exit(void);
#else
static inline void metrics_bench_init(void) {}
static inline void metrics_bench_exit(void) {}
#endif

/* kp_fault.c: page faults (a kretprobe on handle_mm_fault). */
int metrics_fault_register(void);
void metrics_fault_unregister(void);
u64 metrics_fault_missed(void);

/* tp_tcp.c: TCP retransmissions (tcp:tcp_retransmit_skb, tcp:tcp_retransmit_synack). */
int metrics_tcp_register(void);
void metrics_tcp_unregister(void);
extern const unsigned int metrics_tcp_nr_probes;

/* tp_block.c: block I/O latency and size (block tracepoints). */
int metrics_block_init(void);
void metrics_block_exit(void);
int metrics_block_register(void);
void metrics_block_unregister(void);
extern const unsigned int metrics_block_nr_probes;

/* nf_dns.c: DNS latency (netfilter hooks in every network namespace). */
int metrics_dns_init(void);
void metrics_dns_exit(void);
int metrics_dns_register(void);
void metrics_dns_unregister(void);
extern const unsigned int metrics_dns_nr_probes;

/* report.c: the periodic crosslat_metrics_hist events (hist_interval_ms). */
void metrics_report_start(void);
void metrics_report_stop(void);	/* sleeps; no event after it returns */

/* netlink.c: commands and counters in the crosslat family. */
int metrics_netlink_init(void);
void metrics_netlink_exit(void);

#endif /* _CROSSLAT_METRICS_H */
