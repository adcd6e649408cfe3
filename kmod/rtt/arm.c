// SPDX-License-Identifier: GPL-2.0-only
/*
 * The armed set of layer tracing: up to max_armed entries, each a flow or a network
 * namespace with the time it disarms. What a packet checks is not this set but the deadline
 * copied into each matching flow's rtt_flow_val (arm_until_ns): set by the flow's own alert
 * under its lock, by a flow (re)start from the set, and by a walk of the flow table when an
 * entry is added by hand, a namespace is armed or entries are removed. Expiry needs no walk:
 * a deadline in the past fails the check. One delayed work drops expired entries at the
 * earliest deadline and registers the socket and device probes while the set is not empty,
 * unregisters them once it is.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <uapi/linux/crosslat_arm.h>
#include "core/layer_arm.h"
#include "core/pkt_parse.h"
#include "arm.h"
#include "rtt.h"
#include "crosslat_rtt_trace.h"

static int set_arm_ms(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, CROSSLAT_ARM_MS_MAX);
}

static const struct kernel_param_ops arm_ms_ops = {
	.set = set_arm_ms,
	.get = param_get_uint,
};

unsigned int crosslat_rtt_arm_ms = 5000;
module_param_cb(arm_ms, &arm_ms_ops, &crosslat_rtt_arm_ms, 0644);
MODULE_PARM_DESC(arm_ms, "a flow's crosslat_rtt_alert arms layer tracing for this long, ms; 0 = alerts do not arm, up to 3600000 (default 5000)");

static bool arm_netns;
module_param(arm_netns, bool, 0644);
MODULE_PARM_DESC(arm_netns, "an alert arms every flow of its network namespace (the pod), not only its own (default N)");

static unsigned int max_armed = 64;
module_param(max_armed, uint, 0444);
MODULE_PARM_DESC(max_armed, "most flows and namespaces armed at once, 1..4096 (default 64)");

static struct crosslat_arm_sel *slots;	/* max_armed; until_ns 0: free */
static unsigned int nr_armed;		/* live slots; READ_ONCE without arm_lock */
static bool walk_pending;		/* a namespace was armed from softirq: walk the flows */
static DEFINE_SPINLOCK(arm_lock);	/* nests inside a flow's lock, never around one */

static DEFINE_MUTEX(probes_mutex);
static bool probes_on;			/* under probes_mutex; READ_ONCE for the gauge */
static bool sock_on;			/* the socket kprobes registered (they may be refused) */
static struct delayed_work arm_work;

static atomic64_t cnt_armed, cnt_refused, cnt_expired;
static u64 __percpu *cnt_events;

static bool sel_same(const struct crosslat_arm_sel *a, const struct crosslat_arm_sel *b)
{
	if (a->netns_inum != b->netns_inum || a->netns_only != b->netns_only)
		return false;
	return a->netns_only ||
	       (a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
		!memcmp(a->laddr, b->laddr, sizeof(a->laddr)) &&
		!memcmp(a->raddr, b->raddr, sizeof(a->raddr)));
}

static bool sel_matches(const struct crosslat_arm_sel *s, const struct crosslat_flow_key *k,
			u32 netns_inum)
{
	if (s->netns_inum != netns_inum)
		return false;
	return s->netns_only ||
	       (s->family == k->family && s->lport == ntohs(k->lport) &&
		s->rport == ntohs(k->rport) && !memcmp(s->laddr, k->laddr, sizeof(s->laddr)) &&
		!memcmp(s->raddr, k->raddr, sizeof(s->raddr)));
}

static void kick(void)
{
	mod_delayed_work(system_wq, &arm_work, 0);
}

int rtt_arm_add(struct crosslat_arm_sel *sel)
{
	struct crosslat_arm_sel *s, *found = NULL, *free = NULL;
	u64 now = ktime_get_ns();
	unsigned int i, expired = 0;
	int err = 0;

	spin_lock_bh(&arm_lock);
	for (i = 0; i < max_armed; i++) {
		s = &slots[i];
		if (s->until_ns && sel_same(s, sel)) {
			found = s;
			break;
		}
		if (!free && (!s->until_ns || s->until_ns <= now))
			free = s;
	}
	if (found) {
		if (found->until_ns < sel->until_ns) {
			found->until_ns = sel->until_ns;
			found->reason = sel->reason;
		}
		sel->until_ns = found->until_ns;
	} else if (free) {
		if (free->until_ns) {
			expired = 1;	/* an expired entry the work has not dropped yet */
			nr_armed--;
		}
		*free = *sel;
		WRITE_ONCE(nr_armed, nr_armed + 1);
	} else {
		err = -ENOSPC;
	}
	if (!err && sel->netns_only)
		walk_pending = true;
	spin_unlock_bh(&arm_lock);

	if (expired)
		atomic64_inc(&cnt_expired);
	if (err) {
		atomic64_inc(&cnt_refused);
		return err;
	}
	atomic64_inc(&cnt_armed);
	trace_crosslat_rtt_layer_arm(sel);
	kick();
	return 0;
}

