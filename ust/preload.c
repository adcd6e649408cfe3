// SPDX-License-Identifier: GPL-2.0-only
/* libcrosslat-span-preload.so: a span per request of HTTP/1.x servers, from their libc calls. */

/*
 * LD_PRELOAD=libcrosslat-span-preload.so SERVER...
 *
 * Follows the TCP connections that the server accepts (accept, accept4) and parses what it
 * reads from and writes to them (http_frame.c): a span begins on the thread whose read
 * completes a request's head (a child of the request's traceparent, else a new trace; name
 * "METHOD /path", service CROSSLAT_SPAN_SERVICE or the program's name) and ends when the
 * response has been written (status >= 500: an OTLP error), or when the connection closes.
 * For any other descriptor a wrapper costs one table lookup; the wrapped call's result,
 * errno and partial transfers are those of libc.
 *
 * CROSSLAT_SPAN_STATS=1 prints, when the program exits normally, one line of counters on
 * stderr: connections followed, how each stopped being followed (enum http_dead), spans.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "conn_table.h"
#include "span_internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

/* The fortified variants that glibc's headers call with _FORTIFY_SOURCE. */
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
		       __SOCKADDR_ARG addr, socklen_t *addrlen);

/* The next definitions (libc's), with the prototypes of libc's headers. */
static struct {
	__typeof__(read) *read;
	__typeof__(__read_chk) *read_chk;
	__typeof__(readv) *readv;
	__typeof__(recv) *recv;
	__typeof__(__recv_chk) *recv_chk;
	__typeof__(recvfrom) *recvfrom;
	__typeof__(__recvfrom_chk) *recvfrom_chk;
	__typeof__(recvmsg) *recvmsg;
	__typeof__(write) *write;
	__typeof__(writev) *writev;
	__typeof__(send) *send;
	__typeof__(sendto) *sendto;
	__typeof__(sendmsg) *sendmsg;
	__typeof__(sendfile) *sendfile;
	__typeof__(sendfile64) *sendfile64;
	__typeof__(accept) *accept;
	__typeof__(accept4) *accept4;
	__typeof__(shutdown) *shutdown;
	__typeof__(close) *close;
	__typeof__(close_range) *close_range;
	__typeof__(dup2) *dup2;
	__typeof__(dup3) *dup3;
} real;

static struct {
	atomic_ulong followed;		/* connections accepted and followed */
	atomic_ulong table_full;	/* connections not followed: CONN_MAX reached */
	atomic_ulong spans;		/* spans begun */
	atomic_ulong done[HTTP_DEAD_COUNT];	/* connections no longer followed, by reason */
} stats;

/* Set while the thread is inside the library: its own calls pass straight through. */
static __thread int in_library __attribute__((tls_model("initial-exec")));

static atomic_bool resolved;

#define RESOLVE(name, sym)	(real.name = dlsym(RTLD_NEXT, sym))

/* Idempotent: a wrapper called before the constructor (by another one) resolves too. */
static void resolve(void)
{
	RESOLVE(read, "read");
	RESOLVE(read_chk, "__read_chk");
	RESOLVE(readv, "readv");
	RESOLVE(recv, "recv");
	RESOLVE(recv_chk, "__recv_chk");
	RESOLVE(recvfrom, "recvfrom");
	RESOLVE(recvfrom_chk, "__recvfrom_chk");
	RESOLVE(recvmsg, "recvmsg");
	RESOLVE(write, "write");
	RESOLVE(writev, "writev");
	RESOLVE(send, "send");
	RESOLVE(sendto, "sendto");
	RESOLVE(sendmsg, "sendmsg");
	RESOLVE(sendfile, "sendfile");
	RESOLVE(sendfile64, "sendfile64");
	RESOLVE(accept, "accept");
	RESOLVE(accept4, "accept4");
	RESOLVE(shutdown, "shutdown");
	RESOLVE(close, "close");
	RESOLVE(close_range, "close_range");
	RESOLVE(dup2, "dup2");
	RESOLVE(dup3, "dup3");
	atomic_store_explicit(&resolved, true, memory_order_release);
}

#define REAL(name)	\
	(atomic_load_explicit(&resolved, memory_order_acquire) ? real.name : (resolve(), real.name))

__attribute__((constructor)) static void preload_init(void)
{
	conn_table_init();
	if (!atomic_load(&resolved))
		resolve();
}

__attribute__((destructor)) static void preload_exit(void)
{
	const char *env = getenv("CROSSLAT_SPAN_STATS");
	char line[512];
	size_t i, n;

	if (!env || strcmp(env, "1"))
		return;
	n = snprintf(line, sizeof(line), "crosslat-span-preload: followed %lu, table_full %lu, "
		     "spans %lu, done:", atomic_load(&stats.followed),
		     atomic_load(&stats.table_full), atomic_load(&stats.spans));
	for (i = HTTP_DEAD_NOT_HTTP; i < HTTP_DEAD_COUNT && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s %lu", http_dead_name(i),
			      atomic_load(&stats.done[i]));
	if (n < sizeof(line) - 1) {
		line[n++] = '\n';
		(void)!REAL(write)(STDERR_FILENO, line, n);
	}
}

