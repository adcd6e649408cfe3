// SPDX-License-Identifier: GPL-2.0-only
/* libcrosslat-span: spans begun and ended on /dev/crosslat_span and as lttng-ust events. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <linux/crosslat_span.h>
#include "crosslat_span.h"
#include "span_internal.h"
#include "ust_crosslat.h"

_Static_assert(CROSSLAT_SPAN_NAME_SIZE == CROSSLAT_SPAN_NAME_MAX &&
	       CROSSLAT_SPAN_NAME_SIZE == CROSSLAT_SPAN_SERVICE_MAX, "name sizes differ from uapi");
_Static_assert(CROSSLAT_TRACE_ID_SIZE == CROSSLAT_SPAN_TRACE_ID_LEN &&
	       CROSSLAT_SPAN_ID_SIZE == CROSSLAT_SPAN_SPAN_ID_LEN, "id sizes differ from uapi");
_Static_assert((int)CROSSLAT_OTLP_UNSET == (int)CROSSLAT_SPAN_STATUS_UNSET &&
	       (int)CROSSLAT_OTLP_OK == (int)CROSSLAT_SPAN_STATUS_OK &&
	       (int)CROSSLAT_OTLP_ERROR == (int)CROSSLAT_SPAN_STATUS_ERROR,
	       "status codes differ from uapi");

#define SPAN_OPEN	0x4f50454eu	/* struct crosslat_span.state of a begun span */
#define SPAN_ENDED	0x454e4445u
#define DEV_RETRY_NS	1000000000ull	/* an absent device is looked for once a second */

static atomic_int dev_fd = -1;
static _Atomic uint64_t dev_retry_ns;
static char default_service[CROSSLAT_SPAN_NAME_SIZE];
static pthread_once_t span_once = PTHREAD_ONCE_INIT;

/* The thread's id and its unused random bytes; a child of fork() starts afresh. */
struct thread_state {
	pid_t tid;
	uint8_t avail;
	uint8_t buf[128];
};
static __thread struct thread_state thread_state;

/*
 * Its address, to be looked up once a call: each lookup of a library's TLS is a call of
 * __tls_get_addr, which GCC would rather repeat at each use than keep the address at hand.
 */
static struct thread_state *thread_state_get(void)
{
	struct thread_state *t = &thread_state;