/* Recomputes one flow's deadline from the set. */
static void flow_rearm(struct crosslat_flow *f, void *arg)
{
	struct rtt_flow_val *v = (struct rtt_flow_val *)f->data;

	spin_lock_bh(&f->lock);
	if (v->inited)
		WRITE_ONCE(v->arm_until_ns, rtt_arm_deadline(f, v->netns_inum));
	spin_unlock_bh(&f->lock);
}

static void walk_flows(void)
{
	crosslat_flow_table_for_each(crosslat_rtt_flows, flow_rearm, NULL);
}

int rtt_arm_del(const struct crosslat_arm_sel *sel)
{
	unsigned int i, n = 0;

	spin_lock_bh(&arm_lock);
	for (i = 0; i < max_armed; i++) {
		if (slots[i].until_ns && (!sel || sel_same(&slots[i], sel))) {
			slots[i].until_ns = 0;
			n++;
		}
	}
	WRITE_ONCE(nr_armed, nr_armed - n);
	spin_unlock_bh(&arm_lock);
	if (sel && !n)
		return -ENOENT;
	/* Process context: the flows stop now, not at the work's next run. */
	walk_flows();
	kick();
	return 0;
}

/* A walk for entries added from process context (netlink): their flows start now. */
void rtt_arm_apply(void)
{
	walk_flows();
}

unsigned int rtt_arm_copy(struct crosslat_arm_sel *out, unsigned int max)
{
	unsigned int i, n = 0;

	spin_lock_bh(&arm_lock);
	for (i = 0; i < max_armed; i++) {
		if (!slots[i].until_ns)
			continue;
		if (n < max)
			out[n] = slots[i];
		n++;
	}
	spin_unlock_bh(&arm_lock);
	return n;
}

u64 rtt_arm_deadline(const struct crosslat_flow *f, u32 netns_inum)
{
	u64 until = 0;
	unsigned int i;

	if (!READ_ONCE(nr_armed))
		return 0;
	spin_lock_bh(&arm_lock);
	for (i = 0; i < max_armed; i++)
		if (slots[i].until_ns > until && sel_matches(&slots[i], &f->key, netns_inum))
			until = slots[i].until_ns;
	spin_unlock_bh(&arm_lock);
	return until;
}

void rtt_arm_on_alert(const struct crosslat_flow *f, struct rtt_flow_val *v, u64 now)
{
	unsigned int ms = READ_ONCE(crosslat_rtt_arm_ms);
	struct crosslat_arm_sel sel;

	if (!ms)
		return;
	memset(&sel, 0, sizeof(sel));
	sel.netns_inum = v->netns_inum;
	sel.netns_only = READ_ONCE(arm_netns);
	sel.family = f->key.family;
	memcpy(sel.laddr, f->key.laddr, sizeof(sel.laddr));
	memcpy(sel.raddr, f->key.raddr, sizeof(sel.raddr));
	sel.lport = ntohs(f->key.lport);
	sel.rport = ntohs(f->key.rport);
	sel.reason = CROSSLAT_ARM_REASON_ALERT;
	sel.until_ns = now + (u64)ms * NSEC_PER_MSEC;
	if (!rtt_arm_add(&sel) && v->arm_until_ns < sel.until_ns)
		WRITE_ONCE(v->arm_until_ns, sel.until_ns);
}

bool rtt_arm_flow_lookup(const struct crosslat_flow_key *key, u64 now,
			 struct crosslat_layer_rec *r)
{
	const struct crosslat_flow *f = crosslat_flow_lookup(crosslat_rtt_flows, key);
	const struct rtt_flow_val *v;

	if (!f)
		return false;
	v = (const struct rtt_flow_val *)f->data;
	if (!crosslat_layer_armed(READ_ONCE(v->arm_until_ns), now))
		return false;
	rtt_tuple_fill(f, v, &r->t);
	return true;
}

