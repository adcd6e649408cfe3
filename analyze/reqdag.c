// SPDX-License-Identifier: GPL-2.0-only
/* Request DAGs from crosslat_req events: the thread state model (see reqdag.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "record.h"
#include "reqdag.h"

const char *const crosslat_rq_kind_names[CROSSLAT_RQ_KIND_NR] = {
	[CROSSLAT_RQ_ENTRY] = "entry",
	[CROSSLAT_RQ_CALL] = "call",
	[CROSSLAT_RQ_FORK] = "fork",
	[CROSSLAT_RQ_RESUME] = "resume",
};

enum { ROLE_UNKNOWN, ROLE_CLIENT, ROLE_SERVER };
enum { DIR_NONE, DIR_SEND, DIR_RECV };
enum { MSG_REQUEST, MSG_RESPONSE };

struct crosslat_rq_thread {
	uint32_t trace;
	int32_t tid, pid;
	uint32_t netns;
	int32_t *active;	/* its open states, oldest first */
	size_t nr_active, cap_active;
};

struct crosslat_rq_msg {
	int32_t ctx;		/* the writer's state, or -1 */
	uint8_t kind;		/* MSG_* */
};

/* The fields of a crosslat_req socket event. */
struct sock_ev {
	int32_t tid, pid;
	struct crosslat_rq_tuple t;
	uint32_t seq, bytes;
};

void crosslat_reqdag_init(struct crosslat_reqdag *d)
{
	memset(d, 0, sizeof(*d));
}

void crosslat_reqdag_uninit(struct crosslat_reqdag *d)
{
	size_t i;

	for (i = 0; i < d->nr_th; i++)
		free(d->th[i].active);
	for (i = 0; i < d->nr_names; i++)
		free(d->names[i]);
	free(d->names);
	free(d->th);
	free(d->st);
	free(d->req);
	free(d->ep);
	free(d->msg);
	crosslat_index_free(&d->ep_idx);
	crosslat_index_free(&d->peer_idx);
	crosslat_index_free(&d->th_idx);
	crosslat_index_free(&d->name_idx);
	memset(d, 0, sizeof(*d));
}

/* ---- lookups ---------------------------------------------------------------------------- */

struct th_key {
	uint32_t trace;
	int32_t tid;
};

static bool th_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_rq_thread *t = &((const struct crosslat_reqdag *)ctx)->th[entry];
	const struct th_key *k = key;

	return t->trace == k->trace && t->tid == k->tid;
}

static uint32_t th_hash(const struct th_key *k)
{
	return crosslat_hash_bytes(CROSSLAT_HASH_INIT, k, sizeof(*k));
}

static struct crosslat_rq_thread *thread_find(struct crosslat_reqdag *d, uint32_t trace,
					      int32_t tid)
{
	struct th_key k = { trace, tid };
	int64_t i = crosslat_index_find(&d->th_idx, th_hash(&k), th_eq, &k, d);

	return i < 0 ? NULL : &d->th[i];
}

static struct crosslat_rq_thread *thread_get(struct crosslat_reqdag *d, uint32_t trace,
					     int32_t tid, int32_t pid, uint32_t netns)
{
	struct crosslat_rq_thread *t = thread_find(d, trace, tid), *v;
	struct th_key k = { trace, tid };

	if (t) {
		if (pid > 0)
			t->pid = pid;
		if (netns)
			t->netns = netns;
		return t;
	}
	v = crosslat_grow(d->th, d->nr_th, &d->cap_th, sizeof(*v));
	if (!v)
		return NULL;
	d->th = v;
	if (crosslat_index_set(&d->th_idx, th_hash(&k), th_eq, &k, d, d->nr_th))
		return NULL;
	t = &d->th[d->nr_th++];
	memset(t, 0, sizeof(*t));
	t->trace = trace;
	t->tid = tid;
	t->pid = pid;
	t->netns = netns;
	return t;
}

/*
 * Endpoints are keyed by their trace, namespace and addresses (ep_idx), and by their
 * addresses alone (peer_idx: the other end of a connection may be on another host, in
 * another trace; pod addresses are unique in a cluster).
 */
