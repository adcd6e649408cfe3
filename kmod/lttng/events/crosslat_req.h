/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LTTng mirror of kmod/req/crosslat_req_trace.h: same event names, prototypes and fields.
 * The provider is crosslat_req, not the kernel side's TRACE_SYSTEM crosslat: LTTng allows
 * one provider per name and lttng-probe-crosslat.ko holds "crosslat". Event names, which
 * is what a trace carries, are the same.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat_req

#if !defined(_CROSSLAT_LTTNG_REQ_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_LTTNG_REQ_H

#include <lttng/tracepoint-event.h>
#include <linux/sched.h>
#include "req/req.h"

LTTNG_TRACEPOINT_EVENT_CLASS(crosslat_req_sock,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e),
	TP_FIELDS(
		ctf_integer(s32, tid, e->tid)
		ctf_integer(s32, pid, e->pid)
		ctf_integer(u32, netns, e->netns)
		ctf_integer(u8, family, e->family)
		ctf_array(u8, laddr, e->laddr, 16)
		ctf_array(u8, raddr, e->raddr, 16)
		ctf_integer(u16, lport, e->lport)
		ctf_integer(u16, rport, e->rport)
		ctf_integer(u32, seq, e->seq)
		ctf_integer(u32, bytes, e->bytes)
	)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_req_sock, crosslat_req_send,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_req_sock, crosslat_req_recv,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_req_sock, crosslat_req_accept,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_req_sock, crosslat_req_connect,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e)
)

LTTNG_TRACEPOINT_EVENT_INSTANCE(crosslat_req_sock, crosslat_req_close,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e)
)

LTTNG_TRACEPOINT_EVENT(crosslat_req_fork,
	TP_PROTO(const struct task_struct *parent, const struct task_struct *child),
	TP_ARGS(parent, child),
	TP_FIELDS(
		ctf_integer(s32, parent_tid, parent->pid)
		ctf_integer(s32, parent_pid, parent->tgid)
		ctf_integer(s32, child_tid, child->pid)
		ctf_integer(s32, child_pid, child->tgid)
		ctf_integer(u8, thread, child->tgid == parent->tgid)
	)
)

LTTNG_TRACEPOINT_EVENT(crosslat_req_exit,
	TP_PROTO(const struct task_struct *p),
	TP_ARGS(p),
	TP_FIELDS(
		ctf_integer(s32, tid, p->pid)
		ctf_integer(s32, pid, p->tgid)
	)
)

#endif /* _CROSSLAT_LTTNG_REQ_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_req
#include <lttng/define_trace.h>