void rtt_layer_emit(struct crosslat_layer_rec *r)
{
	r->cpu = raw_smp_processor_id();
	if (in_task()) {
		r->pid = task_tgid_nr(current);
		r->tid = task_pid_nr(current);
		memcpy(r->comm, current->comm, sizeof(r->comm));
	} else {
		r->pid = 0;
		r->tid = 0;
		memset(r->comm, 0, sizeof(r->comm));
	}
	switch (r->point) {
	case CROSSLAT_LAYER_SOCK_SEND:
	case CROSSLAT_LAYER_SOCK_RECV:
		trace_crosslat_rtt_layer_sock(r);
		break;
	case CROSSLAT_LAYER_NF_OUT:
	case CROSSLAT_LAYER_NF_IN:
		trace_crosslat_rtt_layer_nf(r);
		break;
	default:
		trace_crosslat_rtt_layer_dev(r);
		break;
	}
	this_cpu_inc(*cnt_events);
}

void rtt_layer_nf(const struct crosslat_flow *f, const struct rtt_flow_val *v,
		  const struct crosslat_pkt *pkt, bool egress)
{
	struct crosslat_layer_rec r;

	rtt_tuple_fill(f, v, &r.t);
	r.point = egress ? CROSSLAT_LAYER_NF_OUT : CROSSLAT_LAYER_NF_IN;
	r.seq = pkt->tcp.seq;
	r.len = pkt->payload_len;
	r.tcp_flags = pkt->tcp.flags;
	r.ifindex = 0;
	rtt_layer_emit(&r);
}

/* Registers the probes while anything is armed, unregisters them once nothing is. */
static void probes_sync(bool want)
{
	int err;

	mutex_lock(&probes_mutex);
	if (want && !probes_on) {
		err = rtt_tp_dev_register();
		if (err) {
			pr_warn_once("device layer probes not registered: %d\n", err);
			goto out;
		}
		err = rtt_kp_sock_register();
		if (err)
			pr_warn_once("socket layer kprobes not registered: %d\n", err);
		sock_on = !err;
		WRITE_ONCE(probes_on, true);
	} else if (!want && probes_on) {
		if (sock_on)
			rtt_kp_sock_unregister();
		rtt_tp_dev_unregister();
		sock_on = false;
		WRITE_ONCE(probes_on, false);
	}
out:
	mutex_unlock(&probes_mutex);
}

static void arm_work_fn(struct work_struct *work)
{
	u64 now = ktime_get_ns(), next = U64_MAX;
	unsigned int i, expired = 0;
	bool walk, any;

	spin_lock_bh(&arm_lock);
	for (i = 0; i < max_armed; i++) {
		if (!slots[i].until_ns)
			continue;
		if (slots[i].until_ns <= now) {
			slots[i].until_ns = 0;
			expired++;
		} else if (slots[i].until_ns < next) {
			next = slots[i].until_ns;
		}
	}
	WRITE_ONCE(nr_armed, nr_armed - expired);
	any = nr_armed > 0;
	walk = walk_pending;
	walk_pending = false;
	spin_unlock_bh(&arm_lock);

	atomic64_add(expired, &cnt_expired);
	if (walk)
		walk_flows();
	probes_sync(any);
	if (any)
		queue_delayed_work(system_wq, &arm_work, nsecs_to_jiffies(next - now) + 1);
}

u64 rtt_arm_stat(unsigned int stat)
{
	u64 sum = 0;
	int cpu;

	switch (stat) {
	case CROSSLAT_STAT_ARM_ACTIVE:
		return READ_ONCE(nr_armed);
	case CROSSLAT_STAT_ARM_PROBES:
		return READ_ONCE(probes_on);
	case CROSSLAT_STAT_ARM_ARMED:
		return atomic64_read(&cnt_armed);
	case CROSSLAT_STAT_ARM_REFUSED:
		return atomic64_read(&cnt_refused);
	case CROSSLAT_STAT_ARM_EXPIRED:
		return atomic64_read(&cnt_expired);
	case CROSSLAT_STAT_ARM_EVENTS:
		for_each_possible_cpu(cpu)
			sum += *per_cpu_ptr(cnt_events, cpu);
		return sum;
	}
	return 0;
}

int rtt_arm_init(void)
{
	if (!max_armed || max_armed > 4096) {
		pr_err("max_armed must be 1..4096\n");
		return -EINVAL;
	}
	slots = kcalloc(max_armed, sizeof(*slots), GFP_KERNEL);
	cnt_events = alloc_percpu(u64);
	if (!slots || !cnt_events) {
		kfree(slots);
		free_percpu(cnt_events);
		return -ENOMEM;
	}
	INIT_DELAYED_WORK(&arm_work, arm_work_fn);
	return 0;
}

void rtt_arm_exit(void)
{
	/* No hook or netlink request queues it any more; it may requeue itself: _sync. */
	cancel_delayed_work_sync(&arm_work);
	probes_sync(false);
	kfree(slots);
	free_percpu(cnt_events);
}