static bool addr_eq(const struct crosslat_rq_tuple *a, const struct crosslat_rq_tuple *b)
{
	return a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->laddr, b->laddr, 16) && !memcmp(a->raddr, b->raddr, 16);
}

static bool ep_eq(uint32_t entry, const void *key, const void *ctx)
{
	const struct crosslat_rq_tuple *t = &((const struct crosslat_reqdag *)ctx)->ep[entry].t;
	const struct crosslat_rq_tuple *k = key;

	return t->trace == k->trace && t->netns == k->netns && addr_eq(t, k);
}

static bool peer_eq(uint32_t entry, const void *key, const void *ctx)
{
	return addr_eq(&((const struct crosslat_reqdag *)ctx)->ep[entry].t, key);
}

static uint32_t addr_hash(const struct crosslat_rq_tuple *k)
{
	uint32_t h = crosslat_hash_bytes(CROSSLAT_HASH_INIT, &k->family, 1);

	h = crosslat_hash_bytes(h, k->laddr, 16);
	h = crosslat_hash_bytes(h, k->raddr, 16);
	h = crosslat_hash_bytes(h, &k->lport, 2);
	return crosslat_hash_bytes(h, &k->rport, 2);
}

static uint32_t ep_hash(const struct crosslat_rq_tuple *k)
{
	uint32_t h = crosslat_hash_bytes(addr_hash(k), &k->trace, sizeof(k->trace));

	return crosslat_hash_bytes(h, &k->netns, sizeof(k->netns));
}

#define RING_NR	(sizeof(((struct crosslat_rq_endpoint *)0)->ring) / \
		 sizeof(((struct crosslat_rq_endpoint *)0)->ring[0]))

static void ep_reset(struct crosslat_rq_endpoint *e)
{
	size_t i;

	e->role = ROLE_UNKNOWN;
	e->last_dir = DIR_NONE;
	e->tx_msg = -1;
	e->rx_msg = -1;
	e->serving = -1;
	e->tx_tid = 0;
	e->ring_head = 0;
	memset(e->ring, 0, sizeof(e->ring));
	for (i = 0; i < RING_NR; i++)
		e->ring[i].msg = -1;
}

/* The endpoint of socket k, made on first sight; -1 when out of memory. */
static int32_t ep_get(struct crosslat_reqdag *d, const struct crosslat_rq_tuple *k)
{
	struct crosslat_rq_endpoint *v, *e;
	int64_t i;

	i = crosslat_index_find(&d->ep_idx, ep_hash(k), ep_eq, k, d);
	if (i >= 0)
		return (int32_t)i;
	if (d->nr_ep >= INT32_MAX)
		return -1;
	v = crosslat_grow(d->ep, d->nr_ep, &d->cap_ep, sizeof(*v));
	if (!v)
		return -1;
	d->ep = v;
	e = &d->ep[d->nr_ep];
	memset(e, 0, sizeof(*e));
	e->t = *k;
	ep_reset(e);
	if (crosslat_index_set(&d->ep_idx, ep_hash(k), ep_eq, k, d, d->nr_ep) ||
	    crosslat_index_set(&d->peer_idx, addr_hash(k), peer_eq, k, d, d->nr_ep))
		return -1;
	return (int32_t)d->nr_ep++;
}

/* The other end of endpoint e's connection (on any host), when traced too; -1 otherwise. */
static int32_t ep_peer(const struct crosslat_reqdag *d, int32_t e)
{
	const struct crosslat_rq_tuple *p = &d->ep[e].t;
	struct crosslat_rq_tuple k = *p;
	int64_t i;

	memcpy(k.laddr, p->raddr, 16);
	memcpy(k.raddr, p->laddr, 16);
	k.lport = p->rport;
	k.rport = p->lport;
	i = crosslat_index_find(&d->peer_idx, addr_hash(&k), peer_eq, &k, d);
	return i < 0 || i == e ? -1 : (int32_t)i;
}

static void ring_add(struct crosslat_rq_endpoint *e, uint32_t seq, uint32_t len, int32_t msg)
{
	e->ring[e->ring_head].seq = seq;
	e->ring[e->ring_head].len = len;
	e->ring[e->ring_head].msg = msg;
	e->ring_head = (e->ring_head + 1) % RING_NR;
}

