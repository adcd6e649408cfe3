// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket probes of selected tasks: kprobes on tcp_sendmsg() (entry: the bytes asked for,
 * from write_seq, so a send precedes its peer's receive in time), tcp_connect() (the
 * source port is chosen) and tcp_close(); kretprobes on tcp_recvmsg() (the bytes returned,
 * from the copied_seq at entry; MSG_PEEK reads skipped) and inet_csk_accept() (the new
 * socket). Every handler asks the filter first; kretprobe entry handlers of other tasks
 * decline the call, so only selected tasks hold an instance while they block. The kprobes
 * sit past the functions' ftrace call sites (engine/kprobe_past_ftrace.h).
 */
#include <linux/err.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "engine/kprobe_past_ftrace.h"
#include "req.h"
#include "crosslat_req_trace.h"

enum req_sock_kind { EV_SEND, EV_RECV, EV_ACCEPT, EV_CONNECT, EV_CLOSE };

/* Fills e's task and tuple from current and sk; false for a socket not TCP over IP. */
static bool sock_ev_fill(struct req_sock_ev *e, const struct sock *sk)
{
	memset(e, 0, sizeof(*e));
	if (sk->sk_family == AF_INET) {
		e->family = 4;
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6) {
		e->family = ipv6_addr_v4mapped(&sk->sk_v6_daddr) ? 4 : 6;
		if (e->family == 6) {
			memcpy(e->laddr, &sk->sk_v6_rcv_saddr, 16);
			memcpy(e->raddr, &sk->sk_v6_daddr, 16);
		}
#endif
	} else {
		req_count(not_inet);
		return false;
	}
	if (e->family == 4) {
		memcpy(e->laddr, &sk->sk_rcv_saddr, 4);
		memcpy(e->raddr, &sk->sk_daddr, 4);
	}
	e->tid = current->pid;
	e->pid = current->tgid;
	e->netns = sock_net(sk)->ns.inum;
	e->lport = sk->sk_num;
	e->rport = ntohs(sk->sk_dport);
	return true;
}

static void sock_ev_emit(enum req_sock_kind kind, const struct sock *sk, u32 seq, u32 bytes)
{
	struct req_sock_ev e;

	if (!sock_ev_fill(&e, sk))
		return;
	e.seq = seq;
	e.bytes = bytes;
	req_count(events);
	switch (kind) {
	case EV_SEND:
		trace_crosslat_req_send(&e);
		break;
	case EV_RECV:
		trace_crosslat_req_recv(&e);
		break;
	case EV_ACCEPT:
		trace_crosslat_req_accept(&e);
		break;
	case EV_CONNECT:
		trace_crosslat_req_connect(&e);
		break;
	case EV_CLOSE:
		trace_crosslat_req_close(&e);
		break;
	}
}

static const struct sock *arg_sk(struct pt_regs *regs)
{
	return (const struct sock *)regs_get_kernel_argument(regs, 0);
}

/* tcp_sendmsg(sk, msg, size) */
static int sendmsg_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct sock *sk;

	if (!req_current_match())
		return 0;
	sk = arg_sk(regs);
	sock_ev_emit(EV_SEND, sk, READ_ONCE(tcp_sk(sk)->write_seq),
		     (u32)regs_get_kernel_argument(regs, 2));
	return 0;
}

/* tcp_connect(sk) */
static int connect_pre(struct kprobe *kp, struct pt_regs *regs)
{
	if (req_current_match())
		sock_ev_emit(EV_CONNECT, arg_sk(regs), 0, 0);
	return 0;
}

/* tcp_close(sk, timeout) */
static int close_pre(struct kprobe *kp, struct pt_regs *regs)
{
	if (req_current_match())
		sock_ev_emit(EV_CLOSE, arg_sk(regs), 0, 0);
	return 0;
}

/* Kept in the kretprobe instance of a selected task's read. */
struct recv_start {
	const struct sock *sk;	/* the caller holds it until the return */
	u32 copied_seq;		/* sequence number of the first byte returned */
};

