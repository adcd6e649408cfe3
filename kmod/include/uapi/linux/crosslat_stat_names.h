/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The names of enum crosslat_stat (crosslat.h), as /proc/crosslat/stats and `crosslatctl
 * stats` print them: the initializer of a const char *[__CROSSLAT_STAT_MAX] table, kept in
 * one place for the module and the tools.
 */
#ifndef _UAPI_LINUX_CROSSLAT_STAT_NAMES_H
#define _UAPI_LINUX_CROSSLAT_STAT_NAMES_H

#define CROSSLAT_STAT_NAMES {							\
	[CROSSLAT_STAT_MARKS] = "marks",					\
	[CROSSLAT_STAT_NL_INVALID] = "nl_invalid",				\
	[CROSSLAT_STAT_RTT_NETNS] = "rtt_netns",				\
	[CROSSLAT_STAT_RTT_FLOWS] = "rtt_flows",				\
	[CROSSLAT_STAT_RTT_FLOWS_CREATED] = "rtt_flows_created",		\
	[CROSSLAT_STAT_RTT_FULL_DROPS] = "rtt_full_drops",			\
	[CROSSLAT_STAT_RTT_ALLOC_FAILS] = "rtt_alloc_fails",			\
	[CROSSLAT_STAT_RTT_EVICTED_IDLE] = "rtt_evicted_idle",			\
	[CROSSLAT_STAT_RTT_EVICTED_LRU] = "rtt_evicted_lru",			\
	[CROSSLAT_STAT_RTT_PACKETS] = "rtt_packets",				\
	[CROSSLAT_STAT_RTT_PARSE_ERRORS] = "rtt_parse_errors",			\
	[CROSSLAT_STAT_RTT_SAMPLES] = "rtt_samples",				\
	[CROSSLAT_STAT_RTT_RETRANS] = "rtt_retrans",				\
	[CROSSLAT_STAT_RTT_ALERTS] = "rtt_alerts",				\
	[CROSSLAT_STAT_RTT_ALERTS_SUPPRESSED] = "rtt_alerts_suppressed",	\
	[CROSSLAT_STAT_RTT_FLOW_REPORTS] = "rtt_flow_reports",			\
	[CROSSLAT_STAT_MAP_NETNS] = "map_netns",				\
	[CROSSLAT_STAT_MAP_ENTRIES] = "map_entries",				\
	[CROSSLAT_STAT_MAP_CREATED] = "map_created",				\
	[CROSSLAT_STAT_MAP_FULL_DROPS] = "map_full_drops",			\
	[CROSSLAT_STAT_MAP_ALLOC_FAILS] = "map_alloc_fails",			\
	[CROSSLAT_STAT_MAP_EVICTED_IDLE] = "map_evicted_idle",			\
	[CROSSLAT_STAT_MAP_EVICTED_LRU] = "map_evicted_lru",			\
	[CROSSLAT_STAT_MAP_PACKETS] = "map_packets",				\
	[CROSSLAT_STAT_MAP_PARSE_ERRORS] = "map_parse_errors",			\
	[CROSSLAT_STAT_MAP_NESTED] = "map_nested",				\
	[CROSSLAT_STAT_MAP_OUTER_CHANGES] = "map_outer_changes",		\
	[CROSSLAT_STAT_MAP_NAT_PACKETS] = "map_nat_packets",			\
	[CROSSLAT_STAT_MAP_PODS_RESOLVED] = "map_pods_resolved",		\
	[CROSSLAT_STAT_MAP_PODS_UNRESOLVED] = "map_pods_unresolved",		\
	[CROSSLAT_STAT_MAP_ENDPOINTS] = "map_endpoints",			\
	[CROSSLAT_STAT_MAP_ENDPOINT_DROPS] = "map_endpoint_drops",		\
	[CROSSLAT_STAT_SPAN_ACTIVE] = "span_active",				\
	[CROSSLAT_STAT_SPAN_PROBES] = "span_probes",				\
	[CROSSLAT_STAT_SPAN_BEGUN] = "span_begun",				\
	[CROSSLAT_STAT_SPAN_ENDED] = "span_ended",				\
	[CROSSLAT_STAT_SPAN_ANNOTATED] = "span_annotated",			\
	[CROSSLAT_STAT_SPAN_UNDER_THRESHOLD] = "span_under_threshold",		\
	[CROSSLAT_STAT_SPAN_ABANDONED] = "span_abandoned",			\
	[CROSSLAT_STAT_SPAN_REFUSED] = "span_refused",				\
	[CROSSLAT_STAT_SPAN_SYSCALLS] = "span_syscalls",			\
	[CROSSLAT_STAT_SPAN_SYSCALLS_UNRECORDED] = "span_syscalls_unrecorded",	\
	[CROSSLAT_STAT_SPAN_HINT_MISSES] = "span_hint_misses",			\
	[CROSSLAT_STAT_PKT_PENDING] = "pkt_pending",				\
	[CROSSLAT_STAT_PKT_SCANNED] = "pkt_scanned",				\
	[CROSSLAT_STAT_PKT_CONTEXTS] = "pkt_contexts",				\
	[CROSSLAT_STAT_PKT_NO_CONTEXT] = "pkt_no_context",			\
	[CROSSLAT_STAT_PKT_INVALID] = "pkt_invalid",				\
	[CROSSLAT_STAT_PKT_SPLIT] = "pkt_split",				\
	[CROSSLAT_STAT_PKT_PARSE_ERRORS] = "pkt_parse_errors",			\
	[CROSSLAT_STAT_PKT_HOPS] = "pkt_hops",					\
	[CROSSLAT_STAT_PKT_OVERWRITTEN] = "pkt_overwritten",			\
	[CROSSLAT_STAT_PKT_UNMATCHED] = "pkt_unmatched",			\
	[CROSSLAT_STAT_METRICS_CGROUPS] = "metrics_cgroups",			\
	[CROSSLAT_STAT_METRICS_PROBES] = "metrics_probes",			\
	[CROSSLAT_STAT_METRICS_EVENTS] = "metrics_events",			\
	[CROSSLAT_STAT_METRICS_SAMPLED_OUT] = "metrics_sampled_out",		\
	[CROSSLAT_STAT_METRICS_RECORDED] = "metrics_recorded",			\
	[CROSSLAT_STAT_METRICS_TASK_OVERWRITES] = "metrics_task_overwrites",	\
	[CROSSLAT_STAT_METRICS_FAULT_MISSED] = "metrics_fault_missed",		\
	[CROSSLAT_STAT_METRICS_CGROUPS_FULL] = "metrics_cgroups_full",		\
	[CROSSLAT_STAT_ARM_ACTIVE] = "arm_active",				\
	[CROSSLAT_STAT_ARM_PROBES] = "arm_probes",				\
	[CROSSLAT_STAT_ARM_ARMED] = "arm_armed",				\
	[CROSSLAT_STAT_ARM_REFUSED] = "arm_refused",				\
	[CROSSLAT_STAT_ARM_EXPIRED] = "arm_expired",				\
	[CROSSLAT_STAT_ARM_EVENTS] = "arm_events",				\
}

#endif /* _UAPI_LINUX_CROSSLAT_STAT_NAMES_H */