/* The message of the newest write of e that holds sequence number seq, or -1. */
static int32_t ring_find(const struct crosslat_rq_endpoint *e, uint32_t seq)
{
	uint32_t i, at;

	for (i = 1; i <= RING_NR; i++) {
		at = (e->ring_head + RING_NR - i) % RING_NR;
		if (e->ring[at].msg >= 0 && e->ring[at].len &&
		    seq - e->ring[at].seq < e->ring[at].len)
			return e->ring[at].msg;
	}
	return -1;
}

/* ---- states ----------------------------------------------------------------------------- */

static int32_t thread_current(const struct crosslat_rq_thread *t)
{
	return t->nr_active ? t->active[t->nr_active - 1] : -1;
}

static void thread_drop(struct crosslat_rq_thread *t, int32_t s)
{
	size_t i;

	for (i = 0; i < t->nr_active; i++) {
		if (t->active[i] == s) {
			memmove(&t->active[i], &t->active[i + 1],
				(t->nr_active - i - 1) * sizeof(t->active[0]));
			t->nr_active--;
			return;
		}
	}
}

static void state_end(struct crosslat_reqdag *d, int32_t s, int64_t ts)
{
	struct crosslat_rq_state *st = &d->st[s];

	if (!st->open)
		return;
	st->open = false;
	if (ts > st->end_ns)
		st->end_ns = ts;
	if (st->end_ns > d->req[st->req].end_ns)
		d->req[st->req].end_ns = st->end_ns;
}

static void state_touch(struct crosslat_reqdag *d, int32_t s, int64_t ts)
{
	if (ts > d->st[s].end_ns)
		d->st[s].end_ns = ts;
}

/*
 * Opens a state of request req (a new request when req is -1) on thread t. Returns its
 * index, or -1 when out of memory.
 */
static int32_t state_open(struct crosslat_reqdag *d, struct crosslat_rq_thread *t,
			  uint8_t kind, int32_t req, int32_t parent, int32_t ep, int64_t ts)
{
	struct crosslat_rq_state *st;
	int32_t *a;
	void *v;

	if (d->nr_st >= INT32_MAX || d->nr_req >= INT32_MAX)
		return -1;
	v = crosslat_grow(d->st, d->nr_st, &d->cap_st, sizeof(*d->st));
	if (!v)
		return -1;
	d->st = v;
	a = crosslat_grow(t->active, t->nr_active, &t->cap_active, sizeof(*a));
	if (!a)
		return -1;
	t->active = a;
	if (req < 0) {
		struct crosslat_rq_request *rq;

		v = crosslat_grow(d->req, d->nr_req, &d->cap_req, sizeof(*d->req));
		if (!v)
			return -1;
		d->req = v;
		rq = &d->req[d->nr_req];
		memset(rq, 0, sizeof(*rq));
		rq->trace = t->trace;
		rq->first = (uint32_t)d->nr_st;
		rq->start_ns = ts;
		rq->end_ns = ts;
		req = (int32_t)d->nr_req++;
	}
	st = &d->st[d->nr_st];
	memset(st, 0, sizeof(*st));
	st->req = (uint32_t)req;
	st->parent = parent;
	st->returned_to = -1;
	st->kind = kind;
	st->open = true;
	st->trace = t->trace;
	st->tid = t->tid;
	st->pid = t->pid;
	st->netns = t->netns;
	st->start_ns = ts;
	st->end_ns = ts;
	st->ep = ep;
	st->next = UINT32_MAX;
	t->active[t->nr_active++] = (int32_t)d->nr_st;
	d->req[req].nr_states++;
	return (int32_t)d->nr_st++;
}

/* The newest open state of thread t in request req, or -1. */
static int32_t thread_in(const struct crosslat_reqdag *d, const struct crosslat_rq_thread *t,
			 uint32_t req)
{
	size_t i;

	for (i = t->nr_active; i-- > 0;)
		if (d->st[t->active[i]].req == req)
			return t->active[i];
	return -1;
}

