/* SPDX-License-Identifier: GPL-2.0-only */
/* The preload's descriptor table: which fds are followed HTTP connections, and their state. */
#ifndef _CROSSLAT_CONN_TABLE_H
#define _CROSSLAT_CONN_TABLE_H

/*
 * A two-level array indexed by descriptor: CONN_FD_LIMIT / CONN_CHUNK chunk pointers, each
 * chunk (allocated on first use, never freed) CONN_CHUNK slots. A slot points to the
 * connection's state while it is followed. States are never freed either, only recycled
 * (type-stable), so that a thread may still lock one it looked up just before another
 * thread forgot it: conn_get() checks, under the lock, that it still belongs to the fd.
 * Locks: the table lock is never taken with a connection's held; fork() holds them all.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "crosslat_span.h"
#include "http_frame.h"

#define CONN_FD_LIMIT	(1 << 20)	/* descriptors at or above are not followed */
#define CONN_CHUNK	1024
#define CONN_MAX	65536		/* connections followed at once */

struct conn {
	pthread_mutex_t lock;
	int fd;				/* -1: not in use */
	bool span_open;
	struct crosslat_span span;
	struct http_conn http;
	struct conn *next_all;		/* every state ever allocated */
	struct conn *next_free;
};

typedef _Atomic(struct conn *) conn_slot;
extern _Atomic(conn_slot *) conn_chunks[CONN_FD_LIMIT / CONN_CHUNK];

/* The fast path, for every wrapped call: whether @fd may be followed (a racy peek). */
static inline bool conn_followed(int fd)
{
	conn_slot *chunk;

	if ((unsigned int)fd >= CONN_FD_LIMIT)
		return false;
	chunk = atomic_load_explicit(&conn_chunks[fd / CONN_CHUNK], memory_order_acquire);
	return chunk && atomic_load_explicit(&chunk[fd % CONN_CHUNK], memory_order_relaxed);
}

/* The state of followed @fd, locked; NULL if @fd is not followed. */
struct conn *conn_get(int fd);

/* Unlocks @c. */
void conn_put(struct conn *c);

/*
 * Starts following @fd, which must not be followed (conn_del its stale state first): a new
 * state, locked, with fd set and the rest zero. NULL when CONN_MAX are followed or memory
 * is short.
 */
struct conn *conn_add(int fd);

/* Stops following locked @c: its descriptor's slot is cleared and @c unlocked, recycled. */
void conn_del(struct conn *c);

/* The lowest followed descriptor in [@fd, @last], or -1. */
int conn_next(int fd, int last);

/* Registers the fork handlers; call once, before any other function. */
void conn_table_init(void);

#endif /* _CROSSLAT_CONN_TABLE_H */
