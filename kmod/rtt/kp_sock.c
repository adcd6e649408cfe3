// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket layer of armed flows: a kprobe on tcp_sendmsg() (the application hands data over:
 * the bytes asked for, from the socket's write_seq) and a kretprobe on tcp_recvmsg() (the
 * bytes it returned, from the copied_seq it started at). Neither 6.1 nor 6.12 has a
 * tracepoint in these paths (sock_send_length/sock_recv_length came in 6.4 and are not
 * TCP's). Registered only while something is armed; each call then costs one lookup of its
 * socket's flow in the RTT table; the receive return probe runs only for armed flows, and
 * looks again (the read may have blocked past the arming's end).
 */
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "engine/flow_table.h"
#include "engine/kprobe_past_ftrace.h"
#include "arm.h"

/* The RTT table's key of sk's flow (as its namespace's hooks key it); false if not TCP/IP. */
static bool sk_flow_key(const struct sock *sk, struct crosslat_flow_key *key)
{
	memset(key, 0, sizeof(*key));
	if (sk->sk_family == AF_INET) {
		key->family = 4;
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6 && ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		key->family = 4;	/* an IPv6 socket talking IPv4: its packets are IPv4 */
	} else if (sk->sk_family == AF_INET6) {
		key->family = 6;
		memcpy(key->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(key->raddr, &sk->sk_v6_daddr, 16);
#endif
	} else {
		return false;
	}
	if (key->family == 4) {
		memcpy(key->laddr, &sk->sk_rcv_saddr, 4);
		memcpy(key->raddr, &sk->sk_daddr, 4);
	}
	key->netns = sock_net(sk)->net_cookie;
	key->proto = IPPROTO_TCP;
	key->lport = htons(sk->sk_num);
	key->rport = sk->sk_dport;
	return true;
}

/* Fills r's tuple if sk's flow is armed now. */
static bool sk_armed(const struct sock *sk, struct crosslat_layer_rec *r)
{
	struct crosslat_flow_key key;
	bool armed;

	if (!sk || !sk_flow_key(sk, &key))
		return false;
	rcu_read_lock();
	/* A breakpoint kprobe's handler runs in NMI-like context: the NMI-safe clock. */
	armed = rtt_arm_flow_lookup(&key, ktime_get_mono_fast_ns(), r);
	rcu_read_unlock();
	return armed;
}

static int sendmsg_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct sock *sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	struct crosslat_layer_rec r;

	if (!sk_armed(sk, &r))
		return 0;
	r.point = CROSSLAT_LAYER_SOCK_SEND;
	r.seq = READ_ONCE(tcp_sk(sk)->write_seq);
	r.len = (u32)regs_get_kernel_argument(regs, 2);
	r.ifindex = 0;
	r.tcp_flags = 0;
	rtt_layer_emit(&r);
	return 0;
}

/* What a tcp_recvmsg() call of an armed flow keeps from its entry to its return. */
struct recv_call {
	const struct sock *sk;	/* held by the caller for the whole call */
	u32 seq;		/* copied_seq at entry: the first byte it returns */
};

/* Entry of tcp_recvmsg(): 0 (return probe wanted) only for an armed flow's socket. */
static int recvmsg_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct recv_call *c = (struct recv_call *)ri->data;
	struct crosslat_layer_rec r;

	c->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	if (!sk_armed(c->sk, &r))
		return 1;
	c->seq = READ_ONCE(tcp_sk(c->sk)->copied_seq);
	return 0;
}

/* A read may block past the arming's end or a disarm: the flow is checked again. */
static int recvmsg_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct recv_call *c = (const struct recv_call *)ri->data;
	long ret = (long)regs_return_value(regs);
	struct crosslat_layer_rec r;

	if (ret <= 0 || !sk_armed(c->sk, &r))
		return 0;
	r.point = CROSSLAT_LAYER_SOCK_RECV;
	r.seq = c->seq;
	r.len = (u32)ret;
	r.ifindex = 0;
	r.tcp_flags = 0;
	rtt_layer_emit(&r);
	return 0;
}

static struct kprobe send_kp;
static struct kretprobe recv_krp;

int rtt_kp_sock_register(void)
{
	struct kprobe *kp = &send_kp;
	int err;

	/* Fresh structures: a kprobe keeps its resolved address after unregistering. */
	memset(&send_kp, 0, sizeof(send_kp));
	send_kp.symbol_name = "tcp_sendmsg";
	send_kp.pre_handler = sendmsg_pre;
	memset(&recv_krp, 0, sizeof(recv_krp));
	recv_krp.kp.symbol_name = "tcp_recvmsg";
	recv_krp.entry_handler = recvmsg_entry;
	recv_krp.handler = recvmsg_ret;
	recv_krp.data_size = sizeof(struct recv_call);
	recv_krp.maxactive = 64;	/* readers of armed flows blocked in tcp_recvmsg() */

	err = crosslat_kprobes_register_past_ftrace(&kp, 1);
	if (err)
		return err;
	err = register_kretprobe(&recv_krp);
	if (err)
		unregister_kprobe(&send_kp);
	return err;
}

void rtt_kp_sock_unregister(void)
{
	unregister_kretprobe(&recv_krp);
	unregister_kprobe(&send_kp);
}