static int32_t msg_new(struct crosslat_reqdag *d, int32_t ctx, uint8_t kind)
{
	struct crosslat_rq_msg *m;

	if (d->nr_msg >= INT32_MAX)
		return -1;
	m = crosslat_grow(d->msg, d->nr_msg, &d->cap_msg, sizeof(*m));
	if (!m)
		return -1;
	d->msg = m;
	d->msg[d->nr_msg].ctx = ctx;
	d->msg[d->nr_msg].kind = kind;
	return (int32_t)d->nr_msg++;
}

/* ---- events ----------------------------------------------------------------------------- */

/* Ends the state serving requests read on endpoint e (its response written, or gone). */
static void serving_end(struct crosslat_reqdag *d, struct crosslat_rq_endpoint *e, int64_t ts)
{
	int32_t s = e->serving;
	struct crosslat_rq_thread *t;

	if (s < 0)
		return;
	e->serving = -1;
	if (!d->st[s].open)
		return;
	t = thread_find(d, d->st[s].trace, d->st[s].tid);
	if (t)
		thread_drop(t, s);
	state_end(d, s, ts);
}

/*
 * Whether e is a server's end of its connection: it was accepted, or it was not connected
 * in the trace either (the connection is older) and its port is the lower of the two (a
 * service's port against a client's ephemeral one).
 */
static bool ep_serves(const struct crosslat_rq_endpoint *e)
{
	if (e->role != ROLE_UNKNOWN)
		return e->role == ROLE_SERVER;
	return e->t.lport < e->t.rport;
}

static int on_send(struct crosslat_reqdag *d, struct crosslat_rq_thread *t, int32_t ei,
		   const struct sock_ev *ev, int64_t ts)
{
	struct crosslat_rq_endpoint *e = &d->ep[ei];
	int32_t m = e->tx_msg, s;

	if (!ev->bytes)
		return 0;
	if (e->last_dir != DIR_SEND || m < 0) {
		s = e->serving;
		if (s >= 0 && d->st[s].open) {
			/* the response to the request read on e: its state ends */
			m = msg_new(d, s, MSG_RESPONSE);
			if (m < 0)
				return -ENOMEM;
			d->st[s].bytes_out += ev->bytes;
			e->serving = -1;
			thread_drop(t, s);
			if (d->st[s].tid != t->tid) {
				struct crosslat_rq_thread *o;

				o = thread_find(d, d->st[s].trace, d->st[s].tid);
				if (o)
					thread_drop(o, s);
			}
			state_end(d, s, ts);
		} else if (ep_serves(e)) {
			/* the answer to a request read before the trace began */
			m = msg_new(d, -1, MSG_RESPONSE);
			if (m < 0)
				return -ENOMEM;
		} else {
			/* a request (a call) carrying the writer's current state */
			m = msg_new(d, thread_current(t), MSG_REQUEST);
			if (m < 0)
				return -ENOMEM;
		}
		e->tx_msg = m;
		e->tx_tid = t->tid;
	} else if (d->msg[m].kind == MSG_RESPONSE && d->msg[m].ctx >= 0) {
		s = d->msg[m].ctx;
		d->st[s].bytes_out += ev->bytes;
		d->st[s].end_ns = ts > d->st[s].end_ns ? ts : d->st[s].end_ns;
		if (d->st[s].end_ns > d->req[d->st[s].req].end_ns)
			d->req[d->st[s].req].end_ns = d->st[s].end_ns;
	}
	e->last_dir = DIR_SEND;
	ring_add(e, ev->seq, ev->bytes, m);
	return 0;
}

/* A new request message read on e by thread t: a state for it. */
static int open_served(struct crosslat_reqdag *d, struct crosslat_rq_thread *t, int32_t ei,
		       uint8_t kind, int32_t ctx, int64_t ts)
{
	int32_t s;

	/* a request left unanswered on this socket (its client gone) ends here */
	serving_end(d, &d->ep[ei], ts);
	s = state_open(d, t, kind, ctx >= 0 ? (int32_t)d->st[ctx].req : -1, ctx, ei, ts);
	if (s < 0)
		return -ENOMEM;
	d->ep[ei].serving = s;
	d->ep[ei].role = ROLE_SERVER;
	return s;
}

