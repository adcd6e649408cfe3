/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of crosslat_req.ko (TRACE_SYSTEM crosslat: tracefs events/crosslat/
 * crosslat_req_*). Each has a mirror in kmod/lttng/events/crosslat_req.h.
 *
 * Socket events (one class), fields in this order: tid, pid (current's pid and tgid),
 * netns (the socket's network namespace inode number), family (4, also for v4-mapped
 * IPv6, or 6), laddr, raddr (16 bytes, IPv4 in the first 4, the rest 0), lport, rport
 * (host order), seq, bytes:
 *   crosslat_req_send     tcp_sendmsg() entry: seq = write_seq, bytes = size asked for
 *   crosslat_req_recv     tcp_recvmsg() return > 0: seq = copied_seq at entry, bytes = ret
 *   crosslat_req_accept   inet_csk_accept() returned this socket (seq, bytes 0)
 *   crosslat_req_connect  tcp_connect(): SYN about to leave, source port chosen
 *   crosslat_req_close    tcp_close()
 * crosslat_req_fork: parent_tid, parent_pid, child_tid, child_pid, thread (1 when the
 * child is a thread of the parent's process). crosslat_req_exit: tid, pid.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM crosslat

#if !defined(_CROSSLAT_REQ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CROSSLAT_REQ_TRACE_H

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "req/req.h"

DECLARE_EVENT_CLASS(crosslat_req_sock,
	TP_PROTO(const struct req_sock_ev *e),
	TP_ARGS(e),
	TP_STRUCT__entry(
		__field(s32, tid)
		__field(s32, pid)
		__field(u32, netns)
		__field(u8, family)
		__array(u8, laddr, 16)
		__array(u8, raddr, 16)
		__field(u16, lport)
		__field(u16, rport)
		__field(u32, seq)
		__field(u32, bytes)
	),
	TP_fast_assign(
		__entry->tid = e->tid;
		__entry->pid = e->pid;
		__entry->netns = e->netns;
		__entry->family = e->family;
		memcpy(__entry->laddr, e->laddr, 16);
		memcpy(__entry->raddr, e->raddr, 16);
		__entry->lport = e->lport;
		__entry->rport = e->rport;
		__entry->seq = e->seq;
		__entry->bytes = e->bytes;
	),
	TP_printk("tid=%d pid=%d netns=%u family=%u laddr=%pI6c raddr=%pI6c lport=%u rport=%u seq=%u bytes=%u",
		  __entry->tid, __entry->pid, __entry->netns, __entry->family,
		  __entry->laddr, __entry->raddr, __entry->lport, __entry->rport,
		  __entry->seq, __entry->bytes)
);

DEFINE_EVENT(crosslat_req_sock, crosslat_req_send,
	TP_PROTO(const struct req_sock_ev *e), TP_ARGS(e));
DEFINE_EVENT(crosslat_req_sock, crosslat_req_recv,
	TP_PROTO(const struct req_sock_ev *e), TP_ARGS(e));
DEFINE_EVENT(crosslat_req_sock, crosslat_req_accept,
	TP_PROTO(const struct req_sock_ev *e), TP_ARGS(e));
DEFINE_EVENT(crosslat_req_sock, crosslat_req_connect,
	TP_PROTO(const struct req_sock_ev *e), TP_ARGS(e));
DEFINE_EVENT(crosslat_req_sock, crosslat_req_close,
	TP_PROTO(const struct req_sock_ev *e), TP_ARGS(e));

TRACE_EVENT(crosslat_req_fork,
	TP_PROTO(const struct task_struct *parent, const struct task_struct *child),
	TP_ARGS(parent, child),
	TP_STRUCT__entry(
		__field(s32, parent_tid)
		__field(s32, parent_pid)
		__field(s32, child_tid)
		__field(s32, child_pid)
		__field(u8, thread)
	),
	TP_fast_assign(
		__entry->parent_tid = parent->pid;
		__entry->parent_pid = parent->tgid;
		__entry->child_tid = child->pid;
		__entry->child_pid = child->tgid;
		__entry->thread = child->tgid == parent->tgid;
	),
	TP_printk("parent_tid=%d parent_pid=%d child_tid=%d child_pid=%d thread=%u",
		  __entry->parent_tid, __entry->parent_pid, __entry->child_tid,
		  __entry->child_pid, __entry->thread)
);

TRACE_EVENT(crosslat_req_exit,
	TP_PROTO(const struct task_struct *p),
	TP_ARGS(p),
	TP_STRUCT__entry(
		__field(s32, tid)
		__field(s32, pid)
	),
	TP_fast_assign(
		__entry->tid = p->pid;
		__entry->pid = p->tgid;
	),
	TP_printk("tid=%d pid=%d", __entry->tid, __entry->pid)
);

#endif /* _CROSSLAT_REQ_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE crosslat_req_trace
#include <trace/define_trace.h>