/* The span callbacks of http_frame.c; ctx is the struct conn, locked. */
static void span_begin_cb(void *ctx, const struct http_request *req)
{
	struct conn *c = ctx;

	c->span_open = !crosslat_span_begin(&c->span, req->has_parent ? req->trace_id : NULL,
					    req->has_parent ? req->parent_span_id : NULL,
					    req->name, NULL);
	if (c->span_open)
		atomic_fetch_add_explicit(&stats.spans, 1, memory_order_relaxed);
}

static void span_end_cb(void *ctx, int http_status)
{
	struct conn *c = ctx;

	if (!c->span_open)
		return;
	crosslat_span_end(&c->span, http_status >= 500 ? CROSSLAT_OTLP_ERROR : CROSSLAT_OTLP_UNSET);
	c->span_open = false;
}

static const struct http_conn_ops span_ops = {
	.begin = span_begin_cb,
	.end = span_end_cb,
};

enum io { IO_RECV, IO_SEND, IO_SEND_OPAQUE, IO_END /* shutdown, close, dup2 */ };

/* The slow path: @fd is (perhaps) followed, by @c, and the server moved @n bytes of @iov. */
static void follow(struct conn *c, int fd, enum io io, const struct iovec *iov, int iovcnt,
		   size_t n)
{
	int saved_errno = errno, i;
	size_t take;

	if (in_library)
		return;
	in_library = 1;
	if (!conn_lock_fd(c, fd))
		goto out;
	switch (io) {
	case IO_RECV:
	case IO_SEND:
		for (i = 0; n && i < iovcnt; i++) {
			take = iov[i].iov_len < n ? iov[i].iov_len : n;
			if (io == IO_RECV)
				http_conn_recv(&c->http, iov[i].iov_base, take, &span_ops, c);
			else
				http_conn_send(&c->http, iov[i].iov_base, take, &span_ops, c);
			n -= take;
		}
		break;
	case IO_SEND_OPAQUE:
		http_conn_send_opaque(&c->http, n, &span_ops, c);
		break;
	case IO_END:
		http_conn_close(&c->http, &span_ops, c);
		break;
	}
	if (http_conn_done(&c->http)) {
		atomic_fetch_add_explicit(&stats.done[c->http.dead], 1, memory_order_relaxed);
		conn_del(c);
	} else {
		conn_put(c);
	}
out:
	in_library = 0;
	errno = saved_errno;
}

/* After a call that moved @n bytes of @buf (if n > 0) on @fd: returns @n. */
static ssize_t follow_buf(int fd, enum io io, const void *buf, ssize_t n)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };
	struct conn *c;

	if (n > 0 && (c = conn_peek(fd)))
		follow(c, fd, io, &iov, 1, n);
	return n;
}

static ssize_t follow_iov(int fd, enum io io, const struct iovec *iov, int iovcnt, ssize_t n)
{
	struct conn *c;

	if (n > 0 && (c = conn_peek(fd)))
		follow(c, fd, io, iov, iovcnt, n);
	return n;
}

/* After a sendfile() that sent @n bytes to @fd: returns @n. */
static ssize_t follow_opaque(int fd, ssize_t n)
{
	struct conn *c;

	if (n > 0 && (c = conn_peek(fd)))
		follow(c, fd, IO_SEND_OPAQUE, NULL, 0, n);
	return n;
}

/* The same for a receive with @flags: peeked or discarded bytes are not the stream's. */
static ssize_t follow_recv(int fd, int flags, const void *buf, ssize_t n)
{
	return flags & (MSG_PEEK | MSG_TRUNC) ? n : follow_buf(fd, IO_RECV, buf, n);
}

static void follow_end(int fd)
{
	struct conn *c = conn_peek(fd);

	if (c)
		follow(c, fd, IO_END, NULL, 0, 0);
}

/* A connection the server accepted: follow it if it is TCP. */
static void follow_accepted(int fd, const struct sockaddr *addr, const socklen_t *addrlen)
{
	int saved_errno = errno;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	sa_family_t family;
	struct conn *c;

	if (in_library || fd < 0 || fd >= CONN_FD_LIMIT)
		return;
	in_library = 1;
	if (addr && addrlen && *addrlen >= sizeof(family))
		family = addr->sa_family;
	else if (!getsockname(fd, (struct sockaddr *)&ss, &len))
		family = ss.ss_family;
	else
		family = AF_UNSPEC;
	/* A state left by a close we did not see (fclose, a raw syscall) is stale. */
	c = conn_get(fd);
	if (c) {
		http_conn_close(&c->http, &span_ops, c);
		conn_del(c);
	}
	if (family == AF_INET || family == AF_INET6) {
		c = conn_add(fd);
		if (c) {
			http_conn_init(&c->http);
			conn_put(c);
			atomic_fetch_add_explicit(&stats.followed, 1, memory_order_relaxed);
		} else {
			atomic_fetch_add_explicit(&stats.table_full, 1, memory_order_relaxed);
		}
	}
	in_library = 0;
	errno = saved_errno;
}