static int on_recv(struct crosslat_reqdag *d, struct crosslat_rq_thread *t, int32_t ei,
		   const struct sock_ev *ev, int64_t ts)
{
	struct crosslat_rq_endpoint *e = &d->ep[ei];
	int32_t p = ep_peer(d, ei), m = -1, s;
	bool fresh;

	if (!ev->bytes)
		return 0;
	if (p >= 0)
		m = ring_find(&d->ep[p], ev->seq);
	fresh = m >= 0 ? m != e->rx_msg : e->last_dir != DIR_RECV;
	e->last_dir = DIR_RECV;
	if (m >= 0)
		d->from_traced++;
	else if (fresh)
		d->from_outside++;
	if (!fresh) {
		/* more of the message being read */
		s = e->serving;
		if (s >= 0 && d->st[s].open) {
			d->st[s].bytes_in += ev->bytes;
			state_touch(d, s, ts);
		}
		return 0;
	}
	e->rx_msg = m;
	if (m < 0) {
		/* from outside: a new request, unless it answers this thread's call */
		if (!ep_serves(e))
			return 0;
		s = open_served(d, t, ei, CROSSLAT_RQ_ENTRY, -1, ts);
	} else if (d->msg[m].kind == MSG_REQUEST) {
		int32_t ctx = d->msg[m].ctx;

		s = open_served(d, t, ei, ctx >= 0 ? CROSSLAT_RQ_CALL : CROSSLAT_RQ_ENTRY, ctx,
				ts);
	} else {
		/* a response: back to the caller's state, or the request resumes here */
		int32_t c = d->msg[m].ctx;

		if (c < 0)
			return 0;
		s = thread_in(d, t, d->st[c].req);
		if (s < 0 && e->tx_tid == t->tid)
			return 0;	/* the answer to a client outside any state: done */
		if (s < 0)
			s = state_open(d, t, CROSSLAT_RQ_RESUME, (int32_t)d->st[c].req, c, -1, ts);
		if (s < 0)
			return -ENOMEM;
		if (d->st[c].returned_to < 0)
			d->st[c].returned_to = s;
		state_touch(d, s, ts);
		return 0;
	}
	if (s < 0)
		return s;
	d->st[s].bytes_in += ev->bytes;
	return 0;
}

/* An IPv4 address in the first 4 bytes (crosslat_req's form) as ::ffff:a.b.c.d. */
static void v4_mapped(uint8_t *a)
{
	static const uint8_t zero[12];

	if (memcmp(a + 4, zero, sizeof(zero)))
		return;		/* mapped already (or not IPv4) */
	memmove(a + 12, a, 4);
	memset(a, 0, 10);
	a[10] = 0xff;
	a[11] = 0xff;
}

static int sock_fields(const struct crosslat_record *r, struct sock_ev *e, bool data)
{
	uint64_t netns, family, lport, rport, seq = 0, bytes = 0;
	int64_t tid, pid;
	size_t n1, n2;

	memset(e, 0, sizeof(*e));
	if (crosslat_record_s64(r, "tid", &tid) || crosslat_record_s64(r, "pid", &pid) ||
	    crosslat_record_u64(r, "netns", &netns) ||
	    crosslat_record_u64(r, "family", &family) ||
	    crosslat_record_u64(r, "lport", &lport) || crosslat_record_u64(r, "rport", &rport) ||
	    crosslat_record_bytes(r, "laddr", e->t.laddr, 16, &n1) ||
	    crosslat_record_bytes(r, "raddr", e->t.raddr, 16, &n2) || n1 != 16 || n2 != 16)
		return -EINVAL;
	if (data && (crosslat_record_u64(r, "seq", &seq) ||
		     crosslat_record_u64(r, "bytes", &bytes)))
		return -EINVAL;
	if (tid <= 0 || tid > INT32_MAX || pid <= 0 || pid > INT32_MAX ||
	    netns > UINT32_MAX || (family != 4 && family != 6) || lport > UINT16_MAX ||
	    rport > UINT16_MAX || seq > UINT32_MAX || bytes > UINT32_MAX)
		return -EINVAL;
	e->tid = (int32_t)tid;
	e->pid = (int32_t)pid;
	e->t.trace = r->trace;
	e->t.netns = (uint32_t)netns;
	e->t.family = (uint8_t)family;
	if (family == 4) {
		v4_mapped(e->t.laddr);
		v4_mapped(e->t.raddr);
	}
	e->t.lport = (uint16_t)lport;
	e->t.rport = (uint16_t)rport;
	e->seq = (uint32_t)seq;
	e->bytes = (uint32_t)bytes;
	return 0;
}