/* tcp_recvmsg(sk, msg, len, flags, addr_len), in 6.1 and 6.12 alike; 1 declines the call */
static int recvmsg_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct recv_start *rs = (struct recv_start *)ri->data;

	if (!req_current_match())
		return 1;
	if (regs_get_kernel_argument(regs, 3) & MSG_PEEK)
		return 1;	/* the bytes stay queued: the next read reports them */
	rs->sk = arg_sk(regs);
	rs->copied_seq = READ_ONCE(tcp_sk(rs->sk)->copied_seq);
	return 0;
}

static int recvmsg_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct recv_start *rs = (const struct recv_start *)ri->data;
	long copied = (long)regs_return_value(regs);

	if (copied > 0)
		sock_ev_emit(EV_RECV, rs->sk, rs->copied_seq, (u32)copied);
	return 0;
}

/* inet_csk_accept(): only its return value, the new socket, is used */
static int accept_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return !req_current_match();
}

static int accept_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct sock *sk = (const struct sock *)regs_return_value(regs);

	if (!IS_ERR_OR_NULL(sk))
		sock_ev_emit(EV_ACCEPT, sk, 0, 0);
	return 0;
}

static struct kprobe kps[3];
static struct kretprobe krps[2];

int req_kp_tcp_register(void)
{
	static const struct {
		const char *sym;
		kprobe_pre_handler_t pre;
	} kp_def[ARRAY_SIZE(kps)] = {
		{ "tcp_sendmsg", sendmsg_pre },
		{ "tcp_connect", connect_pre },
		{ "tcp_close", close_pre },
	};
	static const struct {
		const char *sym;
		kretprobe_handler_t entry, ret;
		size_t data_size;
	} krp_def[ARRAY_SIZE(krps)] = {
		{ "tcp_recvmsg", recvmsg_entry, recvmsg_ret, sizeof(struct recv_start) },
		{ "inet_csk_accept", accept_entry, accept_ret, 0 },
	};
	struct kprobe *kpp[ARRAY_SIZE(kps)];
	struct kretprobe *krpp[ARRAY_SIZE(krps)];
	unsigned int i;
	int err;

	/* Fresh structures: a kprobe keeps its resolved address after unregistering. */
	memset(kps, 0, sizeof(kps));
	memset(krps, 0, sizeof(krps));
	for (i = 0; i < ARRAY_SIZE(kps); i++) {
		kps[i].symbol_name = kp_def[i].sym;
		kps[i].pre_handler = kp_def[i].pre;
		kpp[i] = &kps[i];
	}
	for (i = 0; i < ARRAY_SIZE(krps); i++) {
		krps[i].kp.symbol_name = krp_def[i].sym;
		krps[i].entry_handler = krp_def[i].entry;
		krps[i].handler = krp_def[i].ret;
		krps[i].data_size = krp_def[i].data_size;
		krps[i].maxactive = 256;	/* selected tasks blocked in the call */
		krpp[i] = &krps[i];
	}
	err = register_kretprobes(krpp, ARRAY_SIZE(krps));
	if (err)
		return err;
	err = crosslat_kprobes_register_past_ftrace(kpp, ARRAY_SIZE(kps));
	if (err)
		unregister_kretprobes(krpp, ARRAY_SIZE(krps));
	return err;
}

void req_kp_tcp_unregister(void)
{
	struct kprobe *kpp[ARRAY_SIZE(kps)];
	struct kretprobe *krpp[ARRAY_SIZE(krps)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kps); i++)
		kpp[i] = &kps[i];
	for (i = 0; i < ARRAY_SIZE(krps); i++)
		krpp[i] = &krps[i];
	unregister_kprobes(kpp, ARRAY_SIZE(kps));
	unregister_kretprobes(krpp, ARRAY_SIZE(krps));
}

/* Calls missed because every kretprobe instance was taken. */
unsigned long req_kp_tcp_missed(void)
{
	return krps[0].nmissed + krps[1].nmissed;
}