/* @fd is about to be closed (or replaced by dup2): its connection ends, library fds reopen. */
static void fd_closing(int fd)
{
	follow_end(fd);
	if (fd >= 0)
		span_fds_closed(fd, fd);
}

#define EXPORT	CROSSLAT_EXPORT

EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	return follow_buf(fd, IO_RECV, buf, REAL(read)(fd, buf, count));
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	return follow_buf(fd, IO_RECV, buf, REAL(read_chk)(fd, buf, count, buflen));
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return follow_iov(fd, IO_RECV, iov, iovcnt, REAL(readv)(fd, iov, iovcnt));
}

EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return follow_recv(fd, flags, buf, REAL(recv)(fd, buf, len, flags));
}

EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	return follow_recv(fd, flags, buf, REAL(recv_chk)(fd, buf, len, buflen, flags));
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, __SOCKADDR_ARG addr,
			socklen_t *addrlen)
{
	return follow_recv(fd, flags, buf, REAL(recvfrom)(fd, buf, len, flags, addr, addrlen));
}

EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
			      __SOCKADDR_ARG addr, socklen_t *addrlen)
{
	return follow_recv(fd, flags, buf,
			   REAL(recvfrom_chk)(fd, buf, len, buflen, flags, addr, addrlen));
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t ret = REAL(recvmsg)(fd, msg, flags);

	if (flags & (MSG_PEEK | MSG_TRUNC))
		return ret;
	return follow_iov(fd, IO_RECV, msg->msg_iov, msg->msg_iovlen, ret);
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	return follow_buf(fd, IO_SEND, buf, REAL(write)(fd, buf, count));
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return follow_iov(fd, IO_SEND, iov, iovcnt, REAL(writev)(fd, iov, iovcnt));
}

EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return follow_buf(fd, IO_SEND, buf, REAL(send)(fd, buf, len, flags));
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags, __CONST_SOCKADDR_ARG addr,
		      socklen_t addrlen)
{
	return follow_buf(fd, IO_SEND, buf, REAL(sendto)(fd, buf, len, flags, addr, addrlen));
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t ret = REAL(sendmsg)(fd, msg, flags);

	return follow_iov(fd, IO_SEND, msg->msg_iov, msg->msg_iovlen, ret);
}

EXPORT ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	return follow_opaque(out_fd, REAL(sendfile)(out_fd, in_fd, offset, count));
}

EXPORT ssize_t sendfile64(int out_fd, int in_fd, off64_t *offset, size_t count)
{
	return follow_opaque(out_fd, REAL(sendfile64)(out_fd, in_fd, offset, count));
}

EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *addrlen)
{
	int ret = REAL(accept)(fd, addr, addrlen);

	if (ret >= 0)
		follow_accepted(ret, addr.__sockaddr__, addrlen);
	return ret;
}

EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *addrlen, int flags)
{
	int ret = REAL(accept4)(fd, addr, addrlen, flags);

	if (ret >= 0)
		follow_accepted(ret, addr.__sockaddr__, addrlen);
	return ret;
}

EXPORT int shutdown(int fd, int how)
{
	int ret = REAL(shutdown)(fd, how);

	if (!ret && how != SHUT_RD)
		follow_end(fd);
	return ret;
}

EXPORT int close(int fd)
{
	fd_closing(fd);
	return REAL(close)(fd);
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	int end = last < CONN_FD_LIMIT ? (int)last : CONN_FD_LIMIT - 1, fd;

	if (!(flags & CLOSE_RANGE_CLOEXEC) && first <= last) {
		for (fd = first < CONN_FD_LIMIT ? conn_next(first, end) : -1; fd >= 0;
		     fd = conn_next(fd + 1, end))
			follow_end(fd);
		span_fds_closed(first, last);
	}
	if (!REAL(close_range)) {
		errno = ENOSYS;
		return -1;
	}
	return real.close_range(first, last, flags);
}

EXPORT int dup2(int oldfd, int newfd)
{
	int ret = REAL(dup2)(oldfd, newfd);

	if (ret >= 0 && oldfd != newfd)
		fd_closing(newfd);
	return ret;
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int ret = REAL(dup3)(oldfd, newfd, flags);

	if (ret >= 0)
		fd_closing(newfd);
	return ret;
}
