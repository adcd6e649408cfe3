/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Layer tracing of armed flows (crosslat_rtt.ko): attributes of CROSSLAT_A_ARM in the
 * CROSSLAT_CMD_ARM, CROSSLAT_CMD_DISARM and CROSSLAT_CMD_ARM_GET commands of the "crosslat"
 * generic netlink family (linux/crosslat.h).
 *
 * While a TCP flow is armed, crosslat_rtt emits a crosslat_rtt_layer_* event for each of its
 * packets or socket calls at every layer of the host stack it watches: socket (tcp_sendmsg,
 * tcp_recvmsg), netfilter (LOCAL_OUT, LOCAL_IN) and device (queue, transmit, receive). A flow
 * is armed by its crosslat_rtt_alert (module parameter arm_ms; arm_netns=1 arms its whole
 * network namespace, the pod) or by CROSSLAT_CMD_ARM, for a time, then disarms by itself.
 *
 * An entry is either a flow, selected by NETNS_INUM (default: the requester's namespace),
 * FAMILY, LADDR, LPORT, RADDR and RPORT (all five or none; "local" is the namespace's own
 * end, as in CROSSLAT_CMD_FLOW_GET), or a whole namespace (NETNS_INUM alone). Arming an
 * armed entry again moves its end to the later of the two. At most max_armed entries
 * (module parameter) are armed at once: more get -ENOSPC, counted as arm_refused.
 * CROSSLAT_CMD_DISARM removes the entry with that selector (-ENOENT if none).
 */
#ifndef _UAPI_LINUX_CROSSLAT_ARM_H
#define _UAPI_LINUX_CROSSLAT_ARM_H

/* Longest arming, ms (an hour). */
#define CROSSLAT_ARM_MS_MAX	3600000

/* Why an entry is armed. */
enum crosslat_arm_reason {
	CROSSLAT_ARM_REASON_UNSPEC,
	CROSSLAT_ARM_REASON_ALERT,	/* a crosslat_rtt_alert of the flow (or of one in the netns) */
	CROSSLAT_ARM_REASON_MANUAL,	/* CROSSLAT_CMD_ARM */
};

enum crosslat_arm_attr {
	CROSSLAT_ARM_A_UNSPEC,
	CROSSLAT_ARM_A_PAD,
	CROSSLAT_ARM_A_NETNS_INUM,	/* u32, not 0 */
	CROSSLAT_ARM_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	CROSSLAT_ARM_A_LADDR,		/* binary: 4 or 16 bytes, network order */
	CROSSLAT_ARM_A_RADDR,
	CROSSLAT_ARM_A_LPORT,		/* u16, host order, not 0 */
	CROSSLAT_ARM_A_RPORT,
	CROSSLAT_ARM_A_MS,		/* u32: ARM only, 1 .. CROSSLAT_ARM_MS_MAX (default arm_ms) */
	CROSSLAT_ARM_A_UNTIL_NS,	/* u64: ARM_GET, when it disarms (CLOCK_MONOTONIC) */
	CROSSLAT_ARM_A_REASON,		/* u8: ARM_GET, enum crosslat_arm_reason */
	__CROSSLAT_ARM_A_MAX
};
#define CROSSLAT_ARM_A_MAX (__CROSSLAT_ARM_A_MAX - 1)

#endif /* _UAPI_LINUX_CROSSLAT_ARM_H */
