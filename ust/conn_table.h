/* SPDX-License-Identifier: GPL-2.0-only */
/* The preload's descriptor table: which fds are followed HTTP connections, and their state. */
#ifndef _CROSSLAT_CONN_TABLE_H
#define _CROSSLAT_CONN_TABLE_H

/*
 * A two-level array indexed by descriptor: CONN_FD_LIMIT / CONN_CHUNK chunk pointers, each
 * chunk (allocated on first use, never freed) CONN_CHUNK slots. A slot points to the
 * connection's state while it is followed. States are never freed either, only recycled
 * (type-stable), so that a thread may still lock one it looked up just before another
 * thread forgot it: conn_lock_fd() checks, under the lock, that it still belongs to the fd.
 * Locks: the table lock is never taken with a connection's held; fork() holds them all.
 * A connection's lock is a futex (0 free, 1 held, 2 held and waited for): taking and
 * releasing it uncontended is an atomic operation each, as every wrapped call on a followed
 * descriptor does.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include "crosslat_span.h"
#include "http_frame.h"

#define CONN_FD_LIMIT	(1 << 20)	/* descriptors at or above are not followed */
#define CONN_CHUNK	1024
#define CONN_MAX	65536		/* connections followed at once */

struct conn {
	atomic_int lock;		/* see above: conn_lock(), conn_put() */
	int fd;				/* -1: not in use */
	bool span_open;
	struct crosslat_span span;
	struct http_conn http;
	struct conn *next_all;		/* every state ever allocated */
	struct conn *next_free;
};

typedef _Atomic(struct conn *) conn_slot;
extern _Atomic(conn_slot *) conn_chunks[CONN_FD_LIMIT / CONN_CHUNK];

/*
 * The fast path, for every wrapped call: the state of @fd if it may be followed, else NULL.
 * A racy peek: conn_lock_fd() makes sure of it.
 */
static inline struct conn *conn_peek(int fd)
{
	conn_slot *chunk;

	if ((unsigned int)fd >= CONN_FD_LIMIT)
		return NULL;
	chunk = atomic_load_explicit(&conn_chunks[fd / CONN_CHUNK], memory_order_acquire);
	return chunk ? atomic_load_explicit(&chunk[fd % CONN_CHUNK], memory_order_acquire) : NULL;
}

/* The slow paths of conn_lock() and conn_put(), contended. */
void conn_lock_wait(struct conn *c);
void conn_unlock_wake(struct conn *c);

static inline void conn_lock(struct conn *c)
{
	int unlocked = 0;

	if (!atomic_compare_exchange_strong_explicit(&c->lock, &unlocked, 1, memory_order_acquire,
						     memory_order_relaxed))
		conn_lock_wait(c);
}

/* Unlocks @c. */
static inline void conn_put(struct conn *c)
{
	if (atomic_exchange_explicit(&c->lock, 0, memory_order_release) == 2)
		conn_unlock_wake(c);
}

/* Locks @c, peeked for @fd: false, @c unlocked, if it no longer belongs to @fd. */
static inline bool conn_lock_fd(struct conn *c, int fd)
{
	conn_lock(c);
	if (c->fd == fd)
		return true;
	/* Forgotten (and perhaps recycled for another fd) since the peek. */
	conn_put(c);
	return false;
}

/* The state of followed @fd, locked; NULL if @fd is not followed. */
static inline struct conn *conn_get(int fd)
{
	struct conn *c = conn_peek(fd);

	return c && conn_lock_fd(c, fd) ? c : NULL;
}

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
