/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * crosslat control plane: the generic netlink family "crosslat", shared by the kernel
 * modules and the userspace tools.
 *
 * Commands
 *   CROSSLAT_CMD_GET_STATS  (any user)   reply: CROSSLAT_A_VERSION, CROSSLAT_A_STATS
 *   CROSSLAT_CMD_MARK       (CAP_NET_ADMIN) request: CROSSLAT_A_MARK_ID (required),
 *                           CROSSLAT_A_MARK_LABEL (optional). Emits the crosslat_mark
 *                           tracepoint, so a tool can put a named marker into the kernel
 *                           trace (phase boundaries, test checkpoints, clock alignment).
 * Invalid requests are refused with -EINVAL and an extack message.
 */
#ifndef _UAPI_LINUX_CROSSLAT_H
#define _UAPI_LINUX_CROSSLAT_H

#define CROSSLAT_GENL_NAME	"crosslat"
#define CROSSLAT_GENL_VERSION	1

/* Longest marker label, terminating NUL included. */
#define CROSSLAT_MARK_LABEL_MAX	64

enum crosslat_cmd {
	CROSSLAT_CMD_UNSPEC,
	CROSSLAT_CMD_GET_STATS,
	CROSSLAT_CMD_MARK,
	__CROSSLAT_CMD_MAX
};
#define CROSSLAT_CMD_MAX (__CROSSLAT_CMD_MAX - 1)

enum crosslat_attr {
	CROSSLAT_A_UNSPEC,
	CROSSLAT_A_PAD,
	CROSSLAT_A_VERSION,		/* string: module version */
	CROSSLAT_A_STATS,		/* nested: CROSSLAT_STAT_* u64 counters */
	CROSSLAT_A_MARK_ID,		/* u64 */
	CROSSLAT_A_MARK_LABEL,		/* NUL-terminated string, < CROSSLAT_MARK_LABEL_MAX */
	__CROSSLAT_A_MAX
};
#define CROSSLAT_A_MAX (__CROSSLAT_A_MAX - 1)

/* Engine counters, each a u64 attribute inside CROSSLAT_A_STATS. */
enum crosslat_stat {
	CROSSLAT_STAT_UNSPEC,
	CROSSLAT_STAT_PAD,
	CROSSLAT_STAT_MARKS,		/* crosslat_mark events emitted */
	CROSSLAT_STAT_NL_INVALID,	/* control requests refused as invalid */
	__CROSSLAT_STAT_MAX
};
#define CROSSLAT_STAT_MAX (__CROSSLAT_STAT_MAX - 1)

#endif /* _UAPI_LINUX_CROSSLAT_H */
