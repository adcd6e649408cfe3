// SPDX-License-Identifier: GPL-2.0-only
/* The preload's descriptor table (conn_table.h): lookup, add, delete, fork handling. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "conn_table.h"

_Atomic(conn_slot *) conn_chunks[CONN_FD_LIMIT / CONN_CHUNK];

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *all_conns;		/* every state allocated, under table_lock */
static struct conn *free_conns;
static unsigned int conns_used;

static conn_slot *slot_of(int fd, bool create)
{
	conn_slot *chunk;

	if ((unsigned int)fd >= CONN_FD_LIMIT)
		return NULL;
	chunk = atomic_load_explicit(&conn_chunks[fd / CONN_CHUNK], memory_order_acquire);
	if (!chunk && create) {
		/* Under table_lock: only one thread allocates a chunk. */
		chunk = calloc(CONN_CHUNK, sizeof(*chunk));
		if (!chunk)
			return NULL;
		atomic_store_explicit(&conn_chunks[fd / CONN_CHUNK], chunk, memory_order_release);
	}
	return chunk ? &chunk[fd % CONN_CHUNK] : NULL;
}

/* Marks the lock waited for, and sleeps until it is free (the caller's errno is kept). */
void conn_lock_wait(struct conn *c)
{
	int saved_errno = errno;

	while (atomic_exchange_explicit(&c->lock, 2, memory_order_acquire))
		syscall(SYS_futex, &c->lock, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
	errno = saved_errno;
}

void conn_unlock_wake(struct conn *c)
{
	int saved_errno = errno;

	syscall(SYS_futex, &c->lock, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = saved_errno;
}

struct conn *conn_add(int fd)
{
	struct conn *c = NULL;
	conn_slot *slot;

	pthread_mutex_lock(&table_lock);
	slot = slot_of(fd, true);
	if (!slot || conns_used >= CONN_MAX)
		goto out;
	c = free_conns;
	if (c) {
		free_conns = c->next_free;
	} else {
		c = calloc(1, sizeof(*c));
		if (!c)
			goto out;
		c->fd = -1;	/* calloc: unlocked */
		c->next_all = all_conns;
		all_conns = c;
	}
	conns_used++;
out:
	pthread_mutex_unlock(&table_lock);
	if (!c)
		return NULL;
	conn_lock(c);
	c->fd = fd;
	c->span_open = false;
	memset(&c->span, 0, sizeof(c->span));
	memset(&c->http, 0, sizeof(c->http));
	atomic_store_explicit(slot, c, memory_order_release);
	return c;
}

void conn_del(struct conn *c)
{
	conn_slot *slot = slot_of(c->fd, false);

	if (slot)
		atomic_store_explicit(slot, NULL, memory_order_release);
	c->fd = -1;
	conn_put(c);

	pthread_mutex_lock(&table_lock);
	c->next_free = free_conns;
	free_conns = c;
	conns_used--;
	pthread_mutex_unlock(&table_lock);
}

int conn_next(int fd, int last)
{
	conn_slot *chunk;

	if (fd < 0)
		fd = 0;
	if (last >= CONN_FD_LIMIT)
		last = CONN_FD_LIMIT - 1;
	while (fd <= last) {
		chunk = atomic_load_explicit(&conn_chunks[fd / CONN_CHUNK], memory_order_acquire);
		if (!chunk) {
			fd = (fd / CONN_CHUNK + 1) * CONN_CHUNK;
			continue;
		}
		if (atomic_load_explicit(&chunk[fd % CONN_CHUNK], memory_order_relaxed))
			return fd;
		fd++;
	}
	return -1;
}

/* fork() copies the memory of this thread only: no lock may be held by another one then. */
static void table_atfork_prepare(void)
{
	struct conn *c;

	pthread_mutex_lock(&table_lock);
	for (c = all_conns; c; c = c->next_all)
		conn_lock(c);
}

static void table_atfork_release(void)
{
	struct conn *c;

	for (c = all_conns; c; c = c->next_all)
		conn_put(c);
	pthread_mutex_unlock(&table_lock);
}

void conn_table_init(void)
{
	pthread_atfork(table_atfork_prepare, table_atfork_release, table_atfork_release);
}