	__asm__("" : "+r"(t));	/* opaque: no longer a TLS address to compute anew */
	return t;
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static pid_t this_tid(struct thread_state *t)
{
	if (!t->tid)
		t->tid = gettid();
	return t->tid;
}

/* @n (at most 16) random bytes, from the thread's pool that getrandom() refills. */
static inline int random_bytes(struct thread_state *t, uint8_t *out, size_t n)
{
	ssize_t got;

	if (t->avail < n) {
		do {
			got = getrandom(t->buf, sizeof(t->buf), 0);
		} while (got < 0 && errno == EINTR);
		if (got != sizeof(t->buf))
			return -EIO;
		t->avail = sizeof(t->buf);
	}
	t->avail -= n;
	memcpy(out, t->buf + t->avail, n);
	return 0;
}

/* A random trace or span id: never all zero. */
static inline int random_id(struct thread_state *t, uint8_t *id, size_t n)
{
	int err;

	do {
		err = random_bytes(t, id, n);
	} while (!err && all_zero(id, n));
	return err;
}

/* The length of the valid UTF-8 sequence at @p (1 to 4), 0 if it is invalid. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (*p < 0x80)
		return 1;
	if (*p < 0xc2 || *p > 0xf4)
		return 0;
	n = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
	if (*p == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (*p == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (*p == 0xf0)
		lo = 0x90;	/* overlong */
	else if (*p == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 0;
	return n;
}

/*
 * Copies name @src into @dst, truncated to CROSSLAT_SPAN_NAME_SIZE - 1 bytes at a character
 * boundary; control characters and bytes of invalid UTF-8 become '?'.
 */
static void copy_name(char dst[CROSSLAT_SPAN_NAME_SIZE], const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, n;

	while (*p) {
		/* Printable ASCII, the usual: as it is. */
		while (*p - 0x20u < 0x7f - 0x20 && i < CROSSLAT_SPAN_NAME_SIZE - 1)
			dst[i++] = *p++;
		if (!*p || i == CROSSLAT_SPAN_NAME_SIZE - 1)
			break;
		n = utf8_len(p);
		if (n <= 1) {	/* invalid, or a control character */
			if (i + 1 >= CROSSLAT_SPAN_NAME_SIZE)
				break;
			dst[i++] = '?';
			p++;
			continue;
		}
		if (i + n >= CROSSLAT_SPAN_NAME_SIZE)
			break;
		memcpy(dst + i, p, n);
		i += n;
		p += n;
	}
	dst[i] = '\0';
}

/* In a child of fork(): the thread has another id, and must not reuse the parent's randomness. */
static void span_atfork_child(void)
{
	int fd = atomic_exchange(&dev_fd, -1);

	/* The parent's descriptor keeps its spans; the child opens its own when it needs it. */
	if (fd >= 0)
		close(fd);
	atomic_store(&dev_retry_ns, 0);
	thread_state.tid = 0;
	thread_state.avail = 0;
}

static void span_init(void)
{
	const char *service = getenv("CROSSLAT_SPAN_SERVICE");

	copy_name(default_service, service && *service ? service : program_invocation_short_name);
	pthread_atfork(NULL, NULL, span_atfork_child);
}

/* /dev/crosslat_span, opened on first use; -1 while it is absent. */
static int dev_get(void)
{
	int fd = atomic_load_explicit(&dev_fd, memory_order_acquire), expected = -1;
	uint64_t now;

	if (fd >= 0)
		return fd;
	now = now_ns(CLOCK_MONOTONIC_COARSE);
	if (now < atomic_load(&dev_retry_ns))
		return -1;
	fd = open(CROSSLAT_SPAN_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		atomic_store(&dev_retry_ns, now + DEV_RETRY_NS);
		return -1;
	}
	if (!atomic_compare_exchange_strong(&dev_fd, &expected, fd)) {
		close(fd);	/* another thread opened it first */
		return expected;
	}
	return fd;
}

void span_fds_closed(unsigned int first, unsigned int last)
{
	int fd = atomic_load_explicit(&dev_fd, memory_order_relaxed);

	if (fd >= 0 && (unsigned int)fd >= first && (unsigned int)fd <= last &&
	    atomic_compare_exchange_strong(&dev_fd, &fd, -1))
		atomic_store(&dev_retry_ns, 0);
	span_log_fds_closed(first, last);
}

/* Tells the kernel: 1 it tracks the span, 0 there is no device, -errno it refused. */
static int kernel_begin(const struct crosslat_span *s)
{
	struct crosslat_span_begin b;
	int fd = dev_get();

	if (fd < 0)
		return 0;
	memset(&b, 0, sizeof(b));
	memcpy(b.trace_id, s->trace_id, sizeof(b.trace_id));
	memcpy(b.span_id, s->span_id, sizeof(b.span_id));
	memcpy(b.parent_span_id, s->parent_span_id, sizeof(b.parent_span_id));
	memcpy(b.name, s->name, sizeof(b.name));
	memcpy(b.service, s->service, sizeof(b.service));
	return ioctl(fd, CROSSLAT_SPAN_IOC_BEGIN, &b) ? -errno : 1;
}

/* The same for the end; fills the kernel's measures into @s. */
static int kernel_end(struct crosslat_span *s)
{
	struct crosslat_span_end e = { 0 };
	int fd = dev_get();

	if (fd < 0)
		return 0;
	e.tid = s->tid == this_tid(thread_state_get()) ? 0 : (uint32_t)s->tid;
	e.status = s->status;
	memcpy(e.span_id, s->span_id, sizeof(e.span_id));
	if (ioctl(fd, CROSSLAT_SPAN_IOC_END, &e))
		return -errno;
	s->duration_ns = e.duration_ns;
	s->annotated = !!e.annotated;
	s->syscalls = e.syscalls;
	return 1;
}

CROSSLAT_EXPORT int crosslat_span_begin(struct crosslat_span *s, const uint8_t *trace_id,
					const uint8_t *parent_span_id, const char *name,
					const char *service)
{
	struct thread_state *t = thread_state_get();
	int saved_errno = errno, err;

	if (!s || !name || (parent_span_id && !trace_id) ||
	    (trace_id && all_zero(trace_id, CROSSLAT_TRACE_ID_SIZE)))
		return -EINVAL;
	pthread_once(&span_once, span_init);
	memset(s, 0, sizeof(*s));
	if (trace_id)
		memcpy(s->trace_id, trace_id, sizeof(s->trace_id));
	if (parent_span_id)
		memcpy(s->parent_span_id, parent_span_id, sizeof(s->parent_span_id));
	err = random_id(t, s->span_id, sizeof(s->span_id));
	if (!err && !trace_id)
		err = random_id(t, s->trace_id, sizeof(s->trace_id));
	if (err)
		goto out;
	copy_name(s->name, name);
	if (service)
		copy_name(s->service, service);
	else	/* copied by copy_name already, and NUL-padded */
		memcpy(s->service, default_service, sizeof(s->service));
	s->tid = this_tid(t);
	s->start_ns = now_ns(CLOCK_MONOTONIC);
	s->begin_kernel = kernel_begin(s);
	lttng_ust_tracepoint(crosslat_ust, span_begin, s->trace_id, s->span_id,
			     s->parent_span_id, s->name, s->service, s->begin_kernel);
	s->state = SPAN_OPEN;
out:
	errno = saved_errno;
	return err;
}

CROSSLAT_EXPORT int crosslat_span_end(struct crosslat_span *s, int status)
{
	int saved_errno = errno;

	if (!s || s->state != SPAN_OPEN || status < CROSSLAT_OTLP_UNSET ||
	    status > CROSSLAT_OTLP_ERROR)
		return -EINVAL;
	s->state = SPAN_ENDED;
	s->end_ns = now_ns(CLOCK_MONOTONIC);
	s->duration_ns = s->end_ns - s->start_ns;
	s->status = status;
	if (s->begin_kernel == 1)
		s->end_kernel = kernel_end(s);
	lttng_ust_tracepoint(crosslat_ust, span_end, s->trace_id, s->span_id, s->status,
			     s->duration_ns, s->end_kernel, s->annotated, s->syscalls);
	span_log_write(s);
	errno = saved_errno;
	return 0;
}

CROSSLAT_EXPORT int crosslat_span_traceparent(const struct crosslat_span *s,
					      char out[CROSSLAT_TRACEPARENT_SIZE], uint8_t flags)
{
	if (!s || (s->state != SPAN_OPEN && s->state != SPAN_ENDED))
		return -EINVAL;
	return crosslat_traceparent_format(out, s->trace_id, s->span_id, flags);
}