int crosslat_reqdag_socket(const struct crosslat_record *r, struct crosslat_rq_tuple *t)
{
	struct sock_ev ev;

	if (!r->name || strncmp(r->name, CROSSLAT_EV_REQ_PREFIX,
				sizeof(CROSSLAT_EV_REQ_PREFIX) - 1) ||
	    sock_fields(r, &ev, false))
		return -EINVAL;
	*t = ev.t;
	return 0;
}

enum sock_op { OP_SEND, OP_RECV, OP_ACCEPT, OP_CONNECT, OP_CLOSE };

static int on_sock(struct crosslat_reqdag *d, const struct crosslat_record *r,
		   enum sock_op op)
{
	struct crosslat_rq_thread *t;
	struct sock_ev ev;
	int32_t ei;

	if (sock_fields(r, &ev, op == OP_SEND || op == OP_RECV)) {
		d->malformed++;
		return 1;
	}
	t = thread_get(d, r->trace, ev.tid, ev.pid, ev.t.netns);
	ei = t ? ep_get(d, &ev.t) : -1;
	if (ei < 0)
		return -ENOMEM;
	d->events++;
	switch (op) {
	case OP_SEND:
		return on_send(d, t, ei, &ev, r->ts_ns) ?: 1;
	case OP_RECV:
		return on_recv(d, t, ei, &ev, r->ts_ns) ?: 1;
	case OP_ACCEPT:
	case OP_CONNECT:
		/* a new connection (maybe on the tuple of an old one) */
		serving_end(d, &d->ep[ei], r->ts_ns);
		ep_reset(&d->ep[ei]);
		d->ep[ei].role = op == OP_ACCEPT ? ROLE_SERVER : ROLE_CLIENT;
		/* the other end's index entry may be older: this end is the newest */
		return 1;
	case OP_CLOSE:
		serving_end(d, &d->ep[ei], r->ts_ns);
		return 1;
	}
	return 1;
}

static int on_fork(struct crosslat_reqdag *d, const struct crosslat_record *r)
{
	int64_t ptid, ctid, cpid;
	struct crosslat_rq_thread *p, *c;
	int32_t s;

	if (crosslat_record_s64(r, "parent_tid", &ptid) ||
	    crosslat_record_s64(r, "child_tid", &ctid) ||
	    crosslat_record_s64(r, "child_pid", &cpid) || ptid <= 0 || ptid > INT32_MAX ||
	    ctid <= 0 || ctid > INT32_MAX || cpid <= 0 || cpid > INT32_MAX) {
		d->malformed++;
		return 1;
	}
	d->events++;
	p = thread_find(d, r->trace, (int32_t)ptid);
	if (!p || !p->nr_active)
		return 1;
	s = thread_current(p);
	c = thread_get(d, r->trace, (int32_t)ctid, (int32_t)cpid, 0);
	if (!c)
		return -ENOMEM;
	/* thread_get may have moved the threads */
	p = thread_find(d, r->trace, (int32_t)ptid);
	c->netns = p->netns;
	if (state_open(d, c, CROSSLAT_RQ_FORK, (int32_t)d->st[s].req, s, -1, r->ts_ns) < 0)
		return -ENOMEM;
	return 1;
}

static int on_exit_ev(struct crosslat_reqdag *d, const struct crosslat_record *r)
{
	struct crosslat_rq_thread *t;
	int64_t tid;

	if (crosslat_record_s64(r, "tid", &tid) || tid <= 0 || tid > INT32_MAX) {
		d->malformed++;
		return 1;
	}
	d->events++;
	t = thread_find(d, r->trace, (int32_t)tid);
	if (!t)
		return 1;
	while (t->nr_active)
		state_end(d, t->active[--t->nr_active], r->ts_ns);
	return 1;
}

