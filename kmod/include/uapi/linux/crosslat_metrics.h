/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * crosslat_metrics.ko: per-cgroup kernel metrics as log2 histograms, the attributes of
 * CROSSLAT_A_METRICS in the "crosslat" generic netlink family (linux/crosslat.h).
 *
 * A cgroup is named by its cgroup v2 id: the inode number of its directory under the
 * cgroup2 mount (`stat -c %i /sys/fs/cgroup/PATH`), the id bpf_get_current_cgroup_id()
 * returns. A task counts for the cgroup it is in itself, not for the cgroup's ancestors.
 *
 * CROSSLAT_CMD_METRICS_SET: CGROUP_ID (required, an existing cgroup: else -ENOENT), MASK
 * (required, CROSSLAT_METRIC_* bits; 0 removes the cgroup's configuration and histograms),
 * SAMPLE_EVERY (1 .. CROSSLAT_METRICS_SAMPLE_MAX, default 1: every event; N: one event in N
 * on each CPU is measured). Histograms of metrics that stay enabled are kept; -ENOSPC past
 * the module's max_cgroups. Malformed requests: -EINVAL with an extack message.
 *
 * CROSSLAT_CMD_METRICS_GET dump messages: CGROUP_ID, MASK, SAMPLE_EVERY, EVENTS, DROPS, then
 * one HIST nest (CROSSLAT_METRICS_HIST_A_*) per histogram of an enabled metric.
 */
#ifndef _UAPI_LINUX_CROSSLAT_METRICS_H
#define _UAPI_LINUX_CROSSLAT_METRICS_H

/* What a cgroup enables: bit (1 << CROSSLAT_METRIC_x) of CROSSLAT_METRICS_A_MASK. */
enum crosslat_metric {
	CROSSLAT_METRIC_RUNQ,		/* runqueue latency (histogram RUNQ) */
	CROSSLAT_METRIC_FAULTS,		/* page faults (histograms FAULT_MINOR, FAULT_MAJOR) */
	CROSSLAT_METRIC_TCP_RETRANS,	/* TCP retransmissions (TCP_RETRANS, TCP_SYNACK_RETRANS) */
	CROSSLAT_METRIC_BLKIO,		/* block I/O (BLKIO_READ, BLKIO_WRITE, BLKIO_BYTES) */
	CROSSLAT_METRIC_DNS,		/* DNS latency (histogram DNS) */
	CROSSLAT_METRIC_CPU,		/* on- and off-CPU time (histograms ONCPU, OFFCPU) */
	__CROSSLAT_METRIC_MAX
};
#define CROSSLAT_METRICS_ALL	((1u << __CROSSLAT_METRIC_MAX) - 1)

/* Largest SAMPLE_EVERY. */
#define CROSSLAT_METRICS_SAMPLE_MAX	1000000

/* The histograms; values in ns but for BLKIO_BYTES (bytes). */
enum crosslat_metrics_hist {
	/*
	 * From a task's wakeup (sched_wakeup, sched_wakeup_new) or its preemption (switched out
	 * while runnable) to its next switch in: the time it waited in a runqueue.
	 */
	CROSSLAT_METRICS_HIST_RUNQ,
	/*
	 * Page faults the task's own min_flt/maj_flt count (/proc/PID/stat): each completed
	 * handle_mm_fault() (not failed, not to be retried), major when it did I/O or was a
	 * retry; the value is the duration of that last call.
	 */
	CROSSLAT_METRICS_HIST_FAULT_MINOR,
	CROSSLAT_METRICS_HIST_FAULT_MAJOR,
	/*
	 * TCP segments the cgroup's sockets retransmitted (tcp:tcp_retransmit_skb: sent
	 * without error, as nstat's TcpRetransSegs counts them but for failed sends and
	 * SYN-ACKs of request sockets), attributed to the cgroup of the socket's creator;
	 * the value of each is its flow's smoothed RTT at the time.
	 */
	CROSSLAT_METRICS_HIST_TCP_RETRANS,
	/*
	 * Block I/O of the cgroup's tasks: each read or write bio from its submission
	 * (block:block_bio_queue, in the submitting task; a kernel thread's bio counts for the
	 * cgroup of its blkcg, as writeback's does) to the completion of the request that
	 * carried it (block:block_rq_complete) or, on a bio-based device (device mapper), of
	 * the bio itself (block:block_bio_complete). Each layer of a stacked device counts.
	 */
	CROSSLAT_METRICS_HIST_BLKIO_READ,
	CROSSLAT_METRICS_HIST_BLKIO_WRITE,
	CROSSLAT_METRICS_HIST_BLKIO_BYTES,	/* the size of each of them, in bytes */
	/*
	 * DNS over UDP: from a query leaving a socket of the cgroup (netfilter LOCAL_OUT,
	 * UDP to port 53, QR 0) to the arrival of its answer (LOCAL_IN, UDP from port 53, QR
	 * 1, the same network namespace, client address, port and DNS id), IPv4 and IPv6. A
	 * query sent again before its answer keeps its first time.
	 */
	CROSSLAT_METRICS_HIST_DNS,
	/*
	 * Each stretch a task of the cgroup ran on a CPU, from sched_switch putting it on to
	 * sched_switch taking it off: their sum is the task's CPU time as the scheduler
	 * accounts it (/proc/PID/schedstat, first field).
	 */
	CROSSLAT_METRICS_HIST_ONCPU,
	/*
	 * Each time a task of the cgroup blocked (sched_switch took it off a CPU not runnable:
	 * a sleep, I/O, a lock), from then to its next switch in, its runqueue wait after the
	 * wakeup included. Preemptions are not off-CPU time here: they are RUNQ's.
	 */
	CROSSLAT_METRICS_HIST_OFFCPU,
	/*
	 * SYN-ACKs the cgroup's listening sockets retransmitted (tcp:tcp_retransmit_synack:
	 * on the request's timer or a SYN received again; sent without error, as nstat's
	 * TcpExtTCPSynRetrans counts them but for the SYNs of connecting sockets), attributed
	 * to the cgroup of the listener; the value of each is the time since the request's
	 * first SYN-ACK.
	 */
	CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS,
	__CROSSLAT_METRICS_HIST_MAX
};

enum crosslat_metrics_attr {
	CROSSLAT_METRICS_A_UNSPEC,
	CROSSLAT_METRICS_A_PAD,
	CROSSLAT_METRICS_A_CGROUP_ID,	/* u64 */
	CROSSLAT_METRICS_A_MASK,	/* u32: CROSSLAT_METRIC_* bits */
	CROSSLAT_METRICS_A_SAMPLE_EVERY,	/* u32 */
	CROSSLAT_METRICS_A_HIST,	/* nested: CROSSLAT_METRICS_HIST_A_* (dumps only) */
	/*
	 * binary: u64 per enum crosslat_metric, host order: the cgroup's events seen,
	 * measured or sampled out (runqueue: wakeups and preemptions; faults:
	 * handle_mm_fault calls; block I/O: read and write bios; DNS: queries; CPU: switches
	 * in and blocking switches out) (dumps only)
	 */
	CROSSLAT_METRICS_A_EVENTS,
	/*
	 * binary: u64 per enum crosslat_metric, host order: the cgroup's measurements lost
	 * (block I/O, DNS): a start that found no room in the module's table of pending ones
	 * (blkio_slots, dns_slots), or was pushed out of it after waiting longer than its
	 * timeout (a completion or answer never seen) (dumps only)
	 */
	CROSSLAT_METRICS_A_DROPS,
	__CROSSLAT_METRICS_A_MAX
};
#define CROSSLAT_METRICS_A_MAX (__CROSSLAT_METRICS_A_MAX - 1)

/* One histogram (kmod/core/log2_hist.h): bucket i holds [2^(i-1), 2^i - 1], bucket 0 {0}. */
enum crosslat_metrics_hist_attr {
	CROSSLAT_METRICS_HIST_A_UNSPEC,
	CROSSLAT_METRICS_HIST_A_PAD,
	CROSSLAT_METRICS_HIST_A_ID,	/* u8: enum crosslat_metrics_hist */
	CROSSLAT_METRICS_HIST_A_COUNT,	/* u64: values recorded */
	CROSSLAT_METRICS_HIST_A_SUM,	/* u64: their sum */
	CROSSLAT_METRICS_HIST_A_MIN_VALUE,	/* u64, with COUNT > 0 only */
	CROSSLAT_METRICS_HIST_A_MAX_VALUE,	/* u64, with COUNT > 0 only */
	/* binary: u64 counts of buckets 0..n-1, host order; n <= 64, the later ones empty */
	CROSSLAT_METRICS_HIST_A_BUCKETS,
	__CROSSLAT_METRICS_HIST_A_MAX
};
#define CROSSLAT_METRICS_HIST_A_MAX (__CROSSLAT_METRICS_HIST_A_MAX - 1)

#endif /* _UAPI_LINUX_CROSSLAT_METRICS_H */
