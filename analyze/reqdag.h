/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Request DAGs from kernel events alone (crosslat_req.ko): a thread state model in the
 * manner of MiSeRTrace, keyed by TCP sequence numbers instead of guesswork.
 *
 * Each thread holds states: the intervals in which it works for one request. A state
 * begins when the thread reads a request message and ends when it writes the response on
 * the same socket (a network state), or begins when a thread in a state forks a thread
 * or process and ends when that child exits (a fork state).
 *
 * A message is the run of bytes one end of a connection writes before it reads again.
 * It carries the state its writer was in (the newest one open on that thread). The reader
 * of a message finds it by sequence number: the writer's crosslat_req_send (write_seq,
 * bytes) covering the reader's crosslat_req_recv (copied_seq). A request message with a
 * state opens a state of the same request on the reader, a child of the writer's state; a
 * response message closes the loop back to the caller. A response read by a thread in no
 * state of its request resumes the request there, unless that thread wrote the request
 * itself outside any state (a client: the request ends with its answer). Data from a peer that is not traced
 * (a load generator, a client outside the chosen cgroups) read on a socket the thread did
 * not open starts a new request: an entry state. So successive requests on a keep-alive
 * connection, pools of threads that each serve a connection, connections taken from a pool
 * by different threads and parallel calls (from one thread, or from threads forked for
 * them) all find their request without any trace context in the payload.
 *
 * The two ends of a connection may be in two traces (hosts): a pod's addresses are its
 * own in the cluster. Their clocks must then agree better than the network's one-way
 * delay, or a read may come before the write it reads; it then starts a request.
 *
 * Other events of a thread (page faults, migrations: whatever else was recorded with a
 * tid) are counted in the state the thread was in at the time. A thread handing work to
 * another through memory (a queue between threads that live on) leaves no kernel event
 * to follow: the receiving thread's calls then start requests of their own.
 */
#ifndef _CROSSLAT_REQDAG_H
#define _CROSSLAT_REQDAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct crosslat_record;

#define CROSSLAT_EV_REQ_PREFIX	"crosslat_req_"

enum crosslat_rq_kind {
	CROSSLAT_RQ_ENTRY,	/* a request from outside the traced threads */
	CROSSLAT_RQ_CALL,	/* a request message from a traced state */
	CROSSLAT_RQ_FORK,	/* a child forked by a thread in a state */
	CROSSLAT_RQ_RESUME,	/* a response read by a thread that was not in the request */
	CROSSLAT_RQ_KIND_NR
};

extern const char *const crosslat_rq_kind_names[CROSSLAT_RQ_KIND_NR];

/* At most this many kinds of bucketed events per state; more are counted in `other`. */
#define CROSSLAT_RQ_EVENT_KINDS	6

struct crosslat_rq_count {
	uint32_t name;		/* index in crosslat_reqdag.names */
	uint32_t n;
};

struct crosslat_rq_state {
	uint32_t req;		/* index in crosslat_reqdag.req */
	int32_t parent;		/* state index, -1 for the request's entry */
	int32_t returned_to;	/* the state that read this state's response, or -1 */
	uint8_t kind;		/* enum crosslat_rq_kind */
	bool open;		/* not ended when the trace ended */
	uint32_t trace;
	int32_t tid, pid;
	uint32_t netns;
	int64_t start_ns, end_ns;	/* trace time */
	int32_t ep;		/* the socket its request came in on (an endpoint), or -1 */
	uint64_t bytes_in, bytes_out;	/* read on ep, written on ep as the response */
	struct crosslat_rq_count ev[CROSSLAT_RQ_EVENT_KINDS];
	uint8_t nr_ev;
	uint32_t other;		/* bucketed events past the kinds kept */
	uint32_t next;		/* after finish: the request's next state, or UINT32_MAX */
};

/* A socket's key: the trace (host), its namespace and its TCP/IP 4-tuple. */
struct crosslat_rq_tuple {
	uint32_t trace, netns;
	uint8_t family;		/* 4 or 6; IPv4 addresses as ::ffff:a.b.c.d */
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
};

/* One end of a TCP connection as a thread sees it (a socket). */
struct crosslat_rq_endpoint {
	struct crosslat_rq_tuple t;
	uint8_t role;		/* internal: unknown, client, server */
	uint8_t last_dir;	/* internal: last operation, none, send, recv */
	int32_t tx_msg;		/* message being written (last_dir send), or -1 */
	int32_t rx_msg;		/* message last read from the peer, or -1 */
	int32_t serving;	/* the state serving the request last read here, or -1 */
	int32_t tx_tid;		/* the thread that began the message being written, or 0 */
	uint32_t ring_head;	/* internal: recent writes, by sequence number */
	struct {
		uint32_t seq, len;
		int32_t msg;
	} ring[8];
};

struct crosslat_rq_request {
	uint32_t trace;
	uint32_t first;		/* its entry state; states follow by crosslat_rq_state.next */
	uint32_t nr_states;
	int64_t start_ns, end_ns;
};

struct crosslat_rq_thread;
struct crosslat_rq_msg;

struct crosslat_reqdag {
	struct crosslat_rq_state *st;
	size_t nr_st, cap_st;
	struct crosslat_rq_request *req;
	size_t nr_req, cap_req;
	struct crosslat_rq_endpoint *ep;
	size_t nr_ep, cap_ep;
	struct crosslat_index ep_idx;	/* (trace, netns, tuple) -> endpoint */
	struct crosslat_index peer_idx;	/* addresses -> newest endpoint, any trace */
	struct crosslat_rq_thread *th;
	size_t nr_th, cap_th;
	struct crosslat_index th_idx;	/* (trace, tid) -> thread */
	struct crosslat_rq_msg *msg;
	size_t nr_msg, cap_msg;
	char **names;			/* bucketed event names */
	size_t nr_names, cap_names;
	struct crosslat_index name_idx;
	bool finished;
	/* counters */
	uint64_t events;	/* crosslat_req_* events used */
	uint64_t malformed;	/* crosslat_req_* events without their fields: ignored */
	uint64_t bucketed;	/* other events counted in a state */
	uint64_t from_traced;	/* reads whose bytes a traced write covered */
	uint64_t from_outside;	/* reads of messages no traced write covered */
};

void crosslat_reqdag_init(struct crosslat_reqdag *d);
void crosslat_reqdag_uninit(struct crosslat_reqdag *d);

/*
 * Takes r: a crosslat_req_* event moves the model; another event with a tid (payload, or
 * the tid/vtid context) is counted in that thread's current state. 1 when used, 0 when
 * not, -ENOMEM.
 */
int crosslat_reqdag_add(struct crosslat_reqdag *d, const struct crosslat_record *r);

/*
 * The socket of a crosslat_req socket event (send, recv, accept, connect, close) into *t:
 * 0, or -EINVAL for another or a malformed event.
 */
int crosslat_reqdag_socket(const struct crosslat_record *r, struct crosslat_rq_tuple *t);

/* Ends the model once every record is in: links each request's states. 0 or -ENOMEM. */
int crosslat_reqdag_finish(struct crosslat_reqdag *d);

#endif /* _CROSSLAT_REQDAG_H */