static bool name_eq(uint32_t entry, const void *key, const void *ctx)
{
	return !strcmp(((const struct crosslat_reqdag *)ctx)->names[entry], key);
}

/* The index of event name n in d->names, added when new; -1 when out of memory. */
static int64_t name_id(struct crosslat_reqdag *d, const char *n)
{
	uint32_t h = crosslat_hash_bytes(CROSSLAT_HASH_INIT, n, strlen(n));
	int64_t i = crosslat_index_find(&d->name_idx, h, name_eq, n, d);
	char **v, *copy;

	if (i >= 0)
		return i;
	v = crosslat_grow(d->names, d->nr_names, &d->cap_names, sizeof(*v));
	if (!v)
		return -1;
	d->names = v;
	copy = strdup(n);
	if (!copy)
		return -1;
	if (crosslat_index_set(&d->name_idx, h, name_eq, n, d, d->nr_names)) {
		free(copy);
		return -1;
	}
	d->names[d->nr_names] = copy;
	return (int64_t)d->nr_names++;
}

/* Counts r in the state its thread is in; 0 when it is in none. */
static int bucket(struct crosslat_reqdag *d, const struct crosslat_record *r)
{
	struct crosslat_rq_thread *t;
	struct crosslat_rq_state *st;
	int64_t tid, id;
	int32_t s;
	uint8_t i;

	if (!d->nr_th || !r->has_ts || crosslat_record_s64(r, "tid", &tid) ||
	    tid <= 0 || tid > INT32_MAX)
		return 0;
	t = thread_find(d, r->trace, (int32_t)tid);
	if (!t || !t->nr_active)
		return 0;
	s = thread_current(t);
	st = &d->st[s];
	id = name_id(d, r->name);
	if (id < 0)
		return -ENOMEM;
	d->bucketed++;
	for (i = 0; i < st->nr_ev; i++) {
		if (st->ev[i].name == (uint32_t)id) {
			st->ev[i].n++;
			return 1;
		}
	}
	if (st->nr_ev < CROSSLAT_RQ_EVENT_KINDS) {
		st->ev[st->nr_ev].name = (uint32_t)id;
		st->ev[st->nr_ev++].n = 1;
	} else {
		st->other++;
	}
	return 1;
}

int crosslat_reqdag_add(struct crosslat_reqdag *d, const struct crosslat_record *r)
{
	static const struct {
		const char *name;
		int op;
	} ops[] = {
		{ "send", OP_SEND }, { "recv", OP_RECV }, { "accept", OP_ACCEPT },
		{ "connect", OP_CONNECT }, { "close", OP_CLOSE }, { "fork", -1 },
		{ "exit", -2 },
	};
	const size_t plen = sizeof(CROSSLAT_EV_REQ_PREFIX) - 1;
	size_t i;

	if (strncmp(r->name, CROSSLAT_EV_REQ_PREFIX, plen))
		return bucket(d, r);
	if (!r->has_ts) {
		d->malformed++;
		return 1;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(r->name + plen, ops[i].name))
			continue;
		if (ops[i].op == -1)
			return on_fork(d, r);
		if (ops[i].op == -2)
			return on_exit_ev(d, r);
		return on_sock(d, r, ops[i].op);
	}
	return 0;
}

int crosslat_reqdag_finish(struct crosslat_reqdag *d)
{
	uint32_t *tail;
	size_t i;

	if (d->finished)
		return 0;
	tail = calloc(d->nr_req ? d->nr_req : 1, sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	for (i = 0; i < d->nr_st; i++) {
		struct crosslat_rq_state *st = &d->st[i];
		struct crosslat_rq_request *rq = &d->req[st->req];

		if (st->end_ns > rq->end_ns)
			rq->end_ns = st->end_ns;
		if (rq->first != i)
			d->st[tail[st->req]].next = (uint32_t)i;
		tail[st->req] = (uint32_t)i;
	}
	free(tail);
	d->finished = true;
	return 0;
}
